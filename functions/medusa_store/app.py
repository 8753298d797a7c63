"""Medusa v1 storefront face: /store/* (the routes a medusa-js 6.x storefront calls).

Assembled by the face kit (cart_core.http) from Medusa's registry entry (medusa_store/face.py), with
Medusa's own error handling on top (medusa_store/errors.py: types, codes and class-validator
messages). The routes are public: the store is the API stage's (or the publishable key's), the
customer comes from the session cookie or a Bearer JWT (medusa_store/session.py). docs/medusa.md.
"""

from __future__ import annotations

from typing import Any

from cart_core.coldstart import init_phase

# Imports and clients without the garbage collector, then frozen (cart_core.coldstart)
with init_phase():
    from aws_lambda_powertools.event_handler import CORSConfig
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from cart_core.http import face_app, serve
    from cart_core.observability import Observability
    from cart_core.runtime import settings, use_cases
    from medusa_store.errors import install_medusa_errors
    from medusa_store.face import FACE
    from medusa_store.routes import auth, carts, catalog, customers, orders

    observed = Observability()
    logger = observed.logger

    # Medusa's store_cors: browsers on these origins may call with credentials (the session cookie).
    ORIGINS = [origin.strip() for origin in (settings().store_cors or "").split(",") if origin.strip()]
    CORS = (
        CORSConfig(
            allow_origin=ORIGINS[0],
            extra_origins=ORIGINS[1:],
            allow_headers=["Authorization", "x-publishable-api-key", "Idempotency-Key"],
            expose_headers=["Idempotency-Key"],
            allow_credentials=True,
        )
        if ORIGINS
        else None
    )
    app = face_app(FACE, carts.router, orders.router, auth.router, customers.router, catalog.router, cors=CORS)
    install_medusa_errors(app)
    use_cases()  # build clients during init, where Lambda gives full CPU for free


@observed.handler(correlation_id_path=FACE.correlation.id_path)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return serve(app, event, context)
