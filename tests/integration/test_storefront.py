"""The storefront through DynamoDB (moto) with the demo fixture's storefront: regions, products with
variants and prices per region, stock checked on add and reserved at placement, discount terms and
uses counted at placement, shipping options with requirements, free shipping, gift-card regions;
then Medusa's catalog routes through the local gateway."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from cart_core import admin
from cart_core.actors import Actor
from cart_core.catalog import DiscountKind
from cart_core.errors import InsufficientInventory, InvalidRequest, NotAllowed, NotFound
from cart_core.ports import DISCOUNT_USES, INVENTORY, ReadSet
from cart_core.store import keys
from cart_core.tenancy import Caller
from cart_core.usecases import compose
from cart_core.usecases.carts import CartEdits, LineEdit
from cart_core.usecases.storefront import ProductFilter
from local.fixture import (
    PROD_GIFT,
    PROD_MUG,
    PROD_TEE,
    REG_EU,
    REG_FR,
    REG_US,
    SO_EU_STANDARD,
    SO_US_EXPRESS,
    SO_US_STANDARD,
    TEE_L_STOCK,
    VARIANT_TEE_L,
    VARIANT_TEE_M,
    VARIANT_TEE_S,
)
from medusa_store.face import FACE
from medusa_store.mapping import wire_cart_id
from tests.conftest import InProcessApi


def _caller(who: str = "alice") -> Caller:
    return Caller(tenant_id="demo", location_id="main", actor=Actor.consumer(who))


def _cart(store, *lines: tuple[str, int], who: str = "alice", **edits: Any):
    cases = compose(store)
    made = cases.carts.prepare(
        _caller(who), [], CartEdits(lines=[LineEdit(product_id=p, quantity=q) for p, q in lines], **edits),
        pricing_policy="medusa_v1",
    )  # fmt: skip
    return cases, made


def _counter(store, sk: str, attribute: str) -> int | None:
    item = store.client.get_item(
        TableName=store.table_name, Key={"pk": {"S": keys.tenant_pk("demo")}, "sk": {"S": sk}}, ConsistentRead=True
    )["Item"]
    return int(item[attribute]["N"]) if attribute in item else None


# ----- regions and products ----------------------------------------------------------------------


def test_the_demo_tenant_has_its_three_regions(store) -> None:
    cases = compose(store)
    regions = {r.region_id: r for r in cases.storefront.regions(_caller())}
    assert set(regions) == {REG_US, REG_EU, REG_FR}
    assert (regions[REG_EU].currency, regions[REG_EU].countries) == ("EUR", ("DE",))
    # France settles its taxes at checkout; the others tax every read.
    assert [r.region_id for r in regions.values() if not r.automatic_taxes] == [REG_FR]
    assert cases.storefront.region(_caller(), REG_US).currency == "USD"
    with pytest.raises(NotFound, match="Region with reg_nope was not found"):
        cases.storefront.region(_caller(), "reg_nope")


def test_products_are_paged_with_their_variants_priced_in_the_asked_region(store) -> None:
    cases = compose(store)
    page = cases.storefront.products(_caller(), 0, 2, region_id=REG_EU)
    assert (
        page.count == 3 and [v.product.product_id for v in page.products] == sorted([PROD_TEE, PROD_MUG, PROD_GIFT])[:2]
    )
    tee = cases.storefront.product(_caller(), PROD_TEE, region_id=REG_EU)
    assert [v.product_id for v in tee.variants] == [VARIANT_TEE_S, VARIANT_TEE_M, VARIANT_TEE_L]
    assert [tee.price_of(v) for v in tee.variants] == [1800, 1800, 2000]
    assert tee.variants[2].inventory_quantity == TEE_L_STOCK
    second = cases.storefront.products(_caller(), 2, 2)
    assert len(second.products) == 1 and second.products[0].currency is None
    by_handle = cases.storefront.products(_caller(), filters=ProductFilter(handle="demo-mug"))
    assert [v.product.product_id for v in by_handle.products] == [PROD_MUG] and by_handle.count == 1
    with pytest.raises(NotFound):
        cases.storefront.product(_caller(), "prod_nope")


# ----- stock -------------------------------------------------------------------------------------


def test_a_variant_is_sold_only_as_far_as_its_stock_and_placing_reserves_it(store) -> None:
    # Given the tee's large size with 3 in stock
    with pytest.raises(InsufficientInventory, match=f"Variant with id: {VARIANT_TEE_L} does not have"):
        _cart(store, (VARIANT_TEE_L, TEE_L_STOCK + 1))
    # And two shoppers holding all 3 and 1 of them (each within stock when added)
    cases, first = _cart(store, (VARIANT_TEE_L, TEE_L_STOCK), (VARIANT_TEE_M, 2))
    _, second = _cart(store, (VARIANT_TEE_L, 1), who="bob")
    assert first.cart.lines[0].stock == "managed" and first.cart.lines[1].stock == "backorder"
    # When the first places the order / Then the stock is taken (the backordered size goes below zero)
    cases.checkout.submit(_caller(), first.cart.cart_id, CartEdits())
    sk = keys.product_sk(VARIANT_TEE_L)
    assert _counter(store, sk, INVENTORY) == 0
    assert _counter(store, keys.product_sk(VARIANT_TEE_M), INVENTORY) == -2
    # When the second places its order / Then it is refused and nothing changes
    with pytest.raises(InsufficientInventory):
        cases.checkout.submit(_caller("bob"), second.cart.cart_id, CartEdits())
    assert _counter(store, sk, INVENTORY) == 0
    assert cases.carts.get_cart(_caller("bob"), second.cart.cart_id).cart.status.value == "open"


# ----- discounts ---------------------------------------------------------------------------------


def test_a_codes_uses_are_counted_at_placement_within_its_limit(store) -> None:
    admin.create_discount(
        store, "demo", "ONCE", DiscountKind.PERCENTAGE, Decimal(5), discount_id="disc_once", usage_limit=1
    )
    cases, first = _cart(store, (VARIANT_TEE_S, 1), discount_codes=["once"])
    _, second = _cart(store, (VARIANT_TEE_S, 1), who="bob", discount_codes=["ONCE"])
    assert first.totals.discount_total_minor == 100
    cases.checkout.submit(_caller(), first.cart.cart_id, CartEdits())
    assert _counter(store, keys.discount_sk("ONCE"), DISCOUNT_USES) == 1
    with pytest.raises(NotAllowed, match="Discount ONCE has been used maximum allowed times"):
        cases.checkout.submit(_caller("bob"), second.cart.cart_id, CartEdits())
    with pytest.raises(NotAllowed, match="used maximum allowed times"):
        _cart(store, (VARIANT_TEE_S, 1), who="carol", discount_codes=["ONCE"])
    assert _counter(store, keys.discount_sk("ONCE"), DISCOUNT_USES) == 1


def test_a_code_of_one_region_and_a_card_of_one_region_are_refused_in_another(store) -> None:
    cases, made = _cart(store, (VARIANT_TEE_S, 1))
    cases.regions.change_region(_caller(), made.cart.cart_id, REG_EU)
    with pytest.raises(InvalidRequest, match="The discount is not available in current region"):
        cases.carts.update(_caller(), made.cart.cart_id, CartEdits(discount_codes=["DEMO5OFF"]))
    with pytest.raises(InvalidRequest, match="cannot be used in the current region"):
        cases.carts.update(_caller(), made.cart.cart_id, CartEdits(gift_card_codes=["DEMO-GIFT-50"]))
    # In its own region, the card applies
    _, us = _cart(store, (VARIANT_TEE_S, 1), who="bob", gift_card_codes=["demo-gift-50"])
    assert us.totals.gift_card_total_minor == 2000


# ----- shipping ----------------------------------------------------------------------------------


def test_a_cart_chooses_among_its_regions_options_whose_requirements_it_meets(store) -> None:
    cases, made = _cart(store, (VARIANT_TEE_S, 1))
    cart_id = made.cart.cart_id
    _, options = cases.storefront.shipping_options(_caller(), cart_id)
    assert [o.option_id for o in options] == [SO_US_STANDARD]  # express needs 30.00
    with pytest.raises(NotAllowed, match="does not satisfy the shipping option's requirements"):
        cases.storefront.add_shipping_method(_caller(), cart_id, SO_US_EXPRESS, {})
    with pytest.raises(InvalidRequest, match="not available in the cart's region"):
        cases.storefront.add_shipping_method(_caller(), cart_id, SO_EU_STANDARD, {})
    with pytest.raises(NotFound, match="Shipping Option with so_nope was not found"):
        cases.storefront.add_shipping_method(_caller(), cart_id, "so_nope", {})
    cases.carts.update(_caller(), cart_id, CartEdits(lines=[LineEdit(product_id=VARIANT_TEE_S, quantity=2)]))
    _, options = cases.storefront.shipping_options(_caller(), cart_id)
    assert {o.option_id for o in options} == {SO_US_STANDARD, SO_US_EXPRESS}
    express = cases.storefront.add_shipping_method(_caller(), cart_id, SO_US_EXPRESS, {})
    assert express.totals.shipping_total_minor == 1500
    # The standard option is of the same profile: it replaces express
    standard = cases.storefront.add_shipping_method(_caller(), cart_id, SO_US_STANDARD, {"door": "back"})
    (method,) = standard.cart.shipping_methods
    assert (method.option_id, method.amount_minor, method.data) == (SO_US_STANDARD, 500, {"door": "back"})
    # 8.25 % of 5.00, the rates summed and rounded once (Medusa): 41
    assert (standard.totals.shipping_total_minor, standard.totals.shipping_tax_total_minor) == (500, 41)
    # A free-shipping code makes it free; taking the code off restores the option's price
    free = cases.carts.update(_caller(), cart_id, CartEdits(discount_codes=["FREESHIP", "DEMO10"]))
    assert free.totals.shipping_total_minor == 0 and free.totals.discount_total_minor == 400
    assert free.cart.free_shipping is not None and [d.code for d in free.cart.discounts] == ["DEMO10"]
    back = cases.storefront.remove_discount(_caller(), cart_id, "FREESHIP")
    assert back.totals.shipping_total_minor == 500 and back.cart.free_shipping is None
    assert cases.storefront.remove_discount(_caller(), cart_id, "NOPE").cart.version == back.cart.version


def test_the_fixture_reads_back_and_blaze_products_stay_single_variant(store) -> None:
    snapshot = store.read(ReadSet("demo", "main", product_ids=frozenset({"demo-flower", VARIANT_TEE_S})))
    legacy, tee = snapshot.products["demo-flower"], snapshot.products[VARIANT_TEE_S]
    assert (legacy.group_id, legacy.manage_inventory, legacy.price_minor) == (None, False, 1250)
    assert (tee.group_id, tee.variant_title, tee.prices) == (PROD_TEE, "S", {"USD": 2000, "EUR": 1800})


# ----- Medusa's routes ---------------------------------------------------------------------------


def medusa(api: InProcessApi, method: str, path: str, body: Any = None):
    return api.request(method, FACE.base_path + path, {}, body if body is not None or method == "GET" else {})


def test_medusa_lists_regions_and_answers_an_unknown_one_with_its_404(api: InProcessApi) -> None:
    listed = medusa(api, "GET", "/regions")
    assert listed.status == 200, listed.text
    body = listed.json()
    assert body["count"] == 3 and {r["id"] for r in body["regions"]} == {REG_US, REG_EU, REG_FR}
    eu = medusa(api, "GET", f"/regions/{REG_EU}").json()["region"]
    assert (eu["currency_code"], eu["countries"][0]["iso_2"], eu["tax_rate"]) == ("eur", "de", 19)
    missing = medusa(api, "GET", "/regions/reg_nope")
    assert (missing.status, missing.json()) == (
        404,
        {"type": "not_found", "message": "Region with reg_nope was not found"},
    )


def test_medusa_products_carry_variants_with_calculated_prices_and_tax_of_the_region(api: InProcessApi) -> None:
    listed = medusa(api, "GET", f"/products?region_id={REG_EU}&limit=10")
    assert listed.status == 200, listed.text
    body = listed.json()
    assert (body["count"], body["offset"], body["limit"]) == (3, 0, 10)
    tee = next(p for p in body["products"] if p["id"] == PROD_TEE)
    small = tee["variants"][0]
    assert (small["id"], small["calculated_price"], small["calculated_tax"], small["calculated_price_incl_tax"]) == (
        VARIANT_TEE_S, 1800, 342, 2142,
    )  # fmt: skip
    assert {p["currency_code"]: p["amount"] for p in small["prices"]} == {"usd": 2000, "eur": 1800}
    assert tee["options"][0]["title"] == "Size" and [v["value"] for v in tee["options"][0]["values"]] == ["S", "M", "L"]
    one = medusa(api, "GET", f"/products/{PROD_TEE}?currency_code=usd").json()["product"]
    assert (one["variants"][2]["calculated_price"], one["variants"][2]["calculated_tax"]) == (2200, None)
    assert medusa(api, "GET", "/products?handle=demo-mug").json()["count"] == 1
    bad = medusa(api, "GET", "/products?bogus=1")
    assert (bad.status, bad.json()) == (400, {"type": "invalid_data", "message": "property bogus should not exist"})
    assert medusa(api, "GET", "/products/prod_nope").status == 404


def test_medusa_shipping_options_and_method_on_a_cart(api: InProcessApi) -> None:
    # Given a guest cart (2 x demo-flower, 25.00) made through BLAZE, read as Medusa's
    made = api.blaze(
        "POST", "/prepare", {"sessionId": "ship", "cart": {"items": [{"productId": "demo-flower", "quantity": 2}]}}
    )
    cart_id = wire_cart_id(made.json()["id"])
    options = medusa(api, "GET", f"/shipping-options/{cart_id}")
    assert options.status == 200, options.text
    (standard,) = options.json()["shipping_options"]
    assert (standard["id"], standard["amount"], standard["price_incl_tax"]) == (SO_US_STANDARD, 500, 541)
    refused = medusa(api, "POST", f"/carts/{cart_id}/shipping-methods", {"option_id": SO_US_EXPRESS})
    assert (refused.status, refused.json()) == (
        400, {"type": "not_allowed", "message": "The Cart does not satisfy the shipping option's requirements"},
    )  # fmt: skip
    unknown = medusa(api, "POST", f"/carts/{cart_id}/shipping-methods", {"option_id": SO_US_STANDARD, "x": 1})
    assert (unknown.status, unknown.json()["message"]) == (400, "property x should not exist")
    added = medusa(api, "POST", f"/carts/{cart_id}/shipping-methods", {"option_id": SO_US_STANDARD})
    assert added.status == 200, added.text
    assert added.json()["cart"]["shipping_total"] == 500
    missing = medusa(api, "POST", f"/carts/{cart_id}/shipping-methods", {"option_id": "so_nope"})
    assert (missing.status, missing.json()["type"]) == (404, "not_found")


def test_moving_a_cart_to_another_region_drops_the_codes_not_valid_there(store) -> None:
    # Given a US cart with the US-only fixed code (5.00 off)
    cases, made = _cart(store, (VARIANT_TEE_S, 2), discount_codes=["DEMO5OFF"])
    assert made.totals.discount_total_minor == 500
    # When it moves to the EU region / Then the code is gone and nothing is discounted (EUR prices)
    moved = cases.regions.change_region(_caller(), made.cart.cart_id, REG_EU)
    assert moved.cart.discounts == [] and moved.totals.discount_total_minor == 0
    assert moved.totals.subtotal_minor == 3600
    # And a percentage code valid everywhere carries over (10 % of 36.00)
    again = cases.carts.update(_caller(), made.cart.cart_id, CartEdits(discount_codes=["DEMO10"]))
    back = cases.regions.change_region(_caller(), again.cart.cart_id, REG_US)
    assert back.totals.discount_total_minor == 400 and [d.code for d in back.cart.discounts] == ["DEMO10"]


def test_changing_a_medusa_carts_lines_removes_its_shipping_methods(store) -> None:
    # Given a Medusa cart shipping by the standard option (assertion 22)
    cases, made = _cart(store, (VARIANT_TEE_S, 1))
    cart_id = made.cart.cart_id
    shipped = cases.storefront.add_shipping_method(_caller(), cart_id, SO_US_STANDARD, {})
    assert shipped.totals.shipping_total_minor == 500
    # When a line changes / Then the method is gone
    changed = cases.carts.update(_caller(), cart_id, CartEdits(lines=[LineEdit(product_id=VARIANT_TEE_S, quantity=2)]))
    assert changed.cart.shipping_methods == [] and changed.totals.shipping_total_minor == 0
    # But an edit that leaves the lines as they are keeps it
    again = cases.storefront.add_shipping_method(_caller(), cart_id, SO_US_STANDARD, {})
    line = again.cart.lines[0]
    same = cases.carts.update(
        _caller(), cart_id, CartEdits(lines=[LineEdit(product_id=line.product_id, quantity=2, line_id=line.line_id)])
    )
    assert same.totals.shipping_total_minor == 500


def test_open_payment_sessions_follow_the_total_when_shipping_or_a_code_changes_it(store) -> None:
    # Given a cart of two tees with open payment sessions and the DEMO10 code
    cases, made = _cart(store, (VARIANT_TEE_S, 2))
    cart_id = made.cart.cart_id
    cases.carts.update(_caller(), cart_id, CartEdits(discount_codes=["DEMO10"]))
    cases.payments.init_payment_sessions(_caller(), cart_id)
    # When a shipping method is added, Then every session is for the new total
    shipped = cases.storefront.add_shipping_method(_caller(), cart_id, SO_US_STANDARD, {})
    assert {s.amount_minor for s in shipped.cart.payment_sessions} == {shipped.totals.total_minor}
    # When the code is taken off, Then again
    undiscounted = cases.storefront.remove_discount(_caller(), cart_id, "DEMO10")
    assert undiscounted.totals.total_minor > shipped.totals.total_minor
    assert {s.amount_minor for s in undiscounted.cart.payment_sessions} == {undiscounted.totals.total_minor}
