"""NewStore's totals, price modifiers and shipping solutions, through DynamoDB (moto) with the demo
fixture: the core's use cases first, then the face (functions/newstore_shopping)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cart_core.actors import Actor, ActorKind
from cart_core.cart import IN_STORE_HANDOVER
from cart_core.discounts import ManualDiscountEdit
from cart_core.errors import InvalidRequest
from cart_core.tenancy import Caller
from cart_core.usecases import compose
from cart_core.usecases.carts import CartEdits, LineEdit
from local.fixture import (
    NS_PRODUCT,
    NYC,
    NYC_CLIENT_ID,
    NYC_CLIENT_SECRET,
    SO_ACME_STANDARD,
    SO_NYC_EXPRESS,
    SO_NYC_STANDARD,
    SO_US_EXPRESS,
    SO_US_STANDARD,
)
from newstore_shopping.face import ACME_CLIENT, DEMO_CLIENT, MintedBearer
from tests.conftest import InProcessApi

ASSOCIATE = Actor(kind=ActorKind.ASSOCIATE, id="associate-1")


def _caller(tenant: str = "demo", location: str = NYC) -> Caller:
    return Caller(tenant_id=tenant, location_id=location, actor=ASSOCIATE)


def _seed_cart(store, caller: Caller | None = None, **edits):
    cases = compose(store)
    lines = [LineEdit(product_id=NS_PRODUCT, quantity=1), LineEdit(product_id=NS_PRODUCT, quantity=1)]
    made = cases.carts.create(caller or _caller(), CartEdits(lines=lines, **edits), pricing_policy="newstore")
    return cases, made


# ----- the core ---------------------------------------------------------------------------------


def test_the_seed_sample_at_the_new_york_store(store) -> None:
    # Given two items of 1000011 at the New York store (NY rates, tax excluded)
    _, made = _seed_cart(store)
    t = made.totals
    # Then 27.56 + 2.44 tax = 30.00, each item taxed 0.55 + 0.62 + 0.05
    assert (t.subtotal_minor, t.tax_total_minor, t.total_minor) == (2756, 244, 3000)
    assert [[tax.amount_minor for tax in line.taxes] for line in t.lines] == [[55, 62, 5], [55, 62, 5]]
    assert made.cart.pricing_policy == "newstore"


def test_solutions_are_the_stores_own_and_untaxed_until_chosen(store) -> None:
    cases, made = _seed_cart(store)
    cart_id = made.cart.cart_id
    # When the New York store's solutions are asked for
    current, options = cases.storefront.shipping_solutions(_caller(), cart_id)
    # Then its standard and express options, and nothing of the main store's region
    assert [o.option_id for o in options] == [SO_NYC_STANDARD, SO_NYC_EXPRESS]
    assert current.totals.shipping_total_minor == 0 and current.totals.tax_total_minor == 244
    # When express is chosen, it is taxed at the store's rates
    chosen = cases.carts.update(_caller(), cart_id, CartEdits(shipping_solution_id=SO_NYC_EXPRESS))
    t = chosen.totals
    assert t.shipping_total_minor == 1500
    assert t.shipping_tax_total_minor == 60 + 68 + 6  # 0.60, 0.675 → 0.68, 0.05625 → 0.06
    assert t.total_minor == 3000 + 1500 + 134


def test_an_unknown_or_foreign_solution_is_refused_and_nothing_changes(store) -> None:
    cases, made = _seed_cart(store)
    cart_id = made.cart.cart_id
    for solution in ("so_nope", SO_US_STANDARD, SO_ACME_STANDARD):
        with pytest.raises(InvalidRequest, match="Unknown shipping solution"):
            cases.carts.update(_caller(), cart_id, CartEdits(shipping_solution_id=solution))
    assert cases.carts.get_cart(_caller(), cart_id).cart.shipping_methods == []


def test_in_store_handover_is_refused_while_an_item_ships(store) -> None:
    cases, made = _seed_cart(store)
    with pytest.raises(InvalidRequest, match="in_store_handover"):
        cases.carts.update(_caller(), made.cart.cart_id, CartEdits(shipping_solution_id=IN_STORE_HANDOVER))


def test_manual_reductions_through_an_update(store) -> None:
    cases, made = _seed_cart(store)
    manual = [
        ManualDiscountEdit(kind="fixed", value=Decimal(378), line_index=0, reason="display model"),
        ManualDiscountEdit(kind="percentage", value=Decimal(10)),
    ]
    edited = cases.carts.update(_caller(), made.cart.cart_id, CartEdits(manual_discounts=manual))
    # Then item a costs 10.00, the order takes 10 % of 23.78 = 2.38 (1.00 / 1.38 by the items' prices)
    t = edited.totals
    assert t.discount_total_minor == 378 + 238
    assert [line.discount_minor for line in t.lines] == [378 + 100, 138]
    assert t.total_minor == 2756 - 616 + t.tax_total_minor
    # And removing them (an empty list) restores the sample
    cleared = cases.carts.update(_caller(), made.cart.cart_id, CartEdits(manual_discounts=[]))
    assert cleared.totals.total_minor == 3000


def test_acme_sees_its_own_product_price_and_options(store) -> None:
    caller = _caller("acme", "main")
    cases, made = _seed_cart(store, caller)
    assert made.totals.subtotal_minor == 2 * 9900
    _, options = cases.storefront.shipping_solutions(caller, made.cart.cart_id)
    assert [o.option_id for o in options] == [SO_ACME_STANDARD]
    # And demo's New York options are not acme's
    with pytest.raises(InvalidRequest, match="Unknown shipping solution"):
        cases.carts.update(caller, made.cart.cart_id, CartEdits(shipping_solution_id=SO_NYC_STANDARD))


# ----- through the face (the local gateway: authorizer, NewstoreShoppingFunction) ------------------

NY_CLIENT = MintedBearer(NYC_CLIENT_ID, NYC_CLIENT_SECRET, "demo", NYC)
CARTS = "/shopping/carts"
NY_ADDRESS = {
    "address_line_1": "1 United Nations Plaza", "city": "New York", "country": "US", "first_name": "John",
    "last_name": "Doe", "phone": "7036917165", "state": "NY", "zip_code": "10017",
}  # fmt: skip
SEED_PRODUCTS = [
    {"product_id": NS_PRODUCT, "quantity": 1, "fulfillment_group": {"type": "IN_STORE_HANDOVER"},
     "extended_attributes": [{"name": "item-level", "value": "attribute"}]},
    {"product_id": NS_PRODUCT, "quantity": 1, "fulfillment_group": {"type": "SHIPPING"},
     "extended_attributes": [{"name": "item-level", "value": "attribute"}]},
]  # fmt: skip
SEED_TAXES = [
    {"Amount": 0.55, "Name": "NY STATE TAX", "Rate": 0.04},
    {"Amount": 0.62, "Name": "NY CITY TAX", "Rate": 0.045},
    {"Amount": 0.05, "Name": "NY SPECIAL TAX", "Rate": 0.00375},
]


def ns(api: InProcessApi, method: str, path: str, body=None, client=NY_CLIENT):
    return api.request(method, path, dict(client), body)


def seed_cart(api: InProcessApi, client=NY_CLIENT, **fields) -> dict:
    body = {"products": SEED_PRODUCTS, "shipping_address": NY_ADDRESS, "currency": "USD", **fields}
    response = ns(api, "POST", CARTS, body, client)
    assert response.status == 200, response.text
    return response.json()


def test_the_seed_sample_through_the_face_at_the_new_york_store(api: InProcessApi) -> None:
    # Given the seed's create request at the New York store (two items of 1000011, NY rates)
    cart = seed_cart(api)
    # Then its totals are the sample's, exactly (JSON numbers: 30, not 30.0)
    assert cart["totals"] == {
        "price_method": "tax_excluded", "subtotal": 27.56, "shipping_total": 0, "shipping_tax_amount": 0,
        "discount_total": 0, "tax_total": 2.44, "grand_total": 30,
    }  # fmt: skip
    assert cart["remaining_amount"] == 30 and cart["shipping_solution_id"] == ""
    for product in cart["products"]:
        assert product["calculated_price"] == {
            "gift_wrapping_price": 0, "gift_wrapping_tax": 0, "item_discount": 0, "item_discount_info": None,
            "item_gross": 15, "item_list_price": 13.78, "item_order_discount": 0, "item_order_discount_info": None,
            "item_price": 13.78, "item_tax": 1.22, "item_tax_base": 13.78, "item_tax_details": SEED_TAXES,
        }  # fmt: skip
    # And the raw body prints them as the sample does
    raw = ns(api, "GET", f"{CARTS}/{cart['id']}").text.replace(" ", "")
    assert '"grand_total":30}' in raw and '"subtotal":27.56,' in raw and '"Rate":0.00375,' in raw


def test_tax_included_at_a_store_whose_prices_include_tax(api: InProcessApi, store) -> None:
    from cart_core import admin
    from local.fixture import NY_RATES

    # Given a store whose prices include tax (NY rates)
    admin.create_location(
        store, tenant_id="demo", location_id="nyc-incl", name="NY incl", currency="USD", tax_rates=NY_RATES,
        tax_inclusive=True,
    )  # fmt: skip
    admin.create_api_client(store, "demo", "nyc-incl", "incl-client", "incl-secret")
    client = MintedBearer("incl-client", "incl-secret", "demo", "nyc-incl")
    cart = seed_cart(api, client)
    # Then the price includes the tax, extracted per component: 13.78 = 12.65 + 0.51 + 0.57 + 0.05
    price = cart["products"][0]["calculated_price"]
    assert (price["item_gross"], price["item_tax"], price["item_tax_base"]) == (13.78, 1.13, 12.65)
    assert [d["Amount"] for d in price["item_tax_details"]] == [0.51, 0.57, 0.05]
    assert cart["totals"]["price_method"] == "tax_included"
    assert (cart["totals"]["grand_total"], cart["totals"]["tax_total"]) == (27.56, 2.26)


def test_a_coupon_and_manual_adjustments_together(api: InProcessApi) -> None:
    cart = seed_cart(api)
    products = [
        {**SEED_PRODUCTS[0], "price_modifiers": {"manual_price_modifier": {"type": "fixed", "value": 3.78, "reason": "scratch"}}},
        SEED_PRODUCTS[1],
    ]  # fmt: skip
    body = {
        "products": products,
        "price_modifiers": {
            "coupons": [{"code": "DEMO10"}],
            "manual_price_modifier": {"type": "percentage", "value": 50, "reason": "manager"},
        },
    }
    response = ns(api, "PATCH", f"{CARTS}/{cart['id']}", body)
    assert response.status == 200, response.text
    answer = response.json()
    first, second = (p["calculated_price"] for p in answer["products"])
    # Then item 1: 3.78 off by hand → 10.00; the coupon takes 10 % of 23.78 = 2.38 (1.00 / 1.38);
    # the manual 50 % takes half of what is left, 21.40 → 10.70 (4.50 / 6.20)
    assert (first["item_discount"], first["item_order_discount"]) == (3.78, 5.50)
    assert (second["item_discount"], second["item_order_discount"]) == (0, 7.58)
    assert [i["discount_source"] for i in first["item_order_discount_info"]] == ["coupon", "manual"]
    assert first["item_discount_info"][0]["description"] == "scratch"
    totals = answer["totals"]
    assert totals["discount_total"] == 3.78 + 2.38 + 10.70
    assert totals["grand_total"] == round(27.56 - totals["discount_total"] + totals["tax_total"], 2)
    assert answer["price_modifiers"]["coupons"] == [{"code": "DEMO10"}]
    # And a GET shows the same, the order modifier echoed
    again = ns(api, "GET", f"{CARTS}/{cart['id']}").json()
    assert again["totals"] == totals and again["price_modifiers"]["manual_price_modifier"]["value"] == 50


def test_price_modifiers_past_the_limits_are_400_and_change_nothing(api: InProcessApi) -> None:
    cart = seed_cart(api)
    path = f"{CARTS}/{cart['id']}"
    for body in (
        {"price_modifiers": {"coupons": [{"code": "DEMO10"}, {"code": "TENOFF"}]}},  # two coupons
        {"price_modifiers": {"coupons": [{"code": "NOPE"}]}},  # unknown
        {"price_modifiers": {"manual_price_modifier": {"type": "percentage", "value": 101}}},
        {"price_modifiers": {"manual_price_modifier": {"type": "fixed", "value": 27.57}}},  # above the order
        {"price_modifiers": {"manual_price_modifier": {"type": "fixed", "value": 1.001}}},  # finer than a cent
        {"products": [{**SEED_PRODUCTS[0], "price_modifiers": {"manual_price_modifier": {"type": "fixed", "value": 13.79}}}]},
    ):  # fmt: skip
        response = ns(api, "PATCH", path, body)
        assert response.status == 400, (body, response.text)
        assert set(response.json()) == {"error_code", "message", "request_id"}
    assert ns(api, "GET", path).json()["totals"]["grand_total"] == 30


def test_shipping_solutions_with_a_shipping_discount_then_chosen_and_taxed(api: InProcessApi) -> None:
    cart = seed_cart(api)
    path = f"{CARTS}/{cart['id']}"
    # When the solutions are asked for
    listed = ns(api, "GET", f"{path}/shipping_solutions")
    assert listed.status == 200, listed.text
    solutions = listed.json()["shipping_solutions"]
    assert [(s["id"], s["price"]) for s in solutions] == [(SO_NYC_STANDARD, 5), (SO_NYC_EXPRESS, 15)]
    # And with a free-shipping coupon: price 0, discount shown, still untaxed
    ns(api, "PATCH", path, {"price_modifiers": {"coupons": [{"code": "FREESHIP"}]}})
    free = ns(api, "GET", f"{path}/shipping_solutions").json()["shipping_solutions"]
    assert [(s["price"], s["list_price"], s["discount"]) for s in free] == [(0, 5, 5), (0, 15, 15)]
    assert ns(api, "GET", path).json()["totals"]["tax_total"] == 2.44
    # When express is chosen without the coupon, it is taxed at the NY rates in the totals
    chosen = ns(api, "PATCH", path, {"price_modifiers": {}, "shipping_solution_id": SO_NYC_EXPRESS})
    assert chosen.status == 200, chosen.text
    answer = chosen.json()
    assert answer["shipping_solution_id"] == SO_NYC_EXPRESS
    assert (answer["totals"]["shipping_total"], answer["totals"]["shipping_tax_amount"]) == (15, 1.34)
    assert answer["totals"]["tax_total"] == 3.78 and answer["totals"]["grand_total"] == 46.34


def test_unknown_solution_and_handover_while_shipping_are_400(api: InProcessApi) -> None:
    cart = seed_cart(api)
    path = f"{CARTS}/{cart['id']}"
    for solution in ("so_unknown", SO_US_STANDARD, SO_ACME_STANDARD, "in_store_handover"):
        response = ns(api, "PATCH", path, {"shipping_solution_id": solution})
        assert response.status == 400, (solution, response.text)
    assert ns(api, "GET", path).json()["shipping_solution_id"] == ""


def test_in_store_handover_when_nothing_ships(api: InProcessApi) -> None:
    cart = seed_cart(api, products=[SEED_PRODUCTS[0]])
    path = f"{CARTS}/{cart['id']}"
    listed = ns(api, "GET", f"{path}/shipping_solutions").json()["shipping_solutions"]
    assert [s["id"] for s in listed] == ["in_store_handover"]
    answer = ns(api, "PATCH", path, {"shipping_solution_id": "in_store_handover"}).json()
    assert answer["shipping_solution_id"] == "in_store_handover" and answer["totals"]["grand_total"] == 15


def test_main_offers_the_us_options_and_acme_only_its_own(api: InProcessApi) -> None:
    main = ns(api, "POST", CARTS, {"products": [{"product_id": NS_PRODUCT, "quantity": 3}]}, DEMO_CLIENT).json()
    listed = ns(api, "GET", f"{CARTS}/{main['id']}/shipping_solutions", client=DEMO_CLIENT).json()
    assert [s["id"] for s in listed["shipping_solutions"]] == [SO_US_STANDARD, SO_US_EXPRESS]  # 41.34 ≥ 30
    acme = ns(api, "POST", CARTS, {"products": [{"product_id": NS_PRODUCT, "quantity": 1}]}, ACME_CLIENT).json()
    assert acme["totals"]["subtotal"] == 99
    listed = ns(api, "GET", f"{CARTS}/{acme['id']}/shipping_solutions", client=ACME_CLIENT).json()
    assert [s["id"] for s in listed["shipping_solutions"]] == [SO_ACME_STANDARD]
    # And demo's cart is not acme's to list
    assert ns(api, "GET", f"{CARTS}/{main['id']}/shipping_solutions", client=ACME_CLIENT).status == 404


def test_a_tax_exempt_order_carries_no_tax(api: InProcessApi) -> None:
    cart = seed_cart(api, tax_exempt=True)
    assert cart["tax_exempt"] is True
    assert (cart["totals"]["tax_total"], cart["totals"]["grand_total"]) == (0, 27.56)
    assert cart["products"][0]["calculated_price"]["item_tax_details"] == []
    # And exempt no more: taxed again
    again = ns(api, "PATCH", f"{CARTS}/{cart['id']}", {"tax_exempt": False}).json()
    assert again["totals"]["grand_total"] == 30


def test_a_solution_that_no_longer_fits_the_items_goes(api: InProcessApi) -> None:
    cart = seed_cart(api, products=[SEED_PRODUCTS[0]])
    path = f"{CARTS}/{cart['id']}"
    assert ns(api, "PATCH", path, {"shipping_solution_id": "in_store_handover"}).status == 200
    # When an item that ships is added, the handover goes; choosing a solution in the same request works
    answer = ns(api, "PATCH", path, {"products": SEED_PRODUCTS}).json()
    assert answer["shipping_solution_id"] == ""
    answer = ns(api, "PATCH", path, {"products": SEED_PRODUCTS, "shipping_solution_id": SO_NYC_STANDARD}).json()
    assert answer["shipping_solution_id"] == SO_NYC_STANDARD and answer["totals"]["shipping_total"] == 5
    # And when nothing ships any more, the shipping solution goes
    answer = ns(api, "PATCH", path, {"products": [SEED_PRODUCTS[0]]}).json()
    assert answer["shipping_solution_id"] == "" and answer["totals"]["shipping_total"] == 0
