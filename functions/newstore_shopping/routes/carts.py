"""NewStore carts: create (draft), read, update. The caller (``Depends``) is an associate's app: the
API client of the access token, at its store (cart_core.actors ``associate``: every cart of that
store). A cart of another store or tenant is missing (404), never forbidden."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.request import Request

from cart_core.actors import Actor, ActorKind
from cart_core.cart import PricingPolicyName
from cart_core.errors import Unauthorized
from cart_core.responses import documentation, documented
from cart_core.runtime import use_cases
from cart_core.tenancy import Caller
from cart_core.usecases.carts import CartEdits
from cart_core.usecases.shared import PricedCart
from newstore_shopping import checkout, returns
from newstore_shopping.cart_ref import cart_key
from newstore_shopping.mapping import edits_from, newstore_cart
from newstore_shopping.wire import CartIn

router = Router()
# Response models are documentation only, imported when the OpenAPI document is generated (cart_core.responses).
out = documentation("newstore_shopping.responses")
CARTS = "/shopping/carts"
POLICY: PricingPolicyName = "newstore"  # NewStore's per-item rounding and manual adjustments (totals.py)


def associate(request: Request) -> Caller:
    """The API client the authorizer verified (its context: tenant, store, client id)."""
    context = request.resolved_event.raw_event.get("requestContext", {}).get("authorizer") or {}
    tenant_id, location_id = context.get("tenantId"), context.get("locationId")
    if context.get("scheme") != "newstore" or not tenant_id or not location_id:
        # Only an API without the newstore authorizer gets here: refuse rather than guess a store.
        raise Unauthorized("Missing or invalid access token")
    return Caller(
        tenant_id=tenant_id,
        location_id=location_id,
        actor=Actor(kind=ActorKind.ASSOCIATE, id=context.get("clientId") or None),
    )


Associate = Annotated[Caller, Depends(associate)]


@router.post(CARTS, responses=documented(out.Cart))
def create_cart(caller: Associate, body: Annotated[CartIn | None, Body()] = None) -> dict[str, Any]:
    checkout.refuse_state_at_create(body.state if body else None)
    created = use_cases().carts.create(caller, edits_from(body, caller, creating=True), pricing_policy=POLICY)
    return newstore_cart(returns.created(use_cases(), caller, created, body))


@router.get(f"{CARTS}/<id>", responses=documented(out.Cart))
def get_cart(caller: Associate, id: str) -> dict[str, Any]:
    return newstore_cart(use_cases().carts.get_cart(caller, cart_key(caller, id)))


@router.patch(f"{CARTS}/<id>", responses=documented(out.Cart))
def update_cart(caller: Associate, id: str, body: Annotated[CartIn | None, Body()] = None) -> dict[str, Any]:
    cart_id = cart_key(caller, id)
    cases, state = use_cases(), body.state if body else None
    if returns.involved(body):  # returns set, or a placing (a cart that refunds is placed there)

        def sale(caller: Caller, cart_id: str, edits: CartEdits) -> PricedCart:
            # What is not the returns' to do (a sale's edits, its placing) is the checkout's one call.
            return checkout.update(cases, caller, cart_id, edits, state)

        return newstore_cart(returns.update(cases, caller, cart_id, body, edits_from, sale))
    edits = edits_from(body, caller)
    # checkout.py: the one core call for the state asked (an empty body answers the cart as it is).
    return newstore_cart(checkout.update(cases, caller, cart_id, edits, state))
