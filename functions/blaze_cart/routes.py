"""The 14 BLAZE consumer-cart endpoints, relative to /api/v1/partner/store/cart.

Each route: the caller (``Depends``: the partner, or the consumer a ``cuid`` names), wire model in,
one core use case, ConsumerCart out. Every route keeps its ``cuid`` parameter so OpenAPI lists it.

No ``from __future__ import annotations`` here, on purpose: Powertools resolves ``Depends`` on every
request with ``typing.get_type_hints`` on the route and each dependency, and string annotations make
that compile and evaluate each one again per request (about a quarter of a millisecond on a warm
call, docs/performance.md). Annotations evaluated once, at import, are read back as they are.
"""

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.request import Request

from blaze_cart.mapping import consumer_cart, consumer_cart_result, core_cart_id, edits_from, wire_number
from blaze_cart.wire import ConsumerCartIn, FindCostIn, PaymentsIn
from cart_core.actors import Actor, ActorKind, IdentityKey
from cart_core.errors import InvalidRequest, Unauthorized
from cart_core.http import JsonAnswer, json_answer
from cart_core.limits import ID_BYTES, utf8_size
from cart_core.money import to_decimal
from cart_core.responses import documentation, documented
from cart_core.runtime import use_cases
from cart_core.tenancy import Caller

router = Router()

# Response models are documentation only, imported when the OpenAPI document is generated (cart_core.responses).
out = documentation("blaze_cart.responses")
ConsumerCart, ConsumerCartPage = out.ConsumerCart, out.ConsumerCartPage
ConsumerCartResult, ProductCost = out.ConsumerCartResult, out.ProductCost

OptionalId = Annotated[str | None, Query(max_length=128)]
Cuid = Annotated[str | None, Query(max_length=128)]
OptionalCart = Annotated[ConsumerCartIn | None, Body()]


# The guest identity kinds BLAZE sends (sessionId, externalId, transactionId), in the order it
# prefers them; a consumer's cuid comes first, as the caller's actor.
GUEST_KINDS = ("session", "external", "transaction")


def _location(request: Request) -> dict[str, str]:
    context = request.resolved_event.raw_event.get("requestContext", {}).get("authorizer") or {}
    return {"tenant_id": context["tenantId"], "location_id": context["locationId"]}


def blaze_caller(request: Request) -> Caller:
    """The developer key's store, and who acts there: the consumer a ``cuid`` names (a query
    parameter or header), else the partner acting server-to-server.

    Endpoints the seed marks "requires consumer user authentication" (history, get by id, cancel)
    and setConsumerUser (our decision: only the consumer may claim a cart) need the consumer; every
    other endpoint accepts the partner, and a consumer reaches only its carts and guest carts."""
    # The route's own ``cuid`` parameter has been validated by now (length); this is its value.
    cuid = (request.query_parameters or {}).get("cuid") or request.headers.get("cuid") or None
    cuid = _bounded_id("cuid", cuid)
    return Caller(**_location(request), actor=Actor.consumer(cuid) if cuid else Actor.partner())


def partner_caller(request: Request) -> Caller:
    """Endpoints that name no consumer's records (a product's cost, a public link) act as the
    partner and ignore a ``cuid``."""
    return Caller(**_location(request), actor=Actor.partner())


def consumer_caller(caller: Annotated[Caller, Depends(blaze_caller)]) -> Caller:
    if caller.actor.kind is not ActorKind.CONSUMER:
        raise Unauthorized("This endpoint requires consumer user authentication (cuid)")
    return caller


BlazeCaller = Annotated[Caller, Depends(blaze_caller)]
ConsumerCaller = Annotated[Caller, Depends(consumer_caller)]
PartnerCaller = Annotated[Caller, Depends(partner_caller)]


def _guest_keys(*values: str | None) -> list[IdentityKey]:
    """The guest keys a request sent, in GUEST_KINDS order."""
    return [IdentityKey(kind, value) for kind, value in zip(GUEST_KINDS, values, strict=True) if value]


def _bounded_id(name: str, value: str | None) -> str | None:
    if value is not None and utf8_size(value) > ID_BYTES:
        raise InvalidRequest(f"{name} is longer than {ID_BYTES} bytes")
    return value


@router.get("/history", responses=documented(ConsumerCartPage))
def history(
    caller: ConsumerCaller,
    cuid: Cuid = None,
    start: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=0, le=100)] = 100,
) -> JsonAnswer:
    carts, total = use_cases().carts.consumer_history(caller, start, limit)
    return json_answer({"values": [consumer_cart(c) for c in carts], "skip": start, "limit": limit, "total": total})


def _identified(caller: Caller, keys: list[IdentityKey]) -> list[IdentityKey]:
    if caller.actor.owner_key is None and not keys:
        raise InvalidRequest("Identify the cart: cuid, sessionId, externalId or transactionId is required")
    return keys


@router.get("/active", responses=documented(ConsumerCart))
def active(
    caller: BlazeCaller,
    cuid: Cuid = None,
    sessionId: OptionalId = None,
    externalId: OptionalId = None,
    transactionId: OptionalId = None,
) -> JsonAnswer:
    keys = _identified(caller, _guest_keys(sessionId, externalId, transactionId))
    return json_answer(consumer_cart(use_cases().carts.active_cart(caller, keys)))


@router.post("/prepare", responses=documented(ConsumerCart))
def prepare(caller: BlazeCaller, body: OptionalCart = None, cuid: Cuid = None) -> JsonAnswer:
    keys = _guest_keys(body.sessionId, body.externalId, body.transactionId) if body else []
    edits = edits_from(body)
    return json_answer(consumer_cart(use_cases().carts.prepare(caller, _identified(caller, keys), edits)))


@router.post("/product/findCost", responses=documented(ProductCost))
def find_cost(caller: PartnerCaller, body: FindCostIn, cuid: Cuid = None) -> JsonAnswer:
    cost_minor, currency = use_cases().catalog.product_cost(caller, body.productId, int(body.quantity))
    return json_answer(
        {
            "productId": body.productId,
            "quantity": wire_number(body.quantity),
            "cost": wire_number(to_decimal(cost_minor, currency)),
        }
    )


@router.get("/public/<publicKey>", responses=documented(ConsumerCartResult))
def by_public_key(caller: PartnerCaller, publicKey: str) -> JsonAnswer:
    return json_answer(consumer_cart_result(use_cases().carts.cart_by_public_key(caller, publicKey)))


@router.post("/updateCart/<consumerCartId>", responses=documented(ConsumerCart))
def update_cart(caller: BlazeCaller, consumerCartId: str, body: OptionalCart = None, cuid: Cuid = None) -> JsonAnswer:
    return json_answer(consumer_cart(use_cases().carts.update(caller, core_cart_id(consumerCartId), edits_from(body))))


@router.post("/submitCart/<consumerCartId>", responses=documented(ConsumerCart))
def submit_cart(caller: BlazeCaller, consumerCartId: str, body: OptionalCart = None, cuid: Cuid = None) -> JsonAnswer:
    return json_answer(
        consumer_cart(use_cases().checkout.submit(caller, core_cart_id(consumerCartId), edits_from(body)))
    )


@router.delete("/cancelCart/<consumerCartId>", responses=documented(ConsumerCart))
def cancel_cart(caller: ConsumerCaller, consumerCartId: str, cuid: Cuid = None) -> JsonAnswer:
    return json_answer(consumer_cart(use_cases().checkout.cancel_by_consumer(caller, core_cart_id(consumerCartId))))


def _finalize(caller: Caller, line_id: str | None, finalized: bool, body: ConsumerCartIn | None) -> JsonAnswer:
    cases = use_cases()
    cart_id = cases.identity.resolve_cart_id(caller, core_cart_id(body.id) if body and body.id else None)
    return json_answer(consumer_cart(cases.carts.set_finalized(caller, cart_id, line_id, finalized)))


@router.post("/item/<orderItemId>/finalize", responses=documented(ConsumerCart))
def finalize_item(caller: BlazeCaller, orderItemId: str, body: OptionalCart = None, cuid: Cuid = None) -> JsonAnswer:
    return _finalize(caller, orderItemId, True, body)


@router.post("/item/<orderItemId>/unfinalize", responses=documented(ConsumerCart))
def unfinalize_item(caller: BlazeCaller, orderItemId: str, body: OptionalCart = None, cuid: Cuid = None) -> JsonAnswer:
    return _finalize(caller, orderItemId, False, body)


@router.post("/items/finalize", responses=documented(ConsumerCart))
def finalize_all_items(caller: BlazeCaller, body: OptionalCart = None, cuid: Cuid = None) -> JsonAnswer:
    return _finalize(caller, None, True, body)


@router.get("/<consumerCartId>", responses=documented(ConsumerCart))
def get_cart(caller: ConsumerCaller, consumerCartId: str, cuid: Cuid = None) -> JsonAnswer:
    return json_answer(consumer_cart(use_cases().carts.get_cart(caller, core_cart_id(consumerCartId))))


@router.post("/<consumerCartId>/setConsumerUser/<consumerUserId>", responses=documented(ConsumerCart))
def set_consumer_user(caller: BlazeCaller, consumerCartId: str, consumerUserId: str, cuid: Cuid = None) -> JsonAnswer:
    consumer_id = _bounded_id("consumerUserId", consumerUserId)
    assert consumer_id is not None
    if caller.actor.kind is not ActorKind.CONSUMER:
        raise Unauthorized("Only the consumer can claim a cart: send their cuid")
    return json_answer(
        consumer_cart(use_cases().identity.assign_consumer(caller, core_cart_id(consumerCartId), consumer_id))
    )


@router.post("/<consumerCartId>/payments", responses=documented(ConsumerCart))
def add_payments(caller: BlazeCaller, consumerCartId: str, body: PaymentsIn, cuid: Cuid = None) -> JsonAnswer:
    priced = use_cases().checkout.record_payment(
        caller,
        core_cart_id(consumerCartId),
        method=body.paymentOption or "Cash",
        amount=body.paymentReceived,
        order_tags=body.orderTags or (),
        card_token=body.chargeId,
    )
    return json_answer(consumer_cart(priced))
