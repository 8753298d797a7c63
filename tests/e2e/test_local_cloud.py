"""The local cloud itself under load and abuse: concurrency, timeouts, HTTP edge cases, logs, docs.

Runs the probe cloud (tests/e2e/conftest.py): template.yaml plus test-only functions, among them
two that hold an invocation until released: one with a long timeout, one with 1 s.
"""

from __future__ import annotations

import re
import socket
import threading
import time
import uuid

import pytest
import requests

from local.template import Template

pytestmark = pytest.mark.e2e

BLAZE_ACTIVE = "/api/v1/partner/store/cart/active"
DEMO_KEYS = {"x-api-key": "demo-partner-key", "Authorization": "demo-developer-key"}


@pytest.fixture
def url(probe) -> str:
    return probe[0].url


def get(url: str, path: str, **kwargs) -> requests.Response:
    return requests.get(url + path, timeout=20, **kwargs)


def wait_until(condition, what: str) -> None:
    """Polls a condition (a wait, not a timed assertion: the bound only keeps a broken run finite)."""
    deadline = time.monotonic() + 20
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"never happened: {what}")
        time.sleep(0.05)


def start_hold(url: str, path: str) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def hold() -> None:
        response = get(url, path)
        outcome.update(status=response.status_code, body=response.json())

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    return thread, outcome


def test_a_hanging_function_does_not_stall_other_functions(url) -> None:
    """Given one function's invocation is hanging
    When a client calls another function (through the authorizer, a third one)
    Then that call is answered while the hanging one is still running."""
    name = uuid.uuid4().hex
    holder, outcome = start_hold(url, f"/_probe/hold?name={name}")
    wait_until(lambda: get(url, f"/_probe/holding?name={name}").json()["holding"], "the hold started")

    fast = get(url, BLAZE_ACTIVE, params={"cuid": "someone"}, headers=DEMO_KEYS)

    assert fast.status_code == 200
    assert holder.is_alive() and not outcome  # still hanging when the other call was answered
    requests.post(f"{url}/_probe/release?name={name}", timeout=20)
    holder.join(timeout=20)
    assert outcome == {"status": 200, "body": {"released": True}}


def test_a_function_past_its_timeout_fails_with_502_while_others_continue(url) -> None:
    """Given a function whose timeout is 1 s
    When an invocation of it runs past that
    Then the gateway answers 502 with API Gateway's body, and other functions still answer."""
    name = uuid.uuid4().hex
    try:
        timed_out = get(url, f"/_probe/short/hold?name={name}")
        assert timed_out.status_code == 502
        assert timed_out.json() == {"message": "Internal server error"}
        assert get(url, f"/_probe/short/holding?name={name}").json() == {"holding": True}  # abandoned, not killed
        assert get(url, BLAZE_ACTIVE, params={"cuid": "someone"}, headers=DEMO_KEYS).status_code == 200
    finally:
        requests.post(f"{url}/_probe/short/release?name={name}", timeout=20)


def test_a_burst_of_new_connections_is_all_answered(url) -> None:
    """Given 50 clients that each open a new connection at the same moment
    When each sends one request
    Then every one gets an HTTP answer (none is reset or refused).
    (http.server's listen backlog of 5 reset some of them on macOS; Linux's loopback mostly queues
    the overflow instead, so this test guards more than it reproduces there.)"""
    clients = 50
    barrier = threading.Barrier(clients)
    answers: list[bytes] = []
    errors: list[Exception] = []
    host, port = url.removeprefix("http://").split(":")

    def client() -> None:
        barrier.wait()
        try:
            with socket.create_connection((host, int(port)), timeout=20) as sock:
                sock.sendall(b"GET /_docs HTTP/1.1\r\nHost: local\r\nConnection: close\r\n\r\n")
                answers.append(sock.recv(12))
        except OSError as error:
            errors.append(error)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(answers) == clients and all(answer.startswith(b"HTTP/1.1 ") for answer in answers)


def raw_exchange(url: str, request: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def test_head_is_answered_without_a_body(url) -> None:
    # Given a resource that has a body on GET / When it is asked for with HEAD / Then headers only
    response = raw_exchange(url, b"HEAD /_docs HTTP/1.1\r\nHost: local\r\nConnection: close\r\n\r\n")
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and b"Content-Length:" in head
    assert body == b""


def test_a_negative_content_length_is_refused_with_400_at_once(url) -> None:
    # Given a request announcing Content-Length -1 / Then 400, not a wait for a body (socket timeout 10 s)
    request = "POST /api/v1/partner/store/cart/prepare HTTP/1.1\r\nHost: local\r\nContent-Length: -1\r\n\r\n"
    response = raw_exchange(url, request.encode())
    assert response.startswith(b"HTTP/1.1 400")


def test_secret_query_parameters_never_reach_the_log(probe) -> None:
    """Given a partner that passes its key in the query string
    When the request is served
    Then the access log has a line for it, with method, path, status, latency, request id and the
    reason for the 401, and no key."""
    cloud, log = probe
    marker = uuid.uuid4().hex
    secret = f"secret-{uuid.uuid4().hex}"
    get(cloud.url, BLAZE_ACTIVE, params={"cuid": marker, "partner_key": secret, "api_token": secret})
    wait_until(lambda: any(marker in line for line in log), "the access line was logged")
    (line,) = [line for line in log if marker in line]
    assert f"GET {BLAZE_ACTIVE}?cuid={marker}&partner_key=REDACTED&api_token=REDACTED 401" in line
    assert re.search(r" 401 \d+\.\dms id=[0-9a-f-]{36} reason=\"Missing or invalid API credentials\"$", line.rstrip())
    assert not any(secret in line for line in log)


def test_each_face_serves_its_openapi_document_and_swagger_ui(cloud, monkeypatch) -> None:
    """Given the local cloud / When a developer opens the docs
    Then each face's OpenAPI document is the one local.openapi generates, with a Swagger UI page."""
    from local.openapi import openapi_document
    from local.runtime import FunctionRuntime
    from local.template import physical_names
    from tests.conftest import _reset_process_caches

    # Generating the document imports the face here, which builds its (unused) AWS clients.
    for name, value in {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "local",
                        "AWS_SECRET_ACCESS_KEY": "local", "AWS_ENDPOINT_URL": cloud.aws_endpoint}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    template = Template.load()
    runtime = FunctionRuntime(template, physical_names(template, "docs"))
    local_cloud = cloud.url
    try:
        expected = openapi_document(runtime, "BlazeCartFunction")
    finally:
        _reset_process_caches()
    served = requests.get(f"{local_cloud}/_openapi/BlazeCartFunction.json", timeout=20)
    assert served.status_code == 200
    assert served.json() == expected
    page = requests.get(f"{local_cloud}/_docs/BlazeCartFunction", timeout=20)
    assert page.status_code == 200 and "SwaggerUIBundle" in page.text
    index = requests.get(f"{local_cloud}/_docs", timeout=20).text
    assert "/_docs/BlazeCartFunction" in index and "/_docs/LokeCartFunction" in index


def test_the_mail_a_function_sends_lands_in_the_mail_folder(cloud) -> None:
    """Given the local cloud (its MAIL_FOLDER, as `make local`'s .local/mail)
    When a Medusa customer asks for a password-reset token over HTTP
    Then the mail (sent through SES in the emulator) is in the folder as .eml and .html."""
    email = f"mail-{uuid.uuid4().hex[:8]}@example.com"
    store = f"{cloud.url}/store"
    registered = requests.post(f"{store}/customers", json={"email": email, "password": "s3cret pass"}, timeout=30)
    assert registered.status_code == 200, registered.text
    asked = requests.post(f"{store}/customers/password-token", json={"email": email}, timeout=30)
    assert asked.status_code == 204
    (eml,) = cloud.mail_folder.glob(f"*-{email}.eml")
    (page,) = cloud.mail_folder.glob(f"*-{email}.html")
    assert b"Reset your password" in eml.read_bytes() and "reset token" in page.read_text()
