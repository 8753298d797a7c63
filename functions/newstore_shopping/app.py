"""NewStore Shopping API face: /shopping/token (OAuth2 client credentials) and /shopping/carts.

Assembled by the face kit (cart_core.http) from NewStore's registry entry (newstore_shopping/face.py):
errors leave as NewStore's ``{error_code, message, request_id}`` body. The routes are grouped in
routers (routes/), each its own module. docs/newstore.md.
"""

from __future__ import annotations

from typing import Any

from cart_core.coldstart import init_phase

# Imports and clients without the garbage collector, then frozen (cart_core.coldstart)
with init_phase():
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from cart_core.http import face_app, serve
    from cart_core.observability import Observability
    from cart_core.runtime import use_cases
    from newstore_shopping.errors import install_newstore_errors
    from newstore_shopping.face import FACE, REQUEST_ID
    from newstore_shopping.routes import auth, carts, documents, shipping, tokens

    observed = Observability()
    logger = observed.logger
    app = face_app(FACE, carts.router, auth.router, shipping.router, tokens.router, documents.router)
    install_newstore_errors(app)
    use_cases()  # build clients during init, where Lambda gives full CPU for free


@observed.handler(correlation_id_path=FACE.correlation.id_path)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request_id = (event.get("requestContext") or {}).get("requestId")
    token = REQUEST_ID.set(str(request_id) if request_id else None)
    try:
        return serve(app, event, context)
    finally:
        REQUEST_ID.reset(token)
