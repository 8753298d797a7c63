"""Regenerates events/: one API Gateway proxy event per endpoint, as the local gateway builds them.

python -m local.make_events
"""

from __future__ import annotations

import json

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


def main() -> None:
    template = Template.load()
    gateway = Gateway(template, FunctionRuntime(template, physical_names(template, "cart-local")))
    folder = ROOT / "events" / "blaze_cart"
    folder.mkdir(parents=True, exist_ok=True)
    for name, (method, path, body) in BLAZE_SAMPLES.items():
        _, event = gateway.proxy_event(method, BLAZE + path, HEADERS, json.dumps(body) if body else None)
        event["requestContext"]["requestId"] = f"sample-{name}"
        event["requestContext"]["requestTimeEpoch"] = 1795000000000
        # What the authorizer adds for the demo keys.
        event["requestContext"]["authorizer"] = {
            "principalId": "demo/main",
            "tenantId": "demo",
            "locationId": "main",
            "scheme": "blaze",
        }
        (folder / f"{name}.json").write_text(json.dumps(event, indent=2) + "\n")
    _, event = gateway.proxy_event("GET", BLAZE + "/active?cuid=alice", HEADERS)
    authorizer_event = {
        "type": "REQUEST",
        "methodArn": "arn:aws:execute-api:us-east-1:123456789012:localapi/dev/GET/api/v1/partner/store/cart/active",
        **{k: v for k, v in event.items() if k not in ("body", "isBase64Encoded")},
    }
    (ROOT / "events" / "authorizer").mkdir(exist_ok=True)
    (ROOT / "events" / "authorizer" / "blaze_request.json").write_text(json.dumps(authorizer_event, indent=2) + "\n")


if __name__ == "__main__":
    main()
