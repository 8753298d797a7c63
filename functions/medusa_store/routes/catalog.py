"""/store/regions*, /store/products*, /store/shipping-options/{cart_id} and
POST /store/carts/{id}/shipping-methods.

Owner: medusa_catalog (fills this router)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

router = Router()
