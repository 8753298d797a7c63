"""NewStore's ``price_modifiers`` → the core's edits (one coupon, manual adjustments).

- ``coupons: [{code}]`` → ``CartEdits.discount_codes``: at most one (more → 400, the seed's limit);
  the core refuses a code the tenant does not have or that is inactive (400, "Promo code X is not
  valid"). A free-shipping code makes the shipping solutions cost 0.
- ``manual_price_modifier`` (the order's) and a product's own manual modifier (its item-level one)
  → ``CartEdits.manual_discounts``: ``fixed`` in currency units (per item for an item-level one) or
  ``percentage``; a discount only (the core bounds it: ``discounts.apply_manual_discounts``). The
  associate calling (the face's caller) is who gives it; their id is recorded.

A coupon and manual adjustments apply together (the seed's limitations). Absent ``price_modifiers``
leaves the cart's coupon and order adjustment as they are; given, it replaces them (an empty object
clears them). Products given replace the items' adjustments with theirs (a product's modifier names
its item by its position among them); products absent leave them.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Protocol

from cart_core.discounts import ManualDiscountEdit
from cart_core.errors import InvalidRequest
from cart_core.money import from_decimal

MAX_COUPONS = 1


class CouponIn(Protocol):
    code: str


class ManualModifierIn(Protocol):
    type: str
    value: Decimal
    reason: str | None


def manual_edit(
    modifier: ManualModifierIn, currency: str, line_index: int | None, associate_id: str | None
) -> ManualDiscountEdit:
    """One manual modifier as the core's edit: a fixed amount in minor units (finer than the
    currency's minor unit → 400), a percentage as given."""
    value = Decimal(modifier.value)
    if modifier.type == "fixed":
        value = Decimal(from_decimal(value, currency))
    elif modifier.type != "percentage":
        raise InvalidRequest("A manual price modifier's type is fixed or percentage")
    if value <= 0:
        raise InvalidRequest("A manual price modifier is a discount above zero")
    return ManualDiscountEdit(
        kind="fixed" if modifier.type == "fixed" else "percentage",
        value=value,
        line_index=line_index,
        reason=modifier.reason or "",
        given_by=associate_id,
    )


def price_modifier_edits(
    coupons: Sequence[CouponIn] | None,
    order_modifier: ManualModifierIn | None,
    item_modifiers: Sequence[ManualModifierIn | None] | None,
    currency: str,
    associate_id: str | None,
    *,
    modifiers_given: bool,
) -> dict[str, Any]:
    """The ``CartEdits`` fields a request's price modifiers set: ``coupons`` and ``order_modifier``
    from its ``price_modifiers`` (``modifiers_given``: the request had the object), ``item_modifiers``
    from its products, in order (None: no products given)."""
    edits: dict[str, Any] = {}
    if modifiers_given:
        codes = [c.code for c in coupons or ()]
        if len(codes) > MAX_COUPONS:
            raise InvalidRequest("At most one discount coupon can be applied per order")
        edits["discount_codes"] = codes
    manual: list[ManualDiscountEdit] = []
    if modifiers_given and order_modifier is not None:
        manual.append(manual_edit(order_modifier, currency, None, associate_id))
    for index, modifier in enumerate(item_modifiers or ()):
        if modifier is not None:
            manual.append(manual_edit(modifier, currency, index, associate_id))
    scopes = [scope for scope, given in (("order", modifiers_given), ("item", item_modifiers is not None)) if given]
    if scopes:
        edits["manual_discounts"] = manual
        edits["manual_discount_scopes"] = tuple(scopes)
    return edits
