"""The event envelope every producer and consumer shares, and which cart changes produce which events.

Events are derived only from committed changes (the table's stream), so none is lost or invented.
Their ids are deterministic, so a redelivered stream record produces the same event id and every
consumer can drop the duplicate.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from cart_core.cart import Cart, Transition
from cart_core.events.types import EventType, on_entering
from cart_core.lifecycle import CartStatus

__all__ = ["SOURCE", "CartEvent", "EventTotals", "EventType", "correlation_id", "events_for_change"]

SOURCE = "cart-service"


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


def correlation_id(cart: Cart) -> str:
    """One id for one checkout: the cart and the moment it was submitted."""
    return f"{cart.cart_id}.{cart.submitted_ms or cart.created_ms}"


def _event(
    cart: Cart, event_type: EventType, occurred_at_ms: int, status: CartStatus | None = None, suffix: str = ""
) -> CartEvent:
    return CartEvent(
        # Deterministic: a redelivered stream record (the same image) yields the same id.
        event_id=f"{cart.tenant_id}.{cart.cart_id}.{cart.version}.{event_type.value}{suffix}",
        event_type=event_type,
        occurred_at_ms=occurred_at_ms,
        tenant_id=cart.tenant_id,
        location_id=cart.location_id,
        cart_id=cart.cart_id,
        cart_version=cart.version,
        status=cart.status if status is None else status,
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


def _payment_events(old: Cart | None, new: Cart) -> tuple[EventType, ...]:
    """A card hold taken (at submit) or released (the order ended): a change of a payment alone,
    compared key by key (one key for BLAZE: its payment). Each type once per write, as its id
    (tenant.cart.version.type) names one event."""
    before = {payment.key: payment.status for payment in old.payments} if old is not None else {}
    found: dict[EventType, None] = {}
    for payment in new.payments:
        if before.get(payment.key) == payment.status:
            continue
        for event_type in _PAYMENT_EVENTS.get(payment.status, ()):
            found[event_type] = None
    return tuple(found)


_PAYMENT_EVENTS = {"authorized": (EventType.PAYMENT_AUTHORIZED,), "voided": (EventType.PAYMENT_VOIDED,)}


def _new_transitions(old: Cart | None, new: Cart) -> list[Transition]:
    """The log entries this write added: those after the old image's last one (by ``seq``, so the
    log's bound, which drops the oldest entries, does not shift them)."""
    last = old.transitions[-1].seq if old is not None and old.transitions else 0
    return [entry for entry in new.transitions if entry.seq > last]


def _transition_events(old: Cart | None, new: Cart) -> list[CartEvent]:
    """One event per event type of each new log entry, in order. A cart written before the log (no
    entries) falls back to the status diff, so its events are what they always were."""
    if not new.transitions:
        if old is not None and old.status is new.status:
            return []
        entered = on_entering(new.status, new.pays_at_pickup)
        return [_event(new, event_type, new.modified_ms) for event_type in entered]
    events: list[CartEvent] = []
    seen: set[EventType] = set()
    for entry in _new_transitions(old, new):
        for event_type in entry.events:
            # An event type once per write keeps today's id (tenant.cart.version.type); a second one
            # in the same write (a status re-entered) is told apart by its entry's sequence number.
            suffix = f".{entry.seq}" if event_type in seen else ""
            seen.add(event_type)
            events.append(_event(new, event_type, entry.at_ms, entry.to_status, suffix))
    return events


def events_for_change(old: Cart | None, new: Cart | None, removed_by_ttl: bool = False) -> list[CartEvent]:
    """The events one committed change of a cart item stands for: its new transition-log entries'
    (or, for a cart stored before the log, its status change's), then its payment's."""
    if new is not None:
        payment = [_event(new, event_type, new.modified_ms) for event_type in _payment_events(old, new)]
        return [*_transition_events(old, new), *payment]
    if old is not None and removed_by_ttl and old.status is CartStatus.OPEN and old.lines:
        return [_event(old, EventType.CART_ABANDONED, old.modified_ms)]
    return []
