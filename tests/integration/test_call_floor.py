"""DynamoDB calls stay at the floor whatever the cart's size (issue #9): every BLAZE endpoint makes
the same calls for a 100-line cart as for a 1-line one, and a many-product read takes its products
from the tenant's price book in the same one batch (store/dynamodb.py)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from cart_core import admin
from cart_core.catalog import Product
from cart_core.ports import ReadSet
from cart_core.store import dynamodb, keys
from tests.integration.test_blaze_cart import prepare
from tests.integration.test_cart_store import _handler_calls

# Per endpoint, the calls of one request: reads are one batch (plus the pointer or query their key
# needs first), mutations one batch and one conditional write.
FLOOR = {
    "history": {"BatchGetItem": 1, "Query": 1},
    "active": {"GetItem": 1, "BatchGetItem": 1},
    "prepare": {"GetItem": 1, "BatchGetItem": 1, "PutItem": 1},
    "findCost": {"BatchGetItem": 1},
    "public": {"GetItem": 1, "BatchGetItem": 1},
    "updateCart": {"BatchGetItem": 1, "PutItem": 1},
    "finalize": {"BatchGetItem": 1, "PutItem": 1},
    "unfinalize": {"BatchGetItem": 1, "PutItem": 1},
    "finalizeAll": {"BatchGetItem": 1, "PutItem": 1},
    "get": {"BatchGetItem": 1},
    "payments": {"BatchGetItem": 1, "PutItem": 1},
    "submitCart": {"BatchGetItem": 1, "TransactWriteItems": 1},
    "cancelCart": {"BatchGetItem": 1, "PutItem": 1},
    "setConsumerUser": {"BatchGetItem": 1, "TransactWriteItems": 1},
}


def _body(lines: int) -> dict:
    return {"cart": {"items": [{"productId": f"floor-{i}", "quantity": 1} for i in range(lines)]}}


def _calls_per_endpoint(api, dynamo_calls, lines: int) -> dict[str, dict[str, int]]:
    cuid = f"floor{lines}"
    body = _body(lines)
    prepare(api, body, cuid)  # the cart every other request works on, and the process's region hints
    calls: dict[str, dict[str, int]] = {}

    def call(name, method, path, request_body=None):
        calls[name] = _handler_calls(api, dynamo_calls, method, path, request_body)[1]

    call("prepare", "POST", f"/prepare?cuid={cuid}", body)
    cart = api.blaze("GET", f"/active?cuid={cuid}").json()
    cart_id = cart["id"]
    call("active", "GET", f"/active?cuid={cuid}")
    call("findCost", "POST", "/product/findCost", {"productId": "floor-0", "quantity": 2})
    call("public", "GET", f"/public/{cart['publicKey']}")
    call("updateCart", "POST", f"/updateCart/{cart_id}?cuid={cuid}", body)
    line = api.blaze("GET", f"/{cart_id}?cuid={cuid}").json()["cart"]["items"][0]["id"]  # new lines: new ids
    call("finalize", "POST", f"/item/{line}/finalize?cuid={cuid}", {"id": cart_id})
    call("unfinalize", "POST", f"/item/{line}/unfinalize?cuid={cuid}", {"id": cart_id})
    call("finalizeAll", "POST", f"/items/finalize?cuid={cuid}", {"id": cart_id})
    call("get", "GET", f"/{cart_id}?cuid={cuid}")
    call("payments", "POST", f"/{cart_id}/payments?cuid={cuid}", {"paymentOption": "Cash", "paymentReceived": 500})
    call("submitCart", "POST", f"/submitCart/{cart_id}?cuid={cuid}")
    call("history", "GET", f"/history?cuid={cuid}")
    placed = prepare(api, body, f"{cuid}-other")
    api.blaze("POST", f"/submitCart/{placed['id']}?cuid={cuid}-other")
    call("cancelCart", "DELETE", f"/cancelCart/{placed['id']}?cuid={cuid}-other")
    guest = api.blaze("POST", "/prepare", {**body, "sessionId": f"{cuid}-guest"}).json()
    call("setConsumerUser", "POST", f"/{guest['id']}/setConsumerUser/{cuid}-new?cuid={cuid}-new")
    return calls


@pytest.fixture
def products(store) -> None:
    for i in range(100):
        admin.create_product(store, "demo", f"floor-{i}", Decimal("1.00"))


def test_every_blaze_endpoint_makes_the_same_floor_calls_at_1_and_100_lines(api, dynamo_calls, products) -> None:
    # Given 100 products / When every endpoint serves a 1-line cart, then a 100-line one
    one, hundred = (_calls_per_endpoint(api, dynamo_calls, lines) for lines in (1, 100))
    # Then each makes the floor's calls at both sizes: a second batch for the 100 products is not one
    assert one == FLOOR, one
    assert hundred == FLOOR, hundred


def _read(store, dynamo_calls, product_ids):
    reads = ReadSet("demo", "main", product_ids=frozenset(product_ids))
    store.read(reads)  # a warm function: it knows which regions the location's carts are priced in
    dynamo_calls.reset()
    snapshot = store.read(reads)
    return snapshot, dict(dynamo_calls.calls)


def test_a_many_product_read_takes_the_price_book_in_its_one_batch(store, dynamo_calls, products) -> None:
    # Given 100 products written through the admin path (each with its entry in the price book)
    wanted = [f"floor-{i}" for i in range(dynamodb.PRICE_BOOK_READ_FROM)]
    # When a read names enough of them to read the book
    snapshot, calls = _read(store, dynamo_calls, wanted)
    # Then it is one batch, and it finds each product as stored
    assert calls == {"BatchGetItem": 1}
    assert sorted(snapshot.products) == sorted(wanted)
    assert snapshot.products["floor-3"].price_minor == 100


def test_a_product_changed_after_it_was_booked_reads_as_changed(store, dynamo_calls, products) -> None:
    # Given floor-5's price and name changed, and floor-6 deactivated, through the admin path
    admin.create_product(store, "demo", "floor-5", Decimal("2.50"), name="Floor five")
    admin.create_product(store, "demo", "floor-6", Decimal("1.00"), active=False)
    # When a many-product read takes them from the book
    snapshot, _ = _read(store, dynamo_calls, [f"floor-{i}" for i in range(20)])
    # Then the book holds what the product items hold
    for product_id in ("floor-5", "floor-6"):
        stored = store._get_doc(keys.tenant_pk("demo"), keys.product_sk(product_id))
        assert snapshot.products[product_id] == Product.model_validate(stored)
    assert snapshot.products["floor-5"].price_minor == 250 and not snapshot.products["floor-6"].active


def test_a_product_the_book_does_not_hold_is_read_by_its_own_key(store, dynamo_calls, products) -> None:
    # Given a product stored before the price book existed (its item only), and a name nobody stored
    legacy = Product(tenant_id="demo", product_id="legacy-1", sku="legacy-1", name="Old", price_minor=700)
    store.put_record(keys.tenant_pk("demo"), keys.product_sk("legacy-1"), legacy.model_dump(mode="json"))
    wanted = [f"floor-{i}" for i in range(20)] + ["legacy-1", "never-stored"]
    # When a many-product read names them
    snapshot, calls = _read(store, dynamo_calls, wanted)
    # Then the booked ones come from the book and the others from a second batch, by key
    assert calls == {"BatchGetItem": 2}
    assert snapshot.products["legacy-1"] == legacy and "never-stored" not in snapshot.products
    assert len(snapshot.products) == 21


def test_a_full_book_leaves_a_new_product_out_and_keeps_the_ones_it_holds_current(
    store, dynamo_calls, products, monkeypatch
) -> None:
    # Given a price book that is full with what it holds (the fixture's products and the 100)
    full = len(store._get_doc(keys.tenant_pk("demo"), keys.PRICE_BOOK_SK))
    monkeypatch.setattr(dynamodb, "PRICE_BOOK_MAX_PRODUCTS", full)
    # When a new product is written, and a booked one changes
    admin.create_product(store, "demo", "floor-new", Decimal("3.00"))
    admin.create_product(store, "demo", "floor-7", Decimal("4.00"))
    # Then the new one is stored (read by its key) and the booked one reads changed from the book
    snapshot, calls = _read(store, dynamo_calls, [f"floor-{i}" for i in range(20)] + ["floor-new"])
    assert calls == {"BatchGetItem": 2}
    assert snapshot.products["floor-new"].price_minor == 300 and snapshot.products["floor-7"].price_minor == 400
    book = store._get_doc(keys.tenant_pk("demo"), keys.PRICE_BOOK_SK)
    assert "floor-new" not in book and len(book) == full


def test_the_price_book_is_the_tenants_own(store, dynamo_calls, products) -> None:
    # Given another tenant's product with one of demo's product ids
    admin.create_product(store, "other", "floor-1", Decimal("9.00"))
    # When demo reads many products / Then it finds its own price, not the other tenant's
    snapshot, _ = _read(store, dynamo_calls, [f"floor-{i}" for i in range(20)])
    assert snapshot.products["floor-1"].price_minor == 100 and snapshot.products["floor-1"].tenant_id == "demo"


def test_a_variant_that_manages_stock_stays_out_of_the_book_and_reads_its_stock(store, dynamo_calls, products) -> None:
    # Given a variant with 7 in stock, written through the admin path after the book held it unstocked
    base = Product(tenant_id="demo", product_id="floor-7", sku="floor-7", name="Seven", price_minor=100)
    store.put_product(base.model_copy(update={"manage_inventory": True, "inventory_quantity": 7}))
    # When a many-product read names it
    snapshot, calls = _read(store, dynamo_calls, [f"floor-{i}" for i in range(20)])
    # Then the book no longer holds it: it is read by its own key, stock included
    key = {"pk": {"S": keys.tenant_pk("demo")}, "sk": {"S": keys.PRICE_BOOK_SK}}
    book = json.loads(store.client.get_item(TableName=store.table_name, Key=key)["Item"]["doc"]["S"])
    assert "floor-7" not in book and "floor-8" in book
    assert calls == {"BatchGetItem": 2}
    assert snapshot.products["floor-7"].manage_inventory and snapshot.products["floor-7"].inventory_quantity == 7


# ----- the Medusa storefront's hot calls (issue #10's bench: carts.retrieve, lineItems.*) ---------

# Two reads: the cart (with its region, and the variant being added), then its lines' variants and
# products as the catalog holds them now (Medusa joins them into every cart answer: today's stock,
# the product's handle and thumbnail). Their keys are inside the cart, so the data does not allow
# one batch without guessing them (docs/medusa.md "Hot calls"). Adding a line, one of Medusa's
# idempotent routes, also records the Idempotency-Key it mints for a request that sent none (one
# conditional put of the finished record, so a retry with that key replays it).
MEDUSA_FLOOR = {
    "carts.retrieve": {"BatchGetItem": 2},
    "lineItems.create": {"BatchGetItem": 2, "PutItem": 2},
    "lineItems.update": {"BatchGetItem": 2, "PutItem": 1},
    "lineItems.delete": {"BatchGetItem": 2, "PutItem": 1},
}


@pytest.fixture
def aws_calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Every AWS API call this process makes, whichever client makes it (the store's, Powertools
    idempotency's own), by operation name."""
    from botocore.endpoint import Endpoint

    counted: dict[str, int] = {}
    make_request = Endpoint.make_request

    def counting(self: Endpoint, operation_model, request_dict):  # type: ignore[no-untyped-def]
        counted[operation_model.name] = counted.get(operation_model.name, 0) + 1
        return make_request(self, operation_model, request_dict)

    monkeypatch.setattr(Endpoint, "make_request", counting)
    return counted


def _medusa_calls(api, aws_calls: dict[str, int], method: str, path: str, body=None, headers=None):
    from medusa_store.face import FACE

    aws_calls.clear()
    sent = body if body is not None or method == "GET" else {}
    response = api.request(method, FACE.base_path + path, headers or {}, sent)
    assert response.status == 200, response.text
    return response.json(), dict(aws_calls)


def test_the_medusa_hot_calls_read_the_cart_once_and_write_it_at_most_once(api, aws_calls) -> None:
    from local.fixture import REG_US, VARIANT_MUG, VARIANT_TEE_M, VARIANT_TEE_S

    # Given a storefront's guest cart with three lines, read once (a warm function)
    made, _ = _medusa_calls(api, aws_calls, "POST", "/carts", {"region_id": REG_US})
    cart_id = made["cart"]["id"]
    for variant in (VARIANT_TEE_S, VARIANT_TEE_M, VARIANT_MUG):
        _medusa_calls(api, aws_calls, "POST", f"/carts/{cart_id}/line-items", {"variant_id": variant, "quantity": 1})
    cart, _ = _medusa_calls(api, aws_calls, "GET", f"/carts/{cart_id}")
    line = cart["cart"]["items"][0]["id"]
    calls: dict[str, dict[str, int]] = {}
    # When a storefront (no Idempotency-Key, as medusa-js without retries) makes each hot call
    _, calls["carts.retrieve"] = _medusa_calls(api, aws_calls, "GET", f"/carts/{cart_id}")
    _, calls["lineItems.create"] = _medusa_calls(
        api, aws_calls, "POST", f"/carts/{cart_id}/line-items", {"variant_id": VARIANT_TEE_S, "quantity": 1}
    )
    _, calls["lineItems.update"] = _medusa_calls(
        api, aws_calls, "POST", f"/carts/{cart_id}/line-items/{line}", {"quantity": 3}
    )
    answered, calls["lineItems.delete"] = _medusa_calls(api, aws_calls, "DELETE", f"/carts/{cart_id}/line-items/{line}")
    # Then each reads the cart once and a change writes it once, conditionally: no second read of the
    # cart, no idempotency record beyond the minted key's
    assert calls == MEDUSA_FLOOR, calls
    assert line not in {item["id"] for item in answered["cart"]["items"]}
    # And a line the cart does not have (deleted just now) is still Medusa's answer, after the reads alone
    missing, calls_missing = _medusa_calls(api, aws_calls, "DELETE", f"/carts/{cart_id}/line-items/{line}")
    assert calls_missing == MEDUSA_FLOOR["carts.retrieve"] and missing == answered
    # (The count sees the idempotency layer's own client: with the header, its record is written.)
    add = {"variant_id": VARIANT_MUG, "quantity": 1}
    _, keyed = _medusa_calls(api, aws_calls, "POST", f"/carts/{cart_id}/line-items", add, {"Idempotency-Key": "k-1"})
    assert sum(keyed.values()) > sum(MEDUSA_FLOOR["lineItems.create"].values()), keyed
