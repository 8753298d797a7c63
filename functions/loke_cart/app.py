"""LOKE POS face: cart validation (/organizations/{org}/locations/{loc}/cart/…) and webhooks.

Errors leave as LOKE's ``{"message": …}`` body.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from cart_core.http import guard_request, install_error_handlers, json_loads
from cart_core.runtime import use_cases
from loke_cart.face import loke_error
from loke_cart.routes import router

MAX_BODY_BYTES = 64 * 1024
logger = Logger()
read_json = json_loads()
app = APIGatewayRestResolver(enable_validation=True, json_body_deserializer=read_json)
app.include_router(router)
use_cases()  # build clients during init, where Lambda gives full CPU for free


install_error_handlers(app, loke_error)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return guard_request(event, loke_error, MAX_BODY_BYTES, read_json) or app.resolve(event, context)
