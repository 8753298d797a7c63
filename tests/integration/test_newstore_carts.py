"""NewStore carts through the local gateway (template.yaml's routes, moto): create (draft), read and
update, products and their item ids, the fields this face keeps, and bad input for each field
answered 400 in NewStore's error body with nothing changed."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from newstore_shopping.face import FACE
from newstore_shopping.item_ids import item_id, line_of
from tests.conftest import InProcessApi

CARTS = "/shopping/carts"
DEMO, ACME = FACE.demo_headers, FACE.acme_headers
ADDRESS = {
    "title": "Dr", "first_name": "John", "last_name": "Doe", "address_line_1": "1 United Nations Plaza",
    "address_line_2": "Floor 2", "city": "New York", "state": "NY", "zip_code": "10017", "country": "US",
    "phone": "7036917165",
}  # fmt: skip
UUID_SHAPE = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def call(api: InProcessApi, method: str, path: str, body: Any = None, headers: Any = DEMO) -> Any:
    return api.request(method, path, dict(headers), body)


def create(api: InProcessApi, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = call(
        api, "POST", CARTS, body if body is not None else {"products": [{"product_id": "demo-flower", "quantity": 2}]}
    )
    assert response.status == 200, response.text
    return dict(response.json())


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error_code", "message", "request_id"}, body
    assert body["request_id"], body
    return dict(body)


# ----- create and read -----------------------------------------------------------------------


def test_a_new_cart_is_a_draft_at_the_clients_store_with_its_products_priced(api: InProcessApi) -> None:
    # Given the demo client; When it creates a cart with two units of a product for in-store handover
    cart = create(api, {"products": [
        {"product_id": "demo-flower", "quantity": 2, "fulfillment_group": {"type": "IN_STORE_HANDOVER"},
         "extended_attributes": [{"name": "item-level", "value": "attribute"}]},
    ]})  # fmt: skip
    # Then it is a draft with a UUID id at the client's store, in the store's currency
    assert cart["state"] == "draft" and cart["store_id"] == "main" and cart["currency"] == "USD"
    assert uuid.UUID(cart["id"]).version == 8 and cart["id"] == cart["id"].lower()
    # And its product line has one item id per unit, and what was sent about it
    (line,) = cart["products"]
    assert line["quantity"] == 2 and len(set(line["item_ids"])) == 2
    assert line["fulfillment_group"] == {"type": "IN_STORE_HANDOVER"}
    assert line["extended_attributes"] == [{"name": "item-level", "value": "attribute"}]
    # And it is priced by the core in decimal units (demo-flower is 12.50)
    assert cart["totals"]["subtotal"] == 25 and cart["remaining_amount"] == cart["totals"]["grand_total"]


def test_reading_a_cart_answers_it_as_created(api: InProcessApi) -> None:
    cart = create(api)
    read = call(api, "GET", f"{CARTS}/{cart['id']}")
    assert read.status == 200, read.text
    assert read.json() == cart
    # NewStore's path pattern accepts upper-case hex too
    assert call(api, "GET", f"{CARTS}/{cart['id'].upper()}").json()["id"] == cart["id"]


def test_an_empty_create_body_makes_an_empty_draft(api: InProcessApi) -> None:
    response = call(api, "POST", CARTS, {})
    assert response.status == 200, response.text
    assert response.json()["products"] == [] and response.json()["totals"]["grand_total"] == 0


@pytest.mark.parametrize("cart_id", ["nope", str(uuid.uuid4()), "6b04c01d-c04c-8ca2-aa17-24d26fb98443"])
def test_a_missing_cart_is_404_in_newstores_body(api: InProcessApi, cart_id: str) -> None:
    for method, body in (("GET", None), ("PATCH", {"shop": "x"})):
        response = call(api, method, f"{CARTS}/{cart_id}", body)
        assert response.status == 404, response.text
        assert error_of(response)["error_code"] == "not_found"


def test_another_tenants_cart_is_missing_and_unchanged(api: InProcessApi) -> None:
    # Given demo's cart; When acme's client reads or patches it
    cart = create(api)
    assert call(api, "GET", f"{CARTS}/{cart['id']}", headers=ACME).status == 404
    assert call(api, "PATCH", f"{CARTS}/{cart['id']}", {"shop": "acme"}, headers=ACME).status == 404
    # Then demo's cart is as it was
    assert call(api, "GET", f"{CARTS}/{cart['id']}").json() == cart


# ----- item ids ------------------------------------------------------------------------------


def test_item_ids_are_stable_and_name_their_line() -> None:
    line = "6b0000000000000000000002"
    first = item_id("cart", line, 0)
    assert first == item_id("cart", line, 0) != item_id("cart", line, 1)
    assert line_of(first) == (line, 0) and line_of(item_id("cart", line, 99)) == (line, 99)
    assert line_of(str(uuid.uuid4())) is None and line_of("nope") is None


def test_products_sent_back_with_their_item_ids_keep_them(api: InProcessApi) -> None:
    # Given a cart with two units
    cart = create(api)
    items = cart["products"][0]["item_ids"]
    # When the client sends the line back with its item ids and one more unit
    patched = call(api, "PATCH", f"{CARTS}/{cart['id']}", {
        "products": [{"product_id": "demo-flower", "quantity": 3, "item_ids": items}],
    })  # fmt: skip
    # Then the two units keep their ids and the third gets a new one
    assert patched.status == 200, patched.text
    (line,) = patched.json()["products"]
    assert line["item_ids"][:2] == items and len(set(line["item_ids"])) == 3
    # And a line sent without ids is a new line (products replace the cart's)
    replaced = call(api, "PATCH", f"{CARTS}/{cart['id']}", {"products": [{"product_id": "demo-edible", "quantity": 1}]})
    assert replaced.status == 200, replaced.text
    assert [p["product_id"] for p in replaced.json()["products"]] == ["demo-edible"]
    assert not set(replaced.json()["products"][0]["item_ids"]) & set(items)


# ----- update: the fields this face keeps ------------------------------------------------------


def test_update_sets_every_field_this_face_keeps(api: InProcessApi) -> None:
    cart = create(api)
    body = {
        "shop": "storefront-catalog-en", "shop_locale": "en-US", "tax_exempt": False,
        "customer": {"email": "johndoe@example.com", "id": "f4251bc6-2871-419c-84d0-c9ea40785fa2", "language": "EN", "name": "John Doe"},
        "channel": {"name": "NewStore Associate App", "type": "web"},
        "associate_id": "7b08ff9a82c9488e905003fce9ad0a53",
        "extended_attributes": [{"name": "order-level", "value": "x"}],
        "manager_approval": {"approved_by": "m-1", "approved_rules": ["r1"], "matched_rules": [
            {"label": "L", "description": "D", "restricted_payment_methods": ["cash"]}]},
        "shipping_address": ADDRESS, "store_id": "main", "currency": "USD", "state": "draft",
    }  # fmt: skip
    response = call(api, "PATCH", f"{CARTS}/{cart['id']}", body)
    assert response.status == 200, response.text
    updated = response.json()
    for name in (
        "shop",
        "shop_locale",
        "customer",
        "channel",
        "associate_id",
        "extended_attributes",
        "manager_approval",
    ):
        assert updated[name] == body[name], name
    assert updated["shipping_address"] == ADDRESS
    # The seed: "If not set, the shipping address will be used."
    assert updated["billing_address"] == ADDRESS
    # And a read answers the same
    assert call(api, "GET", f"{CARTS}/{cart['id']}").json() == updated


def test_a_billing_address_of_its_own_and_null_clearing_it(api: InProcessApi) -> None:
    cart = create(api, {"shipping_address": ADDRESS})
    billing = {**ADDRESS, "address_line_1": "2 Billing St", "title": None}
    with_billing = call(api, "PATCH", f"{CARTS}/{cart['id']}", {"billing_address": billing}).json()
    assert with_billing["billing_address"]["address_line_1"] == "2 Billing St"
    assert "title" not in with_billing["billing_address"]
    cleared = call(api, "PATCH", f"{CARTS}/{cart['id']}", {"billing_address": None}).json()
    assert cleared["billing_address"] == ADDRESS  # back to the shipping address


def test_an_empty_update_answers_the_cart_as_it_is(api: InProcessApi) -> None:
    cart = create(api)
    for raw in ("{}", ""):
        response = api.request("PATCH", f"{CARTS}/{cart['id']}", dict(DEMO), raw=raw)
        assert response.status == 200, response.text
        assert response.json() == cart


# ----- bad input: 400, NewStore's body, nothing changed -------------------------------------------

BAD_BODIES = {
    "unknown field": {"bogus": 1},
    "products not a list": {"products": {"product_id": "demo-flower"}},
    "product quantity 0": {"products": [{"product_id": "demo-flower", "quantity": 0}]},
    "product quantity a string": {"products": [{"product_id": "demo-flower", "quantity": "2"}]},
    "product unknown": {"products": [{"product_id": "no-such-product", "quantity": 1}]},
    "over 100 items": {"products": [{"product_id": "demo-flower", "quantity": 60}, {"product_id": "demo-edible", "quantity": 41}]},
    "fulfillment group unknown": {"products": [{"product_id": "demo-flower", "quantity": 1, "fulfillment_group": {"type": "DRONE"}}]},
    "item id not a uuid": {"products": [{"product_id": "demo-flower", "quantity": 1, "item_ids": ["x"]}]},
    "shop over 128": {"shop": "s" * 129},
    "shop_locale over 128": {"shop_locale": "l" * 129},
    "tax_exempt not a boolean": {"tax_exempt": "yes"},
    "customer not an object": {"customer": "john"},
    "customer unknown field": {"customer": {"password": "x"}},
    "customer email too short for an address": {"customer": {"email": "a@"}},
    "customer email placing a cart": {"customer": {"email": "\u0095"}, "state": "placed"},
    "address country of 3 letters": {"shipping_address": {**ADDRESS, "country": "USA"}},
    "billing address unknown field": {"billing_address": {"street": "x"}},
    "store_id of another store": {"store_id": "north"},
    "store_id over 256": {"store_id": "s" * 257},
    "currency not the store's": {"currency": "EUR"},
    "currency not a code": {"currency": "dollars"},
    "associate_id over 256": {"associate_id": "a" * 257},
    "channel unknown field": {"channel": {"x": 1}},
    "over 100 extended attributes": {"extended_attributes": [{"name": f"n{i}", "value": "v"} for i in range(101)]},
    "extended attribute without name": {"extended_attributes": [{"value": "v"}]},
    "manager approval unknown field": {"manager_approval": {"who": "x"}},
    "state unknown": {"state": "shipped"},
    "over 10 payments": {"payments": {f"k{i}": {"type": "token", "amount": 1} for i in range(11)}},
    "payment type unknown": {"payments": {"k": {"type": "cash", "amount": 1}}},
    "two coupons": {"price_modifiers": {"coupons": [{"code": "A"}, {"code": "B"}]}},
    "shipping solution over 64": {"shipping_solution_id": "s" * 65},
}  # fmt: skip


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_bad_input_is_400_in_newstores_body_and_changes_nothing(api: InProcessApi, body: dict[str, Any]) -> None:
    # Given a cart; When a bad update is sent
    cart = create(api, {"products": [{"product_id": "demo-flower", "quantity": 1}], "shop": "before"})
    response = call(api, "PATCH", f"{CARTS}/{cart['id']}", body)
    # Then it is refused in NewStore's error body
    assert response.status == 400, response.text
    assert error_of(response)["error_code"] == "bad_request"
    # And the cart is as it was
    assert call(api, "GET", f"{CARTS}/{cart['id']}").json() == cart
    # And the same body makes no cart either
    assert call(api, "POST", CARTS, body).status == 400


def test_a_body_that_is_not_json_is_400_not_415(api: InProcessApi) -> None:
    response = api.request("POST", CARTS, {**DEMO, "Content-Type": "text/plain"}, raw="products")
    assert response.status == 400, response.text
    assert error_of(response)["error_code"] == "bad_request"


def test_null_lists_given_answer_as_empty_lists(api: InProcessApi) -> None:
    # Given a cart created with null extended attributes and products (the seed: "(any or null)")
    response = call(api, "POST", CARTS, {"extended_attributes": None, "products": None})
    # Then its answer keeps the documented types: lists, empty (schemathesis found a null)
    assert response.status == 200, response.text
    assert response.json()["extended_attributes"] == [] and response.json()["products"] == []
