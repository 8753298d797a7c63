"""A location whose checkout policy is synchronous, against moto's DynamoDB and its stream: complete
authorizes and captures in the request, and the stream announces every step of the lifecycle; a
failed capture is paid again with a new card. Every stamp is the injected clock's."""

from __future__ import annotations

from decimal import Decimal

from cart_core.actors import Actor
from cart_core.cart import Payment
from cart_core.clock import FrozenClock
from cart_core.lifecycle import CartStatus
from cart_core.tenancy import Caller, Location, TaxRate
from cart_core.usecases import compose
from cart_core.usecases.carts import CartEdits, LineEdit
from tests.integration.test_checkout_events import _stream_records, events_of

T0 = 1_900_000_000.0
CAROL = Caller(tenant_id="demo", location_id="sync", actor=Actor.consumer("carol"))
FLOWER = CartEdits(lines=[LineEdit(product_id="demo-flower", quantity=2)])


def synchronous_location(store) -> None:
    store.put_location(
        Location(
            tenant_id="demo",
            location_id="sync",
            name="Demo Express",
            tax_rates=(TaxRate(name="State Tax", percent=Decimal("6.25")),),
            checkout_policy="synchronous",
        )
    )


def cart_events(api, cart_id: str) -> list[str]:
    return [event.event_type.value for event in events_of(_stream_records(api)) if event.cart_id == cart_id]


def test_a_synchronous_location_completes_in_the_request_and_announces_every_step(api, store) -> None:
    # Given carol's card cart at a synchronous location, by a clock frozen at T0
    synchronous_location(store)
    clock = FrozenClock(T0)
    cases = compose(store, clock=clock)
    cart = cases.carts.prepare(CAROL, [], FLOWER).cart
    cases.checkout.record_payment(CAROL, cart.cart_id, "Credit", Decimal("26.56"), card_token="tok_visa")
    # When she completes it five seconds later
    clock.advance(5)
    done = cases.checkout.complete(CAROL, cart.cart_id).cart
    # Then it is paid in the request, for the total held, every stamp the clock's
    at = int((T0 + 5) * 1000)
    payment = done.payments[-1]
    assert done.status is CartStatus.PAID and done.order_no
    assert (payment.authorized_minor, payment.captured_minor) == (2656, 2656)
    assert done.submitted_ms == done.validated_ms == done.paid_ms == at
    assert [(t.to_status.value, t.at_ms) for t in done.transitions] == [
        ("submitted", at),
        ("validated", at),
        ("paid", at),
    ]
    # And the stream announces each step once, in order
    assert cart_events(api, cart.cart_id) == ["CartSubmitted", "CartValidated", "PaymentCaptured", "OrderPlaced"]
    # And it is in carol's history (the history index is written as before)
    assert cases.carts.consumer_history(CAROL, 0, 10)[1] == 1
    # When the workers hear those events, Then they change nothing (the order is settled)
    api.drain()
    assert cases.carts.get_cart(CAROL, cart.cart_id).cart.version == done.version


def test_a_failed_capture_is_paid_again_with_a_new_card(api, store) -> None:
    # Given carol's order at a synchronous location whose card declined at capture
    synchronous_location(store)
    clock = FrozenClock(T0)
    cases = compose(store, clock=clock)
    cart = cases.carts.prepare(CAROL, [], FLOWER).cart
    cases.checkout.record_payment(CAROL, cart.cart_id, "Credit", Decimal("26.56"), card_token="tok_captureDeclined")
    failed = cases.checkout.complete(CAROL, cart.cart_id).cart
    assert failed.status is CartStatus.PAYMENT_FAILED and failed.reason
    # When she pays with another card a minute later
    clock.advance(60)
    paid = cases.checkout.retry_payment(
        CAROL, cart.cart_id, Payment(method="Credit", amount_minor=0, reference="tok_visa")
    ).cart
    # Then the same order is placed again and paid; the declined card's hold was released
    assert paid.status is CartStatus.PAID and paid.order_no == failed.order_no and paid.reason is None
    assert paid.paid_ms == int((T0 + 60) * 1000)
    assert cart_events(api, cart.cart_id) == [
        "CartSubmitted",
        "CartValidated",
        "PaymentFailed",
        "CartSubmitted",
        "CartValidated",
        "PaymentCaptured",
        "OrderPlaced",
    ]


def test_medusa_sessions_and_newstore_keyed_payments_round_trip_through_dynamodb(api, store) -> None:
    # Given a synchronous location's cart with two payment sessions, the card one selected with a token
    synchronous_location(store)
    cases = compose(store, clock=FrozenClock(T0))
    cart = cases.carts.prepare(CAROL, [], FLOWER).cart
    cases.payments.init_payment_sessions(CAROL, cart.cart_id, ["manual", "test-card"])
    cases.payments.select_payment_session(CAROL, cart.cart_id, "test-card")
    cases.payments.update_payment_session(CAROL, cart.cart_id, "test-card", {"token": "tok_visa"})
    # And a gift payment under its own key
    cases.payments.add_payment(CAROL, cart.cart_id, Payment(key="gift", method="Gift", amount_minor=656))
    stored = store.load("demo", "sync", cart.cart_id).cart
    assert [(s.provider_id, s.is_selected, s.data) for s in stored.payment_sessions] == [
        ("manual", False, {}),
        ("test-card", True, {"token": "tok_visa"}),
    ]
    # When it completes
    done = cases.checkout.complete(CAROL, cart.cart_id).cart
    # Then the card session paid what the gift left, and the stored cart reads back the same
    assert done.status is CartStatus.PAID
    assert done.payment("session:test-card").captured_minor == 2000
    assert store.load("demo", "sync", cart.cart_id).cart == done
