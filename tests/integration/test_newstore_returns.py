"""NewStore returns and exchanges through the local gateway (template.yaml's routes, moto): a unit of
an accepted order returned and refunded, an exchange, another tenant's order (404, nothing of it
shown), an order not accepted, the same unit in two carts, and bad input in each returns field (400 in
NewStore's error body, nothing changed)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from cart_core.actors import Actor
from cart_core.lifecycle import CartStatus
from cart_core.tenancy import Caller
from cart_core.usecases import compose
from cart_core.usecases.carts import CartEdits, LineEdit
from newstore_shopping.face import FACE
from newstore_shopping.mapping import wire_cart_id
from tests.conftest import InProcessApi

CARTS = "/shopping/carts"
DEMO, ACME = FACE.demo_headers, FACE.acme_headers
# demo-flower: 12.50, taxed 6.25 % + 2 % (1.56 + 0.50 on two): two units paid 13.53 each.
UNIT_PAID = 13.53


def call(api: InProcessApi, method: str, path: str, body: Any = None, headers: Any = DEMO) -> Any:
    return api.request(method, path, dict(headers), body)


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error_code", "message", "request_id"}, body
    return dict(body)


def accepted_order(store: Any, tenant: str = "demo", product: str = "demo-flower", quantity: int = 2) -> str:
    """An order placed, validated and captured through the core (quicker than the face's flow, which
    test_newstore_checkout.py covers): its NewStore id."""
    cases = compose(store)
    caller = Caller(tenant_id=tenant, location_id="main", actor=Actor.partner())
    cart_id = cases.carts.create(
        caller, CartEdits(lines=[LineEdit(product_id=product, quantity=quantity)], fulfillment="pickup")
    ).cart.cart_id
    cases.checkout.record_payment(caller, cart_id, "card", Decimal(0), card_token="tok_visa")
    cases.checkout.submit(caller, cart_id, CartEdits())
    system = Caller.system(tenant, "main")
    cases.pos_validation.pos_validate(system, cart_id, [])
    assert cases.checkout.settle_payment(system, cart_id).cart.status is CartStatus.PAID
    return wire_cart_id(cart_id)


def item_ids(api: InProcessApi, order: str, headers: Any = DEMO) -> list[str]:
    response = call(api, "GET", f"{CARTS}/{order}", headers=headers)
    assert response.status == 200, response.text
    return [item for product in response.json()["products"] for item in product["item_ids"]]


def returned(order: str, item: str, **more: Any) -> dict[str, Any]:
    return {"order_id": order, "item_id": item, "return_reason": "Too small", **more}


def new_cart(api: InProcessApi, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = call(api, "POST", CARTS, body or {})
    assert response.status == 200, response.text
    return dict(response.json())


def test_a_returned_item_is_refunded_when_the_cart_is_placed(api: InProcessApi, store: Any) -> None:
    # Given an accepted order and a new cart
    order = accepted_order(store)
    first = item_ids(api, order)[0]
    cart = new_cart(api)
    # When the associate returns one of its units
    response = call(api, "PATCH", f"{CARTS}/{cart['id']}", {"returns": [returned(order, first)]})
    # Then the cart is a return: ready without payments, its total the negative refund
    assert response.status == 200, response.text
    shown = response.json()
    assert shown["state"] == "ready"
    assert shown["totals"]["grand_total"] == -UNIT_PAID
    assert shown["return_status"] == {"status": "pending"} and shown["exchange"] is None
    # When it is placed
    placed = call(api, "PATCH", f"{CARTS}/{cart['id']}", {"state": "placed"})
    # Then the refund went through and the return is completed
    assert placed.status == 200, placed.text
    assert placed.json()["return_status"] == {"status": "completed"}
    # And placing again refunds nothing more (the order's card was refunded once)
    assert call(api, "PATCH", f"{CARTS}/{cart['id']}", {"state": "placed"}).status == 200
    order_cart = (
        compose(store)
        .carts.get_cart(Caller(tenant_id="demo", location_id="main", actor=Actor.partner()), _key(order))
        .cart
    )
    assert order_cart.payments[0].refunded_minor == 1353


def _key(wire: str) -> str:
    from cart_core.ids import codec

    return codec("newstore").decode(wire).key


def test_an_exchange_shows_who_pays_the_difference(api: InProcessApi, store: Any) -> None:
    # Given an accepted order of two 13.53 units
    order = accepted_order(store)
    units = item_ids(api, order)
    # When a cart buys one gummies (8.66 with tax) and returns both units
    cart = new_cart(api, {"products": [{"product_id": "demo-edible", "quantity": 1}]})
    response = call(
        api, "PATCH", f"{CARTS}/{cart['id']}", {"returns": [returned(order, u) for u in units], "state": "placed"}
    )
    # Then the customer gets the difference refunded, and the exchange is placed and completed
    assert response.status == 200, response.text
    body = response.json()
    assert body["exchange"] == {"type": "refund", "amount": 18.40}
    assert body["return_status"] == {"status": "completed"}


def test_an_exchange_the_customer_pays_for_says_so(api: InProcessApi, store: Any) -> None:
    order = accepted_order(store)
    cart = new_cart(api, {"products": [{"product_id": "demo-vape", "quantity": 1}]})
    response = call(api, "PATCH", f"{CARTS}/{cart['id']}", {"returns": [returned(order, item_ids(api, order)[0])]})
    assert response.status == 200, response.text
    assert response.json()["exchange"] == {"type": "customer_pays", "amount": 24.36}
    assert response.json()["totals"]["grand_total"] == 24.36


def test_an_item_of_another_tenants_order_is_not_found_and_nothing_of_it_shown(api: InProcessApi, store: Any) -> None:
    # Given an accepted order of acme's
    order = accepted_order(store, "acme", "acme-widget", 1)
    item = item_ids(api, order, ACME)[0]
    cart = new_cart(api)
    # When demo's associate names it
    response = call(api, "PATCH", f"{CARTS}/{cart['id']}", {"returns": [returned(order, item)]})
    # Then 404 in NewStore's error body, naming nothing but the id given
    assert response.status == 404, response.text
    error = error_of(response)
    assert "widget" not in response.text.lower() and "acme" not in error["message"].lower()
    # And the cart is unchanged
    assert call(api, "GET", f"{CARTS}/{cart['id']}").json()["return_status"] is None


def test_an_item_of_an_order_not_accepted_is_refused(api: InProcessApi) -> None:
    # Given a cart that was never placed, named as an order
    draft = new_cart(api, {"products": [{"product_id": "demo-flower", "quantity": 1}]})
    cart = new_cart(api)
    response = call(
        api, "PATCH", f"{CARTS}/{cart['id']}", {"returns": [returned(draft["id"], draft["products"][0]["item_ids"][0])]}
    )
    assert response.status == 400, response.text
    assert "not accepted" in error_of(response)["message"]


def test_the_same_item_in_a_second_cart_is_refused_when_placed(api: InProcessApi, store: Any) -> None:
    order = accepted_order(store)
    item = item_ids(api, order)[0]
    first, second = new_cart(api), new_cart(api)
    for cart in (first, second):
        assert call(api, "PATCH", f"{CARTS}/{cart['id']}", {"returns": [returned(order, item)]}).status == 200
    assert call(api, "PATCH", f"{CARTS}/{first['id']}", {"state": "placed"}).status == 200
    refused = call(api, "PATCH", f"{CARTS}/{second['id']}", {"state": "placed"})
    assert refused.status == 409, refused.text
    assert "already been returned" in error_of(refused)["message"]
    assert call(api, "GET", f"{CARTS}/{second['id']}").json()["return_status"] == {"status": "pending"}


DROP = object()  # the field left out


@pytest.mark.parametrize(
    "entry",
    [
        {"order_id": DROP},
        {"item_id": DROP},
        {"return_reason": DROP},
        {"return_reason": ""},
        {"return_reason": "r" * 300},
        {"item_condition": "c" * 300},
        {"return_code": -1},
        {"return_code": "3"},
        {"condition_code": 10**7},
        {"refund": {"amount": -1}},
        {"refund": {"amount": "12.5"}},
        {"refund": {"amount": 13.54}},  # more than the 13.53 paid
        {"refund": {"method": "m" * 100}},
        {"refund": {"unknown": 1}},
        {"blind_return": {"product_id": "demo-flower"}},
        {"was_blind": True},
        {"unknown_field": 1},
    ],
)
def test_bad_input_in_each_returns_field_is_a_400_and_changes_nothing(
    api: InProcessApi, store: Any, entry: dict[str, Any]
) -> None:
    order = accepted_order(store)
    cart = new_cart(api)
    given = {**returned(order, item_ids(api, order)[0]), **entry}
    body = {"returns": [{name: value for name, value in given.items() if value is not DROP}]}
    response = call(api, "PATCH", f"{CARTS}/{cart['id']}", body)
    assert response.status == 400, response.text
    assert error_of(response)["error_code"]
    assert call(api, "GET", f"{CARTS}/{cart['id']}").json()["return_status"] is None
