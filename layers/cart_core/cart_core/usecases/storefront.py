"""The storefront: what a shopper browses before and around a cart (regions, products with their
variants and prices, a cart's shipping options), and the cart changes that come from it (choosing a
shipping option, taking a discount code off). Vendor-neutral: Medusa's face maps its store routes
onto these, NewStore's and Fluid Pay's will too.

Reads are one Query on the tenant's partition (regions, options, a page of products) plus one batched
read (the location and its default region, the page's variants); nothing here scans.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cart_core.cart import Cart
from cart_core.catalog import Product
from cart_core.customers import Customer, is_customer_id
from cart_core.discounts import remove_code
from cart_core.errors import InvalidRequest, NotFound
from cart_core.ports import ReadSet, Snapshot
from cart_core.regions import Region, implicit_region
from cart_core.shipping import ShippingOption, choose, options_for, solutions_for
from cart_core.storefront import MAX_PAGE, MAX_PRODUCTS_OFFSET, StoreProduct, variants_of
from cart_core.tenancy import Caller
from cart_core.unit_of_work import Work
from cart_core.usecases.carts import refresh_session_amounts
from cart_core.usecases.shared import CartUseCases, PricedCart, home_currency, priced, require_cart, require_location


@dataclass(frozen=True, slots=True)
class ProductView:
    """A storefront product with its sold variants, and the currency (and region, whose tax rates
    apply) its prices were asked in; ``home_currency``: what a variant's unqualified price is in."""

    product: StoreProduct
    variants: tuple[Product, ...]
    home_currency: str
    currency: str | None = None
    region: Region | None = None

    def price_of(self, variant: Product) -> int | None:
        """The variant's price in the asked currency (None: none asked, or no price there)."""
        return None if self.currency is None else variant.price_in(self.currency, self.home_currency)

    def prices_of(self, variant: Product) -> dict[str, int]:
        """Every price the variant has, by currency."""
        prices = {variant.currency or self.home_currency: variant.price_minor}
        prices.update(variant.prices)
        return prices


@dataclass(frozen=True, slots=True)
class LineCatalog:
    """What the catalog holds now for a cart's lines: each line's variant (with its stock figure) and
    the storefront product it belongs to, by id. A variant or product no longer stored is absent
    (a face then shows what the line recorded)."""

    variants: dict[str, Product]
    products: dict[str, StoreProduct]
    # The cart's customer, when asked for (``with_customer``) and stored under the cart's tenant.
    customer: Customer | None = None


# Filters look at no more than this many products (a tenant's first, by id).
MAX_FILTERED = 1000


@dataclass(frozen=True, slots=True)
class ProductFilter:
    """Medusa's product list filters a storefront uses: ids, a handle, a title, free text over title
    and description (case-insensitive), gift cards only or none."""

    ids: frozenset[str] = frozenset()
    handle: str | None = None
    title: str | None = None
    q: str | None = None
    is_giftcard: bool | None = None

    @property
    def active(self) -> bool:
        return bool(self.ids) or any(v is not None for v in (self.handle, self.title, self.q, self.is_giftcard))

    def matches(self, product: StoreProduct) -> bool:
        if self.ids and product.product_id not in self.ids:
            return False
        if self.handle is not None and product.handle != self.handle:
            return False
        if self.title is not None and product.title != self.title:
            return False
        if self.is_giftcard is not None and product.is_giftcard != self.is_giftcard:
            return False
        if self.q is not None:
            text = f"{product.title} {product.description or ''} {product.subtitle or ''}".lower()
            return self.q.lower() in text
        return True


@dataclass(frozen=True, slots=True)
class ProductPage:
    products: tuple[ProductView, ...]
    count: int
    offset: int
    limit: int


class Storefront(CartUseCases):
    # ----- regions ---------------------------------------------------------------------------

    def regions(self, caller: Caller) -> list[Region]:
        """The tenant's regions (one store per tenant); a tenant with none stored has its location's
        implicit one."""
        work = self._uow.once()
        regions = work.regions(caller.tenant_id)
        if regions:
            return regions
        snapshot = work.read(ReadSet(caller.tenant_id, caller.location_id))
        return [implicit_region(require_location(snapshot, caller))]

    def region(self, caller: Caller, region_id: str) -> Region:
        snapshot = self._uow.once().read(
            ReadSet(caller.tenant_id, caller.location_id, region_ids=frozenset({region_id}))
        )
        region = snapshot.regions.get(region_id)
        if region is None:
            location = snapshot.location
            if location is not None and location.default_region_id is None and region_id == location.location_id:
                return implicit_region(location)
            raise NotFound(f"Region with {region_id} was not found")
        return region

    # ----- products --------------------------------------------------------------------------

    def products(
        self,
        caller: Caller,
        offset: int = 0,
        limit: int = MAX_PAGE,
        region_id: str | None = None,
        currency: str | None = None,
        filters: ProductFilter | None = None,
    ) -> ProductPage:
        """A page of the tenant's products (by id), each with its sold variants, priced in
        ``region_id``'s currency, else ``currency``; one Query, one count, one batched read. With
        ``filters``, the first ``MAX_FILTERED`` products are read and filtered, then paged."""
        if not 0 <= offset <= MAX_PRODUCTS_OFFSET:
            raise InvalidRequest(f"offset must be 0 to {MAX_PRODUCTS_OFFSET}")
        if not 0 <= limit <= MAX_PAGE:
            raise InvalidRequest(f"limit must be 0 to {MAX_PAGE}")
        work = self._uow.once()
        if filters is not None and filters.active:
            every, _ = work.store_products(caller.tenant_id, 0, MAX_FILTERED)
            matching = [product for product in every if filters.matches(product)]
            page, count = matching[offset : offset + limit], len(matching)
        else:
            page, count = work.store_products(caller.tenant_id, offset, limit)
        variant_ids = frozenset(v for product in page for v in product.variant_ids)
        snapshot = self._context(work, caller, variant_ids, region_id)
        views = tuple(self._view(product, snapshot, region_id, currency) for product in page)
        return ProductPage(views, count, offset, limit)

    def product(
        self, caller: Caller, product_id: str, region_id: str | None = None, currency: str | None = None
    ) -> ProductView:
        work = self._uow.once()
        product = work.store_product(caller.tenant_id, product_id)
        if product is None:
            raise NotFound(f"Product with id: {product_id} was not found")
        snapshot = self._context(work, caller, frozenset(product.variant_ids), region_id)
        return self._view(product, snapshot, region_id, currency)

    @staticmethod
    def _context(work: Work, caller: Caller, variant_ids: frozenset[str], region_id: str | None) -> Snapshot:
        snapshot = work.read(
            ReadSet(
                caller.tenant_id,
                caller.location_id,
                product_ids=variant_ids,
                region_ids=frozenset({region_id} if region_id else ()),
            )
        )
        require_location(snapshot, caller)
        if region_id and region_id not in snapshot.regions:
            raise NotFound(f"Region with {region_id} was not found")
        return snapshot

    @staticmethod
    def _view(product: StoreProduct, snapshot: Snapshot, region_id: str | None, currency: str | None) -> ProductView:
        region = snapshot.regions.get(region_id) if region_id else None
        home = home_currency(snapshot, "USD")
        asked = region.currency if region is not None else (currency.upper() if currency else None)
        return ProductView(product, tuple(variants_of(product, snapshot.products)), home, asked, region)

    def line_catalog(self, cart: Cart, *, with_customer: bool = False) -> LineCatalog:
        """The variants and products ``cart``'s lines name, as the catalog holds them now (a face
        shows a line's variant with its current stock, its product with its thumbnail and handle),
        and, ``with_customer``, the cart's customer (its owner, else the guest customer its email
        made). One batched read, none for a cart without lines or a customer to read; the cart was
        read by whoever may see it."""
        variant_ids = frozenset(line.product_id for line in cart.lines)
        customer_id = (cart.owner_id or cart.guest_customer_id) if with_customer else None
        if not is_customer_id(customer_id):
            customer_id = None
        if not variant_ids and customer_id is None:
            return LineCatalog({}, {})
        group_ids = frozenset(line.group_id for line in cart.lines if line.group_id)
        snapshot = self._uow.once().read(
            ReadSet(
                cart.tenant_id,
                cart.location_id,
                product_ids=variant_ids,
                store_product_ids=group_ids,
                customer_id=customer_id,
            )
        )
        return LineCatalog(dict(snapshot.products), dict(snapshot.store_products), snapshot.customer)

    # ----- shipping --------------------------------------------------------------------------

    def shipping_options(self, caller: Caller, cart_id: str) -> tuple[PricedCart, list[ShippingOption]]:
        """The options the cart may choose now (``shipping.options_for``), with the cart they were
        judged for (faces price the options' tax in its region)."""
        work = self._uow.once()
        snapshot = work.read(ReadSet(caller.tenant_id, caller.location_id, cart_id))
        cart = require_cart(snapshot, cart_id, caller.actor, reading=True)
        current = priced(cart, snapshot)
        region_id = None if current.region.implicit else current.region.region_id
        options = options_for(work.shipping_options(caller.tenant_id), cart, region_id, current.totals.subtotal_minor)
        return current, options

    def shipping_solutions(self, caller: Caller, cart_id: str) -> tuple[PricedCart, list[ShippingOption]]:
        """NewStore's shipping solutions for the cart: the options of the region it is priced in (a
        location priced by its own terms: the options filed under its id), requirements met, none
        when no item ships (``shipping.solutions_for``). One batched read and one Query."""
        work = self._uow.once()
        snapshot = work.read(ReadSet(caller.tenant_id, caller.location_id, cart_id))
        cart = require_cart(snapshot, cart_id, caller.actor, reading=True)
        current = priced(cart, snapshot)
        options = work.shipping_options(caller.tenant_id)
        return current, solutions_for(options, cart, current.region.region_id, current.totals.subtotal_minor)

    def add_shipping_method(self, caller: Caller, cart_id: str, option_id: str, data: dict[str, Any]) -> PricedCart:
        """Ship the open cart by ``option_id`` (replacing the method of the same profile); its price is
        the option's (0 with a free-shipping code). One read (cart and option), one write."""
        reads = ReadSet(caller.tenant_id, caller.location_id, cart_id, shipping_option_ids=frozenset({option_id}))

        def attempt(work: Work) -> PricedCart:
            snapshot = work.read(reads)
            cart = require_cart(snapshot, cart_id, caller.actor)
            cart.require_editable()
            version = cart.version
            current = priced(cart, snapshot)
            region_id = None if current.region.implicit else current.region.region_id
            option = snapshot.shipping_options.get(option_id)
            choose(cart, region_id, option, option_id, current.totals.subtotal_minor, data, self._clock())
            refresh_session_amounts(cart, snapshot)  # open payment sessions follow the new total
            staged = self._stage(work, cart, version, snapshot)
            work.commit()
            return staged

        return self._uow.run(attempt)

    # ----- discounts -------------------------------------------------------------------------

    def remove_discount(self, caller: Caller, cart_id: str, code: str) -> PricedCart:
        """Take the code named exactly ``code`` off the open cart (no such code: nothing written)."""

        def change(cart: Any, snapshot: Snapshot, work: Work) -> bool:
            cart.require_editable()
            if not remove_code(cart, code):
                return False
            refresh_session_amounts(cart, snapshot)  # open payment sessions follow the new total
            return True

        return self._mutate(caller, cart_id, change)
