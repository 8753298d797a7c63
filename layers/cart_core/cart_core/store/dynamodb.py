"""DynamoDB adapter for the cart store, catalog and credentials (see docs/storage.md).

Low-level client, one table. Items past their TTL are treated as absent on every read because
DynamoDB removes them up to days late.
"""

from __future__ import annotations

import contextlib
import json
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from cart_core.actors import identity_keys
from cart_core.cart import Cart
from cart_core.catalog import DiscountCode, GiftCard, Product
from cart_core.clock import Clock, system_clock
from cart_core.ports import (
    DISCOUNT_USES,
    GIFT_CARD_BALANCE,
    INVENTORY,
    Add,
    Claim,
    Intent,
    Key,
    PointerKey,
    Put,
    ReadSet,
    Release,
    Snapshot,
    VersionConflict,
)
from cart_core.regions import Region, region_ids_needed
from cart_core.shipping import MAX_SHIPPING_OPTIONS, ShippingOption
from cart_core.store import keys
from cart_core.store.table import DynamoTable, _key, _live
from cart_core.tenancy import Location, Tenant

if TYPE_CHECKING:
    # Records a BLAZE or LOKE request never reads (hosted checkout, customers, the storefront catalog,
    # webhook subscriptions with their KMS envelope): imported by the methods that read them, so they
    # stay out of those faces' cold start (docs/architecture.md, Import discipline).
    from cart_core.checkout_configuration import CheckoutConfiguration
    from cart_core.customers import Customer
    from cart_core.storefront import StoreProduct
    from cart_core.webhooks import WebhookSubscription

BATCH_GET_LIMIT = 100
# Region ids remembered per location, so the next read of that location fetches them in its one
# batch (``DynamoStore.read``); bounded, oldest forgotten first.
REGION_HINT_LOCATIONS = 1024
REGION_HINTS_PER_LOCATION = 4
HISTORY_INDEX = "ConsumerHistory"
# The price book (``keys.PRICE_BOOK_SK``): a copy of each of a tenant's product documents in one
# JSON document of one item (one string attribute: cheap to read and decode, where a map of a
# hundred attributes is not), written in the same transaction as the product's own item, so the two
# never differ. A read naming at least PRICE_BOOK_READ_FROM products asks for the book in its one
# batch instead of one key per product: DynamoDB bills a consistent read per 4 KB, and the book is
# kept under PRICE_BOOK_MAX_BYTES (12 such units, what 12 product items cost read one by one), so
# it never costs more than the keys it replaces; smaller reads keep reading products by key. A
# product the book does not hold (stored before the book, or once it filled up) is read by its own
# key in a second batch: one call where the data allows, two past it.
PRICE_BOOK_READ_FROM = 12
PRICE_BOOK_MAX_PRODUCTS = 250
PRICE_BOOK_MAX_BYTES = 48 * 1024
MAX_BOOK_WRITE_ATTEMPTS = 5


def _item_key(key: Key) -> dict[str, Any]:
    """The table key of a storage-neutral ``Key`` (store/keys.py maps each kind)."""
    return _key(*keys.item_key(key.kind, key.parts))


def _cart_item(cart: Cart, document: str | None = None) -> dict[str, Any]:
    """A cart's item: the document (``document`` if the use case has it already) plus what the
    table indexes or filters on (status for the stream, expires_at for TTL, the consumer-history GSI
    keys once a consumer's order is placed)."""
    item = {
        **_key(keys.cart_pk(cart.tenant_id, cart.cart_id), keys.CART_SK),
        "doc": {"S": document if document is not None else cart.document()},
        "status": {"S": cart.status.value},
        "expires_at": {"N": str(cart.expires_at)},
    }
    if cart.owner_id and cart.submitted_ms:
        item["gsi1pk"] = {"S": keys.consumer_history_pk(cart.tenant_id, cart.location_id, cart.owner_id)}
        item["gsi1sk"] = {"S": f"{cart.submitted_ms:013d}#{cart.cart_id}"}
    return item


def _checkout_configuration_item(configuration: CheckoutConfiguration, document: str | None = None) -> dict[str, Any]:
    return {
        **_key(keys.tenant_pk(configuration.tenant_id), keys.checkout_configuration_sk(configuration.configuration_id)),
        "doc": {"S": document if document is not None else configuration.model_dump_json(exclude={"version"})},
    }


def _customer_item(customer: Customer, document: str | None = None) -> dict[str, Any]:
    return {
        **_key(keys.tenant_pk(customer.tenant_id), keys.customer_sk(customer.customer_id)),
        "doc": {"S": document if document is not None else customer.model_dump_json(exclude={"version"})},
    }


def _gift_card(doc: dict[str, Any], item: dict[str, Any]) -> GiftCard:
    """A gift card item: its document, with the balance from the numeric attribute ``Add`` updates."""
    return GiftCard.model_validate({**doc, "balance_minor": int(item[GIFT_CARD_BALANCE]["N"])})


def _counted(doc: dict[str, Any], item: dict[str, Any], attribute: str, field: str) -> dict[str, Any]:
    """A catalog document with the counter an ``Add`` updates (absent on items stored before it)."""
    return {**doc, field: int(item[attribute]["N"])} if attribute in item else doc


# A tenant holds at most this many regions (listing them is one bounded Query).
MAX_REGIONS = 100


# The item codec of each versioned record type a ``Put`` may carry, by the type's name (the types
# themselves are imported only where they are read).
_RECORD_ITEMS: dict[str, Callable[[Any, str | None], dict[str, Any]]] = {
    "Cart": _cart_item,
    "CheckoutConfiguration": _checkout_configuration_item,
    "Customer": _customer_item,
}
# The single-item call for an operation when a commit has only one.
_SINGLE = {"Put": "put_item", "Delete": "delete_item", "Update": "update_item"}


class DynamoStore(DynamoTable):
    def __init__(self, table_name: str, client: Any = None, clock: Clock = system_clock) -> None:
        super().__init__(table_name, client, clock)
        self._region_hints: OrderedDict[tuple[str, str], tuple[str, ...]] = OrderedDict()

    # ----- reads -------------------------------------------------------------------------

    def read_pointer(self, key: PointerKey) -> str | None:
        active = Key.active(key)
        return self._get_attr(*keys.item_key(active.kind, active.parts), "cart_id")

    def read_public_pointer(self, tenant_id: str, public_key: str) -> str | None:
        public = Key.public(tenant_id, public_key)
        return self._get_attr(*keys.item_key(public.kind, public.parts), "cart_id")

    def read_claim(self, key: Key) -> str | None:
        return self._get_attr(*keys.item_key(key.kind, key.parts), "cart_id")

    def read(self, reads: ReadSet) -> Snapshot:
        """A read set in one BatchGetItem (more only past 100 keys or with unprocessed keys).

        The regions the location and cart name are known only once they are read: the batch also
        asks for the regions this process last saw needed at this location (``_region_hints``), and
        only a region that was not among them costs one more BatchGetItem. A location stored before
        regions needs none."""
        tenant_id, location_id = reads.tenant_id, reads.location_id
        tenant = keys.tenant_pk(tenant_id)
        requested_regions = set(reads.region_ids) | set(self._region_hints.get((tenant_id, location_id), ()))
        wanted = [(tenant, keys.location_sk(location_id))]
        pointers: dict[tuple[str, str], PointerKey] = {}
        for pointer in reads.pointers:
            active = Key.active(pointer)
            pointers[keys.item_key(active.kind, active.parts)] = pointer
        wanted += list(pointers)
        if reads.cart_id:
            wanted.append((keys.cart_pk(tenant_id, reads.cart_id), keys.CART_SK))
        wanted += [(keys.cart_pk(tenant_id, o), keys.CART_SK) for o in sorted(reads.order_ids - {reads.cart_id})]
        from_book = len(reads.product_ids) >= PRICE_BOOK_READ_FROM
        if from_book:
            wanted.append((tenant, keys.PRICE_BOOK_SK))
        else:
            wanted += [(tenant, keys.product_sk(p)) for p in sorted(reads.product_ids)]
        wanted += [(keys.tenant_pk(tenant_id), keys.discount_sk(c)) for c in sorted(reads.discount_codes)]
        wanted += [(keys.tenant_pk(tenant_id), keys.gift_card_sk(c)) for c in sorted(reads.gift_card_codes)]
        wanted += [(tenant, keys.region_sk(r)) for r in sorted(requested_regions)]
        if reads.checkout_configuration_id:
            wanted.append((tenant, keys.checkout_configuration_sk(reads.checkout_configuration_id)))
        wanted += [(tenant, keys.shipping_option_sk(o)) for o in sorted(reads.shipping_option_ids)]
        if reads.customer_id:
            wanted.append((tenant, keys.customer_sk(reads.customer_id)))
        wanted += [(tenant, keys.store_product_sk(p)) for p in sorted(reads.store_product_ids)]
        snapshot = Snapshot()
        book_wants = reads.product_ids if from_book else frozenset()
        main = keys.cart_pk(tenant_id, reads.cart_id) if reads.cart_id else None
        self._decode(self._batch_get(wanted), snapshot, tenant_id, location_id, pointers, book_wants, main)
        if from_book:
            # A product the book does not hold may still exist: read those by their own keys.
            unbooked = sorted(reads.product_ids - snapshot.products.keys())
            if unbooked:
                products = self._batch_get((tenant, keys.product_sk(p)) for p in unbooked)
                self._decode(products, snapshot, tenant_id, location_id, {})
        if snapshot.location is not None:
            needed = region_ids_needed(snapshot.location, snapshot.cart)
            missing = sorted(needed - requested_regions)
            if missing:
                regions = self._batch_get((tenant, keys.region_sk(r)) for r in missing)
                self._decode(regions, snapshot, tenant_id, location_id, {})
            # The regions a use case named are remembered too: a cart just moved there is read next.
            self._remember_regions(tenant_id, location_id, needed | (reads.region_ids & snapshot.regions.keys()))
        return snapshot

    def _remember_regions(self, tenant_id: str, location_id: str, needed: frozenset[str]) -> None:
        if not needed:
            return
        hint_key = (tenant_id, location_id)
        previous = self._region_hints.pop(hint_key, ())
        self._region_hints[hint_key] = tuple(dict.fromkeys([*sorted(needed), *previous]))[:REGION_HINTS_PER_LOCATION]
        while len(self._region_hints) > REGION_HINT_LOCATIONS:
            self._region_hints.popitem(last=False)

    def _decode(
        self,
        items: list[dict[str, Any]],
        snapshot: Snapshot,
        tenant_id: str,
        location_id: str,
        pointers: dict[tuple[str, str], PointerKey],
        book_wants: frozenset[str] = frozenset(),
        main_cart_pk: str | None = None,
    ) -> None:
        """Fill ``snapshot`` from what a batch found (records of another tenant or location are
        left out: keys are built, never trusted). From a price book, only the ``book_wants``
        products are decoded. A cart item other than the read's own cart (``main_cart_pk``) is an
        order a return names: kept if it is the tenant's, at any of its locations."""
        now = self._now()
        for item in items:
            if _live(item, now) is None:
                continue
            pk, sk = item["pk"]["S"], item["sk"]["S"]
            if sk == keys.POINTER_SK:
                if (pk, sk) in pointers:
                    snapshot.pointers[pointers[(pk, sk)]] = item["cart_id"]["S"]
                continue
            doc = json.loads(item["doc"]["S"])
            if sk == keys.PRICE_BOOK_SK:
                for product_id in book_wants & doc.keys():
                    product = Product.model_validate(doc[product_id])
                    if product.tenant_id == tenant_id and product.product_id == product_id:
                        snapshot.products[product_id] = product
                continue
            if sk == keys.CART_SK:
                cart = Cart.model_validate(doc)
                if pk != main_cart_pk:
                    if cart.tenant_id == tenant_id and pk == keys.cart_pk(tenant_id, cart.cart_id):
                        cart.version = int(item["version"]["N"])
                        snapshot.orders[cart.cart_id] = cart
                elif cart.tenant_id == tenant_id and cart.location_id == location_id:
                    cart.version = int(item["version"]["N"])
                    snapshot.cart = cart
            elif sk.startswith("LOCATION#"):
                snapshot.location = Location.model_validate(doc)
            elif sk.startswith("PRODUCT#"):
                product = Product.model_validate(_counted(doc, item, INVENTORY, "inventory_quantity"))
                snapshot.products[product.product_id] = product
            elif sk.startswith("DISCOUNT#"):
                code = DiscountCode.model_validate(_counted(doc, item, DISCOUNT_USES, "usage_count"))
                snapshot.discounts[code.code.upper()] = code
            elif sk.startswith("REGION#"):
                region = Region.model_validate(doc)
                if region.tenant_id == tenant_id:
                    snapshot.regions[region.region_id] = region
            elif sk.startswith(keys.CHECKOUT_CONFIGURATION_PREFIX):
                from cart_core.checkout_configuration import CheckoutConfiguration

                configuration = CheckoutConfiguration.model_validate(doc)
                if configuration.tenant_id == tenant_id:
                    configuration.version = int(item["version"]["N"])
                    snapshot.checkout_configuration = configuration
            elif sk.startswith(keys.CUSTOMER_PREFIX):
                from cart_core.customers import Customer

                customer = Customer.model_validate(doc)
                if customer.tenant_id == tenant_id:
                    customer.version = int(item["version"]["N"])
                    snapshot.customer = customer
            elif sk.startswith("GIFTCARD#"):
                card = _gift_card(doc, item)
                snapshot.gift_cards[card.code.upper()] = card
            elif sk.startswith(keys.SHIPPING_OPTION_PREFIX):
                option = ShippingOption.model_validate(doc)
                if option.tenant_id == tenant_id:
                    snapshot.shipping_options[option.option_id] = option
            elif sk.startswith(keys.STORE_PRODUCT_PREFIX):
                from cart_core.storefront import StoreProduct

                store_product = StoreProduct.model_validate(doc)
                if store_product.tenant_id == tenant_id:
                    snapshot.store_products[store_product.product_id] = store_product

    def load(
        self,
        tenant_id: str,
        location_id: str,
        cart_id: str | None = None,
        product_ids: frozenset[str] = frozenset(),
        discount_codes: frozenset[str] = frozenset(),
    ) -> Snapshot:
        """Shorthand for ``read`` (workers, scripts and tests that want one cart or the catalog)."""
        return self.read(ReadSet(tenant_id, location_id, cart_id, product_ids, discount_codes))

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
                ":now": {"N": str(self._now())},
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
        from cart_core.webhooks import WebhookSubscription

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
        releases = [
            Release(Key.active(PointerKey(tenant_id, cart.location_id, key.kind, key.value)), cart.cart_id)
            for key in identity_keys(cart)
        ]
        releases.append(Release(Key.public(tenant_id, cart.public_key), cart.cart_id))
        for release in releases:  # independent deletes: one losing its condition must not stop the rest
            with contextlib.suppress(VersionConflict):
                self.write([release])

    # ----- writes ------------------------------------------------------------------------

    def write(self, intents: Sequence[Intent]) -> None:
        """One intent: one conditional PutItem / DeleteItem / UpdateItem. Several: one
        TransactWriteItems, all or nothing. A failed condition (or a transaction cancelled by a
        concurrent one) raises ``VersionConflict`` naming the failed intents."""
        operations = [self._operation(intent) for intent in intents]
        try:
            if len(operations) == 1:
                ((kind, request),) = operations[0].items()
                getattr(self.client, _SINGLE[kind])(**request)
            elif operations:
                self.client.transact_write_items(TransactItems=operations)
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code == "ConditionalCheckFailedException":
                raise VersionConflict(failed=(0,)) from error
            if code == "TransactionCanceledException":
                reasons = error.response.get("CancellationReasons") or []
                failed = [i for i, reason in enumerate(reasons) if reason.get("Code") == "ConditionalCheckFailed"]
                raise VersionConflict(failed=failed) from error
            raise

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

    def put_region(self, region: Region) -> None:
        if region.implicit:
            raise ValueError("An implicit region stands for a location's own terms and is never stored")
        self.put_record(
            keys.tenant_pk(region.tenant_id), keys.region_sk(region.region_id), region.model_dump(mode="json")
        )

    def regions(self, tenant_id: str) -> list[Region]:
        """A tenant's regions: one Query on its partition, at most ``MAX_REGIONS``."""
        items = self._query_prefix(keys.tenant_pk(tenant_id), keys.REGION_PREFIX, MAX_REGIONS)
        return [Region.model_validate_json(item["doc"]["S"]) for item in items]

    def shipping_options(self, tenant_id: str) -> list[ShippingOption]:
        """A tenant's shipping options, every region's: one Query, at most ``MAX_SHIPPING_OPTIONS``."""
        items = self._query_prefix(keys.tenant_pk(tenant_id), keys.SHIPPING_OPTION_PREFIX, MAX_SHIPPING_OPTIONS)
        return [ShippingOption.model_validate_json(item["doc"]["S"]) for item in items]

    def store_products(self, tenant_id: str, offset: int, limit: int) -> tuple[list[StoreProduct], int]:
        """Products ``offset`` to ``offset + limit`` in id order, and how many the tenant has: a Query
        reading no further than the page (``offset`` at most ``MAX_PRODUCTS_OFFSET``), and a
        counting Query (keys only, no documents returned)."""
        from cart_core.storefront import MAX_PRODUCTS_OFFSET, StoreProduct

        offset = min(max(0, offset), MAX_PRODUCTS_OFFSET)
        pk = keys.tenant_pk(tenant_id)
        items = self._query_prefix(pk, keys.STORE_PRODUCT_PREFIX, offset + limit) if limit > 0 else []
        products = [StoreProduct.model_validate_json(item["doc"]["S"]) for item in items[offset:]]
        return products, self._count_prefix(pk, keys.STORE_PRODUCT_PREFIX)

    def store_product(self, tenant_id: str, product_id: str) -> StoreProduct | None:
        from cart_core.storefront import StoreProduct

        found = self._batch_get([(keys.tenant_pk(tenant_id), keys.store_product_sk(product_id))])
        return StoreProduct.model_validate_json(found[0]["doc"]["S"]) if found else None

    def put_shipping_option(self, option: ShippingOption) -> None:
        self.put_record(
            keys.tenant_pk(option.tenant_id), keys.shipping_option_sk(option.option_id), option.model_dump(mode="json")
        )

    def put_store_product(self, product: StoreProduct) -> None:
        self.put_record(
            keys.tenant_pk(product.tenant_id),
            keys.store_product_sk(product.product_id),
            product.model_dump(mode="json"),
        )

    def checkout_configurations(self, tenant_id: str) -> list[CheckoutConfiguration]:
        """A tenant's checkout configurations, deleted ones included: one Query on its partition."""
        from cart_core.checkout_configuration import CheckoutConfiguration

        configurations = []
        for item in self._query_prefix(keys.tenant_pk(tenant_id), keys.CHECKOUT_CONFIGURATION_PREFIX):
            configuration = CheckoutConfiguration.model_validate_json(item["doc"]["S"])
            configuration.version = int(item["version"]["N"])
            configurations.append(configuration)
        return configurations

    def put_product(self, product: Product) -> None:
        """Admin write: the product's item and the price book with it, in one transaction conditional
        on the book's version (so a read from either finds the same document); retried from the read
        if another product write came first. Last write wins by design, as for every admin write.

        A variant that manages inventory gets its stock in the numeric attribute placement decrements
        (``INVENTORY``; writing it again sets the stock) and stays out of the book: a copy would not
        follow the decrements, so it is always read by its own key (and taken out of the book if an
        earlier write put it there). A product the book has no room for is written alone too."""
        tenant = keys.tenant_pk(product.tenant_id)
        doc = product.model_dump(mode="json", exclude={"inventory_quantity"})
        item = {**_key(tenant, keys.product_sk(product.product_id)), "doc": {"S": json.dumps(doc, default=str)}}
        if product.manage_inventory:
            item[INVENTORY] = {"N": str(product.inventory_quantity)}
        product_put = {"TableName": self.table_name, "Item": item}
        bookable = not product.manage_inventory
        for _ in range(MAX_BOOK_WRITE_ATTEMPTS):
            found = self.client.get_item(
                TableName=self.table_name, Key=_key(tenant, keys.PRICE_BOOK_SK), ConsistentRead=True
            ).get("Item")
            book: dict[str, Any] = json.loads(found["doc"]["S"]) if found else {}
            held = product.product_id in book
            if bookable:
                book[product.product_id] = doc
            text = json.dumps(book, default=str, separators=(",", ":"))
            if not bookable or len(book) > PRICE_BOOK_MAX_PRODUCTS or len(text.encode()) > PRICE_BOOK_MAX_BYTES:
                if not held:
                    break  # not for the book, and nothing stale in it to take out: the product alone
                book.pop(product.product_id, None)
                text = json.dumps(book, default=str, separators=(",", ":"))
            version = int(found["version"]["N"]) if found else 0
            book_put: dict[str, Any] = {
                "TableName": self.table_name,
                "Item": {**_key(tenant, keys.PRICE_BOOK_SK), "doc": {"S": text}, "version": {"N": str(version + 1)}},
            }
            if found:
                book_put["ConditionExpression"] = "version = :read"
                book_put["ExpressionAttributeValues"] = {":read": {"N": str(version)}}
            else:
                book_put["ConditionExpression"] = "attribute_not_exists(pk)"
            try:
                self.client.transact_write_items(TransactItems=[{"Put": product_put}, {"Put": book_put}])
                return
            except ClientError as error:
                if error.response["Error"]["Code"] != "TransactionCanceledException":
                    raise
        else:
            raise VersionConflict()  # the book kept moving: the admin write may be repeated
        self.client.put_item(**product_put)

    def put_discount(self, code: DiscountCode) -> None:
        """Admin write. A code with an id has its uses in the numeric attribute placement counts
        (``DISCOUNT_USES``), written as ``usage_count``. Last write wins."""
        doc = code.model_dump(mode="json", exclude={"usage_count"})
        counters = {DISCOUNT_USES: code.usage_count} if code.discount_id is not None else {}
        self._put_counted(keys.tenant_pk(code.tenant_id), keys.discount_sk(code.code), doc, counters)

    def _put_counted(self, pk: str, sk: str, doc: dict[str, Any], counters: dict[str, int]) -> None:
        item = {**_key(pk, sk), "doc": {"S": json.dumps(doc, default=str)}}
        item.update({name: {"N": str(value)} for name, value in counters.items()})
        self.client.put_item(TableName=self.table_name, Item=item)

    def put_gift_card(self, card: GiftCard) -> None:
        """Admin write (issue or reload a card): the document, with the balance in its own numeric
        attribute, which placement takes from with ``Add`` intents. Last write wins by design."""
        doc = card.model_dump(mode="json", exclude={"balance_minor"})
        item = {
            **_key(keys.tenant_pk(card.tenant_id), keys.gift_card_sk(card.code)),
            "doc": {"S": json.dumps(doc)},
            GIFT_CARD_BALANCE: {"N": str(card.balance_minor)},
        }
        self.client.put_item(TableName=self.table_name, Item=item)

    def put_credential(self, credential_hash: str, record: dict[str, Any]) -> None:
        self.put_record(keys.credential_pk(credential_hash), keys.CREDENTIAL_SK, record)

    # ----- intents → operations ----------------------------------------------------------

    def _operation(self, intent: Intent) -> dict[str, Any]:
        if isinstance(intent, Put):
            return self._put(intent)
        if isinstance(intent, Claim):
            return self._claim(intent)
        if isinstance(intent, Release):
            return self._release(intent)
        if isinstance(intent, Add):
            return self._add(intent)
        raise TypeError(f"Unknown write intent {intent!r}")

    def _put(self, intent: Put) -> dict[str, Any]:
        encode = _RECORD_ITEMS[type(intent.record).__name__]
        item = {**encode(intent.record, intent.document), "version": {"N": str((intent.version or 0) + 1)}}
        put: dict[str, Any] = {"TableName": self.table_name, "Item": item}
        if intent.version is None:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put["ConditionExpression"] = "version = :read"
            put["ExpressionAttributeValues"] = {":read": {"N": str(intent.version)}}
        return {"Put": put}

    def _claim(self, intent: Claim) -> dict[str, Any]:
        item = {**_item_key(intent.key), "cart_id": {"S": intent.owner}}
        if intent.expires_with is not None:
            item["expires_at"] = {"N": str(intent.expires_with.expires_at)}
        put: dict[str, Any] = {"TableName": self.table_name, "Item": item}
        if intent.replaces is None:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put["ConditionExpression"] = "attribute_not_exists(pk) OR cart_id = :replaces"
            put["ExpressionAttributeValues"] = {":replaces": {"S": intent.replaces}}
        return {"Put": put}

    def _release(self, intent: Release) -> dict[str, Any]:
        return {
            "Delete": {
                "TableName": self.table_name,
                "Key": _item_key(intent.key),
                "ConditionExpression": "attribute_not_exists(pk) OR cart_id = :owner",
                "ExpressionAttributeValues": {":owner": {"S": intent.owner}},
            }
        }

    def _add(self, intent: Add) -> dict[str, Any]:
        """ADD with the bound as a condition on the value before it: DynamoDB conditions cannot add,
        so ``value + amount <= maximum`` is checked as ``value <= maximum - amount`` (and likewise for
        the minimum); an absent counter (0) is allowed only if ``amount`` itself is within bounds."""
        values: dict[str, Any] = {":amount": {"N": str(intent.amount)}}
        present = []
        if intent.maximum is not None:
            present.append("#value <= :high")
            values[":high"] = {"N": str(intent.maximum - intent.amount)}
        if intent.minimum is not None:
            present.append("#value >= :low")
            values[":low"] = {"N": str(intent.minimum - intent.amount)}
        update: dict[str, Any] = {
            "TableName": self.table_name,
            "Key": _item_key(intent.key),
            "UpdateExpression": "ADD #value :amount",
            "ExpressionAttributeNames": {"#value": intent.attribute},
            "ExpressionAttributeValues": values,
        }
        if present:
            absent_ok = (intent.maximum is None or intent.amount <= intent.maximum) and (
                intent.minimum is None or intent.amount >= intent.minimum
            )
            condition = " AND ".join(present)
            update["ConditionExpression"] = (
                f"attribute_not_exists(#value) OR ({condition})"
                if absent_ok
                else f"attribute_exists(#value) AND {condition}"
            )
        return {"Update": update}

    # ----- helpers -----------------------------------------------------------------------

    def _query_prefix(self, pk: str, prefix: str, limit: int | None = None) -> list[dict[str, Any]]:
        """The items of ``pk`` whose sort key starts with ``prefix``, in order; at most ``limit``."""
        query: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {":pk": {"S": pk}, ":prefix": {"S": prefix}},
            "ConsistentRead": True,
        }
        items: list[dict[str, Any]] = []
        while True:
            if limit is not None:
                query["Limit"] = limit - len(items)
            page = self.client.query(**query)
            items += page["Items"]
            if "LastEvaluatedKey" not in page or (limit is not None and len(items) >= limit):
                return items
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _count_prefix(self, pk: str, prefix: str) -> int:
        query: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {":pk": {"S": pk}, ":prefix": {"S": prefix}},
            "Select": "COUNT",
        }
        count = 0
        while True:
            page = self.client.query(**query)
            count += page["Count"]
            if "LastEvaluatedKey" not in page:
                return count
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]

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
