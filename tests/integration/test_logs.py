"""Logs a person can follow: the local cloud's access line, correlation ids in the functions' logs,
dead-lettered messages at ERROR with what was tried. In-process, moto."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from local.pollers import SqsPoller
from local.server import wsgi_app
from local.webhook_receiver import WebhookReceiver
from tests.conftest import BLAZE, DEMO, DEMO_POS
from tests.integration.test_checkout_events import submitted_cart, subscribe

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def call(app, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> tuple[str, dict[str, str]]:
    """One request through the local cloud's WSGI app, as waitress would make it."""
    path, _, query = path.partition("?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json",
        "wsgi.input": io.BytesIO(body),
    }
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        answer["status"], answer["headers"] = status, dict(headers)

    b"".join(app(environ, start_response))
    return answer["status"], answer["headers"]


@pytest.fixture
def access_log(caplog) -> Iterator[Any]:
    caplog.set_level(logging.INFO, logger="local.access")
    yield lambda: [r.getMessage() for r in caplog.records if r.name == "local.access"]


def test_an_access_line_has_status_latency_request_id_and_the_reason_of_an_error(api, access_log) -> None:
    app = wsgi_app(api.gateway)
    # When a BLAZE client asks for a cart that does not exist, with its own correlation id
    status, headers = call(
        app, "GET", f"{BLAZE}/000000000000000000000000?cuid=alice&partner_key=demo-partner-key",
        {**DEMO, "X-Correlation-Id": "checkout-42"},
    )  # fmt: skip
    # Then one line: method, path (credential redacted), status, latency, API Gateway's request id (also
    # the x-amzn-RequestId response header), the client's id, and the face's error message as the reason
    assert status.startswith("404")
    request_id = headers["x-amzn-RequestId"]
    assert re.fullmatch(UUID, request_id)
    (line,) = access_log()
    assert re.fullmatch(
        rf"GET {BLAZE}/0{{24}}\?cuid=alice&partner_key=REDACTED 404 \d+\.\dms id={request_id} "
        r'client_id=checkout-42 reason="Cart 0{24} not found"',
        line,
    ), line


def test_a_loke_error_and_a_gateway_refusal_give_their_reason_too(api, access_log) -> None:
    app = wsgi_app(api.gateway)
    call(app, "GET", "/organizations/demo/locations/main/cart/000000000000000000000000", DEMO_POS)
    call(app, "GET", f"{BLAZE}/active?cuid=alice", {"x-api-key": "wrong-partner-key", "Authorization": "wrong-key"})
    call(app, "GET", f"{BLAZE}/active?cuid=alice", DEMO)
    loke, refused, ok = access_log()
    assert loke.startswith("GET /organizations/demo/locations/main/cart/") and " 404 " in loke and "reason=" in loke
    assert " 401 " in refused and 'reason="Missing or invalid API credentials"' in refused
    # A success has no reason; a line never carries the request's credentials
    assert " 200 " in ok and "reason=" not in ok
    assert not any(secret in line for line in (loke, refused, ok) for secret in ("wrong-key", "demo-pos-token"))


def test_a_reason_never_repeats_a_credential_and_is_bounded(api, access_log, monkeypatch) -> None:
    # Given a face whose error message echoes what it was sent (here: a long one with the caller's key)
    gateway = api.gateway
    echo = json.dumps({"message": "bad key demo-developer-key " + "x" * 500}).encode()
    monkeypatch.setattr(gateway, "handle_multi", lambda *a: (400, [("Content-Type", "application/json")], echo))
    call(wsgi_app(gateway), "POST", f"{BLAZE}/prepare", DEMO)
    (line,) = access_log()
    reason = json.loads(line.split("reason=", 1)[1])
    assert "demo-developer-key" not in line and reason.startswith("bad key REDACTED xxx")
    assert len(reason) == 200


def powertools_lines(service: str, monkeypatch) -> list[dict[str, Any]]:
    """The JSON lines a function's Powertools Logger writes (all module copies share one std logger)."""
    buffer = io.StringIO()
    for handler in logging.getLogger(service).handlers:
        if isinstance(handler, logging.StreamHandler):
            monkeypatch.setattr(handler, "stream", buffer)
    lines: list[dict[str, Any]] = []

    def read() -> list[dict[str, Any]]:
        lines[:] = [json.loads(line) for line in buffer.getvalue().splitlines() if line.startswith("{")]
        return lines

    return read  # type: ignore[return-value]


def test_the_authorizer_logs_the_request_id_as_its_correlation_id(api, monkeypatch) -> None:
    api.runtime.handler("AuthorizerFunction")  # imported, so its logger exists
    logs = powertools_lines("authorizer", monkeypatch)
    app = wsgi_app(api.gateway)
    _, headers = call(app, "GET", f"{BLAZE}/active?cuid=alice", {"x-api-key": "nope", "Authorization": "nope"})
    (rejected,) = [line for line in logs() if line["message"] == "Rejected credentials"]
    assert rejected["correlation_id"] == headers["x-amzn-RequestId"]


def test_a_dead_lettered_webhook_is_logged_at_error_with_what_was_tried(api, monkeypatch) -> None:
    # Given a POS whose endpoint refuses every delivery for good (a 4xx other than 408/429)
    receiver = WebhookReceiver(status=410)
    try:
        subscribe(api, receiver.url + "?token=hook-secret-in-url", secret="s3cret-value")
        api.runtime.handler("WebhookWorkerFunction")
        logs = powertools_lines("webhook-worker", monkeypatch)
        # When a cart is submitted and the worker tries to announce it
        cart_id = submitted_cart(api)
        api.drain()
    finally:
        receiver.close()
    # Then one ERROR line says which event, subscription, how many attempts, the last error and the
    # receiver's host, and nothing of the URL's path or query or of the secret
    (dead,) = [line for line in logs() if line["level"] == "ERROR"]
    assert dead["message"] == "Webhook dead-lettered after 1 attempt(s): HTTP 410 (final)"
    assert dead["event_id"] == f"demo.{cart_id}.2.CartSubmitted" == dead["correlation_id"]
    assert (dead["subscription"], dead["attempts"], dead["last_error"], dead["host"]) == (
        "pos-1", 1, "HTTP 410 (final)", "127.0.0.1",
    )  # fmt: skip
    flat = json.dumps(dead)
    assert "hook-secret-in-url" not in flat and "/hooks" not in flat and "s3cret-value" not in flat


class FailingRuntime:
    """A function that fails every message."""

    def invoke(self, logical_id: str, event: dict[str, Any]) -> dict[str, Any]:
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event["Records"]]}


def test_the_sqs_poller_logs_a_redrive_to_the_dead_letter_queue_at_error(aws, caplog, monkeypatch) -> None:
    # Given the payment queue (3 receives, then its dead-letter queue) and a worker that always fails
    monkeypatch.setenv("LOCAL_SQS_VISIBILITY_TIMEOUT", "0")
    sqs = boto3.client("sqs")
    url, arn = aws["PaymentQueue"], aws["PaymentQueue.Arn"]
    queue, dead_letter_queue = (aws[f"{q}.Arn"].rsplit(":", 1)[1] for q in ("PaymentQueue", "PaymentDeadLetterQueue"))
    message_id = sqs.send_message(QueueUrl=url, MessageBody="{}")["MessageId"]
    poller = SqsPoller(FailingRuntime(), "PaymentWorkerFunction", url, arn, 10)  # type: ignore[arg-type]
    caplog.set_level(logging.INFO, logger="local.pollers")
    # When it has been received as often as the redrive policy allows
    for _ in range(3):
        poller.poll_once()
    # Then the first failures are warnings, the last an ERROR naming the queue, message, count and DLQ
    records = [r for r in caplog.records if r.name == "local.pollers"]
    assert [r.levelname for r in records] == ["WARNING", "WARNING", "ERROR"]
    assert records[-1].getMessage() == (
        f"{queue}: message {message_id} failed its receive 3 of 3; "
        f"SQS moves it to the dead-letter queue {dead_letter_queue}"
    )
    # And SQS does move it
    poller.poll_once()
    assert (
        sqs.receive_message(QueueUrl=aws["PaymentDeadLetterQueue"], WaitTimeSeconds=1)["Messages"][0]["MessageId"]
        == message_id
    )
