"""Returns and exchanges: a cart may carry units of accepted orders handed back (NewStore's
``returns[]``), each credited at what the customer paid for it.

Pure (no storage): the models a cart stores (``ReturnItem``, ``Refund``), the order item ids, what a
unit of an order was paid, and what a cart's returns and new products come to. The use case that
validates returns against their orders, claims the returned items and refunds them is
``usecases/returns.py``.

- **Item ids.** Each unit of an order's line has an item id (NewStore's ``item_ids``): a UUID built
  from the order, the line and the unit's number, so the same order always shows the same ids and
  an id names its line and unit without a lookup table (``item_id``, ``locate``).
- **What a unit was paid.** A line's amount paid (its net after discounts, plus its tax when prices
  exclude it) split evenly over its units, the remainder one minor unit each to the first units, so
  a line's units add up to the line exactly (``unit_paid``).
- **Netting.** A cart's returns are a credit against its new products (``return_credit``): a return
  alone is a refund (its total is negative), a return with new products an exchange: the customer
  pays the difference or gets it refunded (``exchange``).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from cart_core.lifecycle import CartStatus

if TYPE_CHECKING:
    from cart_core.cart import Cart, LineItem
    from cart_core.pricing import Totals

# At most this many units returned by one cart: each is one claim in the placing transaction, which
# DynamoDB caps at 100 items (the cart, its order-number claim, the orders' documents and the
# claims share it).
MAX_RETURNS = 50
RETURN_REASON_BYTES = 256
ITEM_CONDITION_BYTES = 128
REFUND_METHOD_BYTES = 64
MAX_RETURN_CODE = 1_000_000

CartPurpose = Literal["sale", "return", "exchange"]
RefundStatus = Literal["pending", "refunded", "declined"]


class ReturnItem(BaseModel):
    """One unit of an accepted order handed back, as the cart stores it. The amounts are copied
    from the order when the return is added, so reads price the cart without the order."""

    order_id: str  # the order's cart id (storage form)
    item_id: str  # the unit's item id (``item_id``)
    line_id: str
    product_id: str
    title: str = ""
    reason: str
    item_condition: str | None = None
    return_code: int | None = None
    condition_code: int | None = None
    # What the customer paid for the unit (its tax included) and the part of it that was tax.
    paid_minor: int
    tax_minor: int = 0
    refund_minor: int  # credited for the unit: at most ``paid_minor``
    refund_method: str | None = None  # what the associate asked for (informational: refunds go back
    # to the order's own payments)
    # The order's expiry when the return was added: the claim on the unit lives as long.
    order_expires_at: int = 0


class Refund(BaseModel):
    """Money going back on one payment of an order, decided when the return cart is placed and
    asked of the payment provider after that write, with ``key`` as its idempotency key."""

    key: str
    order_id: str
    payment_key: str
    provider: str
    capture_reference: str | None
    amount_minor: int
    captured_minor: int  # what was captured on that payment (the processor never refunds more)
    status: RefundStatus = "pending"
    reference: str | None = None
    decline_reason: str | None = None


# ----- item ids ------------------------------------------------------------------------------
# Each unit of a product line is an item with its own UUID, stable, and nothing stored: the line's
# core id (12 bytes: cart_core.ids.InternalId) and the unit's index, laid out as an RFC 9562 version-8
# UUID the way the cart ids are (cart_core.ids.NewStoreCodec): bytes 0-5 of the line id in custom_a,
# the unit index (0-4095) in custom_b, a 14-bit marker and bytes 6-11 in custom_c. So an item id a
# client sends back (a product line's ``item_ids``, a return's ``item_id``) names its line and unit
# without a read, and the same line always shows the same ids. A line id that is not an internal id
# (none is made so today) gets name-based UUIDs (uuid5 of the cart and line), which name no line.
# (The NewStore face re-exports it from ``item_ids.py``: returns need it in the core.)

ITEM_MARKER = 0x1E75  # 14 bits: an item id, not a cart id (cart_core.ids uses 0x2A17)
MAX_UNITS = 4096
_HEX24 = re.compile(r"[0-9a-f]{24}")
_NAMESPACE = uuid.UUID("6f0a3c1e-52b4-4d0e-9b7c-2f1d8e4a9c30")  # fixed: the fallback's uuid5 namespace


def item_id(cart_id: str, line_id: str, unit: int) -> str:
    """The id of unit ``unit`` (0-based) of line ``line_id`` of cart ``cart_id``. Units past
    ``MAX_UNITS`` (a line of up to 10,000 made through another face) get a stable name-based id that
    names no line (``line_of``: None), so they show but cannot be returned through NewStore."""
    if unit < 0:
        raise ValueError(f"unit {unit} out of range")
    if unit >= MAX_UNITS or not _HEX24.fullmatch(line_id):
        return str(uuid.uuid5(_NAMESPACE, f"{cart_id}/{line_id}/{unit}"))
    raw = bytes.fromhex(line_id)
    head, tail = int.from_bytes(raw[:6], "big"), int.from_bytes(raw[6:], "big")
    value = head << 80 | 8 << 76 | unit << 64 | 0b10 << 62 | ITEM_MARKER << 48 | tail
    return str(uuid.UUID(int=value))


def item_ids(cart_id: str, line_id: str, quantity: int) -> list[str]:
    """The item id of each unit of a line, in unit order (NewStore's ``item_ids``)."""
    return [item_id(cart_id, line_id, unit) for unit in range(quantity)]


def line_of(item: str) -> tuple[str, int] | None:
    """The line id and unit an item id names, or None for a string that is not one of our item ids."""
    try:
        value = uuid.UUID(item).int
    except (ValueError, AttributeError, TypeError):
        return None
    if (value >> 76) & 0xF != 8 or (value >> 62) & 0b11 != 0b10 or (value >> 48) & 0x3FFF != ITEM_MARKER:
        return None
    raw = (value >> 80).to_bytes(6, "big") + (value & (2**48 - 1)).to_bytes(6, "big")
    return raw.hex(), (value >> 64) & 0xFFF


def locate(order: Cart, given: str) -> tuple[LineItem, int] | None:
    """The line of ``order`` and the unit number ``given`` names, or None (not one of its units)."""
    named = line_of(given)
    if named is None:
        return None
    line_id, unit = named
    line = order.line(line_id)
    if line is None or unit >= line.quantity or item_id(order.cart_id, line_id, unit) != given.lower():
        return None
    return line, unit


# ----- what a unit was paid ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnitPaid:
    paid_minor: int  # tax included
    tax_minor: int


def _share(total: int, count: int, index: int) -> int:
    base, remainder = divmod(total, count)
    return base + (1 if index < remainder else 0)


def unit_paid(order_totals: Totals, line: LineItem, unit: int) -> UnitPaid:
    """What the customer paid for unit ``unit`` of ``line`` in the order priced as ``order_totals``:
    the line's net after discounts plus its tax when prices exclude it, split over its units (the
    first units take the remainder's minor units)."""
    priced = next(pl for pl in order_totals.lines if pl.line_id == line.line_id)
    paid = priced.net_minor + (0 if order_totals.tax_inclusive else priced.tax_minor)
    return UnitPaid(_share(paid, line.quantity, unit), _share(priced.tax_minor, line.quantity, unit))


# ----- which orders take returns ------------------------------------------------------------


def accepted(order: Cart) -> bool:
    """Whether ``order`` is an accepted order whose units may be returned: paid (its cards
    captured), or accepted with every payment it kept captured already (money taken elsewhere,
    NewStore's ``captured`` payments, which leave it validated). A cash order still to be paid at
    pickup, a cart never placed, a refund (no payments) are not."""
    if order.submitted_ms is None or not order.lines:
        return False
    if order.status in (CartStatus.PAID, CartStatus.COMPLETED):
        return True
    kept = [p for p in order.payments if p.status not in ("declined", "voided")]
    return order.status is CartStatus.VALIDATED and bool(kept) and all(p.status == "captured" for p in kept)


# ----- a cart's netting (its purpose: ``Cart.purpose``) --------------------------------------------------------


def return_credit(cart: Cart) -> int:
    """What the cart's returns credit the customer (minor units, tax included)."""
    return sum(item.refund_minor for item in cart.returns)


def net_due(totals: Totals) -> int:
    """What the customer owes once the returns are credited against the new products (pricing
    takes the credit from the total: ``Totals.return_credit_minor``): positive, paid with
    payments; negative, refunded."""
    return totals.total_minor


@dataclass(frozen=True, slots=True)
class Exchange:
    """NewStore's ``exchange {type, amount}``: who pays the difference of an exchange."""

    type: Literal["customer_pays", "refund", "even"]
    amount_minor: int  # ≥ 0


def exchange(cart: Cart, totals: Totals) -> Exchange | None:
    """The difference of an exchange (None for a sale or a return alone)."""
    if cart.purpose != "exchange":
        return None
    due = net_due(totals)
    if due > 0:
        return Exchange("customer_pays", due)
    return Exchange("refund", -due) if due < 0 else Exchange("even", 0)


def refund_due(cart: Cart, totals: Totals) -> int:
    """What placing the cart refunds (0 when the customer pays or nothing changes hands)."""
    return max(0, -net_due(totals)) if cart.returns else 0


def refunds_when_placed(cart: Cart, totals: Totals) -> bool:
    """Whether placing the cart refunds (a return alone, or an exchange worth less than what comes
    back): it is then placed by ``Returns.place``, takes no payments, and is ready with its returns
    alone; any other cart is a sale for readiness and placing."""
    return bool(cart.returns) and (not cart.lines or totals.total_minor < 0)


ReturnStatusName = Literal["pending", "completed", "failed"]


def return_status(cart: Cart) -> tuple[ReturnStatusName, Refund | None] | None:
    """Where the cart's return stands (NewStore's ``return_status``): ``pending`` until it is
    placed and its refunds answered, ``completed`` once placed with every refund approved (or
    nothing to refund: an exchange the customer paid the difference of), ``failed`` when a refund was
    declined (with the first declined one); None for a cart without returns."""
    if not cart.returns:
        return None
    declined = next((r for r in cart.refunds if r.status == "declined"), None)
    if declined is not None:
        return "failed", declined
    placed = cart.submitted_ms is not None and cart.status in _ACCEPTED
    if placed and all(r.status == "refunded" for r in cart.refunds):
        return "completed", None
    return "pending", None


_ACCEPTED = frozenset({CartStatus.VALIDATED, CartStatus.PAID, CartStatus.COMPLETED})


__all__ = [
    "MAX_RETURNS",
    "Exchange",
    "Refund",
    "ReturnItem",
    "UnitPaid",
    "accepted",
    "exchange",
    "item_id",
    "item_ids",
    "locate",
    "net_due",
    "refund_due",
    "refunds_when_placed",
    "return_credit",
    "return_status",
    "unit_paid",
]
