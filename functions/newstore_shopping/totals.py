"""NewStore's totals, per-item calculated prices and remaining amount, from the core's priced cart.

Amounts are integer minor units until the wire, where each becomes a JSON number in currency units
(``wire_amount``: a whole amount an int, 15 not 15.0; else the float whose shortest repr is the
exact decimal, 13.78): money is never computed in floats.

A NewStore cart is priced by the core's ``newstore`` policy (cart_core/pricing.py): every item (one
unit of a line) is priced alike, so a line's amounts are its quantity times an item's and
``calculated_price`` shows one item's. ``totals``:

    grand_total = subtotal − discount_total + shipping_total + tax_total      (tax_excluded)
    grand_total = subtotal − discount_total + shipping_total                  (tax_included)

``tax_total`` is all the tax (items and shipping), ``shipping_tax_amount`` its shipping part;
``subtotal`` the items at their prices before discounts. The seed's sample also prints ``sub_total:
0`` and ``tax_strategy: "avalara"`` in its create answer; they are not in the API's totals schema (GET
and PATCH answer the seven fields), name no figure of ours (a second subtotal of 0; a tax vendor we
do not call), so they are not echoed.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from cart_core.cart import IN_STORE_HANDOVER, AppliedDiscount, Cart, LineItem, ManualDiscount
from cart_core.money import exponent
from cart_core.pricing import MANUAL_ITEM, MANUAL_ORDER, LineAdjustment, PricedLine
from cart_core.readiness import covered_minor
from cart_core.usecases.shared import PricedCart

Amount = int | float


def wire_amount_of(currency: str) -> Callable[[int], Amount]:
    """Minor units → a JSON number in ``currency``'s units, exactly (int / int is the correctly
    rounded double, whose shortest repr is the decimal for any amount under 15 digits)."""
    scale = 10 ** exponent(currency)

    def amount(minor: int) -> Amount:
        return minor // scale if minor % scale == 0 else minor / scale

    return amount


def _number(value: Decimal) -> Amount:
    """A rate or a percentage as a JSON number (made from the exact decimal at the wire)."""
    return int(value) if value == value.to_integral_value() else float(value)


def price_method(priced: PricedCart) -> str:
    return "tax_included" if priced.totals.tax_inclusive else "tax_excluded"


def totals_of(priced: PricedCart) -> dict[str, Any]:
    """The cart's ``totals`` as NewStore names them."""
    t = priced.totals
    amount = wire_amount_of(t.currency)
    return {
        "price_method": price_method(priced),
        "subtotal": amount(t.subtotal_minor),
        "shipping_total": amount(t.shipping_total_minor),
        "shipping_tax_amount": amount(t.shipping_tax_total_minor),
        "discount_total": amount(t.discount_total_minor),
        "tax_total": amount(t.tax_total_minor),
        "grand_total": amount(t.total_minor),
    }


def remaining_minor(priced: PricedCart) -> int:
    """``grand_total`` less what the payments stand for (``readiness.covered_minor``, the measure
    readiness holds them to: a hold for what it holds, declined and voided ones for nothing);
    negative when they come to more (the cart is then not ready: payments must equal it)."""
    return priced.totals.total_minor - covered_minor(priced.cart)


def remaining_amount(priced: PricedCart) -> Amount:
    return wire_amount_of(priced.totals.currency)(remaining_minor(priced))


def shipping_solution_id(cart: Cart) -> str:
    """The solution the cart ships by (its option's id), ``in_store_handover``, or "" for none."""
    method = next(iter(cart.shipping_methods), None)
    if method is None:
        return ""
    if method.method_id == IN_STORE_HANDOVER:
        return IN_STORE_HANDOVER
    return method.option_id or method.method_id


def calculated_prices(priced: PricedCart) -> list[dict[str, Any]]:
    """Each line's ``calculated_price`` (one item's), in the cart's line order."""
    cart = priced.cart
    amount = wire_amount_of(priced.totals.currency)
    codes = {d.code: d for d in cart.discounts}
    manual = {m.line_id: m for m in cart.manual_discounts}
    inclusive = priced.totals.tax_inclusive
    # Each rate's wire fraction once per cart, not once per line (Rate: 0.045).
    rates = {t.percent: _number(t.percent / 100) for t in priced.totals.taxes_by_rate}
    return [
        _calculated_price(line, pl, amount, codes, manual, inclusive, rates)
        for line, pl in zip(cart.lines, priced.totals.lines, strict=True)
    ]


def _calculated_price(
    line: LineItem,
    pl: PricedLine,
    amount: Callable[[int], Amount],
    codes: dict[str, AppliedDiscount],
    manual: dict[str | None, ManualDiscount],
    inclusive: bool,
    rates: dict[Decimal, Amount],
) -> dict[str, Any]:
    q = line.quantity

    def each(total: int | Decimal) -> int:
        # The newstore policy prices every item alike: a line amount is q × an item's, exactly.
        return int(total) // q

    item_info: list[dict[str, Any]] = []
    order_info: list[dict[str, Any]] = []
    item_discount = order_discount = 0
    for adjustment in pl.adjustments:
        per_item = each(adjustment.amount)
        info, is_item = _discount_info(adjustment, per_item, amount, codes, manual, line.line_id)
        (item_info if is_item else order_info).append(info)
        if is_item:
            item_discount += per_item
        else:
            order_discount += per_item
    price = line.unit_total_minor
    net = price - item_discount - order_discount
    tax = sum(each(t.amount_minor) for t in pl.taxes)
    return {
        "item_price": amount(price),
        "item_list_price": amount(price),
        # What the tax is computed on: the discounted price, less its tax when prices include it.
        "item_tax_base": amount(net - tax if inclusive else net),
        "item_tax": amount(tax),
        "item_gross": amount(net if inclusive else net + tax),
        "item_discount": amount(item_discount),
        "item_order_discount": amount(order_discount),
        "item_discount_info": item_info or None,
        "item_order_discount_info": order_info or None,
        "gift_wrapping_price": 0,
        "gift_wrapping_tax": 0,
        "item_tax_details": [
            {
                "Name": t.name,
                "Rate": rates.get(t.percent) or _number(t.percent / 100),
                "Amount": amount(each(t.amount_minor)),
            }
            for t in pl.taxes
        ],
    }


def _discount_info(
    adjustment: LineAdjustment,
    per_item: int,
    amount: Callable[[int], Amount],
    codes: dict[str, AppliedDiscount],
    manual: dict[str | None, ManualDiscount],
    line_id: str,
) -> tuple[dict[str, Any], bool]:
    """One reduction of an item as NewStore's discount info, and whether it is item-level."""
    if adjustment.source == "manual":
        is_item = adjustment.code == MANUAL_ITEM
        rule = manual.get(line_id if is_item else None)
        kind: str = rule.kind if rule else "fixed"
        value = rule.value if rule else Decimal(per_item)
        return {
            "discount_ref": MANUAL_ITEM if is_item else MANUAL_ORDER,
            "coupon_code": None,
            "description": rule.reason if rule else "",
            "type": kind,
            "scope": "item" if is_item else "order",
            "original_value": _number(value) if kind == "percentage" else amount(int(value)),
            "price_adjustment": amount(per_item),
            "discount_source": "manual",
        }, is_item
    code = codes.get(adjustment.code)
    kind = str(code.kind) if code else "fixed"
    is_item = code is not None and code.allocation == "item" and kind == "fixed"
    value = code.value if code else Decimal(per_item)
    return {
        "discount_ref": (code.discount_id if code else None) or adjustment.code,
        "coupon_code": adjustment.code,
        "description": "",
        "type": kind,
        "scope": "item" if is_item else "order",
        "original_value": _number(value) if kind == "percentage" else amount(int(value)),
        "price_adjustment": amount(per_item),
        "discount_source": "coupon",
    }, is_item


def price_modifiers_of(cart: Cart, currency: str) -> dict[str, Any]:
    """The cart's ``price_modifiers`` as they were given: its coupon, its manual order adjustment."""
    amount = wire_amount_of(currency)
    answer: dict[str, Any] = {}
    coupons = [*cart.discounts, *([cart.free_shipping] if cart.free_shipping else [])]
    if coupons:
        answer["coupons"] = [{"code": d.code} for d in coupons]
    order = next((m for m in cart.manual_discounts if m.line_id is None), None)
    if order is not None:
        answer["manual_price_modifier"] = {
            "type": order.kind,
            "value": _number(order.value) if order.kind == "percentage" else amount(int(order.value)),
            "reason": order.reason,
        }
    return answer


def priced_fields(priced: PricedCart) -> dict[str, Any]:
    """What a cart answer carries of its pricing: ``totals``, ``remaining_amount``,
    ``shipping_solution_id`` and ``price_modifiers`` (the products' ``calculated_price`` come from
    ``calculated_prices``, in line order)."""
    return {
        "totals": totals_of(priced),
        "remaining_amount": remaining_amount(priced),
        "shipping_solution_id": shipping_solution_id(priced.cart),
        "price_modifiers": price_modifiers_of(priced.cart, priced.totals.currency),
    }
