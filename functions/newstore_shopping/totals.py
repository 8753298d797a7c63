"""The cart's ``totals`` and ``remaining_amount`` in NewStore's shape (decimal units).

PLACEHOLDER of the skeleton: helper ns_pricing owns this module and replaces it (price_method,
per-item calculated_price, tax details, shipping, discounts).
"""

from __future__ import annotations

from typing import Any

from cart_core.money import to_decimal
from cart_core.usecases.shared import PricedCart


def money(minor: int, currency: str) -> int | float:
    """Decimal units as a JSON number (13.78, 30): the float made here, at the wire, from the exact
    decimal (its shortest repr is that decimal for any amount under 15 significant digits)."""
    value = to_decimal(minor, currency)
    return int(value) if value == value.to_integral_value() else float(value)


def cart_totals(priced: PricedCart) -> dict[str, Any]:
    totals, currency = priced.totals, priced.cart.currency
    return {
        "price_method": "tax_included" if totals.tax_inclusive else "tax_excluded",
        "subtotal": money(totals.subtotal_minor, currency),
        "shipping_total": money(totals.shipping_total_minor, currency),
        "shipping_tax_amount": money(totals.shipping_tax_total_minor, currency),
        "discount_total": money(totals.discount_total_minor, currency),
        "tax_total": money(totals.tax_total_minor, currency),
        "grand_total": money(totals.total_minor, currency),
    }


def remaining_amount(priced: PricedCart) -> int | float:
    totals = priced.totals
    return money(max(totals.total_minor - totals.paid_minor, 0), priced.cart.currency)
