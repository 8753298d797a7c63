"""The Medusa v1 storefront face's cart routes through the local gateway (template.yaml's routes,
moto): Medusa's cart shape and ids, its error bodies, and one cart read by every face."""

from __future__ import annotations

import uuid
from typing import Any

from medusa_store.face import FACE
from medusa_store.mapping import wire_cart_id
from tests.conftest import InProcessApi

STORE = FACE.base_path


def medusa(api: InProcessApi, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None):
    return api.request(method, STORE + path, headers or {}, body if body is not None or method == "GET" else {})


def blaze_guest_cart(api: InProcessApi, session: str = "medusa-guest") -> dict[str, Any]:
    body = {"sessionId": session, "cart": {"items": [{"productId": "demo-flower", "quantity": 2}]}}
    response = api.blaze("POST", "/prepare", body)
    assert response.status == 200, response.text
    return response.json()


def test_a_blaze_guest_cart_reads_through_medusa_in_medusas_shape(api: InProcessApi) -> None:
    # Given a guest cart made through BLAZE (2 x demo-flower at 12.50)
    made = blaze_guest_cart(api)
    # When a storefront retrieves it through Medusa, by its Medusa id
    response = medusa(api, "GET", f"/carts/{wire_cart_id(made['id'])}")
    # Then it is Medusa's {cart} with a cart_ ULID, the line and its totals in minor units
    assert response.status == 200, response.text
    cart = response.json()["cart"]
    assert cart["id"].startswith("cart_") and len(cart["id"]) == 31
    (item,) = cart["items"]
    assert item["id"].startswith("item_") and (item["unit_price"], item["quantity"]) == (1250, 2)
    assert cart["subtotal"] == 2500 and cart["total"] == 2500 + cart["tax_total"]
    assert "payment_session" not in cart


def test_an_unknown_cart_is_medusas_404(api: InProcessApi) -> None:
    # When a storefront retrieves a cart id that is no cart of ours (a Medusa-made ULID)
    response = medusa(api, "GET", "/carts/cart_01G8ZH853Y6TFXWPG5EYE81X63")
    # Then Medusa's not_found body, without a code
    assert response.status == 404
    assert response.json() == {
        "type": "not_found",
        "message": "Cart with cart_01G8ZH853Y6TFXWPG5EYE81X63 was not found",
    }


def test_an_unknown_query_parameter_is_refused_as_class_validator_does(api: InProcessApi) -> None:
    made = blaze_guest_cart(api)
    response = medusa(api, "GET", f"/carts/{wire_cart_id(made['id'])}?bogus=1")
    assert response.status == 400
    assert response.json() == {"type": "invalid_data", "message": "property bogus should not exist"}


def created_cart(api: InProcessApi, body: Any = None) -> dict[str, Any]:
    response = medusa(api, "POST", "/carts", body or {})
    assert response.status == 200, response.text
    return response.json()["cart"]


def test_a_new_cart_gets_its_lines_a_context_and_medusa_totals(api: InProcessApi) -> None:
    # Given nothing; When a storefront creates a cart with two items and a context
    cart = created_cart(
        api,
        {"items": [{"variant_id": "demo-flower", "quantity": 2}, {"variant_id": "demo-edible", "quantity": 0}],
         "context": {"test_id": "t"}},
    )  # fmt: skip
    # Then each item is its own line (quantity 0 becomes 1), the context has the request's and the body's
    assert sorted((i["variant_id"], i["quantity"]) for i in cart["items"]) == [("demo-edible", 1), ("demo-flower", 2)]
    assert cart["context"]["test_id"] == "t" and "user_agent" in cart["context"]
    # And the totals are Medusa's: 3300 subtotal, tax per line and rate (6.25 % and 2 %), rounded each
    assert cart["subtotal"] == 3300
    assert cart["item_tax_total"] == sum(i["tax_total"] for i in cart["items"])
    assert cart["total"] == cart["subtotal"] + cart["tax_total"]


def test_line_items_merge_update_and_delete_as_medusa_does(api: InProcessApi) -> None:
    cart = created_cart(api)
    path = f"/carts/{cart['id']}/line-items"
    # When the same variant is added twice, Then it is one line with the quantities summed
    medusa(api, "POST", path, {"variant_id": "demo-flower", "quantity": 1})
    response = medusa(api, "POST", path, {"variant_id": "demo-flower", "quantity": 2})
    assert response.status == 200, response.text
    (item,) = response.json()["cart"]["items"]
    assert item["quantity"] == 3 and item["unit_price"] == 1250
    # When its quantity is set to 5, Then it is 5
    updated = medusa(api, "POST", f"{path}/{item['id']}", {"quantity": 5}).json()["cart"]
    assert updated["items"][0]["quantity"] == 5 and updated["subtotal"] == 6250
    # When an unknown line is deleted, Then nothing changes (200); When quantity 0 is set, Then the line goes
    assert medusa(api, "DELETE", f"{path}/item_01G8ZH853Y6TFXWPG5EYE81X63").status == 200
    emptied = medusa(api, "POST", f"{path}/{item['id']}", {"quantity": 0}).json()["cart"]
    assert emptied["items"] == [] and emptied["total"] == 0


def test_line_item_errors_have_medusas_types_and_messages(api: InProcessApi) -> None:
    cart = created_cart(api)
    path = f"/carts/{cart['id']}/line-items"
    unknown = medusa(api, "POST", path, {"variant_id": "variant_nope", "quantity": 1})
    assert unknown.status == 400 and unknown.json() == {
        "type": "invalid_data",
        "message": "Unable to generate the line items, some variant has not been found: variant_nope",
    }
    extra = medusa(api, "POST", path, {"variant_id": "demo-flower", "quantity": 1, "bogus": 1})
    assert extra.status == 400 and extra.json() == {
        "type": "invalid_data",
        "message": "property bogus should not exist",
    }
    zero = medusa(api, "POST", path, {"variant_id": "demo-flower", "quantity": 0})
    assert zero.status == 400 and zero.json()["type"] == "invalid_data"
    not_int = medusa(api, "POST", path, {"variant_id": "demo-flower", "quantity": "2"})
    assert not_int.json() == {"type": "invalid_data", "message": "quantity must be an integer number"}
    missing_line = medusa(api, "POST", f"{path}/item_01G8ZH853Y6TFXWPG5EYE81X63", {"quantity": 1})
    assert missing_line.json() == {"type": "invalid_data", "message": "Could not find the line item"}


def test_update_sets_email_addresses_and_a_discount_then_deleting_the_code_removes_it(api: InProcessApi) -> None:
    cart = created_cart(api, {"items": [{"variant_id": "demo-flower", "quantity": 2}]})
    path = f"/carts/{cart['id']}"
    # When the storefront sets email, shipping address and TENOFF (10 %)
    body = {
        "email": "Guest@Example.com",
        "shipping_address": {"first_name": "Ada", "last_name": "L", "address_1": "1 Main St", "country_code": "us"},
        "discounts": [{"code": "tenoff"}],
    }
    response = medusa(api, "POST", path, body)
    assert response.status == 200, response.text
    updated = response.json()["cart"]
    # Then they are on the cart, the discount as a line adjustment of 250 (10 % of 2500)
    assert updated["email"] == "guest@example.com"
    assert updated["shipping_address"]["first_name"] == "Ada" and updated["shipping_address"]["country_code"] == "us"
    assert [d["code"] for d in updated["discounts"]] == ["TENOFF"]
    assert updated["items"][0]["adjustments"][0]["amount"] == 250 and updated["discount_total"] == 250
    # When only the last name changes, Then the rest of the address stays (a partial update)
    partial = medusa(api, "POST", path, {"shipping_address": {"last_name": "Lovelace"}}).json()["cart"]
    assert (partial["shipping_address"]["first_name"], partial["shipping_address"]["last_name"]) == ("Ada", "Lovelace")
    # When the code is deleted, Then no discount is left
    removed = medusa(api, "DELETE", f"{path}/discounts/TENOFF").json()["cart"]
    assert removed["discounts"] == [] and removed["discount_total"] == 0
    # And an unknown code is Medusa's 404; metadata may not be set on a cart
    unknown = medusa(api, "POST", path, {"discounts": [{"code": "NOPE"}]})
    assert unknown.status == 404 and unknown.json() == {
        "type": "not_found",
        "message": "Discounts with code [NOPE] was not found",
    }
    assert medusa(api, "POST", path, {"metadata": {}}).json()["message"] == "property metadata should not exist"


def _checkout(api: InProcessApi, provider: str = "manual") -> dict[str, Any]:
    cart = created_cart(api, {"items": [{"variant_id": "demo-vape", "quantity": 1}]})
    path = f"/carts/{cart['id']}"
    assert medusa(api, "POST", path, {"email": "shopper@example.com"}).status == 200
    sessions = medusa(api, "POST", f"{path}/payment-sessions")
    assert sessions.status == 200, sessions.text
    assert sessions.json()["data"] == sessions.json()["cart"]
    selected = medusa(api, "POST", f"{path}/payment-session", {"provider_id": provider})
    assert selected.status == 200, selected.text
    assert selected.json()["cart"]["payment_session"]["provider_id"] == provider
    return cart


def test_complete_places_the_order_and_complete_again_answers_the_same_order(api: InProcessApi) -> None:
    # Given a cart with an email and the manual provider's session selected
    cart = _checkout(api)
    # When it is completed
    response = medusa(api, "POST", f"/carts/{cart['id']}/complete")
    assert response.status == 200, response.text
    placed = response.json()
    # Then it is Medusa's {type: order} with the cart's id and total
    assert placed["type"] == "order" and placed["data"]["cart_id"] == cart["id"]
    assert placed["data"]["total"] == 3500 + placed["data"]["tax_total"]
    # When it is completed again (the deprecated alias), Then the same order
    again = medusa(api, "POST", f"/carts/{cart['id']}/complete-cart").json()
    assert again["type"] == "order" and again["data"]["id"] == placed["data"]["id"]
    # And the order reads by its id; the cart is completed and no longer takes lines (400 not_allowed)
    order = medusa(api, "GET", f"/orders/{placed['data']['id']}")
    assert order.status == 200 and order.json()["order"]["id"] == placed["data"]["id"]
    assert medusa(api, "GET", f"/carts/{cart['id']}").json()["cart"]["completed_at"] is not None
    refused = medusa(api, "POST", f"/carts/{cart['id']}/line-items", {"variant_id": "demo-flower", "quantity": 1})
    assert refused.status == 400 and refused.json()["type"] == "not_allowed"


def test_complete_without_a_selected_session_or_without_a_customer_is_refused(api: InProcessApi) -> None:
    cart = created_cart(api, {"items": [{"variant_id": "demo-vape", "quantity": 1}]})
    no_customer = medusa(api, "POST", f"/carts/{cart['id']}/complete")
    assert no_customer.json() == {
        "type": "invalid_data",
        "message": "Cannot create an order from the cart without a customer",
    }
    medusa(api, "POST", f"/carts/{cart['id']}", {"email": "a@example.com"})
    medusa(api, "POST", f"/carts/{cart['id']}/payment-sessions")
    no_session = medusa(api, "POST", f"/carts/{cart['id']}/complete")
    assert no_session.status == 400 and no_session.json() == {
        "type": "not_allowed",
        "message": "You cannot complete a cart without a payment session.",
    }


def test_refreshing_the_selected_session_unselects_it(api: InProcessApi) -> None:
    cart = _checkout(api)
    refreshed = medusa(api, "POST", f"/carts/{cart['id']}/payment-sessions/manual/refresh").json()["cart"]
    assert "payment_session" not in refreshed
    assert {s["provider_id"]: s["is_selected"] for s in refreshed["payment_sessions"]}["manual"] is None
    deleted = medusa(api, "DELETE", f"/carts/{cart['id']}/payment-sessions/manual").json()["cart"]
    assert "manual" not in {s["provider_id"] for s in deleted["payment_sessions"]}


def test_an_idempotency_key_replays_the_answer_and_refuses_another_request(api: InProcessApi) -> None:
    cart = created_cart(api)
    path = f"/carts/{cart['id']}/line-items"
    key = {"Idempotency-Key": "k-1"}
    first = medusa(api, "POST", path, {"variant_id": "demo-flower", "quantity": 1}, key)
    replay = medusa(api, "POST", path, {"variant_id": "demo-flower", "quantity": 1}, key)
    # Then the line was added once, the same answer twice, with the key in the answer's headers
    assert first.status == replay.status == 200
    assert replay.json() == first.json() and replay.json()["cart"]["items"][0]["quantity"] == 1
    assert {k.lower(): v for k, v in first.headers.items()}["idempotency-key"] == "k-1"
    other = medusa(api, "POST", path, {"variant_id": "demo-edible", "quantity": 1}, key)
    assert other.status == 409 and other.json()["type"] == "conflict"


def _minted(response) -> str:
    headers = {k.lower(): v for k, v in response.headers.items()}
    assert headers["access-control-expose-headers"] == "Idempotency-Key"
    return str(uuid.UUID(headers["idempotency-key"], version=4))


def test_every_idempotent_route_mints_a_key_when_the_client_sends_none(api: InProcessApi) -> None:
    # Given a guest cart with a line and an email, and no Idempotency-Key sent on any call
    cart = created_cart(api)
    path = f"/carts/{cart['id']}"
    medusa(api, "POST", path, {"email": "shopper@example.com"})
    # When it calls each of Medusa's four idempotent routes (§0.4)
    answers = [
        medusa(api, "POST", f"{path}/line-items", {"variant_id": "demo-flower", "quantity": 1}),
        medusa(api, "POST", f"{path}/taxes"),
        medusa(api, "POST", f"{path}/payment-sessions"),
        medusa(api, "POST", f"{path}/payment-session", {"provider_id": "manual"}),
        medusa(api, "POST", f"{path}/complete"),
    ]
    del answers[3]  # (selecting a session is not one of them)
    # Then each answer names a fresh uuid4 key of its own, exposed to browsers
    assert [a.status for a in answers] == [200] * 4, [a.text for a in answers]
    keys = [_minted(a) for a in answers]
    assert len(set(keys)) == 4
    # And the completed order replays under its key, nothing placed twice
    again = medusa(api, "POST", f"{path}/complete", {}, {"Idempotency-Key": keys[3]})
    assert (again.status, again.json()) == (200, answers[3].json()) and again.json()["type"] == "order"


def test_a_minted_key_is_the_callers_and_its_requests_only(api: InProcessApi) -> None:
    # Given a line added by a guest, answered with a minted key
    cart = created_cart(api)
    path = f"/carts/{cart['id']}/line-items"
    first = medusa(api, "POST", path, {"variant_id": "demo-flower", "quantity": 1})
    key = {"Idempotency-Key": _minted(first)}
    # When the key is sent with another request / Then Medusa's 409 conflict, nothing added
    other = medusa(api, "POST", path, {"variant_id": "demo-edible", "quantity": 1}, key)
    assert other.status == 409 and other.json()["type"] == "conflict"
    # When a signed-in customer sends it with the same request / Then the guest's record is not
    # replayed to them: the request runs as theirs (a signed-in customer may take a guest's open
    # cart over, docs/medusa.md), so the line is added again
    from tests.integration.test_medusa_auth import cookie_of, register

    customer = {"Cookie": cookie_of(register(api, email="minted@example.com"))}
    theirs = medusa(api, "POST", path, {"variant_id": "demo-flower", "quantity": 1}, {**key, **customer})
    assert theirs.status == 200 and theirs.json()["cart"]["items"][0]["quantity"] == 2


def test_a_failed_request_records_nothing_under_a_minted_key(api: InProcessApi) -> None:
    # Given a guest cart; When a line of an unknown variant is added without a key
    cart = created_cart(api)
    refused = medusa(api, "POST", f"/carts/{cart['id']}/line-items", {"variant_id": "nope", "quantity": 1})
    # Then Medusa's 400, and no key is handed out (nothing was recorded to replay)
    assert refused.status == 400 and "idempotency-key" not in {k.lower() for k in refused.headers}


def test_a_minted_key_that_could_not_be_recorded_is_not_handed_out(api: InProcessApi, monkeypatch) -> None:
    from cart_core.errors import ServiceUnavailable
    from cart_core.idempotency import RecordStore

    # Given the idempotency records refused by an outage (the cart's own write still goes through)
    def outage(self: RecordStore, data: Any, result: Any) -> None:
        raise ServiceUnavailable(retry_after=5)

    monkeypatch.setattr(RecordStore, "save_new_success", outage)
    cart = created_cart(api)
    # When a line is added without a key
    added = medusa(api, "POST", f"/carts/{cart['id']}/line-items", {"variant_id": "demo-flower", "quantity": 1})
    # Then the change is done and answered, without a key that would replay nothing
    assert added.status == 200 and added.json()["cart"]["items"][0]["quantity"] == 1
    assert "idempotency-key" not in {k.lower() for k in added.headers}


def test_a_browser_storefront_on_the_store_origin_may_call_with_credentials(api: InProcessApi) -> None:
    # Given the storefront's origin (template parameter MedusaStoreCors, Medusa's store_cors)
    origin = {"Origin": "http://localhost:8000"}
    # When the browser asks first (preflight), Then API Gateway allows the origin with credentials
    preflight = api.request("OPTIONS", f"{STORE}/carts", origin)
    allowed = {k.lower(): v for k, v in preflight.headers.items()}
    assert allowed["access-control-allow-origin"] == "http://localhost:8000"
    assert allowed["access-control-allow-credentials"] == "true"
    # When it then creates a cart, Then the answer carries the same, and exposes the Idempotency-Key
    response = medusa(api, "POST", "/carts", {}, origin)
    headers = {k.lower(): v for k, v in response.headers.items()}
    assert headers["access-control-allow-origin"] == "http://localhost:8000"
    assert headers["access-control-allow-credentials"] == "true"
    # And another origin gets no CORS allowance
    other = medusa(api, "POST", "/carts", {}, {"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in {k.lower() for k in other.headers}


def test_a_quantity_or_a_context_out_of_bounds_is_refused_with_400(api: InProcessApi) -> None:
    negative = medusa(api, "POST", "/carts", {"items": [{"variant_id": "demo-flower", "quantity": -9448767915}]})
    assert negative.status == 400 and negative.json()["type"] == "invalid_data"
    long_context = medusa(api, "POST", "/carts", {"context": {"note": "x" * 5000}})
    assert long_context.status == 400 and long_context.json()["type"] == "invalid_data"


def test_the_publishable_key_names_the_store_and_an_unknown_one_is_ignored(api: InProcessApi) -> None:
    # Given a cart made in the stage's store (demo) without a key
    cart = created_cart(api, {"items": [{"variant_id": "demo-flower", "quantity": 1}]})
    # When it is read with a key no tenant issued, Then the stage's store answers (Medusa ignores it)
    unknown = medusa(api, "GET", f"/carts/{cart['id']}", headers={"x-publishable-api-key": "pk_nobody"})
    assert unknown.status == 200
    # When it is read with acme's key, Then acme's store has no such cart
    acme = medusa(api, "GET", f"/carts/{cart['id']}", headers={"x-publishable-api-key": "pk_acme_store"})
    assert acme.status == 404 and acme.json()["type"] == "not_found"


def test_a_card_session_is_authorized_at_complete_and_a_declined_one_leaves_the_cart_open(api: InProcessApi) -> None:
    # Given a cart paying with the test-card provider's session, its token in the session's data
    cart = _checkout(api, provider="test-card")
    path = f"/carts/{cart['id']}"
    declined = medusa(api, "POST", f"{path}/payment-sessions/test-card", {"data": {"token": "tok_chargeDeclined"}})
    assert declined.json()["cart"]["payment_session"]["data"] == {"token": "tok_chargeDeclined"}
    # When it is completed with a card that declines, Then 400 and the cart is still open
    refused = medusa(api, "POST", f"{path}/complete")
    assert refused.status == 400 and refused.json()["type"] == "invalid_data"
    assert medusa(api, "GET", path).json()["cart"]["completed_at"] is None
    # When the token is one that approves, Then the order is placed with the card authorized for its total
    medusa(api, "POST", f"{path}/payment-sessions/test-card", {"data": {"token": "tok_visa"}})
    placed = medusa(api, "POST", f"{path}/complete").json()
    assert placed["type"] == "order" and placed["data"]["payment_status"] == "awaiting"
    (payment,) = placed["data"]["payments"]
    assert payment["provider_id"] == "test-card" and payment["amount"] == placed["data"]["total"]
