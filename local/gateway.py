"""API Gateway (REST, proxy integration) in front of the local function runtime."""

from __future__ import annotations

import base64
import fnmatch
import json
import re
import sys
import time
import traceback
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

from local.runtime import ACCOUNT, REGION, FunctionRuntime, FunctionTimeout
from local.template import ApiRoute, Template

API_ID = "localapi"
REQUEST_ID_HEADER = "x-amzn-RequestId"  # API Gateway's name for it


class Gateway:
    def __init__(self, template: Template, runtime: FunctionRuntime, stage: str = "dev") -> None:
        self.routes = template.api_routes()
        self._patterns = [(route, route.pattern()) for route in self.routes]
        self.runtime = runtime
        self.stage = stage
        self.responses = template.gateway_responses()
        authorizer = template.authorizer()
        self.authorizer_function, self.authorizer_spec = authorizer if authorizer else (None, {})

    def gateway_response(self, kind: str, default_status: int, path: str = "") -> tuple[int, dict[str, str], bytes]:
        spec = self.responses.get(kind, {})
        status = int(spec.get("StatusCode", default_status))
        template = spec.get("ResponseTemplates", {}).get("application/json", json.dumps({"message": kind.title()}))
        headers = {"Content-Type": "application/json"}
        # SAM's form, ResponseParameters: {Headers: {Retry-After: "'1'"}}; only quoted literals are used.
        for name, value in spec.get("ResponseParameters", {}).get("Headers", {}).items():
            headers[name] = str(value).strip("'")
        return status, headers, _render(template, f"/{self.stage}{path}").encode()

    def match(self, method: str, path: str) -> tuple[ApiRoute, dict[str, str]] | None:
        for route, pattern in self._patterns:
            m = pattern.match(path)
            if m and route.method in (method, "ANY"):
                return route, m.groupdict()
        return None

    def proxy_event(
        self,
        method: str,
        raw_path: str,
        headers: dict[str, str] | None = None,
        body: bytes | str | None = None,
        request_id: str | None = None,
    ) -> tuple[ApiRoute, dict[str, Any]] | None:
        """The REST API proxy-integration event API Gateway would send for this request."""
        url = urlsplit(raw_path)
        path, query = url.path, parse_qs(url.query, keep_blank_values=True)
        matched = self.match(method, path)
        if matched is None:
            return None
        route, path_parameters = matched
        headers = dict(headers or {})
        is_base64 = False
        if isinstance(body, bytes):
            try:
                body = body.decode()
            except UnicodeDecodeError:  # API Gateway passes bytes that are not text as base64
                body, is_base64 = base64.b64encode(body).decode(), True
        return route, {
            "resource": route.path,
            "path": path,
            "httpMethod": method,
            "headers": headers,
            "multiValueHeaders": {k: [v] for k, v in headers.items()},
            "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
            "multiValueQueryStringParameters": query or None,
            "pathParameters": path_parameters or None,
            "stageVariables": None,
            "requestContext": {
                "resourcePath": route.path,
                "httpMethod": method,
                "path": f"/{self.stage}{path}",
                "stage": self.stage,
                "requestId": request_id or str(uuid.uuid4()),
                "requestTimeEpoch": int(time.time() * 1000),
                "accountId": ACCOUNT,
                "apiId": API_ID,
                "identity": {"sourceIp": "127.0.0.1", "userAgent": headers.get("User-Agent", "")},
            },
            "body": body or None,
            "isBase64Encoded": is_base64,
        }

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        """One request, answered as API Gateway would, with its ``x-amzn-RequestId`` header: the
        ``requestContext.requestId`` the authorizer and the function got (their logs' correlation id)."""
        request_id = str(uuid.uuid4())
        status, out_headers, payload = self._handle(method, raw_path, headers, body, request_id)
        return status, {**out_headers, REQUEST_ID_HEADER: request_id}, payload

    def _handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes, request_id: str
    ) -> tuple[int, dict[str, str], bytes]:
        built = self.proxy_event(method, raw_path, headers, body, request_id)
        if built is None:
            return self.gateway_response("MISSING_AUTHENTICATION_TOKEN", 403, urlsplit(raw_path).path)
        route, event = built
        if route.authorized and self.authorizer_function:
            denied, context = self._authorize(event, method, event["path"])
            if denied:
                return denied
            event["requestContext"]["authorizer"] = context
        try:
            response = self.runtime.invoke(route.function, event)
        except FunctionTimeout as timeout:  # Lambda's "Task timed out": a 502 too, with no traceback to show
            print(f"{route.function}: {timeout}", file=sys.stderr)
            return 502, {"Content-Type": "application/json"}, b'{"message": "Internal server error"}'
        except Exception:  # an unhandled Lambda error is a 502 at the gateway
            traceback.print_exc()
            return 502, {"Content-Type": "application/json"}, b'{"message": "Internal server error"}'
        out_headers = dict(response.get("headers") or {})
        for name, values in (response.get("multiValueHeaders") or {}).items():
            out_headers[name] = ",".join(values)
        payload = response.get("body") or ""
        return int(response.get("statusCode", 200)), out_headers, payload.encode()

    def _authorize(self, event: dict[str, Any], method: str, path: str) -> tuple[Any, dict[str, Any]]:
        lowered = {k.lower(): v for k, v in event["headers"].items()}
        for header in self.authorizer_spec.get("Identity", {}).get("Headers", []):
            if not lowered.get(header.lower()):
                return self.gateway_response("UNAUTHORIZED", 401, path), {}
        method_arn = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{API_ID}/{self.stage}/{method}{path}"
        auth_event = {
            "type": "REQUEST",
            "methodArn": method_arn,
            **{k: event[k] for k in ("resource", "path", "httpMethod", "headers", "multiValueHeaders",
                                     "queryStringParameters", "multiValueQueryStringParameters",
                                     "pathParameters", "stageVariables", "requestContext")},
        }  # fmt: skip
        try:
            result = self.runtime.invoke(self.authorizer_function, auth_event)
        except Exception as error:
            if str(error) == "Unauthorized":
                return self.gateway_response("UNAUTHORIZED", 401, path), {}
            return self.gateway_response("AUTHORIZER_FAILURE", 500, path), {}
        allowed = any(
            statement.get("Effect") == "Allow"
            and any(fnmatch.fnmatchcase(method_arn, r) for r in _as_list(statement.get("Resource")))
            for statement in result.get("policyDocument", {}).get("Statement", [])
        )
        if not allowed:
            return self.gateway_response("ACCESS_DENIED", 403, path), {}
        context = {k: str(v) for k, v in (result.get("context") or {}).items()}
        return None, {"principalId": result.get("principalId"), **context}


_PATH_CONDITION = re.compile(r'^#if\(\$context\.path\.contains\("([^"]*)"\)\)(.*)#else(.*)#end$', re.S)


def _render(template: str, context_path: str) -> str:
    """The one VTL form template.yaml's gateway responses use: a branch on $context.path."""
    match = _PATH_CONDITION.match(template.strip())
    if match is None:
        return template
    needle, then, otherwise = match.groups()
    return then if needle in context_path else otherwise


def _as_list(value: Any) -> list[str]:
    return value if isinstance(value, list) else [value] if value else []
