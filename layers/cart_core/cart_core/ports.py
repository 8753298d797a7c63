"""What the use cases need from storage. The DynamoDB adapter in ``store`` implements it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from cart_core.cart import Cart
from cart_core.catalog import DiscountCode, Product
from cart_core.tenancy import Location


class VersionConflict(Exception):
    """A conditional write lost a race; the use case re-reads and tries again."""


@dataclass(frozen=True, slots=True)
class PointerKey:
    tenant_id: str
    location_id: str
    kind: str  # consumer | session | external | transaction
    value: str


@dataclass(slots=True)
class Snapshot:
    """Everything one use case reads, fetched in one batch."""

    cart: Cart | None = None
    location: Location | None = None
    products: dict[str, Product] = field(default_factory=dict)
    discounts: dict[str, DiscountCode] = field(default_factory=dict)
    pointer_cart_id: str | None = None  # the cart an asked-for active pointer names


@dataclass(slots=True)
class Commit:
    """One atomic write: carts (each conditional on the version read) plus pointer/claim items."""

    carts: list[tuple[Cart, int | None]] = field(default_factory=list)  # (cart, version read; None = new)
    set_pointers: list[tuple[PointerKey, str, str | None]] = field(default_factory=list)  # key, cart, replaces
    release_pointers: list[tuple[PointerKey, str]] = field(default_factory=list)  # key, only if it holds cart
    order_no_claims: list[tuple[str, str, str]] = field(default_factory=list)  # tenant, order no, cart


class CartStore(Protocol):
    def read_pointer(self, key: PointerKey) -> str | None: ...

    def read_public_pointer(self, tenant_id: str, public_key: str) -> str | None: ...

    def load(
        self,
        tenant_id: str,
        location_id: str,
        cart_id: str | None = None,
        product_ids: frozenset[str] = frozenset(),
        discount_codes: frozenset[str] = frozenset(),
        pointer: PointerKey | None = None,
    ) -> Snapshot: ...

    def commit(self, commit: Commit) -> None: ...

    def consumer_history(
        self, tenant_id: str, location_id: str, consumer_id: str, start: int, limit: int
    ) -> tuple[list[Cart], int]: ...
