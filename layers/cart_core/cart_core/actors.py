"""Who acts on a cart (the actor a face puts on its ``Caller``) and the keys a cart is found by.

The use cases decide what an actor reaches from its kind, so no face threads a "scoped" flag:

| Kind | Who | Reaches (by cart id) |
|---|---|---|
| ``partner`` | a vendor's trusted server acting for its shoppers (BLAZE without ``cuid``) | every cart of the location |
| ``consumer`` | a known consumer (BLAZE ``cuid``) | its own carts and guest carts |
| ``customer`` | a signed-in storefront customer (Medusa) | its own carts and guest carts |
| ``shopper`` | an anonymous shopper holding a cart id (Medusa guest, hosted checkout) | guest carts |
| ``associate`` | a store associate's app (NewStore) | every cart of the location |
| ``pos`` | the store's point of sale (LOKE) | every cart; it *sees* one only once submitted |
| ``system`` | the service's own workers | every cart |

A cart it does not reach is answered as missing (404), never as forbidden, so ids cannot be probed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, model_validator

from cart_core.errors import InvalidRequest

if TYPE_CHECKING:
    from cart_core.cart import Cart


class ActorKind(StrEnum):
    PARTNER = "partner"
    CONSUMER = "consumer"
    CUSTOMER = "customer"
    SHOPPER = "shopper"
    ASSOCIATE = "associate"
    POS = "pos"
    SYSTEM = "system"


# Actors that are a cart's owner: their id is the cart's owner key (its ``consumer`` identity).
_OWNERS = frozenset({ActorKind.CONSUMER, ActorKind.CUSTOMER})
# The identity kind under which an owner's open cart is found (and its history kept).
OWNER_KIND = "consumer"


@dataclass(frozen=True, slots=True)
class IdentityKey:
    """A key a cart is found by: its owner (``consumer``) or one of a guest's keys, e.g. BLAZE's
    ``session``, ``external`` and ``transaction``. A face declares which kinds it uses, in the order
    it prefers them; the core treats them alike: each names at most one open cart per location
    (stored as ``ACTIVE#tenant#location#kind#value``, store/keys.py) and is kept in the cart's
    ``identities`` map (kind → value)."""

    kind: str
    value: str


# The identity kinds the faces use (``IDENTITY_KINDS``), owner first. A new face adds its kinds here;
# the core treats any kind matching ``IDENTITY_KIND_PATTERN`` alike (it names a pointer key, so no "#").
IDENTITY_KINDS = (OWNER_KIND, "session", "external", "transaction")
IDENTITY_KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
# Bounds of a cart's identity map: a handful of keys, each value an id (docs/input-limits.md).
MAX_IDENTITIES = 8
MAX_IDENTITY_VALUE_BYTES = 128
# Documents stored before the identity map: BLAZE's four fields, each one kind.
LEGACY_IDENTITY_FIELDS = {f"{kind}_id": kind for kind in IDENTITY_KINDS}


def check_identity(identities: dict[str, str]) -> None:
    """Refuse an identity map out of bounds (``InvalidRequest``)."""
    if len(identities) > MAX_IDENTITIES:
        raise InvalidRequest(f"A cart carries at most {MAX_IDENTITIES} identities")
    for kind, value in identities.items():
        if not IDENTITY_KIND_PATTERN.match(kind):
            raise InvalidRequest(f"Unknown identity kind {kind[:40]!r}")
        if not value or len(value.encode("utf-8")) > MAX_IDENTITY_VALUE_BYTES:
            raise InvalidRequest(f"An identity ({kind}) is 1 to {MAX_IDENTITY_VALUE_BYTES} bytes")


def identity_keys(cart: Cart) -> list[IdentityKey]:
    """Every identity key ``cart`` carries, owner first, then in the order they were added."""
    owner = [IdentityKey(OWNER_KIND, cart.owner_id)] if cart.owner_id else []
    return owner + [IdentityKey(kind, value) for kind, value in cart.identities.items() if kind != OWNER_KIND]


def answers_to(cart: Cart, key: IdentityKey) -> bool:
    """Whether ``key`` still names ``cart``: its own key, and a guest key only while no owner has
    claimed the cart."""
    return cart.identity(key.kind) == key.value and (key.kind == OWNER_KIND or cart.owner_id is None)


class Actor(BaseModel):
    """Who acts: a kind and, for an owner (consumer, customer) or an associate, its id."""

    model_config = ConfigDict(frozen=True)
    kind: ActorKind
    id: str | None = None

    @model_validator(mode="after")
    def _owners_have_ids(self) -> Actor:
        if self.kind in _OWNERS and not self.id:
            raise ValueError(f"A {self.kind.value} actor needs its id")
        return self

    @classmethod
    def partner(cls) -> Actor:
        return cls(kind=ActorKind.PARTNER)

    @classmethod
    def consumer(cls, consumer_id: str) -> Actor:
        return cls(kind=ActorKind.CONSUMER, id=consumer_id)

    @classmethod
    def pos(cls) -> Actor:
        return cls(kind=ActorKind.POS)

    @classmethod
    def system(cls) -> Actor:
        return cls(kind=ActorKind.SYSTEM)

    @property
    def owner_id(self) -> str | None:
        """The owner this actor is (a consumer's or customer's id), else None."""
        return self.id if self.kind in _OWNERS else None

    @property
    def owner_key(self) -> IdentityKey | None:
        """The key of this actor's own open cart, if it is an owner."""
        return IdentityKey(OWNER_KIND, self.id) if self.kind in _OWNERS and self.id else None

    def reaches(self, cart: Cart) -> bool:
        """Whether this actor may name ``cart`` (act on it, or read it if it ``sees`` it)."""
        if self.kind in _OWNERS:
            return cart.owner_id in (None, self.id)
        if self.kind is ActorKind.SHOPPER:
            return cart.owner_id is None or cart.guest_access
        return True

    def sees(self, cart: Cart) -> bool:
        """Whether this actor may read ``cart``. The POS is handed a cart when it is submitted and
        does not see it before; its commands on an earlier cart are the lifecycle's to refuse (409)."""
        if self.kind is ActorKind.POS and cart.submitted_ms is None:
            return False
        return self.reaches(cart)
