"""BLAZE partner consumer cart face: /api/v1/partner/store/cart/*.

Errors leave as BLAZE's ``{"error", "message", "status"}`` body.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from blaze_cart.face import FACE, blaze_error
from blaze_cart.routes import router
from cart_core.http import guard_request, install_error_handlers, json_loads
from cart_core.runtime import use_cases

BASE_PATH = FACE.base_path
MAX_BODY_BYTES = 64 * 1024  # the largest valid cart (100 lines with notes) is well under it
logger = Logger()
# Exact decimals in: 0.1 stays 0.1 on its way to integer minor units.
read_json = json_loads(parse_float=Decimal)

app = APIGatewayRestResolver(
    enable_validation=True,
    strip_prefixes=[BASE_PATH],
    json_body_deserializer=read_json,
)
app.include_router(router)
use_cases()  # build clients during init, where Lambda gives full CPU for free


install_error_handlers(app, blaze_error)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return guard_request(event, blaze_error, MAX_BODY_BYTES, read_json) or app.resolve(event, context)
