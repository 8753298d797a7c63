"""API Gateway (REST, proxy integration) in front of the local function runtime."""

from __future__ import annotations

import fnmatch
import json
import time
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

from local.runtime import ACCOUNT, REGION, FunctionRuntime
from local.template import Template

API_ID = "localapi"


class Gateway:
    def __init__(self, template: Template, runtime: FunctionRuntime, stage: str = "dev") -> None:
        self.routes = template.api_routes()
        self._patterns = [(route, route.pattern()) for route in self.routes]
        self.runtime = runtime
        self.stage = stage
        self.responses = template.gateway_responses()
        authorizer = template.authorizer()
        self.authorizer_function, self.authorizer_spec = authorizer if authorizer else (None, {})

    def gateway_response(self, kind: str, default_status: int) -> tuple[int, dict[str, str], bytes]:
        spec = self.responses.get(kind, {})
        status = int(spec.get("StatusCode", default_status))
        body = spec.get("ResponseTemplates", {}).get("application/json", json.dumps({"message": kind.title()}))
        return status, {"Content-Type": "application/json"}, body.encode()

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        url = urlsplit(raw_path)
        path = url.path
        query = parse_qs(url.query, keep_blank_values=True)
        matched = [(route, m) for route, pattern in self._patterns if (m := pattern.match(path))]
        if not matched:
            return self.gateway_response("MISSING_AUTHENTICATION_TOKEN", 403)
        for_method = [(r, m) for r, m in matched if r.method in (method, "ANY")]
        if not for_method:
            return self.gateway_response("MISSING_AUTHENTICATION_TOKEN", 403)
        route, match = for_method[0]
        request_id = str(uuid.uuid4())
        event: dict[str, Any] = {
            "resource": route.path,
            "path": path,
            "httpMethod": method,
            "headers": dict(headers),
            "multiValueHeaders": {k: [v] for k, v in headers.items()},
            "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
            "multiValueQueryStringParameters": query or None,
            "pathParameters": match.groupdict() or None,
            "stageVariables": None,
            "requestContext": {
                "resourcePath": route.path,
                "httpMethod": method,
                "path": f"/{self.stage}{path}",
                "stage": self.stage,
                "requestId": request_id,
                "requestTimeEpoch": int(time.time() * 1000),
                "accountId": ACCOUNT,
                "apiId": API_ID,
                "identity": {"sourceIp": "127.0.0.1", "userAgent": headers.get("User-Agent", "")},
            },
            "body": body.decode() if body else None,
            "isBase64Encoded": False,
        }
        if route.authorized and self.authorizer_function:
            denied, context = self._authorize(event, method, path)
            if denied:
                return denied
            event["requestContext"]["authorizer"] = context
        try:
            response = self.runtime.invoke(route.function, event)
        except Exception:
            import traceback

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
                return self.gateway_response("UNAUTHORIZED", 401), {}
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
                return self.gateway_response("UNAUTHORIZED", 401), {}
            return self.gateway_response("AUTHORIZER_FAILURE", 500), {}
        allowed = any(
            statement.get("Effect") == "Allow"
            and any(fnmatch.fnmatchcase(method_arn, r) for r in _as_list(statement.get("Resource")))
            for statement in result.get("policyDocument", {}).get("Statement", [])
        )
        if not allowed:
            return self.gateway_response("ACCESS_DENIED", 403), {}
        context = {k: str(v) for k, v in (result.get("context") or {}).items()}
        return None, {"principalId": result.get("principalId"), **context}


def _as_list(value: Any) -> list[str]:
    return value if isinstance(value, list) else [value] if value else []
