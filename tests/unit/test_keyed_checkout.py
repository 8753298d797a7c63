"""A cart placed only when ready, kept through a failed payment and placed again (NewStore's
lifecycle over the core): readiness with fulfillment groups and exact payments, ``Checkout.edit``
and ``Checkout.place``, payments by key and kind, and the holds a change drops."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cart_core.cart import (
    IN_STORE_HANDOVER,
    Address,
    Cart,
    LineItem,
    Payment,
    PaymentKind,
    ShippingMethod,
    keyed_payment,
)
from cart_core.errors import Conflict, InvalidRequest
from cart_core.keyed_payments import PaymentEdit
from cart_core.lifecycle import CartStatus, check_transition
from cart_core.payments import TestCardProvider
from cart_core.pricing import price
from cart_core.readiness import covered_minor, readiness
from cart_core.tenancy import Location
from cart_core.usecases.carts import CartEdits
from tests.unit.test_checkout_flows import setup, types
from tests.unit.test_payments import CALLER, open_cart

TOTAL = 2125  # open_cart(): 20.00 + 6.25 % tax
PLAIN = Location(tenant_id="t", location_id="l", name="L")


def given(kind: PaymentKind, key: str, amount_minor: int) -> tuple[str, PaymentEdit]:
    return key, PaymentEdit(kind=kind, amount=Decimal(amount_minor) / 100)


def token(key: str, amount: int = TOTAL) -> tuple[str, PaymentEdit]:
    return given("token", key, amount)


def pays(*payments: tuple[str, PaymentEdit]) -> CartEdits:
    return CartEdits(payments=dict(payments))


# ----- readiness -----------------------------------------------------------------------------


def shipping_cart(*groups: str | None) -> Cart:
    cart = Cart(tenant_id="t", location_id="l", currency="USD")
    cart.lines = [
        LineItem(product_id=f"p{i}", quantity=1, unit_price_minor=500, fulfillment_group=g)
        for i, g in enumerate(groups)
    ]  # type: ignore[arg-type]
    cart.set_payment(Payment(key="cash", method="Cash", amount_minor=500 * len(groups)))
    return cart


def test_a_cart_whose_items_are_handed_over_in_store_needs_no_shipping_solution_nor_address() -> None:
    cart = shipping_cart("IN_STORE_HANDOVER", "IN_STORE_HANDOVER")
    assert readiness(cart, price(cart, PLAIN)).ready


def test_one_item_that_ships_needs_a_shipping_solution_and_an_address() -> None:
    # Given a mixed cart; Then it lacks a shipping solution and an address
    cart = shipping_cart("IN_STORE_HANDOVER", "SHIPPING")
    assert readiness(cart, price(cart, PLAIN)).missing == ("shipping_solution", "address")
    # When the in-store handover is its solution, Then it still lacks a real one
    cart.shipping_methods = [ShippingMethod(method_id=IN_STORE_HANDOVER, amount_minor=0)]
    assert readiness(cart, price(cart, PLAIN)).missing == ("shipping_solution", "address")
    # When a solution and an address are set, Then it is ready
    cart.shipping_methods = [ShippingMethod(method_id="standard", amount_minor=0)]
    cart.delivery_address = Address(address="1 United Nations Plaza")
    assert readiness(cart, price(cart, PLAIN)).ready


def test_a_line_without_a_group_ships_as_the_cart_says() -> None:
    cart = shipping_cart(None)
    assert "shipping_solution" in readiness(cart, price(cart, PLAIN)).missing
    cart.fulfillment = "pickup"
    assert readiness(cart, price(cart, PLAIN)).ready


@pytest.mark.parametrize(("cash", "missing", "remaining"), [(999, ("payment",), 1), (1001, ("payment_excess",), -1)])
def test_payments_must_add_up_to_the_total_exactly(cash: int, missing: tuple[str, ...], remaining: int) -> None:
    cart = shipping_cart("IN_STORE_HANDOVER", "IN_STORE_HANDOVER")
    cart.set_payment(Payment(key="cash", method="Cash", amount_minor=cash))
    state = readiness(cart, price(cart, PLAIN))
    assert (state.missing, state.remaining_minor) == (missing, remaining)


def test_a_line_stored_without_a_group_stays_small_and_reads_back() -> None:
    line = LineItem(line_id="l1", product_id="p", quantity=1, unit_price_minor=5)
    stored = Cart(tenant_id="t", location_id="l", currency="USD", lines=[line]).document()
    assert "fulfillment_group" not in stored
    grouped = line.model_copy(update={"fulfillment_group": "SHIPPING"})
    again = Cart.model_validate_json(Cart(tenant_id="t", location_id="l", currency="USD", lines=[grouped]).document())
    assert again.lines[0].fulfillment_group == "SHIPPING"


# ----- payments by kind ------------------------------------------------------------------------


def test_each_kind_of_payment_is_recorded_for_what_it_is() -> None:
    held = keyed_payment("authorized", "auth_visa_900_USD_t1", 900, "card", "test-card")
    assert (held.status, held.authorization_reference, held.authorized_minor, held.reference) == (
        "authorized",
        "auth_visa_900_USD_t1",
        900,
        None,
    )
    taken = keyed_payment("captured", "cap_1", 500, "card", "test-card")
    assert (taken.status, taken.captured_minor, taken.holds_funds) == ("captured", 500, False)
    card = keyed_payment("token", "tok_visa", 700, "card", "test-card")
    assert (card.status, card.reference, card.provider) == ("recorded", "tok_visa", "test-card")
    cart = Cart(tenant_id="t", location_id="l", currency="USD", payments=[held, taken, card])
    assert covered_minor(cart) == 2100


@pytest.mark.parametrize("kind", ["token", "authorized", "captured"])
def test_a_payment_out_of_bounds_is_refused(kind) -> None:
    with pytest.raises(InvalidRequest):
        keyed_payment(kind, "k" * 129, 1, "card", "test-card")
    with pytest.raises(InvalidRequest):
        keyed_payment(kind, "k", -1, "card", "test-card")


# ----- the lifecycle ----------------------------------------------------------------------------


def test_a_card_declined_at_placing_fails_the_placed_order() -> None:
    check_transition(CartStatus.SUBMITTED, CartStatus.PAYMENT_FAILED)


def test_placing_needs_a_ready_cart_and_names_what_it_lacks() -> None:
    cart = open_cart(token=None)
    cases, store, journal, _ = setup(cart)
    with pytest.raises(InvalidRequest, match="payments that do not cover the total"):
        cases.checkout.place(CALLER, cart.cart_id, CartEdits())
    with pytest.raises(InvalidRequest, match="payments above the total"):
        cases.checkout.place(CALLER, cart.cart_id, pays(token("tok_visa", TOTAL + 1)))
    assert journal.entries == [] and store.stored(cart.cart_id).status is CartStatus.OPEN


def test_a_ready_cart_is_placed_with_its_payments_in_one_write() -> None:
    cart = open_cart(token=None)
    cases, _store, journal, _ = setup(cart)
    placed = cases.checkout.place(CALLER, cart.cart_id, pays(token("tok_visa"))).cart
    assert journal.entries == [f"authorize {TOTAL}", "write"]
    assert placed.status is CartStatus.SUBMITTED and placed.payment("tok_visa").status == "authorized"
    # And placing again answers the order; an edit is refused
    journal.entries.clear()
    assert cases.checkout.place(CALLER, cart.cart_id, CartEdits()).cart.status is CartStatus.SUBMITTED
    with pytest.raises(Conflict, match="can no longer be edited"):
        cases.checkout.place(CALLER, cart.cart_id, CartEdits(notes="late"))
    with pytest.raises(Conflict):
        cases.checkout.edit(CALLER, cart.cart_id, pays(token("tok_visa")))
    assert journal.entries == []


def test_a_declined_authorization_places_and_fails_then_fixed_payments_place_it_again() -> None:
    # Given 1000 on a good card and the rest on one that declines
    cart = open_cart(token=None)
    cases, store, journal, gateway = setup(cart)
    before = store.stored(cart.cart_id)
    edits = pays(token("tok_visa", 1000), token("tok_chargeDeclined", TOTAL - 1000))
    # When it is placed
    failed = cases.checkout.place(CALLER, cart.cart_id, edits).cart
    # Then the order is placed and failed in one write, the good card's hold released
    assert journal.entries == ["authorize 1000", f"authorize {TOTAL - 1000}", "void", "write"]
    assert failed.status is CartStatus.PAYMENT_FAILED and failed.order_no
    assert failed.payment("tok_chargeDeclined").status == "declined"
    assert failed.payment("tok_chargeDeclined").decline_reason == "Your card was declined."
    assert (
        failed.payment("tok_visa").status == "recorded" and failed.payment("tok_visa").authorization_reference is None
    )
    assert types(before, failed) == ["CartSubmitted", "PaymentFailed"]
    # And only its payments can change now
    with pytest.raises(Conflict, match="only its payments"):
        cases.checkout.edit(CALLER, cart.cart_id, CartEdits(notes="x"))
    # When the declined card is removed and the good one pays it all, and it is placed again
    cases.checkout.edit(
        CALLER, cart.cart_id, CartEdits(payments={"tok_chargeDeclined": None, **dict([token("tok_visa")])})
    )
    journal.entries.clear()
    again = cases.checkout.place(CALLER, cart.cart_id, CartEdits()).cart
    # Then it is placed again, the card held for the whole total, keeping its order number
    assert journal.entries == [f"authorize {TOTAL}", "write"]
    assert again.status is CartStatus.SUBMITTED and again.order_no == failed.order_no and again.reason is None
    assert [p.key for p in again.payments] == ["tok_visa"]
    # And once accepted, captured
    cases.pos_validation.pos_validate(CALLER, cart.cart_id, [])
    assert cases.checkout.settle_payment(CALLER, cart.cart_id).cart.status is CartStatus.PAID
    assert gateway.card.count("capture") == 1


def test_a_capture_declined_order_is_placed_again_and_the_declined_hold_released() -> None:
    cart = open_cart(token=None)
    cases, _store, journal, _gateway = setup(cart)
    cases.checkout.place(CALLER, cart.cart_id, pays(token("tok_captureDeclined")))
    cases.pos_validation.pos_validate(CALLER, cart.cart_id, [])
    failed = cases.checkout.settle_payment(CALLER, cart.cart_id).cart
    assert failed.status is CartStatus.PAYMENT_FAILED and failed.payment("tok_captureDeclined").hold_is_live
    # When a new card is added and the order placed again in one request (the declined one left on it)
    journal.entries.clear()
    again = cases.checkout.place(CALLER, cart.cart_id, pays(token("tok_visa"))).cart
    # Then the declined card goes, its hold voided after the write, and the new card is held
    assert journal.entries == [f"authorize {TOTAL}", "write", "void"]
    assert [p.key for p in again.payments] == ["tok_visa"] and again.status is CartStatus.SUBMITTED


def test_a_hold_given_by_the_client_is_captured_at_acceptance_and_voided_if_dropped() -> None:
    hold = TestCardProvider().authorize(TOTAL, "USD", "tok_visa", "terminal-1").reference
    cart = open_cart(token=None)
    cases, _store, journal, _gateway = setup(cart)
    # Given a hold taken at a terminal, recorded by its id, then replaced by cash
    cases.checkout.edit(CALLER, cart.cart_id, pays(given("authorized", hold, TOTAL)))
    assert journal.entries == ["write"]
    cases.checkout.edit(
        CALLER, cart.cart_id, CartEdits(payments={hold: None, **dict([given("captured", "cap-1", TOTAL)])})
    )
    # Then the dropped hold is voided after the write
    assert journal.entries == ["write", "write", "void"]
    # When the hold is given again instead and the order placed, validated and settled
    cases.checkout.edit(CALLER, cart.cart_id, CartEdits(payments={"cap-1": None}))
    cases.checkout.edit(CALLER, cart.cart_id, pays(given("authorized", hold, TOTAL)))
    journal.entries.clear()
    cases.checkout.place(CALLER, cart.cart_id, CartEdits())
    assert journal.entries == ["write"]  # nothing to authorize: the hold exists
    cases.pos_validation.pos_validate(CALLER, cart.cart_id, [])
    paid = cases.checkout.settle_payment(CALLER, cart.cart_id).cart
    assert paid.status is CartStatus.PAID and paid.payment(hold).captured_minor == TOTAL


def test_a_hold_given_for_more_than_the_processor_holds_is_declined_at_capture() -> None:
    hold = TestCardProvider().authorize(1000, "USD", "tok_visa", "terminal-2").reference
    cart = open_cart(token=None)
    cases, *_ = setup(cart)
    cases.checkout.place(CALLER, cart.cart_id, pays(given("authorized", hold, TOTAL)))
    cases.pos_validation.pos_validate(CALLER, cart.cart_id, [])
    failed = cases.checkout.settle_payment(CALLER, cart.cart_id).cart
    assert failed.status is CartStatus.PAYMENT_FAILED
    assert "1000 was authorized" in (failed.payment(hold).decline_reason or "")


def test_money_taken_elsewhere_is_accepted_without_a_capture() -> None:
    cart = open_cart(token=None)
    cases, _store, journal, _ = setup(cart)
    cases.checkout.place(CALLER, cart.cart_id, pays(given("captured", "cap-9", TOTAL)))
    validated = cases.pos_validation.pos_validate(CALLER, cart.cart_id, []).cart
    assert validated.pays_at_pickup and validated.payment("cap-9").status == "captured"
    assert cases.checkout.settle_payment(CALLER, cart.cart_id).cart.status is CartStatus.VALIDATED
    assert not [e for e in journal.entries if e.startswith(("authorize", "capture"))]


def test_back_to_draft_is_refused_while_the_cart_stays_ready() -> None:
    cart = open_cart(token=None)
    cases, store, *_ = setup(cart)
    # A draft cart made ready by a request that asks for draft: it is simply ready (not refused)
    assert cases.checkout.edit(CALLER, cart.cart_id, pays(token("tok_visa")), expect_ready=False)
    with pytest.raises(InvalidRequest, match="still meets every criterion"):
        cases.checkout.edit(CALLER, cart.cart_id, CartEdits(), expect_ready=False)
    # And a request whose edits make it not ready goes back to draft
    cases.checkout.edit(CALLER, cart.cart_id, pays(token("tok_visa", 5)), expect_ready=False)
    with pytest.raises(InvalidRequest, match="not ready: payments that do not cover"):
        cases.checkout.edit(CALLER, cart.cart_id, CartEdits(), expect_ready=True)
    assert store.stored(cart.cart_id).payment("tok_visa").amount_minor == 5


def test_a_captured_card_cannot_be_replaced() -> None:
    cart = open_cart(token=None)
    cases, *_ = setup(cart)
    cases.checkout.place(
        CALLER, cart.cart_id, pays(token("tok_visa", 1000), token("tok_captureDeclined", TOTAL - 1000))
    )
    cases.pos_validation.pos_validate(CALLER, cart.cart_id, [])
    assert cases.checkout.settle_payment(CALLER, cart.cart_id).cart.status is CartStatus.PAYMENT_FAILED
    with pytest.raises(InvalidRequest, match="was captured"):
        cases.checkout.edit(CALLER, cart.cart_id, CartEdits(payments={"tok_visa": None}))


def test_carts_update_leaves_payments_to_checkout() -> None:
    cart = open_cart(token=None)
    cases, *_ = setup(cart)
    with pytest.raises(InvalidRequest):
        cases.carts.update(CALLER, cart.cart_id, pays(token("tok_visa")))


def test_the_deadline_of_an_earlier_placing_does_not_expire_an_order_placed_again() -> None:
    # Given an order placed, accepted, failed at capture, then placed again
    cart = open_cart(token=None)
    cases, store, *_ = setup(cart)
    first = cases.checkout.place(CALLER, cart.cart_id, pays(token("tok_captureDeclined"))).cart
    cases.pos_validation.pos_validate(CALLER, cart.cart_id, [])
    cases.checkout.settle_payment(CALLER, cart.cart_id)
    store.carts[cart.cart_id] = store.stored(cart.cart_id).model_copy(update={"submitted_ms": 1})  # placed earlier
    cases.checkout.place(CALLER, cart.cart_id, pays(token("tok_visa")))
    # When the first placing's deadline check arrives, Then it leaves the new placing pending
    assert not cases.pos_validation.expire_if_unanswered(CALLER, cart.cart_id, 0, submitted_ms=1)
    assert store.stored(cart.cart_id).status is CartStatus.SUBMITTED
    # And the new placing's own deadline still expires it
    again = store.stored(cart.cart_id).submitted_ms
    assert again != 1 and first.submitted_ms is not None
    assert cases.pos_validation.expire_if_unanswered(CALLER, cart.cart_id, 0, submitted_ms=again)
