"""The local cloud's event source mappings (local/pollers.py) keep working after moto's quirks."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.integration.test_blaze_cart import prepare


def test_stream_pipeline_survives_a_failed_transaction(api, aws) -> None:
    """Given the stream poller is following the cart table's stream
    When a transaction is cancelled by a condition (moto swaps in a copy of the table and its stream)
    Then a cart written afterwards still reaches the stream outbox function."""
    delivered: list[str] = []
    invoke = api.runtime.invoke

    def recording_invoke(logical_id, event):
        if logical_id == "StreamOutboxFunction":
            delivered.append(json.dumps(event, default=str))
        return invoke(logical_id, event)

    api.runtime.invoke = recording_invoke
    first = prepare(api, cuid="before-the-failure")
    api.drain()
    assert any(first["id"] in batch for batch in delivered)

    dynamodb = boto3.client("dynamodb")
    with pytest.raises(ClientError) as cancelled:
        dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": aws["CartTable"],
                        "Item": {"pk": {"S": "t#never"}, "sk": {"S": "CART"}},
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                }
            ]
        )
    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"

    second = prepare(api, cuid="after-the-failure")
    api.drain()
    assert any(second["id"] in batch for batch in delivered)
    assert not any("t#never" in batch for batch in delivered)


def test_the_stream_poller_polls_again_at_once_only_after_a_full_batch(api, aws, monkeypatch) -> None:
    # (A poller that polled again after every record kept the emulator's DynamoDB lock busy while a
    # client wrote: each write paid for it.)
    import local.pollers as pollers

    arn = boto3.client("dynamodb").describe_table(TableName=aws["CartTable"])["Table"]["LatestStreamArn"]
    poller = pollers.StreamPoller(api.runtime, "StreamOutboxFunction", {"Stream": arn, "BatchSize": 100})
    # Given a stream that yields one record, then a full batch, then one record again
    handled = iter([1, 100, 1])
    monkeypatch.setattr(poller, "poll_once", lambda: next(handled))
    steps: list[str] = []

    def sleep(seconds: float) -> None:
        steps.append(f"sleep {seconds}")
        if len(steps) == 2:
            poller.stopping.set()

    monkeypatch.setattr(pollers.time, "sleep", sleep)
    # When its loop runs
    poller.run()
    # Then it waits a polling interval after the partial batches, and none after the full one
    assert steps == [f"sleep {pollers.POLL_SECONDS}", f"sleep {pollers.POLL_SECONDS}"]
