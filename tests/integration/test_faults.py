"""Throttling and outages answer 503 + Retry-After in each face's body, write nothing half-way, and
fail worker records so they are retried; commuting changes racing on one cart all land.

Faults are injected with a ``before-call`` hook on the shared boto3 client: the hook answers in
DynamoDB's place (a throttling error) or raises what botocore raises when the endpoint is gone.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError

from tests.conftest import DEMO_POS
from tests.integration.test_blaze_cart import prepare
from tests.integration.test_sample_events import sample_cart  # noqa: F401 (fixture)

EVENTS = Path(__file__).resolve().parents[2] / "events"
THROTTLED = {"Code": "ThrottlingException", "Message": "Rate of requests exceeds the allowed throughput."}


class Faults:
    """Makes chosen DynamoDB (or other) operations of one client fail until ``clear()``."""

    def __init__(self, client: Any, service: str = "dynamodb") -> None:
        self.kind: str | None = None
        self.operations: frozenset[str] = frozenset()
        self._events = client.meta.events
        self._event_name = f"before-call.{service}"
        self._events.register_first(self._event_name, self._inject, unique_id="fault-injection")

    def throttle(self, *operations: str) -> None:
        self.kind, self.operations = "throttle", frozenset(operations)

    def unreachable(self, *operations: str) -> None:
        self.kind, self.operations = "unreachable", frozenset(operations)

    def cancel_for_throttling(self, *operations: str) -> None:
        self.kind, self.operations = "transaction-throttled", frozenset(operations)

    def clear(self) -> None:
        self.kind = None

    def remove(self) -> None:
        self._events.unregister(self._event_name, unique_id="fault-injection")

    def _inject(self, model: Any, **_: Any) -> Any:
        if self.kind is None or (self.operations and model.name not in self.operations):
            return None
        if self.kind == "unreachable":
            raise EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com")
        error: dict[str, Any] = {"Error": THROTTLED, "ResponseMetadata": {"HTTPStatusCode": 400}}
        if self.kind == "transaction-throttled":
            error["Error"] = {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"}
            error["CancellationReasons"] = [{"Code": "None"}, {"Code": "ThrottlingError"}]
        return AWSResponse("https://dynamodb.us-east-1.amazonaws.com", 400, {}, None), error


@pytest.fixture
def faults(store: Any) -> Any:
    injected = Faults(store.client)
    yield injected
    injected.remove()


def _header(response: Any, name: str) -> str | None:
    return {k.lower(): v for k, v in response.headers.items()}.get(name.lower())


# ----- the faces ---------------------------------------------------------------------------


def test_blaze_answers_503_with_retry_after_when_dynamodb_throttles(api, faults) -> None:
    # Given a cart, and DynamoDB throttling the face's reads
    cart_id = prepare(api)["id"]
    faults.throttle("BatchGetItem")
    # When the consumer reads it
    response = api.blaze("GET", f"/{cart_id}?cuid=alice")
    # Then BLAZE's error body says 503, and Retry-After says when to come back
    assert response.status == 503, response.text
    body = response.json()
    assert set(body) == {"error", "message", "status"}
    assert body["error"] == "Service Unavailable" and body["status"] == 503
    assert _header(response, "Retry-After") == "1"
    # And once DynamoDB recovers, the same request succeeds
    faults.clear()
    assert api.blaze("GET", f"/{cart_id}?cuid=alice").status == 200


def test_blaze_answers_503_when_dynamodb_is_unreachable_and_writes_nothing(api, faults) -> None:
    # Given a cart, and DynamoDB unreachable for writes
    cart = prepare(api)
    faults.unreachable("PutItem", "TransactWriteItems")
    # When the consumer pays
    paid = api.blaze("POST", f"/{cart['id']}/payments?cuid=alice", {"paymentOption": "Cash", "paymentReceived": 30})
    # Then 503 with a longer Retry-After (an outage, not throttling), and the cart is as it was
    assert paid.status == 503, paid.text
    assert paid.json()["status"] == 503
    assert int(_header(paid, "Retry-After")) >= 1
    faults.clear()
    after = api.blaze("GET", f"/{cart['id']}?cuid=alice").json()
    assert after["cart"]["paymentOption"] == cart["cart"]["paymentOption"] == "None"
    assert after["cart"]["cashReceived"] == cart["cart"]["cashReceived"] == 0


def test_loke_answers_503_with_retry_after_in_its_own_body(api, faults) -> None:
    # Given a submitted cart the POS can see, and DynamoDB throttling
    cart_id = prepare(api)["id"]
    assert api.blaze("POST", f"/submitCart/{cart_id}?cuid=alice").status == 200
    faults.throttle("BatchGetItem")
    # When the POS reads it
    response = api.loke("GET", f"/organizations/demo/locations/main/cart/{cart_id}")
    # Then LOKE's {"message"} body with 503 and Retry-After
    assert response.status == 503, response.text
    assert set(response.json()) == {"message"}
    assert _header(response, "Retry-After") == "1"


@pytest.mark.parametrize("kind", ["throttle", "unreachable"])
def test_a_credential_store_outage_is_503_at_the_authorizer_not_401(api, faults, kind: str) -> None:
    # Given DynamoDB failing the authorizer's credential lookup
    getattr(faults, kind)("GetItem")
    # When each face is called with valid credentials
    blaze = api.blaze("GET", "/active?cuid=alice")
    loke = api.request("GET", "/organizations/demo/webhooks", DEMO_POS)
    # Then each answers 503 + Retry-After in its own error body, neither 401 nor a bare 500
    assert blaze.status == 503, blaze.text
    assert blaze.json() == {"error": "Service Unavailable", "message": blaze.json()["message"], "status": 503}
    assert _header(blaze, "Retry-After") == "1"
    assert loke.status == 503, loke.text
    assert set(loke.json()) == {"message"} and _header(loke, "Retry-After") == "1"


def test_a_throttled_transaction_leaves_nothing_half_written(api, store, faults) -> None:
    # Given an open cart with its active pointer, and DynamoDB cancelling transactions for throttling
    cart = prepare(api)
    faults.cancel_for_throttling("TransactWriteItems")
    # When the consumer submits (cart, order-number claim and pointer release in one transaction)
    submitted = api.blaze("POST", f"/submitCart/{cart['id']}?cuid=alice")
    # Then 503, and after the fault clears: the cart is still open, its pointer still names it
    assert submitted.status == 503, submitted.text
    faults.clear()
    again = api.blaze("GET", f"/{cart['id']}?cuid=alice").json()
    assert again["placed"] is False and again["orderNo"] is None
    assert api.blaze("GET", "/active?cuid=alice").json()["id"] == cart["id"]
    # And the same request now places the order once
    placed = api.blaze("POST", f"/submitCart/{cart['id']}?cuid=alice").json()
    assert placed["placed"] is True and placed["orderNo"]


# ----- the workers -------------------------------------------------------------------------


def test_a_store_outage_fails_the_worker_record_so_sqs_retries_it(api, sample_cart, faults) -> None:  # noqa: F811
    # Given the validation worker's CartSubmitted message, and DynamoDB unreachable for our reads
    event = json.loads((EVENTS / "validation_worker/cart_submitted.json").read_text())
    faults.unreachable("Query", "BatchGetItem")
    # When the worker gets it, Then the record fails: a batch whose every record failed fails the
    # whole invocation (Powertools), so SQS delivers it again after the visibility timeout
    with pytest.raises(BatchProcessingError, match="All records failed"):
        api.runtime.invoke("ValidationWorkerFunction", event)
    # And the redelivery after recovery is processed
    faults.clear()
    assert api.runtime.invoke("ValidationWorkerFunction", event) == {"batchItemFailures": []}


def test_an_event_bus_outage_fails_the_stream_record(api, sample_cart) -> None:  # noqa: F811
    # Given the outbox's stream record, and EventBridge throttling
    from cart_core.runtime import event_bus

    event = json.loads((EVENTS / "stream_outbox/cart_submitted.json").read_text())
    assert api.runtime.invoke("StreamOutboxFunction", event) == {"batchItemFailures": []}  # warm: builds the bus
    faults = Faults(event_bus().client, "events")
    faults.throttle()
    try:
        # When the outbox handles it, Then the invocation fails, so the stream retries the batch
        with pytest.raises(BatchProcessingError, match="All records failed"):
            api.runtime.invoke("StreamOutboxFunction", event)
    finally:
        faults.remove()


# ----- the translation, one error at a time ------------------------------------------------


def _client_error(code: str, reasons: list[str] | None = None) -> ClientError:
    response: dict[str, Any] = {"Error": {"Code": code, "Message": code}}
    if reasons is not None:
        response["CancellationReasons"] = [{"Code": r} for r in reasons]
    return ClientError(response, "TransactWriteItems")


@pytest.mark.parametrize(
    ("error", "retry_after"),
    [
        (_client_error("ProvisionedThroughputExceededException"), 1),
        (_client_error("ThrottlingException"), 1),
        (_client_error("RequestLimitExceeded"), 1),
        (_client_error("InternalServerError"), 5),
        (_client_error("ServiceUnavailable"), 5),
        (_client_error("TransactionCanceledException", ["None", "ThrottlingError"]), 1),
        (EndpointConnectionError(endpoint_url="https://x"), 5),
        (ConnectTimeoutError(endpoint_url="https://x"), 5),
        (ReadTimeoutError(endpoint_url="https://x"), 5),
        # The caller's problems, or a lost race the use case retries: not an outage
        (_client_error("ConditionalCheckFailedException"), None),
        (_client_error("TransactionCanceledException", ["ConditionalCheckFailed", "None"]), None),
        (_client_error("TransactionCanceledException", ["TransactionConflict"]), None),
        (_client_error("TransactionCanceledException", ["ConditionalCheckFailed", "ThrottlingError"]), None),
        (_client_error("ValidationException"), None),
        (_client_error("ResourceNotFoundException"), None),
    ],
)
def test_which_aws_errors_are_service_unavailable(error: Exception, retry_after: int | None) -> None:
    from cart_core.store.clients import unavailable

    translated = unavailable(error)
    assert (translated.retry_after if translated else None) == retry_after


# ----- contention --------------------------------------------------------------------------


def test_concurrent_commuting_changes_on_one_cart_all_land(api, store) -> None:
    # The emulator's DynamoDB is atomic (tests/conftest.py moto_server, local/aws.py).
    # Given one open cart of N lines
    from cart_core.actors import Actor
    from cart_core.errors import ConcurrentModification
    from cart_core.runtime import use_cases
    from cart_core.tenancy import Caller

    n = 20
    cart = prepare(api, {"cart": {"items": [{"productId": "demo-flower", "quantity": 1}] * n}})
    line_ids = [item["id"] for item in cart["cart"]["items"]]
    caller, carts = Caller(tenant_id="demo", location_id="main", actor=Actor.consumer("alice")), use_cases().carts

    def finalize(line_id: str) -> str:
        try:
            carts.set_finalized(caller, cart["id"], line_id, True)
            return "ok"
        except ConcurrentModification:
            return "conflict"

    # When N requests each finalize a different line at the same time
    with ThreadPoolExecutor(max_workers=n) as pool:
        outcomes = list(pool.map(finalize, line_ids))
    # Then (almost) none is refused, and no acknowledged change is lost
    assert outcomes.count("conflict") <= n // 10, outcomes
    stored = api.blaze("GET", f"/{cart['id']}?cuid=alice").json()["cart"]["items"]
    finalized = {item["id"] for item in stored if item["finalized"]}
    acknowledged = {line for line, outcome in zip(line_ids, outcomes, strict=True) if outcome == "ok"}
    assert acknowledged <= finalized


@pytest.mark.parametrize("kind", ["throttle", "unreachable"])
def test_a_kms_outage_is_service_unavailable_not_a_raw_aws_error(api, kind: str) -> None:
    # Given the KMS key that seals webhook secrets, and KMS throttling or unreachable
    import boto3

    from cart_core.errors import ServiceUnavailable
    from cart_core.store.kms import KmsKeyService

    keys = KmsKeyService(api.runtime.names["WebhookSecretKey"], boto3.client("kms"))
    faults = Faults(keys.client, service="kms")
    getattr(faults, kind)()
    try:
        # When a secret is sealed / Then the face's 503 path is taken (ServiceUnavailable, Retry-After)
        with pytest.raises(ServiceUnavailable):
            keys.generate_data_key({"tenant": "demo"})
    finally:
        faults.remove()
