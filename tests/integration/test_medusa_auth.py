"""Medusa v1 auth and customer routes through the local gateway (template.yaml's routes, moto): the
medusa-v1.md §5 auth assertions, the wire of every route, and hostile input answered in Medusa's
error body with nothing written."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from cart_core.auth_tokens import issue_jwt, sign_value
from local.resources import dev_secret
from medusa_store.face import FACE
from tests.conftest import InProcessApi

STORE = FACE.base_path
JWT_SECRET = dev_secret("CustomerJwtSecret")
COOKIE_SECRET = dev_secret("SessionCookieSecret")
PEOPLE = {"email": "Ada@Example.com", "password": "s3cret pass", "first_name": "Ada", "last_name": "Lovelace"}


def medusa(api: InProcessApi, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None):
    return api.request(method, STORE + path, headers or {}, body if body is not None or method == "GET" else {})


def register(api: InProcessApi, **fields: Any) -> Any:
    response = medusa(api, "POST", "/customers", {**PEOPLE, **fields})
    assert response.status == 200, response.text
    return response


def cookie_of(response: Any) -> str:
    """What Medusa's own integration tests send back: the Set-Cookie's first pair."""
    set_cookie = response.headers.get("Set-Cookie") or response.headers.get("set-cookie")
    assert set_cookie, response.headers
    return set_cookie.split(";")[0]


def _items(api: InProcessApi, prefix: str) -> list[dict[str, Any]]:
    from cart_core.runtime import store

    table = store()
    return [i for i in table.client.scan(TableName=table.table_name)["Items"] if i["pk"]["S"].startswith(prefix)]


# ----- medusa-v1.md §5, Auth (IT/store/auth.js) ---------------------------------------------------


def test_1_register_then_log_in_answers_the_customer_without_its_password_hash(api: InProcessApi) -> None:
    register(api)
    response = medusa(api, "POST", "/auth", {"email": "ada@example.com", "password": "s3cret pass"})
    assert response.status == 200, response.text
    customer = response.json()["customer"]
    assert "password_hash" not in customer
    assert customer["id"].startswith("cus_") and customer["email"] == "ada@example.com"
    assert isinstance(customer["created_at"], str) and isinstance(customer["updated_at"], str)
    assert (customer["first_name"], customer["last_name"], customer["phone"]) == ("Ada", "Lovelace", None)
    assert customer["has_account"] is True and customer["shipping_addresses"] == [] and customer["orders"] == []
    assert set(customer) == {
        "id", "email", "first_name", "last_name", "billing_address_id", "phone", "has_account", "metadata",
        "created_at", "updated_at", "deleted_at", "orders", "shipping_addresses",
    }  # fmt: skip


def test_2_the_login_cookie_opens_the_session(api: InProcessApi) -> None:
    register(api)
    login = medusa(api, "POST", "/auth", {"email": "ada@example.com", "password": "s3cret pass"})
    set_cookie = login.headers.get("Set-Cookie")
    # express-session's cookie: s:<id>.<sig> URI-encoded, HttpOnly, Path=/, Expires; Secure in AWS
    assert set_cookie.startswith("connect.sid=s%3A") and "; Path=/" in set_cookie and "; HttpOnly" in set_cookie
    assert "; Expires=" in set_cookie and "; Secure" in set_cookie and "; SameSite=None" in set_cookie
    session = medusa(api, "GET", "/auth", headers={"Cookie": cookie_of(login)})
    assert session.status == 200, session.text
    assert session.json()["customer"]["email"] == "ada@example.com"
    # And the whole Set-Cookie line echoed back as a Cookie header (as some Node harnesses do) works too
    assert medusa(api, "GET", "/auth", headers={"Cookie": set_cookie}).status == 200


def test_3_a_guest_customer_cannot_log_in(api: InProcessApi) -> None:
    from cart_core.actors import Actor
    from cart_core.runtime import use_cases
    from cart_core.tenancy import Caller

    use_cases().customers.guest(Caller(tenant_id="demo", location_id="main", actor=Actor.partner()), "g@example.com")
    response = medusa(api, "POST", "/auth", {"email": "g@example.com", "password": "anything"})
    assert (response.status, response.text) == (401, "Unauthorized")
    assert medusa(api, "GET", "/auth/g@example.com").json() == {"exists": False}


def test_4_a_token_is_a_string_and_opens_the_session_as_bearer(api: InProcessApi) -> None:
    register(api)
    response = medusa(api, "POST", "/auth/token", {"email": "ada@example.com", "password": "s3cret pass"})
    assert response.status == 200, response.text
    token = response.json()["access_token"]
    assert isinstance(token, str) and "Set-Cookie" not in response.headers  # no session is set
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert claims["domain"] == "store" and claims["customer_id"].startswith("cus_")
    assert claims["exp"] - claims["iat"] == 30 * 86400
    session = medusa(api, "GET", "/auth", headers={"Authorization": f"Bearer {token}"})
    assert session.status == 200 and session.json()["customer"]["id"] == claims["customer_id"]


# ----- the routes --------------------------------------------------------------------------------


def test_register_logs_in_and_normalizes_the_email(api: InProcessApi) -> None:
    response = register(api, email="James@Bond.com")
    customer = response.json()["customer"]
    assert customer["email"] == "james@bond.com" and "password_hash" not in customer
    assert customer["billing_address"] is None and customer["shipping_addresses"] == []
    me = medusa(api, "GET", "/customers/me", headers={"Cookie": cookie_of(response)})
    assert me.status == 200 and me.json()["customer"]["id"] == customer["id"]


def test_a_duplicate_email_is_medusas_422(api: InProcessApi) -> None:
    register(api)
    response = medusa(api, "POST", "/customers", {**PEOPLE, "email": "ADA@example.com"})
    assert response.status == 422
    assert response.json() == {
        "code": "invalid_request_error",
        "type": "duplicate_error",
        "message": "A customer with the given email already has an account. Log in instead",
    }


def test_a_guest_email_registers_as_a_new_account_beside_the_guest(api: InProcessApi) -> None:
    from cart_core.actors import Actor
    from cart_core.runtime import use_cases
    from cart_core.tenancy import Caller

    guest = use_cases().customers.guest(
        Caller(tenant_id="demo", location_id="main", actor=Actor.partner()), "ada@example.com"
    )
    customer = register(api).json()["customer"]
    assert customer["id"] != guest.customer_id and customer["has_account"] is True
    assert medusa(api, "GET", "/auth/ada@example.com").json() == {"exists": True}


@pytest.mark.parametrize(
    "credentials",
    [
        {"email": "ada@example.com", "password": "wrong"},
        {"email": "nobody@example.com", "password": "s3cret pass"},
    ],
)
def test_bad_credentials_are_plain_text_401(api: InProcessApi, credentials: dict[str, str]) -> None:
    register(api)
    for path in ("/auth", "/auth/token"):
        response = medusa(api, "POST", path, credentials)
        assert (response.status, response.text) == (401, "Unauthorized")
        assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"email": "not-an-email", "password": "x"}, "email must be an email"),
        ({"email": "a@example.com", "password": ""}, "password should not be empty"),
        ({"email": "a@example.com", "password": "x", "remember": True}, "property remember should not exist"),
        ({"password": "x"}, "email must be an email"),
    ],
)
def test_invalid_login_bodies_are_medusas_400(api: InProcessApi, body: dict[str, Any], message: str) -> None:
    response = medusa(api, "POST", "/auth", body)
    assert response.status == 400
    assert response.json() == {"type": "invalid_data", "message": message}


def test_exists_answers_for_accounts_only_and_never_errors(api: InProcessApi) -> None:
    register(api)
    assert medusa(api, "GET", "/auth/ADA@example.com").json() == {"exists": True}
    assert medusa(api, "GET", "/auth/other@example.com").json() == {"exists": False}
    assert medusa(api, "GET", "/auth/not-an-email").json() == {"exists": False}


def test_logout_ends_the_cookie_session(api: InProcessApi) -> None:
    cookie = cookie_of(register(api))
    assert medusa(api, "GET", "/auth", headers={"Cookie": cookie}).status == 200
    response = medusa(api, "DELETE", "/auth", headers={"Cookie": cookie})
    assert (response.status, response.text) == (200, "OK")
    assert _items(api, "SESSION#") == []
    after = medusa(api, "GET", "/auth", headers={"Cookie": cookie})
    assert (after.status, after.text) == (401, "Unauthorized")
    # And a logout without a session is OK too
    assert medusa(api, "DELETE", "/auth").status == 200


@pytest.mark.parametrize("path", ["/auth", "/customers/me", "/customers/me/orders"])
def test_routes_that_need_a_customer_answer_plain_401_to_a_guest(api: InProcessApi, path: str) -> None:
    response = medusa(api, "GET", path)
    assert (response.status, response.text) == (401, "Unauthorized")


def test_my_orders_is_an_empty_page_for_a_new_customer_and_validates_its_query(api: InProcessApi) -> None:
    cookie = cookie_of(register(api))
    response = medusa(api, "GET", "/customers/me/orders?limit=5&offset=0", headers={"Cookie": cookie})
    assert response.status == 200, response.text
    assert response.json() == {"orders": [], "count": 0, "offset": 0, "limit": 5}
    assert medusa(api, "GET", "/customers/me/orders", headers={"Cookie": cookie}).json()["limit"] == 10
    bad = medusa(api, "GET", "/customers/me/orders?bogus=1", headers={"Cookie": cookie})
    assert bad.status == 400 and bad.json() == {"type": "invalid_data", "message": "property bogus should not exist"}
    huge = medusa(api, "GET", "/customers/me/orders?limit=100000", headers={"Cookie": cookie})
    assert huge.status == 400 and huge.json()["type"] == "invalid_data"


# ----- hostile input: Medusa's answer, nothing written ---------------------------------------------


def test_a_huge_email_is_refused_and_writes_nothing(api: InProcessApi) -> None:
    huge = "a" * 250 + "@example.com"
    response = medusa(api, "POST", "/customers", {**PEOPLE, "email": huge})
    assert response.status == 400
    assert response.json() == {"type": "invalid_data", "message": "email must be an email"}
    assert _items(api, "CUSTOMEREMAIL#") == [] and _items(api, "SESSION#") == []


def test_a_huge_password_is_refused_before_hashing(api: InProcessApi) -> None:
    response = medusa(api, "POST", "/customers", {**PEOPLE, "password": "p" * 5000})
    assert response.status == 400 and response.json()["type"] == "invalid_data"
    assert _items(api, "CUSTOMEREMAIL#") == []


@pytest.mark.parametrize(
    "cookie",
    [
        "connect.sid=s%3Aforged.c2lnbmF0dXJl",
        "connect.sid=plain-unsigned-id",
        "connect.sid=s%3A" + "%FF" * 10,
        "connect.sid=" + "x" * 9000,
        "other=1; connect.sid",
    ],
)
def test_a_bad_cookie_is_a_guest(api: InProcessApi, cookie: str) -> None:
    response = medusa(api, "GET", "/auth", headers={"Cookie": cookie})
    assert (response.status, response.text) == (401, "Unauthorized")


def test_a_validly_signed_cookie_for_no_session_is_a_guest(api: InProcessApi) -> None:
    forged = "connect.sid=s%3A" + sign_value("no-such-session", COOKIE_SECRET)
    assert medusa(api, "GET", "/auth", headers={"Cookie": forged}).status == 401


def test_forged_tokens_are_guests(api: InProcessApi) -> None:
    customer_id = register(api).json()["customer"]["id"]
    claims = {"customer_id": customer_id, "domain": "store", "tenant_id": "demo"}
    forged = [
        issue_jwt(claims, "not the secret but long enough for hs256 keys", 2_000_000_000, 60),  # other secret
        issue_jwt(claims, JWT_SECRET, 1_000_000_000, 60),  # expired long ago
        issue_jwt({**claims, "domain": "admin"}, JWT_SECRET, 2_000_000_000, 60),
        issue_jwt({**claims, "customer_id": "cus_x"}, JWT_SECRET, 2_000_000_000, 60),
        issue_jwt({**claims, "tenant_id": "acme"}, JWT_SECRET, 2_000_000_000, 60),  # another tenant's store
        issue_jwt({"customer_id": customer_id, "domain": "store"}, JWT_SECRET, 2_000_000_000, 60),  # no tenant
        base64.urlsafe_b64encode(b'{"alg":"none"}').decode().rstrip("=")
        + "."
        + base64.urlsafe_b64encode(json.dumps({**claims, "exp": 2_000_000_000}).encode()).decode().rstrip("=")
        + ".",
    ]
    for token in forged:
        response = medusa(api, "GET", "/auth", headers={"Authorization": f"Bearer {token}"})
        assert (response.status, response.text) == (401, "Unauthorized"), token


def test_a_valid_token_of_a_customer_this_store_does_not_have_is_medusas_404(api: InProcessApi) -> None:
    token = issue_jwt(
        {"customer_id": "cus_01G2SG30J8C85S4A5CHM2S1NS2", "domain": "store", "tenant_id": "demo"},
        JWT_SECRET,
        2_000_000_000,
        60,
    )
    response = medusa(api, "GET", "/auth", headers={"Authorization": f"Bearer {token}"})
    assert response.status == 404
    assert response.json() == {
        "type": "not_found",
        "message": "Customer with id: cus_01G2SG30J8C85S4A5CHM2S1NS2 was not found",
    }


def test_optional_routes_stay_open_with_a_bad_credential(api: InProcessApi) -> None:
    # A forged token on a public route is a guest, not a 401 (Medusa's optional authentication)
    response = medusa(api, "GET", "/auth/ada@example.com", headers={"Authorization": "Bearer garbage"})
    assert response.status == 200 and response.json() == {"exists": False}


# ----- a signed-in checkout: the cart is the customer's, its order in the customer's orders ---------


@pytest.mark.parametrize("credential", ["cookie", "bearer"])
def test_a_signed_in_customers_completed_cart_is_in_its_orders(api: InProcessApi, credential: str) -> None:
    # Given a registered customer, signed in by cookie or by token
    registered = register(api)
    if credential == "cookie":
        auth = {"Cookie": cookie_of(registered)}
    else:
        token = medusa(api, "POST", "/auth/token", {"email": "ada@example.com", "password": "s3cret pass"})
        auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
    customer_id = registered.json()["customer"]["id"]
    # When the customer creates a cart, selects a session and completes it
    cart = medusa(api, "POST", "/carts", {"items": [{"variant_id": "demo-vape", "quantity": 1}]}, auth).json()["cart"]
    assert cart["customer_id"] == customer_id
    path = f"/carts/{cart['id']}"
    assert medusa(api, "POST", f"{path}/payment-sessions", None, auth).status == 200
    assert medusa(api, "POST", f"{path}/payment-session", {"provider_id": "manual"}, auth).status == 200
    placed = medusa(api, "POST", f"{path}/complete", None, auth)
    assert placed.status == 200 and placed.json()["type"] == "order", placed.text
    order_id = placed.json()["data"]["id"]
    # Then the order is the customer's: in /me/orders (count 1) and on the session's customer
    orders = medusa(api, "GET", "/customers/me/orders", headers=auth).json()
    assert (orders["count"], [o["id"] for o in orders["orders"]]) == (1, [order_id])
    assert orders["orders"][0]["items"][0]["variant_id"] == "demo-vape"
    assert [o["id"] for o in medusa(api, "GET", "/auth", headers=auth).json()["customer"]["orders"]] == [order_id]
    # And a page past it is empty, with the count still 1
    assert medusa(api, "GET", "/customers/me/orders?offset=1", headers=auth).json() == {
        "orders": [],
        "count": 1,
        "offset": 1,
        "limit": 10,
    }
    # And another customer sees none of it
    other = cookie_of(register(api, email="bob@example.com"))
    assert medusa(api, "GET", "/customers/me/orders", headers={"Cookie": other}).json()["count"] == 0


def test_every_auth_and_customer_answer_matches_its_documented_schema(api: InProcessApi) -> None:
    from tests.harness.conformance import violations

    # Given a customer with a placed order, and every auth and customer route called, errors included
    registered = register(api)
    auth = {"Cookie": cookie_of(registered)}
    cart = medusa(api, "POST", "/carts", {"items": [{"variant_id": "demo-vape", "quantity": 1}]}, auth).json()["cart"]
    medusa(api, "POST", f"/carts/{cart['id']}/payment-sessions", None, auth)
    medusa(api, "POST", f"/carts/{cart['id']}/payment-session", {"provider_id": "manual"}, auth)
    assert medusa(api, "POST", f"/carts/{cart['id']}/complete", None, auth).status == 200
    login = {"email": "ada@example.com", "password": "s3cret pass"}
    calls = [
        ("POST", "/customers", {**PEOPLE, "email": "second@example.com"}, {}),
        ("POST", "/customers", PEOPLE, {}),  # 422
        ("POST", "/auth", login, {}),
        ("POST", "/auth", {"email": "x"}, {}),  # 400
        ("POST", "/auth/token", login, {}),
        ("GET", "/auth", None, auth),
        ("GET", "/auth/ada@example.com", None, {}),
        ("GET", "/customers/me", None, auth),
        ("GET", "/customers/me/orders", None, auth),
        ("GET", "/customers/me/orders?bogus=1", None, auth),  # 400
    ]
    problems = []
    for method, path, body, headers in calls:
        response = medusa(api, method, path, body, headers)
        problems += violations(method, STORE + path.split("?")[0], response.status, response.text)
    # Then each matches the OpenAPI document (the 200s their closed response models)
    assert not problems, "\n".join(problems)
