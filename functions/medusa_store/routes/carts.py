"""/store/carts*: the cart routes a medusa-js storefront calls (medusa-v1.md §3.2), except
shipping methods (routes/catalog.py).

Each route: the caller (``Depends``: the stage's or the publishable key's store, the signed-in
customer or a guest), Medusa's query check (``FindParams``), one core use case, ``{cart}`` out."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.request import Request

from cart_core.responses import documented
from cart_core.runtime import use_cases
from cart_core.tenancy import Caller
from medusa_store import responses as out
from medusa_store.mapping import core_cart_id, medusa_cart
from medusa_store.store import medusa_caller, only_query

router = Router()


def cart_caller(request: Request) -> Caller:
    only_query(request)
    return medusa_caller(request)


MedusaCaller = Annotated[Caller, Depends(cart_caller)]


@router.get("/carts/<id>", responses=documented(out.CartResponse))
def get_cart(caller: MedusaCaller, id: str) -> dict[str, Any]:
    return {"cart": medusa_cart(use_cases().carts.get_cart(caller, core_cart_id(id)))}
