"""Payments a client gives by key (NewStore's ``payments`` map): what ``CartEdits.payments`` holds
and how it changes a cart. The core makes each payment from the kind and amount given
(``cart.keyed_payment``), in the cart's currency: nothing a provider answers is taken from a client."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel

from cart_core.cart import MAX_PAYMENTS, PAYMENT_KEY_BYTES, PAYMENT_METHOD_BYTES, Cart, PaymentKind, keyed_payment
from cart_core.errors import InvalidRequest
from cart_core.limits import Utf8Limit
from cart_core.money import from_decimal

__all__ = ["MAX_PAYMENTS", "PaymentEdit", "PaymentKey", "apply_payment_edits"]

PaymentKey = Annotated[str, Utf8Limit(PAYMENT_KEY_BYTES, min_bytes=1)]


class PaymentEdit(BaseModel):
    """A payment a client gives by key: its kind (``cart.PaymentKind``) and amount in currency units,
    exact in the cart's currency."""

    kind: PaymentKind
    amount: Decimal
    method: Annotated[str, Utf8Limit(PAYMENT_METHOD_BYTES, min_bytes=1)] = "card"
    # The currency the client says the amount is in: refused unless it is the cart's.
    currency: Annotated[str, Utf8Limit(3, min_bytes=3)] | None = None


def apply_payment_edits(cart: Cart, changes: dict[str, PaymentEdit | None]) -> None:
    """Set or remove payments by key (None removes; a key the cart does not have: nothing to do). A
    payment the service captured (a card taken at acceptance) is money taken: it cannot be replaced
    or removed here (a refund is the store's). A hold the change drops is the caller's to release
    (``Cart.live_holds`` before and after: ``Checkout.edit`` / ``place``)."""
    # Imported here: the providers are checkout's, and every face imports this module (cold start).
    from cart_core.payments import CARD_PROVIDER

    for key, given in changes.items():
        current = cart.payment(key)
        if current is not None and current.status in ("captured", "capturing") and current.holds_funds:
            raise InvalidRequest(f"Payment {key[:64]!r} was captured; it can no longer change")
        if given is None:
            cart.remove_payment(key)
            continue
        if given.currency is not None and given.currency.upper() != cart.currency.upper():
            raise InvalidRequest(f"Payment {key[:64]!r} is in {given.currency}; the order is in {cart.currency}")
        amount = from_decimal(given.amount, cart.currency)
        cart.set_payment(keyed_payment(given.kind, key, amount, given.method, CARD_PROVIDER))
