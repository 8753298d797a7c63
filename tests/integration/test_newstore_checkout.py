"""NewStore's lifecycle through the local cloud: the template's table, stream, bus, rules and queues
in moto, the pollers run in this thread, so a placed cart really is validated (by the service, or by
the POS through LOKE) and captured by the payment worker before it shows accepted."""

from __future__ import annotations

import json
from decimal import Decimal

from cart_core.actors import Actor, ActorKind
from cart_core.keyed_payments import PaymentEdit
from cart_core.lifecycle import CartStatus
from cart_core.tenancy import Caller
from cart_core.usecases import compose
from cart_core.usecases.carts import CartEdits, LineEdit
from tests.integration.test_checkout_events import subscribe

LOKE_CART = "/organizations/demo/locations/main/cart"
ASSOCIATE = Caller(tenant_id="demo", location_id="main", actor=Actor(kind=ActorKind.ASSOCIATE, id="assoc-1"))
HANDOVER = LineEdit(product_id="demo-flower", quantity=2, fulfillment_group="IN_STORE_HANDOVER")


def _core_placed(store, token: str) -> tuple[object, str]:
    """A handover cart paid in full by ``token`` and placed, through the core (the face's own
    tests go through its HTTP)."""
    cases = compose(store)
    cart = cases.carts.create(ASSOCIATE, CartEdits(lines=[HANDOVER]))
    total = Decimal(cart.with_taxes().totals.total_minor) / 100
    edits = CartEdits(payments={token: PaymentEdit(kind="token", amount=total)})
    placed = cases.checkout.place(ASSOCIATE, cart.cart.cart_id, edits)
    return cases, placed.cart.cart_id


def test_a_placed_order_is_validated_by_the_pos_through_loke_then_captured(api, store, receiver) -> None:
    # Given a POS subscribed through LOKE, and an associate's order placed with a card
    subscribe(api, receiver.url)
    cases, cart_id = _core_placed(store, "tok_visa")
    # When the pipeline runs, Then the POS is handed the cart, PENDING
    api.drain()
    ((_headers, body),) = receiver.received
    handed = json.loads(body)["cart"]
    assert handed["status"] == "PENDING"
    # When the POS accepts it through LOKE and the payment worker runs
    assert api.loke("PUT", f"{LOKE_CART}/{handed['id']}/valid").status == 204
    api.drain()
    # Then the card is captured: the order is paid
    paid = cases.carts.get_cart(ASSOCIATE, cart_id).cart
    assert paid.status is CartStatus.PAID and paid.payment("tok_visa").status == "captured"


def test_a_card_declined_at_placing_never_reaches_the_pos(api, store, receiver) -> None:
    subscribe(api, receiver.url)
    cases, cart_id = _core_placed(store, "tok_chargeDeclined")
    api.drain()
    assert receiver.received == []
    failed = cases.carts.get_cart(ASSOCIATE, cart_id).cart
    assert failed.status is CartStatus.PAYMENT_FAILED
