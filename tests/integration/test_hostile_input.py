"""Hostile input gets a clear 4xx in the face's own error body, never a 5xx, and changes nothing
(issue #6). Each case answered 502 or was silently accepted before."""

from __future__ import annotations

import json
import time

import pytest

from cart_core.ports import Put
from tests.conftest import BLAZE, DEMO
from tests.integration.test_blaze_cart import FLOWER_2, prepare
from tests.integration.test_checkout_events import submitted_cart

CART = "/organizations/demo/locations/main/cart"
EMOJI = "\U0001f600"  # 1 character, 4 bytes of UTF-8


def blaze_refused(response, status: int, says: str = "") -> None:
    assert response.status == status, response.text
    error = response.json()
    assert set(error) == {"error", "message", "status"} and error["status"] == status
    assert says in error["message"]


def loke_refused(response, status: int, says: str = "") -> None:
    assert response.status == status, response.text
    assert set(response.json()) == {"message"} and says in response.json()["message"]


def unchanged(api, before: dict) -> None:
    after = api.blaze("GET", f"/{before['id']}?cuid=alice").json()
    assert after == before


HUGE_INT = "1" * 5000


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ('{"memo": ' + HUGE_INT + "}", "number"),
        ('{"cart": {"items": [{"productId": "demo-flower", "quantity": ' + HUGE_INT + "}]}}", "number"),
        ('{"deliveryDate": ' + HUGE_INT + "}", "number"),
        ("[" * 30_000 + "]" * 30_000, "nested"),
        ('{"cart": ' * 40 + "{}" + "}" * 40, "nested"),
        ('{"memo": NaN}', "NaN"),
        ('{"memo": -Infinity}', "Infinity"),
        ('{"deliveryDate": 1e999999}', "out of range"),
        ('{"cart": {"items": [{"productId": "demo-flower", "quantity": 1e-99999999}]}}', "out of range"),
    ],
)
def test_hostile_json_is_a_blaze_400_and_changes_nothing(api, raw: str, says: str) -> None:
    before = prepare(api)
    blaze_refused(api.blaze("POST", f"/updateCart/{before['id']}?cuid=alice", raw=raw), 400, says)
    unchanged(api, before)


@pytest.mark.parametrize(
    "raw",
    [
        '{"adjustments": [{"id": "a", "label": "x", "amount": ' + HUGE_INT + "}]}",
        '{"adjustments": ' + "[" * 30_000 + "]" * 30_000 + "}",
        '{"adjustments": [{"id": "a", "label": "x", "amount": 1e400}]}',
        '{"adjustments": [{"id": "a", "label": "x", "amount": NaN}]}',
    ],
)
def test_hostile_json_is_a_loke_400_and_changes_nothing(api, raw: str) -> None:
    cart_id = submitted_cart(api)
    loke_refused(api.loke("PUT", f"{CART}/{cart_id}/valid", raw=raw), 400)
    assert api.loke("GET", f"{CART}/{cart_id}").json()["status"] == "PENDING"


@pytest.mark.parametrize("raw", ["[null, null]", "[]", '[{"memo": "x"}]', '"text"', "7"])
@pytest.mark.parametrize("path", ["/prepare?cuid=alice", "/items/finalize?cuid=alice", "/updateCart/{id}?cuid=alice"])
def test_a_body_that_is_not_an_object_is_a_blaze_400_and_changes_nothing(api, raw: str, path: str) -> None:
    # Given an open cart (found by make fuzz: Powertools read `[null, null]` as its first element, no body)
    before = prepare(api)
    # When a route that takes an object is sent an array, a string or a number
    response = api.blaze("POST", path.format(id=before["id"]), raw=raw)
    # Then it is refused in BLAZE's body and the cart is as it was
    blaze_refused(response, 400, "must be a JSON object")
    unchanged(api, before)


def test_a_loke_answer_that_is_not_an_object_is_a_400(api) -> None:
    cart_id = submitted_cart(api)
    loke_refused(api.loke("PUT", f"{CART}/{cart_id}/valid", raw="[null]"), 400, "must be a JSON object")
    assert api.loke("GET", f"{CART}/{cart_id}").json()["status"] == "PENDING"


@pytest.mark.parametrize("field", ["pickUpDate", "deliveryDate"])
@pytest.mark.parametrize("value", [True, False, "1795000000000", 1795000000000.5])
def test_a_date_that_is_not_a_json_integer_is_a_blaze_400(api, field: str, value) -> None:
    # Given an open cart (make fuzz: `"pickUpDate": false` was read as 0 ms and accepted)
    before = prepare(api)
    # When a date is a boolean, a string or a fraction
    response = api.blaze("POST", f"/updateCart/{before['id']}?cuid=alice", {field: value})
    # Then it is refused and the cart is as it was
    blaze_refused(response, 400, field)
    unchanged(api, before)


@pytest.mark.parametrize("amount", [True, "-100", -100.0])
def test_a_loke_amount_that_is_not_a_json_integer_is_a_400(api, amount) -> None:
    cart_id = submitted_cart(api)
    answer = {"adjustments": [{"id": "D1", "label": "Loyalty", "amount": amount}]}
    loke_refused(api.loke("PUT", f"{CART}/{cart_id}/valid", answer), 400)
    assert api.loke("GET", f"{CART}/{cart_id}").json()["status"] == "PENDING"


def test_nesting_50000_deep_is_refused_by_size_first(api) -> None:
    before = prepare(api)
    response = api.blaze("POST", f"/updateCart/{before['id']}?cuid=alice", raw="[" * 50_000 + "]" * 50_000)
    blaze_refused(response, 413)
    unchanged(api, before)


def test_a_body_past_the_request_limit_is_413_in_each_faces_body(api) -> None:
    # Given a cart / When 100 lines of 2,000-emoji remarks (800 KB) arrive / Then 413, nothing changed
    before = prepare(api)
    items = [{"productId": "demo-flower", "quantity": 1, "remarks": EMOJI * 2000}] * 100
    response = api.blaze("POST", f"/updateCart/{before['id']}?cuid=alice", {"cart": {"items": items}})
    blaze_refused(response, 413, "65536")
    unchanged(api, before)
    cart_id = submitted_cart(api, cuid="bob")
    adjustments = [{"id": "a", "label": "x" * 1000, "amount": -1}] * 100
    loke_refused(api.loke("PUT", f"{CART}/{cart_id}/valid", {"adjustments": adjustments}), 413, "65536")


def test_text_is_bounded_in_stored_bytes_not_characters(api) -> None:
    before = prepare(api)
    # 600 emoji are 600 characters but 2,400 bytes, over the 2,000 bytes of a remark
    items = [{"productId": "demo-flower", "quantity": 1, "remarks": EMOJI * 600}]
    response = api.blaze("POST", f"/updateCart/{before['id']}?cuid=alice", {"cart": {"items": items}})
    blaze_refused(response, 400, "bytes")
    # 500 emoji (2,000 bytes) fit
    items[0]["remarks"] = EMOJI * 500
    assert api.blaze("POST", f"/updateCart/{before['id']}?cuid=alice", {"cart": {"items": items}}).status == 200


def test_the_serialized_cart_is_capped_before_any_write(api, monkeypatch) -> None:
    # Given a cap lower than a 100-line cart (the wire bounds keep real carts under 350,000 bytes)
    before = prepare(api)
    monkeypatch.setattr("cart_core.usecases.shared.MAX_CART_BYTES", 20_000)
    items = [{"productId": "demo-flower", "quantity": 1, "remarks": "r" * 500}] * 100
    # When the update would pass it / Then 400 from the core, and the stored cart is unchanged
    response = api.blaze("POST", f"/updateCart/{before['id']}?cuid=alice", {"cart": {"items": items}})
    blaze_refused(response, 400, "at most 20000")
    unchanged(api, before)


def test_order_tags_merged_by_payments_are_bounded(api) -> None:
    # Given a cart with 50 order tags
    tags = [f"t{i}" for i in range(50)]
    before = api.blaze("POST", "/prepare?cuid=alice", {**FLOWER_2, "orderTags": tags}).json()
    # When a payment adds one more / Then 400, and the cart is as it was
    response = api.blaze("POST", f"/{before['id']}/payments?cuid=alice", {"paymentReceived": 1, "orderTags": ["new"]})
    blaze_refused(response, 400, "50")
    unchanged(api, before)
    # Tags already on the cart are not counted twice
    response = api.blaze("POST", f"/{before['id']}/payments?cuid=alice", {"paymentReceived": 1, "orderTags": tags})
    assert response.status == 200 and response.json()["orderTags"] == tags


def test_a_long_cuid_header_is_a_400(api) -> None:
    before = prepare(api)
    blaze_refused(api.blaze("GET", "/active", headers={"cuid": "c" * 2100}), 400, "cuid")
    blaze_refused(api.blaze("GET", f"/{before['id']}", headers={"cuid": "c" * 2100}), 400, "cuid")
    # 40 emoji are 40 characters but 160 bytes
    response = api.blaze("POST", f"/updateCart/{before['id']}", FLOWER_2, headers={"cuid": EMOJI * 40})
    blaze_refused(response, 400, "cuid")
    unchanged(api, before)


def test_long_path_and_query_parameters_are_400(api) -> None:
    blaze_refused(api.blaze("GET", "/" + "a" * 300 + "?cuid=alice"), 400, "longer than")
    blaze_refused(api.blaze("GET", "/active?sessionId=" + "s" * 300), 400, "longer than")
    loke_refused(api.loke("GET", f"{CART}/{'c' * 300}"), 400, "longer than")
    response = api.blaze("POST", "/" + "a" * 24 + "/setConsumerUser/" + "u" * 129 + "?cuid=" + "u" * 129)
    blaze_refused(response, 400)


NOW_MS = int(time.time() * 1000)


@pytest.mark.parametrize(
    "raw_date",
    ["1e20", "-1e18", "253402300800000", str(NOW_MS + 2 * 366 * 86400 * 1000), str(NOW_MS - 60 * 86400 * 1000)],
)
@pytest.mark.parametrize("field", ["deliveryDate", "pickUpDate"])
def test_implausible_delivery_and_pickup_times_are_refused(api, field: str, raw_date: str) -> None:
    before = prepare(api)
    response = api.blaze("POST", f"/updateCart/{before['id']}?cuid=alice", raw=f'{{"{field}": {raw_date}}}')
    blaze_refused(response, 400)
    unchanged(api, before)
    submitted = api.blaze("POST", f"/submitCart/{before['id']}?cuid=alice", raw=f'{{"{field}": {raw_date}}}')
    blaze_refused(submitted, 400)


def test_a_plausible_delivery_time_is_kept(api) -> None:
    before = prepare(api)
    tomorrow = NOW_MS + 86400 * 1000
    updated = api.blaze("POST", f"/updateCart/{before['id']}?cuid=alice", {"deliveryDate": tomorrow}).json()
    assert updated["deliveryDate"] == tomorrow


@pytest.mark.parametrize("stored", [10**20, -(10**18), 253402300800000])
def test_the_pos_can_read_a_cart_stored_with_an_out_of_range_time(api, store, stored: int) -> None:
    # Given a submitted cart whose stored requested time no ISO date can show (stored before the fix)
    cart_id = submitted_cart(api)
    cart = store.load("demo", "main", cart_id).cart
    version = cart.version
    cart.requested_time_ms = stored
    store.write([Put(cart, version)])
    # When the POS reads it / Then it gets the cart, without the time
    response = api.loke("GET", f"{CART}/{cart_id}")
    assert response.status == 200, response.text
    assert response.json()["fulfillAt"] is None and response.json()["status"] == "PENDING"


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"deliveryAddress": 2.5}, "deliveryAddress"),
        ({"cart": 1.5}, "cart"),
        ({"deliveryAddress": [1]}, "deliveryAddress"),
        ({"cart": {"items": [2.5]}}, "items"),
    ],
)
def test_a_number_where_an_object_belongs_is_a_400_and_keeps_the_address(api, body, says: str) -> None:
    # Given a cart with a delivery address
    address = {"address": "1 Main St", "city": "Springfield", "state": "CA", "zipCode": "90000", "country": "US"}
    before = api.blaze("POST", "/prepare?cuid=alice", {**FLOWER_2, "deliveryAddress": address}).json()
    # When a number is sent where an object belongs / Then 400 naming the field, address intact
    response = api.blaze("POST", f"/updateCart/{before['id']}?cuid=alice", body)
    blaze_refused(response, 400, says)
    unchanged(api, before)
    assert before["deliveryAddress"] == address


def test_loke_refuses_a_number_for_its_payload(api) -> None:
    cart_id = submitted_cart(api)
    loke_refused(api.loke("PUT", f"{CART}/{cart_id}/valid", raw="2.5"), 400)
    assert api.loke("GET", f"{CART}/{cart_id}").json()["status"] == "PENDING"


@pytest.mark.parametrize(
    "content_type", ["Application/JSON; charset=UTF-8", "APPLICATION/JSON", "application/json;charset=utf-8"]
)
@pytest.mark.parametrize("header_name", ["Content-Type", "content-type", "CONTENT-TYPE"])
def test_json_content_types_are_read_in_any_case(api, content_type: str, header_name: str) -> None:
    before = prepare(api)
    headers = {**DEMO, header_name: content_type}
    body = json.dumps({"memo": "ring twice"}).encode()
    status, _, payload = api.gateway.handle("POST", f"{BLAZE}/updateCart/{before['id']}?cuid=alice", headers, body)
    assert status == 200, payload
    assert json.loads(payload)["memo"] == "ring twice"


@pytest.mark.parametrize("content_type", ["text/plain", "Text/Plain", "application/json; charset=latin-1"])
def test_other_content_types_are_415_in_the_faces_body(api, content_type: str) -> None:
    before = prepare(api)
    headers = {**DEMO, "content-type": content_type}
    body = json.dumps({"memo": "ring twice"}).encode()
    status, _, payload = api.gateway.handle("POST", f"{BLAZE}/updateCart/{before['id']}?cuid=alice", headers, body)
    assert status == 415 and json.loads(payload)["status"] == 415
    unchanged(api, before)


@pytest.mark.parametrize(
    "values", [["application/json", "text/plain"], ["text/plain", "application/json"], ["Text/HTML"]]
)
def test_every_content_type_header_must_be_json(api, values: list[str]) -> None:
    # Given a request whose Content-Type is repeated (multiValueHeaders), one of them not JSON
    before = prepare(api)
    route, event = api.gateway.proxy_event(
        "POST", f"{BLAZE}/updateCart/{before['id']}?cuid=alice", DEMO, json.dumps({"memo": "x"})
    )
    event["headers"]["Content-Type"] = values[-1]
    event["multiValueHeaders"]["Content-Type"] = values
    event["requestContext"]["authorizer"] = {"tenantId": "demo", "locationId": "main", "scheme": "blaze"}
    # When the face gets it / Then 415 in BLAZE's body, nothing changed
    response = api.runtime.invoke(route.function, event)
    assert response["statusCode"] == 415 and json.loads(response["body"])["status"] == 415
    unchanged(api, before)
