"""LOKE POS face: cart validation (/organizations/{org}/locations/{loc}/cart/…) and webhooks.

Errors leave as LOKE's ``{"message": …}`` body.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from cart_core.errors import Conflict, DomainError, InvalidRequest, NotFound, Unauthorized
from cart_core.runtime import cart_service
from loke_cart.routes import router

logger = Logger()
app = APIGatewayRestResolver(enable_validation=True)
app.include_router(router)
cart_service()

_STATUS_OF_ERROR = (
    (NotFound, HTTPStatus.NOT_FOUND),
    (Conflict, HTTPStatus.CONFLICT),
    (Unauthorized, HTTPStatus.UNAUTHORIZED),
    (InvalidRequest, HTTPStatus.BAD_REQUEST),
)


def loke_error(status: HTTPStatus, message: str) -> Response:
    return Response(status_code=status.value, content_type=content_types.APPLICATION_JSON, body={"message": message})


@app.exception_handler(RequestValidationError)
def on_validation_error(error: RequestValidationError) -> Response:
    if any(e.get("type") == "json_invalid" for e in error.errors()):
        return loke_error(HTTPStatus.BAD_REQUEST, "Malformed JSON body")
    first = error.errors()[0] if error.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    return loke_error(HTTPStatus.BAD_REQUEST, f"Invalid request: {where}: {first.get('msg', 'invalid')}")


@app.exception_handler(DomainError)
def on_domain_error(error: DomainError) -> Response:
    for kind, status in _STATUS_OF_ERROR:
        if isinstance(error, kind):
            return loke_error(status, error.message)
    return loke_error(HTTPStatus.BAD_REQUEST, error.message)


@app.not_found
def on_unknown_route(error: Exception) -> Response:
    return loke_error(HTTPStatus.NOT_FOUND, "Not found")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
