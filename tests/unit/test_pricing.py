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


# ----- policies ------------------------------------------------------------------------------
# Everything above prices by the default policy (largest remainder: BLAZE, LOKE, every stored cart).

from cart_core.cart import AppliedGiftCard, ShippingMethod  # noqa: E402
from cart_core.pricing import (  # noqa: E402
    LARGEST_REMAINDER,
    MEDUSA_V1,
    POLICIES,
    _js_round,
    gift_card_uses,
    line_gross,
    policy_of,
)


def medusa_cart(*lines: LineItem, discounts=(), shipping=(), gift_cards=()) -> Cart:
    return Cart(
        tenant_id="t", location_id="l", currency="USD", lines=list(lines), discounts=list(discounts),
        shipping_methods=list(shipping), gift_cards=list(gift_cards), pricing_policy="medusa_v1",
        fulfillment="ship",
    )  # fmt: skip


def region(percent: str = "0", inclusive: bool = False, gift_cards_taxable: bool = True) -> Location:
    rates = (TaxRate(name="default", percent=Decimal(percent)),) if Decimal(percent) else ()
    return Location(
        tenant_id="t", location_id="l", name="R", tax_rates=rates, tax_inclusive=inclusive,
        gift_cards_taxable=gift_cards_taxable,
    )  # fmt: skip


def fixed(value: int, allocation: str = "total", code: str = "FIX") -> AppliedDiscount:
    return AppliedDiscount(code=code, kind=DiscountKind.FIXED, value=Decimal(value), allocation=allocation)


def percent(value: int, code: str = "PCT") -> AppliedDiscount:
    return AppliedDiscount(code=code, kind=DiscountKind.PERCENTAGE, value=Decimal(value))


def test_a_cart_without_a_recorded_policy_is_priced_as_before_and_a_medusa_cart_the_medusa_way() -> None:
    # Given a cart stored before policies (no pricing_policy field) and a Medusa cart
    stored = Cart.model_validate({"tenant_id": "t", "location_id": "l", "currency": "USD"})
    # Then each is priced by its own policy, whoever reads it
    assert policy_of(stored) is LARGEST_REMAINDER
    assert policy_of(medusa_cart()) is MEDUSA_V1
    assert price(medusa_cart(line(100, 1)), region()).policy == "medusa_v1"


def test_js_round_rounds_halves_towards_positive_infinity_like_math_round() -> None:
    assert [_js_round(x) for x in (2.5, -2.5, 0.49999999999999994, 1.4999999999999998, -0.5)] == [3, -2, 0, 1, 0]


def test_medusa_tax_is_per_line_on_the_discounted_amount() -> None:
    # Given Medusa's own test: price 100 at a 10 % rate (IT/taxes/cart.js)
    plain = price(medusa_cart(line(100, 1)), region("10"))
    # Then tax 10, total 110; and with a 10 % discount, discount 10, tax 9, total 99
    assert (plain.subtotal_minor, plain.tax_total_minor, plain.total_minor) == (100, 10, 110)
    off = price(medusa_cart(line(100, 1), discounts=[percent(10)]), region("10"))
    assert (off.discount_total_minor, off.tax_total_minor, off.total_minor) == (10, 9, 99)
    assert [(a.code, a.amount) for a in off.lines[0].adjustments] == [("PCT", Decimal(10))]


def test_medusa_spreads_a_fixed_total_discount_over_the_lines_without_rounding() -> None:
    # Given a fixed-total 185 on lines of 100 and 1000 (Medusa's IT/store/cart.js)
    totals = price(medusa_cart(line(100, 1), line(1000, 1), discounts=[fixed(185)]), region())
    # Then each line's adjustment is its exact share, as Medusa stores it
    assert [pl.adjustments[0].amount for pl in totals.lines] == [
        Decimal("16.81818181818182"),  # what node prints for 185 * (100 / 1100)
        Decimal("168.1818181818182"),
    ]
    assert [pl.discount_minor for pl in totals.lines] == [17, 168]
    assert totals.discount_total_minor == 185
    # When the second line becomes 950 × 2 / Then the shares are exactly 9.25 and 175.75
    totals = price(medusa_cart(line(100, 1), line(950, 2), discounts=[fixed(185)]), region())
    assert [pl.adjustments[0].amount for pl in totals.lines] == [Decimal("9.25"), Decimal("175.75")]
    assert [pl.discount_minor for pl in totals.lines] == [9, 176]  # Math.round(9.25), Math.round(175.75)


def test_medusa_rounds_the_order_discount_once_so_lines_may_not_add_up_to_it() -> None:
    # Given a fixed-total 100 over three equal lines
    three = [line(1000, 1, product=p) for p in "abc"]
    medusa = price(medusa_cart(*three, discounts=[fixed(100)]), region("10"))
    largest_remainder = price(cart(*three, discounts=[fixed(100)]), location(rates=(RATES[0],)))
    # Then Medusa's lines each take 33.33… (33 rounded) while the order's discount is 100,
    assert [pl.discount_minor for pl in medusa.lines] == [33, 33, 33]
    assert medusa.discount_total_minor == 100
    # and tax is on the unrounded 966.66…: Math.round(96.666…) = 97 per line
    assert [pl.tax_minor for pl in medusa.lines] == [97, 97, 97]
    # while the largest remainder gives one line the extra unit, so the lines add up exactly
    assert [pl.discount_minor for pl in largest_remainder.lines] == [34, 33, 33]


def test_medusa_fixed_discounts_by_allocation_and_percentages_per_line() -> None:
    # Given 2 × 1000 (Medusa's line-item tests)
    two = line(1000, 2)
    # Then fixed-total 100 → 100, 10 % → 200, fixed-item 200 on 4 units → 800
    assert price(medusa_cart(two, discounts=[fixed(100)]), region()).discount_total_minor == 100
    assert price(medusa_cart(two, discounts=[percent(10)]), region()).discount_total_minor == 200
    assert price(medusa_cart(line(800, 4), discounts=[fixed(200, "item")]), region()).discount_total_minor == 800
    # and a fixed total larger than the order takes the order only
    big = price(medusa_cart(line(4452600, 2), line(482200, 2), discounts=[fixed(10000)]), region())
    assert big.discount_total_minor == 10000
    assert big.total_minor == 2 * 4452600 + 2 * 482200 - 10000


def test_medusa_gift_card_pays_its_own_tax() -> None:
    # Given a 50000 item at 19 % and a 30000 gift card bought at 19 % (IT/store/cart/gift-cards)
    card = AppliedGiftCard(code="GC", balance_minor=30000, tax_rate=Decimal(19))
    totals = price(medusa_cart(line(50000, 1), gift_cards=[card]), region("19"))
    # Then the card covers 30000 and its 5700 tax: total 23800
    assert (totals.gift_card_total_minor, totals.gift_card_tax_total_minor) == (30000, 5700)
    assert totals.tax_total_minor == 9500
    assert totals.total_minor == 23800


def test_medusa_gift_cards_cover_the_tax_too_when_the_region_says_they_are_not_taxable() -> None:
    card = AppliedGiftCard(code="GC", balance_minor=100_000)
    totals = price(medusa_cart(line(1000, 1), gift_cards=[card]), region("10", gift_cards_taxable=False))
    assert (totals.gift_card_total_minor, totals.total_minor) == (1100, 0)


def test_a_gift_card_never_takes_the_total_below_zero() -> None:
    # Given a card taxed at 19 % on an untaxed order (Medusa alone would show −19)
    card = AppliedGiftCard(code="GC", balance_minor=100, tax_rate=Decimal(19))
    totals = price(medusa_cart(line(100, 1), gift_cards=[card]), region())
    # Then the card's tax stops at what is left to pay
    assert (totals.gift_card_total_minor, totals.gift_card_tax_total_minor, totals.total_minor) == (100, 0, 0)
    # And under the largest remainder a card is a tender, after tax, capped at the total
    tender = cart(line(1000, 1))
    tender.gift_cards = [AppliedGiftCard(code="GC", balance_minor=5000)]
    totals = price(tender, location())
    assert (totals.gift_card_total_minor, totals.gift_card_tax_total_minor, totals.total_minor) == (1083, 0, 0)


def test_placement_spends_the_card_that_ends_first_then_the_smallest() -> None:
    # Given three cards and an order that needs 1500 of them
    the_cart = medusa_cart(
        line(1500, 1),
        gift_cards=[
            AppliedGiftCard(code="LATE", balance_minor=1000, ends_ms=2_000),
            AppliedGiftCard(code="NEVER", balance_minor=5000),
            AppliedGiftCard(code="SOON", balance_minor=1000, ends_ms=1_000),
        ],
    )
    totals = price(the_cart, region())
    # Then the card ending soonest goes first, a card with no end last
    assert [(u.code, u.amount_minor) for u in gift_card_uses(the_cart, totals)] == [("SOON", 1000), ("LATE", 500)]


def test_shipping_is_in_the_totals_and_taxed_only_when_the_method_is_taxable() -> None:
    # Given a 1000 line with an untaxed 500 method and a taxed 300 method at 10 %
    methods = [
        ShippingMethod(method_id="std", name="Standard", amount_minor=500),
        ShippingMethod(method_id="exp", name="Express", amount_minor=300, taxable=True),
    ]
    for the_cart in (medusa_cart(line(1000, 1), shipping=methods), cart(line(1000, 1))):
        the_cart.shipping_methods = methods
        totals = price(the_cart, region("10"))
        # Then shipping 800, its tax 30, on top of the line's 100
        assert (totals.shipping_total_minor, totals.shipping_tax_total_minor) == (800, 30)
        assert totals.tax_total_minor == totals.item_tax_total_minor + 30 == 130
        assert totals.total_minor == 1000 + 800 + 130
        assert [s.tax_minor for s in totals.shipping] == [0, 30]


def test_medusa_rounds_shipping_tax_once_over_its_rates() -> None:
    # Given a 20 shipping method at two 2.5 % rates: 0.5 + 0.5
    rates = (TaxRate(name="a", percent=Decimal("2.5")), TaxRate(name="b", percent=Decimal("2.5")))
    method = ShippingMethod(method_id="m", amount_minor=20, taxable=True)
    where = Location(tenant_id="t", location_id="l", name="L", tax_rates=rates)
    medusa = price(medusa_cart(shipping=[method]), where)
    lr_cart = cart()
    lr_cart.shipping_methods = [method]
    # Then Medusa rounds 1.0 once (1), split as 1 + 0; the largest remainder rounds each half up (2)
    assert medusa.shipping_tax_total_minor == 1
    assert [t.amount_minor for t in medusa.shipping[0].taxes] == [1, 0]
    assert price(lr_cart, where).shipping_tax_total_minor == 2


def test_blaze_delivery_fee_is_not_a_shipping_method() -> None:
    totals = price(cart(line(1000, 1)), location(rates=(), delivery_fee=300))
    assert (totals.delivery_fee_minor, totals.shipping_total_minor, totals.total_minor) == (300, 0, 1300)


def test_line_adjustments_name_their_code_and_sum_to_the_line_discount() -> None:
    # Given two codes on two lines under the largest remainder
    totals = price(
        cart(line(1000, 1), line(333, 3), discounts=[percent(10, "TEN"), fixed(50, code="FIFTY")]), location()
    )
    # Then every line's adjustments, one per code, add up to its discount exactly
    for pl in totals.lines:
        assert sum(a.amount for a in pl.adjustments) == pl.discount_minor
        assert {a.code for a in pl.adjustments} == {"TEN", "FIFTY"}
    assert sum(pl.discount_minor for pl in totals.lines) == totals.discount_total_minor == 200 + 50


def test_pos_adjustments_are_priced_as_fees_and_listed() -> None:
    pos = Adjustment(adjustment_id="a", label="Promo", amount_minor=-100, tax_minor=-8, line_id="x")
    totals = price(cart(line(1000, 1), adjustments=[pos]), location())
    assert [(p.adjustment_id, p.amount_minor, p.line_id) for p in totals.pos_adjustments] == [("a", -100, "x")]
    assert totals.fee_total_minor == -100


# ----- invariants, for every policy -----------------------------------------------------------


def _before_policies(the_cart: Cart, where: Location) -> tuple:
    """The pricing every cart had before policies (kept verbatim here), as the numbers faces show."""
    from cart_core.money import allocate, percent_of, round_half_up

    gross = [line_gross(li) for li in the_cart.lines]
    subtotal = sum(gross)
    remaining = subtotal
    for d in the_cart.discounts:
        amount = percent_of(remaining, d.value) if d.kind is DiscountKind.PERCENTAGE else int(d.value)
        remaining -= min(amount, remaining)
    discount_total = subtotal - remaining
    shares = allocate(discount_total, gross)
    combined = sum((r.percent for r in where.tax_rates), Decimal(0))
    lines = []
    for g, share in zip(gross, shares, strict=False):
        net = g - share
        if where.tax_inclusive:
            taxes = [round_half_up(Decimal(net) * r.percent / (100 + combined)) for r in where.tax_rates]
        else:
            taxes = [percent_of(net, r.percent) for r in where.tax_rates]
        lines.append((g, share, net, tuple(taxes)))
    by_rate = [sum(li[3][i] for li in lines) for i in range(len(where.tax_rates))]
    tax_total = sum(by_rate)
    fee = (where.delivery_fee_minor if the_cart.fulfillment == "delivery" and the_cart.lines else 0) + sum(
        a.amount_minor for a in the_cart.adjustments
    )
    total = subtotal - discount_total + fee + (0 if where.tax_inclusive else tax_total)
    return subtotal, discount_total, fee, tax_total, total, tuple(lines), tuple(by_rate)


@given(
    lines=lines_strategy,
    discounts=discount_strategy,
    rates=rates_strategy,
    inclusive=st.booleans(),
    adjustments=st.lists(st.integers(min_value=-10_000, max_value=10_000), max_size=3),
)
def test_the_largest_remainder_policy_prices_exactly_as_before_policies(
    lines, discounts, rates, inclusive, adjustments
):
    # Given any cart as BLAZE and LOKE make them (no shipping methods, no gift cards)
    the_cart = cart(
        *lines,
        discounts=discounts,
        adjustments=[Adjustment(adjustment_id=str(i), label="x", amount_minor=a) for i, a in enumerate(adjustments)],
    )
    where = location(inclusive=inclusive, rates=rates, delivery_fee=250)
    # When it is priced / Then every number is the one the pricing before policies gave
    totals = price(the_cart, where)
    got = (
        totals.subtotal_minor,
        totals.discount_total_minor,
        totals.fee_total_minor,
        totals.tax_total_minor,
        totals.total_minor,
        tuple(
            (pl.gross_minor, pl.discount_minor, pl.net_minor, tuple(t.amount_minor for t in pl.taxes))
            for pl in totals.lines
        ),
        tuple(t.amount_minor for t in totals.taxes_by_rate),
    )
    assert got == _before_policies(the_cart, where)


discount_any_allocation = st.lists(
    st.one_of(
        st.builds(
            AppliedDiscount, code=st.just("P"), kind=st.just(DiscountKind.PERCENTAGE),
            value=st.decimals(min_value=0, max_value=100, places=2),
        ),
        st.builds(
            AppliedDiscount, code=st.just("F"), kind=st.just(DiscountKind.FIXED),
            value=st.integers(min_value=0, max_value=10**7).map(Decimal),
            allocation=st.sampled_from(["total", "item"]),
        ),
    ),
    max_size=3,
)  # fmt: skip
shipping_strategy = st.lists(
    st.builds(
        ShippingMethod, method_id=st.uuids().map(str), amount_minor=st.integers(min_value=0, max_value=100_000),
        taxable=st.booleans(),
    ),
    max_size=3,
)  # fmt: skip
gift_card_strategy = st.lists(
    st.builds(
        AppliedGiftCard, code=st.sampled_from(["A", "B", "C"]), balance_minor=st.integers(min_value=0, max_value=10**7),
        tax_rate=st.one_of(st.none(), st.decimals(min_value=0, max_value=30, places=2)),
        ends_ms=st.one_of(st.none(), st.integers(min_value=0, max_value=10**13)),
    ),
    max_size=3,
    unique_by=lambda card: card.code,
)  # fmt: skip


@given(
    policy=st.sampled_from(sorted(POLICIES)),
    lines=lines_strategy,
    discounts=discount_any_allocation,
    rates=rates_strategy,
    inclusive=st.booleans(),
    shipping=shipping_strategy,
    gift_cards=gift_card_strategy,
    gift_cards_taxable=st.booleans(),
    adjustments=st.lists(st.integers(min_value=0, max_value=10_000), max_size=3),
)
def test_every_policy_keeps_the_totals_invariants(
    policy, lines, discounts, rates, inclusive, shipping, gift_cards, gift_cards_taxable, adjustments
):
    # Given any cart, priced by any policy
    the_cart = Cart(
        tenant_id="t", location_id="l", currency="USD", lines=lines, discounts=discounts,
        shipping_methods=shipping, gift_cards=gift_cards, pricing_policy=policy,
        adjustments=[Adjustment(adjustment_id=str(i), label="x", amount_minor=a) for i, a in enumerate(adjustments)],
    )  # fmt: skip
    where = Location(
        tenant_id="t", location_id="l", name="L", tax_rates=rates, tax_inclusive=inclusive, delivery_fee_minor=250,
        gift_cards_taxable=gift_cards_taxable,
    )  # fmt: skip
    totals = price(the_cart, where)
    # Then the total is what its parts say
    assert totals.total_minor == (
        totals.subtotal_minor
        - totals.discount_total_minor
        + totals.shipping_total_minor
        + totals.fee_total_minor
        + totals.exclusive_tax_minor
        - totals.gift_card_total_minor
        - totals.gift_card_tax_total_minor
    )
    # and nothing is negative (POS surcharges only here: a POS discount past the total is refused)
    assert totals.total_minor >= 0
    assert 0 <= totals.discount_total_minor <= totals.subtotal_minor
    assert 0 <= totals.gift_card_total_minor <= sum(c.balance_minor for c in gift_cards)
    assert totals.gift_card_tax_total_minor >= 0
    assert sum(pl.gross_minor for pl in totals.lines) == totals.subtotal_minor
    assert totals.shipping_total_minor == sum(m.amount_minor for m in shipping)
    # the adjustments make each line's discount, rounded as the policy rounds
    for pl in totals.lines:
        assert 0 <= pl.discount_minor <= pl.gross_minor
        assert pl.discount_minor == _js_round(sum(float(a.amount) for a in pl.adjustments))
        assert all(a.amount > 0 for a in pl.adjustments)
    if policy == "largest_remainder":
        assert all(sum(a.amount for a in pl.adjustments) == pl.discount_minor for pl in totals.lines)
        assert sum(pl.discount_minor for pl in totals.lines) == totals.discount_total_minor
    else:  # Medusa rounds the order's discount once, from the lines' unrounded ones
        assert totals.discount_total_minor == _js_round(sum(float(pl.raw_discount) for pl in totals.lines))
    # the tax lines make the tax total, per line, per method and per rate
    assert totals.item_tax_total_minor == sum(t.amount_minor for pl in totals.lines for t in pl.taxes)
    assert totals.shipping_tax_total_minor == sum(t.amount_minor for s in totals.shipping for t in s.taxes)
    assert totals.tax_total_minor == totals.item_tax_total_minor + totals.shipping_tax_total_minor
    assert totals.tax_total_minor == sum(t.amount_minor for t in totals.taxes_by_rate)
    # and every per-line value is a whole number of minor units
    values = [totals.total_minor, totals.tax_total_minor, totals.discount_total_minor, totals.gift_card_total_minor]
    values += [v for pl in totals.lines for v in (pl.gross_minor, pl.discount_minor, pl.net_minor, pl.tax_minor)]
    values += [t.amount_minor for pl in totals.lines for t in pl.taxes]
    values += [t.amount_minor for s in totals.shipping for t in s.taxes]
    assert all(type(v) is int for v in values)
    # and a placed order spends exactly the gift card total, no card past its balance
    uses = gift_card_uses(the_cart, totals)
    assert sum(u.amount_minor for u in uses) == totals.gift_card_total_minor
    balances = {c.code: c.balance_minor for c in gift_cards}
    assert all(0 < u.amount_minor <= balances[u.code] for u in uses)


# ----- taxes settled at checkout (Region.automatic_taxes False) -----------------------------------


def _checkout_taxed(automatic: bool):
    from cart_core.pricing import PricingTerms

    return PricingTerms(tax_rates=RATES, tax_inclusive=False, automatic_taxes=automatic)


def test_an_open_cart_in_a_region_taxed_at_checkout_shows_no_tax() -> None:
    # Given an open cart of 10.00 where taxes are settled at checkout
    open_cart = cart(line(1000, 1))
    # When it is priced for a read
    totals = price(open_cart, _checkout_taxed(False))
    # Then it carries no tax at all (no tax lines, not lines of zero) and its total is its subtotal
    assert (totals.tax_total_minor, totals.total_minor, totals.taxes_by_rate) == (0, 1000, ())
    assert totals.lines[0].taxes == ()


def test_checkout_forces_the_taxes_an_automatic_region_would_show() -> None:
    # Given the same open cart where taxes are settled at checkout
    open_cart = cart(line(1000, 1))
    # When checkout asks for its taxes (a quote, a payment's amount)
    forced = price(open_cart, _checkout_taxed(False), force_taxes=True)
    # Then they are exactly what a region taxing every read shows
    assert forced == price(open_cart, _checkout_taxed(True))
    assert (forced.tax_total_minor, forced.total_minor) == (83, 1083)


def test_a_placed_order_is_taxed_even_where_taxes_are_settled_at_checkout() -> None:
    # Given a cart placed as an order in a region that settles taxes at checkout
    placed = cart(line(1000, 1))
    placed.submitted_ms = 1
    # When it is read / Then it shows the taxes it was charged with
    assert price(placed, _checkout_taxed(False)).tax_total_minor == 83


# ----- a shipping option's own tax rates -------------------------------------------------------------

REDUCED = (TaxRate(name="Reduced", percent=Decimal("7"), category="national"),)


def _shipped(policy: str, own_rates) -> Cart:
    from cart_core.cart import ShippingMethod

    shipped = cart(line(1000, 1))
    shipped.pricing_policy = policy
    shipped.shipping_methods = [
        ShippingMethod(method_id="sm", amount_minor=1200, taxable=True, tax_rates=own_rates),
    ]
    return shipped


def test_a_method_of_an_option_with_its_own_rates_is_taxed_at_them_alone() -> None:
    for policy in ("largest_remainder", "medusa_v1"):
        # Given a cart whose shipping option carries a 7 % rate of its own, at 6.25 % + 2 % elsewhere
        # When it is priced
        totals = price(_shipped(policy, REDUCED), _checkout_taxed(True))
        # Then the shipping is taxed at 7 % only (84 of 1200), the line at the cart's rates (83 of 1000)
        assert [t.amount_minor for t in totals.shipping[0].taxes] == [84], policy
        assert (totals.shipping_tax_total_minor, totals.item_tax_total_minor) == (84, 83), policy
        # And the cart's tax per rate lists its own rates, then the option's
        assert [(t.name, t.amount_minor) for t in totals.taxes_by_rate] == [
            ("State Tax", 63),
            ("City Tax", 20),
            ("Reduced", 84),
        ], policy
        assert totals.total_minor == 1000 + 1200 + 83 + 84


def test_an_option_rate_equal_to_a_cart_rate_is_one_rate_and_no_rates_leave_shipping_untaxed() -> None:
    # Given an option whose own rate is the cart's city tax, and one with no rates at all
    city = price(_shipped("medusa_v1", (RATES[1],)), _checkout_taxed(True))
    untaxed = price(_shipped("medusa_v1", ()), _checkout_taxed(True))
    # Then the city tax is listed once, line and shipping together; and the other ships untaxed
    assert [(t.name, t.amount_minor) for t in city.taxes_by_rate] == [("State Tax", 63), ("City Tax", 20 + 24)]
    assert (untaxed.shipping_tax_total_minor, untaxed.shipping[0].taxes) == (0, ())


def test_an_options_own_rates_wait_for_checkout_too_where_taxes_are_settled_there() -> None:
    # Given the cart shipped at its option's own rate, in a region that settles taxes at checkout
    shipped = _shipped("medusa_v1", REDUCED)
    # When read, and when checkout asks / Then no tax, then the option's
    assert price(shipped, _checkout_taxed(False)).tax_total_minor == 0
    assert price(shipped, _checkout_taxed(False), force_taxes=True).shipping_tax_total_minor == 84


@given(
    amount=st.integers(min_value=-(10**12), max_value=10**12),
    percents=st.lists(st.decimals(min_value=0, max_value=100, places=4), min_size=1, max_size=4),
    inclusive=st.booleans(),
)
def test_line_taxes_in_integers_are_the_decimal_formulas(amount: int, percents: list[Decimal], inclusive: bool) -> None:
    # Given any amount (a refund's too) and up to four rates of up to four decimal places
    from cart_core.money import percent_of, round_half_up
    from cart_core.pricing import _half_up_taxer

    rates = tuple(TaxRate(name=f"r{i}", percent=p) for i, p in enumerate(percents))
    combined = sum(percents, Decimal(0))
    # When one cart's taxer computes each rate's tax in integers
    got = [t.amount_minor for t in _half_up_taxer(rates, inclusive)(amount)]
    # Then it is what the Decimal formulas give, half-up
    if inclusive:
        assert got == [round_half_up(Decimal(amount) * p / (100 + combined)) for p in percents]
    else:
        assert got == [percent_of(amount, p) for p in percents]
