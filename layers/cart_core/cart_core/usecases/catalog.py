"""Catalog: what a product costs at the caller's location."""

from __future__ import annotations

from cart_core.errors import NotFound
from cart_core.ports import ReadSet
from cart_core.tenancy import Caller
from cart_core.usecases.shared import CartUseCases, require_location


class Catalog(CartUseCases):
    def product_cost(self, caller: Caller, product_id: str, quantity: int) -> tuple[int, str]:
        """Unit price × quantity before tax, in minor units of the currency of the location's default
        region (its own currency, if it was stored before regions). One read."""
        snapshot = self._uow.once().read(
            ReadSet(caller.tenant_id, caller.location_id, product_ids=frozenset({product_id}))
        )
        product = snapshot.products.get(product_id)
        if product is None or not product.active:
            raise NotFound(f"Product {product_id} not found")
        require_location(snapshot, caller)
        region = snapshot.default_region
        if region is None:
            raise NotFound(f"The default region of location {caller.location_id} does not exist")
        unit_price = product.price_in(region.currency, region.currency)
        if unit_price is None:
            raise NotFound(f"Product {product_id} has no price in {region.currency}")
        return unit_price * quantity, region.currency
