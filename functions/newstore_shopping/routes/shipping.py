"""GET /shopping/carts/{id}/shipping_solutions: the ways the cart may ship, with shipping discounts
applied and no tax (the tax is computed once a solution is chosen: PATCH ``shipping_solution_id``).

The solutions are the shipping options of the region the cart is priced in (the store's own when it
has no stored region), requirements met (``cart_core.shipping.solutions_for``); when no item ships
the one solution is ``in_store_handover``. One batched read and one Query (``Storefront.
shipping_solutions``)."""

from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from cart_core.cart import IN_STORE_HANDOVER
from cart_core.responses import documentation, documented
from cart_core.runtime import use_cases
from cart_core.shipping import ShippingOption, solution_price
from cart_core.usecases.shared import PricedCart
from newstore_shopping.cart_ref import cart_key
from newstore_shopping.routes.carts import CARTS, Associate
from newstore_shopping.totals import wire_amount_of

router = Router()
# Response models are documentation only, imported when the OpenAPI document is generated (cart_core.responses).
out = documentation("newstore_shopping.responses")


@router.get(f"{CARTS}/<id>/shipping_solutions", responses=documented(out.ShippingSolutions))
def shipping_solutions(caller: Associate, id: str) -> dict[str, Any]:
    priced, options = use_cases().storefront.shipping_solutions(caller, cart_key(caller, id))
    return solutions_answer(priced, options)


def solutions_answer(priced: PricedCart, options: list[ShippingOption]) -> dict[str, Any]:
    """``{"shipping_solutions": [...]}``: each option's id, name, price after shipping discounts
    (a free-shipping coupon: 0), its price before them and the discount, untaxed."""
    cart = priced.cart
    amount = wire_amount_of(cart.currency)
    solutions = []
    for option in options:
        price = solution_price(cart, option)
        solutions.append(
            {
                "id": option.option_id,
                "name": option.name,
                "price": amount(price),
                "list_price": amount(option.amount_minor),
                "discount": amount(option.amount_minor - price),
                "currency": cart.currency,
            }
        )
    if cart.lines and not cart.ships:
        solutions = [
            {"id": IN_STORE_HANDOVER, "name": "In-store handover", "price": 0, "list_price": 0, "discount": 0,
             "currency": cart.currency}
        ]  # fmt: skip
    return {"shipping_solutions": solutions}
