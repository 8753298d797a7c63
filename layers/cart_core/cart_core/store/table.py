"""The table's plain reads, without the domain models: what the authorizer needs (one GetItem of a
credential), importable without pydantic or the cart model (docs/architecture.md, Import discipline).
``DynamoStore`` (store/dynamodb.py) is this plus everything else.

Items past their TTL are treated as absent on every read because DynamoDB removes them up to days late.
"""

from __future__ import annotations

import json
from typing import Any

from cart_core.clock import Clock, system_clock
from cart_core.store import keys
from cart_core.store.clients import aws_client


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _live(item: dict[str, Any] | None, now: int) -> dict[str, Any] | None:
    if item is None:
        return None
    expires_at = item.get("expires_at")
    if expires_at is not None and int(expires_at["N"]) <= now:
        return None
    return item


class DynamoTable:
    def __init__(self, table_name: str, client: Any = None, clock: Clock = system_clock) -> None:
        self.table_name = table_name
        # What "expired" means for reads (an item past its TTL that DynamoDB has not yet deleted).
        self._clock = clock
        # Throttling and outages leave every call as ServiceUnavailable (store/clients.py).
        self.client = aws_client("dynamodb", client)

    def get_credential(self, credential_hash: str) -> dict[str, Any] | None:
        return self._get_doc(keys.credential_pk(credential_hash), keys.CREDENTIAL_SK)

    # ----- helpers -----------------------------------------------------------------------

    def _now(self) -> int:
        return int(self._clock())

    def _get_item(self, pk: str, sk: str) -> dict[str, Any] | None:
        item = self.client.get_item(TableName=self.table_name, Key=_key(pk, sk), ConsistentRead=True).get("Item")
        return _live(item, self._now())

    def _get_attr(self, pk: str, sk: str, name: str) -> str | None:
        item = self._get_item(pk, sk)
        return item[name]["S"] if item and name in item else None

    def _get_doc(self, pk: str, sk: str) -> dict[str, Any] | None:
        item = self._get_item(pk, sk)
        return json.loads(item["doc"]["S"]) if item else None
