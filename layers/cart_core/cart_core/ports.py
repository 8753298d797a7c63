"""What the use cases need from storage: one batched read of a declared read set, and one atomic
write of typed intents. The DynamoDB adapter in ``store`` implements it; ``unit_of_work`` drives it.

The intents name items by a storage-neutral ``Key`` (what the item is, and the values that name it)
or carry a versioned record (a ``Cart`` today); the adapter maps both to its own key schema and item
shape, so a new aggregate or marker needs a key kind and, for a record, an item codec — never a new
write path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from cart_core.cart import Cart
from cart_core.catalog import DiscountCode, GiftCard, Product
from cart_core.regions import Region, cart_region_id, implicit_region
from cart_core.shipping import ShippingOption
from cart_core.tenancy import Location

if TYPE_CHECKING:  # records a BLAZE or LOKE request never reads: not imported at every cold start
    from cart_core.checkout_configuration import CheckoutConfiguration
    from cart_core.customers import Customer
    from cart_core.storefront import StoreProduct


class VersionConflict(Exception):
    """A conditional write lost a race; the use case re-reads and tries again.

    ``failed`` lists the positions of the intents whose condition failed, when the store can tell
    (a transaction's cancellation reasons); empty when it cannot (then every intent is suspect)."""

    def __init__(self, failed: Sequence[int] = ()) -> None:
        super().__init__(f"Conditional write refused (intents {list(failed)})")
        self.failed = tuple(failed)


@dataclass(frozen=True, slots=True)
class PointerKey:
    tenant_id: str
    location_id: str
    kind: str  # an identity kind (actors.IDENTITY_KINDS): consumer, session, …
    value: str


@dataclass(frozen=True, slots=True)
class Key:
    """A storage-neutral item address: what the item is (``kind``) and the values that name it."""

    # active | public | order_no | counter | gift_card | discount | product | checkout_hash |
    # customer_email | session | password_token | document_sent (store/keys.py maps each)
    kind: str
    parts: tuple[str, ...]

    @staticmethod
    def active(pointer: PointerKey) -> Key:
        """The one open cart of a consumer or guest key at a location."""
        return Key("active", (pointer.tenant_id, pointer.location_id, pointer.kind, pointer.value))

    @staticmethod
    def public(tenant_id: str, public_key: str) -> Key:
        return Key("public", (tenant_id, public_key))

    @staticmethod
    def order_no(tenant_id: str, order_no: str) -> Key:
        return Key("order_no", (tenant_id, order_no))

    @staticmethod
    def checkout_hash(public_hash: str) -> Key:
        """A checkout configuration's public hash: global, not under a tenant, because the public
        checkout page that resolves it knows nothing else. Its owner names the tenant
        (``CheckoutConfiguration.hash_owner``)."""
        return Key("checkout_hash", (public_hash,))

    @staticmethod
    def customer_email(tenant_id: str, kind: str, email: str) -> Key:
        """A tenant's e-mail, taken by one customer of each kind (``account``, ``guest``): the claim
        that keeps it unique, naming the customer. ``email`` is already lower-cased."""
        return Key("customer_email", (tenant_id, kind, email))

    @staticmethod
    def session(tenant_id: str, session_id: str) -> Key:
        """A sign-in session: a claim naming its customer, living until its ``expires_at``."""
        return Key("session", (tenant_id, session_id))

    @staticmethod
    def password_token(tenant_id: str, token_digest: str) -> Key:
        """A password-reset token (its SHA-256, never the token): a claim naming its customer, living
        until its ``expires_at``."""
        return Key("password_token", (tenant_id, token_digest))

    @staticmethod
    def document_sent(tenant_id: str, cart_id: str, email_digest: str) -> Key:
        """A cart's document mailed to one address (the SHA-256 of the lower-cased address): a
        claim naming the send, so the document is not mailed there twice (usecases/documents.py)."""
        return Key("document_sent", (tenant_id, cart_id, email_digest))

    @staticmethod
    def gift_card(tenant_id: str, code: str) -> Key:
        """A tenant's gift card; its ``GIFT_CARD_BALANCE`` attribute is what an ``Add`` takes from."""
        return Key("gift_card", (tenant_id, code))

    @staticmethod
    def discount(tenant_id: str, code: str) -> Key:
        """A tenant's discount code; its ``DISCOUNT_USES`` attribute counts the orders that used it."""
        return Key("discount", (tenant_id, code))

    @staticmethod
    def product(tenant_id: str, product_id: str) -> Key:
        """A tenant's product (a variant); its ``INVENTORY`` attribute is its stock."""
        return Key("product", (tenant_id, product_id))

    @staticmethod
    def returned_item(tenant_id: str, order_id: str, item_id: str) -> Key:
        """One unit of an order handed back (cart_core.returns): a claim naming the return cart, put
        only if absent, so a unit is returned once however many carts try at the same time."""
        return Key("returned_item", (tenant_id, order_id, item_id))


# The numeric attribute of a gift card's item that holds its balance (``Add`` intents target it).
GIFT_CARD_BALANCE = "balance"
# The numeric attribute of a discount code's item counting the orders placed with it.
DISCOUNT_USES = "uses"
# The numeric attribute of a product's (variant's) item holding its stock.
INVENTORY = "inventory"


# ----- the read set ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReadSet:
    """What one use case needs loaded, fetched in one batch. Extend it with a field (and the
    adapter with its key and decoder) when a use case needs another kind of item in the same read."""

    tenant_id: str
    location_id: str
    cart_id: str | None = None
    product_ids: frozenset[str] = frozenset()
    discount_codes: frozenset[str] = frozenset()
    pointers: tuple[PointerKey, ...] = ()
    gift_card_codes: frozenset[str] = frozenset()
    # Regions besides the ones the location and cart name (which every read finds by itself): a
    # region a use case is about to move a cart to, the regions of history carts.
    region_ids: frozenset[str] = frozenset()
    checkout_configuration_id: str | None = None
    # Shipping options by id (choosing one for a cart: cart_core.shipping).
    shipping_option_ids: frozenset[str] = frozenset()
    customer_id: str | None = None
    # Storefront products (the variants' product: title, handle, thumbnail…) by id.
    store_product_ids: frozenset[str] = frozenset()
    # Orders (placed carts of the tenant, at any of its locations) a return names, by cart id.
    order_ids: frozenset[str] = frozenset()


@dataclass(slots=True)
class Snapshot:
    """What a read set found. Items past their TTL are absent."""

    cart: Cart | None = None
    location: Location | None = None
    products: dict[str, Product] = field(default_factory=dict)
    discounts: dict[str, DiscountCode] = field(default_factory=dict)
    pointers: dict[PointerKey, str] = field(default_factory=dict)  # pointer → the cart id it names
    gift_cards: dict[str, GiftCard] = field(default_factory=dict)  # by upper-case code
    # Every stored region read: the location's default, the cart's, and the read set's region_ids.
    regions: dict[str, Region] = field(default_factory=dict)
    checkout_configuration: CheckoutConfiguration | None = None
    shipping_options: dict[str, ShippingOption] = field(default_factory=dict)
    customer: Customer | None = None
    store_products: dict[str, StoreProduct] = field(default_factory=dict)
    orders: dict[str, Cart] = field(default_factory=dict)  # the read set's order_ids that exist

    @property
    def default_region(self) -> Region | None:
        """The location's default region (its implicit one if it was stored before regions); None
        without a location, or if the region it names is not stored."""
        if self.location is None:
            return None
        if self.location.default_region_id is None:
            return implicit_region(self.location)
        return self.regions.get(self.location.default_region_id)

    @property
    def region(self) -> Region | None:
        """The cart's region (cart_core.regions), else the location's default region."""
        if self.location is None:
            return None
        region_id = cart_region_id(self.location, self.cart)
        return implicit_region(self.location) if region_id is None else self.regions.get(region_id)


# ----- write intents ---------------------------------------------------------------------
# Each is one conditional operation; a list of them commits as one write (one intent) or one
# transaction (several), all or nothing.


@dataclass(frozen=True, slots=True)
class Put:
    """Write a versioned record only if its stored version is still ``version`` (the one read), or,
    with ``version`` None, only if it does not exist yet. The record's version becomes one more."""

    record: Any  # a Cart, CheckoutConfiguration or Customer; the adapter has an item codec per record type
    version: int | None
    # The record's document as the use case already serialised it (a cart's, for its size check):
    # written as it is, so a write never serialises the same cart twice. It must be the record's
    # current state (``CartUseCases._stage`` makes it last, right before staging the write).
    document: str | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """A marker naming its ``owner``, written only if absent, or (``replaces``) if it still names
    that owner: pointers, public keys, order numbers, later a customer's e-mail. ``expires_with``: the
    claim lives as long as that record (its ``expires_at`` when the write is made). A lost condition
    raises ``conflict()`` (a domain error, not retried) when given, else it is a race to retry."""

    key: Key
    owner: str
    replaces: str | None = None
    expires_with: Any = None
    conflict: Callable[[], Exception] | None = None


@dataclass(frozen=True, slots=True)
class Release:
    """Delete a claim only if it still names ``owner`` (an absent one counts as released)."""

    key: Key
    owner: str


@dataclass(frozen=True, slots=True)
class Add:
    """Add ``amount`` (negative to take away) to a counter, atomically, only if the result stays
    within [``minimum``, ``maximum``] (a bound left None is open); an absent counter counts from 0.
    Gift-card balances, discount uses, inventory. Out of bounds raises ``conflict()`` when given."""

    key: Key
    attribute: str
    amount: int
    minimum: int | None = None
    maximum: int | None = None
    conflict: Callable[[], Exception] | None = None


Intent = Put | Claim | Release | Add


class CartStore(Protocol):
    def read_pointer(self, key: PointerKey) -> str | None: ...

    def read_claim(self, key: Key) -> str | None:
        """The owner a claim names (one consistent GetItem), or None if there is none."""
        ...

    def read_public_pointer(self, tenant_id: str, public_key: str) -> str | None: ...

    def read(self, reads: ReadSet) -> Snapshot: ...

    def write(self, intents: Sequence[Intent]) -> None:
        """All or nothing; a failed condition raises ``VersionConflict`` naming the failed intents."""
        ...

    def consumer_history(
        self, tenant_id: str, location_id: str, consumer_id: str, start: int, limit: int
    ) -> tuple[list[Cart], int]: ...

    def checkout_configurations(self, tenant_id: str) -> list[CheckoutConfiguration]:
        """A tenant's checkout configurations, deleted ones included (one Query, no Scan)."""
        ...

    def regions(self, tenant_id: str) -> list[Region]:
        """A tenant's regions (one Query on its partition, bounded by ``MAX_REGIONS``)."""
        ...

    def shipping_options(self, tenant_id: str) -> list[ShippingOption]:
        """A tenant's shipping options, every region's (one bounded Query)."""
        ...

    def store_products(self, tenant_id: str, offset: int, limit: int) -> tuple[list[StoreProduct], int]:
        """A page of a tenant's storefront products (by id) and how many it has (Query, bounded)."""
        ...

    def store_product(self, tenant_id: str, product_id: str) -> StoreProduct | None: ...
