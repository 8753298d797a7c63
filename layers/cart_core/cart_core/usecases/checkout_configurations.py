"""Checkout configurations (Fluid Pay's hosted-checkout "carts"): create, update, get, delete, and
resolve a public hash to the configuration a public checkout page shows.

A configuration belongs to the caller's tenant and is reached by any caller of that tenant; the
location it records is the creating caller's (where carts opened from its page will live). Writes
are conditional on the version read (a lost race is read again and retried); creating claims the
global public hash in the same transaction, so a hash never names a missing configuration, and
deleting releases it in the same transaction, so a deleted configuration's page stops resolving.
"""

from __future__ import annotations

from dataclasses import dataclass

from cart_core.catalog import Product
from cart_core.checkout_configuration import (
    CheckoutConfiguration,
    CheckoutSettings,
    is_public_hash,
    parse_hash_owner,
)
from cart_core.errors import InvalidRequest, NotFound
from cart_core.ids import InternalId
from cart_core.ports import Key, ReadSet, Snapshot
from cart_core.tenancy import Caller, Location
from cart_core.unit_of_work import Work
from cart_core.usecases.shared import CartUseCases, require_location


@dataclass(frozen=True, slots=True)
class CheckoutPage:
    """What a public checkout page shows: the configuration, where it sells, and its products (in
    the configuration's order; products no longer sold are left out)."""

    configuration: CheckoutConfiguration
    location: Location
    products: tuple[Product, ...]


MAX_PAGE = 100  # Fluid Pay's search limit: 0-100


class CheckoutConfigurations(CartUseCases):
    def create(self, caller: Caller, settings: CheckoutSettings) -> CheckoutConfiguration:
        """A new configuration at the caller's location, with a fresh public hash. One read (the
        location and the products it names), one transaction (the record and its hash claim)."""

        def attempt(work: Work) -> CheckoutConfiguration:
            snapshot = work.read(
                ReadSet(caller.tenant_id, caller.location_id, product_ids=frozenset(settings.product_ids))
            )
            require_location(snapshot, caller)
            _require_products(snapshot, settings.product_ids)
            now_ms = self._now_ms()
            configuration = CheckoutConfiguration(
                **settings.model_dump(),
                tenant_id=caller.tenant_id,
                configuration_id=InternalId.new(self._clock()).key,
                location_id=caller.location_id,
                created_ms=now_ms,
                updated_ms=now_ms,
            )
            work.put(configuration, None)
            # A taken hash (a UUID collision) is a lost race: the retry draws another.
            work.claim(Key.checkout_hash(configuration.public_hash), configuration.hash_owner)
            work.commit()
            return configuration

        return self._uow.run(attempt)

    def get(self, caller: Caller, configuration_id: str) -> CheckoutConfiguration:
        snapshot = self._uow.once().read(self._reads(caller, configuration_id))
        return _require_configuration(snapshot, configuration_id)

    def list(self, caller: Caller, offset: int = 0, limit: int = MAX_PAGE) -> tuple[list[CheckoutConfiguration], int]:
        """The tenant's configurations not deleted, oldest first, as a page and the total. One Query
        of the tenant's configuration items."""
        if not 0 <= limit <= MAX_PAGE or offset < 0:
            raise InvalidRequest(f"limit is 0 to {MAX_PAGE} and offset at least 0")
        found = [c for c in self._uow.once().checkout_configurations(caller.tenant_id) if c.deleted_ms is None]
        found.sort(key=lambda c: (c.created_ms, c.configuration_id))
        return found[offset : offset + limit], len(found)

    def update(self, caller: Caller, configuration_id: str, changes: CheckoutSettings) -> CheckoutConfiguration:
        """Apply the fields ``changes`` set; its products must be sold. Conditional on the version read."""
        fields = changes.model_fields_set
        product_ids = frozenset(changes.product_ids) if "product_ids" in fields else frozenset()

        def attempt(work: Work) -> CheckoutConfiguration:
            snapshot = work.read(self._reads(caller, configuration_id, product_ids))
            configuration = _require_configuration(snapshot, configuration_id)
            _require_products(snapshot, sorted(product_ids))
            version = configuration.version
            updated = configuration.model_copy(
                update={name: getattr(changes, name) for name in fields} | {"updated_ms": self._now_ms()}
            )
            # Re-validated as a whole: model_copy does not check the fields it sets.
            updated = CheckoutConfiguration.model_validate(updated.model_dump())
            work.put(updated, version)
            work.commit()
            return updated

        return self._uow.run(attempt)

    def delete(self, caller: Caller, configuration_id: str) -> None:
        """Mark it deleted (kept, as Fluid Pay keeps ``deleted_at``) and release its public hash."""

        def attempt(work: Work) -> None:
            snapshot = work.read(self._reads(caller, configuration_id))
            configuration = _require_configuration(snapshot, configuration_id)
            version = configuration.version
            configuration.deleted_ms = self._now_ms()
            configuration.updated_ms = configuration.deleted_ms
            work.put(configuration, version)
            work.release(Key.checkout_hash(configuration.public_hash), configuration.hash_owner)
            work.commit()

        self._uow.run(attempt)

    def resolve(self, public_hash: str) -> CheckoutPage:
        """The page a public hash stands for, with no caller (the page is public): the hash claim
        (one GetItem), the configuration with its location (one batch), then its products."""
        if not is_public_hash(public_hash):
            raise NotFound(f"No checkout has hash {public_hash[:64]}")
        work = self._uow.once()
        owner = work.read_claim(Key.checkout_hash(public_hash))
        named = parse_hash_owner(owner) if owner else None
        if named is None:
            raise NotFound(f"No checkout has hash {public_hash}")
        tenant_id, location_id, configuration_id = named
        snapshot = work.read(ReadSet(tenant_id, location_id, checkout_configuration_id=configuration_id))
        configuration = snapshot.checkout_configuration
        if configuration is None or configuration.deleted_ms is not None or snapshot.location is None:
            raise NotFound(f"No checkout has hash {public_hash}")
        if configuration.public_hash != public_hash:  # a claim is trusted only if its record agrees
            raise NotFound(f"No checkout has hash {public_hash}")
        products = {}
        if configuration.product_ids:
            products = work.read(
                ReadSet(tenant_id, location_id, product_ids=frozenset(configuration.product_ids))
            ).products
        sold = tuple(products[p] for p in configuration.product_ids if p in products and products[p].active)
        return CheckoutPage(configuration, snapshot.location, sold)

    @staticmethod
    def _reads(caller: Caller, configuration_id: str, product_ids: frozenset[str] = frozenset()) -> ReadSet:
        if not _is_configuration_id(configuration_id):
            raise NotFound(f"Checkout configuration {configuration_id[:64]} not found")
        return ReadSet(
            caller.tenant_id, caller.location_id, product_ids=product_ids, checkout_configuration_id=configuration_id
        )


def _is_configuration_id(value: str) -> bool:
    return len(value) == 24 and all(c in "0123456789abcdef" for c in value)


def _require_configuration(snapshot: Snapshot, configuration_id: str) -> CheckoutConfiguration:
    configuration = snapshot.checkout_configuration
    if configuration is None or configuration.deleted_ms is not None:
        raise NotFound(f"Checkout configuration {configuration_id} not found")
    return configuration


def _require_products(snapshot: Snapshot, product_ids: list[str]) -> None:
    for product_id in product_ids:
        product = snapshot.products.get(product_id)
        if product is None or not product.active:
            raise InvalidRequest(f"Product {product_id} not found")
