"""/store/auth*: log in (session cookie ``connect.sid``), the session's customer, log out, whether an
e-mail has an account, and a JWT (medusa-v1.md §2; docs/medusa-auth.md).

Login failures are Medusa's (passport's) plain-text 401 ``Unauthorized``, alike for an unknown
e-mail, a guest and a wrong password; validation failures its 400 ``invalid_data``.
"""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Header
from aws_lambda_powertools.event_handler.request import Request
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from cart_core.customers import Customer, SessionRecord
from cart_core.limits import Utf8Limit
from cart_core.passwords import MAX_PASSWORD_BYTES
from cart_core.responses import documentation, documented
from cart_core.runtime import auth_secrets, clock, use_cases
from cart_core.tenancy import Caller
from medusa_store import session
from medusa_store.customer_view import medusa_customer, orders_of
from medusa_store.store import medusa_caller
from medusa_store.wire import is_email

router = Router()
# Response models are documentation only, imported when the OpenAPI document is generated (cart_core.responses).
out = documentation("medusa_store.responses")

JWT_TTL_SECONDS = 30 * 86400  # jsonwebtoken's expiresIn "30d"


def _email(value: str) -> str:
    if not is_email(value):
        raise ValueError("must be an email")
    return value


# A string that must be an e-mail; missing or not a string reads as "email must be an email" too.
Email = Annotated[str, AfterValidator(_email), Field(max_length=1024, json_schema_extra={"format": "email"})]
# Bounded in UTF-8 bytes, as the KDF reads it (a character bound let 300 emoji through to a 500).
Password = Annotated[str, Field(min_length=1), Utf8Limit(MAX_PASSWORD_BYTES)]


def both_required(schema: dict[str, Any]) -> None:
    """OpenAPI: ``email`` is required (its default "" only makes a missing one say IsEmail's message)."""
    schema["required"] = sorted({"email", *schema.get("required", [])})
    schema["properties"]["email"].pop("default", None)


class StorePostAuthReq(BaseModel):
    """``StorePostAuthReq``: ``email`` IsEmail, ``password`` IsNotEmpty; no other property."""

    # Built by its route's first request, not at every cold start (medusa_store/wire.py, Closed).
    model_config = ConfigDict(extra="forbid", json_schema_extra=both_required, defer_build=True)
    # Left out, it is validated as "" so the message is IsEmail's, as class-validator's for undefined.
    email: Email = Field(default="", validate_default=True)
    password: Password


def unauthorized() -> Response[str]:
    """passport's and ``res.sendStatus(401)``'s answer: the status text, as plain text."""
    return Response(status_code=401, content_type="text/plain; charset=utf-8", body="Unauthorized")


def require_customer(caller: Caller) -> str | None:
    """The signed-in customer's id, or None (the route answers ``unauthorized()``)."""
    return caller.actor.owner_id


def signed_in(
    customer: Customer, caller: Caller, body: dict[str, Any], started: SessionRecord | None = None
) -> Response[Any]:
    """``body`` with a session for ``customer`` (``started``, else a new one) in a ``connect.sid`` cookie."""
    if started is None:
        started = use_cases().customers.start_session(caller, customer.customer_id)
    return Response(
        status_code=200,
        content_type=content_types.APPLICATION_JSON,
        body=body,
        cookies=[session.session_cookie(started.session_id, started.expires_at)],
    )


AuthCaller = Annotated[Caller, Depends(medusa_caller)]
# Documents the Bearer token on the routes that need a customer (OpenAPI, and so the fuzzer can send
# one); the value itself is read by session.customer_of with the cookie, on every route.
BearerHeader = Annotated[str | None, Header(alias="Authorization", description="Bearer <access_token>")]


@router.post("/auth", responses=documented(out.AuthResponse))
def create_session(caller: AuthCaller, body: StorePostAuthReq) -> Response[Any]:
    customer = use_cases().customers.authenticate(caller, body.email, body.password)
    if customer is None:
        return unauthorized()
    return signed_in(customer, caller, {"customer": _with_auth_relations(caller, customer)})


@router.get("/auth", responses=documented(out.AuthResponse))
def get_session(caller: AuthCaller, authorization: BearerHeader = None) -> Any:
    customer_id = require_customer(caller)
    if customer_id is None:
        return unauthorized()
    return {"customer": _with_auth_relations(caller, use_cases().customers.get(caller, customer_id))}


@router.delete("/auth")
def delete_session(caller: AuthCaller, request: Request) -> Response[str]:
    """Ends the cookie's session (a JWT stays valid until it expires: it is stateless, as in Medusa)."""
    sid = session.session_id(request.resolved_event.raw_event)
    if sid is not None:
        use_cases().customers.end_session(caller, sid)
    return Response(status_code=200, content_type="text/plain; charset=utf-8", body="OK")


@router.get("/auth/<email>", responses=documented(out.ExistsResponse))
def exists(caller: AuthCaller, email: str) -> dict[str, bool]:
    return {"exists": use_cases().customers.exists(caller, email)}


@router.post("/auth/token", responses=documented(out.TokenResponse))
def get_token(caller: AuthCaller, body: StorePostAuthReq) -> Any:
    from cart_core.auth_tokens import issue_jwt

    customer = use_cases().customers.authenticate(caller, body.email, body.password)
    if customer is None:
        return unauthorized()
    # The tenant too: the signing secret is the deployment's, and a token must not name a customer
    # in another tenant's store (session.bearer_customer checks it).
    claims = {"customer_id": customer.customer_id, "domain": session.JWT_DOMAIN, "tenant_id": caller.tenant_id}
    return {"access_token": issue_jwt(claims, auth_secrets().jwt_secret, int(clock()()), JWT_TTL_SECONDS)}


def _with_auth_relations(caller: Caller, customer: Customer) -> dict[str, Any]:
    """The customer with the auth routes' relations: ``orders`` (with items), ``shipping_addresses``."""
    return medusa_customer(customer, orders=orders_of(caller, customer.customer_id), addresses=True)
