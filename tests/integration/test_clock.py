"""One injected clock: the use cases' stamps, ids, TTLs and deadlines and the store's idea of an
expired item all come from the clock they are given, so a test freezes or moves time by handing
them a FrozenClock, with no module patched and no real time waited for."""

from __future__ import annotations

from cart_core.actors import IdentityKey
from cart_core.clock import FrozenClock
from cart_core.ids import InternalId
from cart_core.lifecycle import CartStatus
from cart_core.store.dynamodb import DynamoStore
from cart_core.tenancy import Caller
from cart_core.usecases import compose
from cart_core.usecases.carts import CartEdits, LineEdit

CALLER = Caller.system("demo", "main")
T0 = 1_900_000_000.0  # a moment far from the machine's own time, so no real clock could pass


def _submitted(store, clock: FrozenClock) -> str:
    cases = compose(store, clock=clock)
    edits = CartEdits(lines=[LineEdit(product_id="demo-flower", quantity=1)])
    cart = cases.carts.prepare(CALLER, [IdentityKey("session", "s-clock")], edits).cart
    clock.advance(5)
    cases.checkout.submit(CALLER, cart.cart_id, CartEdits())
    return cart.cart_id


def test_a_new_cart_takes_its_id_stamps_and_ttl_from_the_injected_clock(store) -> None:
    # Given use cases over a clock frozen at T0
    clock = FrozenClock(T0)
    cases = compose(store, clock=clock)
    # When a cart is created and then submitted five seconds later
    edits = CartEdits(lines=[LineEdit(product_id="demo-flower", quantity=1)])
    cart = cases.carts.prepare(CALLER, [IdentityKey("session", "s-stamps")], edits).cart
    clock.advance(5)
    submitted = cases.checkout.submit(CALLER, cart.cart_id, CartEdits()).cart
    # Then every time on it is the clock's: the id's second, the stamps, the log entry, the TTL
    assert InternalId.from_key(cart.cart_id).raw[:4] == int(T0).to_bytes(4, "big")
    assert cart.created_ms == int(T0 * 1000)
    assert submitted.submitted_ms == submitted.modified_ms == int((T0 + 5) * 1000)
    assert [(t.to_status, t.at_ms) for t in submitted.transitions] == [(CartStatus.SUBMITTED, int((T0 + 5) * 1000))]
    assert submitted.expires_at == int(T0 + 5) + 365 * 86400  # an order is kept for the retention period


def test_a_validation_deadline_is_judged_by_the_injected_clock(store) -> None:
    # Given a submitted order and a deadline one minute after it, by a frozen clock
    clock = FrozenClock(T0)
    cases = compose(store, clock=clock)
    cart_id = _submitted(store, clock)
    deadline_ms = int((T0 + 65) * 1000)
    # When the check runs before the deadline, Then nothing happens
    assert cases.pos_validation.expire_if_unanswered(CALLER, cart_id, deadline_ms) is False
    # When the clock passes it, Then the order expires at the clock's time
    clock.advance(61)
    assert cases.pos_validation.expire_if_unanswered(CALLER, cart_id, deadline_ms) is True
    cart = cases.carts.get_cart(CALLER, cart_id).cart
    assert cart.status is CartStatus.EXPIRED and cart.rejected_ms == int((T0 + 66) * 1000)


def test_the_store_reads_an_item_past_its_ttl_as_gone_by_its_clock(store) -> None:
    # Given an open cart written at T0 (its TTL: the location's idle lifetime), and a store reading by a clock
    clock = FrozenClock(T0)
    timed = DynamoStore(store.table_name, store.client, clock=clock)
    cases = compose(timed, clock=clock)
    cart = cases.carts.prepare(CALLER, [IdentityKey("session", "s-ttl")], CartEdits()).cart
    assert timed.load("demo", "main", cart.cart_id).cart is not None
    # When the clock moves past the TTL (DynamoDB has not deleted the item yet), Then reads treat it as gone
    clock.advance(cart.expires_at - T0 + 1)
    assert timed.load("demo", "main", cart.cart_id).cart is None
