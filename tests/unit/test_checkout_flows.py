"""Checkout beyond BLAZE's one path, against an in-memory store: the gateway called between the read
and the write, the synchronous policy, a new payment after a failed capture, payments by key and
payment sessions, and readiness as a computed condition."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cart_core.cart import Address, Adjustment, Cart, LineItem, Payment, ShippingMethod
from cart_core.errors import Conflict, InvalidRequest, NotFound
from cart_core.events.models import events_for_change
from cart_core.lifecycle import CartStatus, check_transition
from cart_core.pricing import price
from cart_core.readiness import readiness
from cart_core.tenancy import Location, TaxRate
from cart_core.usecases import compose
from cart_core.usecases.carts import CartEdits
from tests.unit.test_payments import CALLER, MemoryStore, RecordingCard, open_cart

SYNC = Location(
    tenant_id="t",
    location_id="l",
    name="L",
    tax_rates=(TaxRate(name="State", percent=Decimal("6.25")),),
    checkout_policy="synchronous",
)


class Journal:
    """What happened, in order: the store's writes and the gateway's calls."""

    def __init__(self) -> None:
        self.entries: list[str] = []


class JournaledStore(MemoryStore):
    def __init__(self, cart: Cart, journal: Journal, location: Location | None = None) -> None:
        super().__init__(cart)
        self.journal = journal
        self.location = location

    def read(self, reads):
        snapshot = super().read(reads)
        if self.location is not None:
            snapshot.location = self.location
        return snapshot

    def write(self, intents) -> None:
        self.journal.entries.append("write")
        super().write(intents)


class JournaledGateway:
    """The test card behind the gateway port, journaling each call (and able to decline)."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self.card = RecordingCard()

    def provider_for(self, token):
        return "test-card" if token and token.startswith("tok_") else "manual"

    def holds_funds(self, provider):
        return provider == "test-card"

    def authorize(self, provider, amount_minor, currency, token, idempotency_key):
        self.journal.entries.append(f"authorize {amount_minor}")
        return self.card.authorize(amount_minor, currency, token, idempotency_key)

    def capture(self, provider, authorization_ref, amount_minor, currency, idempotency_key):
        self.journal.entries.append(f"capture {amount_minor}")
        return self.card.capture(authorization_ref, amount_minor, currency, idempotency_key)

    def void(self, provider, authorization_ref, idempotency_key):
        self.journal.entries.append("void")
        return self.card.void(authorization_ref, idempotency_key)


def setup(cart: Cart, location: Location | None = None):
    journal = Journal()
    store = JournaledStore(cart, journal, location)
    gateway = JournaledGateway(journal)
    return compose(store, gateway=gateway), store, journal, gateway


def types(old: Cart, new: Cart) -> list[str]:
    return [event.event_type.value for event in events_for_change(old, new)]


# ----- the gateway sits between the read and the write ---------------------------------------------


def test_submit_asks_the_gateway_before_its_one_write() -> None:
    # Given an open card cart; When it is submitted
    cases, store, journal, _ = setup(open_cart())
    cases.checkout.submit(CALLER, next(iter(store.carts)), CartEdits())
    # Then the hold is asked for, then the cart written once
    assert journal.entries == ["authorize 2125", "write"]


def test_a_lost_race_voids_that_hold_before_the_redo() -> None:
    # Given a submit whose write loses to a concurrent edit that doubles the total
    cart = open_cart()
    cases, store, journal, _gateway = setup(cart)

    def concurrent_edit(store: MemoryStore) -> None:
        other = store.stored(cart.cart_id).model_copy(deep=True)
        other.lines[0].quantity = 2
        other.version += 1
        store.carts[cart.cart_id] = other

    store.before_commit = concurrent_edit
    # When the submit runs
    cases.checkout.submit(CALLER, cart.cart_id, CartEdits())
    # Then the first hold is released as soon as the race is lost, and the redo holds the new total
    assert journal.entries == ["authorize 2125", "write", "void", "authorize 4250", "write"]
    assert store.stored(cart.cart_id).payments[-1].authorized_minor == 4250


def test_capture_happens_between_the_claim_and_the_outcome_writes() -> None:
    cases, store, journal, _ = setup(open_cart())
    cart_id = next(iter(store.carts))
    cases.checkout.submit(CALLER, cart_id, CartEdits())
    cases.pos_validation.pos_validate(CALLER, cart_id, [])
    journal.entries.clear()
    cases.checkout.settle_payment(CALLER, cart_id)
    assert journal.entries == ["write", "capture 2125", "write"]
    assert store.stored(cart_id).status is CartStatus.PAID


def test_a_void_asks_the_gateway_and_then_writes_once() -> None:
    cases, store, journal, _ = setup(open_cart())
    cart_id = next(iter(store.carts))
    cases.checkout.submit(CALLER, cart_id, CartEdits())
    cases.pos_validation.pos_reject(CALLER, cart_id)
    journal.entries.clear()
    cases.checkout.void_authorization(CALLER, cart_id)
    cases.checkout.void_authorization(CALLER, cart_id)  # redelivered: nothing held any more
    assert journal.entries == ["void", "write"]


# ----- the synchronous checkout policy -------------------------------------------------------------


def test_a_location_checks_out_asynchronously_unless_it_says_otherwise() -> None:
    assert Location(tenant_id="t", location_id="l", name="L").checkout_policy == "pos_validated"
    assert Location.model_validate({"tenant_id": "t", "location_id": "l", "name": "L"}).checkout_policy == (
        "pos_validated"
    )


def test_complete_under_the_default_policy_is_submit() -> None:
    cases, store, _journal, _ = setup(open_cart())
    cart_id = next(iter(store.carts))
    done = cases.checkout.complete(CALLER, cart_id).cart
    assert done.status is CartStatus.SUBMITTED and done.payments[-1].status == "authorized"


def test_synchronous_complete_places_accepts_and_pays_in_the_request() -> None:
    # Given an open card cart at a synchronous location
    cart = open_cart()
    cases, store, journal, _ = setup(cart, SYNC)
    before = store.stored(cart.cart_id)
    versions = []
    store_write = store.write

    def keep_versions(intents) -> None:
        store_write(intents)
        versions.append(store.stored(cart.cart_id))

    store.write = keep_versions
    # When it completes
    done = cases.checkout.complete(CALLER, cart.cart_id).cart
    # Then it is paid: authorized, placed + accepted with the capture claimed in one write, captured, recorded
    assert done.status is CartStatus.PAID and done.order_no
    assert journal.entries == ["authorize 2125", "write", "capture 2125", "write"]
    payment = done.payments[-1]
    assert (payment.status, payment.authorized_minor, payment.captured_minor) == ("captured", 2125, 2125)
    # And the outbox announces every step, though the first write jumped open → validated
    claimed, paid = versions
    assert types(before, claimed) == ["CartSubmitted", "CartValidated"]
    assert types(claimed, paid) == ["PaymentCaptured", "OrderPlaced"]


def test_synchronous_complete_of_a_pay_at_pickup_cart_places_it_accepted() -> None:
    cart = open_cart(token=None)
    cases, store, journal, _ = setup(cart, SYNC)
    before = store.stored(cart.cart_id)
    done = cases.checkout.complete(CALLER, cart.cart_id).cart
    assert done.status is CartStatus.VALIDATED and journal.entries == ["write"]
    assert types(before, done) == ["CartSubmitted", "CartValidated", "OrderPlaced"]


def test_a_payment_worker_finishing_a_synchronous_complete_captures_once() -> None:
    # Given a synchronous complete that stopped after its first write (the capture claimed)
    cart = open_cart()
    cases, store, _journal, gateway = setup(cart, SYNC)
    gateway.card.before_capture = lambda: (_ for _ in ()).throw(TimeoutError("the request stopped"))
    with pytest.raises(TimeoutError):
        cases.checkout.complete(CALLER, cart.cart_id)
    assert store.stored(cart.cart_id).payments[-1].status == "capturing"
    # When the payment worker hears CartValidated, and the client retries complete too
    cases.checkout.settle_payment(CALLER, cart.cart_id)
    cases.checkout.complete(CALLER, cart.cart_id)
    # Then the card was captured once
    assert store.stored(cart.cart_id).status is CartStatus.PAID and gateway.card.count("capture") == 1


# ----- payment_failed → placed again -------------------------------------------------------------


def failed_order(location: Location | None = None):
    cart = open_cart(token="tok_captureDeclined")
    cases, store, journal, gateway = setup(cart, location)
    cases.checkout.submit(CALLER, cart.cart_id, CartEdits())
    cases.pos_validation.pos_validate(CALLER, cart.cart_id, [])
    cases.checkout.settle_payment(CALLER, cart.cart_id)
    assert store.stored(cart.cart_id).status is CartStatus.PAYMENT_FAILED
    return cases, store, journal, gateway, cart.cart_id


def test_the_lifecycle_lets_a_failed_payment_be_placed_again() -> None:
    check_transition(CartStatus.PAYMENT_FAILED, CartStatus.SUBMITTED)


def test_after_a_failed_capture_a_new_card_places_the_order_again_and_the_old_hold_is_released() -> None:
    # Given an order whose capture was declined (its hold still live)
    cases, store, journal, gateway, cart_id = failed_order()
    failed = store.stored(cart_id)
    old_hold = failed.payments[-1].authorization_reference
    journal.entries.clear()
    # When the consumer retries with another card
    new_card = Payment(method="Credit", amount_minor=0, reference="tok_visa")
    again = cases.checkout.retry_payment(CALLER, cart_id, new_card).cart
    # Then the order is placed again, held on the new card, and the declined card's hold is voided after the write
    assert again.status is CartStatus.SUBMITTED and again.reason is None and again.order_no == failed.order_no
    assert journal.entries == ["authorize 2125", "write", "void"]
    assert [ref for op, ref in gateway.card.calls if op == "void"] == [old_hold]
    assert types(failed, again) == ["CartSubmitted", "PaymentAuthorized"]
    # And once the store accepts, the new card is captured
    cases.pos_validation.pos_validate(CALLER, cart_id, [])
    assert cases.checkout.settle_payment(CALLER, cart_id).cart.status is CartStatus.PAID
    # And a retry of the retry changes nothing
    assert cases.checkout.retry_payment(CALLER, cart_id, new_card).cart.status is CartStatus.PAID


def test_a_declined_retry_leaves_the_order_failed_and_the_old_hold_alone() -> None:
    cases, store, _journal, gateway, cart_id = failed_order()
    failed = store.stored(cart_id)
    with pytest.raises(InvalidRequest, match="Your card was declined"):
        cases.checkout.retry_payment(
            CALLER, cart_id, Payment(method="Credit", amount_minor=0, reference="tok_chargeDeclined")
        )
    assert store.stored(cart_id) == failed and gateway.card.count("void") == 0


def test_only_a_failed_payment_can_be_retried() -> None:
    cart = open_cart()
    cases, _store, *_ = setup(cart)
    cases.checkout.submit(CALLER, cart.cart_id, CartEdits())
    with pytest.raises(Conflict, match="only a failed payment"):
        cases.checkout.retry_payment(CALLER, cart.cart_id, Payment(method="Credit", amount_minor=0, reference="tok_x"))


def test_a_retry_at_a_synchronous_location_is_paid_in_the_request() -> None:
    cases, _store, _journal, _gateway, cart_id = failed_order(SYNC)
    paid = cases.checkout.retry_payment(CALLER, cart_id, Payment(method="Credit", amount_minor=0, reference="tok_visa"))
    assert paid.cart.status is CartStatus.PAID and paid.cart.payments[-1].captured_minor == 2125


def test_after_a_partial_capture_the_new_card_pays_only_what_is_left() -> None:
    # Given two cards: "a" for 1000 captured, "b" for the rest declined at capture
    cart = open_cart(token=None)
    cases, _store, _journal, gateway = setup(cart)
    cases.payments.add_payment(
        CALLER, cart.cart_id, Payment(key="a", method="Credit", amount_minor=1000, reference="tok_visa")
    )
    cases.payments.add_payment(
        CALLER, cart.cart_id, Payment(key="b", method="Credit", amount_minor=0, reference="tok_captureDeclined")
    )
    cases.checkout.submit(CALLER, cart.cart_id, CartEdits())
    cases.pos_validation.pos_validate(CALLER, cart.cart_id, [])
    failed = cases.checkout.settle_payment(CALLER, cart.cart_id).cart
    assert failed.status is CartStatus.PAYMENT_FAILED and failed.payment("a").captured_minor == 1000
    # When a new card "c" replaces the declined one and the store accepts again
    again = cases.checkout.retry_payment(
        CALLER, cart.cart_id, Payment(key="c", method="Credit", amount_minor=0, reference="tok_visa")
    ).cart
    assert [p.key for p in again.payments] == ["a", "c"] and again.payment("c").authorized_minor == 1125
    cases.pos_validation.pos_validate(CALLER, cart.cart_id, [])
    paid = cases.checkout.settle_payment(CALLER, cart.cart_id).cart
    # Then the order is paid, the cards together captured exactly the total, none above its hold
    assert paid.status is CartStatus.PAID
    assert [(p.key, p.captured_minor) for p in paid.payments] == [("a", 1000), ("c", 1125)]
    assert gateway.card.count("void") == 1  # the declined card's hold


# ----- payments by key (NewStore) ----------------------------------------------------------------


def test_payments_are_added_and_removed_by_key_on_an_open_cart() -> None:
    cart = open_cart(token=None)
    cases, store, *_ = setup(cart)
    cases.payments.add_payment(CALLER, cart.cart_id, Payment(key="gift", method="Gift", amount_minor=500))
    cases.payments.add_payment(
        CALLER, cart.cart_id, Payment(key="card", method="Credit", amount_minor=0, reference="tok_visa")
    )
    cases.payments.add_payment(CALLER, cart.cart_id, Payment(key="gift", method="Gift", amount_minor=700))
    assert [(p.key, p.amount_minor) for p in store.stored(cart.cart_id).payments] == [("gift", 700), ("card", 0)]
    cases.payments.remove_payment(CALLER, cart.cart_id, "gift")
    assert [p.key for p in store.stored(cart.cart_id).payments] == ["card"]
    with pytest.raises(NotFound):
        cases.payments.remove_payment(CALLER, cart.cart_id, "gift")


def test_a_card_beside_another_payment_holds_what_the_other_leaves() -> None:
    # Given 2125 to pay: 700 in cash (the store's) and the rest by card
    cart = open_cart(token=None)
    cases, store, _journal, _ = setup(cart)
    cases.payments.add_payment(CALLER, cart.cart_id, Payment(key="cash", method="Cash", amount_minor=700))
    cases.payments.add_payment(
        CALLER, cart.cart_id, Payment(key="card", method="Credit", amount_minor=0, reference="tok_visa")
    )
    # When it is submitted, Then the card holds 1425
    cases.checkout.submit(CALLER, cart.cart_id, CartEdits())
    assert store.stored(cart.cart_id).payment("card").authorized_minor == 1425
    assert store.stored(cart.cart_id).payment("cash").status == "recorded"
    # And once accepted, the card is captured for that share, the cash left to the store
    cases.pos_validation.pos_validate(CALLER, cart.cart_id, [])
    paid = cases.checkout.settle_payment(CALLER, cart.cart_id).cart
    assert paid.status is CartStatus.PAID and paid.payment("card").captured_minor == 1425
    assert paid.payment("cash").status == "recorded"


@settings(max_examples=150, deadline=None)
@given(
    price_minor=st.integers(1, 50_000),
    cash_minor=st.one_of(st.just(0), st.integers(0, 60_000)),
    first_minor=st.integers(0, 60_000),
    adjustment=st.integers(-3_000, 3_000),
)
def test_no_caller_captures_more_than_any_card_authorized(price_minor, cash_minor, first_minor, adjustment) -> None:
    # Given an order paid in cash (the store's) and by two cards: the first for a chosen amount, the
    # second for the rest
    cart = open_cart(token=None, price_minor=price_minor)
    cases, store, _journal, gateway = setup(cart)
    if cash_minor:
        cases.payments.add_payment(CALLER, cart.cart_id, Payment(key="cash", method="Cash", amount_minor=cash_minor))
    cases.payments.add_payment(
        CALLER, cart.cart_id, Payment(key="a", method="Credit", amount_minor=first_minor, reference="tok_visa")
    )
    cases.payments.add_payment(
        CALLER, cart.cart_id, Payment(key="b", method="Credit", amount_minor=0, reference="tok_visa")
    )
    try:
        cases.checkout.submit(CALLER, cart.cart_id, CartEdits())
    except InvalidRequest:
        # A first card for more than the order's total is refused before anything is held
        assert first_minor > store.stored(cart.cart_id).total_minor
        assert gateway.card.count("authorize") == 0
        return
    held = {p.key: p.authorized_minor for p in store.stored(cart.cart_id).payments if p.key != "cash"}
    # When the store validates with a discount or a surcharge and the worker settles, twice
    try:
        cases.pos_validation.pos_validate(
            CALLER,
            cart.cart_id,
            [Adjustment(adjustment_id="d", label="d", amount_minor=adjustment)] if adjustment else [],
        )
    except InvalidRequest:
        # A total below zero, or above what is held and collected, is refused: nothing changes, and
        # the worker (were it run) finds nothing validated to capture
        refused = store.stored(cart.cart_id)
        assert refused.status is CartStatus.SUBMITTED and not refused.adjustments
        cases.checkout.settle_payment(CALLER, cart.cart_id)
        assert gateway.card.count("capture") == 0
        return
    cases.checkout.settle_payment(CALLER, cart.cart_id)
    cases.checkout.settle_payment(CALLER, cart.cart_id)
    # Then each card captured at most its own hold, once each, and together what the cash leaves
    final = store.stored(cart.cart_id)
    cards = [p for p in final.payments if p.key != "cash"]
    for payment in cards:
        assert 0 <= (payment.captured_minor or 0) <= held[payment.key]
    assert gateway.card.count("capture") <= 2
    assert final.status is CartStatus.PAID
    assert sum(p.captured_minor for p in cards) == max(final.total_minor - cash_minor, 0)


# ----- payment sessions (Medusa) -----------------------------------------------------------------


def test_sessions_are_opened_selected_and_authorized_at_complete() -> None:
    # Given a synchronous location's cart with sessions for the region's two providers
    cart = open_cart(token=None)
    cases, store, _journal, _ = setup(cart, SYNC)
    cases.payments.init_payment_sessions(CALLER, cart.cart_id, ["manual", "test-card"])
    sessions = store.stored(cart.cart_id).payment_sessions
    assert [(s.provider_id, s.status, s.amount_minor, s.is_selected) for s in sessions] == [
        ("manual", "pending", 2125, False),
        ("test-card", "pending", 2125, False),
    ]
    # When completing without a selection, Then Medusa's refusal
    with pytest.raises(InvalidRequest, match="without a payment session"):
        cases.checkout.complete(CALLER, cart.cart_id)
    # When the card session is selected, given a token and completed
    cases.payments.select_payment_session(CALLER, cart.cart_id, "test-card")
    cases.payments.update_payment_session(CALLER, cart.cart_id, "test-card", {"token": "tok_visa"})
    done = cases.checkout.complete(CALLER, cart.cart_id).cart
    # Then the selected session is authorized and its payment captured
    assert done.status is CartStatus.PAID
    assert [(s.provider_id, s.status, s.is_selected) for s in done.payment_sessions] == [
        ("manual", "pending", False),
        ("test-card", "authorized", True),
    ]
    assert done.payment("session:test-card").captured_minor == 2125


def test_one_provider_is_selected_for_the_shopper_and_dropped_providers_lose_their_sessions() -> None:
    cart = open_cart(token=None)
    cases, store, *_ = setup(cart)
    cases.payments.init_payment_sessions(CALLER, cart.cart_id, ["manual", "test-card"])
    cases.payments.init_payment_sessions(CALLER, cart.cart_id, ["test-card"])
    (only,) = store.stored(cart.cart_id).payment_sessions
    assert only.provider_id == "test-card" and only.is_selected
    with pytest.raises(NotFound):
        cases.payments.select_payment_session(CALLER, cart.cart_id, "manual")


def test_session_data_is_bounded() -> None:
    cart = open_cart(token=None)
    cases, _store, *_ = setup(cart)
    cases.payments.init_payment_sessions(CALLER, cart.cart_id, ["test-card"])
    with pytest.raises(InvalidRequest):
        cases.payments.update_payment_session(CALLER, cart.cart_id, "test-card", {"k": "x" * 1025})
    with pytest.raises(InvalidRequest):
        cases.payments.update_payment_session(CALLER, cart.cart_id, "test-card", {f"k{n}": "v" for n in range(21)})
    with pytest.raises(InvalidRequest):
        cases.payments.init_payment_sessions(CALLER, cart.cart_id, [f"p{n}" for n in range(11)])
    # A value that is not text (a hostile JSON number) is refused, not stored to break the cart
    with pytest.raises(InvalidRequest, match="strings"):
        cases.payments.update_payment_session(CALLER, cart.cart_id, "test-card", {"k": 5})  # type: ignore[dict-item]
    assert cases.carts.get_cart(CALLER, cart.cart_id).cart.payment_sessions[0].data == {}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount_minor": -1}, "0 to"),
        ({"amount_minor": 10**40}, "0 to"),
        ({"method": ""}, "method is 1 to"),
        ({"method": "x" * 65}, "method is 1 to"),
        ({"reference": "t" * 257}, "reference is at most"),
    ],
)
def test_a_payment_a_client_gives_is_bounded(fields, message) -> None:
    # Given an open cart / When a payment out of bounds is added / Then 400, and the cart keeps none
    cart = open_cart(token=None)
    cases, store, *_ = setup(cart)
    given = {"key": "card", "method": "Credit", "amount_minor": 100, "reference": "tok_visa", **fields}
    with pytest.raises(InvalidRequest, match=message):
        cases.payments.add_payment(CALLER, cart.cart_id, Payment(**given))
    assert store.stored(cart.cart_id).payment("card") is None


def test_a_client_cannot_give_what_only_a_provider_answers() -> None:
    # Given a payment claiming a charge id, a capture and a hold of its own
    cart = open_cart(token=None)
    cases, store, *_ = setup(cart)
    forged = Payment(
        key="default", method="Credit", amount_minor=100, reference="tok_visa", status="captured",
        provider_reference="ch_forged", captured_minor=100, authorization_reference="auth_forged",
        authorized_minor=10**6, decline_reason="x", provider="manual",
    )  # fmt: skip
    # When it is added / Then only what a client may say is kept
    cases.payments.add_payment(CALLER, cart.cart_id, forged)
    kept = store.stored(cart.cart_id).payment("default")
    assert (kept.status, kept.provider_reference, kept.captured_minor, kept.provider) == ("recorded", None, None, None)
    assert (kept.authorization_reference, kept.authorized_minor, kept.decline_reason) == (None, None, None)


def test_a_cart_stored_before_keyed_payments_reads_its_payment_under_the_default_key() -> None:
    stored = {"method": "Credit", "amount_minor": 2125, "reference": "tok_visa", "status": "authorized"}
    cart = Cart.model_validate({"tenant_id": "t", "location_id": "l", "currency": "USD", "payments": [stored]})
    assert cart.payment() is not None and cart.payment().key == "default" and cart.payment_sessions == []


# ----- ready: a condition, not a state -----------------------------------------------------------


LOCATION = Location(tenant_id="t", location_id="l", name="L")


def test_ready_is_computed_from_lines_shipping_address_and_payments() -> None:
    cart = Cart(tenant_id="t", location_id="l", currency="USD", fulfillment="ship")
    assert readiness(cart, price(cart, LOCATION)).missing == ("lines",)
    cart.lines = [LineItem(product_id="p", quantity=2, unit_price_minor=500)]
    assert readiness(cart, price(cart, LOCATION)).missing == ("shipping_solution", "address", "payment")
    cart.delivery_address = Address(address="1 Main St")
    cart.shipping_methods = [ShippingMethod(method_id="standard", amount_minor=0)]
    assert readiness(cart, price(cart, LOCATION)).missing == ("payment",)
    cart.set_payment(Payment(key="a", method="Gift", amount_minor=400))
    cart.set_payment(Payment(key="b", method="Cash", amount_minor=600))
    assert readiness(cart, price(cart, LOCATION)).ready
    cart.set_payment(Payment(key="b", method="Cash", amount_minor=600, status="declined"))
    assert not readiness(cart, price(cart, LOCATION)).ready


def test_a_pickup_cart_needs_no_address() -> None:
    cart = Cart(tenant_id="t", location_id="l", currency="USD", fulfillment="pickup")
    cart.lines = [LineItem(product_id="p", quantity=1, unit_price_minor=500)]
    cart.set_payment(Payment(method="Cash", amount_minor=500))
    assert readiness(cart, price(cart, LOCATION)).ready
