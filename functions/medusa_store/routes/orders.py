"""/store/orders/{id}: an order placed by completing a cart. Its id is ``order_`` + the cart's ULID
(one record: the order is the completed cart), so it is read as the cart is, by who reaches it."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.request import Request

from cart_core.errors import NotFound
from cart_core.responses import documentation, documented
from cart_core.runtime import use_cases
from cart_core.tenancy import Caller
from medusa_store import find_params
from medusa_store.mapping import core_order_id
from medusa_store.routes.carts import order_body
from medusa_store.store import medusa_caller, only_query

router = Router()
# Response models are documentation only, imported when the OpenAPI document is generated (cart_core.responses).
out = documentation("medusa_store.responses")


def order_caller(request: Request) -> Caller:
    only_query(request)
    return medusa_caller(request)


@router.get("/orders/<id>", responses=documented(out.OrderResponse))
def get_order(request: Request, caller: Annotated[Caller, Depends(order_caller)], id: str) -> dict[str, Any]:
    config = find_params.checked(request.query_parameters, find_params.ORDER)
    try:
        priced = use_cases().carts.get_cart(caller, core_order_id(id))
    except NotFound:
        raise NotFound(f"Order with {id[:64]} was not found") from None
    if priced.cart.submitted_ms is None:  # a cart not completed has placed no order
        raise NotFound(f"Order with {id[:64]} was not found")
    return {"order": find_params.narrow(order_body(priced), config, find_params.ORDER)}
