"""Shared fixtures. AWS is moto, with tables built from template.yaml so tests cannot drift from it."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from local.template import Template, create_tables, physical_names

TEMPLATE = Template.load()
DEMO = {"x-api-key": "demo-partner-key", "Authorization": "demo-developer-key"}
ACME = {"x-api-key": "acme-partner-key", "Authorization": "acme-developer-key"}
BLAZE = "/api/v1/partner/store/cart"


def _reset_process_caches() -> None:
    from cart_core import config, runtime

    config.settings.cache_clear()
    runtime.store.cache_clear()
    runtime.cart_service.cache_clear()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Any:
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    names = physical_names(TEMPLATE, "cart-test")
    with mock_aws():
        create_tables(TEMPLATE, boto3.client("dynamodb"), names)
        monkeypatch.setenv("TABLE_NAME", names["CartTable"])
        _reset_process_caches()
        yield names
    _reset_process_caches()


@pytest.fixture
def store(aws: dict[str, str]) -> Any:
    """The DynamoDB store the functions use, loaded with the demo fixture."""
    from cart_core.runtime import store as process_store
    from local.fixture import load

    store = process_store()
    load(store)
    return store


@dataclass
class ApiResponse:
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


class InProcessApi:
    """API Gateway + authorizer + functions, wired from template.yaml, invoked in-process."""

    def __init__(self, names: dict[str, str]) -> None:
        from local.gateway import Gateway
        from local.runtime import FunctionRuntime

        self.runtime = FunctionRuntime(TEMPLATE, names)
        self.gateway = Gateway(TEMPLATE, self.runtime)

    def request(
        self,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        json_body: Any = None,
        raw: str | None = None,
    ) -> ApiResponse:
        body = raw if raw is not None else (json.dumps(json_body) if json_body is not None else "")
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        status, out_headers, payload = self.gateway.handle(method, path, all_headers, body.encode())
        return ApiResponse(status, out_headers, payload.decode())

    def blaze(self, method: str, path: str, json_body: Any = None, headers: dict[str, str] | None = None, **kw: Any):
        return self.request(method, BLAZE + path, {**DEMO, **(headers or {})}, json_body, **kw)


@pytest.fixture
def api(aws: dict[str, str], store: Any) -> InProcessApi:
    return InProcessApi(aws)


class DynamoCallCounter:
    """Counts DynamoDB API calls made through the functions' shared client."""

    def __init__(self, client: Any) -> None:
        self.calls: Counter[str] = Counter()
        client.meta.events.register("before-call.dynamodb.*", self._count)

    def _count(self, model: Any, **_: Any) -> None:
        self.calls[model.name] += 1

    @property
    def total(self) -> int:
        return sum(self.calls.values())

    def reset(self) -> None:
        self.calls.clear()


@pytest.fixture
def dynamo_calls(store: Any) -> DynamoCallCounter:
    return DynamoCallCounter(store.client)
