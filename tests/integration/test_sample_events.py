"""events/ holds a sample for every endpoint and every worker, and each one runs (`make invoke`)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.conftest import TEMPLATE

EVENTS = Path(__file__).resolve().parents[2] / "events"
API_FOLDERS = {"BlazeCartFunction": "blaze_cart", "LokeCartFunction": "loke_cart"}
WORKER_FOLDERS = {
    "StreamOutboxFunction": "stream_outbox",
    "ValidationWorkerFunction": "validation_worker",
    "WebhookWorkerFunction": "webhook_worker",
    "DeadlineWorkerFunction": "deadline_worker",
    "PaymentWorkerFunction": "payment_worker",
}
API_SAMPLES = [(fn, p) for fn, folder in API_FOLDERS.items() for p in sorted((EVENTS / folder).glob("*.json"))]
WORKER_SAMPLES = [(fn, p) for fn, folder in WORKER_FOLDERS.items() for p in sorted((EVENTS / folder).glob("*.json"))]


@pytest.mark.parametrize("function", sorted(API_FOLDERS))
def test_every_route_has_a_sample_event(function: str) -> None:
    routes = {(r.method, r.path) for r in TEMPLATE.api_routes() if r.function == function}
    samples = (json.loads(p.read_text()) for p in (EVENTS / API_FOLDERS[function]).glob("*.json"))
    assert routes == {(e["httpMethod"], e["resource"]) for e in samples}


def test_every_function_has_samples() -> None:
    with_samples = {fn for fn, _ in API_SAMPLES + WORKER_SAMPLES} | {"AuthorizerFunction"}
    assert with_samples == set(TEMPLATE.functions())


@pytest.mark.parametrize(("function", "sample"), API_SAMPLES, ids=lambda v: getattr(v, "stem", v))
def test_api_sample_runs_without_a_server_error(api, function: str, sample: Path) -> None:
    response = api.runtime.invoke(function, json.loads(sample.read_text()))
    assert response["statusCode"] < 500, response


@pytest.fixture
def sample_cart(store) -> None:
    """The submitted cart the worker samples name (events/stream_outbox/cart_submitted.json)."""
    from cart_core.cart import Cart
    from cart_core.ports import Commit

    record = json.loads((EVENTS / "stream_outbox/cart_submitted.json").read_text())["Records"][0]
    cart = Cart.model_validate_json(record["dynamodb"]["NewImage"]["doc"]["S"])
    cart.expires_at = int(time.time()) + 3600
    store.commit(Commit(carts=[(cart, None)]))


@pytest.mark.parametrize(("function", "sample"), WORKER_SAMPLES, ids=lambda v: getattr(v, "stem", v))
def test_worker_sample_runs_cleanly(api, sample_cart, function: str, sample: Path) -> None:
    response = api.runtime.invoke(function, json.loads(sample.read_text()))
    assert response == {"batchItemFailures": []}


def test_authorizer_sample_resolves_the_demo_tenant(api) -> None:
    policy = api.runtime.invoke(
        "AuthorizerFunction", json.loads((EVENTS / "authorizer/blaze_request.json").read_text())
    )
    assert policy["context"]["tenantId"] == "demo"
    assert policy["policyDocument"]["Statement"][0]["Effect"] == "Allow"
