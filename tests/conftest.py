"""Shared fixtures. AWS is moto, with tables built from template.yaml so tests cannot drift from it."""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest

from cart_core.faces import by_name
from local.resources import provision
from local.template import Template
from local.webhook_receiver import WebhookReceiver

# No X-Ray in tests: the Tracer (cart_core.observability) stays off even where the SDK is installed.
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")

__all__ = ["ACME", "ACME_POS", "BLAZE", "DEMO", "DEMO_POS", "TEMPLATE"]
TEMPLATE = Template.load()

BLAZE = by_name("blaze").base_path  # the face registry (cart_core.faces)
# The tests' shorthand for the demo fixture's credentials (local/fixture.py makes every registered
# face's) of the two faces they exercise most: tenant demo and tenant acme, BLAZE and LOKE (POS).
DEMO, ACME = dict(by_name("blaze").demo_headers), dict(by_name("blaze").acme_headers)
DEMO_POS, ACME_POS = dict(by_name("loke").demo_headers), dict(by_name("loke").acme_headers)


def _reset_process_caches() -> None:
    from cart_core import config, runtime

    config.settings.cache_clear()
    runtime.store.cache_clear()
    runtime.use_cases.cache_clear()
    runtime._subscription_service.cache_clear()
    runtime._table.cache_clear()
    runtime._auth_secrets.cache_clear()
    runtime._cart_token_keys.cache_clear()
    runtime._mailer.cache_clear()


@pytest.fixture(scope="session")
def moto_server() -> Any:
    """One AWS emulator for the session (moto's in-process mock lacks DynamoDB Streams' DescribeStream),
    with DynamoDB serialised as in the local cloud, so concurrency tests mean something."""
    from local.aws import AwsEmulator

    emulator = AwsEmulator().start()
    yield emulator.endpoint
    emulator.stop()


@pytest.fixture
def aws(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A clean emulator with every resource of template.yaml, for one test."""
    import requests

    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("ALLOW_LOOPBACK_WEBHOOK_URLS", "true")  # test receivers listen on loopback
    requests.post(f"{moto_server}/moto-api/reset", timeout=10)
    names = provision(TEMPLATE, "cart-test")
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

    def loke(self, method: str, path: str, json_body: Any = None, headers: dict[str, str] | None = None, **kw: Any):
        return self.request(method, path, {**DEMO_POS, **(headers or {})}, json_body, **kw)

    def drain(self, rounds: int = 20) -> None:
        """Run the stream and queue pollers in this thread until no work is left (deterministic)."""
        from local.pollers import SqsPoller, StreamPoller
        from local.resources import event_sources, queue_url_for_arn

        if not hasattr(self, "_pollers"):
            self._pollers = []
            for source in event_sources(TEMPLATE, self.runtime.names):
                if source["type"] == "SQS":
                    url = queue_url_for_arn(self.runtime.names, source["Queue"])
                    poller = SqsPoller(self.runtime, source["function"], url, source["Queue"], 10)
                    poller.visibility_timeout, poller.wait_seconds = 0, 0
                    self._pollers.append(poller)
                else:
                    self._pollers.append(StreamPoller(self.runtime, source["function"], source))
        for _ in range(rounds):
            if not sum(p.poll_once() for p in self._pollers):
                return


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


@pytest.fixture
def receiver():
    """A POS webhook endpoint on loopback that records what it gets (answers 200)."""
    r = WebhookReceiver()
    yield r
    r.close()
