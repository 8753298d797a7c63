"""Whether a cart is ready to check out (NewStore's ``ready``): a condition computed from the cart
and its priced totals, never a stored state, so it cannot go stale when a line, an address, a
shipping solution or a payment changes."""

from __future__ import annotations

from dataclasses import dataclass

from cart_core.cart import Cart
from cart_core.pricing import Totals

# What a checkout needs, each named as ``Readiness.missing`` names it. ``payment``: the payments
# cover less than the total; ``payment_excess``: more (a payment the order would not take in full
# is refused rather than kept: no caller is charged beyond the total).
LINES, SHIPPING, ADDRESS, PAYMENT, EXCESS = "lines", "shipping_solution", "address", "payment", "payment_excess"


@dataclass(frozen=True, slots=True)
class Readiness:
    missing: tuple[str, ...]
    # The total less what the payments cover (negative: paid beyond it); NewStore's remaining_amount.
    remaining_minor: int = 0

    @property
    def ready(self) -> bool:
        return not self.missing


def covered_minor(cart: Cart) -> int:
    """What the cart's payments cover: a live one counts for what it holds once authorized, a
    captured one for what was captured, any other for its amount; declined and voided ones count for
    nothing."""
    covered = 0
    for payment in cart.payments:
        if payment.status in ("declined", "voided"):
            continue
        if payment.status in ("authorized", "capturing"):
            covered += payment.authorized_minor or 0
        elif payment.status == "captured":
            covered += payment.captured_minor if payment.captured_minor is not None else payment.amount_minor
        else:
            covered += payment.amount_minor
    return covered


def readiness(cart: Cart, totals: Totals) -> Readiness:
    """Ready when the cart has lines; when any line ships, a shipping solution (a method that is not
    the in-store handover) and an address to ship to; and payments that cover the total exactly
    (``totals`` is what the order is charged: ``PricedCart.with_taxes``)."""
    missing = []
    if not cart.lines:
        missing.append(LINES)
    if cart.ships:
        if cart.shipping_solution is None:
            missing.append(SHIPPING)
        if not (cart.delivery_address and cart.delivery_address.address):
            missing.append(ADDRESS)
    remaining = totals.total_minor - covered_minor(cart)
    if remaining > 0:
        missing.append(PAYMENT)
    elif remaining < 0:
        missing.append(EXCESS)
    return Readiness(tuple(missing), remaining)


def describe(missing: tuple[str, ...]) -> str:
    """What ``missing`` lacks, in words a client can act on."""
    words = {
        LINES: "no products",
        SHIPPING: "no shipping solution for the items that ship",
        ADDRESS: "no shipping address for the items that ship",
        PAYMENT: "payments that do not cover the total",
        EXCESS: "payments above the total",
    }
    return "; ".join(words.get(name, name) for name in missing)
