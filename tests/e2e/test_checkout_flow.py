"""Event-driven checkout over HTTP: BLAZE submits, a real POS webhook receiver hears of the cart,
answers through LOKE, and the payment worker places the order — all inside `python -m local.cloud`."""

from __future__ import annotations

import json
import time
import uuid

import boto3
import pytest
import requests

from cart_core import webhooks
from local.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.e2e
POS = {"Authorization": "Bearer demo-pos-token"}


def eventually(check, timeout: float = 15.0, every: float = 0.2):
    """Poll until ``check`` returns something truthy; the workers run asynchronously."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(every)


@pytest.fixture
def pos(local_cloud):
    """A POS subscribed to cart.created for the demo organization, for the length of one test."""
    receiver = WebhookReceiver()
    url = f"{local_cloud}/organizations/demo/webhooks/e2e-pos"
    body = {"url": receiver.url, "secret": "pos-secret", "events": ["cart.created"]}
    assert requests.put(url, json=body, headers=POS, timeout=10).status_code == 200
    yield receiver
    requests.delete(url, headers=POS, timeout=10)
    receiver.close()


def delivered(pos, cart_id: str):
    """The cart.created the POS received for ``cart_id`` (headers, body). Other tests' orders (the
    medusa-js flow's, say) may still be on their way to the same subscription, so the first one
    received need not be this cart's."""

    def mine():
        return next((hit for hit in list(pos.received) if json.loads(hit[1])["cart"]["id"] == cart_id), None)

    return eventually(mine)


def place(demo, cuid: str, **payment) -> str:
    cart_id = demo(
        "POST",
        "/prepare",
        params={"cuid": cuid},
        json={"cart": {"items": [{"productId": "demo-flower", "quantity": 2}]}},
    ).json()["id"]
    if payment:
        demo("POST", f"/{cart_id}/payments", params={"cuid": cuid}, json=payment)
    assert demo("POST", f"/submitCart/{cart_id}", params={"cuid": cuid}).status_code == 200
    return cart_id


def loke(local_cloud, method: str, cart_id: str, suffix: str = "", **kwargs) -> requests.Response:
    url = f"{local_cloud}/organizations/demo/locations/main/cart/{cart_id}{suffix}"
    return requests.request(method, url, headers=POS, timeout=10, **kwargs)


def test_pos_validates_with_an_adjustment_and_the_order_is_paid(demo, local_cloud, pos) -> None:
    cuid = f"erin-{uuid.uuid4().hex[:6]}"
    cart_id = place(demo, cuid, paymentOption="Credit", paymentReceived=27.06, chargeId="tok_visa")
    # The POS receives a signed cart.created
    received = delivered(pos, cart_id)
    assert received
    headers, body = received
    assert webhooks.verify("pos-secret", body, headers["X-Event-Signature"])
    assert loke(local_cloud, "GET", cart_id).json()["status"] == "PENDING"
    # It accepts with a -1.00 adjustment; a second answer is a conflict
    before = demo("GET", f"/{cart_id}", params={"cuid": cuid}).json()["cart"]["total"]
    adjustment = {"adjustments": [{"id": "LOYAL", "label": "Loyalty", "amount": -100}]}
    assert loke(local_cloud, "PUT", cart_id, "/valid", json=adjustment).status_code == 204
    second = loke(local_cloud, "PUT", cart_id, "/valid", json=adjustment)
    assert second.status_code == 409 and "message" in second.json()
    # BLAZE shows it accepted with the lower total, then paid by card
    paid = eventually(lambda: (c := demo("GET", f"/{cart_id}", params={"cuid": cuid}).json())["prepaid"] and c)
    assert paid["accepted"] and paid["acceptedTime"] and paid["cart"]["total"] == round(before - 1, 2)
    assert paid["chargeId"].startswith("ch_")


def test_a_pos_cannot_charge_a_card_more_than_the_consumer_authorized(demo, local_cloud, pos) -> None:
    # Given a 27.06 order held on tok_visa at submit
    cuid = f"lia-{uuid.uuid4().hex[:6]}"
    cart_id = place(demo, cuid, paymentOption="Credit", paymentReceived=27.06, chargeId="tok_visa")
    assert delivered(pos, cart_id)
    # When the POS surcharges it (the 100 × +10,000,000, then within each bound), Then 400
    for amount in (10_000_000, 1_000_000):
        attack = {"adjustments": [{"id": f"A{i}", "label": "Fee", "amount": amount} for i in range(100)]}
        refused = loke(local_cloud, "PUT", cart_id, "/valid", json=attack)
        assert refused.status_code == 400 and "message" in refused.json()
    assert loke(local_cloud, "GET", cart_id).json()["status"] == "PENDING"
    # And accepted as agreed, it is paid for the agreed total
    assert loke(local_cloud, "PUT", cart_id, "/valid").status_code == 204
    paid = eventually(lambda: (c := demo("GET", f"/{cart_id}", params={"cuid": cuid}).json())["prepaid"] and c)
    assert paid and paid["cart"]["total"] == 27.06 and paid["chargeId"].startswith("ch_")


def test_a_declined_card_leaves_the_order_unplaced(demo) -> None:
    cuid = f"max-{uuid.uuid4().hex[:6]}"
    body = {"cart": {"items": [{"productId": "demo-flower", "quantity": 2}]}}
    cart_id = demo("POST", "/prepare", params={"cuid": cuid}, json=body).json()["id"]
    declined = {"paymentOption": "Credit", "paymentReceived": 27.06, "chargeId": "tok_chargeDeclined"}
    demo("POST", f"/{cart_id}/payments", params={"cuid": cuid}, json=declined)
    response = demo("POST", f"/submitCart/{cart_id}", params={"cuid": cuid})
    assert response.status_code == 400 and response.json()["message"] == "Payment declined: Your card was declined."
    assert demo("GET", f"/{cart_id}", params={"cuid": cuid}).json()["placed"] is False


def test_pos_rejects(demo, local_cloud, pos) -> None:
    cuid = f"finn-{uuid.uuid4().hex[:6]}"
    cart_id = place(demo, cuid)
    assert delivered(pos, cart_id)
    assert loke(local_cloud, "PUT", cart_id, "/invalid").status_code == 204
    cart = demo("GET", f"/{cart_id}", params={"cuid": cuid}).json()
    assert cart["cartStatus"] == "CanceledByDispensary" and cart["declinedTime"] and not cart["accepted"]


def test_unanswered_cart_expires_at_the_deadline(demo, local_cloud, pos) -> None:
    cart_id = place(demo, f"gus-{uuid.uuid4().hex[:6]}")
    assert eventually(lambda: loke(local_cloud, "GET", cart_id).json()["status"] == "EXPIRED", timeout=20)
    assert loke(local_cloud, "PUT", cart_id, "/valid").status_code == 409


def test_consumer_cancels_while_the_store_is_deciding(demo, local_cloud, pos) -> None:
    cuid = f"hal-{uuid.uuid4().hex[:6]}"
    cart_id = place(demo, cuid)
    canceled = demo("DELETE", f"/cancelCart/{cart_id}", params={"cuid": cuid}).json()
    assert canceled["cartStatus"] == "CanceledByConsumer" and canceled["canceledTime"]
    assert loke(local_cloud, "PUT", cart_id, "/valid").status_code == 409


def test_without_a_pos_the_order_validates_itself_and_is_due_at_pickup(demo) -> None:
    cuid = f"ida-{uuid.uuid4().hex[:6]}"
    cart_id = place(demo, cuid)
    placed = eventually(lambda: (c := demo("GET", f"/{cart_id}", params={"cuid": cuid}).json())["accepted"] and c)
    assert placed and placed["prepaid"] is False and placed["chargeId"] is None
    # The consumer may still call it off before pickup
    canceled = demo("DELETE", f"/cancelCart/{cart_id}", params={"cuid": cuid})
    assert canceled.status_code == 200 and canceled.json()["cartStatus"] == "CanceledByConsumer"


def _sqs(cloud):
    return boto3.client(
        "sqs",
        endpoint_url=cloud.aws_endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def _queue(sqs, suffix: str) -> str:
    return next(u for u in sqs.list_queues()["QueueUrls"] if u.endswith(suffix))


def _depth(sqs, url: str) -> int:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"])


def test_a_poison_message_is_dead_lettered_while_its_batch_succeeds(cloud, demo) -> None:
    sqs = _sqs(cloud)
    queue, dead = _queue(sqs, "-ValidationQueue"), _queue(sqs, "-ValidationDeadLetterQueue")
    before = _depth(sqs, dead)
    sqs.send_message(QueueUrl=queue, MessageBody="{poison")
    cuid = f"jo-{uuid.uuid4().hex[:6]}"
    cart_id = place(demo, cuid)
    assert eventually(lambda: demo("GET", f"/{cart_id}", params={"cuid": cuid}).json()["accepted"])
    assert eventually(lambda: _depth(sqs, dead) == before + 1, timeout=20)


def _in_queue(sqs, url: str) -> int:
    names = [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    ]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return sum(int(attributes[name]) for name in names)


def test_a_failing_pos_is_retried_with_backoff_until_the_cart_expires(cloud, demo, local_cloud) -> None:
    """Retries stop when the cart is no longer PENDING: a stale cart.created is dropped, not
    dead-lettered. (Retries to the dead-letter queue: tests/integration/test_checkout_events.py.)"""
    failing = WebhookReceiver(status=500)
    url = f"{local_cloud}/organizations/demo/webhooks/e2e-failing"
    requests.put(url, json={"url": failing.url, "secret": "x", "events": ["cart.created"]}, headers=POS, timeout=10)
    try:
        sqs = _sqs(cloud)
        dead, queue = _queue(sqs, "-WebhookDeadLetterQueue"), _queue(sqs, "-WebhookQueue")
        before = _depth(sqs, dead)
        cart_id = place(demo, f"kim-{uuid.uuid4().hex[:6]}")
        # 1 s base: attempts at about 0, 1, 3, 7 and 15 s; the POS deadline is 3 s
        assert eventually(lambda: len(failing.received) >= 2, timeout=20)
        assert all(webhooks.verify("x", body, headers["X-Event-Signature"]) for headers, body in failing.received)
        assert eventually(lambda: loke(local_cloud, "GET", cart_id).json()["status"] == "EXPIRED", timeout=20)
        # Once the retries still queued have been dropped, the POS got fewer than all 5 and nothing was dead-lettered
        assert eventually(lambda: _in_queue(sqs, queue) == 0, timeout=30)
        assert len(failing.received) < 5 and _depth(sqs, dead) == before
    finally:
        requests.delete(url, headers=POS, timeout=10)
        failing.close()
