from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from cart_core.cart import Adjustment, AppliedDiscount, Cart, Choice, LineItem, LineOption
from cart_core.catalog import DiscountKind
from cart_core.pricing import price
from cart_core.tenancy import Location, TaxRate

RATES = (
    TaxRate(name="State Tax", percent=Decimal("6.25"), category="regional"),
    TaxRate(name="City Tax", percent=Decimal("2.00"), category="municipal"),
)


def location(inclusive: bool = False, rates=RATES, delivery_fee: int = 0) -> Location:
    return Location(
        tenant_id="t",
        location_id="l",
        name="L",
        tax_rates=rates,
        tax_inclusive=inclusive,
        delivery_fee_minor=delivery_fee,
    )


def cart(*lines: LineItem, discounts=(), adjustments=()) -> Cart:
    return Cart(
        tenant_id="t", location_id="l", currency="USD", lines=list(lines),
        discounts=list(discounts), adjustments=list(adjustments),
    )  # fmt: skip


def line(price_minor: int, quantity: int, product: str = "p", choices=()) -> LineItem:
    options = [LineOption(option_id="o", name="Size", choices=list(choices))] if choices else []
    return LineItem(product_id=product, quantity=quantity, unit_price_minor=price_minor, options=options)


def test_demo_flower_with_tenoff_matches_the_readme_walkthrough() -> None:
    # Given 2 × 12.50 with 10 % off at 6.25 % state + 2 % city tax
    totals = price(
        cart(
            line(1250, 2), discounts=[AppliedDiscount(code="TENOFF", kind=DiscountKind.PERCENTAGE, value=Decimal(10))]
        ),
        location(),
    )
    # Then tax is computed per rate on the discounted 22.50 and rounded half-up
    assert totals.subtotal_minor == 2500
    assert totals.discount_total_minor == 250
    assert [t.amount_minor for t in totals.taxes_by_rate] == [141, 45]
    assert totals.total_minor == 2250 + 186


def test_priced_choices_add_to_the_unit_price() -> None:
    totals = price(
        cart(line(1000, 3, choices=[Choice(choice_id="c", name="Large", price_minor=150)])), location(rates=())
    )
    assert totals.subtotal_minor == 3450


def test_fixed_discount_never_takes_the_order_below_zero() -> None:
    big = AppliedDiscount(code="BIG", kind=DiscountKind.FIXED, value=Decimal(10_000))
    totals = price(cart(line(500, 1), discounts=[big]), location())
    assert totals.discount_total_minor == 500
    assert totals.total_minor == 0


def test_tax_inclusive_prices_contain_their_tax() -> None:
    # 10.82 includes 8.25 % in total: net 10.00, state 0.625 -> 0.63, city 0.20
    totals = price(cart(line(1082, 1)), location(inclusive=True))
    assert totals.total_minor == 1082
    assert [t.amount_minor for t in totals.taxes_by_rate] == [62, 20]


def test_pos_adjustments_change_the_total_without_extra_tax() -> None:
    totals = price(
        cart(line(1000, 1), adjustments=[Adjustment(adjustment_id="a", label="Promo", amount_minor=-100)]), location()
    )
    assert totals.tax_total_minor == 83  # 62.5 -> 63 state + 20 city, on the line, not the adjustment
    assert totals.total_minor == 1000 + 83 - 100


def test_delivery_fee_applies_only_to_delivery_carts_with_lines() -> None:
    assert price(cart(line(1000, 1)), location(rates=(), delivery_fee=300)).total_minor == 1300
    assert price(cart(), location(rates=(), delivery_fee=300)).total_minor == 0


lines_strategy = st.lists(
    st.builds(line, st.integers(min_value=0, max_value=1_000_000), st.integers(min_value=1, max_value=10_000)),
    max_size=100,
)
discount_strategy = st.lists(
    st.one_of(
        st.builds(
            AppliedDiscount, code=st.just("P"), kind=st.just(DiscountKind.PERCENTAGE),
            value=st.decimals(min_value=0, max_value=100, places=2),
        ),
        st.builds(
            AppliedDiscount, code=st.just("F"), kind=st.just(DiscountKind.FIXED),
            value=st.integers(min_value=0, max_value=10**7).map(Decimal),
        ),
    ),
    max_size=3,
)  # fmt: skip
rates_strategy = st.lists(
    st.builds(TaxRate, name=st.just("r"), percent=st.decimals(min_value=0, max_value=30, places=3)), max_size=4
).map(tuple)


@given(
    lines=lines_strategy,
    discounts=discount_strategy,
    rates=rates_strategy,
    inclusive=st.booleans(),
    adjustments=st.lists(st.integers(min_value=-10_000, max_value=10_000), max_size=3),
)
def test_total_is_subtotal_minus_discounts_plus_fees_plus_exclusive_tax(
    lines, discounts, rates, inclusive, adjustments
):
    the_cart = cart(
        *lines,
        discounts=discounts,
        adjustments=[Adjustment(adjustment_id=str(i), label="x", amount_minor=a) for i, a in enumerate(adjustments)],
    )
    totals = price(the_cart, location(inclusive=inclusive, rates=rates, delivery_fee=250))
    assert totals.total_minor == (
        totals.subtotal_minor - totals.discount_total_minor + totals.fee_total_minor + totals.exclusive_tax_minor
    )
    assert 0 <= totals.discount_total_minor <= totals.subtotal_minor
    assert sum(pl.discount_minor for pl in totals.lines) == totals.discount_total_minor
    assert sum(pl.gross_minor for pl in totals.lines) == totals.subtotal_minor
    assert totals.tax_total_minor == sum(pl.tax_minor for pl in totals.lines)
    assert all(isinstance(v, int) for v in (totals.total_minor, totals.tax_total_minor, totals.discount_total_minor))
