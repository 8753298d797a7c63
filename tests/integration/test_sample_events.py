"""events/ holds one sample per endpoint, and each one runs (what `make invoke` does)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import TEMPLATE

EVENTS = Path(__file__).resolve().parents[2] / "events"
SAMPLES = sorted((EVENTS / "blaze_cart").glob("*.json"))


def test_every_blaze_route_has_a_sample_event() -> None:
    routes = {(r.method, r.path) for r in TEMPLATE.api_routes() if r.function == "BlazeCartFunction"}
    sampled = {(e["httpMethod"], e["resource"]) for e in (json.loads(p.read_text()) for p in SAMPLES)}
    assert routes == sampled


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_sample_event_runs_without_a_server_error(api, sample: Path) -> None:
    response = api.runtime.invoke("BlazeCartFunction", json.loads(sample.read_text()))
    assert response["statusCode"] < 500
    body = json.loads(response["body"])
    assert "id" in body or "values" in body or "cost" in body or {"error", "message", "status"} <= set(body)


def test_authorizer_sample_resolves_the_demo_tenant(api) -> None:
    policy = api.runtime.invoke(
        "AuthorizerFunction", json.loads((EVENTS / "authorizer/blaze_request.json").read_text())
    )
    assert policy["context"]["tenantId"] == "demo"
    assert policy["policyDocument"]["Statement"][0]["Effect"] == "Allow"
