"""Powertools idempotency records in the cart table (pk/sk, expiring through the table's TTL)."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.shared.json_encoder import Encoder
from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import STATUS_CONSTANTS

from cart_core.config import settings
from cart_core.store.clients import bare_client, unavailable

RECORD_LIFETIME_SECONDS = 7 * 86400  # longer than any redelivery window (SQS retention 4 days)


class RecordStore(DynamoDBPersistenceLayer):
    """Powertools' DynamoDB records, plus one way in for a key no request has used yet."""

    def save_new_success(self, data: dict[str, Any], result: Any) -> None:
        """Record ``result`` as the completed answer for ``data``'s key, in one conditional PutItem
        (the key must be unused), in the record Powertools itself writes and reads: the same key
        later replays it through ``idempotent_function``. For a key the server minted after the
        work was done (nobody else can hold it, so nothing to mark in progress first): one write
        where Powertools' own path takes two. ``configure`` must have run. An outage or throttling
        raises ``ServiceUnavailable``."""
        key = self._get_hashed_idempotency_key(data=data)
        if key is None:
            raise ValueError("No idempotency key in the data")
        item = {
            **self._get_key(key),
            self.expiry_attr: {"N": str(self._get_expiry_timestamp())},
            self.status_attr: {"S": STATUS_CONSTANTS["COMPLETED"]},
            self.data_attr: {"S": json.dumps(result, cls=Encoder, sort_keys=True)},
        }
        if self.payload_validation_enabled:
            item[self.validation_key_attr] = {"S": self._get_hashed_payload(data=data)}
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item=item,
                ConditionExpression="attribute_not_exists(#id)",
                ExpressionAttributeNames={"#id": self.key_attr},
            )
        except Exception as error:  # botocore's: an outage or throttling is the core's ServiceUnavailable
            outage = unavailable(error)
            if outage is None:
                raise
            raise outage from error


def persistence(function: str) -> RecordStore:
    return RecordStore(
        table_name=settings().table_name,
        key_attr="pk",
        sort_key_attr="sk",
        static_pk_value=f"IDEMPOTENCY#{function}",
        expiry_attr="expires_at",
        # The same bounded timeouts and retries as every other client: an outage fails the record
        # (SQS redelivers it) within the function timeout instead of hanging it. On the process's
        # boto3 session: Powertools would otherwise open a second one (store/clients.py, bare_client).
        boto3_client=bare_client("dynamodb"),
    )


def config(key_path: str) -> IdempotencyConfig:
    return IdempotencyConfig(event_key_jmespath=key_path, expires_after_seconds=RECORD_LIFETIME_SECONDS)
