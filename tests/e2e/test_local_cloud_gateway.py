"""What API Gateway and Lambda do for the coming faces, through real HTTP against the probe cloud.

The probe cloud (tests/e2e/conftest.py) serves template.yaml plus probe_functions/probe_resources.yaml:
a storefront-shaped REST API (guests through an authorizer without identity sources, a strict and a
caching authorizer, CORS, a session cookie, binary bodies) and a checkout-shaped one (a public page,
a guarded payment route), a stream consumer with bisect-on-error and a queue consumer, all recording
what they were given (``GET /_probe/state``).
"""

from __future__ import annotations

import base64
import http.client
import json
import time
import uuid

import boto3
import pytest
import requests

pytestmark = pytest.mark.e2e

PNG = b"\x89PNG\r\n\x1a\n\x00\xff\xfe binary, not UTF-8"


@pytest.fixture
def url(probe) -> str:
    return probe[0].url


@pytest.fixture
def aws(probe, monkeypatch):
    """boto3 clients on the probe cloud's AWS emulator."""
    for name, value in {"AWS_ENDPOINT_URL": probe[0].aws_endpoint, "AWS_DEFAULT_REGION": "us-east-1",
                        "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return boto3


def state(url: str) -> dict:
    return requests.get(f"{url}/_probe/state", timeout=20).json()


def authorizer_calls(url: str, token: str | None) -> int:
    return sum(1 for call in state(url)["authorizer_calls"] if call["token"] == token)


def wait_until(condition, what: str):
    """Polls a condition (a wait, not a timed assertion: the bound only keeps a broken run finite)."""
    deadline = time.monotonic() + 30
    while not (result := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"never happened: {what}")
        time.sleep(0.1)
    return result


# -- several APIs, several authorizers ---------------------------------------------------------


def test_a_guest_passes_an_authorizer_without_identity_sources_which_is_called_every_time(url) -> None:
    """Given a route whose authorizer declares no identity source (ReauthorizeEvery 0)
    When a guest without credentials calls it twice
    Then the authorizer is called both times and its guest context reaches the function."""
    before = authorizer_calls(url, None)
    first = requests.get(f"{url}/_shop/echo", timeout=20)
    second = requests.get(f"{url}/_shop/echo", timeout=20)
    assert first.status_code == second.status_code == 200
    assert first.json()["authorizer"]["actor"] == "guest"
    assert authorizer_calls(url, None) == before + 2


def test_a_missing_identity_source_is_401_without_calling_the_authorizer(url) -> None:
    """Given a route whose authorizer requires the Authorization header
    When a request comes without it
    Then API Gateway answers 401 with the API's UNAUTHORIZED response and its headers, and the
    authorizer function is never called."""
    calls = len(state(url)["authorizer_calls"])
    response = requests.get(f"{url}/_shop/strict", timeout=20)
    assert response.status_code == 401
    assert response.json() == {"message": "Sign in first"}
    assert response.headers["Access-Control-Allow-Origin"] == "https://shop.example"
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert len(state(url)["authorizer_calls"]) == calls


def test_unauthorized_is_401_and_an_explicit_deny_is_403(url) -> None:
    """Given the strict route / When the authorizer raises "Unauthorized" / Then 401;
    When it answers with a Deny policy / Then 403, through the API's DEFAULT_4XX response (which maps
    the request's Origin into a header)."""
    unauthorized = requests.get(f"{url}/_shop/strict", headers={"Authorization": "Bearer bad"}, timeout=20)
    denied = requests.get(
        f"{url}/_shop/strict", headers={"Authorization": "Bearer deny", "Origin": "https://a.example"}, timeout=20
    )
    allowed = requests.get(f"{url}/_shop/strict", headers={"Authorization": "Bearer ok"}, timeout=20)
    assert unauthorized.status_code == 401
    assert denied.status_code == 403
    assert denied.json() == {"message": "User is not authorized to access this resource"}
    assert denied.headers["Access-Control-Allow-Origin"] == "https://a.example"
    assert allowed.status_code == 200 and allowed.json()["authorizer"]["principalId"] == "Bearer ok"


def test_a_token_authorizer_gets_the_token_and_checks_its_validation_expression(url) -> None:
    """Given a TOKEN authorizer with ValidationExpression "Bearer .+"
    When a token that does not match comes / Then 401 without a call; a matching one reaches it."""
    token = f"Bearer {uuid.uuid4().hex}"
    assert requests.get(f"{url}/_shop/token", headers={"Authorization": "Basic x"}, timeout=20).status_code == 401
    assert authorizer_calls(url, "Basic x") == 0
    assert requests.get(f"{url}/_shop/token", headers={"Authorization": token}, timeout=20).status_code == 200
    (call,) = [c for c in state(url)["authorizer_calls"] if c["token"] == token]
    assert call["type"] == "TOKEN" and call["methodArn"].endswith("/dev/GET/_shop/token")


def test_public_routes_and_several_apis_in_one_template(url) -> None:
    """Given two REST APIs, each route with its own authorizer or none
    When public routes of each are called without credentials
    Then both answer, no authorizer context, each event naming its own API; the guarded route of the
    checkout API still requires its identity source."""
    calls = len(state(url)["authorizer_calls"])
    shop = requests.get(f"{url}/_shop/public", timeout=20)
    page = requests.get(f"{url}/_checkout/h4sh", timeout=20)
    pay = requests.post(f"{url}/_checkout/h4sh/pay", timeout=20)
    assert shop.status_code == page.status_code == 200
    assert shop.json()["authorizer"] is None and page.json()["authorizer"] is None
    assert page.json()["pathParameters"] == {"hash": "h4sh"}
    assert shop.json()["apiId"] != page.json()["apiId"]
    assert pay.status_code == 401
    assert len(state(url)["authorizer_calls"]) == calls


def test_an_authorizer_result_is_cached_by_its_identity_for_every_route_of_the_api(url) -> None:
    """Given an authorizer with ReauthorizeEvery 300 whose policy allows only the method it was asked for
    When the same token calls that route twice, then another route behind the same authorizer
    Then the authorizer ran once: the second call was served from the cache, and the third was
    judged by the cached policy (403), as on API Gateway."""
    token = f"Bearer scoped-{uuid.uuid4().hex}"
    headers = {"Authorization": token}
    first = requests.get(f"{url}/_shop/cached/one", headers=headers, timeout=20)
    again = requests.get(f"{url}/_shop/cached/one", headers=headers, timeout=20)
    other = requests.get(f"{url}/_shop/cached/two", headers=headers, timeout=20)
    assert first.status_code == again.status_code == 200
    assert other.status_code == 403
    assert authorizer_calls(url, token) == 1


# -- CORS ------------------------------------------------------------------------------------


def test_a_cors_preflight_is_answered_by_the_gateway_with_the_declared_headers(url) -> None:
    """Given an API whose Cors declares origin, headers, max age and credentials (and keeps the
    default authorizer off the preflight) / When a browser sends a preflight without credentials
    Then the gateway answers 200 with those headers and the path's own methods, calling nobody."""
    calls = len(state(url)["authorizer_calls"])
    response = requests.options(
        f"{url}/_shop/echo",
        headers={"Origin": "https://shop.example", "Access-Control-Request-Method": "POST"},
        timeout=20,
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "https://shop.example"
    assert response.headers["Access-Control-Allow-Methods"] == "GET,OPTIONS,POST"
    assert response.headers["Access-Control-Allow-Headers"] == "Content-Type,Authorization"
    assert response.headers["Access-Control-Max-Age"] == "600"
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert response.content == b""
    assert len(state(url)["authorizer_calls"]) == calls


def test_sams_default_puts_the_default_authorizer_on_the_preflight(url) -> None:
    """Given an API with Cors and a DefaultAuthorizer, AddDefaultAuthorizerToCorsPreflight unset
    When a preflight comes without the authorizer's identity source / Then 401 (what a browser gets
    on AWS too); with it, the declared origin."""
    bare = requests.options(f"{url}/_checkout/h4sh/pay", headers={"Origin": "https://x.example"}, timeout=20)
    signed = requests.options(f"{url}/_checkout/h4sh/pay", headers={"Authorization": "Bearer ok"}, timeout=20)
    assert bare.status_code == 401
    assert signed.status_code == 200 and signed.headers["Access-Control-Allow-Origin"] == "*"
    assert signed.headers["Access-Control-Allow-Methods"] == "OPTIONS,POST"


# -- multi-value headers and query strings ---------------------------------------------------


def test_multi_value_response_headers_reach_the_client_as_separate_headers(url) -> None:
    """Given a function answering with two Set-Cookie values in multiValueHeaders (and another in
    headers) / When a client calls it / Then it gets two Set-Cookie header lines, the multi-value
    list having replaced the single one."""
    response = requests.get(f"{url}/_shop/echo", params={"cookies": 2}, timeout=20)
    assert response.raw.headers.getlist("Set-Cookie") == ["c0=v0; Path=/; HttpOnly", "c1=v1; Path=/; HttpOnly"]
    assert response.cookies.get("c0") == "v0" and response.cookies.get("c1") == "v1"


def test_repeated_request_headers_and_query_values_reach_the_function_as_api_gateway_builds_them(url) -> None:
    """Given a client that repeats a header and a query parameter, and sends a comma in one value
    When the request reaches the function
    Then multiValueHeaders / multiValueQueryStringParameters hold every value in order, headers /
    queryStringParameters the last one, and a single header with a comma stays one value."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=20)
    connection.putrequest("GET", "/_shop/echo?tag=a&tag=b&one=1")
    connection.putheader("X-Tag", "first")
    connection.putheader("X-Tag", "second")
    connection.putheader("Accept", "application/json, text/plain")
    connection.endheaders()
    event = json.loads(connection.getresponse().read())
    connection.close()
    assert event["multiValueHeaders"]["X-Tag"] == ["first", "second"]
    assert event["headers"]["X-Tag"] == "second"
    assert event["multiValueHeaders"]["Accept"] == ["application/json, text/plain"]
    assert event["multiValueQueryStringParameters"] == {"tag": ["a", "b"], "one": ["1"]}
    assert event["queryStringParameters"] == {"tag": "b", "one": "1"}


# -- binary ----------------------------------------------------------------------------------


def test_binary_bodies_travel_base64_both_ways_by_the_apis_binary_media_types(url) -> None:
    """Given an API with BinaryMediaTypes image/png
    When a client posts PNG bytes (not UTF-8) and accepts image/png
    Then the function gets them base64 with isBase64Encoded, and its base64 answer reaches the
    client as the same bytes; a client accepting JSON gets the base64 text, as API Gateway sends it."""
    posted = requests.post(f"{url}/_shop/echo", data=PNG, headers={"Content-Type": "image/png"}, timeout=20).json()
    assert posted["isBase64Encoded"] is True and base64.b64decode(posted["body"]) == PNG
    binary = requests.post(
        f"{url}/_shop/echo?binary=1", data=PNG, headers={"Content-Type": "image/png", "Accept": "image/png"}, timeout=20
    )
    assert binary.status_code == 200 and binary.content == PNG
    as_text = requests.post(
        f"{url}/_shop/echo?binary=1", data=PNG, headers={"Content-Type": "image/png", "Accept": "application/json"},
        timeout=20,
    )  # fmt: skip
    assert as_text.content == base64.b64encode(PNG)
    text = requests.post(f"{url}/_shop/echo", json={"a": "é"}, timeout=20).json()
    assert text["isBase64Encoded"] is False and json.loads(text["body"]) == {"a": "é"}


# -- event sources ---------------------------------------------------------------------------


def test_a_stream_batch_is_bisected_on_a_function_error_and_a_poison_record_retried_to_its_limit(url, aws) -> None:
    """Given a stream consumer with BisectBatchOnFunctionError and MaximumRetryAttempts 3
    When one batch of four records holds a record that always fails the function
    Then the batch is split until the poison record is alone, the good records are delivered, the
    poison one reaches the function at most 4 times, and its batch info goes to the on-failure queue."""
    run = uuid.uuid4().hex[:8]
    keys = [f"a-{run}", f"b-{run}", f"poison-{run}", f"c-{run}"]
    table = "cart-local-ProbeTable"
    aws.client("dynamodb").transact_write_items(  # one write: one stream batch
        TransactItems=[{"Put": {"TableName": table, "Item": {"pk": {"S": key}}}} for key in keys]
    )
    ours = lambda: [b for b in state(url)["stream_batches"] if set(b) <= set(keys)]  # noqa: E731
    batches = wait_until(lambda: (found := ours()) and found[-1] == [f"c-{run}"] and found, "the last good record")
    assert batches == [keys, keys[:2], keys[2:], [f"poison-{run}"], [f"poison-{run}"], [f"c-{run}"]]
    sqs = aws.client("sqs")
    queue = sqs.get_queue_url(QueueName="cart-local-ProbeStreamFailureQueue")["QueueUrl"]
    message = wait_until(lambda: sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1).get("Messages"), "on-failure")
    info = json.loads(message[0]["Body"])["DDBStreamBatchInfo"]
    assert info["batchSize"] == 1


def test_a_stream_partial_failure_is_retried_from_the_failed_record(url, aws) -> None:
    """Given a stream consumer with ReportBatchItemFailures
    When it reports the middle record of a batch failed once
    Then the next delivery starts at that record, and nothing is retried after that."""
    run = uuid.uuid4().hex[:8]
    keys = [f"x-{run}", f"flaky-{run}", f"y-{run}"]
    aws.client("dynamodb").transact_write_items(
        TransactItems=[{"Put": {"TableName": "cart-local-ProbeTable", "Item": {"pk": {"S": k}}}} for k in keys]
    )
    ours = lambda: [b for b in state(url)["stream_batches"] if set(b) <= set(keys)]  # noqa: E731
    wait_until(lambda: len(ours()) >= 2, "the retry")
    assert ours() == [keys, keys[1:]]


def test_a_failed_message_comes_back_after_the_queues_visibility_timeout_not_at_once(url, aws) -> None:
    """Given a queue declaring VisibilityTimeout 3 and a consumer with ReportBatchItemFailures
    When the consumer reports one message of its batch failed on the first receive
    Then that message comes back (receive 2) no sooner than the queue's visibility timeout, and the
    other message of the batch, which succeeded, is never delivered again."""
    run = uuid.uuid4().hex[:8]
    sqs = aws.client("sqs")
    queue = sqs.get_queue_url(QueueName="cart-local-ProbeQueue")["QueueUrl"]
    sqs.send_message_batch(
        QueueUrl=queue,
        Entries=[{"Id": "1", "MessageBody": f"fail-once-{run}"}, {"Id": "2", "MessageBody": f"ok-{run}"}],
    )
    ours = lambda body: [r for r in state(url)["sqs_receipts"] if r["body"] == body]  # noqa: E731
    first, second = wait_until(lambda: len(ours(f"fail-once-{run}")) >= 2 and ours(f"fail-once-{run}"), "the retry")
    assert (first["receives"], second["receives"]) == (1, 2)
    # A lower bound, so never flaky: SQS hides the message for 3 s from its receive (the function
    # recorded it a moment after that receive, hence the margin).
    assert second["at"] - first["at"] >= 2.5
    assert len(ours(f"ok-{run}")) == 1
