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

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, model_validator

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


# Actors that are a cart's owner: their id is the cart's owner key (stored as ``consumer_id``).
_OWNERS = frozenset({ActorKind.CONSUMER, ActorKind.CUSTOMER})
# The identity kind under which an owner's open cart is found (and its history kept).
OWNER_KIND = "consumer"


@dataclass(frozen=True, slots=True)
class IdentityKey:
    """A key a cart is found by: its owner (``consumer``) or one of a guest's keys, e.g. BLAZE's
    ``session``, ``external`` and ``transaction``. A face declares which kinds it uses, in the order
    it prefers them; the core treats them alike: each names at most one open cart per location
    (stored as ``ACTIVE#tenant#location#kind#value``, store/keys.py) and is kept on the cart as
    ``<kind>_id``."""

    kind: str
    value: str


# The kinds a cart can carry (one ``<kind>_id`` field each on ``Cart``), owner first.
IDENTITY_KINDS = (OWNER_KIND, "session", "external", "transaction")


def cart_identity(cart: Cart, kind: str) -> str | None:
    return getattr(cart, f"{kind}_id")


def identity_keys(cart: Cart) -> list[IdentityKey]:
    """Every identity key ``cart`` carries, owner first."""
    return [IdentityKey(kind, value) for kind in IDENTITY_KINDS if (value := cart_identity(cart, kind))]


def answers_to(cart: Cart, key: IdentityKey) -> bool:
    """Whether ``key`` still names ``cart``: its own key, and a guest key only while no owner has
    claimed the cart."""
    return cart_identity(cart, key.kind) == key.value and (key.kind == OWNER_KIND or cart.consumer_id is None)


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
            return cart.consumer_id in (None, self.id)
        if self.kind is ActorKind.SHOPPER:
            return cart.consumer_id is None
        return True

    def sees(self, cart: Cart) -> bool:
        """Whether this actor may read ``cart``. The POS is handed a cart when it is submitted and
        does not see it before; its commands on an earlier cart are the lifecycle's to refuse (409)."""
        if self.kind is ActorKind.POS and cart.submitted_ms is None:
            return False
        return self.reaches(cart)
