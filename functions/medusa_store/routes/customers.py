"""/store/customers*: register (and log in), the signed-in customer, their orders.

Owner: medusa_auth (fills this router)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

router = Router()
