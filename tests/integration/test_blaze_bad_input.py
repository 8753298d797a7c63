"""Bad input gets a clear 4xx in BLAZE's error body and changes nothing."""

from __future__ import annotations

import pytest

from tests.integration.test_blaze_cart import prepare


def _items(n: int, quantity=1):
    return {"cart": {"items": [{"productId": "demo-flower", "quantity": quantity}] * n}}


@pytest.mark.parametrize(
    ("body", "raw", "status", "says"),
    [
        (None, '{"cart": {"items": [', 400, "Malformed JSON"),
        ({"cart": {"items": "lots"}}, None, 400, "items"),
        ({"cart": {"items": [{"productId": "demo-flower", "quantity": "two"}]}}, None, 400, "quantity"),
        ({"cart": {"items": [{"productId": "demo-flower", "quantity": 0}]}}, None, 400, "quantity"),
        ({"cart": {"items": [{"productId": "demo-flower", "quantity": -1}]}}, None, 400, "quantity"),
        ({"cart": {"items": [{"productId": "demo-flower", "quantity": 1.5}]}}, None, 400, "whole"),
        (_items(1, quantity=10**9), None, 400, "quantity"),
        (_items(101), None, 400, "items"),
        ({"cart": {"items": [{"quantity": 1}]}}, None, 400, "productId"),
        ({"cart": {"items": [{"productId": "no-such-product", "quantity": 1}]}}, None, 404, "no-such-product"),
        ({"pickupType": "Teleport"}, None, 400, "pickupType"),
        ({"cartStatus": "Whatever"}, None, 400, "cartStatus"),
        ({"cart": {"promoCode": "FAKE"}}, None, 400, "FAKE"),
        ([1, 2, 3], None, 400, "must be a JSON object"),
    ],
)
def test_bad_update_is_refused_and_changes_nothing(api, body, raw, status, says) -> None:
    # Given alice's priced cart
    before = prepare(api)
    # When an update is malformed
    response = api.blaze("POST", f"/updateCart/{before['id']}?cuid=alice", body, raw=raw)
    # Then the error is in BLAZE's shape, and the cart is as it was
    assert response.status == status, response.text
    error = response.json()
    assert set(error) == {"error", "message", "status"} and error["status"] == status
    assert says in error["message"]
    after = api.blaze("GET", f"/{before['id']}?cuid=alice").json()
    assert after["modified"] == before["modified"] and after["cart"] == before["cart"]


def test_unknown_cart_is_404(api) -> None:
    response = api.blaze("POST", "/updateCart/000000000000000000000000?cuid=alice", {"cart": {"items": []}})
    assert response.status == 404 and response.json()["error"] == "Not Found"


def test_bad_payment_amounts_are_refused(api) -> None:
    cart = prepare(api)
    for body in ({"paymentReceived": -5}, {"paymentReceived": "lots"}, {"paymentOption": "Gold", "paymentReceived": 1}):
        assert api.blaze("POST", f"/{cart['id']}/payments?cuid=alice", body).status == 400


def test_unknown_route_is_404(api) -> None:
    # API Gateway's MISSING_AUTHENTICATION_TOKEN (its "no such route"), re-mapped by the template to
    # 404 in BLAZE's error body
    response = api.blaze("GET", "/no/such/thing/here")
    assert response.status == 404
    assert response.json() == {"error": "Not Found", "message": "No such endpoint", "status": 404}


def test_find_cost_rejects_bad_quantities(api) -> None:
    for quantity in (0, -1, 1.5, "x"):
        assert api.blaze("POST", "/product/findCost", {"productId": "demo-flower", "quantity": quantity}).status == 400


@pytest.mark.parametrize(
    ("content_type", "raw"),
    [
        ("multipart/form-data", "--x\r\n"),
        ("application/x-www-form-urlencoded", "cart=1"),
        ("text/plain", '{"cart": {}}'),
    ],
)
def test_a_body_that_is_not_json_is_415(api, content_type: str, raw: str) -> None:
    cart = prepare(api)
    response = api.blaze(
        "POST", f"/updateCart/{cart['id']}?cuid=alice", headers={"Content-Type": content_type}, raw=raw
    )
    assert response.status == 415 and response.json()["status"] == 415


def test_a_body_that_is_not_utf8_is_400(api) -> None:
    cart = prepare(api)
    status, _, payload = api.gateway.handle(
        "POST", f"/api/v1/partner/store/cart/updateCart/{cart['id']}?cuid=alice",
        {"Content-Type": "application/json", "x-api-key": "demo-partner-key", "Authorization": "demo-developer-key"},
        b"\x80\x99 not utf-8",
    )  # fmt: skip
    assert status == 400 and b"UTF-8" in payload


def test_undeclared_methods_are_answered_by_the_gateway(api) -> None:
    response = api.blaze("TRACE", "/active?cuid=alice")
    assert response.status == 404 and response.json() == {
        "error": "Not Found",
        "message": "No such endpoint",
        "status": 404,
    }
