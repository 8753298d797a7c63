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
from typing import TYPE_CHECKING, Any, Protocol

from cart_core.discounts import ManualDiscountEdit
from cart_core.errors import InvalidRequest
from cart_core.money import from_decimal
from cart_core.tenancy import Caller

if TYPE_CHECKING:
    from newstore_shopping.wire import CartIn

MAX_COUPONS = 1


class CouponIn(Protocol):
    @property
    def code(self) -> str: ...


class ManualModifierIn(Protocol):
    """NewStore's manual price modifier (wire.ManualPriceModifier), read only."""

    @property
    def type(self) -> str: ...
    @property
    def value(self) -> Decimal: ...
    @property
    def reason(self) -> str | None: ...


def manual_edit(
    modifier: ManualModifierIn, currency: str | None, line_index: int | None, associate_id: str | None
) -> ManualDiscountEdit:
    """One manual modifier as the core's edit: a fixed amount in minor units of ``currency`` (finer
    than its minor unit → 400), or, ``currency`` None, in currency units for the core to convert
    with the cart's; a percentage as given."""
    value = Decimal(modifier.value)
    if modifier.type == "fixed" and currency is not None:
        value = Decimal(from_decimal(value, currency))
    elif modifier.type not in ("fixed", "percentage"):
        raise InvalidRequest("A manual price modifier's type is fixed or percentage")
    if value <= 0:
        raise InvalidRequest("A manual price modifier is a discount above zero")
    return ManualDiscountEdit(
        kind="fixed" if modifier.type == "fixed" else "percentage",
        value=value,
        line_index=line_index,
        reason=modifier.reason or getattr(modifier, "description", None) or "",
        given_by=associate_id,
        currency_units=currency is None and modifier.type == "fixed",
    )


def price_modifier_edits(
    coupons: Sequence[CouponIn] | None,
    order_modifier: ManualModifierIn | None,
    item_modifiers: Sequence[ManualModifierIn | None] | None,
    currency: str | None,
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


def pricing_edits(body: CartIn, caller: Caller) -> dict[str, Any]:
    """The ``CartEdits`` fields a create or update body's pricing parts set: its coupon and manual
    adjustments (the order's, and each product's when products are given, in their order), its
    shipping solution and whether it is tax exempt. A fixed amount is in the cart's currency units: the core converts it with the
    cart's currency (``currency_units``), as the face does not read the cart before its one call."""
    fields = body.model_fields_set
    modifiers = body.price_modifiers if "price_modifiers" in fields else None
    items = (
        [p.price_modifiers.manual_price_modifier if p.price_modifiers else None for p in body.products or ()]
        if "products" in fields
        else None
    )
    edits = price_modifier_edits(
        modifiers.coupons if modifiers else None,
        modifiers.manual_price_modifier if modifiers else None,
        items,
        None,
        caller.actor.id,
        modifiers_given="price_modifiers" in fields,
    )
    if body.shipping_solution_id:  # "" or null: left as it is (the answer's "" means none chosen)
        edits["shipping_solution_id"] = body.shipping_solution_id
    if "tax_exempt" in fields and body.tax_exempt is not None:
        edits["tax_exempt"] = body.tax_exempt
    return edits
