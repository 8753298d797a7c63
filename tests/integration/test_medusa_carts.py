"""The Medusa v1 storefront face's cart routes through the local gateway (template.yaml's routes,
moto): Medusa's cart shape and ids, its error bodies, and one cart read by every face."""

from __future__ import annotations

from typing import Any

from medusa_store.face import FACE
from medusa_store.mapping import wire_cart_id
from tests.conftest import InProcessApi

STORE = FACE.base_path


def medusa(api: InProcessApi, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None):
    return api.request(method, STORE + path, headers or {}, body if body is not None or method == "GET" else {})


def blaze_guest_cart(api: InProcessApi, session: str = "medusa-guest") -> dict[str, Any]:
    body = {"sessionId": session, "cart": {"items": [{"productId": "demo-flower", "quantity": 2}]}}
    response = api.blaze("POST", "/prepare", body)
    assert response.status == 200, response.text
    return response.json()


def test_a_blaze_guest_cart_reads_through_medusa_in_medusas_shape(api: InProcessApi) -> None:
    # Given a guest cart made through BLAZE (2 x demo-flower at 12.50)
    made = blaze_guest_cart(api)
    # When a storefront retrieves it through Medusa, by its Medusa id
    response = medusa(api, "GET", f"/carts/{wire_cart_id(made['id'])}")
    # Then it is Medusa's {cart} with a cart_ ULID, the line and its totals in minor units
    assert response.status == 200, response.text
    cart = response.json()["cart"]
    assert cart["id"].startswith("cart_") and len(cart["id"]) == 31
    (item,) = cart["items"]
    assert item["id"].startswith("item_") and (item["unit_price"], item["quantity"]) == (1250, 2)
    assert cart["subtotal"] == 2500 and cart["total"] == 2500 + cart["tax_total"]
    assert "payment_session" not in cart


def test_an_unknown_cart_is_medusas_404(api: InProcessApi) -> None:
    # When a storefront retrieves a cart id that is no cart of ours (a Medusa-made ULID)
    response = medusa(api, "GET", "/carts/cart_01G8ZH853Y6TFXWPG5EYE81X63")
    # Then Medusa's not_found body, without a code
    assert response.status == 404
    assert response.json() == {
        "type": "not_found",
        "message": "Cart with cart_01G8ZH853Y6TFXWPG5EYE81X63 was not found",
    }


def test_an_unknown_query_parameter_is_refused_as_class_validator_does(api: InProcessApi) -> None:
    made = blaze_guest_cart(api)
    response = medusa(api, "GET", f"/carts/{wire_cart_id(made['id'])}?bogus=1")
    assert response.status == 400
    assert response.json() == {"type": "invalid_data", "message": "property bogus should not exist"}
