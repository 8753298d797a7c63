"""The outbox must not acknowledge a stream record whose events EventBridge did not take."""

from __future__ import annotations

import pytest

from cart_core.cart import Cart, LineItem
from cart_core.events.bus import EventBus, EventPublishError
from cart_core.events.models import events_for_change
from cart_core.lifecycle import CartStatus


class FakeEvents:
    def __init__(self, fail_index: int | None) -> None:
        self.fail_index, self.calls = fail_index, []

    def put_events(self, Entries):
        self.calls.append(Entries)
        results = [{"EventId": str(i)} for i in range(len(Entries))]
        if self.fail_index is not None:
            results[self.fail_index] = {"ErrorCode": "InternalFailure", "ErrorMessage": "try again"}
        return {"FailedEntryCount": int(self.fail_index is not None), "Entries": results}


def _paid_events():
    cart = Cart(tenant_id="t", location_id="l", currency="USD", lines=[LineItem(product_id="p", quantity=1)])
    for step in (CartStatus.SUBMITTED, CartStatus.VALIDATED):
        cart.transition(step, 1)
    before = cart.model_copy(deep=True)
    cart.transition(CartStatus.PAID, 2)
    cart.version = 4
    return events_for_change(before, cart)


def test_published_events_go_to_the_bus_with_their_type() -> None:
    client = FakeEvents(fail_index=None)
    EventBus("bus", client).publish(_paid_events())
    (entries,) = client.calls
    assert [e["DetailType"] for e in entries] == ["PaymentCaptured", "OrderPlaced"]
    assert {e["EventBusName"] for e in entries} == {"bus"} and entries[0]["Source"] == "cart-service"


def test_a_rejected_entry_raises_naming_the_event() -> None:
    with pytest.raises(EventPublishError) as raised:
        EventBus("bus", FakeEvents(fail_index=1)).publish(_paid_events())
    assert [e.event_type.value for e in raised.value.failed] == ["OrderPlaced"]
