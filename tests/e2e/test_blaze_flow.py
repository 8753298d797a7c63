"""The BLAZE flow over real HTTP against the local cloud and its demo fixture."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.e2e


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_full_consumer_flow(demo) -> None:
    cuid = unique("alice")
    # Given the integration asks for the consumer's cart first
    active = demo("GET", "/active", params={"cuid": cuid})
    assert active.status_code == 200 and active.headers["Content-Type"].startswith("application/json")
    cart_id = active.json()["id"]
    # When it prepares items with a promo code, checks a cost, updates and submits
    prepared = demo(
        "POST", "/prepare", params={"cuid": cuid},
        json={"cart": {"items": [{"productId": "demo-flower", "quantity": 2}], "promoCode": "TENOFF"}},
    ).json()  # fmt: skip
    assert prepared["id"] == cart_id and prepared["cart"]["total"] == 24.36
    cost = demo("POST", "/product/findCost", json={"productId": "demo-vape", "quantity": 2}).json()
    assert cost["cost"] == 70
    updated = demo(
        "POST", f"/updateCart/{cart_id}", params={"cuid": cuid},
        json={"cart": {"items": [{"productId": "demo-flower", "quantity": 2}, {"productId": "demo-vape", "quantity": 1}],
                       "promoCode": "TENOFF"}, "pickupType": "Pickup"},
    ).json()  # fmt: skip
    assert updated["pickupType"] == "Pickup" and updated["cart"]["subTotal"] == 60
    demo("POST", "/items/finalize", params={"cuid": cuid}, json={"id": cart_id})
    paid = demo(
        "POST", f"/{cart_id}/payments", params={"cuid": cuid}, json={"paymentOption": "Cash", "paymentReceived": 100}
    ).json()
    assert paid["cart"]["changeDue"] == round(100 - paid["cart"]["total"], 2)
    submitted = demo("POST", f"/submitCart/{cart_id}", params={"cuid": cuid}, json={})
    assert submitted.status_code == 200
    order = submitted.json()
    # Then the order is placed once and shows in history
    assert order["placed"] and order["transactionSource"] == "Widget" and order["orderNo"]
    assert demo("POST", f"/submitCart/{cart_id}", params={"cuid": cuid}).json()["orderNo"] == order["orderNo"]
    history = demo("GET", "/history", params={"cuid": cuid}).json()
    assert [c["id"] for c in history["values"]] == [cart_id] and history["total"] == 1
    public = demo("GET", f"/public/{order['publicKey']}").json()
    assert public["id"] == cart_id and public["shop"]["id"] == "main"


def test_guest_cart_becomes_the_consumers(demo) -> None:
    session, cuid = unique("session"), unique("bob")
    guest = demo(
        "POST",
        "/prepare",
        json={"sessionId": session, "cart": {"items": [{"productId": "demo-edible", "quantity": 2}]}},
    ).json()
    assert guest["anonymous"] is True
    claimed = demo("POST", f"/{guest['id']}/setConsumerUser/{cuid}", params={"cuid": cuid}).json()
    assert claimed["consumerId"] == cuid and claimed["anonymous"] is False
    assert demo("GET", "/active", params={"cuid": cuid}).json()["id"] == guest["id"]
    assert demo("GET", f"/{guest['id']}", params={"cuid": cuid}).status_code == 200


def test_tenant_isolation_between_demo_and_acme(demo, acme) -> None:
    cuid = unique("carol")
    cart = demo(
        "POST",
        "/prepare",
        params={"cuid": cuid},
        json={"cart": {"items": [{"productId": "demo-flower", "quantity": 1}]}},
    ).json()
    assert acme("GET", f"/{cart['id']}", params={"cuid": cuid}).status_code == 404
    assert acme("GET", f"/public/{cart['publicKey']}").status_code == 404
    assert acme("POST", "/product/findCost", json={"productId": "demo-flower"}).status_code == 404
    assert acme("POST", f"/updateCart/{cart['id']}", json={"cart": {"items": []}}).status_code == 404
    own = acme("GET", "/active", params={"cuid": cuid}).json()
    assert own["companyId"] == "acme" and own["id"] != cart["id"]


def test_bad_requests_over_http(demo) -> None:
    bad_json = demo(
        "POST", "/prepare", params={"cuid": "x"}, data="{nope", headers={"Content-Type": "application/json"}
    )
    assert bad_json.status_code == 400 and bad_json.json()["message"] == "Malformed JSON body"
    no_identity = demo("GET", "/active")
    assert no_identity.status_code == 400 and no_identity.json()["status"] == 400
    unauthorized = demo("GET", "/active", params={"cuid": "x"}, headers={"x-api-key": "wrong"})
    assert unauthorized.status_code == 401 and unauthorized.json()["error"] == "Unauthorized"
