"""One cart, every face: a cart made through BLAZE reads through Medusa's cart endpoints, and a cart
completed through Medusa is an order the store's POS sees and answers through LOKE, whose answer
Medusa's order then shows. Through the local gateway (template.yaml's routes), moto and the stream."""

from __future__ import annotations

from typing import Any

from medusa_store.mapping import CART_IDS, wire_cart_id
from tests.conftest import InProcessApi
from tests.integration.test_medusa_carts import created_cart, medusa


def test_a_cart_made_through_blaze_is_read_and_edited_through_medusa(api: InProcessApi) -> None:
    # Given a guest's cart made through BLAZE with two demo-flower and the code TENOFF
    items = [{"productId": "demo-flower", "quantity": 2}]
    body = {"sessionId": "every-face", "cart": {"items": items, "promoCode": "TENOFF"}}
    made = api.blaze("POST", "/prepare", body).json()
    # When a Medusa storefront reads it by its Medusa id and adds a line
    cart_id = wire_cart_id(made["id"])
    read = medusa(api, "GET", f"/carts/{cart_id}").json()["cart"]
    added = medusa(api, "POST", f"/carts/{cart_id}/line-items", {"variant_id": "demo-edible", "quantity": 1})
    # Then Medusa shows BLAZE's line and code, and BLAZE's cart shows Medusa's line
    assert [(i["variant_id"], i["quantity"]) for i in read["items"]] == [("demo-flower", 2)]
    assert [d["code"] for d in read["discounts"]] == ["TENOFF"] and read["subtotal"] == 2500
    assert added.status == 200, added.text
    # (BLAZE reads a guest's cart by its public key: by id it needs the consumer's cuid)
    public = api.blaze("GET", f"/public/{made['publicKey']}").json()
    assert sorted(i["productId"] for i in public["cart"]["items"]) == ["demo-edible", "demo-flower"]


def _completed_through_medusa(api: InProcessApi) -> dict[str, Any]:
    cart = created_cart(api, {"items": [{"variant_id": "demo-vape", "quantity": 1}]})
    path = f"/carts/{cart['id']}"
    assert medusa(api, "POST", path, {"email": "pos@example.com"}).status == 200
    assert medusa(api, "POST", f"{path}/payment-sessions").status == 200
    assert medusa(api, "POST", f"{path}/payment-session", {"provider_id": "manual"}).status == 200
    placed = medusa(api, "POST", f"{path}/complete")
    assert placed.status == 200 and placed.json()["type"] == "order", placed.text
    return placed.json()["data"]


def test_a_cart_completed_through_medusa_is_answered_by_the_pos_through_loke(api: InProcessApi) -> None:
    # Given a POS subscribed to demo's carts (so the order waits for it) and a cart completed through Medusa
    hook = {"url": "http://127.0.0.1:9/hooks", "secret": "s3cret", "events": ["cart.created"]}
    assert api.loke("PUT", "/organizations/demo/webhooks/medusa-pos", hook).status == 200
    order = _completed_through_medusa(api)
    loke_id = CART_IDS.decode(order["cart_id"]).key  # LOKE names a cart by its storage form
    # When the POS reads it through LOKE
    seen = api.loke("GET", f"/organizations/demo/locations/main/cart/{loke_id}")
    # Then it is PENDING there, for Medusa's total
    assert seen.status == 200, seen.text
    assert seen.json()["status"] == "PENDING"
    # When the POS accepts it, Then Medusa's order is still the order, accepted (pending fulfilment)
    assert api.loke("PUT", f"/organizations/demo/locations/main/cart/{loke_id}/valid").status == 204
    again = medusa(api, "GET", f"/orders/{order['id']}").json()["order"]
    assert again["id"] == order["id"] and again["status"] == "pending"
