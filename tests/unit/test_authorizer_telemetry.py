"""The authorizer logs and counts its cold starts on the standard library (authorizer/telemetry.py) in
the shapes Powertools writes for every other function: the same JSON keys in the same order, and the
same ColdStart EMF document. Both are produced here side by side and compared."""

from __future__ import annotations

import contextlib
import gc
import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from authorizer.telemetry import SHARED_HANDLER, Telemetry
from local.runtime import LambdaContext

EVENT = {"requestContext": {"requestId": "req-abc"}, "path": "/x"}
TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"


def context() -> LambdaContext:
    return LambdaContext(
        "cart-Authorizer", 256, 10, "req-1", "arn:aws:lambda:us-east-1:123456789012:function:cart-Authorizer"
    )


@pytest.fixture
def env(monkeypatch) -> Iterator[pytest.MonkeyPatch]:
    from aws_lambda_powertools.logging import logger as powertools_logger

    monkeypatch.setattr(powertools_logger, "is_cold_start", True)  # a fresh environment on both sides
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "authorizer-test")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "CartServiceTest")
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "INFO")
    monkeypatch.setenv("_X_AMZN_TRACE_ID", TRACE)
    yield monkeypatch
    for handler in logging.getLogger("authorizer-test").handlers[:]:
        logging.getLogger("authorizer-test").removeHandler(handler)


def our_handler(telemetry: Telemetry) -> Any:
    """The handler Telemetry put on its logger (pytest may have put its own capturing ones there)."""
    (handler,) = [h for h in telemetry.logger.handlers if h.formatter is telemetry.formatter]
    return handler


def ours(log: Any) -> tuple[list[dict[str, Any]], str]:
    """One invocation of a handler wrapped by Telemetry that calls ``log(logger)``: the JSON lines it
    logged, and what it printed (the EMF documents)."""
    telemetry = Telemetry()
    stream = io.StringIO()
    handler = our_handler(telemetry)
    handler.setStream(stream)  # type: ignore[attr-defined]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        telemetry.handler(lambda event, ctx: log(telemetry.logger))(EVENT, context())
    return [json.loads(line) for line in stream.getvalue().splitlines()], printed.getvalue()


def powertools(log: Any) -> list[dict[str, Any]]:
    from aws_lambda_powertools import Logger

    stream = io.StringIO()
    logger = Logger(service="authorizer-test", stream=stream)
    wrapped = logger.inject_lambda_context(correlation_id_path="requestContext.requestId")(lambda e, c: log(logger))
    wrapped(EVENT, context())
    for handler in logging.getLogger("authorizer-test").handlers[:]:  # Powertools' own, on the same std logger
        logging.getLogger("authorizer-test").removeHandler(handler)
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_log_line_has_powertools_keys_in_powertools_order(env) -> None:
    # Given the same line logged by Powertools' Logger and by the authorizer's telemetry, in one invocation
    def log(logger: Any) -> None:
        logger.info("Rejected credentials", extra={"path": "/x"})

    (theirs,), ((mine,), _) = powertools(log), ours(log)
    # Then the keys are the same, in the same order, with the same values (but the moment and line)
    assert list(mine) == list(theirs)
    for key in ("location", "timestamp"):
        mine.pop(key), theirs.pop(key)
    assert mine == theirs
    assert mine["correlation_id"] == "req-abc" and mine["xray_trace_id"] == "1-5759e988-bd862e3fe1be46a994272793"


def test_a_warning_below_the_level_is_dropped_and_an_exception_is_logged_with_its_name(env) -> None:
    env.setenv("POWERTOOLS_LOG_LEVEL", "WARNING")

    def log(logger: Any) -> None:
        logger.info("not shown")
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            logger.exception("Credential store unavailable")

    (line,), _ = ours(log)
    assert line["level"] == "ERROR" and line["exception_name"] == "RuntimeError" and "boom" in line["exception"]


def test_the_cold_start_metric_is_powertools_document_once_per_environment(env, capsys) -> None:
    from aws_lambda_powertools.metrics import EphemeralMetrics

    # Given Powertools' ColdStart document for the same function and service
    EphemeralMetrics(namespace="CartServiceTest", service="authorizer-test").add_cold_start_metric(context())
    theirs = json.loads(capsys.readouterr().out)
    # When the authorizer's telemetry serves two invocations
    telemetry = Telemetry()
    handler = telemetry.handler(lambda event, ctx: "ok")
    handler(EVENT, context())
    handler(EVENT, context())
    documents = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    # Then the first printed the same document (but its timestamp) and the second nothing
    (mine,) = documents
    mine["_aws"].pop("Timestamp"), theirs["_aws"].pop("Timestamp")
    assert mine == theirs
    # And after a SnapStart restore (cart_core.snapstart calls renew) the next invocation is cold again
    telemetry.renew()
    handler(EVENT, context())
    assert '"ColdStart"' in capsys.readouterr().out


@pytest.fixture
def collector() -> Iterator[None]:
    yield
    gc.unfreeze()
    gc.enable()


def test_with_pause_gc_the_collector_waits_for_the_first_invocation_to_answer(env, collector) -> None:
    # Given the telemetry of the function's own process
    telemetry = Telemetry(pause_gc=True)
    # Then the collector is off through init and the first invocation
    seen: list[bool] = []
    handler = telemetry.handler(lambda event, ctx: seen.append(gc.isenabled()))
    assert not gc.isenabled()
    # When the first invocation raises (an unauthorized caller), the collector is on again afterwards
    failing = telemetry.handler(lambda event, ctx: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        failing(EVENT, context())
    assert gc.isenabled() and gc.get_freeze_count() > 0
    handler(EVENT, context())
    assert seen == [True]


def test_without_pause_gc_the_collector_is_left_alone(env, collector) -> None:
    Telemetry()
    assert gc.isenabled()


def test_concurrent_invocations_in_one_process_log_their_own_correlation_id(env) -> None:
    import threading

    # Given two invocations at once on two threads (the local cloud runs them so)
    telemetry = Telemetry()
    stream = io.StringIO()
    handler = our_handler(telemetry)
    handler.setStream(stream)  # type: ignore[attr-defined]
    inside, release = threading.Barrier(2), threading.Event()

    def invocation(event: dict, ctx: Any) -> None:
        inside.wait()  # both have set their keys
        if event["requestContext"]["requestId"] == "first":
            release.wait()
        telemetry.logger.info("done")
        release.set()

    wrapped = telemetry.handler(invocation)
    threads = [
        threading.Thread(target=wrapped, args=({"requestContext": {"requestId": rid}}, context()))
        for rid in ("first", "second")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    # Then each line carries its own invocation's request id
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["correlation_id"] for line in lines] == ["second", "first"]


def test_module_copies_of_one_function_share_the_handler_and_log_their_own_keys(env) -> None:
    # Given two copies of the function in one process (the local cloud's execution environments)
    first, second = Telemetry(), Telemetry()
    # Then the service's logger has one handler, and an invocation of the first copy logs its keys
    (handler,) = [h for h in logging.getLogger("authorizer-test").handlers if getattr(h, SHARED_HANDLER, False)]
    stream = io.StringIO()
    handler.setStream(stream)  # type: ignore[attr-defined]
    first.handler(lambda event, ctx: first.logger.info("from the first copy"))(EVENT, context())
    (line,) = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert line["correlation_id"] == "req-abc" and line["function_request_id"] == "req-1"
    assert second.formatter is first.formatter
