"""NewStore's lifecycle through the local cloud: the template's table, stream, bus, rules and queues
in moto, the pollers run in this thread, so a placed cart really is validated (by the service, or by
the POS through LOKE) and captured by the payment worker before it shows accepted."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from cart_core.actors import Actor, ActorKind
from cart_core.keyed_payments import PaymentEdit
from cart_core.lifecycle import CartStatus
from cart_core.tenancy import Caller
from cart_core.usecases import compose
from cart_core.usecases.carts import CartEdits, LineEdit
from tests.integration.test_checkout_events import subscribe

LOKE_CART = "/organizations/demo/locations/main/cart"
ASSOCIATE = Caller(tenant_id="demo", location_id="main", actor=Actor(kind=ActorKind.ASSOCIATE, id="assoc-1"))
HANDOVER = LineEdit(product_id="demo-flower", quantity=2, fulfillment_group="IN_STORE_HANDOVER")


def _core_placed(store, token: str) -> tuple[object, str]:
    """A handover cart paid in full by ``token`` and placed, through the core (the face's own
    tests go through its HTTP)."""
    cases = compose(store)
    cart = cases.carts.create(ASSOCIATE, CartEdits(lines=[HANDOVER]))
    total = Decimal(cart.with_taxes().totals.total_minor) / 100
    edits = CartEdits(payments={token: PaymentEdit(kind="token", amount=total)})
    placed = cases.checkout.place(ASSOCIATE, cart.cart.cart_id, edits)
    return cases, placed.cart.cart_id


def test_a_placed_order_is_validated_by_the_pos_through_loke_then_captured(api, store, receiver) -> None:
    # Given a POS subscribed through LOKE, and an associate's order placed with a card
    subscribe(api, receiver.url)
    cases, cart_id = _core_placed(store, "tok_visa")
    # When the pipeline runs, Then the POS is handed the cart, PENDING
    api.drain()
    ((_headers, body),) = receiver.received
    handed = json.loads(body)["cart"]
    assert handed["status"] == "PENDING"
    # When the POS accepts it through LOKE and the payment worker runs
    assert api.loke("PUT", f"{LOKE_CART}/{handed['id']}/valid").status == 204
    api.drain()
    # Then the card is captured: the order is paid
    paid = cases.carts.get_cart(ASSOCIATE, cart_id).cart
    assert paid.status is CartStatus.PAID and paid.payment("tok_visa").status == "captured"


def test_a_card_declined_at_placing_never_reaches_the_pos(api, store, receiver) -> None:
    subscribe(api, receiver.url)
    cases, cart_id = _core_placed(store, "tok_chargeDeclined")
    api.drain()
    assert receiver.received == []
    failed = cases.carts.get_cart(ASSOCIATE, cart_id).cart
    assert failed.status is CartStatus.PAYMENT_FAILED


# ----- through NewStore's HTTP --------------------------------------------------------------------

CARTS = "/shopping/carts"


def ns(api, method: str, path: str, body: Any = None):
    from newstore_shopping.face import DEMO_CLIENT

    return api.request(method, path, dict(DEMO_CLIENT), body)


def handover(quantity: int = 2) -> dict[str, Any]:
    return {"product_id": "demo-flower", "quantity": quantity, "fulfillment_group": {"type": "IN_STORE_HANDOVER"}}


def draft(api, products: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    created = ns(api, "POST", CARTS, {"products": products or [handover()]})
    assert created.status == 200, created.text
    cart = created.json()
    assert cart["state"] == "draft"
    return cart


def patch(api, cart: dict[str, Any], body: dict[str, Any], status: int = 200) -> dict[str, Any]:
    answer = ns(api, "PATCH", f"{CARTS}/{cart['id']}", body)
    assert answer.status == status, answer.text
    return answer.json()


def card(token: str, amount: Any, kind: str = "token") -> dict[str, Any]:
    return {token: {"type": kind, "amount": amount}}


def test_the_associate_flow_from_draft_to_accepted(api) -> None:
    # Given a draft cart of products handed over in the store
    cart = draft(api)
    total = cart["totals"]["grand_total"]
    # When a card pays exactly the total, Then it is ready, its payment pending
    ready = patch(api, cart, {"payments": card("tok_visa", total)})
    assert ready["state"] == "ready"
    assert ready["payment_statuses"] == {"tok_visa": {"status": "pending"}}
    assert ready["payments"]["tok_visa"]["type"] == "token" and ready["payments"]["tok_visa"]["amount"] == total
    # When it is placed, Then it is placed and the card authorized
    placed = patch(api, cart, {"state": "placed"})
    assert placed["state"] == "placed" and placed["payment_statuses"]["tok_visa"] == {"status": "authorized"}
    # When the pipeline runs (no POS: the service validates, the payment worker captures)
    api.drain()
    # Then it is accepted and the card captured
    accepted = ns(api, "GET", f"{CARTS}/{cart['id']}").json()
    assert accepted["state"] == "accepted" and accepted["payment_statuses"]["tok_visa"] == {"status": "captured"}


def test_an_empty_update_answers_the_payment_statuses_and_changes_nothing(api) -> None:
    cart = draft(api)
    patch(api, cart, {"payments": card("tok_visa", cart["totals"]["grand_total"])})
    answered = patch(api, cart, {})
    assert answered["payment_statuses"] == {"tok_visa": {"status": "pending"}} and answered["state"] == "ready"


def test_a_declined_card_fails_the_order_then_fixed_payments_place_it_again_to_accepted(api) -> None:
    cart = draft(api)
    total = cart["totals"]["grand_total"]
    # When it is placed with a card that declines
    failed = patch(api, cart, {"payments": card("tok_chargeDeclined", total), "state": "placed"})
    # Then the order failed, the key declined with the processor's message
    assert failed["state"] == "failed"
    assert failed["payment_statuses"] == {
        "tok_chargeDeclined": {"status": "declined", "message": "Your card was declined."}
    }
    assert failed["messages"] == ["Your card was declined."]
    # And nothing but payments can change now
    assert patch(api, cart, {"products": [handover(1)]}, status=409)["error_code"]
    # When the declined card is removed, a good one added, and the order placed again
    fixed = patch(api, cart, {"payments": {"tok_chargeDeclined": None, **card("tok_visa", total)}})
    assert fixed["state"] == "failed" and list(fixed["payment_statuses"]) == ["tok_visa"]
    again = patch(api, cart, {"state": "placed"})
    assert again["state"] == "placed"
    api.drain()
    # Then it is accepted
    assert ns(api, "GET", f"{CARTS}/{cart['id']}").json()["state"] == "accepted"


def test_a_declined_capture_fails_the_order_with_the_key_declined(api) -> None:
    cart = draft(api)
    patch(api, cart, {"payments": card("tok_captureDeclined", cart["totals"]["grand_total"]), "state": "placed"})
    api.drain()
    failed = ns(api, "GET", f"{CARTS}/{cart['id']}").json()
    assert failed["state"] == "failed"
    assert failed["payment_statuses"]["tok_captureDeclined"] == {
        "status": "declined",
        "message": "The authorization could not be captured.",
    }


def test_ready_back_to_draft_is_refused_while_the_cart_stays_ready(api) -> None:
    cart = draft(api)
    total = cart["totals"]["grand_total"]
    patch(api, cart, {"payments": card("tok_visa", total)})
    refused = patch(api, cart, {"state": "draft"}, status=400)
    assert refused["error_code"] and "ready" in refused["message"]
    # And a draft request whose edits leave it not ready is done
    assert patch(api, cart, {"state": "draft", "payments": card("tok_visa", 1)})["state"] == "draft"


def test_placing_or_asking_ready_needs_a_ready_cart_and_names_what_is_missing(api) -> None:
    cart = draft(api)
    for state in ("ready", "placed"):
        refused = patch(api, cart, {"state": state}, status=400)
        assert "payments that do not cover the total" in refused["message"]
    assert ns(api, "GET", f"{CARTS}/{cart['id']}").json()["state"] == "draft"


def test_items_that_ship_need_a_shipping_solution_and_an_address(api) -> None:
    cart = draft(api, [{"product_id": "demo-flower", "quantity": 1, "fulfillment_group": {"type": "SHIPPING"}}])
    refused = patch(api, cart, {"payments": card("tok_visa", cart["totals"]["grand_total"]), "state": "ready"}, 400)
    assert "no shipping solution" in refused["message"] and "no shipping address" in refused["message"]
    # And a product given without a group ships too
    plain = draft(api, [{"product_id": "demo-flower", "quantity": 1}])
    assert plain["products"][0]["fulfillment_group"] == {"type": "SHIPPING"}
    refused = patch(api, plain, {"payments": card("tok_visa", plain["totals"]["grand_total"]), "state": "ready"}, 400)
    assert "no shipping solution" in refused["message"]


def test_payments_over_or_under_the_total_are_not_ready(api) -> None:
    cart = draft(api)
    total = Decimal(str(cart["totals"]["grand_total"]))
    for amount, words in ((total - Decimal("0.01"), "do not cover"), (total + Decimal("0.01"), "above the total")):
        answer = patch(api, cart, {"payments": card("tok_visa", float(amount))})
        assert answer["state"] == "draft"
        assert words in patch(api, cart, {"state": "placed"}, status=400)["message"]


@pytest.mark.parametrize("state", ["accepted", "failed"])
def test_a_client_never_sets_accepted_or_failed(api, state: str) -> None:
    cart = draft(api)
    assert patch(api, cart, {"state": state}, status=400)["error_code"]


def test_no_edits_once_placed(api) -> None:
    cart = draft(api)
    patch(api, cart, {"payments": card("tok_visa", cart["totals"]["grand_total"]), "state": "placed"})
    assert patch(api, cart, {"products": [handover(5)]}, status=409)["error_code"]
    assert patch(api, cart, {"payments": card("tok_visa", 1)}, status=409)["error_code"]
    assert patch(api, cart, {"state": "draft"}, status=409)["error_code"]
    # And placing again (a retry) answers the order as it is
    assert patch(api, cart, {"state": "placed"})["state"] == "placed"


def test_money_taken_elsewhere_is_accepted_when_the_store_validates(api) -> None:
    cart = draft(api)
    placed = patch(
        api, cart, {"payments": card("cap_123", cart["totals"]["grand_total"], "captured"), "state": "placed"}
    )
    assert placed["payment_statuses"] == {"cap_123": {"status": "captured"}}
    api.drain()
    assert ns(api, "GET", f"{CARTS}/{cart['id']}").json()["state"] == "accepted"


def test_a_cart_placed_in_newstore_is_validated_by_the_pos_through_loke_then_accepted(api, receiver) -> None:
    # Given a POS subscribed through LOKE, and a cart placed through NewStore
    subscribe(api, receiver.url)
    cart = draft(api)
    patch(api, cart, {"payments": card("tok_visa", cart["totals"]["grand_total"]), "state": "placed"})
    # When the pipeline runs, Then the POS is handed it, PENDING, and NewStore shows it placed
    api.drain()
    ((_headers, body),) = receiver.received
    handed = json.loads(body)["cart"]
    assert handed["status"] == "PENDING"
    assert ns(api, "GET", f"{CARTS}/{cart['id']}").json()["state"] == "placed"
    # When the POS accepts it through LOKE and the payment worker captures
    assert api.loke("PUT", f"{LOKE_CART}/{handed['id']}/valid").status == 204
    api.drain()
    # Then NewStore shows it accepted
    accepted = ns(api, "GET", f"{CARTS}/{cart['id']}").json()
    assert accepted["state"] == "accepted" and accepted["payment_statuses"]["tok_visa"] == {"status": "captured"}


def test_a_cart_the_pos_rejects_is_failed_with_its_reason_and_never_placed_again(api, receiver) -> None:
    subscribe(api, receiver.url)
    cart = draft(api)
    patch(api, cart, {"payments": card("tok_visa", cart["totals"]["grand_total"]), "state": "placed"})
    api.drain()
    ((_headers, body),) = receiver.received
    assert api.loke("PUT", f"{LOKE_CART}/{json.loads(body)['cart']['id']}/invalid").status == 204
    api.drain()
    rejected = ns(api, "GET", f"{CARTS}/{cart['id']}").json()
    assert rejected["state"] == "failed" and rejected["messages"] == ["Rejected by the store"]
    assert rejected["payment_statuses"]["tok_visa"] == {"status": "voided"}
    assert patch(api, cart, {"state": "placed"}, status=409)["error_code"]


def test_a_cart_is_created_as_a_draft_only(api) -> None:
    refused = ns(api, "POST", CARTS, {"products": [handover()], "state": "placed"})
    assert refused.status == 400 and refused.json()["error_code"] == "bad_request"


def test_payments_are_modified_by_key_and_a_foreign_currency_is_refused(api) -> None:
    # Given a draft with a card and a hold taken at a terminal
    cart = draft(api)
    both = patch(api, cart, {"payments": {**card("tok_visa", 1), **card("auth_visa_100_USD_t1", 1, "authorized")}})
    assert both["payment_statuses"] == {
        "tok_visa": {"status": "pending"},
        "auth_visa_100_USD_t1": {"status": "authorized"},
    }
    # When one key is changed and the other removed, Then only those change
    changed = patch(api, cart, {"payments": {"tok_visa": {"type": "token", "amount": 2}, "auth_visa_100_USD_t1": None}})
    assert changed["payments"] == {"tok_visa": {"type": "token", "amount": 2, "currency": "USD", "method": "token"}}
    # And a payment in another currency than the order's is refused, nothing changed
    refused = patch(api, cart, {"payments": {"tok_visa": {"type": "token", "amount": 2, "currency": "EUR"}}}, 400)
    assert "EUR" in refused["message"]
    eleven = {f"tok_{n}": {"type": "token", "amount": 1} for n in range(11)}
    assert patch(api, cart, {"payments": eleven}, 400)["error_code"] == "bad_request"
    assert ns(api, "GET", f"{CARTS}/{cart['id']}").json()["payments"] == changed["payments"]
