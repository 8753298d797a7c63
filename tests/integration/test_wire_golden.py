"""BLAZE and LOKE answer byte for byte as recorded: a scripted conversation with both faces (every
route, the happy paths and the documented errors) is replayed through the template's gateway and
authorizer, and each answer (status, content type, body text) is compared with the recording in
``golden/wire.json``.

Why: the core is restructured under these faces (issue #8) and neither face may change on the wire.
Time is frozen (one injected clock, moved by the script), and the values that are random by design
(ids, public keys, order numbers) are replaced by placeholders in order of first appearance, so the
same placeholder means the same value everywhere in the conversation.

A deliberate wire change re-records: ``UPDATE_GOLDEN=1 pytest tests/integration/test_wire_golden.py``,
then review the diff of ``golden/wire.json`` like code.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from cart_core.clock import FrozenClock
from tests.conftest import ACME, ACME_POS, DEMO, DEMO_POS, InProcessApi

GOLDEN = Path(__file__).parent / "golden" / "wire.json"
T0 = 1_900_000_000.0
LOKE_CART = "/organizations/demo/locations/main/cart"
# Random by design: 24-hex ids (carts, lines; also inside processor references), 32-hex public keys,
# and the 9-digit order numbers (only where a JSON string is exactly one).
_RANDOM = re.compile(r"(?<![0-9a-f])([0-9a-f]{32}|[0-9a-f]{24})(?![0-9a-f])|\"([1-9][0-9]{8})\"")


class Normalizer:
    def __init__(self, receiver_url: str) -> None:
        self.names: dict[str, str] = {}
        self.receiver_url = receiver_url  # a loopback port chosen per run

    def __call__(self, text: str) -> str:
        text = text.replace(self.receiver_url, "<receiver>")

        def name(match: re.Match[str]) -> str:
            value = match.group(1) or match.group(2)
            kind = "order" if match.group(2) else ("key" if len(value) == 32 else "id")
            placeholder = self.names.setdefault(value, f"<{kind}{len(self.names) + 1}>")
            return f'"{placeholder}"' if match.group(2) else placeholder

        return _RANDOM.sub(name, text)


@pytest.fixture
def frozen_api(aws: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> tuple[InProcessApi, FrozenClock]:
    """The functions over one frozen clock: the store, the use cases and the workers read it."""
    from cart_core import runtime
    from local.fixture import load

    clock = FrozenClock(T0)
    monkeypatch.setattr(runtime, "process_clock", clock)
    load(runtime.store())
    return InProcessApi(aws), clock


def _conversation(api: InProcessApi, clock: FrozenClock, receiver: Any) -> list[dict[str, Any]]:
    receiver_url = receiver.url
    normalize = Normalizer(receiver_url)
    log: list[dict[str, Any]] = []

    def call(
        label: str,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        raw: str | None = None,
    ) -> Any:
        response = api.request(method, path, headers, body, raw=raw)
        clock.advance(1)
        log.append(
            {
                "call": f"{label}: {method} {normalize(path)}",
                "status": response.status,
                "content_type": response.headers.get("Content-Type") or response.headers.get("content-type"),
                "body": normalize(response.text),
            }
        )
        try:
            return response.json()
        except ValueError:
            return None

    def blaze(
        label: str, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None, **kw: Any
    ) -> Any:
        return call(label, method, "/api/v1/partner/store/cart" + path, body, {**DEMO, **(headers or {})}, **kw)

    def loke(label: str, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        return call(label, method, path, body, {**DEMO_POS, **(headers or {})})

    # ----- BLAZE: a consumer's cart from empty to a placed, pay-at-pickup order -----------------
    active = blaze("active, new", "GET", "/active?cuid=alice")
    blaze("active, again by header", "GET", "/active", headers={"cuid": "alice"})
    cart_id = active["id"]
    prepared = blaze(
        "prepare with a code and a client price that is ignored",
        "POST",
        "/prepare?cuid=alice",
        {
            "cart": {
                "items": [
                    {"productId": "demo-flower", "quantity": 2, "unitPrice": 0.01, "remarks": "ground"},
                    {"productId": "demo-edible", "quantity": 3},
                ],
                "promoCode": "TENOFF",
            },
            "pickupType": "Pickup",
            "memo": "ring twice",
            "orderTags": ["web"],
        },
    )
    item_id = prepared["cart"]["items"][0]["id"]
    blaze("findCost", "POST", "/product/findCost?cuid=alice", {"productId": "demo-vape", "quantity": 2})
    blaze(
        "updateCart: delivery with an address",
        "POST",
        f"/updateCart/{cart_id}?cuid=alice",
        {
            "cart": {"items": [{"productId": "demo-flower", "quantity": 1}, {"productId": "demo-vape", "quantity": 1}]},
            "pickupType": "Delivery",
            "deliveryAddress": {"address": "1 Main St", "city": "Springfield", "state": "CA", "zipCode": "90001"},
        },
    )
    current = blaze("get", "GET", f"/{cart_id}?cuid=alice")
    item_id = current["cart"]["items"][0]["id"]
    blaze("finalize one item", "POST", f"/item/{item_id}/finalize?cuid=alice", {"id": cart_id})
    blaze("unfinalize it", "POST", f"/item/{item_id}/unfinalize?cuid=alice", {"id": cart_id})
    blaze("finalize all", "POST", "/items/finalize?cuid=alice", {"id": cart_id})
    blaze("by public key", "GET", f"/public/{current['publicKey']}")
    blaze("payments: cash", "POST", f"/{cart_id}/payments?cuid=alice", {"paymentOption": "Cash", "paymentReceived": 50})
    blaze("submit", "POST", f"/submitCart/{cart_id}?cuid=alice")
    blaze("submit again", "POST", f"/submitCart/{cart_id}?cuid=alice")
    api.drain()
    clock.advance(1)
    blaze("accepted, due at pickup", "GET", f"/{cart_id}?cuid=alice")
    blaze("history", "GET", "/history?cuid=alice&start=0&limit=10")
    loke("LOKE reads the same cart", "GET", f"{LOKE_CART}/{cart_id}")

    # ----- a guest cart claimed by a consumer, paid by card and validated by a POS -------------
    guest = blaze("guest active by sessionId", "GET", "/active?sessionId=guest-1")
    guest_id = guest["id"]
    blaze(
        "guest prepare",
        "POST",
        "/prepare?sessionId=guest-1",
        {
            "sessionId": "guest-1",
            "cart": {"items": [{"productId": "demo-vape", "quantity": 2}]},
            "pickupType": "Pickup",
        },
    )
    blaze("setConsumerUser", "POST", f"/{guest_id}/setConsumerUser/bob?cuid=bob")
    blaze(
        "payments: card",
        "POST",
        f"/{guest_id}/payments?cuid=bob",
        {"paymentOption": "Credit", "paymentReceived": 75.85, "chargeId": "tok_visa"},
    )
    loke(
        "POS subscribes to cart.created",
        "PUT",
        "/organizations/demo/webhooks/pos-1",
        {"url": receiver_url, "secret": "s3cret", "events": ["cart.created"]},
    )
    loke("webhooks listed, no secret", "GET", "/organizations/demo/webhooks")
    blaze("card order submitted", "POST", f"/submitCart/{guest_id}?cuid=bob")
    api.drain()
    clock.advance(1)
    # The cart.created webhook is LOKE's wire too: its body and the headers the POS verifies.
    for headers, body in receiver.received:
        log.append(
            {
                "call": "webhook received by the POS",
                "headers": sorted(k.lower() for k in headers if k.lower().startswith(("webhook-", "content-type"))),
                "content_type": headers.get("Content-Type"),
                "body": normalize(body.decode()),
            }
        )
    loke("PENDING for the POS", "GET", f"{LOKE_CART}/{guest_id}")
    loke(
        "POS validates with an adjustment",
        "PUT",
        f"{LOKE_CART}/{guest_id}/valid",
        {"adjustments": [{"id": "loyalty", "label": "Loyalty", "amount": -500, "taxIncluded": -40}]},
    )
    loke("validated twice", "PUT", f"{LOKE_CART}/{guest_id}/valid")
    api.drain()
    clock.advance(1)
    blaze("paid order", "GET", f"/{guest_id}?cuid=bob")
    loke("VALID with the adjustment", "GET", f"{LOKE_CART}/{guest_id}")
    blaze("paid order cannot be canceled", "DELETE", f"/cancelCart/{guest_id}?cuid=bob")

    # ----- a consumer cancels; a POS rejects ----------------------------------------------------
    carol = blaze(
        "carol prepares",
        "POST",
        "/prepare?cuid=carol",
        {"cart": {"items": [{"productId": "demo-flower", "quantity": 1}]}},
    )
    blaze("cancel before submit", "DELETE", f"/cancelCart/{carol['id']}?cuid=carol")
    blaze("carol submits", "POST", f"/submitCart/{carol['id']}?cuid=carol")
    blaze("carol cancels", "DELETE", f"/cancelCart/{carol['id']}?cuid=carol")
    dave = blaze(
        "dave prepares",
        "POST",
        "/prepare?cuid=dave",
        {"cart": {"items": [{"productId": "demo-edible", "quantity": 1}]}},
    )
    blaze("dave submits", "POST", f"/submitCart/{dave['id']}?cuid=dave")
    loke("POS rejects", "PUT", f"{LOKE_CART}/{dave['id']}/invalid")
    api.drain()
    clock.advance(1)
    blaze("declined order", "GET", f"/{dave['id']}?cuid=dave")
    loke("INVALID", "GET", f"{LOKE_CART}/{dave['id']}")
    loke("webhook deleted", "DELETE", "/organizations/demo/webhooks/pos-1")
    loke("webhook deleted again", "DELETE", "/organizations/demo/webhooks/pos-1")

    # ----- the documented errors ------------------------------------------------------------------
    blaze("active without identity", "GET", "/active")
    blaze("get without cuid", "GET", f"/{cart_id}")
    blaze("get as another consumer", "GET", f"/{cart_id}?cuid=mallory")
    blaze("unknown cart", "GET", "/0123456789abcdef01234567?cuid=alice")
    blaze("unknown product", "POST", "/prepare?cuid=erin", {"cart": {"items": [{"productId": "nope", "quantity": 1}]}})
    blaze(
        "negative quantity",
        "POST",
        "/prepare?cuid=erin",
        {"cart": {"items": [{"productId": "demo-flower", "quantity": -1}]}},
    )
    blaze("not JSON", "POST", "/prepare?cuid=erin", raw="{not json")
    blaze("a JSON array", "POST", "/prepare?cuid=erin", raw="[]")
    blaze("unknown code", "POST", "/prepare?cuid=erin", {"cart": {"items": [], "promoCode": "NOPE"}})
    blaze("unknown route", "GET", "/nope/nope/nope?cuid=erin")
    call("BLAZE without keys", "GET", "/api/v1/partner/store/cart/active?cuid=alice", headers={})
    call("BLAZE as acme", "GET", f"/api/v1/partner/store/cart/{cart_id}?cuid=alice", headers=ACME)
    call("LOKE as acme", "GET", f"{LOKE_CART}/{cart_id}", headers=ACME_POS)
    call("LOKE without token", "GET", f"{LOKE_CART}/{cart_id}", headers={})
    loke("LOKE unknown location", "GET", f"/organizations/demo/locations/elsewhere/cart/{cart_id}")
    loke("LOKE validates an open cart", "PUT", f"{LOKE_CART}/{carol['id']}/valid")
    loke(
        "LOKE bad adjustment",
        "PUT",
        f"{LOKE_CART}/{cart_id}/valid",
        {"adjustments": [{"id": "x", "label": "x", "amount": 1.5}]},
    )
    loke(
        "LOKE bad webhook url",
        "PUT",
        "/organizations/demo/webhooks/x",
        {"url": "not a url", "secret": "s", "events": ["cart.created"]},
    )
    return log


def test_blaze_and_loke_answer_as_recorded(frozen_api, receiver) -> None:
    # Given the demo fixture, a frozen clock, and a POS webhook receiver
    api, clock = frozen_api
    # When the scripted conversation runs
    log = _conversation(api, clock, receiver)
    # Then every answer is the recorded one
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(log, indent=1, ensure_ascii=False) + "\n")
    recorded = json.loads(GOLDEN.read_text())
    assert [entry["call"] for entry in log] == [entry["call"] for entry in recorded]
    for got, want in zip(log, recorded, strict=True):
        assert got == want, f"{got['call']} answers differently"
