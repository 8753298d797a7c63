"""Submit → validation → payment as events, in-process: the template's stream, bus, rules and
queues in moto, with the pollers run synchronously so every step is deterministic."""

from __future__ import annotations

import json
import time

import boto3
import pytest

from cart_core import webhooks
from cart_core.store import keys
from local.make_events import sqs_event
from local.webhook_receiver import WebhookReceiver
from tests.conftest import ACME_POS
from tests.integration.test_blaze_cart import prepare

CART = "/organizations/demo/locations/main/cart"


def subscribe(api, url: str, secret: str = "s3cret") -> None:
    response = api.loke(
        "PUT", "/organizations/demo/webhooks/pos-1", {"url": url, "secret": secret, "events": ["cart.created"]}
    )
    assert response.status == 200, response.text


def submitted_cart(api, cuid: str = "alice", body: dict | None = None) -> str:
    cart_id = prepare(api, cuid=cuid)["id"]
    if body:
        assert api.blaze("POST", f"/{cart_id}/payments?cuid={cuid}", body).status == 200
    assert api.blaze("POST", f"/submitCart/{cart_id}?cuid={cuid}").status == 200
    return cart_id


def queue_depth(api, logical_id: str) -> int:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=api.runtime.names[logical_id], AttributeNames=["ApproximateNumberOfMessages"]
    )
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def test_without_a_pos_the_cart_validates_itself_and_is_due_at_pickup(api) -> None:
    # Given a pay-at-pickup order and no POS; When the workers have run
    cart_id = submitted_cart(api)
    api.drain()
    # Then it is accepted, and not paid: the store collects at pickup (issue #7)
    cart = api.blaze("GET", f"/{cart_id}?cuid=alice").json()
    assert cart["accepted"] is True and cart["acceptedTime"]
    assert cart["prepaid"] is False and cart["chargeId"] is None
    assert api.loke("GET", f"{CART}/{cart_id}").json()["status"] == "VALID"


def test_a_product_gone_inactive_gets_the_cart_rejected(api, store) -> None:
    from cart_core import admin

    cart_id = submitted_cart(api)
    admin.create_product(store, "demo", "demo-flower", __import__("decimal").Decimal("12.50"), active=False)
    api.drain()
    cart = api.blaze("GET", f"/{cart_id}?cuid=alice").json()
    assert cart["cartStatus"] == "CanceledByDispensary" and cart["declinedTime"]
    assert "no longer available" in cart["reason"]


def test_pos_gets_a_signed_cart_created_and_validates_with_an_adjustment(api, receiver) -> None:
    subscribe(api, receiver.url)
    cart_id = submitted_cart(api)
    before = api.blaze("GET", f"/{cart_id}?cuid=alice").json()["cart"]["total"]
    api.drain()
    # Then the POS got cart.created, signed over the exact bytes
    ((headers, body),) = receiver.received
    assert webhooks.verify("s3cret", body, headers["X-Event-Signature"])
    payload = json.loads(body)
    assert payload["event"] == "cart.created" and payload["cart"]["id"] == cart_id
    assert payload["cart"]["status"] == "PENDING" and payload["cart"]["total"] == 2706
    assert payload["location"] == {"id": "main", "name": "Demo Main Street"}
    assert payload["organization"] == {"id": "demo", "name": "Demo Dispensary"}
    # When the POS accepts it with a -1.00 adjustment
    adjustment = {"adjustments": [{"id": "DISC1", "label": "Loyalty", "amount": -100, "taxIncluded": -8}]}
    assert api.loke("PUT", f"{CART}/{cart_id}/valid", adjustment).status == 204
    assert api.loke("PUT", f"{CART}/{cart_id}/valid", adjustment).status == 409
    api.drain()
    # Then every face shows it: accepted, lower total, paid
    cart = api.blaze("GET", f"/{cart_id}?cuid=alice").json()
    assert cart["accepted"] and cart["cart"]["total"] == round(before - 1, 2) and cart["cart"]["adjustmentAmount"] == -1
    loke = api.loke("GET", f"{CART}/{cart_id}").json()
    assert loke["status"] == "VALID" and loke["validatedAt"] and loke["total"] == 2606
    assert loke["adjustments"] == [{"id": "DISC1", "label": "Loyalty", "amount": -100, "taxIncluded": -8}]
    assert cart["prepaid"] is False and cart["chargeId"] is None  # pay at pickup: nothing captured


def test_pos_rejects_a_cart(api, receiver) -> None:
    subscribe(api, receiver.url)
    cart_id = submitted_cart(api)
    api.drain()
    assert api.loke("PUT", f"{CART}/{cart_id}/invalid").status == 204
    assert api.loke("PUT", f"{CART}/{cart_id}/valid").status == 409
    cart = api.blaze("GET", f"/{cart_id}?cuid=alice").json()
    assert cart["cartStatus"] == "CanceledByDispensary" and cart["declinedTime"] and not cart["accepted"]
    assert api.loke("GET", f"{CART}/{cart_id}").json()["status"] == "INVALID"


def test_loke_guards_its_organization_and_token(api) -> None:
    cart_id = prepare(api)["id"]
    assert api.request("GET", f"{CART}/{cart_id}", ACME_POS).status == 404
    assert api.request("GET", f"/organizations/acme/locations/main/cart/{cart_id}", ACME_POS).status == 404
    for headers in ({"Authorization": "Bearer nope"}, {}):
        refused = api.request("GET", f"{CART}/{cart_id}", headers)
        assert refused.status == 401 and refused.json() == {"message": "Missing or invalid API credentials"}
    assert api.loke("GET", f"/organizations/demo/locations/elsewhere/cart/{cart_id}").status == 404
    assert api.loke("PUT", f"{CART}/{cart_id}/valid").status == 409  # open, not PENDING


def resolve_as(monkeypatch, answers: dict[str, str]) -> None:
    """DNS for the named hosts (no network in tests); every other name resolves as usual."""
    import socket

    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port or 0))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_webhook_subscriptions_never_return_secrets(api, monkeypatch) -> None:
    resolve_as(monkeypatch, {"pos.example": "93.184.215.14"})
    subscribe(api, "https://pos.example/hooks")
    subscribe(api, "https://pos.example/hooks-v2")  # a re-PUT updates
    listed = api.loke("GET", "/organizations/demo/webhooks")
    assert listed.json() == [{"ref": "pos-1", "url": "https://pos.example/hooks-v2", "events": ["cart.created"]}]
    assert "s3cret" not in listed.text
    assert api.loke("DELETE", "/organizations/demo/webhooks/pos-1").status == 204
    assert api.loke("DELETE", "/organizations/demo/webhooks/pos-1").status == 404
    bad = api.loke(
        "PUT", "/organizations/demo/webhooks/x", {"url": "not a url", "secret": "s", "events": ["cart.created"]}
    )
    assert bad.status == 400 and "message" in bad.json()


def test_expiry_when_the_pos_never_answers(api, receiver) -> None:
    subscribe(api, receiver.url)
    cart_id = submitted_cart(api)
    api.drain()
    # The deadline check is delayed on its queue; run the worker on it as if the delay had passed.
    from cart_core.events.queues import DeadlineCheck

    check = DeadlineCheck(
        tenant_id="demo", location_id="main", cart_id=cart_id, deadline_ms=int(time.time() * 1000) - 1
    )
    event = sqs_event(check.model_dump_json(), "DeadlineQueue")
    assert api.runtime.invoke("DeadlineWorkerFunction", event) == {"batchItemFailures": []}
    assert api.runtime.invoke("DeadlineWorkerFunction", event) == {"batchItemFailures": []}  # duplicate: no-op
    assert api.loke("GET", f"{CART}/{cart_id}").json()["status"] == "EXPIRED"
    assert api.loke("PUT", f"{CART}/{cart_id}/valid").status == 409
    assert api.blaze("GET", f"/{cart_id}?cuid=alice").json()["cartStatus"] == "CanceledByDispensary"


def test_a_capture_decline_fails_the_payment(api) -> None:
    # A card that declines at submit never gets this far (tests/integration/test_payments.py); this
    # test token authorizes at submit and declines the capture at acceptance.
    cart_id = submitted_cart(
        api, body={"paymentOption": "Credit", "paymentReceived": 27.06, "chargeId": "tok_captureDeclined"}
    )
    api.drain()
    cart = api.blaze("GET", f"/{cart_id}?cuid=alice").json()
    assert cart["reason"] == "The authorization could not be captured." and cart["chargeId"].startswith("decl_")
    assert cart["accepted"] and not cart["prepaid"]


def test_test_card_visa_is_authorized(api) -> None:
    cart_id = submitted_cart(api, body={"paymentOption": "Credit", "paymentReceived": 27.06, "chargeId": "tok_visa"})
    api.drain()
    assert api.blaze("GET", f"/{cart_id}?cuid=alice").json()["chargeId"].startswith("ch_")


def _stream_records(api):
    streams = boto3.client("dynamodbstreams")
    arn = api.runtime.names["CartTable.StreamArn"]
    (shard,) = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    from local.pollers import StreamPoller

    poller = StreamPoller(api.runtime, "StreamOutboxFunction", {"Stream": arn})
    return [poller._record(r) for r in records if r["dynamodb"]["Keys"]["sk"]["S"] == "CART"]


def _image(record: dict, name: str):
    """The cart in a raw stream record's ``OldImage`` / ``NewImage`` (None when absent)."""
    from cart_core.cart import Cart

    raw = record["dynamodb"].get(name)
    if not raw:
        return None
    cart = Cart.model_validate_json(raw["doc"]["S"])
    cart.version = int(raw["version"]["N"])
    return cart


def events_of(records: list[dict]) -> list:
    """The domain events the stream outbox derives from these raw stream records, in order."""
    from cart_core.events.models import events_for_change

    return [e for r in records for e in events_for_change(_image(r, "OldImage"), _image(r, "NewImage"))]


def test_duplicate_delivery_of_every_event_changes_nothing(api, receiver) -> None:
    subscribe(api, receiver.url)
    cart_id = submitted_cart(api, body={"paymentOption": "Credit", "paymentReceived": 27.06, "chargeId": "tok_visa"})
    api.drain()
    api.loke("PUT", f"{CART}/{cart_id}/valid")
    api.drain()
    final = api.blaze("GET", f"/{cart_id}?cuid=alice").json()
    assert final["chargeId"]
    # When every committed change is delivered to the outbox again, and all that follows runs again
    records = _stream_records(api)
    assert api.runtime.invoke("StreamOutboxFunction", {"Records": records}) == {"batchItemFailures": []}
    api.drain()
    # Then nothing changed: one webhook, one charge, same version
    again = api.blaze("GET", f"/{cart_id}?cuid=alice").json()
    assert len(receiver.received) == 1
    assert again["modified"] == final["modified"] and again["chargeId"] == final["chargeId"]


def test_a_poison_message_goes_to_the_dead_letter_queue_and_the_batch_goes_on(api) -> None:
    cart_id = submitted_cart(api)
    # Given a malformed message sitting in front of a real CartSubmitted event
    boto3.client("sqs").send_message(QueueUrl=api.runtime.names["ValidationQueue"], MessageBody="{not json")
    api.drain(rounds=10)
    # Then the good one was processed and the poison one was dead-lettered after its receives
    assert api.blaze("GET", f"/{cart_id}?cuid=alice").json()["accepted"] is True
    assert queue_depth(api, "ValidationDeadLetterQueue") == 1
    assert queue_depth(api, "ValidationQueue") == 0


def test_a_failing_pos_is_retried_with_backoff_then_dead_lettered(api, monkeypatch) -> None:
    failing = WebhookReceiver(status=500)
    try:
        subscribe(api, failing.url)
        monkeypatch.setenv("WEBHOOK_RETRY_BASE_SECONDS", "0")
        submitted_cart(api)
        api.drain()
        assert len(failing.received) == 5
        dead = boto3.client("sqs").receive_message(QueueUrl=api.runtime.names["WebhookDeadLetterQueue"])["Messages"]
        assert json.loads(dead[0]["Body"])["attempt"] == 5 and "500" in json.loads(dead[0]["Body"])["last_error"]
    finally:
        failing.close()


def test_backoff_doubles_from_the_base() -> None:
    assert [webhooks.backoff_seconds(n) for n in (1, 2, 3, 4)] == [10, 20, 40, 80]


def test_ttl_removal_of_an_open_cart_is_an_abandonment_and_cleans_its_pointers(api, store) -> None:
    cart = prepare(api)
    records = []
    key = {"pk": {"S": keys.cart_pk("demo", cart["id"])}, "sk": {"S": "CART"}}
    old = store.client.delete_item(TableName=store.table_name, Key=key, ReturnValues="ALL_OLD")["Attributes"]
    records.append(
        {
            "eventID": "ttl-1",
            "eventName": "REMOVE",
            "eventSource": "aws:dynamodb",
            "dynamodb": {"Keys": key, "OldImage": old, "SequenceNumber": "1", "StreamViewType": "NEW_AND_OLD_IMAGES"},
            "userIdentity": {"type": "Service", "principalId": "dynamodb.amazonaws.com"},
        }
    )
    # A queue listening to the bus for every cart-service event, to see what the outbox publishes
    sqs, events = boto3.client("sqs"), boto3.client("events")
    bus = api.runtime.names["CartEventBus"]
    url = sqs.create_queue(QueueName="observer")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="observe", EventBusName=bus, EventPattern=json.dumps({"source": ["cart-service"]}))
    events.put_targets(Rule="observe", EventBusName=bus, Targets=[{"Id": "observer", "Arn": arn}])
    assert api.runtime.invoke("StreamOutboxFunction", {"Records": records}) == {"batchItemFailures": []}
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    published = [json.loads(m["Body"])["detail"] for m in messages]
    assert [e["event_type"] for e in published] == ["CartAbandoned"]
    assert published[0]["cart_id"] == cart["id"] and published[0]["totals"]["subtotal_minor"] == 2500
    assert published[0]["totals"]["total_minor"] == 2706  # 25.00 + 6.25 % + 2 % tax
    pointer = store.client.get_item(
        TableName=store.table_name,
        Key={"pk": {"S": keys.active_pointer_pk("demo", "main", "consumer", "alice")}, "sk": {"S": "POINTER"}},
    )
    assert "Item" not in pointer


def _expire(api, cart_id: str) -> None:
    from cart_core.events.queues import DeadlineCheck

    check = DeadlineCheck(
        tenant_id="demo", location_id="main", cart_id=cart_id, deadline_ms=int(time.time() * 1000) - 1
    )
    api.runtime.invoke("DeadlineWorkerFunction", sqs_event(check.model_dump_json(), "DeadlineQueue"))


@pytest.mark.parametrize(
    ("path", "expected_events"),
    [
        ("pickup", {"CartSubmitted", "CartValidated", "OrderPlaced"}),
        ("pickup canceled", {"CartSubmitted", "CartValidated", "OrderPlaced", "CartCanceled"}),
        ("paid", {"CartSubmitted", "PaymentAuthorized", "CartValidated", "PaymentCaptured", "OrderPlaced"}),
        ("declined", {"CartSubmitted", "PaymentAuthorized", "CartValidated", "PaymentFailed"}),
        ("rejected", {"CartSubmitted", "CartRejected"}),
        ("expired", {"CartSubmitted", "CartExpired"}),
        ("canceled", {"CartSubmitted", "CartCanceled"}),
    ],
)
def test_redelivering_any_event_changes_nothing(api, receiver, path: str, expected_events: set[str]) -> None:
    # Given a cart taken down one path of the lifecycle, with a POS listening
    subscribe(api, receiver.url)
    tokens = {"declined": "tok_captureDeclined", "paid": "tok_visa"}
    card = {"paymentOption": "Credit", "paymentReceived": 27.06, "chargeId": tokens.get(path)}
    cart_id = submitted_cart(api, body=card if path in tokens else None)
    api.drain()
    if path in ("pickup", "pickup canceled", "paid", "declined"):
        api.loke("PUT", f"{CART}/{cart_id}/valid")
        if path == "pickup canceled":
            api.drain()
            assert api.blaze("DELETE", f"/cancelCart/{cart_id}?cuid=alice").status == 200
    elif path == "rejected":
        api.loke("PUT", f"{CART}/{cart_id}/invalid")
    elif path == "expired":
        _expire(api, cart_id)
    else:
        api.blaze("DELETE", f"/cancelCart/{cart_id}?cuid=alice")
    api.drain()
    settled = api.blaze("GET", f"/{cart_id}?cuid=alice").json()
    # When every committed change of the cart reaches the outbox again and everything downstream reruns
    records = [r for r in _stream_records(api) if cart_id in r["dynamodb"]["Keys"]["pk"]["S"]]
    emitted = events_of(records)
    assert {e.event_type.value for e in emitted} == expected_events
    assert len({e.event_id for e in emitted}) == len(emitted)  # ids are unique per change, stable per replay
    assert api.runtime.invoke("StreamOutboxFunction", {"Records": records}) == {"batchItemFailures": []}
    api.drain()
    # Then the cart is exactly as it was and the POS heard of it once
    assert api.blaze("GET", f"/{cart_id}?cuid=alice").json() == settled
    assert len(receiver.received) == 1


def test_once_validated_the_payment_is_fixed_and_the_consumer_may_cancel_until_it_is_captured(api, receiver) -> None:
    # Given two card orders the store accepted, before the payment worker runs
    subscribe(api, receiver.url)
    visa = {"paymentOption": "Credit", "paymentReceived": 27.06, "chargeId": "tok_visa"}
    kept, called_off = submitted_cart(api, body=visa), submitted_cart(api, cuid="bob", body=visa)
    api.drain()
    for cart_id in (kept, called_off):
        assert api.loke("PUT", f"{CART}/{cart_id}/valid").status == 204
    # The payment can no longer change, but the consumer may still cancel: nothing is captured yet
    assert api.blaze("POST", f"/{kept}/payments?cuid=alice", {"paymentReceived": 1}).status == 409
    canceled = api.blaze("DELETE", f"/cancelCart/{called_off}?cuid=bob")
    assert canceled.status == 200 and canceled.json()["cartStatus"] == "CanceledByConsumer"
    api.drain()
    # Then the canceled one's hold was voided, never captured; the other was captured and is the store's
    voided = api.blaze("GET", f"/{called_off}?cuid=bob").json()
    assert voided["prepaid"] is False and voided["chargeId"] is None
    assert api.loke("GET", f"{CART}/{called_off}").json()["status"] == "INVALID"
    assert api.blaze("GET", f"/{kept}?cuid=alice").json()["prepaid"] is True
    refused = api.blaze("DELETE", f"/cancelCart/{kept}?cuid=alice")
    assert refused.status == 409 and refused.json()["message"] == f"Order {kept} is paid; the store must cancel it"


def test_a_pay_at_pickup_order_can_be_canceled_after_acceptance(api) -> None:
    # Given a cash order the service accepted by itself (no POS): payment due at pickup
    cart_id = submitted_cart(api, body={"paymentOption": "Cash", "paymentReceived": 30})
    api.drain()
    accepted = api.blaze("GET", f"/{cart_id}?cuid=alice").json()
    assert accepted["accepted"] and not accepted["prepaid"] and accepted["chargeId"] is None
    # When the consumer cancels it before pickup, Then it is canceled by the consumer on every face
    canceled = api.blaze("DELETE", f"/cancelCart/{cart_id}?cuid=alice")
    assert canceled.status == 200 and canceled.json()["cartStatus"] == "CanceledByConsumer"
    api.drain()
    assert api.loke("GET", f"{CART}/{cart_id}").json()["status"] == "INVALID"
    assert api.blaze("DELETE", f"/cancelCart/{cart_id}?cuid=alice").status == 200  # a retry: the same answer


def test_adjustments_cannot_make_a_total_negative(api, receiver) -> None:
    subscribe(api, receiver.url)
    cart_id = submitted_cart(api)
    huge = {"adjustments": [{"id": "X", "label": "Everything free and more", "amount": -1_000_000}]}
    response = api.loke("PUT", f"{CART}/{cart_id}/valid", huge)
    assert response.status == 400 and "negative" in response.json()["message"]
    assert api.loke("GET", f"{CART}/{cart_id}").json()["status"] == "PENDING"


def test_the_pos_never_sees_a_cart_still_being_edited(api) -> None:
    cart_id = prepare(api)["id"]
    assert api.loke("GET", f"{CART}/{cart_id}").status == 404


def test_a_pos_refusing_with_a_4xx_is_not_retried(api) -> None:
    """A 4xx (other than 408/429) is final: dead-lettered at once with the reason, not retried."""
    refusing = WebhookReceiver(status=400)
    try:
        subscribe(api, refusing.url)
        submitted_cart(api)
        api.drain()
        assert len(refusing.received) == 1
        assert queue_depth(api, "WebhookQueue") == 0
        dead = boto3.client("sqs").receive_message(QueueUrl=api.runtime.names["WebhookDeadLetterQueue"])["Messages"]
        assert json.loads(dead[0]["Body"])["last_error"] == "HTTP 400 (final)"
    finally:
        refusing.close()


def _delayed(api, logical_id: str) -> int:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=api.runtime.names[logical_id], AttributeNames=["ApproximateNumberOfMessagesDelayed"]
    )
    return int(attributes["Attributes"]["ApproximateNumberOfMessagesDelayed"])


def test_an_early_deadline_check_is_requeued_and_changes_nothing(api, receiver) -> None:
    from cart_core.events.queues import DeadlineCheck

    subscribe(api, receiver.url)
    cart_id = submitted_cart(api)
    api.drain()
    before = _delayed(api, "DeadlineQueue")  # the validation worker's own check, 10 minutes out
    check = DeadlineCheck(
        tenant_id="demo", location_id="main", cart_id=cart_id, deadline_ms=int(time.time() * 1000) + 60_000
    )
    event = sqs_event(check.model_dump_json(), "DeadlineQueue")
    assert api.runtime.invoke("DeadlineWorkerFunction", event) == {"batchItemFailures": []}
    assert _delayed(api, "DeadlineQueue") == before + 1
    assert api.loke("GET", f"{CART}/{cart_id}").json()["status"] == "PENDING"
