"""LOKE's entry in the face registry (cart_core.faces): light, so any tool can read it."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from cart_core.faces import ContentPolicy, Correlation, Face


def loke_error(status: HTTPStatus, message: str) -> dict[str, Any]:
    return {"message": message}


def issue_token(store: Any, tenant_id: str, location_id: str, headers: Mapping[str, str]) -> None:
    """The POS bearer token ``headers`` carries, for the whole organization (a token is not per location)."""
    from cart_core import admin  # only when called: face.py stays light

    admin.create_loke_token(store, tenant_id, headers["Authorization"].removeprefix("Bearer "))


FACE = Face(
    name="loke",
    function="LokeCartFunction",
    package="loke_cart",
    base_path="",
    error_body=loke_error,
    demo_headers={"Authorization": "Bearer demo-pos-token"},
    acme_headers={"Authorization": "Bearer acme-pos-token"},
    issue_credentials=issue_token,
    demo_path_parameters={"organizationId": "demo", "locationId": "main"},
    webhooks_module="loke_cart.webhooks",
    devkit_module="loke_cart.devkit",
    correlation=Correlation(),  # as BLAZE: API Gateway's request id and its x-amzn-RequestId header
    content=ContentPolicy(),  # JSON only, else 415 in LOKE's body; amounts are integer minor units
)
