"""The bench's item-level rollback for moto's TransactWriteItems (bench/endpoints.py) keeps moto's
all or nothing: it only makes the rollback copy what the transaction names instead of the table."""

from __future__ import annotations

import boto3

from bench.endpoints import moto_cart_table


def _item(client, table: str, pk: str):
    return client.get_item(TableName=table, Key={"pk": {"S": pk}, "sk": {"S": "1"}}).get("Item")


def test_a_cancelled_transaction_leaves_every_item_as_it_was_and_a_later_one_applies() -> None:
    with moto_cart_table() as names:
        client, table = boto3.client("dynamodb"), names["CartTable"]
        client.put_item(TableName=table, Item={"pk": {"S": "A"}, "sk": {"S": "1"}, "v": {"N": "1"}})

        def put(pk: str, v: str) -> dict:
            return {"Put": {"TableName": table, "Item": {"pk": {"S": pk}, "sk": {"S": "1"}, "v": {"N": v}}}}

        # Given a transaction whose last item's condition fails
        missing = {"TableName": table, "Key": {"pk": {"S": "C"}, "sk": {"S": "1"}}}
        failing = [put("A", "2"), put("B", "2"), {"Delete": {**missing, "ConditionExpression": "attribute_exists(pk)"}}]
        # When it is sent
        try:
            client.transact_write_items(TransactItems=failing)
            raise AssertionError("the transaction should have been cancelled")
        except client.exceptions.TransactionCanceledException:
            pass
        # Then the items it wrote first are as before it, and a later transaction still applies
        assert _item(client, table, "A")["v"]["N"] == "1" and _item(client, table, "B") is None
        client.transact_write_items(TransactItems=[put("B", "3")])
        assert _item(client, table, "B")["v"]["N"] == "3"
