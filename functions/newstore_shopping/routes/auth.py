"""``POST /shopping/token``: OAuth2 client credentials (RFC 6749 §4.4), public (no authorizer).

The client authenticates with HTTP Basic (§2.3.1, the id and secret form-urlencoded, then base64) or
with ``client_id`` / ``client_secret`` in the body (a form, or JSON), never both ways at once. The
answer is §5.1's ``{access_token, token_type: "Bearer", expires_in}`` with ``Cache-Control: no-store``;
a refusal is §5.2's ``{error, error_description}`` with NewStore's ``error_code`` / ``message`` /
``request_id`` beside them: ``invalid_request`` / ``unsupported_grant_type`` 400, ``invalid_client``
401 (with ``WWW-Authenticate: Basic`` when the client tried Basic, §5.2)."""

import base64
import binascii
import json
from typing import Annotated, Any
from urllib.parse import unquote

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.request import Request

from cart_core import client_tokens
from cart_core.responses import documentation, documented
from cart_core.runtime import client_token_key, clock, store
from newstore_shopping.face import REQUEST_ID, TOKEN_PATH, newstore_error
from newstore_shopping.wire import TokenRequest

router = Router()
out = documentation("newstore_shopping.responses")
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class _Refused(Exception):
    def __init__(self, status: int, error: str, description: str, basic: bool = False) -> None:
        super().__init__(description)
        self.status, self.error, self.description, self.basic = status, error, description, basic


def _answer(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response[str]:
    return Response(
        status_code=status,
        content_type="application/json",
        body=json.dumps(body),
        headers={**_NO_STORE, **(headers or {})},
    )


def _refusal(refused: _Refused) -> Response[str]:
    from http import HTTPStatus

    body = {
        "error": refused.error,
        "error_description": refused.description,
        **newstore_error(HTTPStatus(refused.status), refused.description),
    }
    body["request_id"] = REQUEST_ID.get() or ""
    headers = {"WWW-Authenticate": 'Basic realm="shopping"'} if refused.basic else None
    return _answer(refused.status, body, headers)


def _basic(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("Authorization") or request.headers.get("authorization")
    if not header:
        return None
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None  # another scheme (a Bearer token sent out of habit) authenticates no client here
    if not encoded.strip():
        raise _Refused(401, "invalid_client", "Malformed HTTP Basic credentials", basic=True)
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise _Refused(401, "invalid_client", "Malformed HTTP Basic credentials", basic=True) from None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise _Refused(401, "invalid_client", "Malformed HTTP Basic credentials", basic=True)
    # RFC 6749 §2.3.1: both are form-urlencoded before Basic encodes them.
    return unquote(client_id.replace("+", " ")), unquote(secret.replace("+", " "))


def _client(request: Request, body: TokenRequest) -> tuple[tuple[str, str], bool]:
    basic = _basic(request)
    in_body = body.client_id is not None or body.client_secret is not None
    if basic and in_body:
        raise _Refused(400, "invalid_request", "Authenticate the client one way: HTTP Basic or the body, not both")
    if basic:
        return basic, True
    if not body.client_id or body.client_secret is None:
        raise _Refused(
            401,
            "invalid_client",
            "Client authentication is required (HTTP Basic or client_id and client_secret)",
            basic=True,
        )
    return (body.client_id, body.client_secret), False


@router.post(TOKEN_PATH, responses=documented(out.AccessToken))
def issue_token(request: Request, body: Annotated[TokenRequest | None, Body()] = None) -> Response[str]:
    body = body or TokenRequest()
    try:
        if not body.grant_type:
            raise _Refused(400, "invalid_request", "grant_type is required")
        if body.grant_type != "client_credentials":
            raise _Refused(400, "unsupported_grant_type", "Only grant_type=client_credentials is supported")
        (client_id, secret), basic = _client(request, body)
        if (
            len(client_id.encode()) > client_tokens.MAX_CLIENT_ID_BYTES
            or len(secret.encode()) > client_tokens.MAX_CLIENT_SECRET_BYTES
        ):
            raise _Refused(401, "invalid_client", "Unknown client or wrong secret", basic=basic)
        record = store().get_credential(client_tokens.record_key(client_id))
        claims = client_tokens.authenticate(record, client_id, secret)
        if claims is None:
            raise _Refused(401, "invalid_client", "Unknown client or wrong secret", basic=basic)
    except _Refused as refused:
        return _refusal(refused)
    now = int(clock()())
    token = client_tokens.issue(claims, client_token_key(), now)
    return _answer(200, {"access_token": token, "token_type": "Bearer", "expires_in": client_tokens.TOKEN_TTL_SECONDS})
