"""The SQS workers parse their records with Powertools Parser models (cart_core.events.records): a
record that does not parse is that one record's batch item failure, logged with its message id,
while the rest of the batch is handled. In-process, moto."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from cart_core.events.models import CartEvent, EventTotals, EventType
from cart_core.events.queues import DeadlineCheck, WebhookDelivery
from cart_core.events.records import CartEventBridgeEvent
from cart_core.lifecycle import CartStatus
from local.make_events import eventbridge_event, sqs_event
from tests.integration.test_checkout_events import subscribe
from tests.integration.test_logs import powertools_lines


def _cart_event(event_type: EventType, cart_id: str = "0" * 24) -> CartEvent:
    return CartEvent(
        event_id=f"demo.{cart_id}.3.{event_type.value}",
        event_type=event_type,
        occurred_at_ms=int(time.time() * 1000),
        tenant_id="demo",
        location_id="main",
        cart_id=cart_id,
        cart_version=3,
        status=CartStatus.SUBMITTED,
        correlation_id=f"{cart_id}.1",
        totals=EventTotals(currency="USD", item_count=1, subtotal_minor=100, adjustment_total_minor=0),
    )


def _eventbridge_body(event_type: EventType) -> str:
    return json.dumps(eventbridge_event(_cart_event(event_type), "good"))


def _record(body: str, queue: str, message_id: str) -> dict[str, Any]:
    return sqs_event(body, queue, message_id=message_id)["Records"][0]


# A record each worker handles without error and without a cart: the payment worker ignores a
# CartSubmitted; the validation worker drops a CartSubmitted for a cart that does not exist (with a
# POS subscribed); the webhook worker drops a delivery to an unknown subscription; the deadline
# worker re-queues a check whose deadline is ahead.
GOOD: dict[str, tuple[str, Callable[[], str]]] = {
    "PaymentWorkerFunction": ("PaymentQueue", lambda: _eventbridge_body(EventType.CART_SUBMITTED)),
    "ValidationWorkerFunction": ("ValidationQueue", lambda: _eventbridge_body(EventType.CART_SUBMITTED)),
    "WebhookWorkerFunction": (
        "WebhookQueue",
        lambda: WebhookDelivery(
            event_id="demo.x.3.CartSubmitted",
            event_name="cart.created",
            tenant_id="demo",
            location_id="main",
            cart_id="0" * 24,
            subscription_ref="nobody",
        ).model_dump_json(),
    ),
    "DeadlineWorkerFunction": (
        "DeadlineQueue",
        lambda: DeadlineCheck(
            tenant_id="demo", location_id="main", cart_id="0" * 24, deadline_ms=int(time.time() * 1000) + 600_000
        ).model_dump_json(),
    ),
}
SERVICES = {
    "PaymentWorkerFunction": "payment-worker",
    "ValidationWorkerFunction": "validation-worker",
    "WebhookWorkerFunction": "webhook-worker",
    "DeadlineWorkerFunction": "deadline-worker",
}


@pytest.mark.parametrize("function", sorted(GOOD))
def test_a_body_that_is_not_the_workers_message_fails_only_its_own_record(api, receiver, monkeypatch, function) -> None:
    # Given a batch of a record the worker can handle and one whose body is JSON of another shape
    subscribe(api, receiver.url)
    queue, good_body = GOOD[function]
    api.runtime.handler(function)  # imported, so its logger exists
    logs = powertools_lines(SERVICES[function], monkeypatch)
    batch = {"Records": [_record(good_body(), queue, "good"), _record('{"hello": "world"}', queue, "bad")]}
    # When the worker gets the batch
    result = api.runtime.invoke(function, batch)
    # Then only the malformed record is reported failed (SQS redelivers it, then dead-letters it)
    assert result == {"batchItemFailures": [{"itemIdentifier": "bad"}]}
    # And one WARNING names it by message id, without another record's correlation id
    (warning,) = [line for line in logs() if line["level"] == "WARNING"]
    assert warning["message_id"] == "bad" and warning["parsed"] is False
    assert warning["message"] == "Record failed, SQS will redeliver it: ValidationError"
    assert "correlation_id" not in warning or warning["correlation_id"] is None


def _without(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda envelope: envelope.pop(key)


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda e: e["detail"].pop("cart_id"), id="detail-without-cart-id"),
        pytest.param(lambda e: e["detail"].update(schema_version="2"), id="unknown-schema-version"),
        pytest.param(lambda e: e["detail"].update(event_type="CartTeleported"), id="unknown-event-type"),
        pytest.param(_without("account"), id="envelope-without-account"),
        pytest.param(_without("detail-type"), id="envelope-without-detail-type"),
        pytest.param(lambda e: e.update(detail="not an object"), id="detail-not-an-object"),
    ],
)
def test_a_malformed_eventbridge_record_fails_alone(api, spoil) -> None:
    # Given a CartValidated-shaped EventBridge event spoiled one way, beside a good one
    envelope = eventbridge_event(_cart_event(EventType.CART_SUBMITTED), "bad")
    spoil(envelope)
    batch = {
        "Records": [
            _record(_eventbridge_body(EventType.CART_SUBMITTED), "PaymentQueue", "good"),
            _record(json.dumps(envelope), "PaymentQueue", "bad"),
        ]
    }
    # When the payment worker gets the batch, then only the spoiled record fails
    assert api.runtime.invoke("PaymentWorkerFunction", batch) == {"batchItemFailures": [{"itemIdentifier": "bad"}]}


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda r: r.update(body="{not json"), id="body-not-json"),
        pytest.param(lambda r: r.update(body=""), id="body-empty"),
        pytest.param(lambda r: r.pop("attributes"), id="record-without-attributes"),
        pytest.param(lambda r: r.pop("md5OfBody"), id="record-without-md5"),
    ],
)
def test_a_malformed_sqs_record_fails_alone(api, spoil) -> None:
    # Given an SQS record spoiled one way (a body that is not JSON, a record Lambda would not send)
    bad = _record(_eventbridge_body(EventType.CART_SUBMITTED), "PaymentQueue", "bad")
    spoil(bad)
    batch = {"Records": [_record(_eventbridge_body(EventType.CART_SUBMITTED), "PaymentQueue", "good"), bad]}
    # When the payment worker gets the batch, then only that record fails
    assert api.runtime.invoke("PaymentWorkerFunction", batch) == {"batchItemFailures": [{"itemIdentifier": "bad"}]}


def test_a_record_whose_handling_fails_is_logged_with_its_message_id_and_correlation_id(api, monkeypatch) -> None:
    # Given a well-formed CartValidated for a cart that does not exist (no POS subscribed)
    api.runtime.handler("PaymentWorkerFunction")
    logs = powertools_lines("payment-worker", monkeypatch)
    event = _cart_event(EventType.CART_VALIDATED)
    batch = {"Records": [_record(json.dumps(eventbridge_event(event, "v")), "PaymentQueue", "missing-cart")]}
    # When the payment worker gets it, the whole (one-record) batch fails, as Powertools reports it
    with pytest.raises(Exception, match="All records failed processing"):
        api.runtime.invoke("PaymentWorkerFunction", batch)
    # Then the WARNING names the record, parsed, under the event's correlation id
    (warning,) = [line for line in logs() if line["level"] == "WARNING"]
    assert warning["message_id"] == "missing-cart" and warning["parsed"] is True
    assert warning["correlation_id"] == event.event_id


def test_the_emulator_hands_an_sqs_target_the_whole_eventbridge_envelope(aws) -> None:
    # Given a CartSubmitted put on the cart bus, whose rule targets the validation queue
    event = _cart_event(EventType.CART_SUBMITTED)
    boto3.client("events").put_events(
        Entries=[
            {
                "EventBusName": aws["CartEventBus"],
                "Source": "cart-service",
                "DetailType": event.event_type.value,
                "Detail": event.model_dump_json(),
            }
        ]
    )
    # When the message is read off the queue
    sqs = boto3.client("sqs")
    (message,) = sqs.receive_message(QueueUrl=aws["ValidationQueue"], WaitTimeSeconds=1)["Messages"]
    # Then it has every key AWS sends (account too, which moto alone leaves out) and parses as the worker's model
    parsed = CartEventBridgeEvent.model_validate_json(message["Body"])
    assert parsed.account and parsed.region and parsed.detail == event
