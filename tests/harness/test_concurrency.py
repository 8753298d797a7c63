"""Many clients on one cart at once, through the in-process gateway (authorizer, face, core, moto).

Until conflicts are retried inside the service (issue #6, faults helper), a request that loses a
race may answer 409; a client that saw 409 knows its change did not happen. So these tests do not
bound the 409 rate (that target lives in `make bench`): they check that every acknowledged change is
present, nothing unacknowledged appeared, and one cart makes one order however many submit it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import boto3

from cart_core.faces import by_name

BLAZE = by_name("blaze").base_path  # the face registry (cart_core.faces)
CLIENTS = 20


def _together(api: Any, calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls from as many threads, released at once."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        start.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def _cart(api: Any, cuid: str) -> dict[str, Any]:
    items = [
        {"productId": "demo-flower", "quantity": 1},
        {"productId": "demo-edible", "quantity": 1},
        {"productId": "demo-vape", "quantity": 1},
    ]
    response = api.blaze("POST", f"/prepare?cuid={cuid}", {"cart": {"items": items}})
    assert response.status == 200, response.text
    return response.json()


def test_commuting_changes_from_many_clients_are_all_kept(api):
    # Given an open cart with three lines
    cart = _cart(api, "alice")
    cart_id, lines = cart["id"], [item["id"] for item in cart["cart"]["items"]]

    # When 20 clients at once each record a 1.00 cash payment with an order tag of its own, or finalize a line
    def pay(n: int) -> Callable[[], Any]:
        body = {"paymentOption": "Cash", "paymentReceived": 1, "orderTags": [f"client-{n}"]}
        return lambda: ("pay", n, api.blaze("POST", f"/{cart_id}/payments?cuid=alice", body))

    def finalize(line_id: str) -> Callable[[], Any]:
        return lambda: ("finalize", line_id, api.blaze("POST", f"/item/{line_id}/finalize?cuid=alice", {"id": cart_id}))

    calls = [finalize(line) for line in lines] + [pay(n) for n in range(CLIENTS - len(lines))]
    results = _together(api, calls)

    # Then every answer is a success or a conflict (never a 5xx, never another error)
    assert {r.status for _, _, r in results} <= {200, 409}, [(r.status, r.text) for _, _, r in results]
    # And the cart holds exactly the acknowledged changes: no acknowledged one lost, no refused one applied
    final = api.blaze("GET", f"/{cart_id}?cuid=alice").json()
    paid = {f"client-{n}" for kind, n, r in results if kind == "pay" and r.status == 200}
    refused = {f"client-{n}" for kind, n, r in results if kind == "pay" and r.status != 200}
    assert paid <= set(final["orderTags"]) and not refused & set(final["orderTags"])
    # (a payment replaces the previous one, as BLAZE's paymentReceived is what was handed over; its tags merge)
    assert Decimal(str(final["cart"]["cashReceived"])) == (1 if paid else 0)
    finalized = {line for kind, line, r in results if kind == "finalize" and r.status == 200}
    flags = {item["id"]: item["finalized"] for item in final["cart"]["items"]}
    assert all(flags[line] for line in finalized)
    assert not any(flags[line] for line in set(lines) - finalized)


def _submissions(api: Any, cart_id: str) -> int:
    """Committed open → submitted transitions of the cart on the table's stream: one per CartSubmitted."""
    streams = boto3.client("dynamodbstreams")
    arn = api.runtime.names["CartTable.StreamArn"]
    count = 0
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")
        for record in streams.get_records(ShardIterator=iterator["ShardIterator"], Limit=1000)["Records"]:
            images = record["dynamodb"]
            if images["Keys"]["pk"]["S"].endswith(f"#{cart_id}") and images["Keys"]["sk"]["S"] == "CART":
                old = images.get("OldImage", {}).get("status", {}).get("S")
                new = images.get("NewImage", {}).get("status", {}).get("S")
                count += old == "open" and new == "submitted"
    return count


def test_parallel_submits_of_one_cart_place_one_order(api, store):
    # Given an open cart
    cart_id = _cart(api, "bob")["id"]

    # When 20 clients submit it at once
    results = _together(api, [lambda: api.blaze("POST", f"/submitCart/{cart_id}?cuid=bob") for _ in range(CLIENTS)])

    # Then each answer is the order (a retry returns the same one) or a conflict, and at least one placed it
    assert {r.status for r in results} <= {200, 409}, [(r.status, r.text) for r in results]
    placed = [r.json() for r in results if r.status == 200]
    assert placed
    # And there is exactly one order: one order number, one history entry, one submission (CartSubmitted)
    assert len({order["orderNo"] for order in placed}) == 1
    history = api.blaze("GET", "/history?cuid=bob").json()
    assert [order["id"] for order in history["values"]] == [cart_id]
    assert _submissions(api, cart_id) == 1
    claims = store.client.scan(TableName=store.table_name)["Items"]
    assert sum(1 for item in claims if item["pk"]["S"].startswith("ORDERNO#") and cart_id in str(item)) == 1
