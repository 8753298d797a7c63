"""The domain event types, and which ones a cart's entering a status stands for.

Kept apart from ``models`` (the envelope) so the cart can record, at each transition, the events it
stands for (``cart.Transition``) without importing the envelope, which imports the cart.
"""

from __future__ import annotations

from enum import StrEnum

from cart_core.lifecycle import CartStatus


class EventType(StrEnum):
    CART_SUBMITTED = "CartSubmitted"
    CART_VALIDATED = "CartValidated"
    CART_REJECTED = "CartRejected"
    CART_EXPIRED = "CartExpired"
    PAYMENT_AUTHORIZED = "PaymentAuthorized"
    PAYMENT_CAPTURED = "PaymentCaptured"
    PAYMENT_VOIDED = "PaymentVoided"
    PAYMENT_FAILED = "PaymentFailed"
    ORDER_PLACED = "OrderPlaced"
    CART_CANCELED = "CartCanceled"
    CART_ABANDONED = "CartAbandoned"


_ON_ENTERING: dict[CartStatus, tuple[EventType, ...]] = {
    CartStatus.SUBMITTED: (EventType.CART_SUBMITTED,),
    CartStatus.VALIDATED: (EventType.CART_VALIDATED,),
    CartStatus.REJECTED: (EventType.CART_REJECTED,),
    CartStatus.EXPIRED: (EventType.CART_EXPIRED,),
    CartStatus.PAID: (EventType.PAYMENT_CAPTURED, EventType.ORDER_PLACED),
    CartStatus.PAYMENT_FAILED: (EventType.PAYMENT_FAILED,),
    CartStatus.CANCELED: (EventType.CART_CANCELED,),
}


def on_entering(status: CartStatus, pays_at_pickup: bool) -> tuple[EventType, ...]:
    """The events of a cart entering ``status``. An order is placed once: a card order when its
    payment is captured (``paid``), a pay-at-pickup order when it is accepted (``validated``), since
    nothing is captured for it and it stays validated until pickup."""
    entered = _ON_ENTERING.get(status, ())
    if status is CartStatus.VALIDATED and pays_at_pickup:
        entered = (*entered, EventType.ORDER_PLACED)
    return entered
