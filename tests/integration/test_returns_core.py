"""Returns and exchanges in the core, against moto's DynamoDB with the demo fixture: units of an
accepted order handed back, refunds through the payment provider (once, never above what was paid),
the claim on each returned unit (two racing carts: one wins), tenant isolation."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest

from cart_core.actors import Actor
from cart_core.errors import Conflict, InvalidRequest, NotFound
from cart_core.lifecycle import CartStatus
from cart_core.payments import PaymentResult, ProviderGateway
from cart_core.returns import item_ids, return_status
from cart_core.store import keys
from cart_core.tenancy import Caller
from cart_core.usecases import UseCases, compose
from cart_core.usecases.carts import CartEdits, LineEdit
from cart_core.usecases.returns import ItemAlreadyReturned, OrderNotFound, ReturnRequest

ASSOCIATE = Caller(tenant_id="demo", location_id="main", actor=Actor.partner())
ACME = Caller(tenant_id="acme", location_id="main", actor=Actor.partner())
SYSTEM = Caller.system("demo", "main")
# demo-flower: 12.50, taxed 6.25 % + 2 % (1.56 + 0.50 on two): two units paid 13.53 each.
UNIT_PAID = 1353


class CountingGateway(ProviderGateway):
    """The built-in providers, counting each refund asked for (by idempotency key)."""

    def __init__(self) -> None:
        self.refunds: list[tuple[str, int]] = []
        self.lock = threading.Lock()

    def refund(
        self,
        provider: str,
        capture_ref: str | None,
        amount_minor: int,
        currency: str,
        idempotency_key: str,
        captured_minor: int,
    ) -> PaymentResult:
        with self.lock:
            self.refunds.append((idempotency_key, amount_minor))
        return super().refund(provider, capture_ref, amount_minor, currency, idempotency_key, captured_minor)


@pytest.fixture
def gateway() -> CountingGateway:
    return CountingGateway()


@pytest.fixture
def cases(store: Any, gateway: CountingGateway) -> UseCases:
    return compose(store, gateway=gateway)


def accepted_order(cases: UseCases, caller: Caller = ASSOCIATE, product: str = "demo-flower", quantity: int = 2) -> str:
    """A card order placed, validated and captured: paid (accepted)."""
    created = cases.carts.create(
        caller, CartEdits(lines=[LineEdit(product_id=product, quantity=quantity)], fulfillment="pickup")
    )
    cart_id = created.cart.cart_id
    cases.checkout.record_payment(caller, cart_id, "card", Decimal(0), card_token="tok_visa")
    cases.checkout.submit(caller, cart_id, CartEdits())
    system = Caller.system(caller.tenant_id, caller.location_id)
    cases.pos_validation.pos_validate(system, cart_id, [])
    paid = cases.checkout.settle_payment(system, cart_id)
    assert paid.cart.status is CartStatus.PAID
    return cart_id


def units(cases: UseCases, order_id: str, caller: Caller = ASSOCIATE) -> list[str]:
    order = cases.carts.get_cart(caller, order_id).cart
    return [unit for line in order.lines for unit in item_ids(order.cart_id, line.line_id, line.quantity)]


def return_cart(cases: UseCases, requests: list[ReturnRequest], lines: list[LineEdit] | None = None) -> str:
    edits = CartEdits(lines=lines, fulfillment="pickup") if lines else CartEdits()
    cart_id = cases.carts.create(ASSOCIATE, edits).cart.cart_id
    cases.returns.set_returns(ASSOCIATE, cart_id, requests)
    return cart_id


def request(order_id: str, item_id: str, **kw: Any) -> ReturnRequest:
    return ReturnRequest(order_id=order_id, item_id=item_id, reason="Too small", **kw)


def test_a_returned_item_of_an_accepted_order_is_refunded_once_when_placed(cases: UseCases, gateway, store) -> None:
    # Given an accepted order of two units and a cart returning one of them
    order_id = accepted_order(cases)
    item = units(cases, order_id)[0]
    cart_id = return_cart(cases, [request(order_id, item)])
    # Then the cart is a return whose total is the unit's refund, negative
    shown = cases.carts.get_cart(ASSOCIATE, cart_id)
    assert shown.cart.purpose == "return"
    assert shown.totals.total_minor == -UNIT_PAID
    assert return_status(shown.cart) == ("pending", None)
    # When it is placed
    placed = cases.returns.place(ASSOCIATE, cart_id)
    # Then the provider refunded the unit's paid gross once, and the cart is accepted and refunded
    assert placed is not None
    assert gateway.refunds == [(placed.cart.refunds[0].key, UNIT_PAID)]
    assert placed.cart.status is CartStatus.VALIDATED
    assert [r.status for r in placed.cart.refunds] == ["refunded"]
    assert return_status(placed.cart) == ("completed", None)
    # And the order records what was refunded on its card, and the unit is claimed by the return cart
    order = cases.carts.get_cart(ASSOCIATE, order_id).cart
    assert order.payments[0].refunded_minor == UNIT_PAID
    claim = store.read_claim(_claim_key(order_id, item))
    assert claim == cart_id


def _claim_key(order_id: str, item: str):
    from cart_core.ports import Key

    return Key.returned_item("demo", order_id, item)


def test_placing_again_or_a_redelivered_event_refunds_once(cases: UseCases, gateway) -> None:
    # Given a placed, refunded return cart
    order_id = accepted_order(cases)
    cart_id = return_cart(cases, [request(order_id, units(cases, order_id)[0])])
    cases.returns.place(ASSOCIATE, cart_id)
    # When the request is retried and the payment worker's event is redelivered
    again = cases.returns.place(ASSOCIATE, cart_id)
    cases.returns.settle_refunds(SYSTEM, cart_id)
    # Then the provider was asked once
    assert len(gateway.refunds) == 1
    assert again is not None and again.cart.status is CartStatus.VALIDATED


def test_a_request_that_stopped_before_the_refund_is_finished_by_the_event_with_the_same_key(
    cases: UseCases, gateway, store
) -> None:
    # Given a return cart placed whose request stopped after its first write (refund pending)
    order_id = accepted_order(cases)
    cart_id = return_cart(cases, [request(order_id, units(cases, order_id)[0])])
    original = cases.returns.settle_refunds
    cases.returns.settle_refunds = lambda caller, cart_id: None  # type: ignore[method-assign,assignment,return-value]
    cases.returns.place(ASSOCIATE, cart_id)
    cases.returns.settle_refunds = original  # type: ignore[method-assign]
    pending = cases.carts.get_cart(ASSOCIATE, cart_id).cart
    assert [r.status for r in pending.refunds] == ["pending"]
    # When the payment worker's CartValidated arrives twice
    cases.returns.settle_refunds(SYSTEM, cart_id)
    cases.returns.settle_refunds(SYSTEM, cart_id)
    # Then one refund was asked for, with the key decided at placing
    assert gateway.refunds == [(pending.refunds[0].key, UNIT_PAID)]


def test_an_exchange_where_the_customer_pays_the_difference_is_placed_as_a_sale(cases: UseCases, store) -> None:
    # Given a cart returning one 13.53 unit and buying a 35.00 vape (+ tax)
    order_id = accepted_order(cases)
    item = units(cases, order_id)[0]
    cart_id = return_cart(cases, [request(order_id, item)], [LineEdit(product_id="demo-vape", quantity=1)])
    shown = cases.carts.get_cart(ASSOCIATE, cart_id)
    # Then it is an exchange that nets the refund against the new product
    assert shown.cart.purpose == "exchange"
    vape = 3500 + 219 + 70
    assert shown.totals.total_minor == vape - UNIT_PAID
    # When placed: not a refund, so the sale path places it, paying the difference by card
    assert cases.returns.place(ASSOCIATE, cart_id) is None
    cases.checkout.record_payment(ASSOCIATE, cart_id, "card", Decimal(0), card_token="tok_visa")
    placed = cases.checkout.submit(ASSOCIATE, cart_id, CartEdits())
    # Then the card is held for the difference only, and the returned unit is claimed in that write
    assert placed.cart.payments[0].authorized_minor == vape - UNIT_PAID
    assert store.read_claim(_claim_key(order_id, item)) == cart_id


def test_an_exchange_worth_less_than_the_return_refunds_the_difference(cases: UseCases, gateway) -> None:
    # Given a cart returning both 13.53 units and buying one 8.00 gummies (+ 0.50 + 0.16 tax)
    order_id = accepted_order(cases)
    cart_id = return_cart(
        cases,
        [request(order_id, unit) for unit in units(cases, order_id)],
        [LineEdit(product_id="demo-edible", quantity=1)],
    )
    # When placed
    placed = cases.returns.place(ASSOCIATE, cart_id)
    # Then the difference is refunded
    gummies = 800 + 50 + 16
    assert placed is not None
    assert gateway.refunds == [(placed.cart.refunds[0].key, 2 * UNIT_PAID - gummies)]


def test_the_same_item_in_two_racing_return_carts_is_returned_once(cases: UseCases, gateway, store) -> None:
    # Given two carts returning the same unit
    order_id = accepted_order(cases)
    item = units(cases, order_id)[0]
    first = return_cart(cases, [request(order_id, item)])
    second = return_cart(cases, [request(order_id, item)])
    outcomes: dict[str, Any] = {}
    start = threading.Barrier(2)

    def place(cart_id: str) -> None:
        start.wait()
        try:
            outcomes[cart_id] = cases.returns.place(ASSOCIATE, cart_id)
        except Exception as error:
            outcomes[cart_id] = error

    # When both are placed at the same time
    threads = [threading.Thread(target=place, args=(c,)) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then exactly one wins; the other is refused (nothing refunded for it)
    errors = [o for o in outcomes.values() if isinstance(o, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ItemAlreadyReturned | Conflict)
    assert len(gateway.refunds) == 1
    winner = next(c for c, o in outcomes.items() if not isinstance(o, Exception))
    assert store.read_claim(_claim_key(order_id, item)) == winner
    order = cases.carts.get_cart(ASSOCIATE, order_id).cart
    assert order.payments[0].refunded_minor == UNIT_PAID
    loser = next(c for c in outcomes if c != winner)
    assert cases.carts.get_cart(ASSOCIATE, loser).cart.status is CartStatus.OPEN


def test_an_item_returned_already_is_refused_when_placed(cases: UseCases, gateway) -> None:
    order_id = accepted_order(cases)
    item = units(cases, order_id)[0]
    first = return_cart(cases, [request(order_id, item)])
    cases.returns.place(ASSOCIATE, first)
    second = return_cart(cases, [request(order_id, item)])
    with pytest.raises(ItemAlreadyReturned):
        cases.returns.place(ASSOCIATE, second)
    assert len(gateway.refunds) == 1


def test_returning_more_than_was_bought_is_refused(cases: UseCases) -> None:
    # Given an order of two units: a third unit has no item id, and one unit twice is refused
    order_id = accepted_order(cases)
    first = units(cases, order_id)[0]
    cart_id = cases.carts.create(ASSOCIATE, CartEdits()).cart.cart_id
    with pytest.raises(InvalidRequest, match="at most once"):
        cases.returns.set_returns(ASSOCIATE, cart_id, [request(order_id, first), request(order_id, first)])
    order = cases.carts.get_cart(ASSOCIATE, order_id).cart
    from cart_core.returns import item_id

    beyond = item_id(order_id, order.lines[0].line_id, 2)
    with pytest.raises(InvalidRequest, match="has no item"):
        cases.returns.set_returns(ASSOCIATE, cart_id, [request(order_id, beyond)])
    assert cases.carts.get_cart(ASSOCIATE, cart_id).cart.returns == []


def test_an_item_of_another_tenants_order_is_not_found(cases: UseCases) -> None:
    # Given an accepted order of tenant acme
    acme_order = accepted_order(cases, ACME, product="acme-widget", quantity=1)
    acme_item = units(cases, acme_order, ACME)[0]
    cart_id = cases.carts.create(ASSOCIATE, CartEdits()).cart.cart_id
    # When a demo cart names it: 404, its message naming only the id given
    with pytest.raises(OrderNotFound) as refused:
        cases.returns.set_returns(ASSOCIATE, cart_id, [request(acme_order, acme_item)])
    assert isinstance(refused.value, NotFound)
    assert "acme" not in refused.value.message and "widget" not in refused.value.message.lower()
    # And an unknown order is the same 404
    with pytest.raises(OrderNotFound):
        cases.returns.set_returns(ASSOCIATE, cart_id, [request("0" * 24, acme_item)])


def test_an_item_of_an_order_not_accepted_is_refused(cases: UseCases) -> None:
    # Given an order submitted but not yet accepted
    created = cases.carts.create(
        ASSOCIATE, CartEdits(lines=[LineEdit(product_id="demo-flower", quantity=1)], fulfillment="pickup")
    )
    order_id = created.cart.cart_id
    cases.checkout.submit(ASSOCIATE, order_id, CartEdits())
    cart_id = cases.carts.create(ASSOCIATE, CartEdits()).cart.cart_id
    with pytest.raises(InvalidRequest, match="not accepted"):
        cases.returns.set_returns(ASSOCIATE, cart_id, [request(order_id, units(cases, order_id)[0])])


def test_a_refund_larger_than_paid_is_refused_and_a_smaller_one_is_refunded(cases: UseCases, gateway) -> None:
    order_id = accepted_order(cases)
    item = units(cases, order_id)[0]
    cart_id = cases.carts.create(ASSOCIATE, CartEdits()).cart.cart_id
    with pytest.raises(InvalidRequest, match="more than was paid"):
        cases.returns.set_returns(ASSOCIATE, cart_id, [request(order_id, item, refund_amount=Decimal("13.54"))])
    cases.returns.set_returns(ASSOCIATE, cart_id, [request(order_id, item, refund_amount=Decimal("10.00"))])
    placed = cases.returns.place(ASSOCIATE, cart_id)
    assert placed is not None and gateway.refunds == [(placed.cart.refunds[0].key, 1000)]


def test_a_return_cart_with_payments_is_not_placed(cases: UseCases) -> None:
    order_id = accepted_order(cases)
    cart_id = return_cart(cases, [request(order_id, units(cases, order_id)[0])])
    cases.checkout.record_payment(ASSOCIATE, cart_id, "cash", Decimal("1.00"))
    with pytest.raises(InvalidRequest, match="takes no payments"):
        cases.returns.place(ASSOCIATE, cart_id)


def test_a_declined_refund_fails_the_return(cases: UseCases, store, monkeypatch) -> None:
    # Given a placed return whose refund the provider declines
    order_id = accepted_order(cases)
    cart_id = return_cart(cases, [request(order_id, units(cases, order_id)[0])])
    monkeypatch.setattr(
        ProviderGateway, "refund", lambda self, *a: PaymentResult(False, "decl_x", 0, "Refund window closed")
    )
    placed = cases.returns.place(ASSOCIATE, cart_id)
    # Then the return failed with the provider's reason
    assert placed is not None and placed.cart.status is CartStatus.PAYMENT_FAILED
    assert return_status(placed.cart)[0] == "failed"  # type: ignore[index]
    assert "Refund window closed" in (placed.cart.reason or "")


def test_the_claim_key_is_under_the_tenant() -> None:
    assert keys.item_key("returned_item", ("demo", "o1", "i1")) == ("RETURNED#demo#o1#i1", "CLAIM")


def test_a_sale_carries_no_returns_in_its_document(cases: UseCases) -> None:
    order_id = accepted_order(cases)
    order = cases.carts.get_cart(ASSOCIATE, order_id).cart
    assert order.purpose == "sale"
    assert "returns" not in order.document() and "refunds" not in order.document()
    assert "refunded_minor" not in order.document() or order.payments[0].refunded_minor
    with pytest.raises(Conflict):
        cases.returns.set_returns(ASSOCIATE, order_id, [])


# ----- the NewStore module's PATCH call (functions/newstore_shopping/returns.py) ------------------


def test_a_patch_with_returns_and_placed_sets_them_and_refunds_in_one_call(cases: UseCases, gateway) -> None:
    from cart_core.ids import codec, wire_form
    from newstore_shopping.returns import response_fields, return_requests, update_with

    # Given an accepted order and a new cart
    order_id = accepted_order(cases)
    cart_id = cases.carts.create(ASSOCIATE, CartEdits()).cart.cart_id
    wire = [{"order_id": wire_form(codec("newstore"), order_id), "item_id": units(cases, order_id)[1],
             "return_reason": "Damaged", "refund": {"amount": 13.53, "method": "original"}}]  # fmt: skip

    def sale(edits: CartEdits) -> Any:
        raise AssertionError("a cart that refunds is not placed as a sale")

    # When one PATCH names the returned unit and asks for placed
    placed = update_with(cases, ASSOCIATE, cart_id, CartEdits(), return_requests(wire), "placed", sale)
    # Then it is refunded, and the answer says the return is completed
    assert gateway.refunds == [(placed.cart.refunds[0].key, UNIT_PAID)]
    assert response_fields(placed)["return_status"] == {"status": "completed"}
    assert placed.totals.total_minor == -UNIT_PAID


def test_a_patch_placing_an_exchange_the_customer_pays_goes_to_the_checkout(cases: UseCases) -> None:
    from newstore_shopping.returns import update_with

    order_id = accepted_order(cases)
    cart_id = return_cart(
        cases, [request(order_id, units(cases, order_id)[0])], [LineEdit(product_id="demo-vape", quantity=1)]
    )
    handed: list[CartEdits] = []
    update_with(cases, ASSOCIATE, cart_id, CartEdits(notes="gift"), None, "placed", lambda e: handed.append(e) or None)  # type: ignore[func-returns-value]
    # Then nothing was written here and the edits go on to the checkout's placing
    assert handed and handed[0].notes == "gift"
    assert cases.carts.get_cart(ASSOCIATE, cart_id).cart.notes is None


def test_a_declined_refund_placed_again_is_asked_for_under_a_new_key(cases: UseCases, gateway, monkeypatch) -> None:
    # Given a return whose refund was declined
    order_id = accepted_order(cases)
    cart_id = return_cart(cases, [request(order_id, units(cases, order_id)[0])])
    with monkeypatch.context() as patched:
        patched.setattr(ProviderGateway, "refund", lambda self, *a: PaymentResult(False, "decl_x", 0, "Try later"))
        failed = cases.returns.place(ASSOCIATE, cart_id)
    assert failed is not None and failed.cart.status is CartStatus.PAYMENT_FAILED
    first_key = failed.cart.refunds[0].key
    # When it is placed again and the provider approves
    again = cases.returns.place(ASSOCIATE, cart_id)
    # Then the refund was asked for once more, under a new key, and the return completed
    assert again is not None and again.cart.status is CartStatus.VALIDATED
    assert [key for key, _ in gateway.refunds] == [first_key, f"{first_key}.again1"]
    assert return_status(again.cart) == ("completed", None)
    # And the order's payment was charged with the refund once
    assert cases.carts.get_cart(ASSOCIATE, order_id).cart.payments[0].refunded_minor == UNIT_PAID
