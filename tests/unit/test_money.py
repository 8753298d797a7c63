from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blaze_cart.mapping import wire_number, wire_units
from cart_core.errors import InvalidRequest
from cart_core.money import allocate, exponent, from_decimal, percent_of, to_decimal

currencies = st.sampled_from(["USD", "EUR", "JPY", "KWD"])


@given(minor=st.integers(min_value=-(10**15), max_value=10**15), currency=currencies)
def test_minor_units_survive_a_round_trip_through_decimal(minor: int, currency: str) -> None:
    # Given an amount in minor units / When converted to decimal units and back / Then nothing is lost
    assert from_decimal(to_decimal(minor, currency), currency) == minor


def test_decimal_units_convert_exactly() -> None:
    assert to_decimal(1250, "USD") == Decimal("12.50")
    assert from_decimal(Decimal("12.5"), "USD") == 1250
    assert from_decimal("0.1", "USD") == 10
    assert from_decimal(500, "JPY") == 500
    assert from_decimal("1.234", "KWD") == 1234


@pytest.mark.parametrize("value", ["12.345", "0.001", "NaN", "Infinity", "abc"])
def test_amounts_finer_than_the_currency_or_not_numbers_are_refused(value: str) -> None:
    with pytest.raises(InvalidRequest):
        from_decimal(value, "USD")


def test_a_yen_amount_has_no_minor_unit() -> None:
    with pytest.raises(InvalidRequest):
        from_decimal("1.5", "JPY")


def test_percent_of_rounds_half_up_to_the_minor_unit() -> None:
    assert percent_of(250, Decimal("1")) == 3  # 2.5 -> 3
    assert percent_of(249, Decimal("1")) == 2  # 2.49 -> 2
    assert percent_of(2250, Decimal("6.25")) == 141  # 140.625 -> 141
    assert percent_of(2250, Decimal("2.00")) == 45


@given(
    total=st.integers(min_value=0, max_value=10**9),
    weights=st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=100),
)
def test_allocation_sums_to_the_total_and_follows_the_weights(total: int, weights: list[int]) -> None:
    shares = allocate(total, weights)
    if sum(weights) == 0:
        assert shares == [0] * len(weights)
        return
    assert sum(shares) == total
    for share, weight in zip(shares, weights, strict=True):
        exact = Decimal(total) * weight / sum(weights)
        assert abs(share - exact) < 1


@given(
    minor=st.integers(min_value=-(10**18), max_value=10**18),
    currency=st.sampled_from(["USD", "JPY", "KWD"]),
)
def test_blaze_wire_units_are_the_exact_decimals_json_number(minor: int, currency: str) -> None:
    # BLAZE's amounts leave as JSON numbers built without a Decimal per amount; they must be the very
    # number (type and value) the exact decimal gives
    expected = wire_number(to_decimal(minor, currency))
    got = wire_units(minor, 10 ** exponent(currency))
    assert got == expected and type(got) is type(expected) and repr(got) == repr(expected)


@given(numerator=st.integers(min_value=-(10**15), max_value=10**15), denominator=st.integers(1, 10**9))
def test_an_integer_ratio_rounds_half_up_as_a_decimal_does(numerator: int, denominator: int) -> None:
    # (within these bounds the Decimal quotient's 28 digits are finer than 1/denominator: it is exact enough)
    from cart_core.money import ratio_half_up, round_half_up

    assert ratio_half_up(numerator, denominator) == round_half_up(Decimal(numerator) / Decimal(denominator))
