"""The storefront rules that need no storage: Medusa's line-adjustment allocation (including lines
that allow no discounts), shipping-option requirements and choice, the discount rules per vendor,
and what placing an order reserves of each variant's stock."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cart_core.cart import AppliedDiscount, Cart, LineItem, ShippingMethod
from cart_core.catalog import DiscountCode, DiscountKind, Product
from cart_core.discounts import apply_codes, problem, remove_code
from cart_core.errors import InsufficientInventory, InvalidRequest, NotAllowed, NotFound
from cart_core.inventory import reservations
from cart_core.ports import Snapshot
from cart_core.pricing import MEDUSA_V1, PricingTerms, price
from cart_core.shipping import ShippingOption, ShippingRequirement, choose, options_for
from cart_core.usecases.carts import _check_stock

NO_TAX = PricingTerms(tax_rates=(), tax_inclusive=False)


def _cart(*lines: tuple[int, int] | tuple[int, int, bool], discount: AppliedDiscount | None = None, **fields) -> Cart:
    items = [
        LineItem(product_id=f"p{i}", quantity=q, unit_price_minor=u, allow_discounts=(rest[0] if rest else True))
        for i, (u, q, *rest) in enumerate(lines)
    ]
    return Cart(
        tenant_id="t", location_id="l", currency="USD", lines=items, discounts=[discount] if discount else [],
        **{"pricing_policy": "medusa_v1", **fields},
    )  # fmt: skip


def _discount(kind: str, value: str, allocation: str = "total") -> AppliedDiscount:
    return AppliedDiscount(code="X", kind=DiscountKind(kind), value=Decimal(value), allocation=allocation)


# ----- allocation (medusa-v1.md §3.3, §5 assertions 11, 13, 36) ---------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "allocation", "amount"),
    [
        ("fixed", "100", "total", Decimal(100)),
        ("percentage", "10", "total", Decimal(200)),
        ("fixed", "200", "item", Decimal(400)),
        ("percentage", "15", "total", Decimal(300)),
    ],
)
def test_one_line_of_two_at_1000_gets_medusas_adjustment(kind, value, allocation, amount) -> None:
    # Given 2 × 1000 and a code (assertion 11) / When priced / Then one adjustment of Medusa's amount
    totals = price(_cart((1000, 2), discount=_discount(kind, value, allocation)), NO_TAX)
    assert [a.amount for a in totals.lines[0].adjustments] == [amount]


def test_a_fixed_total_code_is_spread_unrounded_and_follows_the_lines() -> None:
    # Given 185 off the total over items of 100 and 1000 (assertion 13)
    code = _discount("fixed", "185")
    first = price(_cart((100, 1), (1000, 1), discount=code), NO_TAX)
    # Then the shares are in proportion and not rounded
    assert [float(line.adjustments[0].amount) for line in first.lines] == pytest.approx([16.818, 168.182], abs=1e-3)
    # When the second item becomes 950 × 2 / Then exactly 9.25 and 175.75
    second = price(_cart((100, 1), (950, 2), discount=code), NO_TAX)
    assert [line.adjustments[0].amount for line in second.lines] == [Decimal("9.25"), Decimal("175.75")]
    # When one item is left / Then it takes all 185
    assert price(_cart((1000, 1), discount=code), NO_TAX).lines[0].adjustments[0].amount == 185


def test_a_line_that_allows_no_discounts_takes_none_and_is_left_out_of_the_spread() -> None:
    # Given a gift card (no discounts) of 1000 and an item of 1000 with 10 % (assertion 36)
    totals = price(_cart((1000, 1, False), (1000, 1), discount=_discount("percentage", "10")), NO_TAX)
    # Then only the item is discounted
    assert totals.lines[0].adjustments == ()
    assert totals.lines[1].adjustments[0].amount == 100
    assert (totals.discount_total_minor, totals.total_minor) == (100, 1900)
    # And a fixed total code is spread over the discountable line alone
    fixed = price(_cart((1000, 1, False), (500, 1), discount=_discount("fixed", "300")), NO_TAX)
    assert fixed.lines[0].adjustments == () and fixed.lines[1].adjustments[0].amount == 300


LINES = st.lists(st.tuples(st.integers(0, 100_000), st.integers(1, 50), st.booleans()), min_size=1, max_size=8)


@given(lines=LINES, value=st.integers(0, 2_000_000))
def test_fixed_total_adjustments_sum_to_the_discount_and_never_exceed_a_line(lines, value) -> None:
    # Given any lines and a fixed code on the order's total
    totals = MEDUSA_V1.lines(_cart(*lines, discount=_discount("fixed", str(value))), [u * q for u, q, _ in lines], (), False)[0]  # fmt: skip
    discountable = sum(u * q for u, q, ok in lines if ok)
    # Then the adjustments add up to the code's amount (or all there is), each within its line,
    # and lines that allow no discounts have none
    amounts = [float(sum((a.amount for a in pl.adjustments), Decimal(0))) for pl in totals]
    assert sum(amounts) == pytest.approx(min(value, discountable), rel=1e-9, abs=1e-6)
    for (unit, quantity, ok), amount in zip(lines, amounts, strict=True):
        assert amount <= unit * quantity + 1e-9
        assert ok or amount == 0


def _medusa_percentage(gross: int, percent: int) -> int:
    """Medusa's ``Math.round((fullItemPrice / 100) * value)``, in doubles as JavaScript computes it:
    (302374 / 100) × 75 is 226780.49999999997, so 226780, where exact arithmetic says 226781."""
    value = (gross / 100) * percent
    return math.floor(value) + (1 if value - math.floor(value) >= 0.5 else 0)


@given(lines=LINES, percent=st.integers(0, 100), item_value=st.integers(0, 5000))
@example(lines=[(9754, 31, True)], percent=75, item_value=0)  # the double falls just under the half
def test_percentage_and_per_item_adjustments_are_medusas_per_line_amounts(lines, percent, item_value) -> None:
    gross = [u * q for u, q, _ in lines]
    for code, expected in (
        (_discount("percentage", str(percent)), lambda u, q: min(u * q, _medusa_percentage(u * q, percent))),
        (_discount("fixed", str(item_value), "item"), lambda u, q: min(u * q, item_value * q)),
    ):  # fmt: skip
        priced = MEDUSA_V1.lines(_cart(*lines, discount=code), gross, (), False)[0]
        for (unit, quantity, ok), line in zip(lines, priced, strict=True):
            amount = sum((a.amount for a in line.adjustments), Decimal(0))
            assert amount == (expected(unit, quantity) if ok else 0)
            assert 0 <= amount <= unit * quantity


# ----- shipping options ------------------------------------------------------------------------


def _option(option_id="so_1", region="reg_a", amount=1000, profile="default", **fields) -> ShippingOption:
    return ShippingOption(
        tenant_id="t", option_id=option_id, region_id=region, name=option_id, amount_minor=amount,
        profile_id=profile, **fields,
    )  # fmt: skip


def test_requirements_are_min_inclusive_and_max_exclusive() -> None:
    minimum = ShippingRequirement(requirement_id="r1", type="min_subtotal", amount_minor=3000)
    maximum = ShippingRequirement(requirement_id="r2", type="max_subtotal", amount_minor=3000)
    assert (minimum.met_by(2999), minimum.met_by(3000)) == (False, True)
    assert (maximum.met_by(2999), maximum.met_by(3000)) == (True, False)


def test_a_cart_is_offered_its_regions_options_for_its_profiles_whose_requirements_it_meets() -> None:
    cart = _cart((1000, 2), region_id="reg_a")
    options = [
        _option("so_std"),
        _option("so_min", requirements=(ShippingRequirement(requirement_id="r", type="min_subtotal", amount_minor=2001),)),
        _option("so_other_region", region="reg_b"),
        _option("so_return", is_return=True),
        _option("so_admin", admin_only=True),
        _option("so_other_profile", profile="heavy"),
    ]  # fmt: skip
    assert [o.option_id for o in options_for(options, cart, "reg_a", 2000)] == ["so_std"]
    assert [o.option_id for o in options_for(options, cart, "reg_a", 2001)] == ["so_std", "so_min"]
    # An empty cart ships by no profile: nothing is offered
    assert options_for(options, _cart(region_id="reg_a"), "reg_a", 0) == []


def test_choosing_an_option_replaces_the_method_of_its_profile_and_free_shipping_makes_it_cost_nothing() -> None:
    cart = _cart((1000, 2), region_id="reg_a")
    choose(cart, "reg_a", _option("so_1", amount=1000), "so_1", 2000, {}, 1.0)
    choose(cart, "reg_a", _option("so_2", amount=500), "so_2", 2000, {"note": "door"}, 2.0)
    assert [(m.option_id, m.amount_minor, m.data) for m in cart.shipping_methods] == [("so_2", 500, {"note": "door"})]
    assert cart.shipping_methods[0].method_id.startswith("sm_")
    # A method of another profile is kept beside it
    choose(cart, "reg_a", _option("so_3", profile="heavy"), "so_3", 2000, {}, 3.0)
    assert len(cart.shipping_methods) == 2
    # With a free-shipping code applied, the methods cost 0; without it, their option's price again
    free = {"FREE": DiscountCode(tenant_id="t", code="FREE", kind=DiscountKind.FREE_SHIPPING, value=Decimal(0))}
    apply_codes(cart, ["FREE"], free, 0)
    assert [m.amount_minor for m in cart.shipping_methods] == [0, 0]
    assert price(cart, NO_TAX).shipping_total_minor == 0
    assert remove_code(cart, "FREE") and [m.amount_minor for m in cart.shipping_methods] == [500, 1000]


def test_an_option_refuses_as_medusa_does() -> None:
    cart = _cart((1000, 1), region_id="reg_a")
    with pytest.raises(NotFound, match="Shipping Option with so_x was not found"):
        choose(cart, "reg_a", None, "so_x", 1000, {}, 1.0)
    with pytest.raises(InvalidRequest, match="not available in the cart's region"):
        choose(cart, "reg_a", _option(region="reg_b"), "so_1", 1000, {}, 1.0)
    needs = (ShippingRequirement(requirement_id="r", type="min_subtotal", amount_minor=5000),)
    with pytest.raises(NotAllowed, match="does not satisfy the shipping option's requirements"):
        choose(cart, "reg_a", _option(requirements=needs), "so_1", 1000, {}, 1.0)
    assert cart.shipping_methods == []


# ----- discount rules --------------------------------------------------------------------------


def _code(code: str, kind=DiscountKind.PERCENTAGE, **fields) -> DiscountCode:
    return DiscountCode(tenant_id="t", code=code, kind=kind, value=Decimal(10), **fields)


def test_a_medusa_cart_holds_one_regular_and_one_free_shipping_code_the_later_replacing() -> None:
    found = {c.code: c for c in (_code("A"), _code("B", DiscountKind.FIXED), _code("F", DiscountKind.FREE_SHIPPING))}
    cart = _cart((1000, 1))
    apply_codes(cart, ["a", " F ", "b"], found, 0)
    assert [d.code for d in cart.discounts] == ["B"] and cart.free_shipping and cart.free_shipping.code == "F"
    apply_codes(cart, [], found, 0)
    assert cart.discounts == [] and cart.free_shipping is None
    with pytest.raises(NotFound, match=r"Discounts with code \[NOPE\] was not found"):
        apply_codes(cart, ["nope"], found, 0)


def test_other_carts_stack_their_codes_and_refuse_an_unknown_one_as_before() -> None:
    found = {c.code: c for c in (_code("A"), _code("B"), _code("OFF", active=False))}
    cart = _cart((1000, 1), pricing_policy=None)
    apply_codes(cart, ["A", "B"], found, 0)
    assert [d.code for d in cart.discounts] == ["A", "B"]
    for bad in ("NOPE", "OFF"):
        with pytest.raises(InvalidRequest, match=f"Promo code {bad} is not valid"):
            apply_codes(cart, [bad], found, 0)


def test_a_codes_terms_are_checked_in_medusas_order() -> None:
    now = 1_000_000
    assert problem(_code("X"), None, now) is None
    cases = [
        (_code("X", usage_limit=1, usage_count=1, active=False), "Discount X has been used maximum allowed times"),
        (_code("X", starts_ms=now + 1, ends_ms=now - 1), "Discount X is not valid yet"),
        (_code("X", ends_ms=now - 1, active=False), "Discount X is expired"),
        (_code("X", active=False, region_ids=("r2",)), "The discount code X is disabled"),
        (_code("X", region_ids=("r2",)), "The discount is not available in current region"),
    ]
    for code, message in cases:
        error = problem(code, "r1", now)
        assert error is not None and error.message == message
    assert problem(_code("X", usage_limit=2, usage_count=1, region_ids=("r1",)), "r1", now) is None


# ----- stock -----------------------------------------------------------------------------------


def _variant(variant_id: str, stock: int, backorder: bool = False) -> Product:
    return Product(
        tenant_id="t", product_id=variant_id, sku=variant_id, name="V", price_minor=100, manage_inventory=True,
        allow_backorder=backorder, inventory_quantity=stock,
    )  # fmt: skip


def test_a_growing_quantity_must_be_in_stock_and_a_line_left_alone_is_not_checked_again() -> None:
    snapshot = Snapshot(products={"v1": _variant("v1", 3), "v2": _variant("v2", 0, backorder=True)})
    cart = _cart()
    three = [LineItem(product_id="v1", quantity=3), LineItem(product_id="v2", quantity=5)]
    _check_stock(cart, three, snapshot)  # 3 of 3, and backorders sell past zero
    with pytest.raises(InsufficientInventory, match="Variant with id: v1 does not have the required inventory"):
        _check_stock(cart, [LineItem(product_id="v1", quantity=2), LineItem(product_id="v1", quantity=2)], snapshot)
    cart.lines = [LineItem(product_id="v1", quantity=3)]
    snapshot.products["v1"] = _variant("v1", 1)  # stock fell since
    _check_stock(cart, [LineItem(product_id="v1", quantity=3)], snapshot)


def test_placement_reserves_each_counted_variant_once_summed() -> None:
    cart = _cart()
    cart.lines = [
        LineItem(product_id="v1", quantity=2, stock="managed"),
        LineItem(product_id="v1", quantity=1, stock="managed"),
        LineItem(product_id="v2", quantity=4, stock="backorder"),
        LineItem(product_id="legacy", quantity=9),
    ]
    assert reservations(cart) == {"v1": (3, False), "v2": (4, True)}


def test_shipping_methods_made_without_options_keep_their_price() -> None:
    cart = _cart((1000, 1))
    cart.shipping_methods = [ShippingMethod(method_id="ns", amount_minor=700)]
    apply_codes(cart, ["F"], {"F": _code("F", DiscountKind.FREE_SHIPPING)}, 0)
    assert cart.shipping_methods[0].amount_minor == 700


def test_other_carts_name_a_refused_code_as_it_was_given_and_do_not_trim() -> None:
    found = {"A": _code("A")}
    cart = _cart((1000, 1), pricing_policy=None)
    for as_given in ("nope", " A"):
        with pytest.raises(InvalidRequest, match=f"^Promo code {as_given} is not valid$"):
            apply_codes(cart, [as_given], found, 0)
    apply_codes(cart, ["a", ""], found, 0)
    assert [d.code for d in cart.discounts] == ["A"]


def test_a_method_takes_its_options_own_tax_rates_and_an_option_holds_a_bounded_number() -> None:
    from pydantic import ValidationError

    from cart_core.tenancy import TaxRate

    # Given an option with a tax rate of its own, and one without
    own = (TaxRate(name="Reduced", percent=Decimal("7"), category="national"),)
    cart = Cart(tenant_id="t", location_id="l", currency="USD", lines=[LineItem(product_id="p", quantity=1,
                unit_price_minor=1000)])  # fmt: skip
    # When each is chosen (two profiles, so both stay)
    choose(cart, "reg_a", _option("so_1", tax_rates=own), "so_1", 1000, {}, 1.0)
    choose(cart, "reg_a", _option("so_2", profile="heavy"), "so_2", 1000, {}, 2.0)
    # Then the first method keeps the option's rates, the second the region's (None)
    assert [m.tax_rates for m in cart.shipping_methods] == [own, None]
    # And an option may not carry more rates than a region
    with pytest.raises(ValidationError):
        _option("so_3", tax_rates=own * 11)
