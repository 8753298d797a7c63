"""BLAZE partner consumer cart face: /api/v1/partner/store/cart/*.

Errors leave as BLAZE's ``{"error", "message", "status"}`` body, from one handler per error kind.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import partial
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from blaze_cart.routes import router
from cart_core.errors import Conflict, DomainError, InvalidRequest, NotFound, Unauthorized
from cart_core.runtime import cart_service

BASE_PATH = "/api/v1/partner/store/cart"
logger = Logger()


app = APIGatewayRestResolver(
    enable_validation=True,
    strip_prefixes=[BASE_PATH],
    json_body_deserializer=partial(json.loads, parse_float=Decimal),
)
app.include_router(router)
cart_service()  # build clients during init, where Lambda gives full CPU for free


_STATUS_OF_ERROR = (
    (NotFound, HTTPStatus.NOT_FOUND),
    (Conflict, HTTPStatus.CONFLICT),
    (Unauthorized, HTTPStatus.UNAUTHORIZED),
    (InvalidRequest, HTTPStatus.BAD_REQUEST),
)


def blaze_error(status: HTTPStatus, message: str) -> Response:
    return Response(
        status_code=status.value,
        content_type=content_types.APPLICATION_JSON,
        body={"error": status.phrase, "message": message, "status": status.value},
    )


def _describe(errors: list[dict[str, Any]]) -> str:
    parts = []
    for error in errors[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body",)) or "body"
        parts.append(f"{where}: {error.get('msg') or error.get('type')}")
    return "; ".join(parts)


@app.exception_handler(RequestValidationError)
def on_validation_error(error: RequestValidationError) -> Response:
    if any(e.get("type") == "json_invalid" for e in error.errors()):
        return blaze_error(HTTPStatus.BAD_REQUEST, "Malformed JSON body")
    return blaze_error(HTTPStatus.BAD_REQUEST, f"Invalid request: {_describe(error.errors())}")


@app.exception_handler(json.JSONDecodeError)
def on_malformed_json(error: json.JSONDecodeError) -> Response:
    return blaze_error(HTTPStatus.BAD_REQUEST, "Malformed JSON body")


@app.exception_handler(DomainError)
def on_domain_error(error: DomainError) -> Response:
    for kind, status in _STATUS_OF_ERROR:
        if isinstance(error, kind):
            return blaze_error(status, error.message)
    return blaze_error(HTTPStatus.BAD_REQUEST, error.message)


@app.not_found
def on_unknown_route(error: Exception) -> Response:
    return blaze_error(HTTPStatus.NOT_FOUND, "No such endpoint")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
