"""BLAZE's entry in the face registry (cart_core.faces): light, so any tool can read it."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from cart_core.faces import Face


def blaze_error(status: HTTPStatus, message: str) -> dict[str, Any]:
    return {"error": status.phrase, "message": message, "status": status.value}


FACE = Face(
    name="blaze",
    function="BlazeCartFunction",
    package="blaze_cart",
    base_path="/api/v1/partner/store/cart",
    error_body=blaze_error,
    demo_headers={"x-api-key": "demo-partner-key", "Authorization": "demo-developer-key"},
    acme_headers={"x-api-key": "acme-partner-key", "Authorization": "acme-developer-key"},
)
