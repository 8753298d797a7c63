"""The face kit: what every API face does the same way, so a face only declares how its vendor differs.

A face's ``app.py`` is ``app = face_app(FACE, router)`` and a ``lambda_handler`` that returns
``serve(app, event, context)`` under ``Observability.handler``; from its registry entry
(``cart_core.faces.Face``) the kit applies:
- its base path (stripped before routing) and its error body: domain errors, request validation
  errors, refused requests and unknown routes all leave in that vendor's shape
  (``install_error_handlers``, ``guard_request``);
- its content policy (``ContentPolicy``): which bodies it reads, the status it refuses the others
  with, its body limit, exact decimals or floats;
- its correlation (``Correlation``): the request id its log lines carry, and the response header
  that gives it back when the gateway does not already (``with_correlation_header``);
- logs, metrics and traces through ``cart_core.observability``, in the face's module (the local
  runtime reads the face's resolver from the handler's module: the handler must live there).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import threading
from collections.abc import Callable
from decimal import Decimal
from functools import cache, partial
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver, Router
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.shared.json_encoder import Encoder

from cart_core.errors import Conflict, DomainError, InvalidRequest, NotFound, ServiceUnavailable, Unauthorized
from cart_core.faces import ContentPolicy, ErrorBody, Face

_STATUS_OF_ERROR = (
    (NotFound, HTTPStatus.NOT_FOUND),
    (Conflict, HTTPStatus.CONFLICT),
    (Unauthorized, HTTPStatus.UNAUTHORIZED),
    (InvalidRequest, HTTPStatus.BAD_REQUEST),
    (ServiceUnavailable, HTTPStatus.SERVICE_UNAVAILABLE),
)


def status_of(error: DomainError) -> HTTPStatus:
    return next((status for kind, status in _STATUS_OF_ERROR if isinstance(error, kind)), HTTPStatus.BAD_REQUEST)


def describe(errors: list[dict[str, Any]]) -> str:
    """A client-readable summary of pydantic's errors: ``cart.items.0.quantity: …``."""
    if any(e.get("type") == "json_invalid" for e in errors):
        return "Malformed JSON body"
    parts = []
    for error in errors[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {error.get('msg') or error.get('type')}")
    return "Invalid request: " + "; ".join(parts)


def refuse_non_json(
    event: dict[str, Any], body: ErrorBody, policy: ContentPolicy | None = None
) -> dict[str, Any] | None:
    """The policy's refusal (415 by default) for a body sent as anything but JSON. The faces speak
    JSON only, and Powertools would otherwise try to parse forms and multipart (and fail with a 500
    on a malformed one)."""
    if not event.get("body"):
        return None
    policy = policy or ContentPolicy()
    refused = [t for t in _content_types(event) if not _is_json(t, policy)]
    if not refused:
        return None
    content_type = refused[0].split(";")[0].strip().lower()
    status = policy.unsupported_status
    return {
        "statusCode": status.value,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body(status, f"Send the body as application/json (UTF-8), not {content_type}")),
        "isBase64Encoded": False,
    }


# ----- answers ---------------------------------------------------------------------------------

# Powertools' own serializer for a returned dict (its resolver's default ``serializer``).
_powertools_dumps = partial(json.dumps, separators=(",", ":"), cls=Encoder)

# What a route annotated ``-> JsonAnswer`` returns: Powertools checks the body is a string and sends it.
JsonAnswer = Response[str]


def json_answer(body: dict[str, Any]) -> JsonAnswer:
    """A 200 JSON answer with ``body`` serialised here, in the bytes Powertools writes for a route
    that returns ``body`` as a dict (``dict[str, Any]``).

    For such a route Powertools validates the dict and re-encodes it value by value
    (``TypeAdapter.dump_python(mode="json")``) before dumping it: a second walk of the whole body,
    proportional to the cart (about a third of the dump itself). Our bodies hold only JSON's own
    types (str, int, float, bool, None, lists, dicts), which that pass hands back unchanged, so
    dumping them directly gives the same bytes (tests/integration/test_wire_golden.py)."""
    return Response(
        status_code=HTTPStatus.OK.value, content_type=content_types.APPLICATION_JSON, body=_powertools_dumps(body)
    )


# ----- request guards: what every face refuses before its resolver sees the request -------------

DEFAULT_MAX_BODY_BYTES = 64 * 1024
MAX_PARAMETER_BYTES = 256
MAX_JSON_DEPTH = 32
# The longest number literal read; a money amount, a quantity or an epoch-ms time is far shorter, and
# int() of a long one is slow (CPython refuses over 4,300 digits with a ValueError).
MAX_NUMBER_CHARS = 40
# A decimal's exponent (1e30, 1e-30) past which no field means anything; an exact decimal with a
# huge exponent makes later arithmetic slow or raise.
MAX_EXPONENT = 30


class HostileJson(ValueError):
    """A JSON body this service refuses to read; the message is safe to show to clients."""


def json_loads(parse_float: Callable[[str], Any] = float) -> Callable[[str | bytes], Any]:
    """``json.loads`` for client bodies: refuses long number literals, NaN/Infinity, numbers that
    overflow to infinity, and nesting deeper than MAX_JSON_DEPTH, always with ``HostileJson``."""

    def number(text: str, parse: Callable[[str], Any]) -> Any:
        if len(text) > MAX_NUMBER_CHARS:
            raise HostileJson(f"A number in the body has more than {MAX_NUMBER_CHARS} characters")
        value = parse(text)
        if isinstance(value, float) and not math.isfinite(value):
            raise HostileJson("A number in the body is out of range")
        if isinstance(value, Decimal) and value and not -MAX_EXPONENT <= value.adjusted() <= MAX_EXPONENT:
            raise HostileJson("A number in the body is out of range")
        return value

    def constant(name: str) -> Any:
        raise HostileJson(f"{name} is not a JSON number")

    def loads(text: str | bytes) -> Any:
        try:
            value = json.loads(
                text,
                parse_int=lambda t: number(t, int),
                parse_float=lambda t: number(t, parse_float),
                parse_constant=constant,
            )
        except RecursionError:
            raise HostileJson(f"The body is nested more than {MAX_JSON_DEPTH} levels deep") from None
        if _depth(value) > MAX_JSON_DEPTH:
            raise HostileJson(f"The body is nested more than {MAX_JSON_DEPTH} levels deep")
        return value

    return loads


class _GuardedBody(threading.local):
    """The body the request guard has just parsed, with the parser it used: the face's resolver
    takes it (``_parsed_once``) instead of parsing the same text again. Per thread: the local cloud
    may run requests on several."""

    loads: Callable[[str], Any] | None = None
    text: str | None = None
    document: Any = None


_guarded = _GuardedBody()


def _parsed_once(loads: Callable[[str], Any]) -> Callable[[str], Any]:
    """``loads`` that hands back the guard's document for the text the guard parsed with it (once),
    and parses anything else itself."""

    def deserialize(text: str) -> Any:
        if _guarded.loads is loads and _guarded.text is not None and (text is _guarded.text or text == _guarded.text):
            document = _guarded.document
            _guarded.loads = _guarded.text = _guarded.document = None
            return document
        return loads(text)

    return deserialize


_CONTAINERS = (dict, list)


def _depth(value: Any) -> int:
    """How deeply ``value`` nests objects and arrays (a scalar: 0), one level at a time: only
    containers are kept for the next level (a 100-line body is mostly scalars)."""
    depth, level = 0, [value] if isinstance(value, _CONTAINERS) else []
    while level:
        depth += 1
        children: list[Any] = []
        for item in level:
            values = item.values() if isinstance(item, dict) else item
            children += [child for child in values if isinstance(child, _CONTAINERS)]
        level = children
    return depth


def guard_request(
    event: dict[str, Any],
    body: ErrorBody,
    max_bytes: int = DEFAULT_MAX_BODY_BYTES,
    loads: Callable[[str], Any] | None = None,
    policy: ContentPolicy | None = None,
) -> dict[str, Any] | None:
    """The face's answer to a request it must refuse before routing, or None to route it.

    In order: a body over ``max_bytes`` (413), a path or query parameter over MAX_PARAMETER_BYTES
    (400), a body that is not JSON by any of its Content-Type headers (the policy's status, 415 by
    default), a body that is not UTF-8,
    not JSON, hostile JSON, or JSON whose top level is not an object (400). A JSON Content-Type in any spelling is rewritten to
    ``application/json``, the only spelling Powertools parses as JSON."""
    raw = event.get("body")
    if raw and _surely_longer_than(raw, bool(event.get("isBase64Encoded")), max_bytes):
        # Refused from its length alone: a hostile megabyte is never decoded or copied.
        return _refusal(body, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"The body is over {max_bytes} bytes")
    if raw:
        try:
            data = base64.b64decode(raw, validate=True) if event.get("isBase64Encoded") else raw.encode("utf-8")
        except binascii.Error:
            return _refusal(body, HTTPStatus.BAD_REQUEST, "The body is not valid base64")
        except UnicodeEncodeError:
            return _refusal(body, HTTPStatus.BAD_REQUEST, "The body is not UTF-8 JSON")
        if len(data) > max_bytes:
            return _refusal(
                body,
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"The body is {len(data)} bytes; this API accepts at most {max_bytes}",
            )
    for where in ("pathParameters", "queryStringParameters", "multiValueQueryStringParameters"):
        for name, values in (event.get(where) or {}).items():
            for value in values if isinstance(values, list) else [values]:
                if value is not None and len(str(value).encode("utf-8", "surrogatepass")) > MAX_PARAMETER_BYTES:
                    return _refusal(body, HTTPStatus.BAD_REQUEST, f"{name} is longer than {MAX_PARAMETER_BYTES} bytes")
    if not raw:
        return None
    if policy is not None and event.get("resource") in policy.form_resources and _is_form(event):
        try:
            data = _form_as_json(data)
        except ValueError as error:
            return _refusal(body, HTTPStatus.BAD_REQUEST, str(error))
        event["body"], event["isBase64Encoded"] = data.decode("utf-8"), False
        _normalize_content_type(event)
    refused = refuse_non_json(event, body, policy)
    if refused:
        return refused
    _normalize_content_type(event)
    loads = loads or json_loads()
    try:
        text = data.decode("utf-8")
        document = loads(text)
    except UnicodeDecodeError:
        return _refusal(body, HTTPStatus.BAD_REQUEST, "The body is not UTF-8 JSON")
    except HostileJson as error:
        return _refusal(body, HTTPStatus.BAD_REQUEST, str(error))
    except ValueError:  # json.JSONDecodeError
        return _refusal(body, HTTPStatus.BAD_REQUEST, "Malformed JSON body")
    if document is not None and not isinstance(document, dict):
        # Every request body these APIs define is an object. Powertools reads a top-level array as
        # its first element (the query-string rule), so `[null]` would pass as "no body".
        return _refusal(body, HTTPStatus.BAD_REQUEST, "The body must be a JSON object")
    # Powertools will parse the body it routes: it gets this document instead (``_parsed_once``).
    _guarded.loads, _guarded.text, _guarded.document = loads, text, document
    return None


def _surely_longer_than(raw: str, base64_encoded: bool, max_bytes: int) -> bool:
    """Whether ``raw`` decodes to more than ``max_bytes`` whatever its content: UTF-8 takes at least
    a byte per character; base64 gives 3 bytes per 4 characters, less at most 2 for padding."""
    decoded_at_least = (len(raw) * 3) // 4 - 2 if base64_encoded else len(raw)
    return decoded_at_least > max_bytes


def _content_types(event: dict[str, Any]) -> list[str]:
    """Every Content-Type value the request carries, whatever the header name's case and however
    often it is repeated."""
    found = [v for k, v in (event.get("headers") or {}).items() if k.lower() == "content-type"]
    for name, values in (event.get("multiValueHeaders") or {}).items():
        if name.lower() == "content-type":
            found.extend(values or ())
    return [v for v in found if v and v.strip()]  # an empty one is read as absent: JSON


def _is_json(content_type: str, policy: ContentPolicy) -> bool:
    media_type, *parameters = (part.strip().lower() for part in content_type.split(";"))
    suffixed = policy.structured_suffix and media_type.startswith("application/") and media_type.endswith("+json")
    if not (media_type == "application/json" or suffixed):
        return False
    charsets = [p.split("=", 1)[1].strip().strip('"') for p in parameters if p.startswith("charset=")]
    return all(charset in policy.charsets for charset in charsets)


FORM = "application/x-www-form-urlencoded"
MAX_FORM_FIELDS = 20


def _is_form(event: dict[str, Any]) -> bool:
    found = _content_types(event)
    return bool(found) and all(t.split(";")[0].strip().lower() == FORM for t in found)


def _form_as_json(data: bytes) -> bytes:
    """A form body (UTF-8) as the JSON object of its fields; a field given twice, or a form that is
    not one, is refused (ValueError, 400)."""
    from urllib.parse import parse_qsl

    try:
        text = data.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), max_num_fields=MAX_FORM_FIELDS)
    except UnicodeDecodeError:
        raise ValueError("The form is not UTF-8") from None
    except ValueError:
        raise ValueError("Malformed form body") from None
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name in fields:
            raise ValueError(f"The form gives {name[:40]} more than once")
        fields[name] = value
    return json.dumps(fields).encode("utf-8")


def _normalize_content_type(event: dict[str, Any]) -> None:
    for where in ("headers", "multiValueHeaders"):
        headers = event.get(where)
        if not headers:
            continue
        for name in [k for k in headers if k.lower() == "content-type"]:
            del headers[name]
        headers["content-type"] = ["application/json"] if where == "multiValueHeaders" else "application/json"


def _refusal(body: ErrorBody, status: HTTPStatus, message: str) -> dict[str, Any]:
    return {
        "statusCode": status.value,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body(status, message)),
        "isBase64Encoded": False,
    }


# Every status a face answers in its own error body: domain and validation errors, 415, and the
# gateway's 401/403 (template.yaml's GatewayResponses render the same body per face). Documented in
# each face's OpenAPI (local/openapi.py), so schemathesis checks the error bodies too.
ERROR_STATUSES = (400, 401, 403, 404, 409, 413, 415, 503)


def install_error_handlers(app: ApiGatewayResolver, body: ErrorBody) -> None:
    app.error_body = body  # type: ignore[attr-defined]  # read by local/openapi.py to document errors

    def respond(status: HTTPStatus, message: str) -> Response:
        return Response(
            status_code=status.value, content_type=content_types.APPLICATION_JSON, body=body(status, message)
        )

    @app.exception_handler(RequestValidationError)
    def on_validation_error(error: RequestValidationError) -> Response:
        return respond(HTTPStatus.BAD_REQUEST, describe(list(error.errors())))

    @app.exception_handler(DomainError)
    def on_domain_error(error: DomainError) -> Response:
        return respond(status_of(error), error.message)

    @app.exception_handler(ServiceUnavailable)
    def on_service_unavailable(error: ServiceUnavailable) -> Response:
        # Throttled or unreachable storage: nothing was half-written, the same request may be repeated.
        status = HTTPStatus.SERVICE_UNAVAILABLE
        return Response(
            status_code=status.value,
            content_type=content_types.APPLICATION_JSON,
            body=body(status, error.message),
            headers={"Retry-After": str(error.retry_after)},
        )

    @app.exception_handler(UnicodeDecodeError)
    def on_undecodable_body(error: UnicodeDecodeError) -> Response:
        return respond(HTTPStatus.BAD_REQUEST, "The body is not UTF-8 JSON")

    @app.exception_handler(binascii.Error)
    def on_bad_base64(error: binascii.Error) -> Response:
        return respond(HTTPStatus.BAD_REQUEST, "The body is not valid base64")

    @app.not_found
    def on_unknown_route(error: Exception) -> Response:
        return respond(HTTPStatus.NOT_FOUND, "No such endpoint")


# ----- one face, assembled from its registry entry ---------------------------------------------


def face_app(face: Face, *routers: Router, cors: CORSConfig | None = None) -> APIGatewayRestResolver:
    """The face's resolver: its routers, its base path stripped, bodies read by its content policy,
    errors in its body; ``cors``: CORS headers on its answers (a face browsers call: Medusa's)."""
    app = APIGatewayRestResolver(
        cors=cors,
        enable_validation=True,
        strip_prefixes=[face.base_path] if face.base_path else None,
        json_body_deserializer=_parsed_once(_loads_of(face.content)),
    )
    for router in routers:
        app.include_router(router)
    install_error_handlers(app, face.error_body)
    app.face = face  # type: ignore[attr-defined]  # read by serve
    return app


@cache
def _loads_of(policy: ContentPolicy) -> Callable[[str | bytes], Any]:
    return json_loads(parse_float=Decimal) if policy.exact_decimals else json_loads()


def serve(app: APIGatewayRestResolver, event: dict[str, Any], context: Any) -> dict[str, Any]:
    """One request to a face built by ``face_app``: the request guard, then the routes, the answer with
    the face's correlation header. The face's ``lambda_handler`` (in its own module, wrapped by
    ``Observability.handler`` with the face's ``correlation.id_path``) is this one call."""
    face: Face = app.face  # type: ignore[attr-defined]
    refused = guard_request(event, face.error_body, face.content.max_body_bytes, _loads_of(face.content), face.content)
    try:
        answer = refused or app.resolve(event, context)
    finally:
        _guarded.loads = _guarded.text = _guarded.document = None  # not kept past its request
    if face.correlation.added_by_gateway:  # BLAZE, LOKE: API Gateway adds x-amzn-RequestId itself
        return answer
    return with_correlation_header(answer, face, _search(face.correlation.id_path, event))


def _search(path: str, event: dict[str, Any]) -> str | None:
    import jmespath  # Powertools' own dependency; the logger reads the correlation id the same way

    found = jmespath.search(path, event)
    return str(found) if found is not None else None


def with_correlation_header(answer: dict[str, Any], face: Face, correlation_id: str | None) -> dict[str, Any]:
    """``answer`` with the face's correlation header, unless API Gateway adds it itself (BLAZE, LOKE:
    ``x-amzn-RequestId``, so their answers are untouched)."""
    if face.correlation.added_by_gateway or not correlation_id:
        return answer
    # Powertools answers with multiValueHeaders; a guard refusal with headers. Set it where it answers.
    where = "multiValueHeaders" if "multiValueHeaders" in answer else "headers"
    headers = answer.setdefault(where, {})
    headers[face.correlation.header] = [correlation_id] if where == "multiValueHeaders" else correlation_id
    return answer
