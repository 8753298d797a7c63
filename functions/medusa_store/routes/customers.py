"""/store/customers*: register (and log in), the signed-in customer, their orders (medusa-v1.md §2;
docs/medusa-auth.md). ``/me`` routes need a signed-in customer: plain-text 401 otherwise."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.request import Request
from pydantic import BaseModel, ConfigDict, Field

from cart_core.customers import MAX_NAME_BYTES, MAX_PHONE_BYTES
from cart_core.responses import documentation, documented
from cart_core.runtime import use_cases
from cart_core.tenancy import Caller
from cart_core.usecases.customers import DuplicateCustomer, NewCustomer
from medusa_store.customer_view import MAX_ORDERS_PAGE, medusa_customer, medusa_orders
from medusa_store.errors import MedusaError
from medusa_store.routes.auth import (
    BearerHeader,
    Email,
    Password,
    both_required,
    require_customer,
    signed_in,
    unauthorized,
)
from medusa_store.store import medusa_caller

router = Router()
# Response models are documentation only, imported when the OpenAPI document is generated (cart_core.responses).
out = documentation("medusa_store.responses")

CustomerCaller = Annotated[Caller, Depends(medusa_caller)]


class StorePostCustomersReq(BaseModel):
    """``StorePostCustomersReq``: ``email`` IsEmail, ``password`` IsString, names and phone optional
    strings; no other property. An empty password is refused (Medusa would make it a guest)."""

    # Built by its route's first request, not at every cold start (medusa_store/wire.py, Closed).
    model_config = ConfigDict(extra="forbid", json_schema_extra=both_required, defer_build=True)
    email: Email = Field(default="", validate_default=True)
    password: Password
    first_name: Annotated[str, Field(max_length=MAX_NAME_BYTES)] | None = None
    last_name: Annotated[str, Field(max_length=MAX_NAME_BYTES)] | None = None
    phone: Annotated[str, Field(max_length=MAX_PHONE_BYTES)] | None = None


# Medusa's duplicate_error (an e-mail that has an account) is a 422 in its error body.
DUPLICATE: dict[int, Any] = {
    422: {
        "description": "Unprocessable Entity",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
}


@router.post("/customers", responses={**documented(out.CustomerResponse), **DUPLICATE})
def create_customer(caller: CustomerCaller, body: StorePostCustomersReq) -> Response[Any]:
    try:
        customer, started = use_cases().customers.register_and_sign_in(
            caller,
            NewCustomer(
                email=body.email,
                password=body.password,
                first_name=body.first_name,
                last_name=body.last_name,
                phone=body.phone,
            ),
        )
    except DuplicateCustomer as taken:
        raise MedusaError("duplicate_error", taken.message) from None
    answer = {"customer": medusa_customer(customer, shipping_addresses=[], billing_address=None)}
    return signed_in(customer, caller, answer, started)


@router.get("/customers/me", responses=documented(out.CustomerResponse))
def get_customer(caller: CustomerCaller, authorization: BearerHeader = None) -> Any:
    customer_id = require_customer(caller)
    if customer_id is None:
        return unauthorized()
    customer = use_cases().customers.get(caller, customer_id)
    return {"customer": medusa_customer(customer, shipping_addresses=[], billing_address=None)}


ORDER_QUERY = frozenset({"limit", "offset", "fields", "expand"})


def _number(request: Request, name: str, default: int, maximum: int) -> int:
    raw = (request.query_parameters or {}).get(name)
    if raw is None:
        return default
    # class-transformer's Number(): decimal text; IsNumber then refuses NaN. Bounded here besides.
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6:
        raise MedusaError("invalid_data", f"{name} must be a number conforming to the specified constraints")
    value = int(raw)
    if value > maximum:
        raise MedusaError("invalid_data", f"{name} must not be greater than {maximum}")
    return value


@router.get("/customers/me/orders", responses=documented(out.OrdersPage))
def list_orders(caller: CustomerCaller, request: Request, authorization: BearerHeader = None) -> Any:
    customer_id = require_customer(caller)  # Medusa authenticates before it validates the query
    if customer_id is None:
        return unauthorized()
    for name in request.query_parameters or {}:
        if name not in ORDER_QUERY:
            raise MedusaError("invalid_data", f"property {name} should not exist")
    limit = _number(request, "limit", 10, MAX_ORDERS_PAGE)
    offset = _number(request, "offset", 0, 1_000_000)
    orders, count = use_cases().customers.orders(caller, customer_id, offset, limit)
    return {"orders": medusa_orders(orders), "count": count, "offset": offset, "limit": limit}
