"""Regions: moving an open cart to another region (its currency, taxes and payment providers).

The rules (docs/architecture.md, "Location and Region"):

- Only an editable (open) cart moves, and only to a region of the caller's tenant that its location
  offers: the location's default region or one it lists in ``region_ids`` (``regions.allowed_at``).
  ``region_id`` None moves the cart back to its location's default.
- The cart's currency becomes the region's. If it changes, every line is priced again from the
  catalog in the new currency (a product's price there: ``Product.price_in``); a product no longer
  sold, or with no price in that currency, refuses the move (InvalidRequest) and nothing changes.
  Percentage codes still apply; a fixed-amount code is an amount in the old currency and is dropped.
  A cart holding payments or adjustments (amounts in the old currency) cannot change currency
  (Conflict): those were agreed in it.
- The same currency: lines keep their prices; only the tax terms (and providers) change.
- Either way, as Medusa does on a region change: codes not valid in the new region, shipping methods (options of the old region), gift
  cards and payment sessions are removed, and a delivery address whose country the new region does not serve loses
  its country (or gets the region's only one). A region that lists no countries serves any.
"""

from __future__ import annotations

from cart_core.cart import Cart
from cart_core.catalog import DiscountKind
from cart_core.discounts import keep_valid_in
from cart_core.errors import Conflict, InvalidRequest
from cart_core.ports import ReadSet, Snapshot
from cart_core.regions import Region
from cart_core.tenancy import Caller
from cart_core.unit_of_work import Work
from cart_core.usecases.shared import (
    CartUseCases,
    PricedCart,
    home_currency,
    priced,
    region_of,
    require_cart,
    target_region,
)


class Regions(CartUseCases):
    def change_region(self, caller: Caller, cart_id: str, region_id: str | None) -> PricedCart:
        """Move the open cart ``cart_id`` to ``region_id`` (None: its location's default region).
        One read (a second, of the lines' products, only when the currency changes), one
        conditional write, retried from the read if the cart changed meanwhile."""

        def attempt(work: Work) -> PricedCart:
            reads = ReadSet(
                caller.tenant_id, caller.location_id, cart_id, region_ids=frozenset({region_id} if region_id else ())
            )
            snapshot = work.read(reads)
            cart = require_cart(snapshot, cart_id, caller.actor)
            cart.require_editable()
            target = _target_region(snapshot, caller, region_id)
            pinned = None if target.implicit else target.region_id
            if cart.region_id == pinned and region_of(cart, snapshot) == target:
                return priced(cart, snapshot)  # already there: nothing to write
            version = cart.version
            if target.currency != cart.currency:
                _change_currency(work, cart, snapshot, caller, target)
            keep_valid_in(cart, pinned)
            cart.shipping_methods = []
            cart.gift_cards = []
            cart.payment_sessions = []  # opened with the old region's providers and amount
            _fit_address(cart, target)
            cart.region_id = pinned
            staged = self._stage(work, cart, version, snapshot)
            work.commit()
            return staged

        return self._uow.run(attempt)


def _target_region(snapshot: Snapshot, caller: Caller, region_id: str | None) -> Region:
    location = snapshot.location
    assert location is not None
    return target_region(snapshot, location, region_id)


def _fit_address(cart: Cart, region: Region) -> None:
    address = cart.delivery_address
    if address is None or not region.countries or (address.country or "").upper() in region.countries:
        return
    only = region.countries[0] if len(region.countries) == 1 else None
    cart.delivery_address = address.model_copy(update={"country": only})


def _change_currency(work: Work, cart: Cart, snapshot: Snapshot, caller: Caller, target: Region) -> None:
    if cart.payments or cart.adjustments:
        raise Conflict(
            f"Cart {cart.cart_id} holds payments or adjustments in {cart.currency}; "
            f"it cannot move to a region in {target.currency}"
        )
    home = home_currency(snapshot, cart.currency)
    product_ids = frozenset(line.product_id for line in cart.lines)
    products = work.read(ReadSet(caller.tenant_id, caller.location_id, product_ids=product_ids)).products
    for line in cart.lines:
        product = products.get(line.product_id)
        if product is None or not product.active:
            raise InvalidRequest(f"Product {line.product_id} is no longer sold; remove it to change the region")
        unit_price = product.price_in(target.currency, home)
        if unit_price is None:
            raise InvalidRequest(f"Product {line.product_id} has no price in {target.currency}")
        if any(choice.price_minor for option in line.options for choice in option.choices):
            raise InvalidRequest(f"Line {line.line_id} has option prices in {cart.currency}; remove it first")
        line.unit_price_minor = unit_price
    cart.discounts = [d for d in cart.discounts if d.kind is not DiscountKind.FIXED]
    cart.currency = target.currency
