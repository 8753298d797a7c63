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

import hashlib
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

_UNIT_BYTES = 4
_MAX_UNITS = 2 ** (8 * _UNIT_BYTES)


def _line_digest(order_id: str, line_id: str) -> bytes:
    return hashlib.sha256(f"item:{order_id}:{line_id}".encode()).digest()[:12]


def item_id(order_id: str, line_id: str, unit: int) -> str:
    """The id of unit ``unit`` (0-based) of line ``line_id`` of order ``order_id``: a version-8 UUID
    whose first 12 bytes hash the order and line and whose last 4 count the unit. Deterministic, so
    the order shows the same ids on every read; reversible (``locate``) without storing them."""
    if not 0 <= unit < _MAX_UNITS:
        raise ValueError(f"unit {unit} out of range")
    raw = bytearray(_line_digest(order_id, line_id) + unit.to_bytes(_UNIT_BYTES, "big"))
    raw[6] = (raw[6] & 0x0F) | 0x80  # version 8 (RFC 9562: custom)
    raw[8] = (raw[8] & 0x3F) | 0x80  # the RFC variant
    return str(uuid.UUID(bytes=bytes(raw)))


def item_ids(order_id: str, line: LineItem) -> list[str]:
    """The item id of each unit of ``line``, in unit order (NewStore's ``item_ids``)."""
    return [item_id(order_id, line.line_id, unit) for unit in range(line.quantity)]


def locate(order: Cart, given: str) -> tuple[LineItem, int] | None:
    """The line of ``order`` and the unit number ``given`` names, or None (not one of its ids)."""
    try:
        raw = uuid.UUID(given).bytes
    except (ValueError, AttributeError, TypeError):
        return None
    unit = int.from_bytes(raw[12:], "big")
    for line in order.lines:
        if unit < line.quantity and item_id(order.cart_id, line.line_id, unit) == str(uuid.UUID(bytes=raw)):
            return line, unit
    return None


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
