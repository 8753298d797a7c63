"""``POST /shopping/carts/{id}/token``: a cart token, the cart's id sealed for the caller's tenant
(cart_core.cart_tokens), for a party that may name the cart but must not learn its id. 200
``{"cart_token": "<base64url>"}``; a new token on every call (each opens the same cart); a cart the
caller does not reach is 404. ``{id}`` may itself be a token (cart_ref)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_lambda_powertools.event_handler.api_gateway import Router

from cart_core.responses import documentation, documented
from cart_core.runtime import use_cases
from newstore_shopping.cart_ref import cart_key, seal
from newstore_shopping.routes.carts import Associate

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

router = Router()
# Response models are documentation only, imported when the OpenAPI document is generated (cart_core.responses).
out = documentation("newstore_shopping.responses")
TOKEN_ANSWER: dict[int, OpenAPIResponse] = {
    **documented(out.CartToken, description="The cart token (base64url; a new one on every call)"),
    404: {"description": "No such cart (or a token that opens none)"},
}


@router.post("/shopping/carts/<id>/token", responses=TOKEN_ANSWER)
def create_cart_token(caller: Associate, id: str) -> dict[str, str]:
    key = cart_key(caller, id)
    use_cases().carts.get_cart(caller, key)  # only a cart the caller reaches gets a token
    return {"cart_token": seal(caller, key)}
