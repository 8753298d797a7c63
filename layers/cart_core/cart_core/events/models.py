"""The event envelope every producer and consumer shares, and which cart changes produce which events.

Events are derived only from committed changes (the table's stream), so none is lost or invented.
Their ids are deterministic, so a redelivered stream record produces the same event id and every
consumer can drop the duplicate.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from cart_core.cart import Cart
from cart_core.lifecycle import CartStatus

SOURCE = "cart-service"


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


class EventTotals(BaseModel):
    currency: str
    item_count: int
    subtotal_minor: int
    adjustment_total_minor: int
    total_minor: int | None = None


class CartEvent(BaseModel):
    schema_version: Literal["1"] = "1"
    event_id: str
    event_type: EventType
    occurred_at_ms: int
    tenant_id: str
    location_id: str
    cart_id: str
    cart_version: int
    status: CartStatus
    correlation_id: str
    totals: EventTotals
    reason: str | None = None
    order_no: str | None = None
    detail: dict[str, str] = Field(default_factory=dict)


_ON_ENTERING: dict[CartStatus, tuple[EventType, ...]] = {
    CartStatus.SUBMITTED: (EventType.CART_SUBMITTED,),
    CartStatus.VALIDATED: (EventType.CART_VALIDATED,),
    CartStatus.REJECTED: (EventType.CART_REJECTED,),
    CartStatus.EXPIRED: (EventType.CART_EXPIRED,),
    CartStatus.PAID: (EventType.PAYMENT_CAPTURED, EventType.ORDER_PLACED),
    CartStatus.PAYMENT_FAILED: (EventType.PAYMENT_FAILED,),
    CartStatus.CANCELED: (EventType.CART_CANCELED,),
}


def _entering(cart: Cart) -> tuple[EventType, ...]:
    """The events of a cart entering its status. An order is placed once: a card order when its
    payment is captured (``paid``), a pay-at-pickup order when it is accepted (``validated``), since
    nothing is captured for it and it stays validated until pickup."""
    entered = _ON_ENTERING.get(cart.status, ())
    if cart.status is CartStatus.VALIDATED and cart.pays_at_pickup:
        entered = (*entered, EventType.ORDER_PLACED)
    return entered


def correlation_id(cart: Cart) -> str:
    """One id for one checkout: the cart and the moment it was submitted."""
    return f"{cart.cart_id}.{cart.submitted_ms or cart.created_ms}"


def _event(cart: Cart, event_type: EventType, occurred_at_ms: int) -> CartEvent:
    return CartEvent(
        event_id=f"{cart.tenant_id}.{cart.cart_id}.{cart.version}.{event_type.value}",
        event_type=event_type,
        occurred_at_ms=occurred_at_ms,
        tenant_id=cart.tenant_id,
        location_id=cart.location_id,
        cart_id=cart.cart_id,
        cart_version=cart.version,
        status=cart.status,
        correlation_id=correlation_id(cart),
        totals=EventTotals(
            currency=cart.currency,
            item_count=sum(line.quantity for line in cart.lines),
            subtotal_minor=sum(line.unit_total_minor * line.quantity for line in cart.lines),
            adjustment_total_minor=sum(a.amount_minor for a in cart.adjustments),
            total_minor=cart.total_minor,
        ),
        reason=cart.reason,
        order_no=cart.order_no,
    )


def _payment_status(cart: Cart | None) -> str | None:
    return cart.payments[-1].status if cart is not None and cart.payments else None


def _payment_events(old: Cart | None, new: Cart) -> tuple[EventType, ...]:
    """A card hold taken (at submit) or released (the order ended): a change of the payment alone."""
    before, after = _payment_status(old), _payment_status(new)
    if before == after:
        return ()
    return {"authorized": (EventType.PAYMENT_AUTHORIZED,), "voided": (EventType.PAYMENT_VOIDED,)}.get(after or "", ())


def events_for_change(old: Cart | None, new: Cart | None, removed_by_ttl: bool = False) -> list[CartEvent]:
    """The events one committed change of a cart item stands for."""
    if new is not None:
        entered = () if old is not None and old.status is new.status else _entering(new)
        return [_event(new, event_type, new.modified_ms) for event_type in (*entered, *_payment_events(old, new))]
    if old is not None and removed_by_ttl and old.status is CartStatus.OPEN and old.lines:
        return [_event(old, EventType.CART_ABANDONED, old.modified_ms)]
    return []
