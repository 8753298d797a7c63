"""The unit of work: every use case's one read and one conditional write, retried on a lost race.

A use case runs an *attempt* (``UnitOfWork.run``): it reads what it declared (``Work.read`` with a
``ReadSet``: location, cart, products, codes, pointers, in one batch), changes aggregates in memory,
stages typed write intents (``put`` conditional on the version read, ``claim``, ``release``, ``add``)
and commits them with ``Work.commit``: one conditional write for one intent, else one
TransactWriteItems, all or nothing. If any condition fails because someone else wrote first, the
whole attempt starts over from the read after a jittered back-off; a claim or bound that carries its
own domain error (``conflict``) surfaces as that error instead, since trying again cannot change it.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from cart_core.cart import Cart
from cart_core.clock import Clock, system_clock
from cart_core.errors import ConcurrentModification
from cart_core.ports import (
    Add,
    CartStore,
    Claim,
    Intent,
    Key,
    PointerKey,
    Put,
    ReadSet,
    Release,
    Snapshot,
    VersionConflict,
)
from cart_core.regions import Region
from cart_core.shipping import ShippingOption

if TYPE_CHECKING:  # as in ports: records most requests never read
    from cart_core.checkout_configuration import CheckoutConfiguration
    from cart_core.storefront import StoreProduct

# A lost version race is retried after a full-jitter back-off (a random sleep up to a doubling cap),
# so contenders spread out instead of colliding again in lockstep. Attempts stop when the next one
# could not start within the budget, which keeps a request well inside the 10 s Lambda timeout; but
# the first lost race is always tried once more. A slow attempt is often a slow store, and then the
# "race" may be our own write: the SDK retries a write that timed out, and if the first try was
# applied, the retry's condition fails against it. Only a new read can tell (it finds the work done:
# a fresh consumer's new cart, already pointed to), and giving up at once made that a 409.
MAX_ATTEMPTS = 12
RETRY_BASE_SECONDS = 0.01
RETRY_CAP_SECONDS = 0.4
RETRY_BUDGET_SECONDS = 3.0
T = TypeVar("T")


class Work:
    """One attempt: its reads, and the intents it stages for its one commit."""

    def __init__(self, store: CartStore) -> None:
        self.store = store
        self.intents: list[Intent] = []

    # ----- reads ---------------------------------------------------------------------------

    def read(self, reads: ReadSet) -> Snapshot:
        return self.store.read(reads)

    def read_pointer(self, key: PointerKey) -> str | None:
        """The cart an active-cart pointer names (one GetItem: its key decides the rest of the read)."""
        return self.store.read_pointer(key)

    def read_public_pointer(self, tenant_id: str, public_key: str) -> str | None:
        return self.store.read_public_pointer(tenant_id, public_key)

    def checkout_configurations(self, tenant_id: str) -> list[CheckoutConfiguration]:
        return self.store.checkout_configurations(tenant_id)

    def regions(self, tenant_id: str) -> list[Region]:
        return self.store.regions(tenant_id)

    def shipping_options(self, tenant_id: str) -> list[ShippingOption]:
        return self.store.shipping_options(tenant_id)

    def store_products(self, tenant_id: str, offset: int, limit: int) -> tuple[list[StoreProduct], int]:
        return self.store.store_products(tenant_id, offset, limit)

    def store_product(self, tenant_id: str, product_id: str) -> StoreProduct | None:
        return self.store.store_product(tenant_id, product_id)

    def read_claim(self, key: Key) -> str | None:
        """The owner a claim names (a global lookup such as a checkout hash: one GetItem)."""
        return self.store.read_claim(key)

    def consumer_history(
        self, tenant_id: str, location_id: str, consumer_id: str, start: int, limit: int
    ) -> tuple[list[Cart], int]:
        return self.store.consumer_history(tenant_id, location_id, consumer_id, start, limit)

    # ----- intents -------------------------------------------------------------------------

    def put(self, record: object, version: int | None, document: str | None = None) -> None:
        """Write ``record`` if its stored version is still ``version`` (None: create it);
        ``document``: its serialised form, if the caller has it already."""
        self.intents.append(Put(record, version, document))

    def claim(
        self,
        key: Key,
        owner: str,
        *,
        replaces: str | None = None,
        expires_with: object = None,
        conflict: Callable[[], Exception] | None = None,
    ) -> None:
        self.intents.append(Claim(key, owner, replaces, expires_with, conflict))

    def release(self, key: Key, owner: str) -> None:
        self.intents.append(Release(key, owner))

    def add(
        self,
        key: Key,
        attribute: str,
        amount: int,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
        conflict: Callable[[], Exception] | None = None,
    ) -> None:
        self.intents.append(Add(key, attribute, amount, minimum, maximum, conflict))

    def commit(self) -> None:
        """One conditional write of everything staged (nothing staged: no call). A version bump is
        recorded on each put record only once the write succeeded."""
        intents, self.intents = self.intents, []
        if not intents:
            return
        try:
            self.store.write(intents)
        except VersionConflict as lost:
            domain = _domain_error(intents, lost)
            if domain is None:
                raise
            raise domain from lost
        for intent in intents:
            if isinstance(intent, Put):
                intent.record.version = (intent.version or 0) + 1


def _domain_error(intents: Sequence[Intent], lost: VersionConflict) -> Exception | None:
    """The domain error of the first failed intent that carries one; None if it was a plain race."""
    for index in lost.failed:
        intent = intents[index] if 0 <= index < len(intents) else None
        if isinstance(intent, Claim | Add) and intent.conflict is not None:
            return intent.conflict()
    return None


class UnitOfWork:
    def __init__(
        self,
        store: CartStore,
        clock: Clock = system_clock,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.store = store
        self.clock = clock
        self._sleep = sleep

    def run(self, attempt: Callable[[Work], T]) -> T:
        """``attempt`` with a fresh ``Work`` until it commits without losing a race; after the budget,
        ``ConcurrentModification`` (409)."""
        deadline = time.monotonic() + RETRY_BUDGET_SECONDS
        for tries in range(1, MAX_ATTEMPTS + 1):
            try:
                return attempt(Work(self.store))
            except VersionConflict:
                pause = random.uniform(0, min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * 2**tries))  # noqa: S311 (jitter)
                if tries == MAX_ATTEMPTS or (tries > 1 and time.monotonic() + pause >= deadline):
                    break
                self._sleep(pause)
        raise ConcurrentModification()

    def once(self) -> Work:
        """A single attempt outside the retry loop (reads only, or a caller that handles the race)."""
        return Work(self.store)
