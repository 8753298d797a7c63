"""Use cases: one function per thing a face can ask of the core.

Every mutation follows the same shape: read a snapshot, change the aggregate in memory, commit
conditionally on the version read; on a lost race, start over (a bounded number of times).
"""

from __future__ import annotations

import logging
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
    check_adjustments,
    now_ms,
)
from cart_core.errors import ConcurrentModification, Conflict, InvalidRequest, NotFound, Unauthorized
from cart_core.lifecycle import CartStatus
from cart_core.limits import (
    ID_BYTES,
    MAX_CART_BYTES,
    MAX_ORDER_TAGS,
    NOTE_BYTES,
    REQUESTED_TIME_FUTURE_MS,
    REQUESTED_TIME_PAST_MS,
    SHORT_TEXT_BYTES,
    Utf8Bytes,
)
from cart_core.money import from_decimal
from cart_core.payments import PROVIDERS, PaymentProviderError, PaymentResult, provider_for
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
logger = logging.getLogger(__name__)
# Orders that ended without a capture: a card hold they still have is released.
_ENDED_UNPAID = frozenset({CartStatus.REJECTED, CartStatus.EXPIRED, CartStatus.CANCELED})
# Where a consumer may still call the order off, provided no capture has begun (cancel_by_consumer).
_CANCELABLE_BY_CONSUMER = frozenset({CartStatus.SUBMITTED, CartStatus.VALIDATED, CartStatus.PAYMENT_FAILED})


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
    product_id: Utf8Bytes(ID_BYTES, min_bytes=1)
    quantity: int = Field(gt=0, le=MAX_QUANTITY)
    line_id: Utf8Bytes(ID_BYTES) | None = None
    note: Utf8Bytes(NOTE_BYTES) | None = None


class CartEdits(BaseModel):
    """Editable fields; only the fields a request actually set are applied."""

    lines: list[LineEdit] | None = None
    discount_codes: list[Utf8Bytes(SHORT_TEXT_BYTES)] | None = None
    fulfillment: FulfillmentKind | None = None
    delivery_address: Address | None = None
    requested_time_ms: int | None = None  # kept within a window around now by _apply
    order_tags: list[Utf8Bytes(SHORT_TEXT_BYTES)] | None = Field(default=None, max_length=MAX_ORDER_TAGS)
    notes: Utf8Bytes(NOTE_BYTES) | None = None
    additional_notes: Utf8Bytes(NOTE_BYTES) | None = None

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
        """Place the order. A recorded card is authorized here for the total the consumer agrees to;
        a decline raises ``InvalidRequest`` with the processor's reason and leaves the cart open."""
        holds: list[tuple[str, str]] = []  # (provider, authorization reference) obtained by this call

        def change(cart: Cart, snapshot: Snapshot, commit: Commit) -> bool:
            if cart.status is not CartStatus.OPEN:
                if cart.submitted_ms is None:  # closed without ever being submitted (merged, expired)
                    raise Conflict(f"Cart {cart.cart_id} is {cart.status.value} and cannot be submitted")
                return False  # submitted already: a retry must not place a second order
            self._apply(cart, edits, snapshot)
            if not cart.lines:
                raise InvalidRequest("Cannot submit an empty cart")
            self._authorize_card(cart, snapshot, holds)
            cart.order_no = str(100_000_000 + secrets.randbelow(900_000_000))
            cart.transition(CartStatus.SUBMITTED, now_ms())
            commit.order_no_claims.append((cart.tenant_id, cart.order_no, cart.cart_id))
            commit.release_pointers.extend((key, cart.cart_id) for key in _pointer_keys(cart))
            return True

        try:
            placed = self._mutate(
                caller, cart_id, change, consumer_id, edits.product_ids(), edits.codes(), consumer_scoped=True
            )
        except Exception:
            self._release_unused_holds(caller, cart_id, holds)
            raise
        self._release_unused_holds(caller, cart_id, holds, placed.cart)
        return placed

    def cancel_by_consumer(self, caller: Caller, cart_id: str, consumer_id: str) -> PricedCart:
        """The consumer calls the order off, until money has been captured: while the store decides
        (submitted), once it accepted and nothing was captured (validated: pay at pickup, or a card in
        the moment before the payment worker claims it), or after a failed capture. A card hold is
        then voided by the payment worker (CartCanceled). Once the worker has claimed the capture
        (``capturing``, committed before it asks the processor) or captured, only the store can cancel
        and refund: 409. A cancel that commits first makes the worker's claim lose its version race, so
        it never asks for the capture: no money is ever captured on a canceled order."""

        def change(cart: Cart, snapshot: Snapshot, commit: Commit) -> bool:
            if cart.status is CartStatus.OPEN:
                raise InvalidRequest("Only submitted orders can be canceled; this cart has not been submitted")
            if cart.status is CartStatus.CANCELED and cart.canceled_by == "consumer":
                return False
            payment = cart.payments[-1] if cart.payments else None
            if cart.status in (CartStatus.PAID, CartStatus.COMPLETED):
                raise Conflict(f"Order {cart.cart_id} is paid; the store must cancel it")
            if payment is not None and payment.status in ("capturing", "captured"):
                raise Conflict(f"Order {cart.cart_id} is being paid; the store must cancel it")
            if cart.status not in _CANCELABLE_BY_CONSUMER:
                raise Conflict(f"Order {cart.cart_id} is {cart.status.value}; it can no longer be canceled")
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

        A ``card_token`` is authorized when the order is submitted and captured by the payment worker
        once the store has validated it; without one, the store collects the money at pickup.
        """

        def change(cart: Cart, snapshot: Snapshot, commit: Commit) -> None:
            if cart.status not in (CartStatus.OPEN, CartStatus.SUBMITTED):
                # From validation on, the payment worker owns the payment; changing it could charge twice.
                raise Conflict(f"Cart {cart.cart_id} is {cart.status.value}; its payment can no longer change")
            if cart.payments and cart.payments[-1].status == "authorized":
                raise Conflict("The card was authorized when the order was placed; cancel the order to pay otherwise")
            cart.payments = [
                Payment(method=method, amount_minor=from_decimal(amount, cart.currency), reference=card_token)
            ]
            tags = list(dict.fromkeys([*cart.order_tags, *order_tags]))
            if len(tags) > MAX_ORDER_TAGS:
                raise InvalidRequest(f"A cart holds at most {MAX_ORDER_TAGS} order tags; this would make {len(tags)}")
            cart.order_tags = tags

        return self._mutate(caller, cart_id, change, consumer_id, consumer_scoped=True)

    def assign_consumer(
        self, caller: Caller, cart_id: str, consumer_id: str, *, acting_consumer_id: str | None
    ) -> PricedCart:
        """A guest cart becomes the consumer's open cart; their previous open cart is merged in.

        Only the consumer may ask (``acting_consumer_id``, e.g. BLAZE's cuid): the merge cancels their
        open cart, so a guest naming someone else must not reach it (401 without, 404 for another)."""
        if not acting_consumer_id:
            raise Unauthorized("Only the consumer can claim a cart: send their cuid")
        if acting_consumer_id != consumer_id:
            raise NotFound(f"Consumer user {consumer_id} not found")
        return self._retrying(lambda: self._assign_consumer_once(caller, cart_id, consumer_id))

    # ----- POS validation, deadline and payment (driven by events) -------------------

    def pos_validate(self, caller: Caller, cart_id: str, adjustments: list[Adjustment]) -> PricedCart:
        """The POS accepts a PENDING cart, optionally adjusting it (LOKE PUT …/valid).

        Adjustments are bounded (``check_adjustments``), may not make the total negative and, on a
        card-paid cart, may not raise it above what the card authorized at submit: the store captures
        at most that, and a surcharge above it is refused (there is no second authorization).
        """
        check_adjustments(adjustments)

        def change(cart: Cart, snapshot: Snapshot, commit: Commit) -> None:
            _require_pending(cart)
            cart.adjustments = list(adjustments)
            assert snapshot.location is not None
            total = price(cart, snapshot.location).total_minor
            if total < 0:
                raise InvalidRequest("The adjustments would make the cart's total negative")
            payment = cart.payments[-1] if cart.payments else None
            if payment is not None and payment.status == "authorized" and total > (payment.authorized_minor or 0):
                raise InvalidRequest(
                    f"The adjustments would make the total {total}, above the {payment.authorized_minor} "
                    f"{cart.currency} minor units authorized on the consumer's card; a surcharge above the "
                    "authorization is refused"
                )
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
        """Capture a VALIDATED card order: paid (the order is placed) or payment_failed.

        Pay at pickup (cash, no card) is not the service's to collect: nothing is authorized or
        captured, no write is made, and the order stays validated (accepted, payment due at pickup;
        it was placed when it was validated).

        A card is captured for the validated total against the hold made at submit, never above it
        (the rest of the hold is released by the partial capture), in two writes: first the claim
        (payment ``capturing``, conditional on the version read), then the processor's capture and its
        outcome. The consumer may cancel a validated order until the claim commits and not after
        (``cancel_by_consumer``), so a capture is asked for only on an order no cancel can reach: a
        cancel that wins makes the claim lose its race, and the retry finds the order canceled. A
        worker that stops between the two writes leaves ``capturing``; the redelivered event captures
        with the same idempotency key.
        """

        def claim(cart: Cart, snapshot: Snapshot, commit: Commit) -> bool:
            if cart.status is not CartStatus.VALIDATED or cart.pays_at_pickup:
                return False  # settled already, canceled, or nothing for the service to capture
            payment = cart.payments[-1]
            if payment.status == "capturing":
                return False  # claimed by an earlier attempt: capture below, with the same key
            if payment.status != "authorized" or not payment.authorization_reference:
                # A card with no hold (an order placed before cards were authorized at submit): the
                # amount was never agreed with the processor, so it is not charged blind.
                key = _capture_key(cart)
                payment.provider = payment.provider or provider_for(payment.reference).name
                reason = "The card was not authorized when the order was placed"
                _record_capture(cart, payment, PaymentResult(False, f"decl_{key}", 0, reason))
                return True
            payment.status = "capturing"
            return True

        claimed = self._mutate(caller, cart_id, claim)
        payment = claimed.cart.payments[-1] if claimed.cart.payments else None
        if claimed.cart.status is not CartStatus.VALIDATED or payment is None or payment.status != "capturing":
            return claimed

        def capture(cart: Cart, snapshot: Snapshot, commit: Commit) -> bool:
            payment = cart.payments[-1] if cart.payments else None
            if cart.status is not CartStatus.VALIDATED or payment is None or payment.status != "capturing":
                return False  # another worker recorded the outcome meanwhile
            assert snapshot.location is not None and payment.authorization_reference and payment.provider
            total = price(cart, snapshot.location).total_minor
            # One key per checkout: a retry after a lost write asks the processor for the same capture.
            key = _capture_key(cart)
            if not 0 <= total <= (payment.authorized_minor or 0):
                reason = f"The total {total} is above the {payment.authorized_minor} authorized"
                result = PaymentResult(False, f"decl_{key}", 0, reason)
            else:
                provider = PROVIDERS[payment.provider]
                result = provider.capture(payment.authorization_reference, total, cart.currency, key)
            _record_capture(cart, payment, result)
            return True

        return self._mutate(caller, cart_id, capture)

    def void_authorization(self, caller: Caller, cart_id: str) -> PricedCart:
        """Release the card hold of an order that ended without a capture (rejected, expired, canceled).

        ``voided`` is recorded with a write conditional on the version read, so a redelivered event,
        or two workers at once, void once; the processor dedupes on the key meanwhile. Nothing held
        (cash, no payment, captured, voided already) → nothing to do.
        """

        def change(cart: Cart, snapshot: Snapshot, commit: Commit) -> bool:
            payment = cart.payments[-1] if cart.payments else None
            if cart.status not in _ENDED_UNPAID or payment is None or not payment.hold_is_live:
                return False
            reference = payment.authorization_reference
            assert reference is not None and payment.provider is not None
            result = PROVIDERS[payment.provider].void(reference, idempotency_key=f"{reference}.void")
            if not result.approved:
                raise PaymentProviderError(f"Void of {reference} refused: {result.decline_reason}")
            payment.status = "voided"
            payment.void_reference = result.reference
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

    def _authorize_card(self, cart: Cart, snapshot: Snapshot, holds: list[tuple[str, str]]) -> None:
        """Hold the cart's total on a recorded card (submit). Nothing to do for cash or no payment."""
        payment = cart.payments[-1] if cart.payments else None
        if payment is None or payment.status != "recorded":
            return
        provider = provider_for(payment.reference)
        if not provider.holds_funds:
            return
        assert snapshot.location is not None
        total = price(cart, snapshot.location).total_minor
        # One key per agreement: the cart version submitted and its total. A retried or concurrent
        # submit of the same cart asks for the same hold; a cart changed meanwhile is a new hold.
        key = f"{cart.cart_id}.v{cart.version}.{total}"
        result = provider.authorize(total, cart.currency, payment.reference, idempotency_key=key)
        if not result.approved:
            raise InvalidRequest(f"Payment declined: {result.decline_reason}")
        holds.append((provider.name, result.reference))
        payment.status = "authorized"
        payment.provider = provider.name
        payment.authorization_reference = result.reference
        payment.authorized_minor = result.amount_minor

    def _release_unused_holds(
        self, caller: Caller, cart_id: str, holds: list[tuple[str, str]], cart: Cart | None = None
    ) -> None:
        """Void the holds a submit obtained but did not keep (an attempt lost its race to a changed
        cart, or the submit failed). Only holds the stored cart does not carry are voided; when the
        cart cannot be read, none are (an unused hold expires at the processor; a voided kept one
        would fail the order)."""
        if not holds:
            return
        if cart is None:
            try:
                cart = self._store.load(caller.tenant_id, caller.location_id, cart_id).cart
            except Exception:
                logger.warning("Cannot read cart %s to release its unused holds", cart_id, exc_info=True)
                return
        kept = cart.payments[-1].authorization_reference if cart is not None and cart.payments else None
        for provider_name, reference in dict.fromkeys(holds):
            if reference != kept:
                result = PROVIDERS[provider_name].void(reference, idempotency_key=f"{reference}.void")
                if not result.approved:
                    logger.warning("Unused hold %s not voided: %s", reference, result.decline_reason)

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
        found = snapshot.cart
        # A pointer may be stale: the cart moved on, or it was claimed by a consumer, after which a
        # guest key must not reach it even if a pointer was left behind.
        cart = found if found and found.status is CartStatus.OPEN and _answers_to(found, *primary) else None
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
        # The guest's keys stop reaching the cart once it is the consumer's (in the same transaction).
        commit.release_pointers.extend((key, guest.cart_id) for key in _pointer_keys(guest))
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
        if "requested_time_ms" in fields and edits.requested_time_ms is not None:
            now = int(self._clock() * 1000)
            if not now - REQUESTED_TIME_PAST_MS <= edits.requested_time_ms <= now + REQUESTED_TIME_FUTURE_MS:
                raise InvalidRequest(
                    "The requested delivery or pickup time must be within 30 days before and 366 days after now"
                )
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
        # Checked before every write, so DynamoDB's 400 KB item limit is never what refuses a change.
        size = len(cart.model_dump_json(exclude={"version"}).encode("utf-8"))
        if size > MAX_CART_BYTES:
            raise InvalidRequest(f"The cart would take {size} bytes; a cart holds at most {MAX_CART_BYTES}")

    def _require_location(self, snapshot: Snapshot, caller: Caller) -> Location:
        if snapshot.location is None:
            raise NotFound(f"Unknown location {caller.location_id}")
        return snapshot.location

    def _require_cart(
        self, snapshot: Snapshot, cart_id: str, consumer_id: str | None = None, consumer_scoped: bool = False
    ) -> Cart:
        """The snapshot's cart. ``consumer_scoped``: a request that names a consumer (``consumer_id``)
        reaches only that consumer's carts and guest carts. One that names none is the partner acting
        server-to-server; a face whose vendor requires the consumer refuses it before the core."""
        cart = snapshot.cart
        if cart is None or snapshot.location is None:
            raise NotFound(f"Cart {cart_id} not found")
        if consumer_scoped and consumer_id is not None and cart.consumer_id not in (None, consumer_id):
            raise NotFound(f"Cart {cart_id} not found")
        return cart

    def _priced(self, cart: Cart, snapshot: Snapshot) -> PricedCart:
        assert snapshot.location is not None
        return PricedCart(cart, price(cart, snapshot.location), snapshot.location)


def _capture_key(cart: Cart) -> str:
    return f"{cart.cart_id}.{cart.validated_ms}"


def _record_capture(cart: Cart, payment: Payment, result: PaymentResult) -> None:
    """The processor's answer to a capture: paid, or payment_failed with its reason."""
    payment.provider_reference = result.reference
    if result.approved:
        payment.status = "captured"
        payment.captured_minor = result.amount_minor
        payment.amount_minor = result.amount_minor  # a card pays what was captured
        cart.transition(CartStatus.PAID, now_ms())
    else:
        # The hold (if any) stays: payment_failed may still be canceled (then voided).
        payment.status = "declined"
        payment.decline_reason = result.decline_reason
        cart.reason = result.decline_reason
        cart.transition(CartStatus.PAYMENT_FAILED, now_ms())


def _require_pending(cart: Cart) -> None:
    if cart.status is not CartStatus.SUBMITTED:
        raise Conflict(f"Cart {cart.cart_id} is not pending validation (it is {cart.status.value})")


def _answers_to(cart: Cart, kind: str, value: str) -> bool:
    """Whether an active-cart key (``kind``, ``value``) still names ``cart``: its own key, and a guest
    key only while no consumer has claimed the cart."""
    return getattr(cart, f"{kind}_id") == value and (kind == "consumer" or cart.consumer_id is None)


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
