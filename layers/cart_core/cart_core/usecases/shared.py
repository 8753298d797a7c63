"""What every cart use case shares: a priced result, the rules for writing a cart, and the common
shape of a change to one cart (read it, change it in memory, write it conditionally on its version).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cart_core.actors import Actor
from cart_core.cart import Cart
from cart_core.clock import Clock, ms
from cart_core.errors import CartNotFound, InvalidRequest, NotFound
from cart_core.lifecycle import CartStatus
from cart_core.limits import MAX_CART_BYTES
from cart_core.ports import Key, ReadSet, Snapshot
from cart_core.pricing import PricingTerms, Totals, price
from cart_core.regions import Region, allowed_at, cart_region_id, implicit_region
from cart_core.tenancy import Caller, Location
from cart_core.unit_of_work import UnitOfWork, Work


@dataclass(frozen=True, slots=True)
class PricedCart:
    cart: Cart
    totals: Totals
    location: Location
    # The region the cart is priced in; left out, the location's implicit one (a location stored
    # before regions).
    region: Region = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.region is None:
            object.__setattr__(self, "region", implicit_region(self.location))

    def with_taxes(self) -> PricedCart:
        """The same cart priced with its taxes where its region shows none on an open cart
        (``pricing.taxes_apply``): the quote checkout shows, and the amount it charges."""
        if self.region.automatic_taxes or self.cart.submitted_ms is not None:
            return self
        totals = price(self.cart, PricingTerms.of(self.region, self.location), force_taxes=True)
        return PricedCart(self.cart, totals, self.location, self.region)


# A change to a cart: it may stage more intents on ``work``; returning False means "nothing to
# write" (a retry that finds the work done, or a state with nothing to do).
Change = Callable[[Cart, Snapshot, Work], bool | None]


class CartUseCases:
    """Base of each area's use cases: the unit of work, and how a cart is written."""

    def __init__(self, uow: UnitOfWork, order_retention_days: int = 365) -> None:
        self._uow = uow
        self._retention_seconds = order_retention_days * 86400

    @property
    def _clock(self) -> Clock:
        return self._uow.clock

    def _now_ms(self) -> int:
        """Now in epoch ms by the injected clock (every transition and stamp of a use case)."""
        return ms(self._uow.clock)

    def _mutate(
        self,
        caller: Caller,
        cart_id: str,
        change: Change,
        product_ids: frozenset[str] = frozenset(),
        codes: frozenset[str] = frozenset(),
        gift_cards: frozenset[str] = frozenset(),
        shipping_options: frozenset[str] = frozenset(),
    ) -> PricedCart:
        """One read (the location, the cart, and the products, codes, gift cards and shipping options
        the change needs),
        the change, one conditional write; retried from the read on a lost race. Only a cart the
        caller's actor reaches is changed."""
        reads = ReadSet(
            caller.tenant_id,
            caller.location_id,
            cart_id,
            product_ids,
            codes,
            gift_card_codes=gift_cards,
            shipping_option_ids=shipping_options,
        )

        def attempt(work: Work) -> PricedCart:
            snapshot = work.read(reads)
            cart = require_cart(snapshot, cart_id, caller.actor)
            version = cart.version
            if change(cart, snapshot, work) is False:
                return priced(cart, snapshot)
            staged = self._stage(work, cart, version, snapshot)
            work.commit()
            return staged

        return self._uow.run(attempt)

    def _stage(self, work: Work, cart: Cart, version: int | None, snapshot: Snapshot) -> PricedCart:
        """Stamp ``cart`` and stage its write: conditional on ``version``, or a new cart (then its
        public key is claimed in the same write, so a public link never names a missing cart).
        Returns the cart as written, priced once (the caller answers with it after the commit)."""
        staged, document = self._stamp(cart, snapshot)
        work.put(cart, version, document)
        if version is None:
            work.claim(Key.public(cart.tenant_id, cart.public_key), cart.cart_id)
        if cart.returns and cart.submitted_ms is not None:
            # A placed cart's returned units are claimed in the write that places it, whichever use
            # case places it (a return, or an exchange placed as a sale): never twice returned.
            from cart_core.usecases.returns import stage_return_claims

            stage_return_claims(work, cart)
        return staged

    def _stamp(self, cart: Cart, snapshot: Snapshot) -> tuple[PricedCart, str]:
        """Stamp ``cart`` (modified, total, expiry) and check its size; returns it priced, and its
        document as it will be written (serialised once, for the check and the write)."""
        location = snapshot.location
        assert location is not None
        now = self._clock()
        cart.modified_ms = int(now * 1000)
        staged = priced(cart, snapshot)
        cart.total_minor = staged.totals.total_minor
        lifetime = location.idle_ttl_seconds if cart.status is CartStatus.OPEN else self._retention_seconds
        cart.expires_at = int(now) + lifetime
        # Checked before every write, so DynamoDB's 400 KB item limit is never what refuses a change.
        document = cart.document()
        size = len(document.encode("utf-8"))
        if size > MAX_CART_BYTES:
            raise InvalidRequest(f"The cart would take {size} bytes; a cart holds at most {MAX_CART_BYTES}")
        return staged, document


def require_location(snapshot: Snapshot, caller: Caller) -> Location:
    if snapshot.location is None:
        raise NotFound(f"Unknown location {caller.location_id}")
    return snapshot.location


def require_cart(snapshot: Snapshot, cart_id: str, actor: Actor | None, *, reading: bool = False) -> Cart:
    """The snapshot's cart, if ``actor`` reaches it (``reading``: if it sees it); a cart it does not
    is missing to it. ``actor`` None: the use case checks who may act itself (a public key, the
    consumer's claim)."""
    cart = snapshot.cart
    if cart is None or snapshot.location is None:
        raise CartNotFound(cart_id)
    if actor is not None and not (actor.sees(cart) if reading else actor.reaches(cart)):
        raise CartNotFound(cart_id)
    return cart


def priced(cart: Cart, snapshot: Snapshot) -> PricedCart:
    """``cart`` priced in its region; ``snapshot`` is the read that found its location and region
    (its own ``cart`` may be another: a cart created in this attempt)."""
    assert snapshot.location is not None
    region = region_of(cart, snapshot)
    return PricedCart(cart, price(cart, PricingTerms.of(region, snapshot.location)), snapshot.location, region)


def region_of(cart: Cart, snapshot: Snapshot) -> Region:
    """``cart``'s region among what ``snapshot`` read (cart_core.regions). A region a cart or
    location names that is not stored is a provisioning error: the cart cannot be priced, so it is
    not served (404) rather than priced on the wrong terms."""
    assert snapshot.location is not None
    region_id = cart_region_id(snapshot.location, cart)
    region = implicit_region(snapshot.location) if region_id is None else snapshot.regions.get(region_id)
    if region is None:
        raise NotFound(f"Region {region_id} of cart {cart.cart_id} does not exist")
    return region


def terms_for(cart: Cart, snapshot: Snapshot) -> PricingTerms:
    """What pricing needs for ``cart``: its region's terms and its location's delivery fee."""
    assert snapshot.location is not None
    return PricingTerms.of(region_of(cart, snapshot), snapshot.location)


def charged_total(cart: Cart, snapshot: Snapshot) -> int:
    """What ``cart`` costs when paid: its total with taxes, even in a region that shows none before
    checkout (``pricing.taxes_apply``). Every payment session and authorization is for this."""
    return price(cart, terms_for(cart, snapshot), force_taxes=True).total_minor


def home_currency(snapshot: Snapshot, fallback: str) -> str:
    """The currency a product that names none is priced in: its location's default region's (what
    a location's one currency was before regions). ``fallback`` if the snapshot has no location."""
    region = snapshot.default_region
    return region.currency if region is not None else fallback


def target_region(snapshot: Snapshot, location: Location, region_id: str | None) -> Region:
    """The region ``region_id`` names for a cart at ``location`` (None: the location's default): one
    the location offers (else 400) and that is stored under the tenant (else 404)."""
    if not allowed_at(location, region_id):
        raise InvalidRequest(f"Region {region_id} is not offered at location {location.location_id}")
    wanted = region_id or location.default_region_id
    if wanted is None:
        return implicit_region(location)
    region = snapshot.regions.get(wanted)
    if region is None:  # another tenant's region is not under this tenant's keys: absent too
        raise NotFound(f"Region {wanted} not found")
    return region
