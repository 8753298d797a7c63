"""NewStore's refinements of the face kit's error handling (cart_core.http.install_error_handlers).

Every error leaves in NewStore's body (face.py ``newstore_error``) through the kit's one handler per
kind; this module only moves statuses NewStore answers otherwise: a request naming a product that
does not exist is a bad request (400, as NewStore answers any bad request), not a missing resource:
404 is kept for the cart the path names.
"""

from __future__ import annotations

from http import HTTPStatus

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver

from cart_core.errors import ProductNotFound
from newstore_shopping.face import newstore_error


def install_newstore_errors(app: ApiGatewayResolver) -> None:
    import json

    @app.exception_handler(ProductNotFound)
    def on_unknown_product(error: ProductNotFound) -> Response[str]:
        status = HTTPStatus.BAD_REQUEST
        return Response(
            status_code=status.value,
            content_type=content_types.APPLICATION_JSON,
            body=json.dumps(newstore_error(status, str(error))),
        )
