"""The local cloud's stand-in for DynamoDB's TTL sweeper deletes expired items, and only those."""

from __future__ import annotations

import time

from local.ttl_reaper import TtlReaper


def test_the_reaper_deletes_only_items_past_their_ttl(store) -> None:
    now = int(time.time())
    for pk, expires_at in (("gone", now - 10), ("kept", now + 3600)):
        store.client.put_item(
            TableName=store.table_name,
            Item={"pk": {"S": pk}, "sk": {"S": "X"}, "expires_at": {"N": str(expires_at)}},
        )
    assert TtlReaper(store.table_name, "expires_at").sweep() == 1
    remaining = {
        pk: "Item" in store.client.get_item(TableName=store.table_name, Key={"pk": {"S": pk}, "sk": {"S": "X"}})
        for pk in ("gone", "kept")
    }
    assert remaining == {"gone": False, "kept": True}
    assert store.load("demo", "main").location is not None  # fixture items carry no TTL
