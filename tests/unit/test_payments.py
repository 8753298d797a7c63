"""Authorize → capture → void in the core, against an in-memory store (no AWS), so the money rules can
be checked over many generated cases: the store never captures more than the consumer authorized."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from cart_core import payments
from cart_core.actors import Actor
from cart_core.cart import MAX_ADJUSTMENT_MINOR, Adjustment, Cart, LineItem, Payment
from cart_core.errors import Conflict, InvalidRequest, PaymentPending
from cart_core.lifecycle import CartStatus
from cart_core.payments import PaymentResult, TestCardProvider
from cart_core.ports import Put, ReadSet, Snapshot, VersionConflict
from cart_core.tenancy import Caller, Location, TaxRate
from cart_core.usecases import UseCases, compose
from cart_core.usecases.carts import CartEdits
from loke_cart.wire import AdjustmentIn

CALLER = Caller(tenant_id="t", location_id="l", actor=Actor.partner())
LOCATION = Location(
    tenant_id="t", location_id="l", name="L", tax_rates=(TaxRate(name="State", percent=Decimal("6.25")),)
)
CARD = TestCardProvider()


class MemoryStore:
    """Just enough of ``CartStore`` for the payment use cases: one cart, versioned writes."""

    def __init__(self, cart: Cart) -> None:
        self.carts = {cart.cart_id: cart.model_copy(deep=True)}
        self.before_commit = None  # a hook that may write first, to lose a race on purpose

    def read(self, reads: ReadSet) -> Snapshot:
        cart = self.carts.get(reads.cart_id)
        return Snapshot(cart=cart.model_copy(deep=True) if cart else None, location=LOCATION)

    def write(self, intents) -> None:
        if self.before_commit is not None:
            hook, self.before_commit = self.before_commit, None
            hook(self)
        puts = [intent for intent in intents if isinstance(intent, Put)]  # claims and pointers: not modelled
        for put in puts:
            if self.carts[put.record.cart_id].version != put.version:
                raise VersionConflict()
        for put in puts:
            self.carts[put.record.cart_id] = put.record.model_copy(deep=True, update={"version": put.version + 1})

    def stored(self, cart_id: str) -> Cart:
        return self.carts[cart_id]


@dataclass
class RecordingCard:
    """The test-card provider, with every call it answered written down."""

    name: str = "test-card"
    holds_funds: bool = True
    calls: list[tuple[str, str]] = field(default_factory=list)
    before_capture: Callable[[], None] | None = None  # runs once, as the processor is being asked

    def authorize(self, amount_minor, currency, token, idempotency_key) -> PaymentResult:
        result = CARD.authorize(amount_minor, currency, token, idempotency_key)
        self.calls.append(("authorize", result.reference))
        return result

    def capture(self, authorization_ref, amount_minor, currency, idempotency_key) -> PaymentResult:
        if self.before_capture is not None:
            hook, self.before_capture = self.before_capture, None
            hook()
        result = CARD.capture(authorization_ref, amount_minor, currency, idempotency_key)
        self.calls.append(("capture", result.reference))
        return result

    def void(self, authorization_ref, idempotency_key) -> PaymentResult:
        result = CARD.void(authorization_ref, idempotency_key)
        self.calls.append(("void", authorization_ref))
        return result

    def count(self, operation: str) -> int:
        return sum(1 for op, _ in self.calls if op == operation)


@pytest.fixture
def card(monkeypatch) -> RecordingCard:
    recording = RecordingCard()
    monkeypatch.setitem(payments.PROVIDERS, "test-card", recording)
    monkeypatch.setattr(
        payments,
        "provider_for",
        lambda token: recording if token and token.startswith("tok_") else payments.PROVIDERS["manual"],
    )
    monkeypatch.setattr("cart_core.usecases.checkout.provider_for", payments.provider_for)
    return recording


def open_cart(token: str | None = "tok_visa", price_minor: int = 2000) -> Cart:
    cart = Cart(tenant_id="t", location_id="l", currency="USD", fulfillment="pickup")
    cart.lines = [LineItem(product_id="p", title="P", quantity=1, unit_price_minor=price_minor)]
    if token is not None:
        cart.payments = [Payment(method="Credit", amount_minor=0, reference=token)]
    cart.version = 1
    return cart


def submitted(token: str | None = "tok_visa", price_minor: int = 2000) -> tuple[UseCases, MemoryStore, str]:
    cart = open_cart(token, price_minor)
    store = MemoryStore(cart)
    cases = compose(store)
    cases.checkout.submit(CALLER, cart.cart_id, CartEdits())
    return cases, store, cart.cart_id


# ----- the test-card provider mirrors a processor's rules ---------------------------------------


@given(authorized=st.integers(0, 10**9), captured=st.integers(-(10**9), 10**10))
def test_a_test_card_capture_is_approved_exactly_when_it_is_within_the_authorization(authorized, captured) -> None:
    # Given a hold of ``authorized``; When capturing ``captured`` against it
    hold = CARD.authorize(authorized, "USD", "tok_visa", "k1")
    result = CARD.capture(hold.reference, captured, "USD", "k2")
    # Then the processor itself refuses more than the hold (or a negative amount)
    assert hold.approved and hold.amount_minor == authorized
    assert result.approved is (0 <= captured <= authorized)
    assert result.amount_minor == (captured if result.approved else 0)


def test_a_test_card_refuses_captures_it_cannot_match_to_a_hold() -> None:
    hold = CARD.authorize(500, "USD", "tok_visa", "k1").reference
    assert not CARD.capture(hold, 500, "EUR", "k2").approved  # another currency
    assert not CARD.capture("auth_visa_999999_USD", 1, "USD", "k2").approved  # malformed
    assert not CARD.capture("ch_forged", 1, "USD", "k2").approved
    assert not CARD.void("nothing", "k3").approved
    assert CARD.void(hold, "k3").approved


def test_a_test_card_hold_is_the_same_for_the_same_key() -> None:
    assert (
        CARD.authorize(100, "USD", "tok_visa", "k").reference == CARD.authorize(100, "USD", "tok_visa", "k").reference
    )


def test_test_tokens_decline_at_the_step_they_name() -> None:
    declined = CARD.authorize(100, "USD", "tok_chargeDeclined", "k")
    assert not declined.approved and declined.decline_reason == "Your card was declined."
    hold = CARD.authorize(100, "USD", "tok_captureDeclined", "k")
    assert hold.approved and not CARD.capture(hold.reference, 100, "USD", "k2").approved


# ----- submit authorizes ------------------------------------------------------------------------


def test_submit_holds_the_agreed_total_on_the_card_once(card) -> None:
    # Given an open cart of 20.00 + 6.25 % tax paid by tok_visa
    cases, store, cart_id = submitted()
    # Then the card holds 2125 and the cart records it
    payment = store.stored(cart_id).payments[-1]
    assert (payment.status, payment.authorized_minor, payment.provider) == ("authorized", 2125, "test-card")
    assert store.stored(cart_id).status is CartStatus.SUBMITTED
    # When the consumer's submit is retried, Then no second hold is asked for
    cases.checkout.submit(CALLER, cart_id, CartEdits())
    assert card.count("authorize") == 1 and card.count("void") == 0


def test_a_decline_at_submit_leaves_the_cart_open_and_unchanged(card) -> None:
    cart = open_cart("tok_chargeDeclined")
    store = MemoryStore(cart)
    with pytest.raises(InvalidRequest, match="Your card was declined"):
        compose(store).checkout.submit(CALLER, cart.cart_id, CartEdits())
    assert store.stored(cart.cart_id) == cart  # still open, version 1, payment only recorded


def test_a_pending_authorization_holds_nothing_and_refuses_a_submit_leaving_the_cart_open(card) -> None:
    # Given the test card's token that leaves an authorization pending (3-D Secure and the like)
    result = CARD.authorize(100, "USD", payments.TEST_CARD_PENDING, "k")
    assert (result.approved, result.pending, result.amount_minor) == (False, True, 0)
    cart = open_cart(payments.TEST_CARD_PENDING)
    store = MemoryStore(cart)
    # When the cart is submitted, Then it is refused as pending (a 400 for faces without that state)
    with pytest.raises(PaymentPending, match="awaits the shopper"):
        compose(store).checkout.submit(CALLER, cart.cart_id, CartEdits())
    # And nothing was written
    assert store.stored(cart.cart_id) == cart


def test_cash_is_not_authorized_at_submit(card) -> None:
    _cases, store, cart_id = submitted(token=None)
    assert store.stored(cart_id).payments == [] and card.calls == []


def test_a_submit_that_loses_its_race_to_a_changed_cart_voids_the_hold_it_did_not_keep(card) -> None:
    # Given a submit whose first commit loses to a concurrent edit that raises the total
    cart = open_cart()
    store = MemoryStore(cart)

    def concurrent_edit(store: MemoryStore) -> None:
        other = store.stored(cart.cart_id).model_copy(deep=True)
        other.lines[0].quantity = 2
        other.version += 1
        store.carts[cart.cart_id] = other

    store.before_commit = concurrent_edit
    # When the submit retries on the new version
    compose(store).checkout.submit(CALLER, cart.cart_id, CartEdits())
    # Then it held the new total, and released the first hold
    payment = store.stored(cart.cart_id).payments[-1]
    assert payment.authorized_minor == 4250 and card.count("authorize") == 2
    (voided,) = [ref for op, ref in card.calls if op == "void"]
    assert voided != payment.authorization_reference and "_2125_" in voided


def test_once_authorized_the_consumer_cannot_swap_the_payment(card) -> None:
    cases, _store, cart_id = submitted()
    with pytest.raises(Conflict, match="authorized"):
        cases.checkout.record_payment(CALLER, cart_id, "Cash", Decimal("10"))


# ----- acceptance captures, never above the hold -------------------------------------------------

adjustment = st.builds(
    lambda amount, tax_share: Adjustment(
        adjustment_id="a", label="x", amount_minor=amount, tax_minor=int(amount * tax_share)
    ),
    st.integers(-MAX_ADJUSTMENT_MINOR, MAX_ADJUSTMENT_MINOR),
    st.sampled_from([0, 0.1, 0.5, 1]),
)


@settings(max_examples=150, deadline=None)
@given(
    price_minor=st.integers(1, 50_000),
    adjustments=st.lists(
        st.one_of(
            adjustment,
            st.builds(lambda a: Adjustment(adjustment_id="s", label="s", amount_minor=a), st.integers(-3000, 3000)),
        ),
        max_size=8,
    ),
)
def test_whatever_the_pos_adjusts_the_capture_is_between_zero_and_the_authorization(price_minor, adjustments) -> None:
    # Given a card-paid order, held for its total at submit
    cases, store, cart_id = submitted(price_minor=price_minor)
    authorized = store.stored(cart_id).payments[-1].authorized_minor
    before = store.stored(cart_id)
    # When the POS validates with any adjustments and the payment worker settles
    try:
        cases.pos_validation.pos_validate(CALLER, cart_id, adjustments)
    except InvalidRequest:
        # Then either it is refused and nothing changed
        assert store.stored(cart_id) == before
        return
    cases.checkout.settle_payment(CALLER, cart_id)
    # Or the card is captured for the validated total, 0 ≤ captured ≤ authorized
    cart = store.stored(cart_id)
    payment = cart.payments[-1]
    assert cart.status is CartStatus.PAID and payment.status == "captured"
    assert 0 <= payment.captured_minor <= authorized
    assert payment.captured_minor == cart.total_minor == authorized + sum(a.amount_minor for a in adjustments)


def test_a_surcharge_above_the_hold_is_refused_naming_the_authorization() -> None:
    cases, store, cart_id = submitted()
    surcharge = [Adjustment(adjustment_id="S", label="Bag fee", amount_minor=1)]
    with pytest.raises(InvalidRequest, match="above the 2125 USD minor units authorized"):
        cases.pos_validation.pos_validate(CALLER, cart_id, surcharge)
    assert store.stored(cart_id).status is CartStatus.SUBMITTED and store.stored(cart_id).adjustments == []


def test_a_cash_order_may_be_surcharged() -> None:
    cases, store, cart_id = submitted(token=None)
    cases.pos_validation.pos_validate(
        CALLER, cart_id, [Adjustment(adjustment_id="S", label="Bag fee", amount_minor=500)]
    )
    assert store.stored(cart_id).status is CartStatus.VALIDATED and store.stored(cart_id).total_minor == 2625


@pytest.mark.parametrize("token", [None, "cash-note"])
def test_pay_at_pickup_is_accepted_and_nothing_is_captured(card, token) -> None:
    # Given a pay-at-pickup order (no payment at all, or a recorded cash payment) the store accepted
    cases, store, cart_id = submitted(token=token)
    cases.pos_validation.pos_validate(CALLER, cart_id, [])
    accepted = store.stored(cart_id)
    # When the payment worker hears CartValidated
    settled = cases.checkout.settle_payment(CALLER, cart_id).cart
    # Then nothing is authorized or captured and nothing is written: accepted, payment due at pickup
    assert card.calls == [] and store.stored(cart_id) == accepted
    assert settled.status is CartStatus.VALIDATED and settled.pays_at_pickup and settled.paid_ms is None
    assert all(p.status == "recorded" and p.provider_reference is None for p in settled.payments)


def test_settling_twice_captures_once(card) -> None:
    cases, store, cart_id = submitted()
    cases.pos_validation.pos_validate(CALLER, cart_id, [])
    cases.checkout.settle_payment(CALLER, cart_id)
    cases.checkout.settle_payment(CALLER, cart_id)
    assert card.count("capture") == 1 and store.stored(cart_id).payments[-1].captured_minor == 2125


def test_a_capture_decline_fails_the_payment_and_keeps_the_hold_to_void(card) -> None:
    cases, store, cart_id = submitted(token="tok_captureDeclined")
    cases.pos_validation.pos_validate(CALLER, cart_id, [])
    cases.checkout.settle_payment(CALLER, cart_id)
    cart = store.stored(cart_id)
    assert cart.status is CartStatus.PAYMENT_FAILED and cart.reason == "The authorization could not be captured."
    assert cart.payments[-1].status == "declined" and cart.payments[-1].hold_is_live


def test_the_capture_is_claimed_before_the_processor_is_asked(card) -> None:
    # Given a card order the store accepted
    cases, store, cart_id = submitted()
    cases.pos_validation.pos_validate(CALLER, cart_id, [])
    seen = []
    card.before_capture = lambda: seen.append(store.stored(cart_id).payments[-1].status)
    # When the payment worker settles it, Then the claim was committed when the processor was asked
    cases.checkout.settle_payment(CALLER, cart_id)
    assert seen == ["capturing"] and store.stored(cart_id).status is CartStatus.PAID


def test_a_worker_that_stopped_after_its_claim_captures_on_the_retry_with_the_same_key(card) -> None:
    # Given a claim committed by a worker that stopped before asking the processor
    cases, store, cart_id = submitted()
    cases.pos_validation.pos_validate(CALLER, cart_id, [])
    card.before_capture = lambda: (_ for _ in ()).throw(TimeoutError("the worker stopped"))
    with pytest.raises(TimeoutError):
        cases.checkout.settle_payment(CALLER, cart_id)
    assert store.stored(cart_id).payments[-1].status == "capturing"
    with pytest.raises(Conflict, match="being paid"):  # the consumer can no longer cut in
        cases.checkout.cancel_by_consumer(CALLER, cart_id)
    # When the event is redelivered, Then it captures once, under the checkout's key
    cases.checkout.settle_payment(CALLER, cart_id)
    cart = store.stored(cart_id)
    assert cart.status is CartStatus.PAID and card.count("capture") == 1
    assert cart.payments[-1].provider_reference == f"ch_{cart_id}.{cart.validated_ms}"


def test_a_card_never_authorized_is_not_charged_blind(card) -> None:
    # Given an order placed before cards were authorized at submit (its stored payment only recorded)
    cart = open_cart()
    cart.status, cart.submitted_ms = CartStatus.VALIDATED, 1
    store = MemoryStore(cart)
    compose(store).checkout.settle_payment(CALLER, cart.cart_id)
    stored = store.stored(cart.cart_id)
    assert stored.status is CartStatus.PAYMENT_FAILED and "not authorized" in stored.reason
    assert card.calls == []


# ----- an order that ends without capture releases the hold --------------------------------------


@pytest.mark.parametrize("ending", ["rejected", "expired", "canceled"])
def test_the_hold_is_voided_once_when_the_order_ends(card, ending) -> None:
    cases, store, cart_id = submitted()
    if ending == "rejected":
        cases.pos_validation.pos_reject(CALLER, cart_id)
    elif ending == "expired":
        assert cases.pos_validation.expire_if_unanswered(CALLER, cart_id, deadline_ms=0)
    else:
        cases.checkout.cancel_by_consumer(CALLER, cart_id)
    # When the payment worker hears of it, twice
    cases.checkout.void_authorization(CALLER, cart_id)
    version = store.stored(cart_id).version
    cases.checkout.void_authorization(CALLER, cart_id)
    # Then the hold was voided once, and the second time nothing was written
    payment = store.stored(cart_id).payments[-1]
    assert payment.status == "voided" and payment.void_reference.startswith("void_")
    assert card.count("void") == 1 and store.stored(cart_id).version == version


def test_nothing_held_nothing_voided(card) -> None:
    cases, store, cart_id = submitted(token=None)
    cases.pos_validation.pos_reject(CALLER, cart_id)
    version = store.stored(cart_id).version
    cases.checkout.void_authorization(CALLER, cart_id)
    assert card.calls == [] and store.stored(cart_id).version == version


def test_a_paid_order_is_never_voided(card) -> None:
    cases, store, cart_id = submitted()
    cases.pos_validation.pos_validate(CALLER, cart_id, [])
    cases.checkout.settle_payment(CALLER, cart_id)
    cases.checkout.void_authorization(CALLER, cart_id)
    assert card.count("void") == 0 and store.stored(cart_id).payments[-1].status == "captured"


# ----- the consumer cancels until money is captured -----------------------------------------------


def _order_in(state: str, card: RecordingCard) -> tuple[UseCases, MemoryStore, str]:
    """A card order (or a pay-at-pickup one) taken to ``state``."""
    token = {"pickup validated": None, "payment_failed": "tok_captureDeclined"}.get(state, "tok_visa")
    cases, store, cart_id = submitted(token=token)
    if state != "submitted":
        if state == "rejected":
            cases.pos_validation.pos_reject(CALLER, cart_id)
        else:
            cases.pos_validation.pos_validate(CALLER, cart_id, [])
    if state in ("paid", "payment_failed"):
        cases.checkout.settle_payment(CALLER, cart_id)
    return cases, store, cart_id


@pytest.mark.parametrize(
    ("state", "allowed"),
    [
        ("submitted", True),
        ("pickup validated", True),  # accepted, payment due at pickup
        ("validated", True),  # a card order before the payment worker claims the capture
        ("payment_failed", True),
        ("paid", False),
        ("rejected", False),
    ],
)
def test_the_consumer_may_cancel_until_money_is_captured(card, state, allowed) -> None:
    cases, store, cart_id = _order_in(state, card)
    before = store.stored(cart_id)
    if not allowed:
        with pytest.raises(Conflict, match="paid; the store must cancel it" if state == "paid" else "no longer"):
            cases.checkout.cancel_by_consumer(CALLER, cart_id)
        assert store.stored(cart_id) == before
        return
    canceled = cases.checkout.cancel_by_consumer(CALLER, cart_id).cart
    assert canceled.status is CartStatus.CANCELED and canceled.canceled_by == "consumer"
    # And a card hold on it is released by the payment worker (CartCanceled), never captured
    cases.checkout.void_authorization(CALLER, cart_id)
    payment = store.stored(cart_id).payments[-1] if store.stored(cart_id).payments else None
    assert payment is None or payment.status == "voided"
    assert card.count("capture") == (1 if state == "payment_failed" else 0)  # the declined capture only
    assert card.count("void") == (0 if payment is None else 1)


def test_a_cancel_that_commits_first_means_the_capture_is_never_asked_for(card) -> None:
    # Given a card order the store accepted, and the consumer's cancel committing between the payment
    # worker's read and its claim
    cases, store, cart_id = submitted()
    cases.pos_validation.pos_validate(CALLER, cart_id, [])
    consumer = compose(store)
    store.before_commit = lambda _store: consumer.checkout.cancel_by_consumer(CALLER, cart_id)
    # When the payment worker settles it
    cases.checkout.settle_payment(CALLER, cart_id)
    # Then its claim lost the race: the order is canceled, nothing captured, and the hold is voided
    assert store.stored(cart_id).status is CartStatus.CANCELED and card.count("capture") == 0
    cases.checkout.void_authorization(CALLER, cart_id)
    assert store.stored(cart_id).payments[-1].status == "voided" and card.count("void") == 1


def test_a_cancel_while_the_processor_captures_is_refused_and_no_money_stays_on_a_canceled_order(card) -> None:
    # Given a card order the store accepted, and the consumer canceling while the processor is capturing
    # (the interleaving that would leave money captured on a canceled order: the capture succeeds at the
    # processor, the cancel commits, the worker's write loses and its retry finds the order canceled)
    cases, store, cart_id = submitted()
    cases.pos_validation.pos_validate(CALLER, cart_id, [])
    consumer = compose(store)
    answers = []

    def consumer_cancels() -> None:
        try:
            answers.append(consumer.checkout.cancel_by_consumer(CALLER, cart_id).cart.status.value)
        except Conflict as refused:
            answers.append(str(refused))

    card.before_capture = consumer_cancels
    # When the payment worker settles it
    cases.checkout.settle_payment(CALLER, cart_id)
    cases.checkout.void_authorization(CALLER, cart_id)
    # Then the cancel was refused (the store must cancel and refund), and the order is paid, once
    cart = store.stored(cart_id)
    assert answers == [f"Order {cart_id} is being paid; the store must cancel it"]
    assert cart.status is CartStatus.PAID and card.count("capture") == 1 and card.count("void") == 0
    assert not (cart.status is CartStatus.CANCELED and card.count("capture"))


# ----- bounds on what a POS may send -------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"amount": MAX_ADJUSTMENT_MINOR + 1},
        {"amount": -MAX_ADJUSTMENT_MINOR - 1},
        {"amount": -100, "taxIncluded": 8},  # tax of the other sign
        {"amount": 100, "taxIncluded": 101},  # more tax than amount
        {"amount": 0, "taxIncluded": 1},
        {"amount": 1, "id": "é" * 65},  # 130 bytes, 65 characters
        {"amount": 1, "label": "🙂" * 65},  # 260 bytes
        {"amount": 1, "id": ""},
    ],
)
def test_out_of_bounds_adjustments_are_refused_at_the_wire_and_in_the_core(fields) -> None:
    body = {"id": "A", "label": "L", **fields}
    with pytest.raises(ValidationError):
        AdjustmentIn.model_validate(body)
    core = Adjustment(
        adjustment_id=body["id"], label=body["label"], amount_minor=body["amount"], tax_minor=body.get("taxIncluded")
    )
    assert core.problem() is not None


@pytest.mark.parametrize(
    "fields", [{"amount": -100, "taxIncluded": -8}, {"amount": 100, "taxIncluded": 0}, {"amount": MAX_ADJUSTMENT_MINOR}]
)
def test_sane_adjustments_pass(fields) -> None:
    assert AdjustmentIn.model_validate({"id": "A", "label": "L", **fields})
    assert (
        Adjustment(
            adjustment_id="A", label="L", amount_minor=fields["amount"], tax_minor=fields.get("taxIncluded")
        ).problem()
        is None
    )


def test_a_payment_stored_before_authorize_capture_still_loads() -> None:
    old = {"method": "Credit", "amount_minor": 2706, "reference": "tok_visa", "status": "authorized",
           "provider": "test-card", "provider_reference": "ch_x.1"}  # fmt: skip
    payment = Payment.model_validate(old)
    assert payment.authorized_minor is None and not payment.hold_is_live


def test_the_outbox_announces_each_money_step() -> None:
    from cart_core.events.models import events_for_change

    def types(old: Cart, new: Cart) -> list[str]:
        return [e.event_type.value for e in events_for_change(old, new)]

    # Given a card order: held at submit, then captured; and another one held, rejected, voided
    cart = open_cart()
    cases, store, cart_id = submitted()
    held = store.stored(cart_id)
    cases.pos_validation.pos_validate(CALLER, cart_id, [])
    validated = store.stored(cart_id)
    cases.checkout.settle_payment(CALLER, cart_id)
    other_cases, other, other_id = submitted()
    other_cases.pos_validation.pos_reject(CALLER, other_id)
    rejected = other.stored(other_id)
    other_cases.checkout.void_authorization(CALLER, other_id)
    # Then the outbox turns each change into its events
    assert types(cart, held) == ["CartSubmitted", "PaymentAuthorized"]
    assert types(held, validated) == ["CartValidated"]  # a card order is placed when it is paid
    assert types(validated, store.stored(cart_id)) == ["PaymentCaptured", "OrderPlaced"]
    assert types(rejected, other.stored(other_id)) == ["PaymentVoided"]
    assert types(other.stored(other_id), other.stored(other_id)) == []


def test_a_pay_at_pickup_order_is_placed_when_it_is_accepted_and_never_captured() -> None:
    from cart_core.events.models import events_for_change

    # Given a pay-at-pickup order, submitted, accepted, then settled by the payment worker
    cases, store, cart_id = submitted(token=None)
    placed = store.stored(cart_id)
    cases.pos_validation.pos_validate(CALLER, cart_id, [])
    accepted = store.stored(cart_id)
    cases.checkout.settle_payment(CALLER, cart_id)
    # Then acceptance places the order (once), and nothing says money was captured
    events = [e.event_type.value for e in events_for_change(placed, accepted)]
    assert events == ["CartValidated", "OrderPlaced"]
    assert store.stored(cart_id) == accepted  # the worker wrote nothing, so the outbox emits nothing more
