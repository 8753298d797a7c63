"""The rules of returns that need no storage: item ids, what a unit was paid, netting, the refund
of the built-in payment providers."""

from __future__ import annotations

import uuid
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from cart_core.cart import Cart, LineItem
from cart_core.lifecycle import CartStatus
from cart_core.payments import ManualProvider, TestCardProvider
from cart_core.pricing import price
from cart_core.returns import Refund, ReturnItem, exchange, item_id, item_ids, locate, return_status, unit_paid
from cart_core.tenancy import Location, TaxRate

LOCATION = Location(tenant_id="t", location_id="l", name="L", tax_rates=(TaxRate(name="S", percent=Decimal("8.875")),))


def order(*quantities: int) -> Cart:
    lines = [LineItem(product_id=f"p{n}", quantity=q, unit_price_minor=999) for n, q in enumerate(quantities)]
    return Cart(tenant_id="t", location_id="l", currency="USD", lines=lines)


def returned(refund_minor: int) -> ReturnItem:
    return ReturnItem(
        order_id="o",
        item_id="i",
        line_id="x",
        product_id="p",
        reason="r",
        paid_minor=refund_minor,
        refund_minor=refund_minor,
    )


def test_item_ids_are_uuids_stable_per_unit_and_name_their_line_and_unit() -> None:
    # Given an order of 3 + 2 units
    placed = order(3, 2)
    ids = [unit for line in placed.lines for unit in item_ids(placed.cart_id, line.line_id, line.quantity)]
    # Then each unit has its own UUID, the same on every read
    assert len(set(ids)) == 5 and all(uuid.UUID(i).version == 8 for i in ids)
    assert ids == [unit for line in placed.lines for unit in item_ids(placed.cart_id, line.line_id, line.quantity)]
    # And each id locates its line and unit; another order's id, a unit past the quantity, junk: none
    assert locate(placed, ids[4]) == (placed.lines[1], 1)
    assert locate(placed, item_id(placed.cart_id, placed.lines[1].line_id, 2)) is None
    assert locate(order(3, 2), ids[0]) is None
    assert locate(placed, "not-a-uuid") is None


def test_units_past_the_4096th_have_ids_that_show_but_name_no_line() -> None:
    # Given an order with a line of 5,000 units (another face allows 10,000)
    cart = order(5000)
    line = cart.lines[0]
    # When its units' item ids are made
    ids = item_ids(cart.cart_id, line.line_id, line.quantity)
    # Then every unit has a distinct, stable id; those within 4,096 find their unit, the others none
    assert len(set(ids)) == 5000 and ids == item_ids(cart.cart_id, line.line_id, line.quantity)
    assert locate(cart, ids[4095]) == (line, 4095)
    assert locate(cart, ids[4096]) is None


@given(st.integers(min_value=1, max_value=50), st.integers(min_value=1, max_value=100_000))
def test_a_lines_units_add_up_to_what_the_line_was_paid(quantity: int, unit_price: int) -> None:
    placed = Cart(
        tenant_id="t",
        location_id="l",
        currency="USD",
        lines=[LineItem(product_id="p", quantity=quantity, unit_price_minor=unit_price)],
    )
    totals = price(placed, LOCATION)
    line = placed.lines[0]
    shares = [unit_paid(totals, line, unit) for unit in range(quantity)]
    assert sum(s.paid_minor for s in shares) == totals.lines[0].net_minor + totals.lines[0].tax_minor
    assert sum(s.tax_minor for s in shares) == totals.lines[0].tax_minor
    assert max(s.paid_minor for s in shares) - min(s.paid_minor for s in shares) <= 1


def test_returns_are_a_credit_against_the_total_and_decide_the_purpose() -> None:
    # Given a cart with one 9.99 product and returns worth 15.00
    cart = order(1)
    cart.returns = [returned(1500)]
    totals = price(cart, LOCATION)
    # Then it is an exchange whose total nets the credit: the customer is refunded the difference
    assert cart.purpose == "exchange"
    assert totals.return_credit_minor == 1500
    assert totals.total_minor == 999 + 89 - 1500
    assert exchange(cart, totals) is not None and exchange(cart, totals).amount_minor == 412  # type: ignore[union-attr]
    assert exchange(cart, totals).type == "refund"  # type: ignore[union-attr]
    # A return alone is a refund note's cart; no returns, a sale
    cart.lines = []
    assert cart.purpose == "return" and price(cart, LOCATION).total_minor == -1500
    assert exchange(cart, price(cart, LOCATION)) is None
    assert order(1).purpose == "sale"


def test_return_status_follows_the_refunds() -> None:
    cart = order()
    assert return_status(cart) is None
    cart.returns = [returned(100)]
    assert return_status(cart) == ("pending", None)
    cart.submitted_ms = 1
    cart.status = CartStatus.VALIDATED
    cart.refunds = [Refund(key="k", order_id="o", payment_key="p", provider="manual", capture_reference=None,
                           amount_minor=100, captured_minor=100)]  # fmt: skip
    assert return_status(cart) == ("pending", None)
    cart.refunds[0].status = "refunded"
    assert return_status(cart) == ("completed", None)
    cart.refunds[0].status = "declined"
    assert return_status(cart) == ("failed", cart.refunds[0])


def test_the_test_card_refunds_up_to_what_was_captured_and_each_key_once() -> None:
    card = TestCardProvider()
    approved = card.refund("ch_abc", 500, "USD", "k1", 500)
    assert approved.approved and approved.amount_minor == 500
    # The same key is the same refund (the same reference), never a second one
    assert card.refund("ch_abc", 500, "USD", "k1", 500).reference == approved.reference
    assert not card.refund("ch_abc", 501, "USD", "k2", 500).approved
    assert not card.refund("ch_abc", 0, "USD", "k3", 500).approved
    assert not card.refund("auth_visa_1_USD_x", 1, "USD", "k4", 500).approved
    assert not card.refund(None, 1, "USD", "k5", 500).approved


def test_a_manual_refund_is_recorded() -> None:
    recorded = ManualProvider().refund(None, 300, "USD", "k", 300)
    assert recorded.approved and recorded.reference == "manual_refund_k"
    assert not ManualProvider().refund(None, 301, "USD", "k", 300).approved
