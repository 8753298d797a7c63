"""Powertools idempotency records in the cart table (pk/sk, expiring through the table's TTL)."""

from __future__ import annotations

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig

from cart_core.config import settings
from cart_core.store.clients import bare_client

RECORD_LIFETIME_SECONDS = 7 * 86400  # longer than any redelivery window (SQS retention 4 days)


def persistence(function: str) -> DynamoDBPersistenceLayer:
    return DynamoDBPersistenceLayer(
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
