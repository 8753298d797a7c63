"""What every API face does with errors, so each face only says what its vendor's error body is.

A face calls ``install_error_handlers(app, body)`` with ``body(status, message) -> dict``; domain
errors, request validation errors and unknown routes then all leave in that vendor's shape.
"""

from __future__ import annotations

import binascii
import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from cart_core.errors import Conflict, DomainError, InvalidRequest, NotFound, Unauthorized

ErrorBody = Callable[[HTTPStatus, str], dict[str, Any]]

_STATUS_OF_ERROR = (
    (NotFound, HTTPStatus.NOT_FOUND),
    (Conflict, HTTPStatus.CONFLICT),
    (Unauthorized, HTTPStatus.UNAUTHORIZED),
    (InvalidRequest, HTTPStatus.BAD_REQUEST),
)


def status_of(error: DomainError) -> HTTPStatus:
    return next((status for kind, status in _STATUS_OF_ERROR if isinstance(error, kind)), HTTPStatus.BAD_REQUEST)


def describe(errors: list[dict[str, Any]]) -> str:
    """A client-readable summary of pydantic's errors: ``cart.items.0.quantity: …``."""
    if any(e.get("type") == "json_invalid" for e in errors):
        return "Malformed JSON body"
    parts = []
    for error in errors[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {error.get('msg') or error.get('type')}")
    return "Invalid request: " + "; ".join(parts)


def refuse_non_json(event: dict[str, Any], body: ErrorBody) -> dict[str, Any] | None:
    """415 for a body sent as anything but JSON. The faces speak JSON only, and Powertools would
    otherwise try to parse forms and multipart (and fail with a 500 on a malformed one)."""
    if not event.get("body"):
        return None
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    content_type = (headers.get("content-type") or "application/json").split(";")[0].strip().lower()
    if content_type == "application/json" or content_type.endswith("+json"):
        return None
    status = HTTPStatus.UNSUPPORTED_MEDIA_TYPE
    return {
        "statusCode": status.value,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body(status, f"Send the body as application/json, not {content_type}")),
        "isBase64Encoded": False,
    }


# Every status a face answers in its own error body: domain and validation errors, 415, and the
# gateway's 401/403 (template.yaml's GatewayResponses render the same body per face). Documented in
# each face's OpenAPI (local/openapi.py), so schemathesis checks the error bodies too.
ERROR_STATUSES = (400, 401, 403, 404, 409, 415)


def install_error_handlers(app: ApiGatewayResolver, body: ErrorBody) -> None:
    app.error_body = body  # type: ignore[attr-defined]  # read by local/openapi.py to document errors

    def respond(status: HTTPStatus, message: str) -> Response:
        return Response(
            status_code=status.value, content_type=content_types.APPLICATION_JSON, body=body(status, message)
        )

    @app.exception_handler(RequestValidationError)
    def on_validation_error(error: RequestValidationError) -> Response:
        return respond(HTTPStatus.BAD_REQUEST, describe(list(error.errors())))

    @app.exception_handler(DomainError)
    def on_domain_error(error: DomainError) -> Response:
        return respond(status_of(error), error.message)

    @app.exception_handler(UnicodeDecodeError)
    def on_undecodable_body(error: UnicodeDecodeError) -> Response:
        return respond(HTTPStatus.BAD_REQUEST, "The body is not UTF-8 JSON")

    @app.exception_handler(binascii.Error)
    def on_bad_base64(error: binascii.Error) -> Response:
        return respond(HTTPStatus.BAD_REQUEST, "The body is not valid base64")

    @app.not_found
    def on_unknown_route(error: Exception) -> Response:
        return respond(HTTPStatus.NOT_FOUND, "No such endpoint")
