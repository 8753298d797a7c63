"""Stock at order placement: what the order takes from each variant's inventory, staged as ``Add``
intents on the placing write, so stock is reserved in the same transaction as the order.

A line records how its variant counts stock when it is added (``LineItem.stock``): "managed" takes
from the stock and never below zero (a shortfall refuses the whole order: ``InsufficientInventory``,
nothing written, the holds released), "backorder" takes from it past zero, None (a variant that does
not manage inventory, every product stored before variants) is not counted. No read is needed: the
bound is the write's condition, so two orders racing for the last unit cannot both be placed.
"""

from __future__ import annotations

from cart_core.cart import Cart
from cart_core.errors import InsufficientInventory
from cart_core.ports import INVENTORY, Key
from cart_core.unit_of_work import Work


def reservations(cart: Cart) -> dict[str, tuple[int, bool]]:
    """Variant id → (quantity the order takes, whether it may go below zero), for counted lines."""
    taken: dict[str, tuple[int, bool]] = {}
    for line in cart.lines:
        if line.stock is None:
            continue
        quantity, backorder = taken.get(line.product_id, (0, True))
        taken[line.product_id] = (quantity + line.quantity, backorder and line.stock == "backorder")
    return taken


def stage_reservations(work: Work, cart: Cart) -> None:
    for variant_id, (quantity, backorder) in sorted(reservations(cart).items()):
        work.add(
            Key.product(cart.tenant_id, variant_id),
            INVENTORY,
            -quantity,
            minimum=None if backorder else 0,
            conflict=lambda variant_id=variant_id: InsufficientInventory(variant_id),  # type: ignore[misc]
        )
