"""NewStore Shopping API's entry in the face registry (cart_core.faces): light, so any tool can read it.

Errors leave as NewStore's ``{"error_code", "message", "request_id"}``: the status picks the code,
the request id is API Gateway's (``$context.requestId``; the gateway's own answers carry the same,
template.yaml GatewayResponses). NewStore answers 400 to any bad request, so an unsupported media
type is 400 too. Auth is OAuth2 client credentials (docs/newstore.md): the harness's demo and acme
headers mint a fresh access token each time they are read (``MintedBearer``), since tokens expire.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from http import HTTPStatus
from typing import Any

from cart_core.faces import ContentPolicy, Correlation, Face

# Status → NewStore's error_code (the seed prints bad_request; the others follow its snake_case).
ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    429: "too_many_requests",
    503: "service_unavailable",
}

# The request being answered: its API Gateway request id goes into every error body. Set by app.py's
# handler for each invocation (a ContextVar, so the local cloud's threads never share one).
REQUEST_ID: ContextVar[str | None] = ContextVar("newstore_request_id", default=None)

# The template's secret that signs access tokens (its dev value signs the harness's tokens locally).
TOKEN_KEY_SECRET = "ClientTokenSecret"  # noqa: S105  # a logical id, not a secret
TOKEN_PATH = "/shopping/token"  # noqa: S105  # a path, not a secret


def newstore_error(status: HTTPStatus, message: str) -> dict[str, Any]:
    code = ERROR_CODES.get(int(status), "bad_request" if 400 <= int(status) < 500 else "internal_error")
    return {"error_code": code, "message": message, "request_id": REQUEST_ID.get() or ""}


class MintedBearer(Mapping[str, str]):
    """``{"Authorization": "Bearer <token>"}`` for a demo API client, the token minted anew with the
    local cloud's development key whenever the header is read: the harness (fuzz, isolation, samples)
    keeps these headers for longer than a token lives. Dev only: it imports ``local`` when read."""

    def __init__(self, client_id: str, client_secret: str, tenant_id: str, location_id: str) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.tenant_id, self.location_id = tenant_id, location_id

    def token(self) -> str:
        from cart_core import client_tokens
        from local.resources import dev_secret

        claims = client_tokens.ClientClaims(self.client_id, self.tenant_id, self.location_id)
        return client_tokens.issue(claims, dev_secret(TOKEN_KEY_SECRET), int(time.time()))

    def __getitem__(self, name: str) -> str:
        if name != "Authorization":
            raise KeyError(name)
        return f"Bearer {self.token()}"

    def __iter__(self) -> Iterator[str]:
        return iter(("Authorization",))

    def __len__(self) -> int:
        return 1

    def __repr__(self) -> str:  # never a token in a log or an assertion message
        return f"MintedBearer({self.client_id!r})"


DEMO_CLIENT = MintedBearer("demo-newstore-client", "demo-newstore-secret", "demo", "main")
ACME_CLIENT = MintedBearer("acme-newstore-client", "acme-newstore-secret", "acme", "main")


def issue_client(store: Any, tenant_id: str, location_id: str, headers: Mapping[str, str]) -> None:
    """The API client whose tokens ``headers`` carry (its id and secret are published dev values)."""
    from cart_core import admin  # only when called: face.py stays light

    assert isinstance(headers, MintedBearer), "NewStore's demo headers are minted from an API client"
    admin.create_api_client(store, tenant_id, location_id, headers.client_id, headers.client_secret)


FACE = Face(
    name="newstore",
    function="NewstoreShoppingFunction",
    package="newstore_shopping",
    base_path="",
    error_body=newstore_error,
    demo_headers=DEMO_CLIENT,
    acme_headers=ACME_CLIENT,
    issue_credentials=issue_client,
    devkit_module="newstore_shopping.devkit",
    correlation=Correlation(),  # API Gateway's request id and its x-amzn-RequestId header
    # Money is decimal units (13.78): read exactly. Every bad body is 400, as NewStore answers. The
    # token endpoint also reads OAuth2's form bodies (RFC 6749 §4.4.2).
    content=ContentPolicy(unsupported_status=HTTPStatus.BAD_REQUEST, exact_decimals=True, form_resources=(TOKEN_PATH,)),
)
