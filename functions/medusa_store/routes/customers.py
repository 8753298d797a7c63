"""/store/customers*: register (and log in), the signed-in customer and their changes, their address
book, their orders (with Medusa's filters), their saved payment methods, and the password reset
(medusa-v1.md §2; docs/medusa-auth.md). ``/me`` routes need a signed-in customer: plain-text 401
otherwise; they only ever name the signed-in customer's own record (the session's or token's id)."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.request import Request
from pydantic import BaseModel, ConfigDict, Field, Strict

from cart_core.customers import MAX_NAME_BYTES, MAX_PHONE_BYTES
from cart_core.limits import Utf8Limit
from cart_core.passwords import MAX_PASSWORD_BYTES
from cart_core.responses import documentation, documented
from cart_core.runtime import use_cases
from cart_core.tenancy import Caller
from cart_core.usecases.customers import CustomerChanges, DuplicateCustomer, NewCustomer
from medusa_store import order_filters
from medusa_store.customer_view import MAX_ORDERS_PAGE, medusa_customer, medusa_orders
from medusa_store.errors import MedusaError
from medusa_store.mapping import core_address
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
from medusa_store.wire import AddressIn, Closed, Empty, Id, SmallObject, Text
from medusa_store.wire import Email as WireEmail

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
    return signed_in(customer, caller, _answer(customer), started)


def _answer(customer: Any) -> dict[str, Any]:
    """The customer routes' answer: the customer with its addresses (``shipping_addresses``,
    ``billing_address``), as Medusa's ``defaultStoreCustomersRelations``."""
    return {"customer": medusa_customer(customer, addresses=True, billing=True)}


@router.get("/customers/me", responses=documented(out.CustomerResponse))
def get_customer(caller: CustomerCaller, authorization: BearerHeader = None) -> Any:
    customer_id = require_customer(caller)
    if customer_id is None:
        return unauthorized()
    return _answer(use_cases().customers.get(caller, customer_id))


Name = Annotated[str, Strict(), Utf8Limit(MAX_NAME_BYTES)]
Phone = Annotated[str, Strict(), Utf8Limit(MAX_PHONE_BYTES)]
# IsString only: "" is accepted and changes nothing (Medusa's ``if (password)``).
NewPassword = Annotated[str, Strict(), Utf8Limit(MAX_PASSWORD_BYTES)]


class StorePostCustomersCustomerReq(Closed):
    """``StorePostCustomersCustomerReq``: every property optional; ``billing_address`` an address or
    the id of one of the customer's addresses; ``email`` IsEmail; ``metadata`` IsObject."""

    billing_address: AddressIn | Id | None = None
    first_name: Name | None = None
    last_name: Name | None = None
    password: NewPassword | None = None
    phone: Phone | None = None
    email: WireEmail | None = None
    metadata: SmallObject | None = None


@router.post("/customers/me", responses={**documented(out.CustomerResponse), **DUPLICATE})
def update_customer(
    caller: CustomerCaller, body: StorePostCustomersCustomerReq, authorization: BearerHeader = None
) -> Any:
    customer_id = require_customer(caller)
    if customer_id is None:
        return unauthorized()
    sent = body.model_fields_set
    changes: dict[str, Any] = {name: getattr(body, name) for name in sent if name != "billing_address"}
    if "billing_address" in sent:
        given = body.billing_address
        changes["billing_address"] = core_address(given) if isinstance(given, AddressIn) else given
        if isinstance(given, AddressIn) and "metadata" in given.model_fields_set:
            changes["billing_address_metadata"] = given.metadata
    try:
        customer = use_cases().customers.update(caller, customer_id, CustomerChanges(**changes))
    except DuplicateCustomer as taken:
        raise MedusaError("duplicate_error", taken.message) from None
    return _answer(customer)


# ----- the address book ------------------------------------------------------------------------------


def _required_address_fields(schema: dict[str, Any]) -> None:
    """OpenAPI: AddressCreatePayload's required fields (their None defaults only make a missing one
    fail as class-validator's IsString does: "first_name must be a string")."""
    schema["required"] = list(REQUIRED_ADDRESS_FIELDS)
    for name in REQUIRED_ADDRESS_FIELDS:
        schema["properties"][name].pop("default", None)


REQUIRED_ADDRESS_FIELDS = ("first_name", "last_name", "address_1", "city", "country_code", "postal_code")


class AddressCreateIn(Closed):
    """``AddressCreatePayload``: names, first line, city, country and postal code are IsString."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_required_address_fields)
    first_name: Text = Field(default=None, validate_default=True)
    last_name: Text = Field(default=None, validate_default=True)
    phone: Text | None = None
    company: Text | None = None
    address_1: Text = Field(default=None, validate_default=True)
    address_2: Text | None = None
    city: Text = Field(default=None, validate_default=True)
    country_code: Text = Field(default=None, validate_default=True)
    province: Text | None = None
    postal_code: Text = Field(default=None, validate_default=True)
    metadata: SmallObject | None = None


class StorePostCustomersCustomerAddressesReq(Closed):
    address: AddressCreateIn


@router.post("/customers/me/addresses", responses=documented(out.CustomerResponse))
def add_address(
    caller: CustomerCaller, body: StorePostCustomersCustomerAddressesReq, authorization: BearerHeader = None
) -> Any:
    customer_id = require_customer(caller)
    if customer_id is None:
        return unauthorized()
    given = body.address
    customer = use_cases().customers.add_address(caller, customer_id, core_address(given), given.metadata)
    return _answer(customer)


@router.post("/customers/me/addresses/<address_id>", responses=documented(out.CustomerResponse))
def update_address(caller: CustomerCaller, address_id: str, body: AddressIn, authorization: BearerHeader = None) -> Any:
    customer_id = require_customer(caller)
    if customer_id is None:
        return unauthorized()
    customer = use_cases().customers.update_address(
        caller,
        customer_id,
        address_id,
        core_address(body),
        body.metadata,
        metadata_given="metadata" in body.model_fields_set,
    )
    return _answer(customer)


OptionalEmpty = Annotated[Empty | None, Body()]


@router.delete("/customers/me/addresses/<address_id>", responses=documented(out.CustomerResponse))
def delete_address(
    caller: CustomerCaller, address_id: str, body: OptionalEmpty = None, authorization: BearerHeader = None
) -> Any:
    customer_id = require_customer(caller)
    if customer_id is None:
        return unauthorized()
    return _answer(use_cases().customers.remove_address(caller, customer_id, address_id))


@router.get("/customers/me/payment-methods", responses=documented(out.PaymentMethodsResponse))
def list_payment_methods(caller: CustomerCaller, authorization: BearerHeader = None) -> Any:
    """Methods the payment providers saved for the customer: none of ours stores any."""
    customer_id = require_customer(caller)
    if customer_id is None:
        return unauthorized()
    use_cases().customers.get(caller, customer_id)  # Medusa retrieves the customer first (404 if gone)
    return {"payment_methods": []}


# ----- password reset ------------------------------------------------------------------------------


class StorePostCustomersCustomerPasswordTokenReq(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=both_required)
    email: Email = Field(default="", validate_default=True)


@router.post("/customers/password-token", responses={204: {"description": "No Content"}})
def request_password_token(caller: CustomerCaller, body: StorePostCustomersCustomerPasswordTokenReq) -> Response[str]:
    """204 whether or not the e-mail has an account (no account enumeration); for an account, a token
    goes to the notification hook (cart_core.usecases.customers.password_reset_hook)."""
    use_cases().customers.request_password_reset(caller, body.email)
    return Response(status_code=204, content_type="text/plain; charset=utf-8", body="")


class StorePostCustomersResetPasswordReq(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=both_required)
    email: Email = Field(default="", validate_default=True)
    token: Annotated[str, Strict(), Field(max_length=512)]
    password: Password


@router.post("/customers/password-reset", responses=documented(out.ResetCustomerResponse))
def reset_password(caller: CustomerCaller, body: StorePostCustomersResetPasswordReq) -> Any:
    customer = use_cases().customers.reset_password(caller, body.email, body.token, body.password)
    return {"customer": medusa_customer(customer)}


# ----- orders --------------------------------------------------------------------------------------


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
    query = request.resolved_event.multi_value_query_string_parameters or {
        name: [value] for name, value in (request.query_parameters or {}).items()
    }
    filters = order_filters.parse(query)
    limit = _number(request, "limit", 10, MAX_ORDERS_PAGE)
    offset = _number(request, "offset", 0, 1_000_000)
    where = order_filters.predicate(filters)
    orders, count = use_cases().customers.orders(caller, customer_id, offset, limit, where)
    return {"orders": medusa_orders(orders), "count": count, "offset": offset, "limit": limit}
