"""Domain errors. Raised once in the core; each face maps them to its vendor's error body."""

from __future__ import annotations


class DomainError(Exception):
    """Base class; ``message`` is safe to show to API clients."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidRequest(DomainError):
    """The request is well-formed but asks for something the domain does not allow."""


class DiscountNotFound(InvalidRequest):
    """A discount code that is not (or no longer) valid here: 400 for BLAZE; a face may answer it as
    the vendor does (Medusa: 404 "Discounts with code [X] was not found")."""

    def __init__(self, code: str) -> None:
        super().__init__(f"Promo code {code} is not valid")
        self.code = code


class PaymentPending(InvalidRequest):
    """The processor neither approved nor declined the authorization: it waits on the shopper (3-D
    Secure and the like). Nothing was held and no order placed; the same checkout asked again once
    the shopper has done their part finishes it. ``Checkout.complete`` answers the cart as it is
    (Medusa: ``{type: "cart", payment_status}``); ``submit`` refuses with this 400."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"Payment pending: {reason}")
        self.reason = reason


class NotFound(DomainError):
    """The record does not exist, has expired, or belongs to someone else."""


class CartNotFound(NotFound):
    """No cart by that key reaches the caller (missing, expired, or someone else's). The message
    names the stored key, as BLAZE and LOKE have always answered; a face whose vendor words it
    otherwise renders ``cart_id`` in its own id shape (Medusa: "Cart with cart_… was not found")."""

    def __init__(self, cart_id: str) -> None:
        super().__init__(f"Cart {cart_id} not found")
        self.cart_id = cart_id


class ProductNotFound(NotFound):
    """A product a request names is not sold (unknown or inactive): a face may answer it otherwise
    than a missing cart (Medusa: 400 invalid_data)."""

    def __init__(self, product_id: str) -> None:
        super().__init__(f"Product {product_id} not found")
        self.product_id = product_id


class Conflict(DomainError):
    """The record is in a state that does not allow this change."""


class IllegalTransition(Conflict):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(f"A cart in status '{current}' cannot become '{target}'")
        self.current = current
        self.target = target


class ConcurrentModification(Conflict):
    """Another writer won the version race more times than we were willing to retry."""

    def __init__(self) -> None:
        super().__init__("The cart was changed by another request; retry")


class Unauthorized(DomainError):
    """Missing or wrong credentials."""


class ServiceUnavailable(DomainError):
    """A backing service is throttling us or cannot be reached; nothing was written. The client
    should send the same request again after ``retry_after`` seconds (faces: 503 + Retry-After)."""

    def __init__(self, message: str = "The service is briefly unavailable; retry shortly", retry_after: int = 1):
        super().__init__(message)
        self.retry_after = retry_after


class NotAllowed(InvalidRequest):
    """The request is valid but the state of what it names forbids it (a used-up or expired code,
    a sold-out variant). Faces that distinguish it (Medusa's ``not_allowed``) map it; others answer
    it as any ``InvalidRequest``. ``code``: a machine-readable reason some vendors add."""

    code: str | None = None


class InsufficientInventory(NotAllowed):
    """A variant that manages its inventory has less in stock than asked for."""

    code = "insufficient_inventory"

    def __init__(self, variant_id: str, message: str | None = None) -> None:
        super().__init__(message or f"Variant with id: {variant_id} does not have the required inventory")
        self.variant_id = variant_id
