"""Discount codes on a cart: which are valid, how they combine, and how placing an order counts them.

Validity (every code, every face; a code stored before these terms has none of them and is valid as
it always was), checked in Medusa's order, each a ``NotAllowed`` with Medusa's message:

    used ``usage_limit`` times → "Discount X has been used maximum allowed times"
    ``starts_ms`` in the future → "Discount X is not valid yet"
    ``ends_ms`` past           → "Discount X is expired"
    disabled (``active`` False) → "The discount code X is disabled"
    ``region_ids`` without the cart's region → "The discount is not available in current region"

How codes combine is the cart's vendor rule, chosen by its pricing policy (what the cart was created
by): a ``medusa_v1`` cart holds at most one regular code and one free-shipping code, a new one of a
kind replacing the old, and an unknown code is a 404; other carts stack every code given, and an
unknown or inactive one is refused as "Promo code X is not valid" (BLAZE, unchanged). A free-shipping
code is never a line discount: it sits in ``Cart.free_shipping`` and makes the shipping methods cost
0 (``shipping.reprice_for_free_shipping``). Line adjustments are the pricing policy's
(``pricing._medusa_lines``: Medusa's calculateDiscountForLineItem).

Uses are counted when the order is placed: one bounded ``Add`` per counted code on its item's
``uses`` attribute, in the order's own transaction, so the limit holds under any concurrency
(``stage_discount_uses``). Codes with neither a limit nor an id (every code stored before these
terms) are not counted, so placing a BLAZE order writes exactly what it did.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from cart_core.cart import (
    MAX_LINES,
    MAX_MANUAL_REASON_BYTES,
    AppliedDiscount,
    Cart,
    ManualDiscount,
    ManualKind,
)
from cart_core.catalog import DiscountCode, DiscountKind
from cart_core.errors import InvalidRequest, NotAllowed, NotFound
from cart_core.limits import ID_BYTES, Utf8Limit
from cart_core.money import from_decimal
from cart_core.ports import DISCOUNT_USES, Key
from cart_core.shipping import reprice_for_free_shipping
from cart_core.unit_of_work import Work


def problem(code: DiscountCode, region_id: str | None, now_ms: int) -> InvalidRequest | None:
    """Why ``code`` cannot apply to a cart in ``region_id`` at ``now_ms`` (Medusa's order), or None."""
    name = code.code
    if code.usage_limit is not None and code.usage_count >= code.usage_limit:
        return NotAllowed(f"Discount {name} has been used maximum allowed times")
    if code.starts_ms is not None and code.starts_ms > now_ms:
        return NotAllowed(f"Discount {name} is not valid yet")
    if code.ends_ms is not None and code.ends_ms < now_ms:
        return NotAllowed(f"Discount {name} is expired")
    if not code.active:
        return NotAllowed(f"The discount code {name} is disabled")
    if code.region_ids and region_id not in code.region_ids:
        # Medusa answers this one as invalid_data, not not_allowed.
        return InvalidRequest("The discount is not available in current region")
    return None


def applied(code: DiscountCode) -> AppliedDiscount:
    return AppliedDiscount(
        code=code.code,
        kind=code.kind,
        value=code.value,
        allocation=code.allocation,
        discount_id=code.discount_id,
        region_ids=code.region_ids,
    )


def keep_valid_in(cart: Cart, region_id: str | None) -> None:
    """Drop the codes not valid in ``region_id`` (Medusa, on a region change: the adjustments follow)."""
    cart.discounts = [d for d in cart.discounts if not d.region_ids or region_id in d.region_ids]
    free = cart.free_shipping
    if free is not None and free.region_ids and region_id not in free.region_ids:
        cart.free_shipping = None
        reprice_for_free_shipping(cart)


def apply_codes(
    cart: Cart, codes: Iterable[str], found: dict[str, DiscountCode], now_ms: int, region_id: str | None = None
) -> None:
    """Replace the cart's codes with ``codes`` (``found``: the catalog's, by upper-case code), by
    the cart's vendor rule (module docstring). ``region_id``: the region the cart is priced in
    (``regions.cart_region_id``: a cart stored before regions names none); default the cart's own."""
    region_id = region_id or cart.region_id
    medusa = cart.pricing_policy == "medusa_v1"
    # Medusa trims and upper-cases; other carts look a code up upper-cased and name it as given.
    wanted = [c.strip().upper() for c in codes if c and c.strip()] if medusa else [c for c in codes if c]
    if medusa:
        missing = [c for c in dict.fromkeys(wanted) if c not in found]
        if missing:
            raise NotFound(f"Discounts with code [{', '.join(missing)}] was not found")
    regular: list[AppliedDiscount] = []
    free: AppliedDiscount | None = None
    for name in wanted:
        code = found.get(name.upper())
        if code is None or (not medusa and not code.active):
            raise InvalidRequest(f"Promo code {name} is not valid")
        if error := problem(code, region_id, now_ms):
            raise error
        if code.kind is DiscountKind.FREE_SHIPPING:
            free = applied(code)
        elif medusa:
            regular = [applied(code)]  # one regular code: a later one replaces it
        else:
            regular.append(applied(code))
    cart.discounts = regular
    cart.free_shipping = free
    reprice_for_free_shipping(cart)


def remove_code(cart: Cart, code: str) -> bool:
    """Take the code named exactly ``code`` off the cart (Medusa's DELETE /discounts/{code}: no
    upper-casing); False if the cart has no such code (a no-op)."""
    if cart.free_shipping is not None and cart.free_shipping.code == code:
        cart.free_shipping = None
        reprice_for_free_shipping(cart)
        return True
    kept = [d for d in cart.discounts if d.code != code]
    if len(kept) == len(cart.discounts):
        return False
    cart.discounts = kept
    return True


def _counted(cart: Cart) -> list[AppliedDiscount]:
    """The cart's codes whose uses are counted: those with an id (every code made with Medusa's
    terms; codes stored before them have none and are neither read nor counted at placement)."""
    codes = [*cart.discounts, *([cart.free_shipping] if cart.free_shipping else [])]
    return [code for code in codes if code.discount_id is not None]


def code_reads(cart: Cart) -> frozenset[str]:
    """The codes to read with the cart when placing its order (only counted ones)."""
    return frozenset(code.code.upper() for code in _counted(cart))


def stage_discount_uses(
    work: Work, cart: Cart, found: dict[str, DiscountCode], now_ms: int, region_id: str | None = None
) -> None:
    """Stage one use of each counted code on ``work`` (the order's transaction), within its limit: a
    code used up meanwhile fails the write with Medusa's message, and nothing is placed. A code gone
    or no longer valid since it was applied refuses the order the same way."""
    for code in _counted(cart):
        stored = found.get(code.code.upper())
        if stored is None:
            raise NotFound(f"Discounts with code [{code.code}] was not found")
        if error := problem(stored, region_id or cart.region_id, now_ms):
            raise error
        name = stored.code
        work.add(
            Key.discount(cart.tenant_id, name),
            DISCOUNT_USES,
            1,
            maximum=stored.usage_limit,
            conflict=lambda name=name: NotAllowed(f"Discount {name} has been used maximum allowed times"),  # type: ignore[misc]
        )


# ----- manual reductions (NewStore's manual price modifiers) ---------------------------------------


class ManualDiscountEdit(BaseModel):
    """A manual reduction as a face gives it: ``value`` in minor units (``fixed``: per item of its
    line, or once for the order) or in percent; ``line_index``: the line's position among the cart's
    lines once the same edit's lines are applied (None: the order), since a line given in the same
    request has no id yet. ``given_by``: the associate giving it (the face's caller)."""

    kind: ManualKind
    value: Decimal = Field(gt=0, le=10_000_000)
    line_index: int | None = Field(default=None, ge=0, lt=MAX_LINES)
    reason: Annotated[str, Utf8Limit(MAX_MANUAL_REASON_BYTES)] = ""
    given_by: Annotated[str, Utf8Limit(ID_BYTES)] | None = None
    # A fixed ``value`` in the cart's currency units (13.78), converted with its currency when applied
    # (a face that speaks decimals and makes one core call without reading the cart first).
    currency_units: bool = False


ManualScope = Literal["order", "item"]
BOTH_SCOPES: tuple[ManualScope, ...] = ("order", "item")


def apply_manual_discounts(
    cart: Cart, given: list[ManualDiscountEdit], scopes: Sequence[ManualScope] = BOTH_SCOPES
) -> None:
    """Replace the cart's manual reductions of ``scopes`` (the order's, the items') with ``given``
    (empty: none of them); those of another scope stay (a request that gives only its products' item
    adjustments leaves the order's). At most one for the order
    and one per line; a percentage is at most 100; a fixed amount is whole minor units and at most
    what it reduces (an item's price, or the order's subtotal): a discount, never a surcharge. Any of
    these broken: ``InvalidRequest``, nothing changed. Only a cart priced by the ``newstore`` policy
    holds them (no other policy reads them)."""
    if cart.pricing_policy != "newstore":
        raise InvalidRequest("Manual price adjustments are only for carts priced by the newstore policy")
    for edit in given:
        if ("order" if edit.line_index is None else "item") not in scopes:
            raise InvalidRequest("A manual adjustment was given outside the scopes the request replaces")
    if sum(1 for g in given if g.line_index is None) > 1:
        raise InvalidRequest("At most one manual order-level adjustment can be applied per order")
    subtotal = sum(line.unit_total_minor * line.quantity for line in cart.lines)
    kept = [m for m in cart.manual_discounts if ("order" if m.line_id is None else "item") not in scopes]
    items = {m.line_id for m in kept if m.line_id is not None}
    given = [_in_minor_units(edit, cart.currency) for edit in given]
    for edit in given:
        if edit.kind == "percentage" and edit.value > 100:
            raise InvalidRequest("A percentage adjustment is at most 100")
        if edit.kind == "fixed" and edit.value != edit.value.to_integral_value():
            raise InvalidRequest("A fixed adjustment is a whole number of minor units")
        line_id = None
        if edit.line_index is not None:
            if edit.line_index >= len(cart.lines):
                raise InvalidRequest(f"No item {edit.line_index} to adjust: the order has {len(cart.lines)}")
            line = cart.lines[edit.line_index]
            if line.line_id in items:
                raise InvalidRequest("At most one manual item-level adjustment can be applied per item")
            items.add(line.line_id)
            line_id = line.line_id
            if edit.kind == "fixed" and edit.value > line.unit_total_minor:
                raise InvalidRequest("A manual item-level adjustment is at most the item's price")
        elif edit.kind == "fixed" and edit.value > subtotal:
            raise InvalidRequest("A manual order-level adjustment is at most the order's subtotal")
        kept.append(
            ManualDiscount(
                kind=edit.kind, value=edit.value, line_id=line_id, reason=edit.reason, given_by=edit.given_by
            )
        )
    cart.manual_discounts = kept


def _in_minor_units(edit: ManualDiscountEdit, currency: str) -> ManualDiscountEdit:
    if not (edit.currency_units and edit.kind == "fixed"):
        return edit
    return edit.model_copy(update={"value": Decimal(from_decimal(edit.value, currency)), "currency_units": False})


def keep_manual_discounts_of_lines(cart: Cart) -> None:
    """Drop the manual reductions of lines the cart no longer has (a line replaced or removed)."""
    if cart.manual_discounts:
        cart.manual_discounts = [m for m in cart.manual_discounts if m.line_id is None or cart.line(m.line_id)]
