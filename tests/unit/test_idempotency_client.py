"""Powertools' idempotency layer gets its DynamoDB client from us; it must be as bounded as ours, or a
DynamoDB brown-out hangs a worker until its Lambda timeout instead of failing the record, and made on
the process's botocore session (store.clients), or the worker's cold start loads the service model twice."""

from __future__ import annotations

import pytest

from cart_core import config, idempotency
from cart_core.store.clients import CLIENT_CONFIG


@pytest.fixture
def table(monkeypatch):
    monkeypatch.setenv("TABLE_NAME", "cart-test-CartTable")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    config.settings.cache_clear()
    yield
    config.settings.cache_clear()


def test_the_idempotency_client_has_the_bounded_timeouts_and_retries(table) -> None:
    # Given the persistence layer a worker uses / When its client is built
    client = idempotency.persistence("payment-worker").client
    # Then it carries the service's timeouts and retry budget
    assert client.meta.config.connect_timeout == CLIENT_CONFIG.connect_timeout
    assert client.meta.config.read_timeout == CLIENT_CONFIG.read_timeout
    # botocore rewrites the retry setting into total_max_attempts (the first call included)
    assert client.meta.config.retries == {"mode": "standard", "total_max_attempts": 3}


def test_the_idempotency_client_shares_the_process_session(table) -> None:
    from cart_core.store.clients import aws_client

    # Given the store's client and the persistence layer's
    store_client = aws_client("dynamodb")
    idempotency_client = idempotency.persistence("payment-worker").client
    # Then both come from one session: its loader (service models, endpoint rules) read once
    assert idempotency_client is not store_client
    assert idempotency_client._loader is store_client._loader


def _minting_store(table, error_code: str | None):
    """The record store with its DynamoDB client stubbed: the PutItem answers ``error_code`` (None:
    succeeds)."""
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig
    from botocore.stub import ANY, Stubber

    store = idempotency.persistence("medusa-store")
    store.configure(IdempotencyConfig(event_key_jmespath="key", payload_validation_jmespath="request"), "f")
    stub = Stubber(store.client)
    if error_code is None:
        stub.add_response("put_item", {}, {"TableName": ANY, "Item": ANY, "ConditionExpression": ANY,
                                           "ExpressionAttributeNames": ANY})  # fmt: skip
    else:
        stub.add_client_error("put_item", service_error_code=error_code)
    stub.activate()
    return store, stub


def test_a_new_key_is_recorded_completed_in_one_conditional_put(table) -> None:
    # Given the record store and a key nobody has used
    store, stub = _minting_store(table, None)
    captured = []
    store.client.meta.events.register(
        "provide-client-params.dynamodb.PutItem", lambda params, **_: captured.append(params)
    )
    # When an answer is recorded under it
    store.save_new_success({"key": "k", "request": "r"}, {"cart": {"id": "c"}})
    # Then one PutItem wrote it completed, with its answer and request check, only if the key was unused
    stub.assert_no_pending_responses()
    (put,) = captured
    assert put["ConditionExpression"] == "attribute_not_exists(#id)" and put["ExpressionAttributeNames"] == {
        "#id": "pk"
    }
    item = put["Item"]
    assert (item["status"]["S"], item["data"]["S"]) == ("COMPLETED", '{"cart": {"id": "c"}}')
    assert item["validation"]["S"] and item["sk"]["S"].split("#")[0].endswith(".f")


@pytest.mark.parametrize("code", ["ThrottlingException", "InternalServerError"])
def test_a_record_refused_by_an_outage_is_service_unavailable(table, code: str) -> None:
    from cart_core.errors import ServiceUnavailable

    # Given DynamoDB throttling or failing / When a new key's answer is recorded / Then the core's 503
    store, _ = _minting_store(table, code)
    with pytest.raises(ServiceUnavailable):
        store.save_new_success({"key": "k", "request": "r"}, {"cart": {}})
