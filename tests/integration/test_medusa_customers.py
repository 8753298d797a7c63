"""Medusa v1's customer area through the local gateway (template.yaml's routes, moto): the signed-in
customer's changes (POST /store/customers/me), the address book, saved payment methods, the password
reset, the order filters of /me/orders, and isolation between customers and between tenants. Each
answer in Medusa's shape; refusals in its error body with nothing changed."""

from __future__ import annotations

from typing import Any

import pytest

from cart_core.usecases import customers as customer_cases
from tests.conftest import InProcessApi
from tests.integration.test_medusa_auth import PEOPLE, STORE, _items, cookie_of, medusa, register

ADDRESS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "address_1": "12 St James's Square",
    "city": "London",
    "country_code": "GB",
    "postal_code": "SW1Y 4JH",
}


def signed_up(api: InProcessApi, **fields: Any) -> dict[str, str]:
    return {"Cookie": cookie_of(register(api, **fields))}


def me(api: InProcessApi, auth: dict[str, str]) -> dict[str, Any]:
    response = medusa(api, "GET", "/customers/me", headers=auth)
    assert response.status == 200, response.text
    return response.json()["customer"]


def login(api: InProcessApi, email: str, password: str) -> int:
    return medusa(api, "POST", "/auth", {"email": email, "password": password}).status


# ----- POST /store/customers/me ---------------------------------------------------------------------


def test_a_customer_changes_names_phone_and_metadata(api: InProcessApi) -> None:
    # Given a signed-in customer with metadata
    auth = signed_up(api)
    first = medusa(api, "POST", "/customers/me", {"metadata": {"a": 1, "b": "x"}}, auth)
    assert first.status == 200, first.text
    # When they change their names and phone, and remove one metadata key ("" removes, as Medusa)
    response = medusa(
        api, "POST", "/customers/me", {"first_name": "Augusta", "phone": "+44 1", "metadata": {"b": ""}}, auth
    )
    # Then the answer is the customer with its relations, and a fresh read agrees
    assert response.status == 200, response.text
    customer = response.json()["customer"]
    assert (customer["first_name"], customer["last_name"], customer["phone"]) == ("Augusta", "Lovelace", "+44 1")
    assert customer["metadata"] == {"a": 1}
    assert customer["shipping_addresses"] == [] and customer["billing_address"] is None
    assert "password_hash" not in customer
    assert me(api, auth) == customer


def test_a_new_email_moves_the_account_and_frees_the_old_one(api: InProcessApi) -> None:
    # Given a customer
    auth = signed_up(api)
    # When they change their e-mail (any case)
    response = medusa(api, "POST", "/customers/me", {"email": "Augusta@Example.com"}, auth)
    # Then the account answers to the new e-mail only; the old one can be registered again
    assert response.status == 200 and response.json()["customer"]["email"] == "augusta@example.com"
    assert login(api, "augusta@example.com", PEOPLE["password"]) == 200
    assert login(api, "ada@example.com", PEOPLE["password"]) == 401
    assert medusa(api, "GET", "/auth/ada@example.com").json() == {"exists": False}
    claims = sorted(i["pk"]["S"] for i in _items(api, "CUSTOMEREMAIL#"))
    assert claims == ["CUSTOMEREMAIL#demo#account#augusta@example.com"]
    assert register(api).status == 200


def test_an_email_another_account_has_is_medusas_422_and_changes_nothing(api: InProcessApi) -> None:
    # Given two customers
    register(api, email="bob@example.com")
    auth = signed_up(api)
    # When Ada takes Bob's e-mail, with a name change in the same request
    response = medusa(api, "POST", "/customers/me", {"email": "BOB@example.com", "first_name": "Eve"}, auth)
    # Then Medusa's duplicate error, and Ada is unchanged
    assert response.status == 422, response.text
    assert response.json() == {
        "code": "invalid_request_error",
        "type": "duplicate_error",
        "message": "Customer with email, has_account bob@example.com, t already exists.",
    }
    customer = me(api, auth)
    assert (customer["email"], customer["first_name"]) == ("ada@example.com", "Ada")


def test_a_new_password_replaces_the_old_one(api: InProcessApi) -> None:
    auth = signed_up(api)
    assert medusa(api, "POST", "/customers/me", {"password": ""}, auth).status == 200  # "" changes nothing
    assert login(api, "ada@example.com", PEOPLE["password"]) == 200
    assert medusa(api, "POST", "/customers/me", {"password": "a new secret"}, auth).status == 200
    assert login(api, "ada@example.com", "a new secret") == 200
    assert login(api, "ada@example.com", PEOPLE["password"]) == 401


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"nickname": "x"}, "property nickname should not exist"),
        ({"email": "not-an-email"}, "email must be an email"),
        ({"first_name": 5}, "first_name must be a string"),
        ({"metadata": "x"}, "metadata must be an object"),
        ({"billing_address": {"city": "x", "planet": "Mars"}}, "property planet should not exist"),
        ({"first_name": "é" * 200}, None),  # 400 bytes of UTF-8: past the 255-byte bound
        ({"metadata": {"k": "v" * 5000}}, None),  # past the 4 KB metadata bound
        ({"metadata": {"k": "\ud800"}}, None),  # a lone surrogate (JSON escape): not storable text
    ],
)
def test_invalid_changes_are_medusas_400_and_change_nothing(
    api: InProcessApi, body: dict[str, Any], message: str | None
) -> None:
    auth = signed_up(api)
    before = me(api, auth)
    response = medusa(api, "POST", "/customers/me", body, auth)
    assert response.status == 400, response.text
    assert response.json()["type"] == "invalid_data"
    if message:
        assert response.json()["message"] == message
    assert me(api, auth) == before


def test_billing_address_is_made_merged_chosen_by_id_and_cleared(api: InProcessApi) -> None:
    # Given a customer with one saved shipping address
    auth = signed_up(api)
    saved = medusa(api, "POST", "/customers/me/addresses", {"address": ADDRESS}, auth).json()["customer"]
    shipping_id = saved["shipping_addresses"][0]["id"]
    # When they give a billing address, then change its city
    made = medusa(api, "POST", "/customers/me", {"billing_address": {**ADDRESS, "city": "Bath"}}, auth)
    merged = medusa(api, "POST", "/customers/me", {"billing_address": {"city": "Oxford"}}, auth)
    # Then one billing address, created then merged (its id kept), country in lower case
    billing = merged.json()["customer"]["billing_address"]
    assert (
        made.json()["customer"]["billing_address"]["id"]
        == billing["id"]
        == merged.json()["customer"]["billing_address_id"]
    )
    assert billing["id"].startswith("addr_") and billing["customer_id"] is None
    assert (billing["city"], billing["address_1"], billing["country_code"]) == ("Oxford", "12 St James's Square", "gb")
    # When they name their shipping address as billing address
    chosen = medusa(api, "POST", "/customers/me", {"billing_address": shipping_id}, auth).json()["customer"]
    assert chosen["billing_address_id"] == shipping_id and chosen["billing_address"]["city"] == "London"
    # And an id that is not one of theirs is Medusa's 404
    unknown = medusa(api, "POST", "/customers/me", {"billing_address": "addr_01HZZZZZZZZZZZZZZZZZZZZZZZ"}, auth)
    assert unknown.status == 404
    assert unknown.json() == {
        "type": "not_found",
        "message": "Address with id addr_01HZZZZZZZZZZZZZZZZZZZZZZZ was not found",
    }
    # And null clears it
    cleared = medusa(api, "POST", "/customers/me", {"billing_address": None}, auth).json()["customer"]
    assert cleared["billing_address"] is None and cleared["billing_address_id"] is None


def test_the_me_routes_answer_plain_401_to_a_guest(api: InProcessApi) -> None:
    for method, path, body in [
        ("POST", "/customers/me", {"first_name": "x"}),
        ("POST", "/customers/me/addresses", {"address": ADDRESS}),
        ("POST", "/customers/me/addresses/addr_x", {"city": "x"}),
        ("DELETE", "/customers/me/addresses/addr_x", None),
        ("GET", "/customers/me/payment-methods", None),
    ]:
        response = medusa(api, method, path, body)
        assert (response.status, response.text) == (401, "Unauthorized"), (method, path)


# ----- the address book ----------------------------------------------------------------------------


def test_an_address_is_added_once_updated_and_deleted(api: InProcessApi) -> None:
    # Given a customer
    auth = signed_up(api)
    # When they add an address, then the same one again (country in another case)
    added = medusa(api, "POST", "/customers/me/addresses", {"address": {**ADDRESS, "metadata": {"door": "blue"}}}, auth)
    again = medusa(api, "POST", "/customers/me/addresses", {"address": {**ADDRESS, "country_code": "gb"}}, auth)
    # Then one saved address in Medusa's shape
    assert added.status == again.status == 200, added.text
    addresses = again.json()["customer"]["shipping_addresses"]
    assert len(addresses) == 1
    address = addresses[0]
    assert address["id"].startswith("addr_") and address["customer_id"] == added.json()["customer"]["id"]
    assert (address["country_code"], address["postal_code"], address["metadata"]) == (
        "gb",
        "SW1Y 4JH",
        {"door": "blue"},
    )
    assert address["company"] is None and address["deleted_at"] is None
    # When they change its city only
    updated = medusa(api, "POST", f"/customers/me/addresses/{address['id']}", {"city": "Bath"}, auth)
    assert updated.status == 200, updated.text
    changed = updated.json()["customer"]["shipping_addresses"][0]
    assert (changed["city"], changed["address_1"], changed["metadata"]) == (
        "Bath",
        ADDRESS["address_1"],
        {"door": "blue"},
    )
    # When they delete it, twice (Medusa: idempotent)
    deleted = medusa(api, "DELETE", f"/customers/me/addresses/{address['id']}", None, auth)
    twice = medusa(api, "DELETE", f"/customers/me/addresses/{address['id']}", None, auth)
    assert deleted.status == twice.status == 200
    assert deleted.json()["customer"]["shipping_addresses"] == [] == me(api, auth)["shipping_addresses"]


def test_an_address_missing_a_required_field_is_medusas_400(api: InProcessApi) -> None:
    auth = signed_up(api)
    without = {k: v for k, v in ADDRESS.items() if k != "first_name"}
    response = medusa(api, "POST", "/customers/me/addresses", {"address": without}, auth)
    assert response.status == 400
    assert response.json() == {"type": "invalid_data", "message": "first_name must be a string"}
    missing = medusa(api, "POST", "/customers/me/addresses", {}, auth)
    assert missing.status == 400 and missing.json()["type"] == "invalid_data"
    assert me(api, auth)["shipping_addresses"] == []


def test_updating_an_address_that_is_not_theirs_is_medusas_400(api: InProcessApi) -> None:
    auth = signed_up(api)
    response = medusa(api, "POST", "/customers/me/addresses/addr_01HZZZZZZZZZZZZZZZZZZZZZZZ", {"city": "x"}, auth)
    assert response.status == 400
    assert response.json() == {"type": "invalid_data", "message": "Could not find address for customer"}


def test_the_address_book_is_bounded(api: InProcessApi) -> None:
    # Given a customer with as many addresses as the bound
    auth = signed_up(api)
    for n in range(customer_cases.MAX_ADDRESSES):
        body = {"address": {**ADDRESS, "address_1": f"{n} Main St"}}
        assert medusa(api, "POST", "/customers/me/addresses", body, auth).status == 200
    # When they add one more
    response = medusa(api, "POST", "/customers/me/addresses", {"address": {**ADDRESS, "address_1": "x"}}, auth)
    # Then it is refused in Medusa's body and the book is unchanged
    assert response.status == 400 and response.json() == {
        "type": "invalid_data",
        "message": f"A customer has at most {customer_cases.MAX_ADDRESSES} addresses",
    }
    assert len(me(api, auth)["shipping_addresses"]) == customer_cases.MAX_ADDRESSES


def test_saved_payment_methods_are_an_empty_list(api: InProcessApi) -> None:
    auth = signed_up(api)
    response = medusa(api, "GET", "/customers/me/payment-methods", headers=auth)
    assert (response.status, response.json()) == (200, {"payment_methods": []})


# ----- password reset ------------------------------------------------------------------------------


@pytest.fixture
def mailbox(monkeypatch: pytest.MonkeyPatch) -> list[customer_cases.PasswordReset]:
    """The notification hook, captured (a deployment sends these by e-mail)."""
    sent: list[customer_cases.PasswordReset] = []
    monkeypatch.setattr(customer_cases, "password_reset_hook", sent.append)
    return sent


def test_a_password_token_is_204_whether_or_not_the_email_has_an_account(
    api: InProcessApi, mailbox: list[customer_cases.PasswordReset]
) -> None:
    # Given an account, and a guest e-mail
    register(api)
    # When a token is asked for an unknown e-mail and for the account's (another case)
    unknown = medusa(api, "POST", "/customers/password-token", {"email": "nobody@example.com"})
    known = medusa(api, "POST", "/customers/password-token", {"email": "ADA@example.com"})
    # Then both answer 204 without a body; only the account's token is sent, stored as a digest
    assert (unknown.status, unknown.text) == (204, "") and (known.status, known.text) == (204, "")
    assert [(m.email, len(m.token) >= 40) for m in mailbox] == [("ada@example.com", True)]
    stored = _items(api, "PWTOKEN#")
    assert len(stored) == 1 and mailbox[0].token not in str(stored)
    assert int(stored[0]["expires_at"]["N"]) == mailbox[0].expires_at
    # And an invalid e-mail is Medusa's 400
    bad = medusa(api, "POST", "/customers/password-token", {"email": "nope"})
    assert bad.status == 400 and bad.json() == {"type": "invalid_data", "message": "email must be an email"}


def test_a_mailer_outage_still_answers_204(api: InProcessApi, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given an account, and a notification hook that fails (the mailer is down)
    register(api)

    def down(reset: customer_cases.PasswordReset) -> None:
        raise ConnectionError("mailer unreachable")

    monkeypatch.setattr(customer_cases, "password_reset_hook", down)
    # When a token is asked for the account's e-mail
    response = medusa(api, "POST", "/customers/password-token", {"email": "ada@example.com"})
    # Then the answer is the same as for any e-mail (no enumeration through errors)
    assert (response.status, response.text) == (204, "")


def test_a_token_resets_the_password_once(api: InProcessApi, mailbox: list[customer_cases.PasswordReset]) -> None:
    # Given a token sent to Ada
    register(api)
    medusa(api, "POST", "/customers/password-token", {"email": "ada@example.com"})
    token = mailbox[0].token
    # When she resets her password with it
    reset = {"email": "ada@example.com", "token": token, "password": "brand new pass"}
    response = medusa(api, "POST", "/customers/password-reset", reset)
    # Then the customer (columns only, no hash) and the new password signs in, the old one not
    assert response.status == 200, response.text
    customer = response.json()["customer"]
    assert customer["email"] == "ada@example.com" and "password_hash" not in customer
    assert "shipping_addresses" not in customer and "billing_address" not in customer
    assert login(api, "ada@example.com", "brand new pass") == 200
    assert login(api, "ada@example.com", PEOPLE["password"]) == 401
    # And the token works once
    again = medusa(api, "POST", "/customers/password-reset", {**reset, "password": "third"})
    assert again.status == 401
    assert again.json() == {"type": "unauthorized", "message": "Invalid or expired password reset token"}
    assert _items(api, "PWTOKEN#") == []


@pytest.mark.parametrize("case", ["wrong token", "other email", "unknown email", "superseded"])
def test_a_token_that_does_not_fit_is_medusas_401_and_changes_nothing(
    api: InProcessApi, mailbox: list[customer_cases.PasswordReset], case: str
) -> None:
    # Given Ada and Bob, and a token sent to Ada
    auth = signed_up(api)
    register(api, email="bob@example.com")
    medusa(api, "POST", "/customers/password-token", {"email": "ada@example.com"})
    reset = {"email": "ada@example.com", "token": mailbox[0].token, "password": "hijacked pass"}
    if case == "wrong token":
        reset["token"] = reset["token"][:-2] + "xx"
    elif case == "other email":
        reset["email"] = "bob@example.com"
    elif case == "unknown email":
        reset["email"] = "carol@example.com"
    else:  # Ada changed her password since the token was sent
        assert medusa(api, "POST", "/customers/me", {"password": "changed meanwhile"}, auth).status == 200
    response = medusa(api, "POST", "/customers/password-reset", reset)
    assert response.status == 401
    assert response.json() == {"type": "unauthorized", "message": "Invalid or expired password reset token"}
    assert login(api, reset["email"], "hijacked pass") == 401


@pytest.mark.parametrize(
    "body",
    [
        {"email": "ada@example.com", "token": "t"},
        {"email": "ada@example.com", "token": 5, "password": "x"},
        {"email": "ada@example.com", "token": "t" * 600, "password": "x"},
        {"email": "ada@example.com", "token": "t", "password": "x", "extra": 1},
    ],
)
def test_invalid_reset_bodies_are_medusas_400(api: InProcessApi, body: dict[str, Any]) -> None:
    response = medusa(api, "POST", "/customers/password-reset", body)
    assert response.status == 400 and response.json()["type"] == "invalid_data"


# ----- order filters -------------------------------------------------------------------------------


def _place_order(api: InProcessApi, auth: dict[str, str]) -> dict[str, Any]:
    cart = medusa(api, "POST", "/carts", {"items": [{"variant_id": "demo-vape", "quantity": 1}]}, auth).json()["cart"]
    path = f"/carts/{cart['id']}"
    medusa(api, "POST", path, {"shipping_address": {"first_name": "Zelda", "country_code": "us"}}, auth)
    assert medusa(api, "POST", f"{path}/payment-sessions", None, auth).status == 200
    assert medusa(api, "POST", f"{path}/payment-session", {"provider_id": "manual"}, auth).status == 200
    placed = medusa(api, "POST", f"{path}/complete", None, auth)
    assert placed.status == 200 and placed.json()["type"] == "order", placed.text
    return placed.json()["data"]


def test_my_orders_take_medusas_filters(api: InProcessApi) -> None:
    # Given a customer with one placed order
    auth = signed_up(api)
    order = _place_order(api, auth)

    def ids(query: str) -> list[str]:
        response = medusa(api, "GET", f"/customers/me/orders?{query}", headers=auth)
        assert response.status == 200, (query, response.text)
        body = response.json()
        assert body["count"] == len(body["orders"])
        return [o["id"] for o in body["orders"]]

    # Then each filter keeps it when it matches, and drops it when it does not
    matching = [
        f"status[0]={order['status']}",
        f"status[]={order['status']}&status[]=completed",
        f"status={order['status']}",
        f"payment_status[0]={order['payment_status']}",
        "fulfillment_status[0]=not_fulfilled",
        f"display_id={order['display_id']}",
        f"cart_id={order['cart_id']}",
        f"id={order['id']}",
        f"region_id={order['region_id']}",
        f"currency_code={order['currency_code']}",
        "email=ada@example.com",
        "q=zel",
        "q=ADA@",
        "created_at[lt]=2999-01-01T00:00:00Z&created_at[gt]=2000-01-01",
        "updated_at[gte]=2000-01-01T00:00:00.000Z",
        "limit=1&offset=0&expand=items&fields=id",
    ]
    for query in matching:
        assert ids(query) == [order["id"]], query
    missing = [
        "status[0]=archived",
        "payment_status[0]=refunded",
        "fulfillment_status[0]=shipped",
        "display_id=999999",
        "email=bob@example.com",
        "q=nothing-like-it",
        "created_at[gt]=2999-01-01T00:00:00Z",
        "canceled_at[lt]=2999-01-01",
        "region_id=reg_other",
        "tax_rate=5",
    ]
    for query in missing:
        assert ids(query) == [], query


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("status[0]=lost", "each value in status must be one of the following values: "
         "pending, completed, archived, canceled, requires_action"),
        ("created_at[gt]=yesterday", "gt must be a Date instance"),
        ("created_at[gt]=946684800000", "gt must be a Date instance"),
        ("created_at[near]=2024-01-01", "property near should not exist"),
        ("created_at=2024-01-01", "nested property created_at must be either object or array"),
        ("email[0]=a", "email must be a string"),
        ("bogus=1", "property bogus should not exist"),
    ],
)  # fmt: skip
def test_invalid_order_filters_are_medusas_400(api: InProcessApi, query: str, message: str) -> None:
    auth = signed_up(api)
    response = medusa(api, "GET", f"/customers/me/orders?{query}", headers=auth)
    assert response.status == 400
    assert response.json() == {"type": "invalid_data", "message": message}


# ----- isolation -------------------------------------------------------------------------------------


def test_a_customer_never_reaches_another_customers_account_addresses_orders_or_carts(api: InProcessApi) -> None:
    # Given Bob with an address, an order and an open cart, and Ada signed in the same store
    bob = signed_up(api, email="bob@example.com", first_name="Bob")
    bob_address = medusa(api, "POST", "/customers/me/addresses", {"address": ADDRESS}, bob).json()["customer"]
    address_id = bob_address["shipping_addresses"][0]["id"]
    bob_order = _place_order(api, bob)
    bob_cart = medusa(api, "POST", "/carts", {"items": [{"variant_id": "demo-vape", "quantity": 1}]}, bob).json()
    bob_before = me(api, bob)
    ada = signed_up(api)
    ada_id = me(api, ada)["id"]
    # When Ada names Bob's address, order and cart everywhere she can
    attempts = [
        medusa(api, "POST", f"/customers/me/addresses/{address_id}", {"city": "Hacked"}, ada),
        medusa(api, "DELETE", f"/customers/me/addresses/{address_id}", None, ada),
        medusa(api, "POST", "/customers/me", {"billing_address": address_id}, ada),
        medusa(api, "GET", f"/orders/{bob_order['id']}", headers=ada),
        medusa(api, "GET", f"/carts/{bob_cart['cart']['id']}", headers=ada),
        medusa(api, "POST", f"/carts/{bob_cart['cart']['id']}", {"email": "ada@example.com"}, ada),
    ]
    # Then none answers Bob's records, and Bob's account is unchanged
    statuses = [a.status for a in attempts]
    assert statuses[0] == 400 and statuses[2] == 404 and statuses[3] == 404, statuses
    assert statuses[4] == statuses[5] == 404, [a.text for a in attempts[4:]]
    assert attempts[1].status == 200 and attempts[1].json()["customer"]["id"] == ada_id
    for attempt in attempts:
        assert "Bob" not in attempt.text and address_id not in attempt.text.replace(f"id {address_id}", "")
    assert me(api, bob) == bob_before
    # And Ada's orders and /me are her own
    assert medusa(api, "GET", "/customers/me/orders", headers=ada).json()["count"] == 0
    bob_cart_now = medusa(api, "GET", f"/carts/{bob_cart['cart']['id']}", headers=bob).json()["cart"]
    assert bob_cart_now["customer_id"] == bob_before["id"] and bob_cart_now["email"] != "ada@example.com"


def test_a_token_of_one_store_never_works_in_another(api: InProcessApi) -> None:
    from medusa_store.face import FACE

    # Given a customer of the demo store with a token
    register(api)
    token = medusa(api, "POST", "/auth/token", {"email": "ada@example.com", "password": PEOPLE["password"]})
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    # When the token is sent to acme's store (its publishable key)
    acme = {**dict(FACE.acme_headers), **bearer}
    for method, path, body in [
        ("GET", "/customers/me", None),
        ("POST", "/customers/me", {"first_name": "x"}),
        ("POST", "/customers/me/addresses", {"address": ADDRESS}),
        ("GET", "/customers/me/orders", None),
        ("GET", "/customers/me/payment-methods", None),
    ]:
        response = api.request(method, STORE + path, acme, body if body is not None or method == "GET" else {})
        # Then acme answers as to a guest
        assert (response.status, response.text) == (401, "Unauthorized"), (method, path)
    assert me(api, bearer)["first_name"] == "Ada" and me(api, bearer)["shipping_addresses"] == []
