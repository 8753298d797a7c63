"""BLAZE's entry in the face registry (cart_core.faces): light, so any tool can read it."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from cart_core.faces import ContentPolicy, Correlation, Face


def blaze_error(status: HTTPStatus, message: str) -> dict[str, Any]:
    return {"error": status.phrase, "message": message, "status": status.value}


def issue_keys(store: Any, tenant_id: str, location_id: str, headers: Mapping[str, str]) -> None:
    """The partner + developer key pair ``headers`` carries, for one store (the fixture's)."""
    from cart_core import admin  # only when called: face.py stays light

    admin.create_blaze_keys(store, tenant_id, location_id, headers["x-api-key"], headers["Authorization"])


FACE = Face(
    name="blaze",
    function="BlazeCartFunction",
    package="blaze_cart",
    base_path="/api/v1/partner/store/cart",
    error_body=blaze_error,
    demo_headers={"x-api-key": "demo-partner-key", "Authorization": "demo-developer-key"},
    acme_headers={"x-api-key": "acme-partner-key", "Authorization": "acme-developer-key"},
    issue_credentials=issue_keys,
    # API Gateway's request id, logged as correlation_id and returned by the gateway as x-amzn-RequestId.
    devkit_module="blaze_cart.devkit",
    correlation=Correlation(),
    # JSON only (application/json or application/*+json, UTF-8), else 415 in BLAZE's body; amounts
    # arrive as decimal currency units, read exactly (0.1 stays 0.1 on its way to minor units).
    content=ContentPolicy(exact_decimals=True),
)
