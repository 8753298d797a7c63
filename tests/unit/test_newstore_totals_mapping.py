"""NewStore's totals and calculated prices as the wire shows them (functions/newstore_shopping/totals.py)."""

import json
from decimal import Decimal

from cart_core.cart import AppliedDiscount, Cart, LineItem, ManualDiscount, Payment
from cart_core.catalog import DiscountKind
from cart_core.pricing import price
from cart_core.tenancy import Location, TaxRate
from cart_core.usecases.shared import PricedCart
from newstore_shopping.totals import calculated_prices, priced_fields, totals_of, wire_amount_of

NY = (
    TaxRate(name="NY STATE TAX", percent=Decimal("4"), category="regional"),
    TaxRate(name="NY CITY TAX", percent=Decimal("4.5"), category="municipal"),
    TaxRate(name="NY SPECIAL TAX", percent=Decimal("0.375"), category="district"),
)
NYC = Location(tenant_id="demo", location_id="nyc", name="New York Flagship", tax_rates=NY)


def priced_cart(cart: Cart, location: Location = NYC) -> PricedCart:
    return PricedCart(cart, price(cart, location), location)


def seed_cart(**fields) -> Cart:
    lines = [
        LineItem(line_id="a", product_id="1000011", quantity=1, unit_price_minor=1378),
        LineItem(line_id="b", product_id="1000011", quantity=1, unit_price_minor=1378),
    ]
    return Cart(tenant_id="demo", location_id="nyc", currency="USD", lines=lines, pricing_policy="newstore", **fields)


def test_the_seed_sample_prints_as_the_seed() -> None:
    priced = priced_cart(seed_cart())
    # Then the totals and each item's calculated price are the sample's, to the byte
    assert json.dumps(totals_of(priced), sort_keys=True) == json.dumps(
        {
            "discount_total": 0, "grand_total": 30, "price_method": "tax_excluded", "shipping_tax_amount": 0,
            "shipping_total": 0, "subtotal": 27.56, "tax_total": 2.44,
        },
        sort_keys=True,
    )  # fmt: skip
    second = calculated_prices(priced)[1]
    assert second == {
        "gift_wrapping_price": 0, "gift_wrapping_tax": 0, "item_discount": 0, "item_discount_info": None,
        "item_gross": 15, "item_list_price": 13.78, "item_order_discount": 0, "item_order_discount_info": None,
        "item_price": 13.78, "item_tax": 1.22, "item_tax_base": 13.78,
        "item_tax_details": [
            {"Amount": 0.55, "Name": "NY STATE TAX", "Rate": 0.04},
            {"Amount": 0.62, "Name": "NY CITY TAX", "Rate": 0.045},
            {"Amount": 0.05, "Name": "NY SPECIAL TAX", "Rate": 0.00375},
        ],
    }  # fmt: skip
    assert json.dumps(second["item_tax_details"][2]) == '{"Name": "NY SPECIAL TAX", "Rate": 0.00375, "Amount": 0.05}'
    assert priced_fields(priced)["remaining_amount"] == 30


def test_remaining_amount_is_the_grand_total_less_the_payments() -> None:
    paid = [
        Payment(key="tok_1", method="card", amount_minor=1000),
        Payment(key="tok_2", method="card", amount_minor=500, status="declined"),
    ]
    assert priced_fields(priced_cart(seed_cart(payments=paid)))["remaining_amount"] == 20


def test_discount_info_names_the_coupon_and_the_manual_adjustments() -> None:
    coupon = AppliedDiscount(code="DEMO10", kind=DiscountKind.PERCENTAGE, value=Decimal(10), discount_id="disc_1")
    manual = [ManualDiscount(kind="fixed", value=Decimal(100), line_id="a", reason="scratched")]
    first = calculated_prices(priced_cart(seed_cart(discounts=[coupon], manual_discounts=manual)))[0]
    # Then item a: 1.00 off by hand (item level), then 10 % of what the order has left (order level)
    assert first["item_discount"] == 1 and first["item_discount_info"] == [
        {
            "discount_ref": "manual:item", "coupon_code": None, "description": "scratched", "type": "fixed",
            "scope": "item", "original_value": 1, "price_adjustment": 1, "discount_source": "manual",
        }
    ]  # fmt: skip
    (info,) = first["item_order_discount_info"]
    assert (info["coupon_code"], info["type"], info["scope"], info["original_value"]) == (
        "DEMO10",
        "percentage",
        "order",
        10,
    )
    assert first["item_order_discount"] == info["price_adjustment"] == 1.28  # 10 % of 12.78
    assert first["item_tax_base"] == 11.50  # 13.78 − 1.00 − 1.28


def test_tax_included_items_show_their_tax_inside_the_gross() -> None:
    location = NYC.model_copy(update={"tax_inclusive": True})
    priced = priced_cart(seed_cart(), location)
    first = calculated_prices(priced)[0]
    # 13.78 includes 8.875 %: net 12.6567…, state 0.5063 → 0.51, city 0.5696 → 0.57, special 0.0475 → 0.05
    assert (first["item_gross"], first["item_tax"], first["item_tax_base"]) == (13.78, 1.13, 12.65)
    assert totals_of(priced)["price_method"] == "tax_included"
    assert totals_of(priced)["grand_total"] == 27.56 and totals_of(priced)["tax_total"] == 2.26


def test_amounts_are_ints_when_whole_and_exact_decimals_otherwise() -> None:
    usd, jpy = wire_amount_of("USD"), wire_amount_of("JPY")
    assert (usd(3000), usd(1378), usd(5), jpy(1378)) == (30, 13.78, 0.05, 1378)
    assert type(usd(3000)) is int
