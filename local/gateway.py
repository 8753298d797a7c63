"""API Gateway (REST APIs, Lambda proxy integration) in front of the local function runtime.

Every REST API of the template is served on the one local origin (each face's API keeps its own
paths, so they do not collide), each route with its own API's authorizers, stage variables, CORS
preflight, gateway responses and binary media types. A path no route matches is answered by the API
whose routes share the longest literal prefix with it (its base path), else by the first API.
What is emulated and what is not: docs/local-cloud.md.
"""

from __future__ import annotations

import base64
import fnmatch
import json
import re
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from local.runtime import ACCOUNT, REGION, FunctionRuntime, FunctionTimeout
from local.template import ApiRoute, Authorizer, RestApi, Template

API_ID = "localapi"  # the first REST API's id (every sample event names it)
REQUEST_ID_HEADER = "x-amzn-RequestId"  # API Gateway's name for it

# API Gateway's own status and message for each gateway response type the emulator can give.
DEFAULT_RESPONSES = {
    "UNAUTHORIZED": (401, "Unauthorized"),
    "ACCESS_DENIED": (403, "User is not authorized to access this resource"),
    "MISSING_AUTHENTICATION_TOKEN": (403, "Missing Authentication Token"),
    "AUTHORIZER_FAILURE": (500, None),
    "AUTHORIZER_CONFIGURATION_ERROR": (500, None),
    "INTEGRATION_FAILURE": (502, "Internal server error"),  # what a Lambda error or timeout becomes
}
# SAM's preflight answers every method when a path has ANY.
ALL_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")

Headers = Iterable[tuple[str, str]] | Mapping[str, str]


class Gateway:
    def __init__(self, template: Template, runtime: FunctionRuntime, stage: str = "dev") -> None:
        self.apis: dict[str, RestApi] = template.apis()
        self.routes = template.api_routes()
        self._patterns = [(route, route.pattern()) for route in self.routes]
        self.runtime = runtime
        self.stage = stage
        # Authorizer results by (API, authorizer, identity source values): API Gateway's cache, which
        # is shared by every method of the API the authorizer guards (the policy is re-evaluated).
        self._auth_cache: dict[tuple[str, str, tuple[str, ...]], tuple[float, dict[str, Any]]] = {}
        self._auth_cache_lock = threading.Lock()

    # -- routing -------------------------------------------------------------------------------

    def match(self, method: str, path: str) -> tuple[ApiRoute, dict[str, str]] | None:
        for route, pattern in self._patterns:
            m = pattern.match(path)
            if m and route.method in (method, "ANY"):
                return route, m.groupdict()
        return None

    def _path_routes(self, path: str) -> list[ApiRoute]:
        """The routes of the most specific resource the path matches (all its methods)."""
        for route, pattern in self._patterns:
            if pattern.match(path):
                return [r for r in self.routes if r.path == route.path and r.api == route.api]
        return []

    def _api_of(self, path: str) -> RestApi | None:
        routes = self._path_routes(path)
        if routes:
            return self.apis[routes[0].api]
        # An unknown path: on AWS each API has its own host, so its own gateway responses answer. One
        # origin locally: the API owning the longest literal route prefix of the path, else the first.
        segments = path.strip("/").split("/")
        best, best_length = next(iter(self.apis.values()), None), 0
        for route in self.routes:
            length = _literal_prefix_length(route.path, segments)
            if length > best_length:
                best, best_length = self.apis[route.api], length
        return best

    # -- the proxy event -----------------------------------------------------------------------

    def proxy_event(
        self,
        method: str,
        raw_path: str,
        headers: Headers | None = None,
        body: bytes | str | None = None,
        request_id: str | None = None,
    ) -> tuple[ApiRoute, dict[str, Any]] | None:
        """The REST API proxy-integration event API Gateway would send for this request.

        ``headers`` as a mapping (one value each) or as the (name, value) pairs the client sent:
        a repeated header reaches ``multiValueHeaders`` with every value and ``headers`` with the
        last one, as API Gateway builds them; so does a repeated query parameter."""
        matched = self.match(method, urlsplit(raw_path).path)
        if matched is None:
            return None
        route, path_parameters = matched
        return route, self._event(route, path_parameters, method, raw_path, headers, body, request_id)

    def _event(
        self,
        route: ApiRoute,
        path_parameters: dict[str, str],
        method: str,
        raw_path: str,
        headers: Headers | None,
        body: bytes | str | None,
        request_id: str | None,
    ) -> dict[str, Any]:
        url = urlsplit(raw_path)
        path, query = url.path, parse_qs(url.query, keep_blank_values=True)
        multi = _multi_headers(headers)
        single = {name: values[-1] for name, values in multi.items()}
        api = self.apis[route.api]
        is_base64 = False
        if isinstance(body, bytes):
            raw = body
            if _matches_media_type(_header(single, "Content-Type"), api.binary_media_types):
                body, is_base64 = base64.b64encode(raw).decode(), True
            else:
                try:
                    body = raw.decode()
                except UnicodeDecodeError:  # kept from before BinaryMediaTypes: bytes that are not text
                    body, is_base64 = base64.b64encode(raw).decode(), True
        return {
            "resource": route.path,
            "path": path,
            "httpMethod": method,
            "headers": single,
            "multiValueHeaders": multi,
            "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
            "multiValueQueryStringParameters": query or None,
            "pathParameters": path_parameters or None,
            "stageVariables": dict(api.stage_variables) or None,
            "requestContext": {
                "resourcePath": route.path,
                "httpMethod": method,
                "path": f"/{self.stage}{path}",
                "stage": self.stage,
                "requestId": request_id or str(uuid.uuid4()),
                "requestTimeEpoch": int(time.time() * 1000),
                "accountId": ACCOUNT,
                "apiId": api.api_id,
                "identity": {"sourceIp": "127.0.0.1", "userAgent": _header(single, "User-Agent") or ""},
            },
            "body": body or None,
            "isBase64Encoded": is_base64,
        }

    # -- answering a request -------------------------------------------------------------------

    def handle(self, method: str, raw_path: str, headers: Headers, body: bytes) -> tuple[int, dict[str, str], bytes]:
        """One request, answered as API Gateway would (see :meth:`handle_multi`), with the response
        headers as a mapping: a header the function gave several values is joined with ", "."""
        status, pairs, payload = self.handle_multi(method, raw_path, headers, body)
        joined: dict[str, str] = {}
        for name, value in pairs:
            joined[name] = f"{joined[name]}, {value}" if name in joined else value
        return status, joined, payload

    def handle_multi(
        self, method: str, raw_path: str, headers: Headers, body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """One request, answered as API Gateway would, with its ``x-amzn-RequestId`` header: the
        ``requestContext.requestId`` the authorizer and the function got (their logs' correlation id).
        The headers are (name, value) pairs: each value of a ``multiValueHeaders`` entry its own."""
        request_id = str(uuid.uuid4())
        _current.request_id = request_id  # for the $context.requestId of its own answers (gateway_response)
        status, out_headers, payload = self._handle(method, raw_path, headers, body, request_id)
        return status, [*out_headers, (REQUEST_ID_HEADER, request_id)], payload

    def _handle(
        self, method: str, raw_path: str, headers: Headers, body: bytes, request_id: str
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        path = urlsplit(raw_path).path
        request = {name: values[-1] for name, values in _multi_headers(headers).items()}
        built = self.proxy_event(method, raw_path, headers, body, request_id)
        # SAM adds an OPTIONS method to every path of an API with Cors; API Gateway prefers it to ANY.
        if method == "OPTIONS" and (built is None or built[0].method == "ANY"):
            preflight = self._preflight(raw_path, headers, request_id)
            if preflight is not None:
                return preflight
        if built is None:
            return self.gateway_response("MISSING_AUTHENTICATION_TOKEN", path, request)
        route, event = built
        api = self.apis[route.api]
        if route.authorizer:
            denied, context = self._authorize(api, api.authorizers[route.authorizer], event, method, path, request)
            if denied:
                return denied
            event["requestContext"]["authorizer"] = context
        try:
            response = self.runtime.invoke(route.function, event)
        except FunctionTimeout as timeout:  # Lambda's "Task timed out": a 502 too, with no traceback to show
            print(f"{route.function}: {timeout}", file=sys.stderr)
            return self.gateway_response("INTEGRATION_FAILURE", path, request, api)
        except Exception:  # an unhandled Lambda error is a 502 at the gateway
            traceback.print_exc()
            return self.gateway_response("INTEGRATION_FAILURE", path, request, api)
        return self._proxy_response(api, response, request)

    def _proxy_response(
        self, api: RestApi, response: dict[str, Any], request: dict[str, str]
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """The function's proxy response on the wire. ``headers`` and ``multiValueHeaders`` merge (a
        name in both takes the multi-value list); each value is a header line of its own. A base64
        body is sent decoded only when the request's first ``Accept`` type is one of the API's
        binary media types, as API Gateway decides; otherwise the base64 text goes out as it is."""
        multi = {name: [str(v) for v in values] for name, values in (response.get("multiValueHeaders") or {}).items()}
        lowered = {name.lower() for name in multi}
        pairs = [
            (name, str(value)) for name, value in (response.get("headers") or {}).items() if name.lower() not in lowered
        ]
        pairs += [(name, value) for name, values in multi.items() for value in values]
        body = response.get("body") or ""
        payload = body.encode()
        if response.get("isBase64Encoded"):
            accept = (_header(request, "Accept") or "").split(",")[0]
            if _matches_media_type(accept, api.binary_media_types):
                payload = base64.b64decode(body)
        return int(response.get("statusCode", 200)), pairs, payload

    # -- gateway responses ---------------------------------------------------------------------

    def gateway_response(
        self, kind: str, path: str = "", request: Mapping[str, str] | None = None, api: RestApi | None = None
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """API Gateway's own answer of this type: the API's ``GatewayResponses`` entry for it, else its
        ``DEFAULT_4XX`` / ``DEFAULT_5XX`` entry, else API Gateway's default status and message."""
        api = api or self._api_of(path)
        responses = api.gateway_responses if api else {}
        default_status, message = DEFAULT_RESPONSES[kind]
        spec = responses.get(kind) or responses.get("DEFAULT_4XX" if default_status < 500 else "DEFAULT_5XX") or {}
        # The integration's 502 keeps its status; a DEFAULT_5XX entry only gives it headers and a body.
        status = default_status if kind == "INTEGRATION_FAILURE" else int(spec.get("StatusCode", default_status))
        template = spec.get("ResponseTemplates", {}).get("application/json", json.dumps({"message": message}))
        # The one template variable the faces' bodies use (NewStore's request_id): API Gateway's request id.
        template = template.replace("$context.requestId", getattr(_current, "request_id", ""))
        headers = [("Content-Type", "application/json")]
        # SAM's form, ResponseParameters: {Headers: {Retry-After: "'1'"}}: a quoted literal, or a
        # value of the request (method.request.header.Origin …).
        for name, value in spec.get("ResponseParameters", {}).get("Headers", {}).items():
            mapped = _mapped_value(str(value), request or {})
            if mapped is not None:
                headers.append((name, mapped))
        return status, headers, template.encode()

    # -- CORS ----------------------------------------------------------------------------------

    def _preflight(
        self, raw_path: str, headers: Headers, request_id: str
    ) -> tuple[int, list[tuple[str, str]], bytes] | None:
        """OPTIONS on a path of an API with ``Cors``: the MOCK method SAM adds to every path answers
        it with the declared headers, behind the API's default authorizer unless the template says
        ``AddDefaultAuthorizerToCorsPreflight: false`` (SAM's default is true, and browsers send no
        credentials on a preflight)."""
        path = urlsplit(raw_path).path
        routes = self._path_routes(path)
        api = self.apis[routes[0].api] if routes else None
        if api is None or api.cors is None:
            return None
        cors = api.cors
        if api.default_authorizer and api.authorize_preflight:
            route = ApiRoute("OPTIONS", routes[0].path, "", True, api.logical_id, api.default_authorizer)
            parameters = _pattern_parameters(route, path)
            event = self._event(route, parameters, "OPTIONS", raw_path, headers, None, request_id)
            authorizer = api.authorizers[api.default_authorizer]
            denied, _ = self._authorize(api, authorizer, event, "OPTIONS", path, event["headers"])
            if denied:
                return denied
        methods = cors.allow_methods
        if methods is None:
            declared = {route.method for route in routes}
            methods = ",".join(ALL_METHODS if "ANY" in declared else sorted(declared | {"OPTIONS"}))
        out = [("Content-Type", "application/json"), ("Access-Control-Allow-Origin", cors.allow_origin),
               ("Access-Control-Allow-Methods", methods)]  # fmt: skip
        if cors.allow_headers is not None:
            out.append(("Access-Control-Allow-Headers", cors.allow_headers))
        if cors.max_age is not None:
            out.append(("Access-Control-Max-Age", str(cors.max_age)))
        if cors.allow_credentials:
            out.append(("Access-Control-Allow-Credentials", "true"))
        return 200, out, b""

    # -- authorizers ---------------------------------------------------------------------------

    def _authorize(
        self,
        api: RestApi,
        authorizer: Authorizer,
        event: dict[str, Any],
        method: str,
        path: str,
        request: Mapping[str, str],
    ) -> tuple[Any, dict[str, Any]]:
        """Run the route's Lambda authorizer as API Gateway does: with identity sources declared, a
        request missing any of them is answered 401 without calling the function; without any (SAM
        allows that only with ``ReauthorizeEvery: 0``) the function is called on every request.
        A result is cached for ``ReauthorizeEvery`` seconds by the identity values, for every route
        of the API behind this authorizer: the cached policy is checked against each method ARN."""
        method_arn = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api.api_id}/{self.stage}/{method}{path}"
        identity = _identity_values(authorizer, event, request)
        if identity is None:
            return self.gateway_response("UNAUTHORIZED", path, request, api), {}
        if authorizer.validation_expression and not re.fullmatch(authorizer.validation_expression, identity[0]):
            return self.gateway_response("UNAUTHORIZED", path, request, api), {}
        cache_key = (api.logical_id, authorizer.name, tuple(identity))
        cacheable = authorizer.ttl > 0 and authorizer.has_identity_sources
        result = self._cached(cache_key) if cacheable else None
        if result is None:
            if authorizer.payload_type == "TOKEN":
                auth_event: dict[str, Any] = {
                    "type": "TOKEN",
                    "authorizationToken": identity[0],
                    "methodArn": method_arn,
                }
            else:
                auth_event = {
                    "type": "REQUEST",
                    "methodArn": method_arn,
                    **{k: event[k] for k in ("resource", "path", "httpMethod", "headers", "multiValueHeaders",
                                             "queryStringParameters", "multiValueQueryStringParameters",
                                             "pathParameters", "stageVariables", "requestContext")},
                }  # fmt: skip
            try:
                result = self.runtime.invoke(authorizer.function, auth_event)
            except Exception as error:
                if str(error) == "Unauthorized":
                    return self.gateway_response("UNAUTHORIZED", path, request, api), {}
                return self.gateway_response("AUTHORIZER_FAILURE", path, request, api), {}
            if not isinstance(result, dict) or "policyDocument" not in result:
                return self.gateway_response("AUTHORIZER_CONFIGURATION_ERROR", path, request, api), {}
            if cacheable:
                with self._auth_cache_lock:
                    self._auth_cache[cache_key] = (time.monotonic() + authorizer.ttl, result)
        statements = result.get("policyDocument", {}).get("Statement", [])
        if _policy_effect(statements, method_arn) != "Allow":
            return self.gateway_response("ACCESS_DENIED", path, request, api), {}
        context = {k: str(v) for k, v in (result.get("context") or {}).items()}
        return None, {"principalId": result.get("principalId"), **context}

    def _cached(self, key: tuple[str, str, tuple[str, ...]]) -> dict[str, Any] | None:
        with self._auth_cache_lock:
            entry = self._auth_cache.get(key)
            if entry is None:
                return None
            if entry[0] <= time.monotonic():
                del self._auth_cache[key]
                return None
            return entry[1]


# The request this thread is answering (each request is answered on one thread).
_current = threading.local()


def _identity_values(authorizer: Authorizer, event: dict[str, Any], request: Mapping[str, str]) -> list[str] | None:
    """The authorizer's identity source values, or None when one is missing or empty (API Gateway's
    401 without a call). Stage variables do not exist locally, so a source naming one is missing;
    ``$context`` sources are always present."""
    values = []
    for header in authorizer.headers:
        value = _header(request, header)
        if not value:
            return None
        values.append(value)
    query = event.get("queryStringParameters") or {}
    for name in authorizer.query_strings:
        if not query.get(name):
            return None
        values.append(query[name])
    if authorizer.stage_variables:
        return None
    values.extend(f"context:{name}" for name in authorizer.context)
    return values


def _policy_effect(statements: list[dict[str, Any]], method_arn: str) -> str | None:
    """IAM evaluation of the authorizer's policy for one method ARN: an explicit Deny wins."""
    effects = {
        statement.get("Effect")
        for statement in statements
        if any(fnmatch.fnmatchcase(method_arn, r) for r in _as_list(statement.get("Resource")))
    }
    return "Deny" if "Deny" in effects else "Allow" if "Allow" in effects else None


def _multi_headers(headers: Headers | None) -> dict[str, list[str]]:
    """Header values by name, in the order sent; a name repeated with another case joins the first."""
    pairs = headers.items() if isinstance(headers, Mapping) else (headers or [])
    multi: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for name, value in pairs:
        multi.setdefault(names.setdefault(name.lower(), name), []).append(value)
    return multi


def _header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)


def _matches_media_type(content_type: str | None, media_types: tuple[str, ...]) -> bool:
    media_type = (content_type or "").split(";")[0].strip().lower()
    return bool(media_type) and any(fnmatch.fnmatchcase(media_type, t.lower()) for t in media_types)


def _mapped_value(value: str, request: Mapping[str, str]) -> str | None:
    value = value.strip()
    if value.startswith("'") and value.endswith("'"):
        return value[1:-1]
    if value.startswith("method.request.header."):
        return _header(request, value.removeprefix("method.request.header."))
    return None  # other mappings (query string, path, context) are not emulated


def _pattern_parameters(route: ApiRoute, path: str) -> dict[str, str]:
    m = route.pattern().match(path)
    return m.groupdict() if m else {}


def _literal_prefix_length(route_path: str, segments: list[str]) -> int:
    """How many leading segments of a request path equal a route's literal segments (up to its
    first parameter): how much of the route's base path the request path shares."""
    length = 0
    for route_segment, segment in zip(route_path.strip("/").split("/"), segments, strict=False):
        if route_segment.startswith("{") or route_segment != segment:
            break
        length += 1
    return length


def _as_list(value: Any) -> list[str]:
    return value if isinstance(value, list) else [value] if value else []
