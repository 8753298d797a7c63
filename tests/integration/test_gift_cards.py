"""Gift cards through DynamoDB (moto): stored with the balance in its own attribute, read in the
one batched read, applied to a cart, and spent at placement by bounded ``Add`` intents that commit
with the order and never overdraw a card."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cart_core.actors import Actor
from cart_core.cart import ShippingMethod
from cart_core.catalog import GiftCard
from cart_core.errors import Conflict, InvalidRequest, NotFound
from cart_core.ports import GIFT_CARD_BALANCE, Add, Key, ReadSet
from cart_core.store import keys
from cart_core.tenancy import Caller
from cart_core.unit_of_work import UnitOfWork, Work
from cart_core.usecases import compose
from cart_core.usecases.carts import CartEdits, LineEdit
from cart_core.usecases.gift_cards import gift_card_reads, redeem_gift_cards
from cart_core.usecases.shared import terms_for

ALICE = Caller(tenant_id="demo", location_id="main", actor=Actor.consumer("alice"))


def _card(store, code: str, balance: int, **fields) -> None:
    store.put_gift_card(GiftCard(tenant_id="demo", code=code, currency="USD", balance_minor=balance, **fields))


def _balance(store, code: str) -> int:
    pk, sk = keys.item_key("gift_card", ("demo", code))
    item = store.client.get_item(
        TableName=store.table_name, Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True
    )
    return int(item["Item"][GIFT_CARD_BALANCE]["N"])


def _cart_with(store, *codes: str, policy=None):
    """Alice's open cart with 2 × demo-flower (25.00) and the gift cards ``codes``."""
    cases = compose(store)
    edits = CartEdits(lines=[LineEdit(product_id="demo-flower", quantity=2)], gift_card_codes=list(codes))
    return cases, cases.carts.prepare(ALICE, [], edits, pricing_policy=policy)


def _place(store, cart_id: str, sleep=lambda _: None, between=None):
    """A placement attempt as checkout runs one: read the cart with its cards, redeem, write it all."""
    attempts = []

    def attempt(work: Work):
        snapshot = work.read(ReadSet("demo", "main", cart_id))
        cart = snapshot.cart
        snapshot = work.read(ReadSet("demo", "main", cart_id, gift_card_codes=gift_card_reads(cart)))
        cart = snapshot.cart
        version = cart.version
        totals = redeem_gift_cards(work, cart, snapshot, terms_for(cart, snapshot), 0)
        attempts.append(totals)
        if between and len(attempts) == 1:
            between()
        work.put(cart, version)
        work.commit()
        return totals

    return UnitOfWork(store, sleep=sleep).run(attempt), attempts


def test_a_stored_gift_card_reads_back_with_its_balance_in_the_batched_read(store) -> None:
    # Given a card issued through the store
    _card(store, "GIFT-50", 5000, tax_rate=Decimal("6.25"), ends_ms=4_102_444_800_000)
    # When it is read with the location, in the one batch
    snapshot = store.read(ReadSet("demo", "main", gift_card_codes=frozenset({"GIFT-50"})))
    # Then it is there, balance included
    card = snapshot.gift_cards["GIFT-50"]
    assert (card.balance_minor, card.tax_rate, card.ends_ms) == (5000, Decimal("6.25"), 4_102_444_800_000)
    assert snapshot.location is not None


def test_an_applied_gift_card_pays_part_of_the_total(store) -> None:
    # Given a 10.00 card
    _card(store, "GIFT-10", 1000)
    # When Alice applies it to 25.00 of flower (6.25 % + 2 % tax: 1.56 + 0.50, total 27.06)
    _, priced = _cart_with(store, "gift-10")
    # Then it pays 10.00 of it, after tax (the largest-remainder policy: a tender)
    assert [c.code for c in priced.cart.gift_cards] == ["GIFT-10"]
    assert priced.totals.gift_card_total_minor == 1000
    assert priced.totals.total_minor == 2500 + 156 + 50 - 1000
    # And the balance is untouched until the order is placed
    assert _balance(store, "GIFT-10") == 1000


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({}, NotFound, "Gift card with code: NOPE was not found"),
        ({"currency": "EUR"}, InvalidRequest, "is in EUR"),
        ({"ends_ms": 1}, InvalidRequest, "has expired"),
        ({"active": False}, InvalidRequest, "is disabled"),
        ({"balance_minor": 0}, InvalidRequest, "is disabled"),
    ],
)
def test_a_gift_card_that_cannot_pay_is_refused(store, fields, error, message) -> None:
    # Given a card that is unknown, in another currency, expired, disabled or empty
    if fields:
        store.put_gift_card(
            GiftCard(**{"tenant_id": "demo", "code": "NOPE", "currency": "USD", "balance_minor": 500, **fields})
        )
    # When it is applied / Then it is refused, saying why
    with pytest.raises(error, match=message):
        _cart_with(store, "NOPE")


def test_placing_the_order_takes_the_gift_card_total_from_the_balances(store) -> None:
    # Given a Medusa cart of 25.00 (8.25 % tax on top) paid with two cards
    _card(store, "SMALL", 1000)
    _card(store, "BIG", 5000)
    _, priced = _cart_with(store, "BIG", "SMALL", policy="medusa_v1")
    assert priced.totals.gift_card_total_minor == 2500  # Medusa: the cards cover the order before tax
    # When the order is placed
    totals, _ = _place(store, priced.cart.cart_id)
    # Then the smaller card is spent first, the rest from the bigger, in the order's own write
    assert totals.gift_card_total_minor == 2500
    assert (_balance(store, "SMALL"), _balance(store, "BIG")) == (0, 3500)


def test_a_card_spent_elsewhere_meanwhile_is_re_read_and_the_order_priced_with_what_is_left(store) -> None:
    # Given a 30.00 card on a cart that would spend 27.06 of it
    _card(store, "SHARED", 3000)
    _, priced = _cart_with(store, "SHARED")
    spend = priced.totals.gift_card_total_minor
    assert spend == priced.totals.total_minor + spend  # the card pays everything
    # When another order spends 20.00 of it between this placement's read and its write
    totals, attempts = _place(
        store,
        priced.cart.cart_id,
        between=lambda: store.write([Add(Key.gift_card("demo", "SHARED"), GIFT_CARD_BALANCE, -2000, minimum=0)]),
    )
    # Then the first write is refused (it would overdraw the card), the retry re-reads 10.00 and
    # spends exactly that, leaving the rest of the order to pay
    assert len(attempts) == 2
    assert totals.gift_card_total_minor == 1000
    assert totals.total_minor == spend - 1000
    assert _balance(store, "SHARED") == 0


def test_a_card_disabled_before_placement_stops_the_order(store) -> None:
    # Given a cart with a card the store then disables
    _card(store, "GONE", 1000)
    _, priced = _cart_with(store, "GONE")
    _card(store, "GONE", 1000, active=False)
    # When the order is placed / Then it is refused, and nothing is spent
    with pytest.raises(Conflict, match="is disabled"):
        _place(store, priced.cart.cart_id)
    assert _balance(store, "GONE") == 1000


def test_shipping_methods_are_stored_on_the_cart_and_priced(store) -> None:
    # Given Alice's open cart
    cases, priced = _cart_with(store)
    # When the face sets a taxable shipping method it priced from its options
    method = ShippingMethod(method_id="so_1", name="Standard", amount_minor=500, taxable=True)
    shipped = cases.carts.set_shipping_methods(ALICE, priced.cart.cart_id, [method])
    # Then it is stored and in the totals with its tax (8.25 % of 5.00: 0.31 + 0.10)
    again = cases.carts.get_cart(ALICE, priced.cart.cart_id)
    assert [m.method_id for m in again.cart.shipping_methods] == ["so_1"]
    assert (shipped.totals.shipping_total_minor, shipped.totals.shipping_tax_total_minor) == (500, 41)
    assert again.totals.total_minor == priced.totals.total_minor + 541
    # And more methods than a cart holds are refused
    with pytest.raises(InvalidRequest, match="at most"):
        cases.carts.set_shipping_methods(
            ALICE, priced.cart.cart_id, [method.model_copy(update={"method_id": f"so_{i}"}) for i in range(11)]
        )


def test_a_cart_keeps_the_policy_it_was_created_with(store) -> None:
    # Given a cart created by a face that prices the Medusa way
    cases, priced = _cart_with(store, policy="medusa_v1")
    # When it is read back by anyone / Then it is still priced that way
    assert cases.carts.get_cart(ALICE, priced.cart.cart_id).totals.policy == "medusa_v1"
    # And a cart created without one is priced as every cart was before
    bob = Caller(tenant_id="demo", location_id="main", actor=Actor.consumer("bob"))
    assert cases.carts.active_cart(bob).totals.policy == "largest_remainder"


def test_submitting_the_order_spends_its_gift_cards_in_the_same_write(store) -> None:
    # Given a Medusa cart of 25.00 with a 10.00 card applied earlier, and cash for the rest
    _card(store, "TEN", 1000)
    cases, priced = _cart_with(store, "TEN", policy="medusa_v1")
    # When the order is submitted through checkout
    placed = cases.checkout.submit(ALICE, priced.cart.cart_id, CartEdits())
    # Then the card's balance pays part of the order, taken in the order's own write
    assert placed.cart.status.value == "submitted"
    assert placed.totals.gift_card_total_minor == 1000
    assert _balance(store, "TEN") == 0
    # And a retried submit spends nothing more
    cases.checkout.submit(ALICE, priced.cart.cart_id, CartEdits())
    assert _balance(store, "TEN") == 0


def test_a_card_spent_elsewhere_before_submit_prices_the_order_with_what_is_left(store) -> None:
    # Given a cart whose 10.00 card another order spends 6.00 of before this one is submitted
    _card(store, "SHARED", 1000)
    cases, priced = _cart_with(store, "SHARED", policy="medusa_v1")
    store.write([Add(Key.gift_card("demo", "SHARED"), GIFT_CARD_BALANCE, -600, minimum=0)])
    # When it is submitted / Then it spends the 4.00 left and owes the rest
    placed = cases.checkout.submit(ALICE, priced.cart.cart_id, CartEdits())
    assert placed.totals.gift_card_total_minor == 400
    assert placed.totals.total_minor == priced.totals.total_minor + 600
    assert _balance(store, "SHARED") == 0
