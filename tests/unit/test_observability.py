"""cart_core.observability: one function's logger, metrics and tracer, wired once.

Metrics leave as CloudWatch EMF lines on stdout (what Lambda ships to CloudWatch Logs, where they
become metrics); these tests read them there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from cart_core import observability
from cart_core.observability import DEFAULT_NAMESPACE, Observability
from local.runtime import LambdaContext


def context(name: str = "cart-test-Fn") -> LambdaContext:
    return LambdaContext(name, 512, 10, "req-1", f"arn:aws:lambda:us-east-1:123456789012:function:{name}")


def emf_lines(out: str) -> list[dict[str, Any]]:
    """The EMF documents printed to stdout (JSON objects with an ``_aws`` key)."""
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return [line for line in lines if "_aws" in line]


def metric_names(document: dict[str, Any]) -> list[str]:
    return [m["Name"] for d in document["_aws"]["CloudWatchMetrics"] for m in d["Metrics"]]


@pytest.fixture(autouse=True)
def warm(monkeypatch) -> None:
    """Every test starts in a warm environment unless it says otherwise (the cold flag is process-wide)."""
    from aws_lambda_powertools.metrics.provider import cold_start

    monkeypatch.setattr(cold_start, "is_cold_start", False)


def test_a_business_metric_is_flushed_as_emf_under_the_namespace_and_service(monkeypatch, capsys) -> None:
    # Given a function named by its service, with the namespace from the environment
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "stream-outbox")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "CartServiceTest")
    observed = Observability()

    @observed.handler()
    def handler(event: dict, ctx: Any) -> str:
        observed.count("CartSubmitted")
        observed.count("CartSubmitted")
        return "ok"

    # When it is invoked
    assert handler({}, context()) == "ok"
    # Then one EMF document went to stdout: the metric twice, in the namespace, with the service dimension
    (document,) = emf_lines(capsys.readouterr().out)
    assert metric_names(document) == ["CartSubmitted"]
    assert document["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "CartServiceTest"
    assert document["service"] == "stream-outbox" and document["CartSubmitted"] == [1.0, 1.0]


def test_metrics_are_flushed_when_the_handler_raises(capsys) -> None:
    observed = Observability(service="webhook-worker")

    @observed.handler()
    def handler(event: dict, ctx: Any) -> None:
        observed.count("WebhookDeadLettered")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        handler({}, context())
    (document,) = emf_lines(capsys.readouterr().out)
    assert metric_names(document) == ["WebhookDeadLettered"]


def test_the_first_invocation_of_an_environment_records_a_cold_start_and_the_next_does_not(monkeypatch, capsys) -> None:
    from aws_lambda_powertools.metrics.provider import cold_start

    monkeypatch.setattr(cold_start, "is_cold_start", True)
    observed = Observability(service="blaze-cart")
    handler = observed.handler()(lambda event, ctx: "ok")
    handler({}, context("cart-test-BlazeCartFunction"))
    handler({}, context("cart-test-BlazeCartFunction"))
    documents = emf_lines(capsys.readouterr().out)
    (cold,) = [d for d in documents if "ColdStart" in metric_names(d)]
    assert cold["function_name"] == "cart-test-BlazeCartFunction" and cold["service"] == "blaze-cart"
    assert len(documents) == 1  # the warm invocation recorded nothing, and printed nothing


def test_an_invocation_without_metrics_prints_nothing_and_warns_nothing(capsys, recwarn) -> None:
    handler = Observability(service="loke-cart").handler()(lambda event, ctx: "ok")
    handler({}, context())
    assert not emf_lines(capsys.readouterr().out)
    assert not [w for w in recwarn if "No application metrics" in str(w.message)]


def test_two_functions_in_one_interpreter_flush_only_their_own_metrics(capsys) -> None:
    # Given two functions' observability in one process (the local cloud runs them so)
    outbox, webhooks = Observability(service="stream-outbox"), Observability(service="webhook-worker")
    webhooks.count("WebhookDelivered")  # recorded by one function, not yet flushed

    # When the other function's invocation ends
    outbox.handler()(lambda event, ctx: outbox.count("OrderPlaced"))({}, context())

    # Then it flushed its own metric only, under its own service
    (document,) = emf_lines(capsys.readouterr().out)
    assert metric_names(document) == ["OrderPlaced"] and document["service"] == "stream-outbox"


def test_the_namespace_has_a_default(monkeypatch) -> None:
    monkeypatch.delenv("POWERTOOLS_METRICS_NAMESPACE", raising=False)
    assert Observability(service="x").metrics.namespace == DEFAULT_NAMESPACE


def test_the_correlation_id_path_puts_the_request_id_on_every_log_line(capsys) -> None:
    observed = Observability(service="blaze-cart")
    lines: list[str] = []

    @observed.handler(correlation_id_path="requestContext.requestId")
    def handler(event: dict, ctx: Any) -> None:
        lines.append(observed.logger.get_correlation_id())

    handler({"requestContext": {"requestId": "abc-123"}}, context())
    assert lines == ["abc-123"]


def test_the_tracer_is_off_in_tests_and_absent_without_the_xray_sdk(monkeypatch) -> None:
    # Given the tests' POWERTOOLS_TRACE_DISABLED (tests/conftest.py): a Tracer, disabled
    tracer = Observability(service="x").tracer
    assert tracer is None or tracer.disabled
    # Given Lambda with Tracing Active but no X-Ray SDK (the deployed layer does not ship it): no
    # Tracer at all, and the handler still runs
    monkeypatch.delenv("POWERTOOLS_TRACE_DISABLED", raising=False)
    monkeypatch.delenv("AWS_SAM_LOCAL", raising=False)
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "f")
    monkeypatch.setenv("AWS_XRAY_DAEMON_ADDRESS", "169.254.79.129:2000")
    monkeypatch.setattr(observability.importlib.util, "find_spec", lambda name: None)
    assert observability.tracing_on() is False
    observed = Observability(service="x")
    assert observed.tracer is None
    assert observed.handler()(lambda event, ctx: "ok")({}, context()) == "ok"


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"AWS_LAMBDA_FUNCTION_NAME": "f", "AWS_XRAY_DAEMON_ADDRESS": "169.254.79.129:2000"}, True),
        ({"AWS_LAMBDA_FUNCTION_NAME": "f"}, False),  # Tracing not Active: no daemon
        ({"AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000"}, False),  # not on Lambda
        (
            {"AWS_LAMBDA_FUNCTION_NAME": "f", "AWS_XRAY_DAEMON_ADDRESS": "a:1", "POWERTOOLS_TRACE_DISABLED": "true"},
            False,
        ),
        ({"AWS_LAMBDA_FUNCTION_NAME": "f", "AWS_XRAY_DAEMON_ADDRESS": "a:1", "AWS_SAM_LOCAL": "true"}, False),
    ],
)
def test_tracing_is_on_only_on_lambda_with_active_tracing_and_not_disabled(monkeypatch, environment, expected) -> None:
    # Given an environment (and an importable X-Ray SDK)
    for name in ("AWS_LAMBDA_FUNCTION_NAME", "AWS_XRAY_DAEMON_ADDRESS", "POWERTOOLS_TRACE_DISABLED", "AWS_SAM_LOCAL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(observability.importlib.util, "find_spec", lambda name: object())
    # When the function decides whether to trace, Then it traces only there
    assert observability.tracing_on() is expected


def test_without_tracing_no_xray_module_is_imported() -> None:
    # Given a fresh interpreter outside Lambda, When a function's Observability is built
    code = (
        "import sys; from cart_core.observability import Observability; Observability('x'); "
        "print(sorted(m for m in sys.modules if m.startswith('aws_xray_sdk')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "POWERTOOLS_TRACE_DISABLED": "false"},
    )
    # Then the X-Ray SDK was not imported
    assert done.stdout.strip() == "[]"
