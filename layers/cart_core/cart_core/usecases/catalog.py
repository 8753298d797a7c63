"""Catalog: what a product costs at the caller's location."""

from __future__ import annotations

from cart_core.errors import NotFound
from cart_core.ports import ReadSet
from cart_core.tenancy import Caller
from cart_core.usecases.shared import CartUseCases, require_location


class Catalog(CartUseCases):
    def product_cost(self, caller: Caller, product_id: str, quantity: int) -> tuple[int, str]:
        """Unit price × quantity before tax, in minor units of the location's currency. One read."""
        snapshot = self._uow.once().read(
            ReadSet(caller.tenant_id, caller.location_id, product_ids=frozenset({product_id}))
        )
        product = snapshot.products.get(product_id)
        if product is None or not product.active:
            raise NotFound(f"Product {product_id} not found")
        return product.price_minor * quantity, require_location(snapshot, caller).currency
