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
