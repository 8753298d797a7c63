"""LOKE cart validation API and webhook subscriptions, per organization (= tenant)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from cart_core.errors import NotFound
from cart_core.runtime import subscription_service, use_cases
from cart_core.tenancy import ID_PATTERN, Caller
from cart_core.webhooks import WebhookSubscription
from loke_cart.mapping import adjustments_from, core_cart_id, loke_cart
from loke_cart.wire import CartValidationPayload, WebhookSubscriptionIn

router = Router()
CART = "/organizations/<organizationId>/locations/<locationId>/cart/<cartId>"
WEBHOOKS = "/organizations/<organizationId>/webhooks"


def _organization(organization_id: str) -> str:
    """The token's organization; a token never reaches another organization's records."""
    context = router.current_event.raw_event.get("requestContext", {}).get("authorizer") or {}
    if context.get("tenantId") != organization_id:
        raise NotFound(f"Organization {organization_id} not found")
    return organization_id


def _caller(organization_id: str, location_id: str) -> Caller:
    tenant_id = _organization(organization_id)
    if not re.fullmatch(ID_PATTERN, location_id):
        raise NotFound(f"Location {location_id} not found")
    return Caller(tenant_id=tenant_id, location_id=location_id)


def _no_content() -> Response[None]:
    return Response(status_code=204, body=None)


@router.get(CART)
def get_cart(organizationId: str, locationId: str, cartId: str) -> dict[str, Any]:
    priced = use_cases().carts.get_cart(_caller(organizationId, locationId), core_cart_id(cartId))
    if priced.cart.submitted_ms is None:  # still being edited by the consumer: not the POS's yet
        raise NotFound(f"Cart {cartId} not found")
    return loke_cart(priced)


@router.put(f"{CART}/valid", status_code=204)
def accept_cart(
    organizationId: str, locationId: str, cartId: str, body: Annotated[CartValidationPayload | None, Body()] = None
) -> Response[None]:
    adjustments = adjustments_from(body.adjustments if body else [])
    use_cases().pos_validation.pos_validate(_caller(organizationId, locationId), core_cart_id(cartId), adjustments)
    return _no_content()


@router.put(f"{CART}/invalid", status_code=204)
def reject_cart(organizationId: str, locationId: str, cartId: str) -> Response[None]:
    use_cases().pos_validation.pos_reject(_caller(organizationId, locationId), core_cart_id(cartId))
    return _no_content()


def _public(subscription: WebhookSubscription) -> dict[str, Any]:
    return {"ref": subscription.ref, "url": subscription.url, "events": subscription.events}


@router.put(f"{WEBHOOKS}/<webhookRef>")
def put_webhook(organizationId: str, webhookRef: str, body: WebhookSubscriptionIn) -> dict[str, Any]:
    subscription = subscription_service().subscribe(
        _organization(organizationId), webhookRef, body.url, body.secret, body.events
    )
    return _public(subscription)


@router.get(WEBHOOKS)
def list_webhooks(organizationId: str) -> list[dict[str, Any]]:
    return [_public(s) for s in subscription_service().list(_organization(organizationId))]


@router.delete(f"{WEBHOOKS}/<webhookRef>", status_code=204)
def delete_webhook(organizationId: str, webhookRef: str) -> Response[None]:
    subscription_service().unsubscribe(_organization(organizationId), webhookRef)
    return _no_content()
