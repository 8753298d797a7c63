"""Checkout and payments: recording how the consumer pays, placing the order (a card is authorized
then), the synchronous ``complete`` of a location whose policy says so, a new payment after a failed
capture, the consumer's cancel, and, driven by events, capturing a validated card order or voiding
the hold of one that ended unpaid (docs/payments.md).

Every call to a payment provider goes through the ``PaymentGateway`` port, with an idempotency key,
between a read and a conditional write, never inside a write that may be retried: authorize after
the read (keyed by the cart version read and its total), then one write conditional on that version
(a lost race releases the hold, unless the cart now carries it, and starts over); capture and void
between two writes (the claim, then the outcome)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from cart_core.cart import DEFAULT_PAYMENT_KEY, Cart, Payment, payment_as_given
from cart_core.discounts import code_reads, stage_discount_uses
from cart_core.errors import Conflict, InvalidRequest, PaymentPending
from cart_core.inventory import stage_reservations
from cart_core.keyed_payments import apply_payment_edits
from cart_core.lifecycle import CartStatus
from cart_core.limits import MAX_ORDER_TAGS
from cart_core.money import from_decimal
from cart_core.payments import (
    PaymentGateway,
    PaymentProviderError,
    PaymentResult,
    ProviderGateway,
    UnknownProvider,
    provider_for,  # noqa: F401 (tests replace the token → provider rule here)
)
from cart_core.ports import Key, ReadSet, Snapshot, VersionConflict
from cart_core.pricing import price
from cart_core.readiness import Readiness, describe, readiness
from cart_core.regions import Region
from cart_core.tenancy import Caller
from cart_core.unit_of_work import UnitOfWork, Work
from cart_core.usecases.carts import CartEdits, apply_edits, refresh_session_amounts
from cart_core.usecases.gift_cards import gift_card_reads, redeem_gift_cards
from cart_core.usecases.identity import pointer_keys
from cart_core.usecases.shared import (
    CartUseCases,
    PricedCart,
    charged_total,
    priced,
    region_of,
    require_cart,
    terms_for,
)

logger = logging.getLogger(__name__)
# Orders that ended without a capture: a card hold they still have is released.
_ENDED_UNPAID = frozenset({CartStatus.REJECTED, CartStatus.EXPIRED, CartStatus.CANCELED})
# Where a consumer may still call the order off, provided no capture has begun (cancel_by_consumer).
_CANCELABLE_BY_CONSUMER = frozenset({CartStatus.SUBMITTED, CartStatus.VALIDATED, CartStatus.PAYMENT_FAILED})
NO_SESSION_SELECTED = "You cannot complete a cart without a payment session."


class Hold(NamedTuple):
    """A card hold a use case obtained from the gateway: its provider and authorization reference."""

    provider: str
    reference: str


class Checkout(CartUseCases):
    def __init__(self, uow: UnitOfWork, order_retention_days: int = 365, gateway: PaymentGateway | None = None) -> None:
        super().__init__(uow, order_retention_days)
        self._gateway: PaymentGateway = gateway or ProviderGateway()

    # ----- the consumer's side -----------------------------------------------------------

    def record_payment(
        self,
        caller: Caller,
        cart_id: str,
        method: str,
        amount: Decimal,
        order_tags: Iterable[str] = (),
        card_token: str | None = None,
    ) -> PricedCart:
        """Record what the consumer hands over (``amount`` in currency units, exact), as the cart's
        one payment (the default key: BLAZE's wire has one payment per cart).

        A ``card_token`` is authorized when the order is submitted and captured by the payment worker
        once the store has validated it; without one, the store collects the money at pickup.
        """

        def change(cart: Cart, snapshot: Snapshot, work: Work) -> None:
            if cart.status not in (CartStatus.OPEN, CartStatus.SUBMITTED):
                # From validation on, the payment worker owns the payment; changing it could charge twice.
                raise Conflict(f"Cart {cart.cart_id} is {cart.status.value}; its payment can no longer change")
            if any(payment.status == "authorized" for payment in cart.payments):
                raise Conflict("The card was authorized when the order was placed; cancel the order to pay otherwise")
            cart.set_payment(
                Payment(method=method, amount_minor=from_decimal(amount, cart.currency), reference=card_token)
            )
            tags = list(dict.fromkeys([*cart.order_tags, *order_tags]))
            if len(tags) > MAX_ORDER_TAGS:
                raise InvalidRequest(f"A cart holds at most {MAX_ORDER_TAGS} order tags; this would make {len(tags)}")
            cart.order_tags = tags

        return self._mutate(caller, cart_id, change)

    def submit(self, caller: Caller, cart_id: str, edits: CartEdits) -> PricedCart:
        """Place the order for the store to validate (the ``pos_validated`` checkout). A recorded card
        is authorized here for the total the consumer agrees to; a decline raises ``InvalidRequest``
        with the processor's reason and leaves the cart open.

        One write: the cart (conditional on the version read), the order number's claim (a collision
        is a race: the retry draws another number) and the release of its active-cart pointers."""
        return self._place(caller, cart_id, edits, synchronous=False)

    def complete(self, caller: Caller, cart_id: str, edits: CartEdits | None = None) -> PricedCart:
        """Check out by the location's policy (``Location.checkout_policy``): ``pos_validated`` is
        ``submit`` (the store validates, the payment worker captures later); ``synchronous`` (Medusa's
        complete) places, accepts and pays in this request.

        Synchronous: authorize (as ``submit``), then one write taking the cart open → submitted →
        validated with the capture claimed (``capturing``), then the capture and its outcome
        (``settle_payment``): paid, or payment_failed. The transition log makes that one write
        announce CartSubmitted and CartValidated, and the last PaymentCaptured and OrderPlaced. A pay-
        at-pickup order stops at validated (placed, payment due at pickup). A request that stops after
        the first write leaves ``capturing``: the payment worker, on CartValidated, captures with the
        same key. An authorization the processor leaves pending (``PaymentPending``) places nothing:
        the open cart is returned as it is (``submitted_ms`` None)."""
        try:
            placed = self._place(caller, cart_id, edits or CartEdits(), synchronous=None)
        except PaymentPending:
            # Nothing was written or held: the cart as it is, still open (its session still pending),
            # so the face answers that the payment needs more; completing again finishes it.
            snapshot = self._uow.once().read(ReadSet(caller.tenant_id, caller.location_id, cart_id))
            return priced(require_cart(snapshot, cart_id, caller.actor, reading=True), snapshot)
        return self._settle_claimed(caller, cart_id, placed)

    def retry_payment(self, caller: Caller, cart_id: str, payment: Payment) -> PricedCart:
        """After a failed capture, place the order again with a new payment (``payment_failed →
        submitted``): ``payment`` replaces the declined ones (and any under its key; payments already
        captured stay), is authorized for what the others leave of the total (a
        decline leaves the order payment_failed), and the order goes back to the store to validate
        (or, under the location's synchronous policy, is accepted and captured in this request). The replaced
        payment's hold is voided once the write has committed. BLAZE and LOKE do not offer it (their
        wire has no such step); a retry that finds the order placed again with this payment is done."""
        placed = self._place(caller, cart_id, CartEdits(), synchronous=None, replacing=payment)
        return self._settle_claimed(caller, cart_id, placed)

    # ----- a cart kept through failure and placed again (NewStore) ---------------------------

    def edit(self, caller: Caller, cart_id: str, edits: CartEdits, *, expect_ready: bool | None = None) -> PricedCart:
        """Edit a cart that is not placed: an open one (any edit), or one whose payment failed
        (``payment_failed``: its payments only, by key, so it can be placed again). One read, one
        conditional write; a card hold the change drops (a payment replaced or removed) is voided
        once the write has committed.

        ``expect_ready`` (NewStore's requested state): True, the cart must be ready once edited, else
        400 naming what it lacks; False (back to draft), refused (400) when the cart was ready before
        and still is after the edits: readiness is computed, so asking for draft cannot undo it."""
        released: list[Payment] = []
        reads = edits.reads(caller, cart_id)  # the cart and whatever the edits name (products, codes…)

        def attempt(work: Work) -> PricedCart:
            snapshot = work.read(reads)
            cart = require_cart(snapshot, cart_id, caller.actor)
            version = cart.version
            released.clear()
            holds = cart.live_holds
            was_ready = expect_ready is False and self.readiness(cart, snapshot).ready
            _apply_before_placing(cart, edits, snapshot, self._clock())
            if expect_ready is not None:
                now = self.readiness(cart, snapshot)
                if expect_ready and not now.ready:
                    raise InvalidRequest(f"The cart is not ready: {describe(now.missing)}")
                if not expect_ready and was_ready and now.ready:
                    raise InvalidRequest("The cart still meets every criterion to be ready; it cannot go back to draft")
            if not edits.model_fields_set:
                return priced(cart, snapshot)
            released.extend(p for ref, p in holds.items() if ref not in cart.live_holds)
            staged = self._stage(work, cart, version, snapshot)
            work.commit()
            return staged

        edited = self._uow.run(attempt)
        for payment in released:
            self._void_replaced(payment)
        return edited

    def place(self, caller: Caller, cart_id: str, edits: CartEdits) -> PricedCart:
        """Place a ready cart (NewStore's ``placed``), with ``edits`` applied first in the same write:
        from ``open`` (the first time) or from ``payment_failed`` (placed again after its payments
        were fixed; only payment edits then). The cart must be ready once edited (400 naming what it
        lacks). Token payments are authorized for their amounts; a declined one does not refuse the
        order as ``submit`` does: the order is placed and failed in the same write (``submitted →
        payment_failed``, the decline on its payment) so the client fixes the payments and places it
        again. A placed order is handed to the store as ``submit``'s (validation, then capture).
        Asking again once placed answers the order as it is; edits then are refused (409)."""
        placed = self._place(caller, cart_id, edits, synchronous=None, keyed=True)
        return self._settle_claimed(caller, cart_id, placed)

    def readiness(self, cart: Cart, snapshot: Snapshot) -> Readiness:
        """``cart``'s readiness against the total it is charged (with taxes)."""
        return readiness(cart, price(cart, terms_for(cart, snapshot), force_taxes=True))

    def _settle_claimed(self, caller: Caller, cart_id: str, placed: PricedCart) -> PricedCart:
        """A synchronous placing claimed its captures in its write: capture them now."""
        if placed.cart.status is CartStatus.VALIDATED and any(p.status == "capturing" for p in placed.cart.payments):
            return self.settle_payment(caller, cart_id)
        return placed

    def cancel_by_consumer(self, caller: Caller, cart_id: str) -> PricedCart:
        """The consumer calls the order off, until money has been captured: while the store decides
        (submitted), once it accepted and nothing was captured (validated: pay at pickup, or a card in
        the moment before the payment worker claims it), or after a failed capture. A card hold is
        then voided by the payment worker (CartCanceled). Once the worker has claimed the capture
        (``capturing``, committed before it asks the processor) or captured, only the store can cancel
        and refund: 409. A cancel that commits first makes the worker's claim lose its version race, so
        it never asks for the capture: no money is ever captured on a canceled order."""

        def change(cart: Cart, snapshot: Snapshot, work: Work) -> bool:
            if cart.status is CartStatus.OPEN:
                raise InvalidRequest("Only submitted orders can be canceled; this cart has not been submitted")
            if cart.status is CartStatus.CANCELED and cart.canceled_by == "consumer":
                return False
            if cart.status in (CartStatus.PAID, CartStatus.COMPLETED):
                raise Conflict(f"Order {cart.cart_id} is paid; the store must cancel it")
            if any(payment.status in ("capturing", "captured") for payment in cart.payments):
                raise Conflict(f"Order {cart.cart_id} is being paid; the store must cancel it")
            if cart.status not in _CANCELABLE_BY_CONSUMER:
                raise Conflict(f"Order {cart.cart_id} is {cart.status.value}; it can no longer be canceled")
            cart.transition(CartStatus.CANCELED, self._now_ms())
            cart.canceled_by = "consumer"
            return True

        return self._mutate(caller, cart_id, change)

    # ----- the payment worker's side (driven by events) ----------------------------------

    def settle_payment(self, caller: Caller, cart_id: str) -> PricedCart:
        """Capture a VALIDATED card order: paid (the order is placed) or payment_failed.

        Pay at pickup (cash, no card) is not the service's to collect: nothing is authorized or
        captured, no write is made, and the order stays validated (accepted, payment due at pickup;
        it was placed when it was validated).

        Each card hold is captured for its share of the validated total (in the payments' order, each
        at most its hold; one payment: the whole total), never above what was held, in two writes with
        the processor asked between them: first the claim (payments ``capturing``, conditional on the
        version read), then, after the captures, their outcome. The consumer may cancel a validated
        order until the claim commits and not after (``cancel_by_consumer``), so a capture is asked for
        only on an order no cancel can reach: a cancel that wins makes the claim lose its race, and the
        retry finds the order canceled. A worker that stops between the two writes leaves
        ``capturing``; the redelivered event captures with the same idempotency keys.
        """

        def claim(cart: Cart, snapshot: Snapshot, work: Work) -> bool:
            if cart.status is not CartStatus.VALIDATED or cart.pays_at_pickup:
                return False  # settled already, canceled, or nothing for the service to capture
            # Cards still to capture (one captured before a failed capture and a retry stays so).
            cards = [payment for payment in cart.payments if payment.holds_funds and payment.status != "captured"]
            if any(payment.status == "capturing" for payment in cards):
                return False  # claimed by an earlier attempt: capture below, with the same keys
            unheld = next((p for p in cards if p.status != "authorized" or not p.authorization_reference), None)
            if unheld is not None:
                # A card with no hold (an order placed before cards were authorized at submit): the
                # amount was never agreed with the processor, so it is not charged blind.
                unheld.provider = unheld.provider or self._gateway.provider_for(unheld.reference)
                reason = "The card was not authorized when the order was placed"
                declined = PaymentResult(False, f"decl_{_capture_key(cart, unheld)}", 0, reason)
                _record_captures(cart, {unheld.key: declined}, self._now_ms())
                return True
            for payment in cards:
                payment.status = "capturing"
            return True

        claimed = self._mutate(caller, cart_id, claim)
        capturing = [payment for payment in claimed.cart.payments if payment.status == "capturing"]
        if claimed.cart.status is not CartStatus.VALIDATED or not capturing:
            return claimed
        # Between the writes: the processor, once per hold, each with its checkout's key, for what
        # the other payments leave: those captured already, and the store's (cash, gift) by amount.
        others = sum(
            (p.captured_minor or 0) if p.status == "captured" else p.amount_minor
            for p in claimed.cart.payments
            if p.status not in ("capturing", "voided", "declined")
        )
        outcomes = self._capture(claimed.cart, capturing, max(claimed.totals.total_minor - others, 0))

        def record(cart: Cart, snapshot: Snapshot, work: Work) -> bool:
            pending = {p.key for p in cart.payments if p.status == "capturing"}
            if cart.status is not CartStatus.VALIDATED or not pending or not pending <= outcomes.keys():
                return False  # another worker recorded the outcome meanwhile
            _record_captures(cart, {key: outcomes[key] for key in pending}, self._now_ms())
            return True

        return self._mutate(caller, cart_id, record)

    def void_authorization(self, caller: Caller, cart_id: str) -> PricedCart:
        """Release the card holds of an order that ended without a capture (rejected, expired,
        canceled): read, void each live hold at the processor (keyed ``<reference>.void``, so a
        redelivery or a second worker asks for the same void), then record ``voided`` with a write
        conditional on the version read; a worker that finds them voided writes nothing. Nothing held
        (cash, no payment, captured, voided already) → nothing to do."""
        snapshot = self._uow.once().read(ReadSet(caller.tenant_id, caller.location_id, cart_id))
        cart = require_cart(snapshot, cart_id, caller.actor)
        live = [payment for payment in cart.payments if payment.hold_is_live]
        if cart.status not in _ENDED_UNPAID or not live:
            return priced(cart, snapshot)
        voids: dict[str, PaymentResult] = {}
        for payment in live:
            reference = payment.authorization_reference
            assert reference is not None and payment.provider is not None
            result = self._gateway.void(payment.provider, reference, idempotency_key=f"{reference}.void")
            if not result.approved:
                raise PaymentProviderError(f"Void of {reference} refused: {result.decline_reason}")
            voids[reference] = result

        def record(cart: Cart, snapshot: Snapshot, work: Work) -> bool:
            voided = False
            for payment in cart.payments:
                result = voids.get(payment.authorization_reference or "")
                if payment.hold_is_live and result is not None:
                    payment.status = "voided"
                    payment.void_reference = result.reference
                    voided = True
            return voided

        # The write is conditional on the version read before the voids (no second read); only if
        # another write came between is the cart read again (then ``record`` finds what is left).
        work = self._uow.once()
        if record(cart, snapshot, work):
            try:
                staged = self._stage(work, cart, cart.version, snapshot)
                work.commit()
                return staged
            except VersionConflict:
                pass
        return self._mutate(caller, cart_id, record)

    # ----- placing an order ----------------------------------------------------------------

    def _place(
        self,
        caller: Caller,
        cart_id: str,
        edits: CartEdits,
        *,
        synchronous: bool | None,
        replacing: Payment | None = None,
        keyed: bool = False,
    ) -> PricedCart:
        """Read; decide; authorize every card the order needs held (the gateway, keyed by the cart
        version read and its total); then one write conditional on that version. A lost race releases
        the holds the stored cart does not carry and starts over from the read (a new version, a new
        key); any other failure releases them too. ``synchronous`` None: as the location's checkout
        policy says. ``keyed`` (``place``): the cart must be ready, a ``payment_failed`` one is placed
        again with its payments as edited, and a declined card fails the placed order instead of
        refusing it."""
        reads = edits.reads(caller, cart_id)
        obtained: list[Hold] = []  # every hold this call obtained, over all its attempts
        replaced: list[Payment] = []  # a payment_failed order's payment the retry replaced

        def attempt(work: Work) -> PricedCart:
            snapshot = work.read(reads)
            cart = require_cart(snapshot, cart_id, caller.actor)
            again = keyed and cart.status is CartStatus.PAYMENT_FAILED
            if keyed and cart.status not in (CartStatus.OPEN, CartStatus.PAYMENT_FAILED):
                if cart.submitted_ms is None or cart.status in _ENDED_UNPAID:
                    raise Conflict(f"Cart {cart.cart_id} is {cart.status.value} and cannot be placed")
                if edits.model_fields_set:
                    raise Conflict(f"Order {cart.cart_id} is placed; it can no longer be edited")
                return priced(cart, snapshot)  # placed already: a retry answers the order
            if keyed:
                pass  # open, or placed again after its payment failed
            elif replacing is None:
                if cart.status is not CartStatus.OPEN:
                    if cart.submitted_ms is None:  # closed without ever being submitted (merged, expired)
                        raise Conflict(f"Cart {cart.cart_id} is {cart.status.value} and cannot be submitted")
                    return priced(cart, snapshot)  # submitted already: a retry must not place a second order
            elif cart.status is not CartStatus.PAYMENT_FAILED:
                if _carries(cart, replacing) and cart.status is not CartStatus.CANCELED:
                    return priced(cart, snapshot)  # placed again with this payment already: a retry
                raise Conflict(f"Order {cart.cart_id} is {cart.status.value}; only a failed payment can be retried")
            version = cart.version
            holds = cart.live_holds
            if keyed:
                # The edits; placed again, with the payments as edited: the declined ones go (their
                # holds released after the write), captured ones stay, new cards hold the rest.
                _apply_before_placing(cart, edits, snapshot, self._clock())
                for payment in [p for p in cart.payments if p.status == "declined"]:
                    cart.remove_payment(payment.key)
            elif replacing is None:
                apply_edits(cart, edits, snapshot, self._clock())
                if not cart.lines:
                    raise InvalidRequest("Cannot submit an empty cart")
            else:
                # The new payment replaces every declined one (and any under its key); captured ones
                # stay, and the new card is held for what they leave.
                dropped = [p for p in cart.payments if p.status == "declined" or p.key == replacing.key]
                for payment in dropped:
                    cart.remove_payment(payment.key)
                cart.set_payment(payment_as_given(replacing))
                replaced[:] = [payment for payment in dropped if payment.hold_is_live]
            if keyed:
                now_ready = self.readiness(cart, snapshot)
                if not now_ready.ready:
                    raise InvalidRequest(f"The cart is not ready: {describe(now_ready.missing)}")
                replaced[:] = [p for ref, p in holds.items() if ref not in cart.live_holds]
            assert snapshot.location is not None
            first = replacing is None and not again
            if first:
                # The order counts its codes' uses and reserves its stock in this write (bounded
                # adds: a code used up or a variant sold out meanwhile refuses the order).
                self._read_placement_items(work, cart, snapshot)
                region = region_of(cart, snapshot)
                region_id = None if region.implicit else region.region_id
                stage_discount_uses(work, cart, snapshot.discounts, self._now_ms(), region_id)
                stage_reservations(work, cart)
            if first and cart.gift_cards:
                # The order spends its gift cards in this write (bounded decrements: a card spent
                # elsewhere meanwhile fails the write, and the retry prices with what is left).
                total = redeem_gift_cards(work, cart, snapshot, terms_for(cart, snapshot), self._now_ms()).total_minor
            else:
                total = charged_total(cart, snapshot)
            if first:
                _payment_from_session(cart, total)
            # The gateway: after the read, before the write.
            held, declined = self._authorize(cart, total, version, region_of(cart, snapshot), keep_order=keyed)
            obtained.extend(held)
            now = self._now_ms()
            if first:
                cart.order_no = str(100_000_000 + secrets.randbelow(900_000_000))
                # The claim lives as long as the order it names.
                work.claim(Key.order_no(cart.tenant_id, cart.order_no), cart.cart_id, expires_with=cart)
                for key in pointer_keys(cart):
                    work.release(Key.active(key), cart.cart_id)
            else:
                cart.reason = None  # the failed capture's reason: this is a new attempt
            cart.transition(CartStatus.SUBMITTED, now)
            if declined is not None:
                # Placed and failed in one write: the client fixes the payments and places it again.
                cart.reason = declined
                cart.transition(CartStatus.PAYMENT_FAILED, now)
            elif synchronous or (synchronous is None and snapshot.location.checkout_policy == "synchronous"):
                cart.transition(CartStatus.VALIDATED, now)
                for payment in cart.payments:
                    if payment.status == "authorized":
                        payment.status = "capturing"  # claimed in the same write: no cancel can cut in
            staged = self._stage(work, cart, version, snapshot)
            try:
                work.commit()
            except VersionConflict:
                # Lost to another write: release what this attempt held (unless a concurrent submit of
                # the same version, asking with the same key, won and the cart carries it), then redo.
                self._release_unused_holds(caller, cart_id, obtained)
                raise
            return staged

        try:
            placed = self._uow.run(attempt)
        except Exception:
            self._release_unused_holds(caller, cart_id, obtained)
            raise
        self._release_unused_holds(caller, cart_id, obtained, placed.cart)
        for payment in replaced:
            self._void_replaced(payment)
        return placed

    @staticmethod
    def _read_placement_items(work: Work, cart: Cart, snapshot: Snapshot) -> None:
        """The cart's applied cards and counted codes not in the first read (applied before this
        request): one more read, made only for a cart that has some, so other carts keep the
        one-read budget."""
        cards = gift_card_reads(cart) - snapshot.gift_cards.keys()
        codes = code_reads(cart) - snapshot.discounts.keys()
        if cards or codes:
            reads = ReadSet(
                cart.tenant_id, cart.location_id, discount_codes=frozenset(codes), gift_card_codes=frozenset(cards)
            )
            found = work.read(reads)
            snapshot.gift_cards.update(found.gift_cards)
            snapshot.discounts.update(found.discounts)

    def _authorize(
        self, cart: Cart, total: int, version: int, region: Region, *, keep_order: bool = False
    ) -> tuple[list[Hold], str | None]:
        """Hold each recorded card on ``cart`` and record the holds on it (not yet written). The last
        card covers what the other payments leave of the total (one card: the whole total); others
        hold their own amounts. A decline releases what this call held and raises ``InvalidRequest``;
        with ``keep_order`` it is recorded on its payment instead (the cards held before it go back
        to ``recorded``) and its reason returned. Nothing to do for cash or no payment."""
        cards = [p for p in cart.payments if p.status == "recorded" and self._holds_funds(p)]
        # Cards before the last hold their own amounts: together never more than the order's total.
        if sum(p.amount_minor for p in cards[:-1]) > total:
            raise InvalidRequest("The cards' amounts add up to more than the order's total")
        held: list[Hold] = []
        for index, payment in enumerate(cards):
            if index == len(cards) - 1:
                others = sum(
                    p.amount_minor for p in cart.payments if p is not payment and p.status not in ("voided", "declined")
                )
                amount = max(total - others, 0)
            else:
                amount = payment.amount_minor
            provider = payment.provider or self._gateway.provider_for(payment.reference)
            if not region.allows_provider(provider):
                self._void(held)
                raise InvalidRequest(f"Payment provider {provider} is not offered in region {region.region_id}")
            # One key per agreement: the cart version submitted and its total (and the payment's key
            # when it is not the default one). A retried or concurrent submit of the same cart asks
            # for the same hold; a cart changed meanwhile is a new hold.
            key = f"{cart.cart_id}.v{version}.{total}" + (
                "" if payment.key == DEFAULT_PAYMENT_KEY else f".{payment.key}"
            )
            result = self._gateway.authorize(provider, amount, cart.currency, payment.reference, idempotency_key=key)
            if not result.approved:
                self._void(held)
                if result.pending:
                    raise PaymentPending(result.decline_reason or "the processor waits on the shopper")
                if keep_order:
                    return [], _record_decline(cart, cards[:index], payment, provider, result)
                raise InvalidRequest(f"Payment declined: {result.decline_reason}")
            held.append(Hold(provider, result.reference))
            payment.status = "authorized"
            payment.provider = provider
            payment.authorization_reference = result.reference
            payment.authorized_minor = result.amount_minor
        for session in cart.payment_sessions:
            if session.is_selected and cart.payment(session.payment_key) is not None:
                session.status = "authorized"
        return held, None

    def _holds_funds(self, payment: Payment) -> bool:
        try:
            return self._gateway.holds_funds(payment.provider or self._gateway.provider_for(payment.reference))
        except UnknownProvider as unknown:
            raise InvalidRequest(f"Unknown payment provider {payment.provider!r}") from unknown

    def _capture(self, cart: Cart, capturing: list[Payment], total: int) -> dict[str, PaymentResult]:
        """Ask the processor to capture each claimed hold (its share of ``total``), each once, each
        with its checkout's key; a total outside [0, what is held] is declined without asking."""
        held = sum(payment.authorized_minor or 0 for payment in capturing)
        outcomes: dict[str, PaymentResult] = {}
        remaining = total
        for payment in capturing:
            # One key per checkout: a retry after a lost write asks the processor for the same capture.
            key = _capture_key(cart, payment)
            if not 0 <= total <= held:
                reason = f"The total {total} is above the {held} authorized"
                outcomes[payment.key] = PaymentResult(False, f"decl_{key}", 0, reason)
                continue
            assert payment.authorization_reference and payment.provider
            amount = min(remaining, payment.authorized_minor or 0)
            remaining -= amount
            outcomes[payment.key] = self._gateway.capture(
                payment.provider, payment.authorization_reference, amount, cart.currency, key
            )
        return outcomes

    def _void(self, holds: Iterable[Hold]) -> None:
        for provider, reference in dict.fromkeys(holds):
            result = self._gateway.void(provider, reference, idempotency_key=f"{reference}.void")
            if not result.approved:
                logger.warning("Unused hold %s not voided: %s", reference, result.decline_reason)

    def _void_replaced(self, payment: Payment) -> None:
        """The hold of a payment a retry replaced (the order no longer carries it): released after
        the write; if the processor refuses, it lapses there (logged)."""
        assert payment.provider is not None and payment.authorization_reference is not None
        self._void([Hold(payment.provider, payment.authorization_reference)])

    def _release_unused_holds(self, caller: Caller, cart_id: str, holds: list[Hold], cart: Cart | None = None) -> None:
        """Void the holds a placing obtained but did not keep (an attempt lost its race to a changed
        cart, or the placing failed). Only holds the stored cart does not carry are voided; when the
        cart cannot be read, none are (an unused hold expires at the processor; a voided kept one
        would fail the order)."""
        if not holds:
            return
        if cart is None:
            try:
                cart = self._uow.once().read(ReadSet(caller.tenant_id, caller.location_id, cart_id)).cart
            except Exception:
                logger.warning("Cannot read cart %s to release its unused holds", cart_id, exc_info=True)
                return
        kept = {p.authorization_reference for p in cart.payments} if cart is not None else set()
        self._void(hold for hold in holds if hold.reference not in kept)
        holds[:] = [hold for hold in holds if hold.reference in kept]


def _apply_before_placing(cart: Cart, edits: CartEdits, snapshot: Snapshot, now: float) -> None:
    """``edits`` on a cart not yet placed: any edit while it is open; once its payment failed, only
    its payments (the rest is the order as placed)."""
    if cart.status is CartStatus.PAYMENT_FAILED:
        others = edits.model_fields_set - {"payments"}
        if others:
            raise Conflict(
                f"Order {cart.cart_id} failed to pay; only its payments can change ({', '.join(sorted(others))})"
            )
        if edits.payments is not None:
            apply_payment_edits(cart, edits.payments)
        return
    cart.require_editable()
    apply_edits(cart, edits, snapshot, now)
    refresh_session_amounts(cart, snapshot)


def _record_decline(
    cart: Cart, held_before: list[Payment], declined: Payment, provider: str, result: PaymentResult
) -> str:
    """A card declined at placing, on an order that is kept: the cards held before it in this call
    (their holds voided already) go back to ``recorded``, and the declined one records why."""
    for payment in held_before:
        payment.status = "recorded"
        payment.authorization_reference = None
        payment.authorized_minor = None
    declined.status = "declined"
    declined.provider = provider
    declined.provider_reference = result.reference
    reason = result.decline_reason or "Declined"
    declined.decline_reason = reason
    return reason


def _carries(cart: Cart, payment: Payment) -> bool:
    stored = cart.payment(payment.key)
    return stored is not None and (stored.method, stored.reference) == (payment.method, payment.reference)


def _payment_from_session(cart: Cart, total: int) -> None:
    """A cart with payment sessions (Medusa) pays with the selected one: it becomes the payment
    under the session's key, for the provider it names (authorized with the others). Nothing to pay
    (a total of zero or less) needs no session, as in Medusa."""
    if not cart.payment_sessions:
        return
    session = cart.selected_session()
    if session is None:
        if total <= 0:
            return
        raise InvalidRequest(NO_SESSION_SELECTED)
    if cart.payment(session.payment_key) is None:
        cart.set_payment(
            Payment(
                key=session.payment_key,
                method=session.provider_id,
                amount_minor=0,
                reference=session.data.get("token"),
                provider=session.provider_id,
            )
        )


def _capture_key(cart: Cart, payment: Payment) -> str:
    key = f"{cart.cart_id}.{cart.validated_ms}"
    return key if payment.key == DEFAULT_PAYMENT_KEY else f"{key}.{payment.key}"


def _record_captures(cart: Cart, outcomes: dict[str, PaymentResult], at_ms: int) -> None:
    """The processor's answers to a checkout's captures: paid when every one is approved, else
    payment_failed with the first decline's reason (a declined hold stays: payment_failed may still
    be canceled, then voided)."""
    declined: str | None = None
    for payment in cart.payments:
        result = outcomes.get(payment.key)
        if result is None:
            continue
        payment.provider_reference = result.reference
        if result.approved:
            payment.status = "captured"
            payment.captured_minor = result.amount_minor
            payment.amount_minor = result.amount_minor  # a card pays what was captured
        else:
            payment.status = "declined"
            payment.decline_reason = result.decline_reason
            declined = declined or result.decline_reason or "Declined"
    if declined is None:
        cart.transition(CartStatus.PAID, at_ms)
    else:
        cart.reason = declined
        cart.transition(CartStatus.PAYMENT_FAILED, at_ms)
