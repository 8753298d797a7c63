"""BLAZE partner consumer cart face: /api/v1/partner/store/cart/*.

Errors leave as BLAZE's ``{"error", "message", "status"}`` body.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import partial
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from blaze_cart.routes import router
from cart_core.http import install_error_handlers, refuse_non_json
from cart_core.runtime import cart_service

BASE_PATH = "/api/v1/partner/store/cart"
logger = Logger()

app = APIGatewayRestResolver(
    enable_validation=True,
    strip_prefixes=[BASE_PATH],
    # Exact decimals in: 0.1 stays 0.1 on its way to integer minor units.
    json_body_deserializer=partial(json.loads, parse_float=Decimal),
)
app.include_router(router)
cart_service()  # build clients during init, where Lambda gives full CPU for free


def blaze_error(status: HTTPStatus, message: str) -> dict[str, Any]:
    return {"error": status.phrase, "message": message, "status": status.value}


install_error_handlers(app, blaze_error)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return refuse_non_json(event, blaze_error) or app.resolve(event, context)
