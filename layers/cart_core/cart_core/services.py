"""Use cases: one function per thing a face can ask of the core.

Every mutation follows the same shape: read a snapshot, change the aggregate in memory, commit
conditionally on the version read; on a lost race, start over (a bounded number of times).
"""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from pydantic import BaseModel, Field

from cart_core.cart import (
    MAX_LINES,
    MAX_QUANTITY,
    Address,
    Adjustment,
    AppliedDiscount,
    Cart,
    FulfillmentKind,
    LineItem,
    Payment,
    now_ms,
)
from cart_core.errors import ConcurrentModification, Conflict, InvalidRequest, NotFound, Unauthorized
from cart_core.lifecycle import CartStatus
from cart_core.money import from_decimal
from cart_core.payments import provider_for
from cart_core.ports import CartStore, Commit, PointerKey, Snapshot, VersionConflict
from cart_core.pricing import Totals, price
from cart_core.tenancy import Caller, Location

# A lost version race is retried after a full-jitter back-off (a random sleep up to a doubling cap),
# so contenders spread out instead of colliding again in lockstep. Attempts stop when the next one
# could not start within the budget, which keeps a request well inside the 10 s Lambda timeout.
MAX_ATTEMPTS = 12
RETRY_BASE_SECONDS = 0.01
RETRY_CAP_SECONDS = 0.4
RETRY_BUDGET_SECONDS = 3.0
T = TypeVar("T")


class CartIdentity(BaseModel):
    """Who a cart belongs to: a known consumer, or a guest known by one of the partner's keys."""

    consumer_id: str | None = None
    session_id: str | None = None
    external_id: str | None = None
    transaction_id: str | None = None

    def primary(self) -> tuple[str, str] | None:
        for kind in ("consumer", "session", "external", "transaction"):
            value = getattr(self, f"{kind}_id")
            if value:
                return kind, value
        return None


class LineEdit(BaseModel):
    product_id: str = Field(min_length=1)
    quantity: int = Field(gt=0, le=10_000)
    line_id: str | None = None
    note: str | None = None


class CartEdits(BaseModel):
    """Editable fields; only the fields a request actually set are applied."""

    lines: list[LineEdit] | None = None
    discount_codes: list[str] | None = None
    fulfillment: FulfillmentKind | None = None
    delivery_address: Address | None = None
    requested_time_ms: int | None = None
    order_tags: list[str] | None = None
    notes: str | None = None
    additional_notes: str | None = None

    def product_ids(self) -> frozenset[str]:
        return frozenset(line.product_id for line in self.lines or ())

    def codes(self) -> frozenset[str]:
        return frozenset(code.upper() for code in self.discount_codes or () if code)


@dataclass(frozen=True, slots=True)
class PricedCart:
    cart: Cart
    totals: Totals
    location: Location


class CartService:
    def __init__(
        self,
        store: CartStore,
        order_retention_days: int = 365,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self._store = store
        self._retention_seconds = order_retention_days * 86400
        self._clock = clock
        self._sleep = sleep

    # ----- reads -------------------------------------------------------------------------

    def active_cart(self, caller: Caller, identity: CartIdentity) -> PricedCart:
        """The identity's open cart, created empty if it has none."""
        return self._retrying(lambda: self._active_cart_once(caller, identity, CartEdits()))

    def get_cart(
        self, caller: Caller, cart_id: str, consumer_id: str | None = None, consumer_scoped: bool = False
    ) -> PricedCart:
        snapshot = self._store.load(caller.tenant_id, caller.location_id, cart_id)
        cart = self._require_cart(snapshot, cart_id, consumer_id, consumer_scoped)
        return self._priced(cart, snapshot)

    def cart_by_public_key(self, caller: Caller, public_key: str) -> PricedCart:
        cart_id = self._store.read_public_pointer(caller.tenant_id, public_key)
        if cart_id is None:
            raise NotFound(f"No cart has public key {public_key}")
        return self.get_cart(caller, cart_id)

    def consumer_history(
        self, caller: Caller, consumer_id: str, start: int, limit: int
    ) -> tuple[list[PricedCart], int]:
        carts, total = self._store.consumer_history(caller.tenant_id, caller.location_id, consumer_id, start, limit)
        location = self._store.load(caller.tenant_id, caller.location_id).location
        if location is None:
            raise NotFound(f"Unknown location {caller.location_id}")
        return [PricedCart(cart, price(cart, location), location) for cart in carts], total

    def product_cost(self, caller: Caller, product_id: str, quantity: int) -> tuple[int, str]:
        """Unit price × quantity before tax, in minor units of the location's currency."""
        snapshot = self._store.load(caller.tenant_id, caller.location_id, product_ids=frozenset({product_id}))
        product = snapshot.products.get(product_id)
        if product is None or not product.active:
            raise NotFound(f"Product {product_id} not found")
        return product.price_minor * quantity, self._require_location(snapshot, caller).currency

    # ----- mutations ---------------------------------------------------------------------

    def prepare(self, caller: Caller, identity: CartIdentity, edits: CartEdits) -> PricedCart:
        """Create or update the identity's open cart with ``edits`` and price it."""
        return self._retrying(lambda: self._active_cart_once(caller, identity, edits))

    def update(self, caller: Caller, cart_id: str, edits: CartEdits, consumer_id: str | None = None) -> PricedCart:
        def change(cart: Cart, snapshot: Snapshot, commit: Commit) -> None:
            cart.require_editable()
            self._apply(cart, edits, snapshot)

        return self._mutate(
            caller, cart_id, change, consumer_id, edits.product_ids(), edits.codes(), consumer_scoped=True
        )

    def submit(self, caller: Caller, cart_id: str, edits: CartEdits, consumer_id: str | None = None) -> PricedCart:
        def change(cart: Cart, snapshot: Snapshot, commit: Commit) -> bool:
            if cart.status is not CartStatus.OPEN:
                if cart.submitted_ms is None:  # closed without ever being submitted (merged, expired)
                    raise Conflict(f"Cart {cart.cart_id} is {cart.status.value} and cannot be submitted")
                return False  # submitted already: a retry must not place a second order
            self._apply(cart, edits, snapshot)
            if not cart.lines:
                raise InvalidRequest("Cannot submit an empty cart")
            cart.order_no = str(100_000_000 + secrets.randbelow(900_000_000))
            cart.transition(CartStatus.SUBMITTED, now_ms())
            commit.order_no_claims.append((cart.tenant_id, cart.order_no, cart.cart_id))
            commit.release_pointers.extend((key, cart.cart_id) for key in _pointer_keys(cart))
            return True

        return self._mutate(
            caller, cart_id, change, consumer_id, edits.product_ids(), edits.codes(), consumer_scoped=True
        )

    def cancel_by_consumer(self, caller: Caller, cart_id: str, consumer_id: str) -> PricedCart:
        def change(cart: Cart, snapshot: Snapshot, commit: Commit) -> bool:
            if cart.status is CartStatus.OPEN:
                raise InvalidRequest("Only submitted orders can be canceled; this cart has not been submitted")
            if cart.status is CartStatus.CANCELED and cart.canceled_by == "consumer":
                return False
            if cart.status is not CartStatus.SUBMITTED:
                # Once the store has answered, payment may be under way: the store cancels, not the consumer.
                raise Conflict(f"Order {cart.cart_id} is {cart.status.value}; the store must cancel it")
            cart.transition(CartStatus.CANCELED, now_ms())
            cart.canceled_by = "consumer"
            return True

        return self._mutate(caller, cart_id, change, consumer_id, consumer_scoped=True)

    def set_finalized(
        self, caller: Caller, cart_id: str, line_id: str | None, finalized: bool, consumer_id: str | None = None
    ) -> PricedCart:
        """Finalize one line (``line_id``) or, with ``line_id`` None, every line."""

        def change(cart: Cart, snapshot: Snapshot, commit: Commit) -> None:
            cart.require_editable()
            lines = cart.lines if line_id is None else [cart.line(line_id)]
            if lines == [None]:
                raise NotFound(f"Item {line_id} is not in cart {cart.cart_id}")
            for line in lines:
                assert line is not None
                line.finalized = finalized

        return self._mutate(caller, cart_id, change, consumer_id, consumer_scoped=True)

    def resolve_cart_id(self, caller: Caller, cart_id: str | None, identity: CartIdentity) -> str:
        """The cart a request names, or else the identity's open cart."""
        if cart_id:
            return cart_id
        primary = identity.primary()
        found = primary and self._store.read_pointer(PointerKey(caller.tenant_id, caller.location_id, *primary))
        if not found:
            raise NotFound("No cart id given and no open cart for this consumer")
        return found

    def record_payment(
        self,
        caller: Caller,
        cart_id: str,
        method: str,
        amount: Decimal,
        order_tags: Iterable[str] = (),
        card_token: str | None = None,
        consumer_id: str | None = None,
    ) -> PricedCart:
        """Record what the consumer hands over (``amount`` in currency units, exact).

        A ``card_token`` is authorized by the payment worker once the store has validated the cart.
        """

        def change(cart: Cart, snapshot: Snapshot, commit: Commit) -> None:
            if cart.status not in (CartStatus.OPEN, CartStatus.SUBMITTED):
                # From validation on, the payment worker owns the payment; changing it could charge twice.
                raise Conflict(f"Cart {cart.cart_id} is {cart.status.value}; its payment can no longer change")
            cart.payments = [
                Payment(method=method, amount_minor=from_decimal(amount, cart.currency), reference=card_token)
            ]
            cart.order_tags = list(dict.fromkeys([*cart.order_tags, *order_tags]))

        return self._mutate(caller, cart_id, change, consumer_id, consumer_scoped=True)

    def assign_consumer(self, caller: Caller, cart_id: str, consumer_id: str) -> PricedCart:
        """A guest cart becomes the consumer's open cart; their previous open cart is merged in."""
        return self._retrying(lambda: self._assign_consumer_once(caller, cart_id, consumer_id))

    # ----- POS validation, deadline and payment (driven by events) -------------------

    def pos_validate(self, caller: Caller, cart_id: str, adjustments: list[Adjustment]) -> PricedCart:
        """The POS accepts a PENDING cart, optionally adjusting it (LOKE PUT …/valid)."""

        def change(cart: Cart, snapshot: Snapshot, commit: Commit) -> None:
            _require_pending(cart)
            cart.adjustments = list(adjustments)
            assert snapshot.location is not None
            if price(cart, snapshot.location).total_minor < 0:
                raise InvalidRequest("The adjustments would make the cart's total negative")
            cart.transition(CartStatus.VALIDATED, now_ms())

        return self._mutate(caller, cart_id, change)

    def pos_reject(self, caller: Caller, cart_id: str, reason: str = "Rejected by the store") -> PricedCart:
        def change(cart: Cart, snapshot: Snapshot, commit: Commit) -> None:
            _require_pending(cart)
            cart.reason = reason
            cart.transition(CartStatus.REJECTED, now_ms())

        return self._mutate(caller, cart_id, change)

    def expire_if_unanswered(self, caller: Caller, cart_id: str, deadline_ms: int) -> bool:
        """PENDING past its deadline becomes EXPIRED; False when there is nothing (more) to do."""
        expired = False

        def change(cart: Cart, snapshot: Snapshot, commit: Commit) -> bool:
            nonlocal expired
            if cart.status is not CartStatus.SUBMITTED or now_ms() < deadline_ms:
                return False
            cart.reason = "The store did not answer in time"
            cart.transition(CartStatus.EXPIRED, now_ms())
            expired = True
            return True

        self._mutate(caller, cart_id, change)
        return expired

    def self_validate(self, caller: Caller, cart_id: str) -> PricedCart:
        """No POS listens: every product must still be active at the price on the cart."""

        def once() -> PricedCart:
            first = self._store.load(caller.tenant_id, caller.location_id, cart_id)
            cart = self._require_cart(first, cart_id)
            if cart.status is not CartStatus.SUBMITTED:
                return self._priced(cart, first)
            products = self._store.load(
                caller.tenant_id, caller.location_id, product_ids=frozenset(line.product_id for line in cart.lines)
            ).products
            problems = []
            for line in cart.lines:
                product = products.get(line.product_id)
                if product is None or not product.active:
                    problems.append(f"{line.title or line.product_id} is no longer available")
                elif product.price_minor != line.unit_price_minor:
                    problems.append(f"The price of {line.title} has changed")
            version = cart.version
            if problems:
                cart.reason = "; ".join(problems)
                cart.transition(CartStatus.REJECTED, now_ms())
            else:
                cart.transition(CartStatus.VALIDATED, now_ms())
            self._stamp(cart, first)
            self._store.commit(Commit(carts=[(cart, version)]))
            return self._priced(cart, first)

        return self._retrying(once)

    def settle_payment(self, caller: Caller, cart_id: str) -> PricedCart:
        """Authorize a VALIDATED cart's payment: paid (the order is placed) or payment_failed."""

        def change(cart: Cart, snapshot: Snapshot, commit: Commit) -> bool:
            if cart.status is not CartStatus.VALIDATED:
                return False  # settled already: a redelivered event must not charge again
            assert snapshot.location is not None
            total = price(cart, snapshot.location).total_minor
            recorded = cart.payments[-1] if cart.payments else None
            token = recorded.reference if recorded else None
            provider = provider_for(token)
            # The processor dedupes on the key, so a retry after a lost write cannot charge twice.
            # One key per checkout: a retry after a lost race asks the processor for the same charge.
            key = f"{cart.cart_id}.{cart.validated_ms}"
            result = provider.authorize(total, cart.currency, token, idempotency_key=key)
            payment = Payment(
                method=recorded.method if recorded else "PayAtPickup",
                # A card is charged the total; cash is what the consumer hands over.
                amount_minor=recorded.amount_minor if recorded and provider.name == "manual" else total,
                reference=token,
                status="authorized" if result.approved else "declined",
                provider=provider.name,
                provider_reference=result.reference,
            )
            cart.payments = [*cart.payments[:-1], payment]
            if result.approved:
                cart.transition(CartStatus.PAID, now_ms())
            else:
                cart.reason = result.decline_reason
                cart.transition(CartStatus.PAYMENT_FAILED, now_ms())
            return True

        return self._mutate(caller, cart_id, change)

    # ----- internals ---------------------------------------------------------------------

    def _retrying(self, attempt: Callable[[], T]) -> T:
        """``attempt`` until it commits without losing a version race; 409 after the budget."""
        deadline = time.monotonic() + RETRY_BUDGET_SECONDS
        for tries in range(1, MAX_ATTEMPTS + 1):
            try:
                return attempt()
            except VersionConflict:
                pause = random.uniform(0, min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * 2**tries))  # noqa: S311 (jitter)
                if tries == MAX_ATTEMPTS or time.monotonic() + pause >= deadline:
                    break
                self._sleep(pause)
        raise ConcurrentModification()

    def _mutate(
        self,
        caller: Caller,
        cart_id: str,
        change: Callable[[Cart, Snapshot, Commit], bool | None],
        consumer_id: str | None = None,
        product_ids: frozenset[str] = frozenset(),
        codes: frozenset[str] = frozenset(),
        consumer_scoped: bool = False,
    ) -> PricedCart:
        def once() -> PricedCart:
            snapshot = self._store.load(caller.tenant_id, caller.location_id, cart_id, product_ids, codes)
            cart = self._require_cart(snapshot, cart_id, consumer_id, consumer_scoped)
            version = cart.version
            commit = Commit()
            if change(cart, snapshot, commit) is False:
                return self._priced(cart, snapshot)
            self._stamp(cart, snapshot)
            commit.carts.append((cart, version))
            self._store.commit(commit)
            return self._priced(cart, snapshot)

        return self._retrying(once)

    def _active_cart_once(self, caller: Caller, identity: CartIdentity, edits: CartEdits) -> PricedCart:
        primary = identity.primary()
        if primary is None:
            raise InvalidRequest("Identify the cart: cuid, sessionId, externalId or transactionId is required")
        pointer = PointerKey(caller.tenant_id, caller.location_id, *primary)
        cart_id = self._store.read_pointer(pointer)
        snapshot = self._store.load(caller.tenant_id, caller.location_id, cart_id, edits.product_ids(), edits.codes())
        location = self._require_location(snapshot, caller)
        cart = snapshot.cart if snapshot.cart and snapshot.cart.status is CartStatus.OPEN else None
        commit = Commit()
        if cart is None:
            cart = Cart(
                tenant_id=caller.tenant_id,
                location_id=caller.location_id,
                currency=location.currency,
                **{f"{kind}_id": value for kind, value in [primary]},
            )
            version = None
            # A pointer to a cart that expired or moved on is stale: take it over, conditionally.
            commit.set_pointers.append((pointer, cart.cart_id, cart_id))
        else:
            version = cart.version
            if not edits.model_fields_set:
                return self._priced(cart, snapshot)
        self._apply(cart, edits, snapshot)
        self._stamp(cart, snapshot)
        commit.carts.append((cart, version))
        self._store.commit(commit)
        return self._priced(cart, snapshot)

    def _assign_consumer_once(self, caller: Caller, cart_id: str, consumer_id: str) -> PricedCart:
        pointer = PointerKey(caller.tenant_id, caller.location_id, "consumer", consumer_id)
        snapshot = self._store.load(caller.tenant_id, caller.location_id, cart_id, pointer=pointer)
        guest = self._require_cart(snapshot, cart_id)
        if guest.consumer_id == consumer_id:
            return self._priced(guest, snapshot)  # a retry: already done
        if guest.consumer_id is not None:
            raise NotFound(f"Cart {cart_id} belongs to another consumer")
        guest.require_editable()
        guest_version = guest.version
        commit = Commit()
        previous_id = snapshot.pointer_cart_id
        previous = self._store.load(caller.tenant_id, caller.location_id, previous_id).cart if previous_id else None
        if previous is not None and previous.status is CartStatus.OPEN and previous.cart_id != guest.cart_id:
            previous_version = previous.version
            _merge_lines(guest, previous.lines)
            if len(guest.lines) > MAX_LINES:
                raise InvalidRequest(f"Merging the carts would exceed {MAX_LINES} lines")
            previous.transition(CartStatus.CANCELED, now_ms())
            previous.canceled_by = "store"
            previous.reason = f"Merged into cart {guest.cart_id}"
            self._stamp(previous, snapshot)
            commit.carts.append((previous, previous_version))
        guest.consumer_id = consumer_id
        commit.set_pointers.append((pointer, guest.cart_id, previous_id))
        self._stamp(guest, snapshot)
        commit.carts.append((guest, guest_version))
        self._store.commit(commit)
        return self._priced(guest, snapshot)

    def _apply(self, cart: Cart, edits: CartEdits, snapshot: Snapshot) -> None:
        fields = edits.model_fields_set
        if "lines" in fields and edits.lines is not None:
            cart.lines = _replace_lines(cart, edits.lines, snapshot)
        if "discount_codes" in fields:
            cart.discounts = []
            for code in edits.discount_codes or ():
                if not code:
                    continue
                found = snapshot.discounts.get(code.upper())
                if found is None or not found.active:
                    raise InvalidRequest(f"Promo code {code} is not valid")
                cart.discounts.append(AppliedDiscount(code=found.code, kind=found.kind, value=found.value))
        for name in (
            "fulfillment", "delivery_address", "requested_time_ms", "order_tags", "notes", "additional_notes",
        ):  # fmt: skip
            if name in fields and getattr(edits, name) is not None:
                setattr(cart, name, getattr(edits, name))

    def _stamp(self, cart: Cart, snapshot: Snapshot) -> None:
        location = snapshot.location
        assert location is not None
        now = self._clock()
        cart.modified_ms = int(now * 1000)
        cart.total_minor = price(cart, location).total_minor
        lifetime = location.idle_ttl_seconds if cart.status is CartStatus.OPEN else self._retention_seconds
        cart.expires_at = int(now) + lifetime

    def _require_location(self, snapshot: Snapshot, caller: Caller) -> Location:
        if snapshot.location is None:
            raise NotFound(f"Unknown location {caller.location_id}")
        return snapshot.location

    def _require_cart(
        self, snapshot: Snapshot, cart_id: str, consumer_id: str | None = None, consumer_scoped: bool = False
    ) -> Cart:
        """The snapshot's cart. ``consumer_scoped``: the request acts for ``consumer_id`` (None = a
        guest), and a consumer's cart is theirs alone."""
        cart = snapshot.cart
        if cart is None or snapshot.location is None:
            raise NotFound(f"Cart {cart_id} not found")
        if consumer_scoped and cart.consumer_id is not None and cart.consumer_id != consumer_id:
            if consumer_id is None:
                raise Unauthorized("This cart belongs to a consumer: send their cuid")
            raise NotFound(f"Cart {cart_id} not found")
        return cart

    def _priced(self, cart: Cart, snapshot: Snapshot) -> PricedCart:
        assert snapshot.location is not None
        return PricedCart(cart, price(cart, snapshot.location), snapshot.location)


def _require_pending(cart: Cart) -> None:
    if cart.status is not CartStatus.SUBMITTED:
        raise Conflict(f"Cart {cart.cart_id} is not pending validation (it is {cart.status.value})")


def _pointer_keys(cart: Cart) -> list[PointerKey]:
    return [
        PointerKey(cart.tenant_id, cart.location_id, kind, value)
        for kind in ("consumer", "session", "external", "transaction")
        if (value := getattr(cart, f"{kind}_id"))
    ]


def _replace_lines(cart: Cart, edits: list[LineEdit], snapshot: Snapshot) -> list[LineItem]:
    if len(edits) > MAX_LINES:
        raise InvalidRequest(f"A cart holds at most {MAX_LINES} lines")
    lines = []
    kept: set[str] = set()
    for edit in edits:
        product = snapshot.products.get(edit.product_id)
        if product is None or not product.active:
            raise NotFound(f"Product {edit.product_id} not found")
        # A line id names one line: a second edit naming it becomes a new line.
        existing = cart.line(edit.line_id) if edit.line_id and edit.line_id not in kept else None
        line = LineItem(
            product_id=product.product_id,
            title=product.name,
            quantity=edit.quantity,
            unit_price_minor=product.price_minor,
            note=edit.note,
        )
        if existing is not None and existing.product_id == product.product_id:
            line.line_id = existing.line_id
            line.finalized = existing.finalized
            kept.add(existing.line_id)
        lines.append(line)
    return lines


def _merge_lines(into: Cart, lines: list[LineItem]) -> None:
    by_product = {line.product_id: line for line in into.lines}
    for line in lines:
        if line.product_id in by_product:
            merged = by_product[line.product_id]
            if merged.quantity + line.quantity > MAX_QUANTITY:
                raise InvalidRequest(
                    f"Merging the carts would put more than {MAX_QUANTITY} of {merged.title} in one line"
                )
            merged.quantity += line.quantity
        else:
            into.lines.append(line.model_copy(deep=True))
