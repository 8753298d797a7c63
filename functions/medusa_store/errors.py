"""Medusa's error handling (medusa-v1.md §0.1): ``{type, message}`` plus ``code`` where Medusa sets
one, at Medusa's status for the type; request validation in class-validator's words.

The face kit (cart_core.http) renders what a status alone decides (``face.medusa_error``); this
module adds, on the same resolver, what needs more: ``MedusaError`` (a type or code of Medusa's own,
such as ``not_allowed`` or ``insufficient_inventory``), the core's errors by Medusa's types (a core
``Conflict`` — a completed cart edited — is Medusa's 400 ``not_allowed``; a lost version race is its
409 ``conflict``), and Powertools' validation errors as class-validator messages ("property x should
not exist", "quantity must be an integer number", joined with ", ")."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from pydantic import ValidationError

from cart_core.errors import (
    CartNotFound,
    ConcurrentModification,
    Conflict,
    DomainError,
    NotAllowed,
    NotFound,
    Unauthorized,
)

# Medusa's status per error type (error-handler.ts).
STATUS_OF_TYPE: dict[str, int] = {
    "not_found": 404,
    "invalid_data": 400,
    "not_allowed": 400,
    "unauthorized": 401,
    "payment_authorization_error": 422,
    "duplicate_error": 422,
    "conflict": 409,
    "unexpected_state": 500,
    "invalid_argument": 500,
    "database_error": 500,
}
# Medusa replaces a conflict's message with this one (and sets code invalid_state_error).
CONFLICT_MESSAGE = (
    "The request conflicted with another request. You may retry the request with the provided Idempotency-Key."
)


class MedusaError(DomainError):
    """An error of Medusa's own type (and code): raised by the face where the core's kind of error
    does not say which of Medusa's it is."""

    def __init__(self, type_: str, message: str, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.type = type_
        self.code = code
        self._status = status

    @property
    def status(self) -> int:
        return self._status or STATUS_OF_TYPE.get(self.type, 500)


class MedusaErrorList(MedusaError):
    """Medusa's non-standard ``{errors: [{code, message, type}]}`` (complete's stock shortfall, 409)."""


def body_of(type_: str, message: str, code: str | None = None) -> dict[str, Any]:
    if type_ == "conflict":
        return {"code": "invalid_state_error", "type": "conflict", "message": CONFLICT_MESSAGE}
    if type_ == "duplicate_error":
        code = code or "invalid_request_error"
    body: dict[str, Any] = {"type": type_, "message": message}
    return {"code": code, **body} if code else body


def medusa_type_of(error: DomainError) -> str:
    if isinstance(error, MedusaError):
        return error.type
    if isinstance(error, NotFound):
        return "not_found"
    if isinstance(error, ConcurrentModification):
        return "conflict"
    if isinstance(error, Conflict):
        return "not_allowed"  # the state forbids it: Medusa answers such refusals 400 not_allowed
    if isinstance(error, Unauthorized):
        return "unauthorized"
    if isinstance(error, NotAllowed):
        return "not_allowed"  # a valid request the state forbids (a spent code, a sold-out variant)
    return "invalid_data"


def medusa_message_of(error: DomainError) -> str:
    """The error's message in Medusa's words where the core's name the stored key: a missing cart is
    "Cart with <the id the client sent> was not found" (the stored key is not the client's to see)."""
    if isinstance(error, CartNotFound):
        from medusa_store.mapping import wire_cart_id

        try:
            return f"Cart with {wire_cart_id(error.cart_id)} was not found"
        except ValueError:  # a key outside the id scheme (none is stored): say no more than that
            return "Cart was not found"
    return error.message


def medusa_code_of(error: DomainError) -> str | None:
    if isinstance(error, MedusaError | NotAllowed):
        return error.code
    return None


def respond(type_: str, message: str, code: str | None = None, status: int | None = None) -> Response:
    return Response(
        status_code=status or STATUS_OF_TYPE.get(type_, 500),
        content_type=content_types.APPLICATION_JSON,
        body=body_of(type_, message, code),
    )


# ----- request validation: pydantic's errors in class-validator's words ------------------------

_MESSAGES = {
    "extra_forbidden": "property {name} should not exist",
    "missing": "{name} should not be empty",
    "int_type": "{name} must be an integer number",
    "int_parsing": "{name} must be an integer number",
    "int_from_float": "{name} must be an integer number",
    "string_type": "{name} must be a string",
    "dict_type": "{name} must be an object",
    "model_type": "{name} must be an object",
    "model_attributes_type": "{name} must be an object",
    "list_type": "{name} must be an array",
    "bool_type": "{name} must be a boolean value",
    "bool_parsing": "{name} must be a boolean value",
    "greater_than_equal": "{name} must not be less than {ge}",
    "greater_than": "{name} must be a positive number",
    "less_than_equal": "{name} must not be greater than {le}",
    "string_too_long": "{name} must be shorter than or equal to {max_length} characters",
    "string_too_short": "{name} should not be empty",
    "too_long": "{name} must contain no more than {max_length} elements",
}


def class_validator_message(errors: list[dict[str, Any]]) -> str:
    """pydantic's errors as class-validator's messages, joined with ", " as Medusa joins them. The
    property is the last name in the error's location (class-validator does not prefix nested ones)."""
    if any(e.get("type") == "json_invalid" for e in errors):
        return "Malformed JSON body"
    messages: list[str] = []
    errors = _without_losing_union_branches(errors)
    for error in errors[:10]:
        names = [
            str(p)
            for p in error.get("loc", ())
            if p not in ("body", "query", "path") and not isinstance(p, int) and not _is_union_tag(p)
        ]
        name = names[-1] if names else "body"
        kind = str(error.get("type", ""))
        if kind == "value_error" and "email" in str(error.get("msg", "")).lower():
            message = f"{name} must be an email"
        elif kind in _MESSAGES:
            try:
                message = _MESSAGES[kind].format(name=name, **(error.get("ctx") or {}))
            except (KeyError, IndexError):
                message = f"{name} is invalid"
        else:
            message = f"{name} is invalid"
        if message not in messages:
            messages.append(message)
    return ", ".join(messages) or "Invalid request"


def _is_union_tag(part: object) -> bool:
    """pydantic names the branch of a union in an error's location ("AddressIn",
    "function-after[…]"); class-validator names only properties (snake_case)."""
    return isinstance(part, str) and (part[:1].isupper() or "[" in part or "-" in part)


def _without_losing_union_branches(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For a value of a union (an address or an address id), the branch whose type did not even
    match is noise when another branch has a finding about the value itself: a body of the right
    shape with an unknown property says only that."""

    def field(error: dict[str, Any]) -> tuple[Any, ...]:
        loc = error.get("loc", ())
        tagged = [i for i, p in enumerate(loc) if _is_union_tag(p)]
        return tuple(loc[: tagged[0]]) if tagged else tuple(loc)

    def type_miss(error: dict[str, Any]) -> bool:
        return any(_is_union_tag(p) for p in error.get("loc", ())) and str(error.get("type", "")).endswith("_type")

    return [
        e
        for e in errors
        if not (type_miss(e) and any(field(o) == field(e) and not type_miss(o) for o in errors if o is not e))
    ]


def install_medusa_errors(app: ApiGatewayResolver) -> None:
    """Medusa's error handlers on the face's resolver (after ``face_app``: these replace the kit's
    handlers of the same exception classes; the kit's ServiceUnavailable 503 + Retry-After stays)."""

    @app.exception_handler(RequestValidationError)
    def on_validation_error(error: RequestValidationError) -> Response:
        return respond("invalid_data", class_validator_message(list(error.errors())))

    @app.exception_handler(ValidationError)
    def on_model_error(error: ValidationError) -> Response:
        # A value the wire let through but a core model bounds (a context value too long, a
        # quantity out of range): the client's mistake, in class-validator's words, never a 500.
        return respond("invalid_data", class_validator_message([dict(e) for e in error.errors()]))

    @app.exception_handler(DomainError)
    def on_domain_error(error: DomainError) -> Response:
        type_ = medusa_type_of(error)
        code = medusa_code_of(error)
        status = error.status if isinstance(error, MedusaError) else None
        if isinstance(error, MedusaErrorList):
            listed = {"errors": [{"code": code, "message": error.message, "type": type_}]}
            return Response(status_code=error.status, content_type=content_types.APPLICATION_JSON, body=listed)
        return respond(type_, medusa_message_of(error), code, status)
