"""Whether a cart is ready to check out (NewStore's ``ready``): a condition computed from the cart
and its priced totals, never a stored state, so it cannot go stale when a line, an address or a
payment changes."""

from __future__ import annotations

from dataclasses import dataclass

from cart_core.cart import Cart
from cart_core.pricing import Totals

# What a checkout needs, each named as ``Readiness.missing`` names it.
LINES, ADDRESS, PAYMENT = "lines", "address", "payment"


@dataclass(frozen=True, slots=True)
class Readiness:
    missing: tuple[str, ...]

    @property
    def ready(self) -> bool:
        return not self.missing


def readiness(cart: Cart, totals: Totals) -> Readiness:
    """Ready when the cart has lines, an address if its fulfillment goes somewhere (delivery,
    shipping), and payments that cover the total: each live payment counts for what it holds once
    authorized, else for its amount; declined and voided ones count for nothing."""
    missing = []
    if not cart.lines:
        missing.append(LINES)
    if cart.fulfillment in ("delivery", "ship") and not (cart.delivery_address and cart.delivery_address.address):
        missing.append(ADDRESS)
    covered = sum(
        (payment.authorized_minor or 0) if payment.status in ("authorized", "capturing") else payment.amount_minor
        for payment in cart.payments
        if payment.status not in ("declined", "voided")
    )
    if covered < totals.total_minor:
        missing.append(PAYMENT)
    return Readiness(tuple(missing))
