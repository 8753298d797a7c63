"""Regenerates events/: one API Gateway proxy event per endpoint, as the local gateway builds them.

python -m local.make_events
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from local.gateway import Gateway
from local.runtime import FunctionRuntime
from local.template import ROOT, Template, physical_names

SAMPLE_CART = "6b0000000000000000000001"
BLAZE = "/api/v1/partner/store/cart"
HEADERS = {"Content-Type": "application/json", "x-api-key": "demo-partner-key", "Authorization": "demo-developer-key"}
ITEMS = {"cart": {"items": [{"productId": "demo-flower", "quantity": 2}], "promoCode": "TENOFF"}}

BLAZE_SAMPLES = {
    "history": ("GET", "/history?cuid=alice&start=0&limit=10", None),
    "active": ("GET", "/active?cuid=alice", None),
    "prepare": ("POST", "/prepare?cuid=alice", ITEMS),
    "find_cost": ("POST", "/product/findCost", {"productId": "demo-flower", "quantity": 2}),
    "public_cart": ("GET", "/public/0123456789abcdef0123456789abcdef", None),
    "update_cart": ("POST", f"/updateCart/{SAMPLE_CART}?cuid=alice", ITEMS),
    "submit_cart": ("POST", f"/submitCart/{SAMPLE_CART}?cuid=alice", {"memo": "Ring the bell"}),
    "cancel_cart": ("DELETE", f"/cancelCart/{SAMPLE_CART}?cuid=alice", None),
    "finalize_item": ("POST", "/item/6b0000000000000000000002/finalize?cuid=alice", {"id": SAMPLE_CART}),
    "unfinalize_item": ("POST", "/item/6b0000000000000000000002/unfinalize?cuid=alice", {"id": SAMPLE_CART}),
    "finalize_all_items": ("POST", "/items/finalize?cuid=alice", {"id": SAMPLE_CART}),
    "get_cart": ("GET", f"/{SAMPLE_CART}?cuid=alice", None),
    "set_consumer_user": ("POST", f"/{SAMPLE_CART}/setConsumerUser/alice", None),
    "add_payments": ("POST", f"/{SAMPLE_CART}/payments", {"paymentOption": "Cash", "paymentReceived": 30}),
}


LOKE = "/organizations/demo"
POS_HEADERS = {"Content-Type": "application/json", "Authorization": "Bearer demo-pos-token"}
LOKE_SAMPLES = {
    "get_cart": ("GET", f"/locations/main/cart/{SAMPLE_CART}", None),
    "accept_cart": (
        "PUT",
        f"/locations/main/cart/{SAMPLE_CART}/valid",
        {"adjustments": [{"id": "DISC001", "label": "Loyalty", "amount": -100, "taxIncluded": -8}]},
    ),
    "reject_cart": ("PUT", f"/locations/main/cart/{SAMPLE_CART}/invalid", None),
    "put_webhook": (
        "PUT",
        "/webhooks/pos-1",
        {"url": "https://pos.example.com/hooks", "secret": "change-me", "events": ["cart.created"]},
    ),
    "list_webhooks": ("GET", "/webhooks", None),
    "delete_webhook": ("DELETE", "/webhooks/pos-1", None),
}


def _write(path: Path, event: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(event, indent=2) + "\n")


def _api_samples(gateway: Gateway, folder: str, base: str, samples: dict, headers: dict, authorizer: dict) -> None:
    for name, (method, path, body) in samples.items():
        _, event = gateway.proxy_event(method, base + path, headers, json.dumps(body) if body else None)
        event["requestContext"]["requestId"] = f"sample-{name}"
        event["requestContext"]["requestTimeEpoch"] = 1795000000000
        event["requestContext"]["authorizer"] = authorizer  # what the authorizer adds for these keys
        _write(ROOT / "events" / folder / f"{name}.json", event)


def _sqs(body: str, queue: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": "sample-message-1",
                "receiptHandle": "sample-receipt",
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1795000000000"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:us-east-1:123456789012:cart-local-{queue}",
                "awsRegion": "us-east-1",
            }
        ]
    }


def _worker_samples() -> None:
    from cart_core.cart import Cart, LineItem
    from cart_core.events.models import EventType, events_for_change
    from cart_core.events.queues import DeadlineCheck, WebhookDelivery
    from cart_core.lifecycle import CartStatus

    line = LineItem(product_id="demo-flower", title="Demo Flower 3.5g", quantity=2, unit_price_minor=1250)
    cart = Cart(
        cart_id=SAMPLE_CART, tenant_id="demo", location_id="main", currency="USD", consumer_id="alice",
        lines=[line], created_ms=1795000000000, modified_ms=1795000000000, version=2, expires_at=1795604800,
    )  # fmt: skip
    submitted = cart.model_copy(deep=True)
    submitted.transition(CartStatus.SUBMITTED, 1795000060000)
    submitted.version = 3
    keys = {"pk": {"S": f"CART#demo#{SAMPLE_CART}"}, "sk": {"S": "CART"}}
    old = {**keys, "status": {"S": "open"}, "version": {"N": "2"}, "expires_at": {"N": str(cart.expires_at)}}
    old["doc"] = {"S": cart.model_dump_json(exclude={"version"})}
    new = {**old, "status": {"S": "submitted"}, "version": {"N": "3"}}
    new["doc"] = {"S": submitted.model_dump_json(exclude={"version"})}
    stream_record = {
        "eventID": "sample-1",
        "eventName": "MODIFY",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "Keys": keys,
            "OldImage": old,
            "NewImage": new,
            "SequenceNumber": "100000000000000000001",
            "SizeBytes": 1024,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/cart-local-CartTable/stream/2026",
    }
    _write(ROOT / "events" / "stream_outbox" / "cart_submitted.json", {"Records": [stream_record]})

    (event,) = events_for_change(cart, submitted)
    validated = event.model_copy(update={"event_type": EventType.CART_VALIDATED})
    for folder, name, detail, queue in (
        ("validation_worker", "cart_submitted", event, "ValidationQueue"),
        ("payment_worker", "cart_validated", validated, "PaymentQueue"),
    ):
        envelope = {
            "version": "0",
            "id": f"sample-{name}",
            "detail-type": detail.event_type.value,
            "source": "cart-service",
            "account": "123456789012",
            "time": "2026-11-22T00:00:00Z",
            "region": "us-east-1",
            "resources": [SAMPLE_CART],
            "detail": json.loads(detail.model_dump_json()),
        }
        _write(ROOT / "events" / folder / f"{name}.json", _sqs(json.dumps(envelope), queue))
    delivery = WebhookDelivery(
        event_id=event.event_id,
        event_name="cart.created",
        tenant_id="demo",
        location_id="main",
        cart_id=SAMPLE_CART,
        subscription_ref="pos-1",
    )
    _write(ROOT / "events" / "webhook_worker" / "delivery.json", _sqs(delivery.model_dump_json(), "WebhookQueue"))
    check = DeadlineCheck(tenant_id="demo", location_id="main", cart_id=SAMPLE_CART, deadline_ms=1795000660000)
    _write(ROOT / "events" / "deadline_worker" / "deadline_check.json", _sqs(check.model_dump_json(), "DeadlineQueue"))


def main() -> None:
    template = Template.load()
    gateway = Gateway(template, FunctionRuntime(template, physical_names(template, "cart-local")))
    blaze_context = {"principalId": "demo/main", "tenantId": "demo", "locationId": "main", "scheme": "blaze"}
    loke_context = {"principalId": "demo/*", "tenantId": "demo", "locationId": "*", "scheme": "loke"}
    _api_samples(gateway, "blaze_cart", BLAZE, BLAZE_SAMPLES, HEADERS, blaze_context)
    _api_samples(gateway, "loke_cart", LOKE, LOKE_SAMPLES, POS_HEADERS, loke_context)
    _, event = gateway.proxy_event("GET", BLAZE + "/active?cuid=alice", HEADERS)
    authorizer_event = {
        "type": "REQUEST",
        "methodArn": "arn:aws:execute-api:us-east-1:123456789012:localapi/dev/GET/api/v1/partner/store/cart/active",
        **{k: v for k, v in event.items() if k not in ("body", "isBase64Encoded")},
    }
    _write(ROOT / "events" / "authorizer" / "blaze_request.json", authorizer_event)
    _worker_samples()


if __name__ == "__main__":
    main()
