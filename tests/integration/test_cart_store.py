"""The DynamoDB adapter: conditional writes, TTL on read, and the call budget per endpoint."""

from __future__ import annotations

import json
import time

import pytest

from cart_core.cart import Cart
from cart_core.ports import Put, VersionConflict
from cart_core.store import keys
from tests.integration.test_blaze_cart import prepare


def _expire(store, tenant: str, cart_id: str) -> None:
    store.client.update_item(
        TableName=store.table_name,
        Key={"pk": {"S": keys.cart_pk(tenant, cart_id)}, "sk": {"S": keys.CART_SK}},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"N": str(int(time.time()) - 60)}},
    )


def test_a_write_with_a_stale_version_is_refused_and_changes_nothing(store) -> None:
    cart = Cart(tenant_id="demo", location_id="main", currency="USD", expires_at=int(time.time()) + 60)
    store.write([Put(cart, None)])
    fresh = store.load("demo", "main", cart.cart_id).cart
    fresh.notes = "first writer"
    store.write([Put(fresh, fresh.version)])
    stale = cart.model_copy(update={"notes": "second writer", "version": 1})
    with pytest.raises(VersionConflict):
        store.write([Put(stale, 0)])
    assert store.load("demo", "main", cart.cart_id).cart.notes == "first writer"


def test_creating_a_cart_twice_with_one_id_is_refused(store) -> None:
    cart = Cart(tenant_id="demo", location_id="main", currency="USD", expires_at=int(time.time()) + 60)
    store.write([Put(cart, None)])
    with pytest.raises(VersionConflict):
        store.write([Put(cart.model_copy(), None)])


def test_an_expired_cart_is_gone_even_before_dynamodb_deletes_it(api, store) -> None:
    # Given alice's open cart whose TTL has passed (moto, like DynamoDB, has not deleted it yet)
    cart = prepare(api)
    _expire(store, "demo", cart["id"])
    # Then every read treats it as gone, and /active starts a fresh cart over the stale pointer
    assert api.blaze("GET", f"/{cart['id']}?cuid=alice").status == 404
    assert api.blaze("GET", f"/public/{cart['publicKey']}").status == 404
    fresh = api.blaze("GET", "/active?cuid=alice").json()
    assert fresh["id"] != cart["id"] and fresh["cart"]["items"] == []


def test_expired_orders_drop_out_of_history(api, store) -> None:
    cart_id = prepare(api)["id"]
    api.blaze("POST", f"/submitCart/{cart_id}?cuid=alice")
    _expire(store, "demo", cart_id)
    history = api.blaze("GET", "/history?cuid=alice").json()
    assert history["total"] == 0 and history["values"] == []


def test_open_carts_expire_after_the_locations_idle_time(api) -> None:
    cart = prepare(api)
    assert abs(cart["expiredAt"] / 1000 - (time.time() + 7 * 86400)) < 60


def _handler_calls(api, dynamo_calls, method, path, body=None):
    """DynamoDB calls made by the BLAZE function alone (the authorizer's lookup is not counted)."""
    built = api.gateway.proxy_event(method, "/api/v1/partner/store/cart" + path, {}, None)
    route, event = built
    event["requestContext"]["authorizer"] = {"tenantId": "demo", "locationId": "main"}
    if body is not None:
        import json

        event["body"] = json.dumps(body)
    dynamo_calls.reset()
    response = api.runtime.invoke(route.function, event)
    assert response["statusCode"] < 300, response["body"]
    return dynamo_calls.total, dict(dynamo_calls.calls)


def test_call_budget_per_endpoint(api, dynamo_calls) -> None:
    import json

    for _ in range(2):  # some history, so that /history has pages to read
        api.blaze("POST", f"/submitCart/{prepare(api)['id']}?cuid=alice")
    cart = prepare(api)
    cart_id, line = cart["id"], cart["cart"]["items"][0]["id"]
    reads = {
        ("GET", f"/{cart_id}?cuid=alice"): 1,
        ("GET", "/active?cuid=alice"): 2,
        ("GET", f"/public/{cart['publicKey']}"): 2,
        ("POST", "/product/findCost"): 1,
        ("GET", "/history?cuid=alice"): 2,
    }
    bodies = {"/product/findCost": {"productId": "demo-flower", "quantity": 1}}
    for (method, path), budget in reads.items():
        total, calls = _handler_calls(api, dynamo_calls, method, path, bodies.get(path.split("?")[0]))
        assert total <= budget, (path, calls)
        assert not {"PutItem", "TransactWriteItems", "DeleteItem"} & set(calls), (path, calls)

    mutations = [
        ("POST", f"/item/{line}/finalize?cuid=alice", {"id": cart_id}),
        ("POST", f"/updateCart/{cart_id}?cuid=alice", {"cart": {"items": [{"productId": "demo-vape", "quantity": 1}]}}),
        ("POST", f"/{cart_id}/payments?cuid=alice", {"paymentReceived": 5}),
        ("POST", f"/submitCart/{cart_id}?cuid=alice", None),
    ]
    for method, path, body in mutations:
        total, calls = _handler_calls(api, dynamo_calls, method, path, body)
        writes = calls.get("PutItem", 0) + calls.get("TransactWriteItems", 0)
        assert calls.get("BatchGetItem") == 1 and writes == 1 and total == 2, (path, json.dumps(calls))
    # prepare also reads the identity's pointer first
    total, calls = _handler_calls(api, dynamo_calls, "POST", "/prepare?cuid=bob", {"cart": {"items": []}})
    assert total == 3 and calls.get("GetItem") == 1 and calls.get("BatchGetItem") == 1, calls


def test_guest_to_consumer_reads_once_and_writes_once(api, dynamo_calls) -> None:
    guest = api.blaze(
        "POST", "/prepare", {"sessionId": "s-9", "cart": {"items": [{"productId": "demo-flower", "quantity": 1}]}}
    )
    total, calls = _handler_calls(api, dynamo_calls, "POST", f"/{guest.json()['id']}/setConsumerUser/zoe?cuid=zoe")
    assert total == 2 and calls == {"BatchGetItem": 1, "TransactWriteItems": 1}, calls
    # With an open cart of the consumer's to merge, that cart is one more read
    other = api.blaze(
        "POST", "/prepare", {"sessionId": "s-10", "cart": {"items": [{"productId": "demo-vape", "quantity": 1}]}}
    )
    total, calls = _handler_calls(api, dynamo_calls, "POST", f"/{other.json()['id']}/setConsumerUser/zoe?cuid=zoe")
    assert calls == {"BatchGetItem": 2, "TransactWriteItems": 1}, calls


def test_a_consumers_placed_order_keeps_its_history_index_keys_with_the_identity_map(api, store) -> None:
    # Given alice's order placed through BLAZE
    cart_id = prepare(api)["id"]
    api.blaze("POST", f"/submitCart/{cart_id}?cuid=alice")
    # When its item is read raw
    item = store.client.get_item(
        TableName=store.table_name, Key={"pk": {"S": keys.cart_pk("demo", cart_id)}, "sk": {"S": keys.CART_SK}}
    )["Item"]
    # Then the consumer-history GSI attribute is still written, and the document holds the map
    assert item["gsi1pk"]["S"] == keys.consumer_history_pk("demo", "main", "alice")
    assert '"identities":{"consumer":"alice"}' in item["doc"]["S"]
    assert api.blaze("GET", "/history?cuid=alice").json()["total"] == 1


def test_a_cart_stored_with_the_four_identity_fields_is_still_found_and_claimed(api, store) -> None:
    # Given a guest cart whose document was written before the identity map (session_id only)
    guest = api.blaze("GET", "/active?sessionId=s-legacy").json()
    key = {"pk": {"S": keys.cart_pk("demo", guest["id"])}, "sk": {"S": keys.CART_SK}}
    item = store.client.get_item(TableName=store.table_name, Key=key)["Item"]
    doc = json.loads(item["doc"]["S"])
    doc.pop("identities")
    doc.update({"consumer_id": None, "session_id": "s-legacy", "external_id": None, "transaction_id": None})
    item["doc"] = {"S": json.dumps(doc)}
    store.client.put_item(TableName=store.table_name, Item=item)
    # When the guest reads its cart again, Then it is the same cart, with its session
    again = api.blaze("GET", "/active?sessionId=s-legacy").json()
    assert again["id"] == guest["id"] and again["sessionId"] == "s-legacy"
    # And alice can claim it
    claimed = api.blaze("POST", f"/{guest['id']}/setConsumerUser/alice?cuid=alice")
    assert claimed.status == 200 and claimed.json()["consumerId"] == "alice"
