"""Checkout and payments: recording how the consumer pays, placing the order (a card is authorized
then), the consumer's cancel, and, driven by events, capturing a validated card order or voiding the
hold of one that ended unpaid (docs/payments.md)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from decimal import Decimal

from cart_core.cart import Cart, Payment
from cart_core.errors import Conflict, InvalidRequest
from cart_core.lifecycle import CartStatus
from cart_core.limits import MAX_ORDER_TAGS
from cart_core.money import from_decimal
from cart_core.payments import PROVIDERS, PaymentProviderError, PaymentResult, provider_for
from cart_core.ports import Key, ReadSet, Snapshot
from cart_core.pricing import price
from cart_core.tenancy import Caller
from cart_core.unit_of_work import Work
from cart_core.usecases.carts import CartEdits, apply_edits
from cart_core.usecases.identity import pointer_keys
from cart_core.usecases.shared import CartUseCases, PricedCart, terms_for

logger = logging.getLogger(__name__)
# Orders that ended without a capture: a card hold they still have is released.
_ENDED_UNPAID = frozenset({CartStatus.REJECTED, CartStatus.EXPIRED, CartStatus.CANCELED})
# Where a consumer may still call the order off, provided no capture has begun (cancel_by_consumer).
_CANCELABLE_BY_CONSUMER = frozenset({CartStatus.SUBMITTED, CartStatus.VALIDATED, CartStatus.PAYMENT_FAILED})


class Checkout(CartUseCases):
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
        """Record what the consumer hands over (``amount`` in currency units, exact).

        A ``card_token`` is authorized when the order is submitted and captured by the payment worker
        once the store has validated it; without one, the store collects the money at pickup.
        """

        def change(cart: Cart, snapshot: Snapshot, work: Work) -> None:
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

        return self._mutate(caller, cart_id, change)

    def submit(self, caller: Caller, cart_id: str, edits: CartEdits) -> PricedCart:
        """Place the order. A recorded card is authorized here for the total the consumer agrees to;
        a decline raises ``InvalidRequest`` with the processor's reason and leaves the cart open.

        One write: the cart (conditional on its version), the order number's claim (a collision is a
        race: the retry draws another number) and the release of its active-cart pointers."""
        holds: list[tuple[str, str]] = []  # (provider, authorization reference) obtained by this call

        def change(cart: Cart, snapshot: Snapshot, work: Work) -> bool:
            if cart.status is not CartStatus.OPEN:
                if cart.submitted_ms is None:  # closed without ever being submitted (merged, expired)
                    raise Conflict(f"Cart {cart.cart_id} is {cart.status.value} and cannot be submitted")
                return False  # submitted already: a retry must not place a second order
            apply_edits(cart, edits, snapshot, self._clock())
            if not cart.lines:
                raise InvalidRequest("Cannot submit an empty cart")
            self._authorize_card(cart, snapshot, holds)
            cart.order_no = str(100_000_000 + secrets.randbelow(900_000_000))
            cart.transition(CartStatus.SUBMITTED, self._now_ms())
            # The claim lives as long as the order it names.
            work.claim(Key.order_no(cart.tenant_id, cart.order_no), cart.cart_id, expires_with=cart)
            for key in pointer_keys(cart):
                work.release(Key.active(key), cart.cart_id)
            return True

        try:
            placed = self._mutate(caller, cart_id, change, edits.product_ids(), edits.codes())
        except Exception:
            self._release_unused_holds(caller, cart_id, holds)
            raise
        self._release_unused_holds(caller, cart_id, holds, placed.cart)
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
            payment = cart.payments[-1] if cart.payments else None
            if cart.status in (CartStatus.PAID, CartStatus.COMPLETED):
                raise Conflict(f"Order {cart.cart_id} is paid; the store must cancel it")
            if payment is not None and payment.status in ("capturing", "captured"):
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

        A card is captured for the validated total against the hold made at submit, never above it
        (the rest of the hold is released by the partial capture), in two writes: first the claim
        (payment ``capturing``, conditional on the version read), then the processor's capture and its
        outcome. The consumer may cancel a validated order until the claim commits and not after
        (``cancel_by_consumer``), so a capture is asked for only on an order no cancel can reach: a
        cancel that wins makes the claim lose its race, and the retry finds the order canceled. A
        worker that stops between the two writes leaves ``capturing``; the redelivered event captures
        with the same idempotency key.
        """

        def claim(cart: Cart, snapshot: Snapshot, work: Work) -> bool:
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
                _record_capture(cart, payment, PaymentResult(False, f"decl_{key}", 0, reason), self._now_ms())
                return True
            payment.status = "capturing"
            return True

        claimed = self._mutate(caller, cart_id, claim)
        payment = claimed.cart.payments[-1] if claimed.cart.payments else None
        if claimed.cart.status is not CartStatus.VALIDATED or payment is None or payment.status != "capturing":
            return claimed

        def capture(cart: Cart, snapshot: Snapshot, work: Work) -> bool:
            payment = cart.payments[-1] if cart.payments else None
            if cart.status is not CartStatus.VALIDATED or payment is None or payment.status != "capturing":
                return False  # another worker recorded the outcome meanwhile
            assert snapshot.location is not None and payment.authorization_reference and payment.provider
            total = price(cart, terms_for(cart, snapshot)).total_minor
            # One key per checkout: a retry after a lost write asks the processor for the same capture.
            key = _capture_key(cart)
            if not 0 <= total <= (payment.authorized_minor or 0):
                reason = f"The total {total} is above the {payment.authorized_minor} authorized"
                result = PaymentResult(False, f"decl_{key}", 0, reason)
            else:
                provider = PROVIDERS[payment.provider]
                result = provider.capture(payment.authorization_reference, total, cart.currency, key)
            _record_capture(cart, payment, result, self._now_ms())
            return True

        return self._mutate(caller, cart_id, capture)

    def void_authorization(self, caller: Caller, cart_id: str) -> PricedCart:
        """Release the card hold of an order that ended without a capture (rejected, expired, canceled).

        ``voided`` is recorded with a write conditional on the version read, so a redelivered event,
        or two workers at once, void once; the processor dedupes on the key meanwhile. Nothing held
        (cash, no payment, captured, voided already) → nothing to do.
        """

        def change(cart: Cart, snapshot: Snapshot, work: Work) -> bool:
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

    def _authorize_card(self, cart: Cart, snapshot: Snapshot, holds: list[tuple[str, str]]) -> None:
        """Hold the cart's total on a recorded card (submit). Nothing to do for cash or no payment."""
        payment = cart.payments[-1] if cart.payments else None
        if payment is None or payment.status != "recorded":
            return
        provider = provider_for(payment.reference)
        if not provider.holds_funds:
            return
        assert snapshot.location is not None
        total = price(cart, terms_for(cart, snapshot)).total_minor
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
                cart = self._uow.once().read(ReadSet(caller.tenant_id, caller.location_id, cart_id)).cart
            except Exception:
                logger.warning("Cannot read cart %s to release its unused holds", cart_id, exc_info=True)
                return
        kept = cart.payments[-1].authorization_reference if cart is not None and cart.payments else None
        for provider_name, reference in dict.fromkeys(holds):
            if reference != kept:
                result = PROVIDERS[provider_name].void(reference, idempotency_key=f"{reference}.void")
                if not result.approved:
                    logger.warning("Unused hold %s not voided: %s", reference, result.decline_reason)


def _capture_key(cart: Cart) -> str:
    return f"{cart.cart_id}.{cart.validated_ms}"


def _record_capture(cart: Cart, payment: Payment, result: PaymentResult, at_ms: int) -> None:
    """The processor's answer to a capture: paid, or payment_failed with its reason."""
    payment.provider_reference = result.reference
    if result.approved:
        payment.status = "captured"
        payment.captured_minor = result.amount_minor
        payment.amount_minor = result.amount_minor  # a card pays what was captured
        cart.transition(CartStatus.PAID, at_ms)
    else:
        # The hold (if any) stays: payment_failed may still be canceled (then voided).
        payment.status = "declined"
        payment.decline_reason = result.decline_reason
        cart.reason = result.decline_reason
        cart.transition(CartStatus.PAYMENT_FAILED, at_ms)
