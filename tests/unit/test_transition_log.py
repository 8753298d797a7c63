"""The cart's transition log: one write may stand for several events, each emitted once, in order,
with ids a redelivered stream record reproduces; carts stored before the log emit what they did."""

from __future__ import annotations

import json

from cart_core.cart import MAX_TRANSITIONS, Cart, LineItem, Transition
from cart_core.events.models import events_for_change
from cart_core.lifecycle import CartStatus


def _cart(version: int = 1) -> Cart:
    cart = Cart(tenant_id="t", location_id="l", currency="USD", lines=[LineItem(product_id="p", quantity=2)])
    cart.version = version
    return cart


def _image(cart: Cart) -> Cart:
    """The cart as the stream hands it over: its stored document read back (the outbox's _cart)."""
    stored = Cart.model_validate_json(cart.model_dump_json(exclude={"version"}))
    stored.version = cart.version
    return stored


def _legacy_image(cart: Cart) -> Cart:
    """The cart as a document written before the log existed: no ``transitions`` key at all."""
    doc = json.loads(cart.model_dump_json(exclude={"version"}))
    doc.pop("transitions")
    stored = Cart.model_validate(doc)
    stored.version = cart.version
    return stored


def test_a_write_with_two_transitions_emits_each_ones_events_in_order() -> None:
    # Given an open cart (pay at pickup) that one write takes to submitted and then validated
    before = _cart(version=1)
    after = before.model_copy(deep=True)
    after.transition(CartStatus.SUBMITTED, 1_000)
    after.transition(CartStatus.VALIDATED, 2_000)
    after.version = 2
    # When the outbox turns that one stream record into events
    events = events_for_change(_image(before), _image(after))
    # Then both transitions are announced, in order, each with its own time and status (the old
    # status diff saw only "validated": no CartSubmitted)
    assert [(e.event_type.value, e.status.value, e.occurred_at_ms) for e in events] == [
        ("CartSubmitted", "submitted", 1_000),
        ("CartValidated", "validated", 2_000),
        ("OrderPlaced", "validated", 2_000),  # pay at pickup: the order is placed when accepted
    ]
    assert len({e.event_id for e in events}) == 3


def test_a_redelivered_record_yields_the_same_ids_as_before_the_log() -> None:
    # Given a submit (one transition) committed as version 2
    before = _cart(version=1)
    after = before.model_copy(deep=True)
    after.transition(CartStatus.SUBMITTED, 1_000)
    after.version = 2
    # When the same stream record is delivered twice
    first = events_for_change(_image(before), _image(after))
    again = events_for_change(_image(before), _image(after))
    # Then the ids are the same both times, and the ones events always had (tenant.cart.version.type)
    assert [e.event_id for e in first] == [e.event_id for e in again] == [f"t.{after.cart_id}.2.CartSubmitted"]


def test_only_the_entries_a_write_added_are_emitted() -> None:
    # Given a cart submitted in one write and validated in the next
    v1 = _cart(version=1)
    v2 = v1.model_copy(deep=True)
    v2.transition(CartStatus.SUBMITTED, 1_000)
    v2.version = 2
    v3 = v2.model_copy(deep=True)
    v3.transition(CartStatus.VALIDATED, 2_000)
    v3.version = 3
    # When the second write's record is relayed, Then only its own entry's events go out
    assert [e.event_type.value for e in events_for_change(_image(v2), _image(v3))] == [
        "CartValidated",
        "OrderPlaced",
    ]
    # And a write with no transition (a payment or field change) emits no lifecycle event
    v4 = v3.model_copy(deep=True)
    v4.notes = "ring twice"
    v4.version = 4
    assert events_for_change(_image(v3), _image(v4)) == []


def test_carts_stored_before_the_log_emit_what_their_status_change_did() -> None:
    # Given images written before the log (no transitions key) on both sides of a submit
    before = _cart(version=1)
    after = before.model_copy(deep=True)
    after.transition(CartStatus.SUBMITTED, 1_000)
    after.modified_ms = 1_234
    after.version = 2
    # When relayed, Then the status diff decides, as it always did (time: the write's)
    events = events_for_change(_legacy_image(before), _legacy_image(after))
    assert [(e.event_id, e.occurred_at_ms) for e in events] == [(f"t.{after.cart_id}.2.CartSubmitted", 1_234)]
    # And a legacy old image followed by a logged write emits the write's entry
    after_logged = _legacy_image(after).model_copy(deep=True)
    after_logged.transition(CartStatus.VALIDATED, 2_000)
    after_logged.version = 3
    assert [e.event_type.value for e in events_for_change(_legacy_image(after), _image(after_logged))] == [
        "CartValidated",
        "OrderPlaced",
    ]
    # And an unchanged legacy status emits nothing
    assert events_for_change(_legacy_image(after), _legacy_image(after)) == []


def test_the_log_is_bounded_and_its_new_entries_are_still_found() -> None:
    # Given a cart whose log is full (a long history, fabricated: the lifecycle has fewer steps today)
    before = _cart(version=7)
    before.transitions = [
        Transition(seq=n, from_status=CartStatus.OPEN, to_status=CartStatus.OPEN, at_ms=n) for n in range(1, 17)
    ]
    assert len(before.transitions) == MAX_TRANSITIONS
    after = before.model_copy(deep=True)
    # When one more transition is written
    after.transition(CartStatus.SUBMITTED, 5_000)
    after.version = 8
    # Then the oldest entry is dropped, and the new one is still the one emitted (by sequence, not position)
    assert len(after.transitions) == MAX_TRANSITIONS and after.transitions[0].seq == 2
    assert [e.event_type.value for e in events_for_change(_image(before), _image(after))] == ["CartSubmitted"]
