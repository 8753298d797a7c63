"""LOKE POS face: cart validation (/organizations/{org}/locations/{loc}/cart/…) and webhooks.

Assembled by the face kit (cart_core.http) from LOKE's registry entry (loke_cart/face.py): errors
leave as LOKE's ``{"message": …}`` body.
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
    from loke_cart.face import FACE
    from loke_cart.routes import router

    observed = Observability()
    logger = observed.logger
    app = face_app(FACE, router)
    use_cases()  # build clients during init, where Lambda gives full CPU for free


@observed.handler(correlation_id_path=FACE.correlation.id_path)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return serve(app, event, context)
