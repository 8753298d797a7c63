"""DynamoDB adapter for the cart store, catalog and credentials (see docs/storage.md).

Low-level client, one table. Items past their TTL are treated as absent on every read because
DynamoDB removes them up to days late.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import Any

from botocore.exceptions import ClientError

from cart_core.cart import Cart
from cart_core.catalog import DiscountCode, Product
from cart_core.ports import Commit, PointerKey, Snapshot, VersionConflict
from cart_core.store import keys
from cart_core.store.clients import aws_client
from cart_core.tenancy import Location, Tenant
from cart_core.webhooks import WebhookSubscription

BATCH_GET_LIMIT = 100
HISTORY_INDEX = "ConsumerHistory"


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _now() -> int:
    return int(time.time())


def _live(item: dict[str, Any] | None, now: int) -> dict[str, Any] | None:
    if item is None:
        return None
    expires_at = item.get("expires_at")
    if expires_at is not None and int(expires_at["N"]) <= now:
        return None
    return item


class DynamoStore:
    def __init__(self, table_name: str, client: Any = None) -> None:
        self.table_name = table_name
        # Throttling and outages leave every call as ServiceUnavailable (store/clients.py).
        self.client = aws_client("dynamodb", client)

    # ----- reads -------------------------------------------------------------------------

    def read_pointer(self, key: PointerKey) -> str | None:
        return self._get_attr(self._pointer_pk(key), keys.POINTER_SK, "cart_id")

    @staticmethod
    def _pointer_pk(key: PointerKey) -> str:
        return keys.active_pointer_pk(key.tenant_id, key.location_id, key.kind, key.value)

    def read_public_pointer(self, tenant_id: str, public_key: str) -> str | None:
        return self._get_attr(keys.public_pointer_pk(tenant_id, public_key), keys.POINTER_SK, "cart_id")

    def load(
        self,
        tenant_id: str,
        location_id: str,
        cart_id: str | None = None,
        product_ids: frozenset[str] = frozenset(),
        discount_codes: frozenset[str] = frozenset(),
        pointer: PointerKey | None = None,
    ) -> Snapshot:
        wanted = [(keys.tenant_pk(tenant_id), keys.location_sk(location_id))]
        if pointer is not None:
            wanted.append((self._pointer_pk(pointer), keys.POINTER_SK))
        if cart_id:
            wanted.append((keys.cart_pk(tenant_id, cart_id), keys.CART_SK))
        wanted += [(keys.tenant_pk(tenant_id), keys.product_sk(p)) for p in sorted(product_ids)]
        wanted += [(keys.tenant_pk(tenant_id), keys.discount_sk(c)) for c in sorted(discount_codes)]
        snapshot = Snapshot()
        now = _now()
        for item in self._batch_get(wanted):
            if _live(item, now) is None:
                continue
            sk = item["sk"]["S"]
            if sk == keys.POINTER_SK:
                snapshot.pointer_cart_id = item["cart_id"]["S"]
                continue
            doc = json.loads(item["doc"]["S"])
            if sk == keys.CART_SK:
                cart = Cart.model_validate(doc)
                if cart.tenant_id == tenant_id and cart.location_id == location_id:
                    cart.version = int(item["version"]["N"])
                    snapshot.cart = cart
            elif sk.startswith("LOCATION#"):
                snapshot.location = Location.model_validate(doc)
            elif sk.startswith("PRODUCT#"):
                product = Product.model_validate(doc)
                snapshot.products[product.product_id] = product
            elif sk.startswith("DISCOUNT#"):
                code = DiscountCode.model_validate(doc)
                snapshot.discounts[code.code.upper()] = code
        return snapshot

    def consumer_history(
        self, tenant_id: str, location_id: str, consumer_id: str, start: int, limit: int
    ) -> tuple[list[Cart], int]:
        """Newest first, with the total. One Query: a COUNT would read (and bill) the same items, so
        reading them once and slicing is cheaper; only a history over 1 MB takes further pages."""
        query: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": HISTORY_INDEX,
            "KeyConditionExpression": "gsi1pk = :pk",
            "FilterExpression": "expires_at > :now",
            "ExpressionAttributeValues": {
                ":pk": {"S": keys.consumer_history_pk(tenant_id, location_id, consumer_id)},
                ":now": {"N": str(_now())},
            },
            "ScanIndexForward": False,
        }
        items: list[dict[str, Any]] = []
        while True:
            page = self.client.query(**query)
            items += page["Items"]
            if "LastEvaluatedKey" not in page:
                break
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        carts = []
        for item in items[start : start + limit]:
            cart = Cart.model_validate_json(item["doc"]["S"])
            if cart.tenant_id != tenant_id or cart.location_id != location_id:  # keys are built, never trusted
                continue
            cart.version = int(item["version"]["N"])
            carts.append(cart)
        return carts, len(items)

    def get_credential(self, credential_hash: str) -> dict[str, Any] | None:
        return self._get_doc(keys.credential_pk(credential_hash), keys.CREDENTIAL_SK)

    def get_tenant(self, tenant_id: str) -> Tenant | None:
        doc = self._get_doc(keys.tenant_pk(tenant_id), keys.TENANT_SK)
        return Tenant.model_validate(doc) if doc else None

    # ----- webhook subscriptions ---------------------------------------------------------

    def put_subscription(self, subscription: WebhookSubscription) -> None:
        """Only with the secret sealed: a plaintext secret is never written (``secret`` is excluded)."""
        if subscription.sealed_secret is None:
            raise ValueError("A webhook subscription is stored only with its secret sealed")
        self.put_record(
            keys.tenant_pk(subscription.tenant_id),
            keys.webhook_sk(subscription.ref),
            subscription.model_dump(mode="json"),
        )

    def subscriptions(self, tenant_id: str) -> list[WebhookSubscription]:
        items = self.client.query(
            TableName=self.table_name,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":pk": {"S": keys.tenant_pk(tenant_id)}, ":prefix": {"S": keys.WEBHOOK_PREFIX}},
            ConsistentRead=True,
        )["Items"]
        return [WebhookSubscription.model_validate_json(item["doc"]["S"]) for item in items]

    def delete_subscription(self, tenant_id: str, ref: str) -> bool:
        response = self.client.delete_item(
            TableName=self.table_name, Key=_key(keys.tenant_pk(tenant_id), keys.webhook_sk(ref)), ReturnValues="ALL_OLD"
        )
        return "Attributes" in response

    def delete_pointers(self, tenant_id: str, cart: Cart) -> None:
        """Remove a deleted cart's pointer items, each only if it still names that cart."""
        from cart_core.ports import PointerKey

        operations = [
            self._release_pointer(PointerKey(tenant_id, cart.location_id, kind, value), cart.cart_id)
            for kind in ("consumer", "session", "external", "transaction")
            if (value := getattr(cart, f"{kind}_id"))
        ]
        public = _key(keys.public_pointer_pk(tenant_id, cart.public_key), keys.POINTER_SK)
        operations.append(
            {
                "Delete": {
                    "TableName": self.table_name,
                    "Key": public,
                    "ConditionExpression": "attribute_not_exists(pk) OR cart_id = :cart",
                    "ExpressionAttributeValues": {":cart": {"S": cart.cart_id}},
                }
            }
        )
        for operation in operations:  # independent deletes: one losing its condition must not stop the rest
            try:
                self.client.delete_item(**operation["Delete"])
            except ClientError as error:
                if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise

    # ----- writes ------------------------------------------------------------------------

    def commit(self, commit: Commit) -> None:
        operations = [self._put_cart(cart, version) for cart, version in commit.carts]
        for cart, version in commit.carts:
            if version is None:
                operations.append(self._put_public_pointer(cart))
        for key, cart_id, replaces in commit.set_pointers:
            operations.append(self._put_pointer(key, cart_id, replaces))
        for key, cart_id in commit.release_pointers:
            operations.append(self._release_pointer(key, cart_id))
        expires_at = max((cart.expires_at for cart, _ in commit.carts), default=0)
        for tenant_id, order_no, cart_id in commit.order_no_claims:
            # The claim lives as long as the order it names.
            claim = self._claim(keys.order_no_claim_pk(tenant_id, order_no), cart_id)
            claim["Put"]["Item"]["expires_at"] = {"N": str(expires_at)}
            operations.append(claim)
        try:
            if len(operations) == 1:
                self.client.put_item(**operations[0]["Put"])
            else:
                self.client.transact_write_items(TransactItems=operations)
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code in ("ConditionalCheckFailedException", "TransactionCanceledException"):
                raise VersionConflict() from error
            raise
        for cart, version in commit.carts:
            cart.version = (version or 0) + 1

    def put_record(self, pk: str, sk: str, doc: dict[str, Any], **attributes: str) -> None:
        """Admin writes (tenants, locations, products, codes, credentials). Last write wins by design."""
        item = {**_key(pk, sk), "doc": {"S": json.dumps(doc, default=str)}}
        item.update({name: {"S": value} for name, value in attributes.items()})
        self.client.put_item(TableName=self.table_name, Item=item)

    def put_tenant(self, tenant: Tenant) -> None:
        self.put_record(keys.tenant_pk(tenant.tenant_id), keys.TENANT_SK, tenant.model_dump(mode="json"))

    def put_location(self, location: Location) -> None:
        self.put_record(
            keys.tenant_pk(location.tenant_id), keys.location_sk(location.location_id), location.model_dump(mode="json")
        )

    def put_product(self, product: Product) -> None:
        self.put_record(
            keys.tenant_pk(product.tenant_id), keys.product_sk(product.product_id), product.model_dump(mode="json")
        )

    def put_discount(self, code: DiscountCode) -> None:
        self.put_record(keys.tenant_pk(code.tenant_id), keys.discount_sk(code.code), code.model_dump(mode="json"))

    def put_credential(self, credential_hash: str, record: dict[str, Any]) -> None:
        self.put_record(keys.credential_pk(credential_hash), keys.CREDENTIAL_SK, record)

    # ----- item builders -----------------------------------------------------------------

    def _put_cart(self, cart: Cart, version: int | None) -> dict[str, Any]:
        item = {
            **_key(keys.cart_pk(cart.tenant_id, cart.cart_id), keys.CART_SK),
            "doc": {"S": cart.model_dump_json(exclude={"version"})},
            "version": {"N": str((version or 0) + 1)},
            "status": {"S": cart.status.value},
            "expires_at": {"N": str(cart.expires_at)},
        }
        if cart.consumer_id and cart.submitted_ms:
            item["gsi1pk"] = {"S": keys.consumer_history_pk(cart.tenant_id, cart.location_id, cart.consumer_id)}
            item["gsi1sk"] = {"S": f"{cart.submitted_ms:013d}#{cart.cart_id}"}
        put: dict[str, Any] = {"TableName": self.table_name, "Item": item}
        if version is None:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put["ConditionExpression"] = "version = :read"
            put["ExpressionAttributeValues"] = {":read": {"N": str(version)}}
        return {"Put": put}

    def _put_public_pointer(self, cart: Cart) -> dict[str, Any]:
        return self._claim(keys.public_pointer_pk(cart.tenant_id, cart.public_key), cart.cart_id, keys.POINTER_SK)

    def _claim(self, pk: str, cart_id: str, sk: str = keys.CLAIM_SK) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self.table_name,
                "Item": {**_key(pk, sk), "cart_id": {"S": cart_id}},
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }

    def _put_pointer(self, key: PointerKey, cart_id: str, replaces: str | None) -> dict[str, Any]:
        put: dict[str, Any] = {
            "TableName": self.table_name,
            "Item": {
                **_key(keys.active_pointer_pk(key.tenant_id, key.location_id, key.kind, key.value), keys.POINTER_SK),
                "cart_id": {"S": cart_id},
            },
        }
        if replaces is None:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put["ConditionExpression"] = "attribute_not_exists(pk) OR cart_id = :replaces"
            put["ExpressionAttributeValues"] = {":replaces": {"S": replaces}}
        return {"Put": put}

    def _release_pointer(self, key: PointerKey, cart_id: str) -> dict[str, Any]:
        return {
            "Delete": {
                "TableName": self.table_name,
                "Key": _key(
                    keys.active_pointer_pk(key.tenant_id, key.location_id, key.kind, key.value), keys.POINTER_SK
                ),
                "ConditionExpression": "attribute_not_exists(pk) OR cart_id = :cart",
                "ExpressionAttributeValues": {":cart": {"S": cart_id}},
            }
        }

    # ----- helpers -----------------------------------------------------------------------

    def _get_item(self, pk: str, sk: str) -> dict[str, Any] | None:
        item = self.client.get_item(TableName=self.table_name, Key=_key(pk, sk), ConsistentRead=True).get("Item")
        return _live(item, _now())

    def _get_attr(self, pk: str, sk: str, name: str) -> str | None:
        item = self._get_item(pk, sk)
        return item[name]["S"] if item and name in item else None

    def _get_doc(self, pk: str, sk: str) -> dict[str, Any] | None:
        item = self._get_item(pk, sk)
        return json.loads(item["doc"]["S"]) if item else None

    def _batch_get(self, wanted: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
        wanted = list(dict.fromkeys(wanted))
        found: list[dict[str, Any]] = []
        for offset in range(0, len(wanted), BATCH_GET_LIMIT):
            request = {
                self.table_name: {
                    "Keys": [_key(pk, sk) for pk, sk in wanted[offset : offset + BATCH_GET_LIMIT]],
                    "ConsistentRead": True,
                }
            }
            while request:
                response = self.client.batch_get_item(RequestItems=request)
                found += response["Responses"].get(self.table_name, [])
                request = response.get("UnprocessedKeys") or {}
        return found
