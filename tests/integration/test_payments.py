"""Card payments through the faces and the workers (issue #6, Security 1): a card is authorized at
submit for the total the consumer agreed to, captured at acceptance never above that, and voided when
the order ends without it. The POS cannot charge a card any amount."""

from __future__ import annotations

import json

import pytest

from cart_core import payments
from cart_core.events.models import CartEvent, EventType
from local.make_events import eventbridge_event, sqs_event
from tests.integration.test_blaze_cart import prepare
from tests.integration.test_checkout_events import (
    CART,
    _expire,
    _stream_records,
    events_of,
    submitted_cart,
    subscribe,
)
from tests.unit.test_payments import RecordingCard

VISA = {"paymentOption": "Credit", "paymentReceived": 27.06, "chargeId": "tok_visa"}


@pytest.fixture
def card(monkeypatch) -> RecordingCard:
    """The test-card provider the functions use (they run in this process), recording its calls."""
    recording = RecordingCard()
    monkeypatch.setitem(payments.PROVIDERS, "test-card", recording)
    return recording


def payment_of(store, cart_id: str):
    return store.load("demo", "main", cart_id).cart.payments[-1]


def test_the_issue_attack_a_pos_cannot_charge_a_card_more_than_it_authorized(api, store, receiver, card) -> None:
    # Given alice placed a 27.06 order paid by tok_visa, and the POS heard of it
    subscribe(api, receiver.url)
    cart_id = submitted_cart(api, body=VISA)
    api.drain()
    assert payment_of(store, cart_id).authorized_minor == 2706
    before = api.loke("GET", f"{CART}/{cart_id}").json()
    # When the POS accepts it with 100 adjustments of +10,000,000 (the issue's exact attack)
    attack = {"adjustments": [{"id": f"A{i}", "label": "Fee", "amount": 10_000_000} for i in range(100)]}
    refused = api.loke("PUT", f"{CART}/{cart_id}/valid", attack)
    # Then 400 in LOKE's body
    assert refused.status == 400 and set(refused.json()) == {"message"}
    # And with each adjustment inside its own bound, the sum above the authorization is refused too
    within_each = {"adjustments": [{"id": f"A{i}", "label": "Fee", "amount": 1_000_000} for i in range(100)]}
    refused = api.loke("PUT", f"{CART}/{cart_id}/valid", within_each)
    assert refused.status == 400 and "2706" in refused.json()["message"]
    assert "authoriz" in refused.json()["message"]
    # Nothing changed: still PENDING at the same total, no adjustments, no capture
    assert api.loke("GET", f"{CART}/{cart_id}").json() == before
    api.drain()
    assert card.count("capture") == 0
    # When the POS then accepts with a discount, the card is captured for less than it holds
    assert (
        api.loke("PUT", f"{CART}/{cart_id}/valid", {"adjustments": [{"id": "D", "label": "L", "amount": -100}]}).status
        == 204
    )
    api.drain()
    payment = payment_of(store, cart_id)
    assert (payment.status, payment.captured_minor, payment.authorized_minor) == ("captured", 2606, 2706)
    assert card.count("capture") == 1
    blaze = api.blaze("GET", f"/{cart_id}?cuid=alice").json()
    assert blaze["prepaid"] is True and blaze["chargeId"].startswith("ch_") and blaze["cart"]["total"] == 26.06


def test_a_surcharge_on_a_card_paid_order_is_refused_but_cash_may_be_surcharged(api, store, receiver) -> None:
    subscribe(api, receiver.url)
    card_cart = submitted_cart(api, body=VISA)
    cash_cart = submitted_cart(api, cuid="bob")
    surcharge = {"adjustments": [{"id": "BAG", "label": "Bag", "amount": 10, "taxIncluded": 1}]}
    refused = api.loke("PUT", f"{CART}/{card_cart}/valid", surcharge)
    assert refused.status == 400 and "above the 2706" in refused.json()["message"]
    assert api.loke("GET", f"{CART}/{card_cart}").json()["status"] == "PENDING"
    assert api.loke("PUT", f"{CART}/{cash_cart}/valid", surcharge).status == 204


def test_a_card_declined_at_submit_leaves_the_cart_open(api, store, card) -> None:
    # Given alice's cart paid by a card that declines
    cart_id = prepare(api)["id"]
    declined = {"paymentOption": "Credit", "paymentReceived": 27.06, "chargeId": "tok_chargeDeclined"}
    assert api.blaze("POST", f"/{cart_id}/payments?cuid=alice", declined).status == 200
    # When she submits, Then 400 in BLAZE's body with the processor's reason
    response = api.blaze("POST", f"/submitCart/{cart_id}?cuid=alice")
    assert response.status == 400
    assert response.json() == {
        "error": "Bad Request",
        "message": "Payment declined: Your card was declined.",
        "status": 400,
    }
    # And the cart is still open and hers to fix: not placed, not the POS's, no event
    api.drain()
    cart = api.blaze("GET", f"/{cart_id}?cuid=alice").json()
    assert cart["placed"] is False and cart["orderNo"] is None and cart["cartStatus"] == "InProgress"
    assert api.loke("GET", f"{CART}/{cart_id}").status == 404
    assert api.blaze("GET", "/active?cuid=alice").json()["id"] == cart_id
    # When she pays with another card, the order is placed and held
    assert api.blaze("POST", f"/{cart_id}/payments?cuid=alice", VISA).status == 200
    assert api.blaze("POST", f"/submitCart/{cart_id}?cuid=alice").status == 200
    assert payment_of(store, cart_id).status == "authorized"


@pytest.mark.parametrize("ending", ["rejected", "expired", "canceled"])
def test_the_hold_is_voided_when_the_order_ends_without_capture(api, store, receiver, card, ending) -> None:
    # Given a card-paid order waiting for the POS
    subscribe(api, receiver.url)
    cart_id = submitted_cart(api, body=VISA)
    api.drain()
    # When the store rejects it, it expires, or alice cancels it
    if ending == "rejected":
        assert api.loke("PUT", f"{CART}/{cart_id}/invalid").status == 204
    elif ending == "expired":
        _expire(api, cart_id)
    else:
        assert api.blaze("DELETE", f"/cancelCart/{cart_id}?cuid=alice").status == 200
    api.drain()
    # Then the payment worker voided the hold, once, and never captured
    payment = payment_of(store, cart_id)
    assert payment.status == "voided" and payment.void_reference.startswith("void_")
    assert card.count("void") == 1 and card.count("capture") == 0


def _redelivered(api, cart_id: str, event_type: EventType) -> dict:
    """The cart's ``event_type`` event as a fresh SQS message with a new event id, so the worker's
    idempotency record does not recognise it and only the use case stands between it and the card."""
    records = [r for r in _stream_records(api) if cart_id in r["dynamodb"]["Keys"]["pk"]["S"]]
    (event,) = [e for e in events_of(records) if e.event_type is event_type]
    copy = CartEvent.model_validate({**event.model_dump(mode="json"), "event_id": event.event_id + ".again"})
    return sqs_event(json.dumps(eventbridge_event(copy, "again")), "PaymentQueue", message_id="again")


@pytest.mark.parametrize("ending", ["validated", "rejected"])
def test_redelivered_events_never_capture_or_void_twice(api, store, receiver, card, ending) -> None:
    # Given a card-paid order the store accepted (captured) or rejected (voided)
    subscribe(api, receiver.url)
    cart_id = submitted_cart(api, body=VISA)
    api.drain()
    assert api.loke("PUT", f"{CART}/{cart_id}/{'valid' if ending == 'validated' else 'invalid'}").status == 204
    api.drain()
    settled = store.load("demo", "main", cart_id).cart
    # When every change is replayed through the outbox, and the event arrives again under a new id
    records = [r for r in _stream_records(api) if cart_id in r["dynamodb"]["Keys"]["pk"]["S"]]
    assert api.runtime.invoke("StreamOutboxFunction", {"Records": records}) == {"batchItemFailures": []}
    api.drain()
    event_type = EventType.CART_VALIDATED if ending == "validated" else EventType.CART_REJECTED
    message = _redelivered(api, cart_id, event_type)
    assert api.runtime.invoke("PaymentWorkerFunction", message) == {"batchItemFailures": []}
    # Then the card was captured or voided exactly once, and the cart was not written again
    assert (card.count("capture"), card.count("void")) == ((1, 0) if ending == "validated" else (0, 1))
    assert store.load("demo", "main", cart_id).cart == settled


def test_pay_at_pickup_is_accepted_with_nothing_captured(api, store, card) -> None:
    # Given a cash order (the consumer will hand over 30.00 for 27.06) the service accepted by itself
    cart_id = submitted_cart(api, body={"paymentOption": "Cash", "paymentReceived": 30})
    api.drain()
    # Then no provider was asked for anything and the payment is only recorded
    payment = payment_of(store, cart_id)
    assert (payment.status, payment.provider, payment.provider_reference) == ("recorded", None, None)
    assert card.calls == []
    # And BLAZE shows it accepted and not prepaid, no charge; the tender's arithmetic is as declared
    cart = api.blaze("GET", f"/{cart_id}?cuid=alice").json()
    assert cart["accepted"] is True and cart["prepaid"] is False and cart["chargeId"] is None
    assert (cart["cart"]["paymentOption"], cart["cart"]["cashReceived"], cart["cart"]["changeDue"]) == (
        "Cash",
        30,
        2.94,
    )
    assert api.loke("GET", f"{CART}/{cart_id}").json()["status"] == "VALID"
