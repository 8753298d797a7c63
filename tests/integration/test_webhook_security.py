"""Webhooks as an attacker and an operator meet them: hostile URLs, redirects, rebinding, secrets at
rest, signatures, redrive from the dead-letter queue and stale deliveries. In-process, moto."""

from __future__ import annotations

import json
import socket
import threading
import time

import boto3
import pytest

from cart_core import webhooks
from cart_core.store import keys
from local.make_events import sqs_event
from local.webhook_receiver import WebhookReceiver
from tests.integration.test_checkout_events import (
    _delayed,
    _expire,
    queue_depth,
    resolve_as,
    submitted_cart,
    subscribe,
)

HOOKS = "/organizations/demo/webhooks"


@pytest.fixture
def production(monkeypatch):
    """The deployed default: https and public addresses only."""
    monkeypatch.setenv("ALLOW_LOOPBACK_WEBHOOK_URLS", "false")


@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254/latest/meta-data/",
        "https://127.0.0.1/hooks",
        "https://localhost/hooks",
        "https://[::1]/hooks",
        "https://0x7f000001/hooks",
        "https://2130706433/hooks",
        "https://10.0.0.1/hooks",
        "https://user:pass@pos.example/hooks",
        "http://pos.example/hooks",
        "https://sqs.us-east-1.amazonaws.com/123456789012/queue",
    ],
)
def test_subscribing_a_hostile_url_is_refused_with_400(api, production, monkeypatch, url: str) -> None:
    resolve_as(monkeypatch, {"pos.example": "93.184.215.14"})
    # When the POS subscribes a URL that reaches something it must not
    response = api.loke("PUT", f"{HOOKS}/pos-1", {"url": url, "secret": "s3cret", "events": ["cart.created"]})
    # Then 400 in LOKE's body, and nothing is stored
    assert response.status == 400 and set(response.json()) == {"message"}, response.text
    assert api.loke("GET", HOOKS).json() == []


def test_the_aws_endpoint_is_refused_even_with_loopback_allowed(api, aws) -> None:
    import os

    endpoint = os.environ["AWS_ENDPOINT_URL"]  # the moto server, on loopback like the test receivers
    body = {"url": f"{endpoint}/?Action=SendMessage", "secret": "s3cret", "events": ["cart.created"]}
    assert api.loke("PUT", f"{HOOKS}/pos-1", body).status == 400


@pytest.mark.parametrize(
    ("ref", "body"),
    [
        ("r" * 129, {}),
        ("r" * 2000, {}),
        ("bad%20ref", {}),
        ("pos-1", {"events": ["cart.exploded"]}),
        ("pos-1", {"secret": "😀" * 200}),  # 200 characters, 800 bytes
        ("pos-1", {"url": "https://pos.example/" + "a" * 2100}),
    ],
)
def test_out_of_bounds_subscriptions_are_400_never_5xx(api, monkeypatch, ref: str, body: dict) -> None:
    resolve_as(monkeypatch, {"pos.example": "93.184.215.14"})
    request = {"url": "https://pos.example/hooks", "secret": "s3cret", "events": ["cart.created"], **body}
    put = api.loke("PUT", f"{HOOKS}/{ref}", request)
    assert put.status == 400 and "message" in put.json(), put.text
    if not body:
        deleted = api.loke("DELETE", f"{HOOKS}/{ref}")
        assert deleted.status == 400 and "message" in deleted.json()


def test_secrets_are_sealed_at_rest_and_still_sign_deliveries(api, store, receiver) -> None:
    # Given a subscription
    subscribe(api, receiver.url, secret="correct-horse-battery-staple")
    # Then the stored item holds no plaintext secret, only the sealed envelope
    item = store.client.get_item(
        TableName=store.table_name, Key={"pk": {"S": keys.tenant_pk("demo")}, "sk": {"S": keys.webhook_sk("pos-1")}}
    )["Item"]
    raw = json.dumps(item)
    assert "correct-horse-battery-staple" not in raw
    sealed = json.loads(item["doc"]["S"])["sealed_secret"]
    assert set(sealed) >= {"encrypted_key", "nonce", "ciphertext"} and "secret" not in json.loads(item["doc"]["S"])
    # And the worker opens it to sign: the delivery verifies with the secret the POS chose
    cart_id = submitted_cart(api)
    api.drain()
    ((headers, body),) = receiver.received
    assert webhooks.verify("correct-horse-battery-staple", body, headers["X-Event-Signature"])
    assert webhooks.verify_standard("correct-horse-battery-staple", headers, body)
    assert headers["webhook-id"].startswith("msg_") and json.loads(body)["cart"]["id"] == cart_id


def test_the_webhook_key_is_a_kms_key_from_the_template(aws) -> None:
    key = boto3.client("kms").describe_key(KeyId=aws["WebhookSecretKey"])["KeyMetadata"]
    assert key["Arn"] == aws["WebhookSecretKey.Arn"] and key["KeyUsage"] == "ENCRYPT_DECRYPT"


def test_a_plaintext_secret_stored_before_sealing_still_signs(api, store, receiver) -> None:
    # Given a subscription written before secrets were sealed (plaintext `secret` in the doc)
    legacy = {"tenant_id": "demo", "ref": "old", "url": receiver.url, "secret": "legacy", "events": ["cart.created"]}
    store.put_record(keys.tenant_pk("demo"), keys.webhook_sk("old"), legacy)
    submitted_cart(api)
    api.drain()
    ((headers, body),) = receiver.received
    assert webhooks.verify("legacy", body, headers["X-Event-Signature"])


def test_retries_carry_one_webhook_id_and_fresh_signatures(api, monkeypatch) -> None:
    failing = WebhookReceiver(status=503)
    try:
        subscribe(api, failing.url)
        monkeypatch.setenv("WEBHOOK_RETRY_BASE_SECONDS", "0")
        submitted_cart(api)
        api.drain()
        ids = {headers["webhook-id"] for headers, _ in failing.received}
        assert len(failing.received) == 5 and len(ids) == 1
        assert all(webhooks.verify_standard("s3cret", h, b) for h, b in failing.received)
    finally:
        failing.close()


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_is_not_followed_nor_counted_as_delivered(api, monkeypatch, status: int) -> None:
    # Given a POS whose URL redirects elsewhere (here: to another listener, as it could to the metadata service)
    elsewhere = WebhookReceiver()
    redirecting = WebhookReceiver(status, location=elsewhere.url)
    try:
        subscribe(api, redirecting.url)
        monkeypatch.setenv("WEBHOOK_RETRY_BASE_SECONDS", "0")
        submitted_cart(api)
        api.drain()
        # Then the redirect target never hears of it, and the 3xx is retried, then dead-lettered
        assert elsewhere.received == []
        assert len(redirecting.received) == webhooks.MAX_ATTEMPTS
        dead = boto3.client("sqs").receive_message(QueueUrl=api.runtime.names["WebhookDeadLetterQueue"])["Messages"]
        assert json.loads(dead[0]["Body"])["last_error"] == f"HTTP {status}"
    finally:
        redirecting.close()
        elsewhere.close()


class ConnectionCounter:
    """A TCP listener that counts connections and closes them."""

    def __init__(self) -> None:
        self.connections = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.sock.close()


def test_dns_rebinding_to_a_private_address_sends_nothing(api, production, monkeypatch) -> None:
    listener = ConnectionCounter()
    try:
        # Given a URL whose host resolved to a public address at subscribe
        resolve_as(monkeypatch, {"pos.example": "93.184.215.14"})
        subscribe(api, f"https://pos.example:{listener.port}/hooks")
        # When the name resolves to this machine by the time of delivery
        resolve_as(monkeypatch, {"pos.example": "127.0.0.1"})
        monkeypatch.setenv("WEBHOOK_RETRY_BASE_SECONDS", "0")
        submitted_cart(api)
        api.drain()
        # Then no connection was made, and the delivery ended in the dead-letter queue with the reason
        assert listener.connections == 0
        dead = boto3.client("sqs").receive_message(QueueUrl=api.runtime.names["WebhookDeadLetterQueue"])["Messages"]
        assert "URL refused" in json.loads(dead[0]["Body"])["last_error"]
    finally:
        listener.close()


def test_a_redriven_dead_letter_is_delivered(api, monkeypatch) -> None:
    # Given a delivery dead-lettered after the POS failed every attempt
    pos = WebhookReceiver(status=500)
    try:
        subscribe(api, pos.url)
        monkeypatch.setenv("WEBHOOK_RETRY_BASE_SECONDS", "0")
        submitted_cart(api)
        api.drain()
        assert len(pos.received) == webhooks.MAX_ATTEMPTS and queue_depth(api, "WebhookDeadLetterQueue") == 1
        # When the POS is fixed and the operator moves the message back (what start-message-move-task does)
        pos.status = 200
        sqs = boto3.client("sqs")
        (message,) = sqs.receive_message(QueueUrl=api.runtime.names["WebhookDeadLetterQueue"])["Messages"]
        sqs.send_message(QueueUrl=api.runtime.names["WebhookQueue"], MessageBody=message["Body"])
        sqs.delete_message(QueueUrl=api.runtime.names["WebhookDeadLetterQueue"], ReceiptHandle=message["ReceiptHandle"])
        api.drain()
        # Then the POS gets it once more, with the same webhook-id, and nothing is left over
        assert len(pos.received) == webhooks.MAX_ATTEMPTS + 1
        assert pos.received[-1][0]["webhook-id"] == pos.received[0][0]["webhook-id"]
        assert queue_depth(api, "WebhookQueue") == 0 and queue_depth(api, "WebhookDeadLetterQueue") == 0
        # And a duplicate of the redriven message sends nothing more
        sqs.send_message(QueueUrl=api.runtime.names["WebhookQueue"], MessageBody=message["Body"])
        api.drain()
        assert len(pos.received) == webhooks.MAX_ATTEMPTS + 1
    finally:
        pos.close()


def _delivery_message(cart_id: str) -> dict:
    from cart_core.events.queues import WebhookDelivery

    delivery = WebhookDelivery(
        event_id=f"demo.{cart_id}.2.CartSubmitted", event_name="cart.created", tenant_id="demo",
        location_id="main", cart_id=cart_id, subscription_ref="pos-1",
    )  # fmt: skip
    return sqs_event(delivery.model_dump_json(), "WebhookQueue")


def test_cart_created_is_not_sent_for_a_cart_that_expired(api, receiver) -> None:
    # Given a submitted cart that expired before its cart.created went out
    subscribe(api, receiver.url)
    cart_id = submitted_cart(api)
    _expire(api, cart_id)
    # When the delivery (and, through the pipeline, the CartSubmitted event) is processed
    assert api.runtime.invoke("WebhookWorkerFunction", _delivery_message(cart_id)) == {"batchItemFailures": []}
    api.drain()
    # Then the POS never hears of it, and nothing is retried or dead-lettered
    assert receiver.received == []
    assert queue_depth(api, "WebhookQueue") == 0 and queue_depth(api, "WebhookDeadLetterQueue") == 0
    # And the validation worker, seeing the late CartSubmitted, queued neither a delivery nor a deadline
    assert _delayed(api, "DeadlineQueue") == 0


def test_cart_created_is_not_sent_for_a_cart_past_its_ttl(api, store, receiver) -> None:
    subscribe(api, receiver.url)
    cart_id = submitted_cart(api)
    store.client.update_item(
        TableName=store.table_name,
        Key={"pk": {"S": keys.cart_pk("demo", cart_id)}, "sk": {"S": keys.CART_SK}},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"N": str(int(time.time()) - 1)}},
    )
    assert api.runtime.invoke("WebhookWorkerFunction", _delivery_message(cart_id)) == {"batchItemFailures": []}
    assert receiver.received == []
