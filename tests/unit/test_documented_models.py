"""Response models are documentation (cart_core.responses): a route names them through
``documentation(...)``, a Lambda never imports them, and the OpenAPI document generated after
``document_models`` is the one the models given directly produce."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.api_gateway import Router

from blaze_cart import responses
from cart_core.responses import NamedModel, document_models, documentation, documented


def _app(cart: Any, costs: Any) -> APIGatewayRestResolver:
    router = Router()

    @router.get("/cart", responses=documented(cart))
    def cart_route() -> dict[str, Any]:
        return {}

    @router.get("/costs", responses=documented(costs, description="Costs"))
    def costs_route() -> dict[str, Any]:
        return {}

    app = APIGatewayRestResolver(enable_validation=True)
    app.include_router(router)
    return app


def _document(app: APIGatewayRestResolver) -> dict[str, Any]:
    return json.loads(app.get_openapi_json_schema(title="probe", version="1"))


def test_a_named_model_is_a_name_until_the_document_is_made() -> None:
    # Given a face's response models named, not imported
    out = documentation("blaze_cart.responses")
    # Then each attribute only names a model, and documented() keeps the name out of Powertools' sight
    assert isinstance(out.ConsumerCart, NamedModel) and out.ConsumerCart.load() is responses.ConsumerCart
    content = documented(list[out.ProductCost])[200]["content"]["application/json"]
    assert "model" not in content


def test_the_document_with_named_models_is_the_one_with_the_models_themselves() -> None:
    # Given one app declaring its models directly and one naming them (also inside list[...])
    direct = _app(responses.ConsumerCart, list[responses.ProductCost])
    out = documentation("blaze_cart.responses")
    named = _app(out.ConsumerCart, list[out.ProductCost])
    # And a request served before the document is made (its route's dependant is built without them)
    named.resolve({"httpMethod": "GET", "path": "/cart", "headers": {}, "requestContext": {}}, None)
    # When the named models are put on the routes (twice: it is idempotent)
    document_models(named)
    document_models(named)
    # Then the documents are the same, schemas included
    expected = _document(direct)
    assert _document(named) == expected
    assert {"ConsumerCart", "ProductCost"} <= set(expected["components"]["schemas"])
