"""The ``newstore`` pricing policy: per-item rounding, manual reductions, coupons, shipping."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cart_core.cart import AppliedDiscount, Cart, LineItem, ManualDiscount, ShippingMethod
from cart_core.catalog import DiscountKind
from cart_core.discounts import ManualDiscountEdit, apply_manual_discounts
from cart_core.errors import InvalidRequest
from cart_core.pricing import MANUAL_ITEM, MANUAL_ORDER, _per_unit_shares, price
from cart_core.tenancy import Location, TaxRate

NY = (
    TaxRate(name="NY STATE TAX", percent=Decimal("4"), category="regional"),
    TaxRate(name="NY CITY TAX", percent=Decimal("4.5"), category="municipal"),
    TaxRate(name="NY SPECIAL TAX", percent=Decimal("0.375"), category="district"),
)


def at(inclusive: bool = False, rates: tuple[TaxRate, ...] = NY) -> Location:
    return Location(tenant_id="t", location_id="nyc", name="NY", tax_rates=rates, tax_inclusive=inclusive)


def item(price_minor: int, quantity: int = 1, line_id: str | None = None) -> LineItem:
    return LineItem(product_id="1000011", quantity=quantity, unit_price_minor=price_minor, line_id=line_id or "l")


def ns_cart(*lines: LineItem, discounts=(), manual=(), shipping=()) -> Cart:
    return Cart(
        tenant_id="t", location_id="nyc", currency="USD", lines=list(lines), discounts=list(discounts),
        manual_discounts=list(manual), shipping_methods=list(shipping), pricing_policy="newstore",
    )  # fmt: skip


def test_the_seed_sample_two_items_at_ny_rates() -> None:
    # Given two items of 13.78 at the NY rates (tax excluded)
    totals = price(ns_cart(item(1378, line_id="a"), item(1378, line_id="b")), at())
    # Then each tax component is rounded half-up per item: 0.55 + 0.62 + 0.05 = 1.22
    for line in totals.lines:
        assert [t.amount_minor for t in line.taxes] == [55, 62, 5]
    assert (totals.subtotal_minor, totals.tax_total_minor, totals.total_minor) == (2756, 244, 3000)


def test_an_item_of_quantity_two_is_two_items_rounded_alike() -> None:
    # Given one line of 2 × 13.78: twice the item's tax per rate
    totals = price(ns_cart(item(1378, quantity=2)), at())
    assert [t.amount_minor for t in totals.lines[0].taxes] == [110, 124, 10]
    # And 3 × 13.40: per line 40.20 × 0.375 % = 0.15075 → 0.15, per item 0.05025 → 0.05, × 3 = 0.15;
    # 40.20 × 4.5 % = 1.809 → 1.81 per line, but 0.603 → 0.60 per item, × 3 = 1.80
    odd = price(ns_cart(item(1340, quantity=3)), at())
    assert [t.amount_minor for t in odd.lines[0].taxes] == [3 * 54, 3 * 60, 3 * 5]
    per_item = price(ns_cart(item(1340)), at())
    assert odd.lines[0].tax_minor == 3 * per_item.lines[0].tax_minor


def test_tax_included_prices_have_each_component_extracted() -> None:
    # Given 15.00 including 8.875 % in all: net 13.777…, state 0.5511 → 0.55, city 0.62, special 0.05
    totals = price(ns_cart(item(1500)), at(inclusive=True))
    assert [t.amount_minor for t in totals.lines[0].taxes] == [55, 62, 5]
    assert totals.total_minor == 1500 and totals.tax_total_minor == 122


def test_manual_item_and_order_reductions_and_a_coupon_together() -> None:
    # Given two items, a 10 % coupon, 1.00 off item a by hand, and 2.00 off the order by hand
    coupon = AppliedDiscount(code="DEMO10", kind=DiscountKind.PERCENTAGE, value=Decimal(10))
    manual = [
        ManualDiscount(kind="fixed", value=Decimal(100), line_id="a"),
        ManualDiscount(kind="fixed", value=Decimal(200)),
    ]
    totals = price(ns_cart(item(1000, line_id="a"), item(1000, line_id="b"), discounts=[coupon], manual=manual), at())
    a, b = totals.lines
    # Then the item reduction comes first (a: 9.00), the coupon takes 10 % of 19.00 = 1.90 split
    # 0.90 / 1.00, the manual order reduction 2.00 split over what is left (8.10 / 9.00)
    assert [(x.source, x.code, int(x.amount)) for x in a.adjustments] == [
        ("manual", MANUAL_ITEM, 100),
        ("discount", "DEMO10", 90),
        ("manual", MANUAL_ORDER, 95),
    ]
    assert [(x.code, int(x.amount)) for x in b.adjustments] == [("DEMO10", 100), (MANUAL_ORDER, 105)]
    assert totals.discount_total_minor == 100 + 190 + 200
    assert totals.total_minor == 2000 - 490 + totals.tax_total_minor


def test_a_percentage_item_reduction_is_rounded_per_item() -> None:
    manual = [ManualDiscount(kind="percentage", value=Decimal("12.5"), line_id="a")]
    totals = price(ns_cart(item(1378, quantity=3, line_id="a"), manual=manual), at())
    assert totals.lines[0].discount_minor == 3 * 172  # 1.7225 → 1.72 per item


def test_shipping_is_taxed_per_rate_once_chosen() -> None:
    method = ShippingMethod(method_id="so", amount_minor=500, taxable=True, option_id="so", option_amount_minor=500)
    totals = price(ns_cart(item(1378), shipping=[method]), at())
    assert totals.shipping_total_minor == 500
    assert totals.shipping_tax_total_minor == 20 + 23 + 2  # 0.20, 0.225 → 0.23, 0.01875 → 0.02
    assert totals.total_minor == 1378 + 122 + 500 + 45


def test_manual_reductions_are_bounded() -> None:
    cart = ns_cart(item(1000, line_id="a"))
    with pytest.raises(InvalidRequest, match="at most the item's price"):
        apply_manual_discounts(cart, [ManualDiscountEdit(kind="fixed", value=Decimal(1001), line_index=0)])
    with pytest.raises(InvalidRequest, match="At most one manual order-level"):
        apply_manual_discounts(
            cart,
            [ManualDiscountEdit(kind="fixed", value=Decimal(1)), ManualDiscountEdit(kind="fixed", value=Decimal(1))],
        )
    with pytest.raises(InvalidRequest, match="per item"):
        apply_manual_discounts(
            cart,
            [
                ManualDiscountEdit(kind="fixed", value=Decimal(1), line_index=0),
                ManualDiscountEdit(kind="percentage", value=Decimal(5), line_index=0),
            ],
        )
    with pytest.raises(InvalidRequest, match="at most 100"):
        apply_manual_discounts(cart, [ManualDiscountEdit(kind="percentage", value=Decimal(101))])
    with pytest.raises(InvalidRequest, match="No item 1"):
        apply_manual_discounts(cart, [ManualDiscountEdit(kind="fixed", value=Decimal(1), line_index=1)])
    assert cart.manual_discounts == []  # nothing changed by a refused edit
    other = ns_cart(item(1000)).model_copy(update={"pricing_policy": "medusa_v1"})
    with pytest.raises(InvalidRequest, match="newstore"):
        apply_manual_discounts(other, [ManualDiscountEdit(kind="fixed", value=Decimal(1))])


def test_a_cart_without_manual_reductions_stores_no_field() -> None:
    assert "manual_discounts" not in ns_cart(item(1000)).document()


@given(
    amount=st.integers(0, 10**6),
    lines=st.lists(st.tuples(st.integers(0, 10**5), st.integers(1, 20)), min_size=1, max_size=8),
)
def test_per_item_shares_never_exceed_the_amount_or_an_item(amount: int, lines: list[tuple[int, int]]) -> None:
    nets = [n for n, _ in lines]
    quantities = [q for _, q in lines]
    amount = min(amount, sum(n * q for n, q in lines))
    shares = _per_unit_shares(amount, nets, quantities)
    applied = sum(s * q for s, q in zip(shares, quantities, strict=True))
    assert all(0 <= s <= n for s, n in zip(shares, nets, strict=True))
    assert amount - sum(quantities) < applied <= amount
    # And a line of one item with room left takes every cent the others cannot
    if any(q == 1 and s < n for s, n, q in zip(shares, nets, quantities, strict=True)):
        assert applied == amount


money = st.integers(0, 200_000)
rates = st.lists(st.decimals(0, 25, places=3), min_size=0, max_size=3).map(
    lambda ps: tuple(TaxRate(name=f"R{i}", percent=p) for i, p in enumerate(ps))
)


@given(
    lines=st.lists(st.tuples(money, st.integers(1, 5)), min_size=1, max_size=6),
    coupon=st.one_of(st.none(), st.decimals(1, 100, places=1), st.integers(1, 50_000)),
    order_manual=st.one_of(st.none(), st.integers(1, 50_000)),
    item_manual=st.one_of(st.none(), st.decimals(1, 100, places=2)),
    shipping=st.one_of(st.none(), st.integers(0, 5_000)),
    inclusive=st.booleans(),
    tax_rates=rates,
)
def test_totals_add_up_in_integers(lines, coupon, order_manual, item_manual, shipping, inclusive, tax_rates) -> None:
    items = [item(p, q, line_id=f"l{i}") for i, (p, q) in enumerate(lines)]
    discounts = []
    if isinstance(coupon, Decimal):
        discounts.append(AppliedDiscount(code="PCT", kind=DiscountKind.PERCENTAGE, value=coupon))
    elif coupon is not None:
        discounts.append(AppliedDiscount(code="FIX", kind=DiscountKind.FIXED, value=Decimal(coupon)))
    manual = []
    if order_manual is not None:
        manual.append(ManualDiscount(kind="fixed", value=Decimal(order_manual)))
    if item_manual is not None:
        manual.append(ManualDiscount(kind="percentage", value=item_manual, line_id="l0"))
    methods = (
        [ShippingMethod(method_id="s", amount_minor=shipping, taxable=True, option_id="s")]
        if shipping is not None
        else []
    )
    totals = price(ns_cart(*items, discounts=discounts, manual=manual, shipping=methods), at(inclusive, tax_rates))
    amounts = [
        totals.subtotal_minor, totals.discount_total_minor, totals.tax_total_minor,
        totals.shipping_total_minor, totals.total_minor,
    ]  # fmt: skip
    assert all(type(a) is int for a in amounts)  # never a float
    # Then grand_total = subtotal − discount_total + shipping_total (+ tax when excluded)
    tax = 0 if inclusive else totals.tax_total_minor
    assert totals.total_minor == totals.subtotal_minor - totals.discount_total_minor + totals.shipping_total_minor + tax
    # And every item is priced alike: a line's discount and tax are its quantity's multiples
    for line, (p, q) in zip(totals.lines, lines, strict=True):
        assert line.discount_minor % q == 0 and line.tax_minor % q == 0
        assert 0 <= line.discount_minor <= p * q and line.net_minor >= 0
        assert line.discount_minor == sum(int(a.amount) for a in line.adjustments)
    assert totals.discount_total_minor <= totals.subtotal_minor
    assert totals.tax_total_minor == sum(t.amount_minor for t in totals.taxes_by_rate)


def test_a_request_replaces_only_the_scopes_it_gives() -> None:
    cart = ns_cart(item(1000, line_id="a"), item(1000, line_id="b"))
    apply_manual_discounts(
        cart,
        [
            ManualDiscountEdit(kind="fixed", value=Decimal(100)),
            ManualDiscountEdit(kind="fixed", value=Decimal(5), line_index=1),
        ],
    )
    # When a request gives only its products' adjustments, the order's stays
    apply_manual_discounts(cart, [ManualDiscountEdit(kind="fixed", value=Decimal(7), line_index=0)], ("item",))
    assert [(m.line_id, int(m.value)) for m in cart.manual_discounts] == [(None, 100), ("a", 7)]
    # And an order adjustment given where only items are replaced is refused
    with pytest.raises(InvalidRequest, match="scopes"):
        apply_manual_discounts(cart, [ManualDiscountEdit(kind="fixed", value=Decimal(1))], ("item",))
