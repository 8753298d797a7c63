"""BLAZE face, handler in-process behind the template's gateway and authorizer, against moto."""

from __future__ import annotations

import pytest

from tests.conftest import ACME, DEMO

FLOWER_2 = {"cart": {"items": [{"productId": "demo-flower", "quantity": 2}]}}


def prepare(api, body=FLOWER_2, cuid="alice"):
    response = api.blaze("POST", f"/prepare?cuid={cuid}", body)
    assert response.status == 200, response.text
    return response.json()


def test_active_creates_one_empty_open_cart_per_consumer(api) -> None:
    # Given no cart for alice / When she asks twice / Then she gets the same empty InProgress cart
    first = api.blaze("GET", "/active?cuid=alice").json()
    second = api.blaze("GET", "/active", headers={"cuid": "alice"}).json()
    assert first["id"] == second["id"]
    assert first["cartStatus"] == "InProgress" and first["placed"] is False
    assert first["cart"]["items"] == [] and first["cart"]["total"] == 0
    assert first["consumerId"] == "alice" and first["companyId"] == "demo" and first["shopId"] == "main"


@pytest.mark.parametrize("key", ["sessionId", "externalId", "transactionId"])
def test_guests_are_found_by_any_partner_key(api, key: str) -> None:
    first = api.blaze("GET", f"/active?{key}=guest-1").json()
    again = api.blaze("GET", f"/active?{key}=guest-1").json()
    assert first["id"] == again["id"] and first["anonymous"] is True


def test_active_without_an_identity_is_a_bad_request(api) -> None:
    response = api.blaze("GET", "/active")
    assert response.status == 400
    assert response.json()["status"] == 400 and "cuid" in response.json()["message"]


def test_prepare_prices_on_the_server_and_ignores_client_prices(api) -> None:
    body = {
        "cart": {
            "items": [{"productId": "demo-flower", "quantity": 2, "unitPrice": 0.01, "cost": 0.02}],
            "promoCode": "TENOFF",
            "total": 0.01,
        }
    }
    cart = prepare(api, body)["cart"]
    assert cart["items"][0]["unitPrice"] == 12.5 and cart["items"][0]["cost"] == 25
    assert cart["subTotal"] == 25 and cart["totalDiscount"] == 2.5 and cart["subTotalDiscount"] == 22.5
    assert cart["discountType"] == "Percentage" and cart["discount"] == 10 and cart["promoCode"] == "TENOFF"
    assert cart["taxResult"]["totalStateTax"] == 1.41 and cart["taxResult"]["totalCityTax"] == 0.45
    assert cart["tax"] == 1.86 and cart["total"] == 24.36 and cart["balanceDue"] == 24.36


def test_prepare_updates_the_same_open_cart(api) -> None:
    first = prepare(api)
    second = prepare(api, {"cart": {"items": [{"productId": "demo-vape", "quantity": 1}]}})
    assert first["id"] == second["id"]
    assert [i["productId"] for i in second["cart"]["items"]] == ["demo-vape"]


def test_get_requires_cuid_and_hides_other_consumers_carts(api) -> None:
    cart_id = prepare(api)["id"]
    assert api.blaze("GET", f"/{cart_id}").status == 401
    assert api.blaze("GET", f"/{cart_id}?cuid=bob").status == 404
    fetched = api.blaze("GET", f"/{cart_id}?cuid=alice")
    assert fetched.status == 200 and fetched.json()["id"] == cart_id


def test_update_cart_replaces_items_and_reprices(api) -> None:
    cart_id = prepare(api)["id"]
    body = {"cart": {"items": [{"productId": "demo-edible", "quantity": 3}, {"productId": "demo-vape", "quantity": 1}]}}
    updated = api.blaze("POST", f"/updateCart/{cart_id}?cuid=alice", body).json()
    assert updated["cart"]["subTotal"] == 59
    assert updated["cart"]["total"] == 59 + 3.69 + 1.18


def test_submit_places_one_order_and_frees_the_active_slot(api) -> None:
    cart_id = prepare(api)["id"]
    submitted = api.blaze("POST", f"/submitCart/{cart_id}?cuid=alice", {"memo": "ring twice"})
    assert submitted.status == 200, submitted.text
    order = submitted.json()
    assert order["placed"] is True and order["orderPlacedTime"] and order["transactionSource"] == "Widget"
    assert order["orderNo"] and order["memo"] == "ring twice"
    again = api.blaze("POST", f"/submitCart/{cart_id}?cuid=alice").json()
    assert again["orderNo"] == order["orderNo"] and again["orderPlacedTime"] == order["orderPlacedTime"]
    assert api.blaze("GET", "/active?cuid=alice").json()["id"] != cart_id


def test_a_submitted_cart_cannot_be_edited(api) -> None:
    cart_id = prepare(api)["id"]
    api.blaze("POST", f"/submitCart/{cart_id}?cuid=alice")
    response = api.blaze("POST", f"/updateCart/{cart_id}?cuid=alice", FLOWER_2)
    assert response.status == 409
    assert set(response.json()) == {"error", "message", "status"} and response.json()["status"] == 409


def test_submitting_an_empty_cart_is_a_bad_request(api) -> None:
    cart_id = api.blaze("GET", "/active?cuid=alice").json()["id"]
    assert api.blaze("POST", f"/submitCart/{cart_id}?cuid=alice").status == 400


def test_cancel_only_submitted_orders(api) -> None:
    cart_id = prepare(api)["id"]
    open_cancel = api.blaze("DELETE", f"/cancelCart/{cart_id}?cuid=alice")
    assert open_cancel.status == 400 and "submitted" in open_cancel.json()["message"]
    assert api.blaze("DELETE", f"/cancelCart/{cart_id}").status == 401
    api.blaze("POST", f"/submitCart/{cart_id}?cuid=alice")
    canceled = api.blaze("DELETE", f"/cancelCart/{cart_id}?cuid=alice").json()
    assert canceled["cartStatus"] == "CanceledByConsumer" and canceled["canceledTime"]


def test_find_cost_touches_no_cart(api, dynamo_calls) -> None:
    response = api.blaze("POST", "/product/findCost", {"productId": "demo-flower", "quantity": 3})
    assert response.json() == {"productId": "demo-flower", "quantity": 3, "cost": 37.5}
    assert "PutItem" not in dynamo_calls.calls and "TransactWriteItems" not in dynamo_calls.calls
    assert api.blaze("POST", "/product/findCost", {"productId": "nope", "quantity": 1}).status == 404


def test_public_key_finds_the_cart_with_shop_and_consumer(api) -> None:
    cart = prepare(api)
    result = api.blaze("GET", f"/public/{cart['publicKey']}").json()
    assert result["id"] == cart["id"]
    assert result["shop"]["id"] == "main" and result["consumerUser"] == {"id": "alice"}
    assert api.blaze("GET", "/public/unknown").status == 404


def test_finalize_and_unfinalize_items(api) -> None:
    cart = prepare(
        api,
        {"cart": {"items": [{"productId": "demo-flower", "quantity": 1}, {"productId": "demo-vape", "quantity": 1}]}},
    )
    first = cart["cart"]["items"][0]["id"]
    one = api.blaze("POST", f"/item/{first}/finalize?cuid=alice", {"id": cart["id"]}).json()
    assert [i["finalized"] for i in one["cart"]["items"]] == [True, False]
    back = api.blaze("POST", f"/item/{first}/unfinalize?cuid=alice").json()  # the consumer's open cart
    assert [i["finalized"] for i in back["cart"]["items"]] == [False, False]
    every = api.blaze("POST", "/items/finalize?cuid=alice", {"id": cart["id"]}).json()
    assert all(i["finalized"] for i in every["cart"]["items"])
    assert api.blaze("POST", "/item/nope/finalize?cuid=alice", {"id": cart["id"]}).status == 404


def test_finalized_flag_survives_an_update_that_keeps_the_line(api) -> None:
    cart = prepare(api)
    line = cart["cart"]["items"][0]["id"]
    api.blaze("POST", f"/item/{line}/finalize?cuid=alice", {"id": cart["id"]})
    body = {"cart": {"items": [{"id": line, "productId": "demo-flower", "quantity": 5}]}}
    updated = api.blaze("POST", f"/updateCart/{cart['id']}?cuid=alice", body).json()
    assert updated["cart"]["items"][0]["finalized"] is True and updated["cart"]["items"][0]["quantity"] == 5


def test_guest_cart_becomes_the_consumers_and_absorbs_their_open_cart(api) -> None:
    # Given alice has an open cart with flower, and a guest cart holds flower and an edible
    alice_cart = prepare(api)["id"]
    guest = api.blaze(
        "POST", "/prepare",
        {"sessionId": "s-1", "cart": {"items": [{"productId": "demo-flower", "quantity": 1}, {"productId": "demo-edible", "quantity": 1}]}},
    ).json()  # fmt: skip
    # When the guest logs in as alice
    merged = api.blaze("POST", f"/{guest['id']}/setConsumerUser/alice?cuid=alice")
    assert merged.status == 200, merged.text
    # Then the guest cart is alice's open cart with the lines summed, and her old cart is closed
    quantities = {i["productId"]: i["quantity"] for i in merged.json()["cart"]["items"]}
    assert quantities == {"demo-flower": 3, "demo-edible": 1}
    assert api.blaze("GET", "/active?cuid=alice").json()["id"] == guest["id"]
    old = api.blaze("GET", f"/{alice_cart}?cuid=alice").json()
    assert old["cartStatus"] == "CanceledByDispensary"
    # And a retry changes nothing
    retry = api.blaze("POST", f"/{guest['id']}/setConsumerUser/alice?cuid=alice").json()
    assert retry["cart"]["items"] == merged.json()["cart"]["items"] and retry["modified"] == merged.json()["modified"]


def test_payments_record_cash_and_change(api) -> None:
    cart = prepare(api)  # total 27.06
    paid = api.blaze(
        "POST",
        f"/{cart['id']}/payments?cuid=alice",
        {"paymentOption": "Cash", "paymentReceived": 30, "orderTags": ["curbside"]},
    ).json()
    assert paid["cart"]["cashReceived"] == 30 and paid["cart"]["paymentOption"] == "Cash"
    assert paid["cart"]["changeDue"] == 2.94 and paid["cart"]["balanceDue"] == 0
    assert paid["orderTags"] == ["curbside"]
    assert api.blaze("POST", f"/{cart['id']}/payments?cuid=alice", {"paymentReceived": 1.001}).status == 400


def test_history_lists_submitted_orders_newest_first(api) -> None:
    placed = []
    for _ in range(3):
        cart_id = prepare(api)["id"]
        api.blaze("POST", f"/submitCart/{cart_id}?cuid=alice")
        placed.append(cart_id)
    prepare(api)  # an open cart is not history
    history = api.blaze("GET", "/history?cuid=alice&start=1&limit=1").json()
    assert history["total"] == 3 and history["skip"] == 1 and history["limit"] == 1
    assert [c["id"] for c in history["values"]] == [placed[1]]
    everything = api.blaze("GET", "/history?cuid=alice").json()
    assert [c["id"] for c in everything["values"]] == placed[::-1]
    assert api.blaze("GET", "/history").status == 401


def test_tenants_cannot_see_each_others_carts(api) -> None:
    cart = prepare(api)
    assert api.request("GET", f"/api/v1/partner/store/cart/{cart['id']}?cuid=alice", ACME).status == 404
    assert api.request("GET", f"/api/v1/partner/store/cart/public/{cart['publicKey']}", ACME).status == 404
    foreign = {"cart": {"items": [{"productId": "demo-flower", "quantity": 1}]}}
    assert api.request("POST", "/api/v1/partner/store/cart/prepare?cuid=alice", ACME, foreign).status == 404
    acme_cart = api.request("GET", "/api/v1/partner/store/cart/active?cuid=alice", ACME).json()
    assert acme_cart["id"] != cart["id"] and acme_cart["companyId"] == "acme"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"x-api-key": "demo-partner-key"},
        {"Authorization": "demo-developer-key"},
        {"x-api-key": "acme-partner-key", "Authorization": "demo-developer-key"},
        {"x-api-key": "demo-partner-key", "Authorization": "wrong"},
    ],
)
def test_missing_or_wrong_keys_are_401(api, headers) -> None:
    response = api.request("GET", "/api/v1/partner/store/cart/active?cuid=alice", headers)
    assert response.status == 401
    assert response.json() == {"error": "Unauthorized", "message": "Missing or invalid API credentials", "status": 401}


def test_partner_key_may_come_as_partner_key(api) -> None:
    as_header = api.request(
        "GET",
        "/api/v1/partner/store/cart/active?cuid=a",
        {"partner_key": "demo-partner-key", **{"Authorization": DEMO["Authorization"]}},
    )
    as_query = api.request(
        "GET",
        "/api/v1/partner/store/cart/active?cuid=a&partner_key=demo-partner-key",
        {"Authorization": DEMO["Authorization"]},
    )
    assert as_header.status == 200 and as_query.status == 200


def test_a_guest_key_in_a_consumers_body_does_not_block_their_order(api) -> None:
    # Given a guest cart on session s1, and alice preparing her own cart with the same sessionId
    api.blaze("POST", "/prepare", {"sessionId": "s1", **FLOWER_2})
    alice = api.blaze("POST", "/prepare?cuid=alice", {"sessionId": "s1", **FLOWER_2}).json()
    # Then alice can still submit, and the guest still has their cart
    assert api.blaze("POST", f"/submitCart/{alice['id']}?cuid=alice").status == 200
    assert api.blaze("GET", "/active?sessionId=s1").json()["id"] != alice["id"]


def test_another_consumers_cuid_reaches_none_of_a_consumers_cart(api) -> None:
    # Given alice's cart
    cart = prepare(api)
    line = cart["cart"]["items"][0]["id"]
    # When mallory names herself on every change / Then each is 404 and the cart is as it was
    for method, path, body in (
        ("POST", f"/updateCart/{cart['id']}", FLOWER_2),
        ("POST", f"/submitCart/{cart['id']}", None),
        ("POST", f"/{cart['id']}/payments", {"paymentReceived": 1}),
        ("POST", f"/item/{line}/finalize", {"id": cart["id"]}),
        ("DELETE", f"/cancelCart/{cart['id']}", None),
        ("GET", f"/{cart['id']}", None),
    ):
        assert api.blaze(method, path + "?cuid=mallory", body).status == 404, path
        assert api.blaze(method, path, body, headers={"cuid": "mallory"}).status == 404, path
    assert api.blaze("GET", f"/{cart['id']}?cuid=alice").json()["modified"] == cart["modified"]


def test_cuid_is_required_only_where_the_seed_requires_consumer_authentication(api) -> None:
    # Given alice's cart (BLAZE's seed lists no cuid for payments, and an optional one for updates)
    cart = prepare(api)
    # When the partner pays and updates without a cuid / Then both are accepted
    paid = api.blaze("POST", f"/{cart['id']}/payments", {"paymentReceived": 30})
    assert paid.status == 200, paid.text
    assert paid.json()["cart"]["cashReceived"] == 30
    assert api.blaze("POST", f"/updateCart/{cart['id']}", {"memo": "ring twice"}).status == 200
    # And the endpoints that require consumer authentication still answer 401 without one
    for method, path in (("GET", f"/{cart['id']}"), ("GET", "/history"), ("DELETE", f"/cancelCart/{cart['id']}")):
        response = api.blaze(method, path)
        assert response.status == 401 and response.json()["status"] == 401, path


def test_a_line_id_sent_twice_names_one_line(api) -> None:
    cart = prepare(api)
    line = cart["cart"]["items"][0]["id"]
    items = [
        {"id": line, "productId": "demo-flower", "quantity": 1},
        {"id": line, "productId": "demo-flower", "quantity": 5},
    ]
    updated = api.blaze("POST", f"/updateCart/{cart['id']}?cuid=alice", {"cart": {"items": items}}).json()
    ids = [i["id"] for i in updated["cart"]["items"]]
    assert ids[0] == line and ids[1] != line
    assert [i["cost"] for i in updated["cart"]["items"]] == [12.5, 62.5]


def test_merging_past_the_quantity_limit_is_refused_and_changes_nothing(api) -> None:
    alice = prepare(api, {"cart": {"items": [{"productId": "demo-flower", "quantity": 6000}]}})
    guest = api.blaze(
        "POST", "/prepare", {"sessionId": "s2", "cart": {"items": [{"productId": "demo-flower", "quantity": 6000}]}}
    )
    response = api.blaze("POST", f"/{guest.json()['id']}/setConsumerUser/alice?cuid=alice")
    assert response.status == 400 and "10000" in response.json()["message"]
    assert api.blaze("GET", "/active?cuid=alice").json()["modified"] == alice["modified"]


def test_a_merged_away_cart_cannot_be_submitted(api) -> None:
    alice = prepare(api)
    guest = api.blaze("POST", "/prepare", {"sessionId": "s3", **FLOWER_2}).json()
    api.blaze("POST", f"/{guest['id']}/setConsumerUser/alice?cuid=alice")
    response = api.blaze("POST", f"/submitCart/{alice['id']}?cuid=alice")
    assert response.status == 409 and "canceled" in response.json()["message"]


def test_overlong_text_is_a_bad_request(api) -> None:
    cart = prepare(api)
    # 600 characters, 2,400 bytes of UTF-8: the bound is in stored bytes
    response = api.blaze("POST", f"/updateCart/{cart['id']}?cuid=alice", {"memo": "\U0001f600" * 600})
    assert response.status == 400 and "memo" in response.json()["message"]
    assert "bytes" in response.json()["message"]
    # A body past the face's request limit is refused before it is read
    response = api.blaze("POST", f"/updateCart/{cart['id']}?cuid=alice", {"memo": "x" * 500_000})
    assert response.status == 413 and response.json()["status"] == 413


def test_history_is_per_shop(api, store) -> None:
    from cart_core import admin
    from local.fixture import RATES

    admin.create_location(store, tenant_id="demo", location_id="north", name="North", tax_rates=RATES[:1])
    north = admin.create_blaze_keys(store, "demo", "north", "north-partner", "north-developer")
    api.blaze("POST", f"/submitCart/{prepare(api)['id']}?cuid=alice")
    north_cart = api.request("POST", "/api/v1/partner/store/cart/prepare?cuid=alice", north, FLOWER_2).json()
    api.request("POST", f"/api/v1/partner/store/cart/submitCart/{north_cart['id']}?cuid=alice", north)
    main_history = api.blaze("GET", "/history?cuid=alice").json()
    north_history = api.request("GET", "/api/v1/partner/store/cart/history?cuid=alice", north).json()
    assert main_history["total"] == 1 and north_history["total"] == 1
    assert north_history["values"][0]["id"] == north_cart["id"] and north_history["values"][0]["cart"]["tax"] == 1.56
