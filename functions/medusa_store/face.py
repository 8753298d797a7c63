"""Medusa v1 storefront's entry in the face registry (cart_core.faces): light, so any tool can read it.

Errors leave as Medusa's ``{type, message}`` (``code`` only where Medusa sets one): the status picks
the type here (400 ``invalid_data``, 404 ``not_found``…); errors that need another type or a code
(``not_allowed``, ``duplicate_error``, ``insufficient_inventory``) are raised as
``medusa_store.errors.MedusaError`` and rendered by the face's own handler (docs/medusa.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from cart_core.faces import ContentPolicy, Correlation, Face

# Medusa's error types by the status this face answers with them (medusa-v1.md §0.1). 413 and 415
# are refusals Medusa does not make (Express answers them before Medusa): invalid_data here.
_TYPE_OF_STATUS = {
    400: "invalid_data",
    401: "unauthorized",
    403: "not_allowed",
    404: "not_found",
    409: "conflict",
    422: "invalid_data",
    429: "not_allowed",
}


def medusa_error(status: HTTPStatus, message: str) -> dict[str, Any]:
    """Medusa's error body for ``status`` (no ``code``: Medusa leaves the key out unless it sets one)."""
    if status == HTTPStatus.SERVICE_UNAVAILABLE:
        # A storage outage is Medusa's database_error (500 there); 503 here, so clients retry.
        return {"code": "api_error", "type": "database_error", "message": message}
    return {"type": _TYPE_OF_STATUS.get(int(status), "invalid_data"), "message": message}


def issue_publishable_key(store: Any, tenant_id: str, location_id: str, headers: Mapping[str, str]) -> None:
    """The publishable API key ``headers`` carries: it names the tenant's store (a location, Medusa's
    sales channel). Optional on every request: without one the API stage's store answers."""
    from cart_core import admin  # only when called: face.py stays light

    admin.create_medusa_publishable_key(store, tenant_id, location_id, headers["x-publishable-api-key"])


FACE = Face(
    name="medusa",
    function="MedusaStoreFunction",
    package="medusa_store",
    base_path="/store",
    error_body=medusa_error,
    demo_headers={"x-publishable-api-key": "pk_demo_store"},
    acme_headers={"x-publishable-api-key": "pk_acme_store"},
    issue_credentials=issue_publishable_key,
    # No authorizer: Medusa's /store routes are public; the store is the stage's (or the publishable
    # key's) and the customer the session's or the JWT's, both read by the face (medusa_store/store.py).
    public=True,
    devkit_module="medusa_store.devkit",
    correlation=Correlation(),  # API Gateway's request id and its x-amzn-RequestId header
    # Medusa's bodyParser.json answers every bad body with 400 (invalid_data here), never 415.
    content=ContentPolicy(unsupported_status=HTTPStatus.BAD_REQUEST),
)
