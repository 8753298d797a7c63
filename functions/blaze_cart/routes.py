"""The 14 BLAZE consumer-cart endpoints, relative to /api/v1/partner/store/cart.

Each route: wire model in, one core use case, ConsumerCart out.
"""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from blaze_cart.mapping import consumer_cart, consumer_cart_result, core_cart_id, edits_from, wire_number
from blaze_cart.wire import ConsumerCartIn, FindCostIn, PaymentsIn
from cart_core.errors import InvalidRequest, Unauthorized
from cart_core.limits import ID_BYTES, utf8_size
from cart_core.money import to_decimal
from cart_core.runtime import use_cases
from cart_core.tenancy import Caller
from cart_core.usecases.identity import CartIdentity

router = Router()

OptionalId = Annotated[str | None, Query(max_length=128)]
Cuid = Annotated[str | None, Query(max_length=128)]
OptionalCart = Annotated[ConsumerCartIn | None, Body()]


def _caller() -> Caller:
    context = router.current_event.raw_event.get("requestContext", {}).get("authorizer") or {}
    return Caller(tenant_id=context["tenantId"], location_id=context["locationId"])


def _cuid(query_cuid: str | None) -> str | None:
    """BLAZE takes the consumer from a ``cuid`` query parameter or header.

    Endpoints the seed marks "requires consumer user authentication" (history, get by id, cancel)
    and setConsumerUser (our decision: only the consumer may claim a cart) call ``_required_cuid``;
    every other endpoint accepts a missing cuid (the partner acts server-to-server) and, when one is
    sent, only reaches that consumer's carts or guest carts."""
    cuid = query_cuid or router.current_event.headers.get("cuid") or None
    return _bounded_id("cuid", cuid)


def _required_cuid(query_cuid: str | None) -> str:
    cuid = _cuid(query_cuid)
    if not cuid:
        raise Unauthorized("This endpoint requires consumer user authentication (cuid)")
    return cuid


def _bounded_id(name: str, value: str | None) -> str | None:
    if value is not None and utf8_size(value) > ID_BYTES:
        raise InvalidRequest(f"{name} is longer than {ID_BYTES} bytes")
    return value


@router.get("/history")
def history(
    cuid: Cuid = None, start: Annotated[int, Query(ge=0)] = 0, limit: Annotated[int, Query(ge=0, le=100)] = 100
) -> dict[str, Any]:
    carts, total = use_cases().carts.consumer_history(_caller(), _required_cuid(cuid), start, limit)
    return {"values": [consumer_cart(c) for c in carts], "skip": start, "limit": limit, "total": total}


@router.get("/active")
def active(
    cuid: Cuid = None, sessionId: OptionalId = None, externalId: OptionalId = None, transactionId: OptionalId = None
) -> dict[str, Any]:
    identity = CartIdentity(
        consumer_id=_cuid(cuid), session_id=sessionId, external_id=externalId, transaction_id=transactionId
    )
    return consumer_cart(use_cases().carts.active_cart(_caller(), identity))


@router.post("/prepare")
def prepare(body: OptionalCart = None, cuid: Cuid = None) -> dict[str, Any]:
    identity = CartIdentity(
        consumer_id=_cuid(cuid),
        session_id=body.sessionId if body else None,
        external_id=body.externalId if body else None,
        transaction_id=body.transactionId if body else None,
    )
    return consumer_cart(use_cases().carts.prepare(_caller(), identity, edits_from(body)))


@router.post("/product/findCost")
def find_cost(body: FindCostIn, cuid: Cuid = None) -> dict[str, Any]:
    cost_minor, currency = use_cases().catalog.product_cost(_caller(), body.productId, int(body.quantity))
    return {
        "productId": body.productId,
        "quantity": wire_number(body.quantity),
        "cost": wire_number(to_decimal(cost_minor, currency)),
    }


@router.get("/public/<publicKey>")
def by_public_key(publicKey: str) -> dict[str, Any]:
    return consumer_cart_result(use_cases().carts.cart_by_public_key(_caller(), publicKey))


@router.post("/updateCart/<consumerCartId>")
def update_cart(consumerCartId: str, body: OptionalCart = None, cuid: Cuid = None) -> dict[str, Any]:
    return consumer_cart(
        use_cases().carts.update(_caller(), core_cart_id(consumerCartId), edits_from(body), _cuid(cuid))
    )


@router.post("/submitCart/<consumerCartId>")
def submit_cart(consumerCartId: str, body: OptionalCart = None, cuid: Cuid = None) -> dict[str, Any]:
    return consumer_cart(
        use_cases().checkout.submit(_caller(), core_cart_id(consumerCartId), edits_from(body), _cuid(cuid))
    )


@router.delete("/cancelCart/<consumerCartId>")
def cancel_cart(consumerCartId: str, cuid: Cuid = None) -> dict[str, Any]:
    return consumer_cart(
        use_cases().checkout.cancel_by_consumer(_caller(), core_cart_id(consumerCartId), _required_cuid(cuid))
    )


def _finalize(line_id: str | None, finalized: bool, body: ConsumerCartIn | None, cuid: str | None) -> dict[str, Any]:
    caller, consumer = _caller(), _cuid(cuid)
    cases = use_cases()
    cart_id = cases.identity.resolve_cart_id(
        caller, core_cart_id(body.id) if body and body.id else None, CartIdentity(consumer_id=consumer)
    )
    return consumer_cart(cases.carts.set_finalized(caller, cart_id, line_id, finalized, consumer))


@router.post("/item/<orderItemId>/finalize")
def finalize_item(orderItemId: str, body: OptionalCart = None, cuid: Cuid = None) -> dict[str, Any]:
    return _finalize(orderItemId, True, body, cuid)


@router.post("/item/<orderItemId>/unfinalize")
def unfinalize_item(orderItemId: str, body: OptionalCart = None, cuid: Cuid = None) -> dict[str, Any]:
    return _finalize(orderItemId, False, body, cuid)


@router.post("/items/finalize")
def finalize_all_items(body: OptionalCart = None, cuid: Cuid = None) -> dict[str, Any]:
    return _finalize(None, True, body, cuid)


@router.get("/<consumerCartId>")
def get_cart(consumerCartId: str, cuid: Cuid = None) -> dict[str, Any]:
    return consumer_cart(
        use_cases().carts.get_cart(_caller(), core_cart_id(consumerCartId), _required_cuid(cuid), consumer_scoped=True)
    )


@router.post("/<consumerCartId>/setConsumerUser/<consumerUserId>")
def set_consumer_user(consumerCartId: str, consumerUserId: str, cuid: Cuid = None) -> dict[str, Any]:
    consumer_id = _bounded_id("consumerUserId", consumerUserId)
    assert consumer_id is not None
    return consumer_cart(
        use_cases().identity.assign_consumer(
            _caller(), core_cart_id(consumerCartId), consumer_id, acting_consumer_id=_cuid(cuid)
        )
    )


@router.post("/<consumerCartId>/payments")
def add_payments(consumerCartId: str, body: PaymentsIn, cuid: Cuid = None) -> dict[str, Any]:
    priced = use_cases().checkout.record_payment(
        _caller(),
        core_cart_id(consumerCartId),
        method=body.paymentOption or "Cash",
        amount=body.paymentReceived,
        order_tags=body.orderTags or (),
        card_token=body.chargeId,
        consumer_id=_cuid(cuid),
    )
    return consumer_cart(priced)
