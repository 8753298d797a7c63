"""NewStore's ``returns[]`` mapped to the core: each field's bad input is a domain 400 (NewStore's
error body once the face answers it), blind returns refused, and the answer's return fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from cart_core.cart import Cart, LineItem
from cart_core.errors import InvalidRequest
from cart_core.ids import InternalId, codec, wire_form
from cart_core.lifecycle import CartStatus
from cart_core.pricing import price
from cart_core.returns import Refund, ReturnItem
from cart_core.tenancy import Location
from cart_core.usecases.returns import OrderNotFound
from cart_core.usecases.shared import PricedCart
from newstore_shopping.returns import response_fields, return_requests

ORDER = wire_form(codec("newstore"), InternalId.new().key)
ITEM = "0c6a3c1e-0000-8000-8000-000000000000"


def entry(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"order_id": ORDER, "item_id": ITEM, "return_reason": "Too small"}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not ...}


def test_a_well_formed_return_maps_to_the_core() -> None:
    (request,) = return_requests([entry(refund={"amount": 12.5, "method": "original"}, return_code=3)]) or []
    assert request.order_id == codec("newstore").decode(ORDER).key
    assert request.refund_amount == Decimal("12.5") and request.refund_method == "original"
    assert request.reason == "Too small" and request.return_code == 3
    assert return_requests(None) is None and return_requests([]) == []


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"return_reason": ...}, "return_reason"),
        ({"return_reason": ""}, "return_reason"),
        ({"return_reason": "x" * 257}, "return_reason"),
        ({"item_condition": "x" * 129}, "item_condition"),
        ({"return_code": -1}, "return_code"),
        ({"condition_code": 10**9}, "condition_code"),
        ({"refund": {"amount": -1}}, "refund.amount"),
        ({"refund": {"amount": "twelve"}}, "refund.amount"),
        ({"refund": {"amount": 1, "method": "m" * 65}}, "refund.method"),
        ({"item_id": ...}, "item_id"),
        ({"item_id": "i" * 129}, "item_id"),
        ({"order_id": ...}, "order_id"),
        ({"blind_return": {"product_id": "p"}}, "Blind returns"),
        ({"was_blind": True}, "Blind returns"),
    ],
)
def test_bad_input_in_each_returns_field_is_a_400(changes: dict[str, Any], says: str) -> None:
    with pytest.raises(InvalidRequest, match=says):
        return_requests([entry(**changes)])


def test_an_order_id_that_is_not_one_of_ours_is_an_unknown_order() -> None:
    with pytest.raises(OrderNotFound):
        return_requests([entry(order_id="not-a-uuid")])


def _priced(cart: Cart) -> PricedCart:
    location = Location(tenant_id="t", location_id="l", name="L")
    return PricedCart(cart, price(cart, location), location)


def _returned(refund_minor: int) -> ReturnItem:
    return ReturnItem(
        order_id="o",
        item_id="i",
        line_id="x",
        product_id="p",
        reason="r",
        paid_minor=refund_minor,
        refund_minor=refund_minor,
    )


def test_the_answer_shows_return_status_and_exchange() -> None:
    sale = Cart(
        tenant_id="t",
        location_id="l",
        currency="USD",
        lines=[LineItem(product_id="p", quantity=1, unit_price_minor=500)],
    )
    assert response_fields(_priced(sale)) == {"return_status": None, "exchange": None}
    sale.returns = [_returned(1353)]
    assert response_fields(_priced(sale)) == {
        "return_status": {"status": "pending"},
        "exchange": {"type": "refund", "amount": 8.53},
        "state": "ready",  # a cart that refunds is ready with its returns alone
    }
    sale.returns[0].refund_minor = 200
    paying = response_fields(_priced(sale))
    assert paying["exchange"] == {"type": "customer_pays", "amount": 3.0}
    assert "state" not in paying  # the sale's rules decide whether it is ready
    refund = Cart(tenant_id="t", location_id="l", currency="USD", returns=[_returned(1353)])
    refund.status, refund.submitted_ms = CartStatus.PAYMENT_FAILED, 1
    refund.refunds = [Refund(key="k", order_id="o", payment_key="p", provider="test-card", capture_reference="ch_x",
                             amount_minor=1353, captured_minor=1353, status="declined", decline_reason="Closed")]  # fmt: skip
    assert response_fields(_priced(refund)) == {
        "return_status": {"status": "failed", "error": {"code": "refund_declined", "description": "Closed"}},
        "exchange": None,
    }
