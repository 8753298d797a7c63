"""Money as integer minor units. Decimals appear only at the edges, for faces that speak them."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from cart_core.errors import InvalidRequest

# ISO 4217 minor-unit exponents that differ from the usual 2.
_EXPONENTS = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3}


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency.upper(), 2)


def to_decimal(minor: int, currency: str) -> Decimal:
    """Exact: 1250 USD minor units -> Decimal('12.50')."""
    return Decimal(minor).scaleb(-exponent(currency))


def from_decimal(value: Decimal | int | str, currency: str) -> int:
    """Exact conversion to minor units; refuses values finer than the currency's minor unit."""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidRequest(f"'{value}' is not an amount") from None
    if not amount.is_finite():
        raise InvalidRequest(f"'{value}' is not an amount")
    scaled = amount.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise InvalidRequest(f"{value} has more decimals than {currency} allows")
    return int(scaled)


def round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def ratio_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` (``denominator`` > 0) rounded half-up (half away from zero), as
    ``round_half_up`` rounds: exact integer arithmetic, no Decimal."""
    whole, rest = divmod(abs(numerator), denominator)
    if 2 * rest >= denominator:
        whole += 1
    return whole if numerator >= 0 else -whole


def percent_of(minor: int, percent: Decimal) -> int:
    """``percent`` % of an amount, rounded half-up to the minor unit (half away from zero)."""
    return round_half_up(Decimal(minor) * percent / 100)


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` so that the parts sum to ``total`` exactly.

    Largest-remainder method; ties go to the earlier weight so the result is deterministic.
    """
    if not weights:
        return []
    weight_sum = sum(weights)
    if weight_sum == 0 or total == 0:  # nothing to split (most carts have no discount): no sort
        return [0] * len(weights)
    shares = [total * w // weight_sum for w in weights]
    remainders = [(total * w % weight_sum, -i) for i, w in enumerate(weights)]
    for _, negative_index in sorted(remainders, reverse=True)[: total - sum(shares)]:
        shares[-negative_index] += 1
    return shares
