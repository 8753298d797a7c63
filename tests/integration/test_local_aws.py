"""The local AWS emulator (local/aws.py) under concurrent writers: DynamoDB stays atomic."""

from __future__ import annotations

import sys
import threading
import uuid

import boto3
from botocore.exceptions import ClientError

WRITERS = 8
ATTEMPTS_EACH = 25


def test_concurrent_conditional_writes_lose_no_acknowledged_update(aws) -> None:
    """Given one item and several clients doing version-checked read-modify-writes on it at once
    When each write that DynamoDB acknowledges records its id in the item
    Then the final version counts every acknowledged write and the item holds every one of them
    (moto alone lets two writers pass the same version check: an acknowledged write vanished)."""
    table = aws["CartTable"]
    key = {"pk": {"S": f"contention#{uuid.uuid4().hex}"}, "sk": {"S": "counter"}}
    setup = boto3.client("dynamodb")
    setup.put_item(TableName=table, Item={**key, "version": {"N": "0"}})
    clients = [boto3.client("dynamodb") for _ in range(WRITERS)]  # sessions are not thread-safe to create
    acknowledged: list[str] = []
    start = threading.Barrier(WRITERS)
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so a race inside the emulator shows

    def writer(client) -> None:
        start.wait()
        for _ in range(ATTEMPTS_EACH):
            version = client.get_item(TableName=table, Key=key, ConsistentRead=True)["Item"]["version"]["N"]
            write_id = uuid.uuid4().hex
            try:
                client.update_item(
                    TableName=table,
                    Key=key,
                    UpdateExpression="SET version = :next ADD writes :me",
                    ConditionExpression="version = :seen",
                    ExpressionAttributeValues={
                        ":seen": {"N": version},
                        ":next": {"N": str(int(version) + 1)},
                        ":me": {"SS": [write_id]},
                    },
                )
            except ClientError as error:
                if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
                continue
            acknowledged.append(write_id)  # list.append is atomic under the GIL

    threads = [threading.Thread(target=writer, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(switch_interval)

    item = setup.get_item(TableName=table, Key=key, ConsistentRead=True)["Item"]
    assert acknowledged, "no write succeeded at all"
    assert int(item["version"]["N"]) == len(acknowledged)
    assert set(item["writes"]["SS"]) == set(acknowledged)


def test_the_emulator_finds_a_requests_service_without_listing_motos_package(aws, monkeypatch) -> None:
    import os

    import moto

    # Given the running emulator, and a count of listings of moto's own package directory
    package = os.path.dirname(moto.__file__)
    listed: list[str] = []
    listdir = os.listdir

    def counting(path: str | os.PathLike[str] = ".") -> list[str]:
        if os.fspath(path) == package:
            listed.append(package)
        return listdir(path)

    monkeypatch.setattr(os, "listdir", counting)
    # When a client makes a DynamoDB call
    boto3.client("dynamodb").describe_table(TableName=aws["CartTable"])
    # Then moto's list of services was not read from disk again for it (it was, twice per request)
    assert listed == []
