"""LOKE cart validation API and webhook subscriptions, per organization (= tenant).

The caller (``Depends``) is the POS of the bearer token's organization: a path naming another
organization is 404 before anything else is read."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.request import Request

from cart_core.actors import Actor
from cart_core.errors import NotFound
from cart_core.responses import documentation, documented
from cart_core.runtime import subscription_service, use_cases
from cart_core.tenancy import ID_PATTERN, Caller
from loke_cart.mapping import adjustments_from, core_cart_id, loke_cart
from loke_cart.wire import CartValidationPayload, WebhookSubscriptionIn

if TYPE_CHECKING:  # the subscription model and its envelope load when a webhook route first runs
    from cart_core.webhooks import WebhookSubscription

router = Router()
# Response models are documentation only, imported when the OpenAPI document is generated (cart_core.responses).
out = documentation("loke_cart.responses")
CART = "/organizations/<organizationId>/locations/<locationId>/cart/<cartId>"
WEBHOOKS = "/organizations/<organizationId>/webhooks"


def _organization(request: Request) -> str:
    """The token's organization; a token never reaches another organization's records."""
    organization_id = request.path_parameters["organizationId"]
    context = request.resolved_event.raw_event.get("requestContext", {}).get("authorizer") or {}
    if context.get("tenantId") != organization_id:
        raise NotFound(f"Organization {organization_id} not found")
    return str(organization_id)


def pos_caller(request: Request, tenant_id: Annotated[str, Depends(_organization)]) -> Caller:
    """The POS of the token's organization, at the location the path names."""
    location_id = request.path_parameters["locationId"]
    if not re.fullmatch(ID_PATTERN, location_id):
        raise NotFound(f"Location {location_id} not found")
    return Caller(tenant_id=tenant_id, location_id=location_id, actor=Actor.pos())


Organization = Annotated[str, Depends(_organization)]
PosCaller = Annotated[Caller, Depends(pos_caller)]


def _no_content() -> Response[None]:
    return Response(status_code=204, body=None)


@router.get(CART, responses=documented(out.Cart))
def get_cart(caller: PosCaller, organizationId: str, locationId: str, cartId: str) -> dict[str, Any]:
    # The POS does not see a cart the consumer is still editing (cart_core.actors): 404.
    return loke_cart(use_cases().carts.get_cart(caller, core_cart_id(cartId)))


@router.put(f"{CART}/valid", status_code=204)
def accept_cart(
    caller: PosCaller,
    organizationId: str,
    locationId: str,
    cartId: str,
    body: Annotated[CartValidationPayload | None, Body()] = None,
) -> Response[None]:
    adjustments = adjustments_from(body.adjustments if body else [])
    use_cases().pos_validation.pos_validate(caller, core_cart_id(cartId), adjustments)
    return _no_content()


@router.put(f"{CART}/invalid", status_code=204)
def reject_cart(caller: PosCaller, organizationId: str, locationId: str, cartId: str) -> Response[None]:
    use_cases().pos_validation.pos_reject(caller, core_cart_id(cartId))
    return _no_content()


def _public(subscription: WebhookSubscription) -> dict[str, Any]:
    return {"ref": subscription.ref, "url": subscription.url, "events": subscription.events}


@router.put(f"{WEBHOOKS}/<webhookRef>", responses=documented(out.WebhookSubscription))
def put_webhook(
    tenant_id: Organization, organizationId: str, webhookRef: str, body: WebhookSubscriptionIn
) -> dict[str, Any]:
    subscription = subscription_service().subscribe(tenant_id, webhookRef, body.url, body.secret, body.events)
    return _public(subscription)


@router.get(WEBHOOKS, responses=documented(out.WebhookSubscriptions))
def list_webhooks(tenant_id: Organization, organizationId: str) -> list[dict[str, Any]]:
    return [_public(s) for s in subscription_service().list(tenant_id)]


@router.delete(f"{WEBHOOKS}/<webhookRef>", status_code=204)
def delete_webhook(tenant_id: Organization, organizationId: str, webhookRef: str) -> Response[None]:
    subscription_service().unsubscribe(tenant_id, webhookRef)
    return _no_content()
