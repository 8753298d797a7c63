"""NewStore's OAuth2 client credentials through the local gateway (template.yaml's routes, moto):
``POST /shopping/token`` (RFC 6749 §4.4) and the authorizer's ``newstore`` model on the cart routes."""

from __future__ import annotations

import base64
import time
from typing import Any

import jwt
import pytest

from cart_core import client_tokens
from local.resources import dev_secret
from newstore_shopping.face import ACME_CLIENT, DEMO_CLIENT, TOKEN_KEY_SECRET
from tests.conftest import InProcessApi

KEY = dev_secret(TOKEN_KEY_SECRET)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
CARTS = "/shopping/carts"
ONE_FLOWER = {"products": [{"product_id": "demo-flower", "quantity": 1}]}


def basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def token_request(api: InProcessApi, form: str, headers: dict[str, str] | None = None) -> Any:
    return api.request("POST", "/shopping/token", {**FORM, **(headers or {})}, raw=form)


def get_token(api: InProcessApi, client: Any = DEMO_CLIENT) -> str:
    response = token_request(
        api, f"grant_type=client_credentials&client_id={client.client_id}&client_secret={client.client_secret}"
    )
    assert response.status == 200, response.text
    return str(response.json()["access_token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# ----- the token endpoint ---------------------------------------------------------------------


def test_client_credentials_in_the_form_give_a_short_lived_bearer_token(api: InProcessApi) -> None:
    # Given the demo API client; When it asks for a token with its id and secret in the form
    response = token_request(
        api, "grant_type=client_credentials&client_id=demo-newstore-client&client_secret=demo-newstore-secret"
    )
    # Then RFC 6749 §5.1's answer, not cached, with a token naming the client, its tenant and store
    assert response.status == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert response.headers.get("Cache-Control") == "no-store"
    claims = jwt.decode(body["access_token"], KEY, algorithms=["HS256"], audience=client_tokens.AUDIENCE)
    assert (claims["sub"], claims["tenant"], claims["location"]) == ("demo-newstore-client", "demo", "main")
    assert claims["iss"] == client_tokens.ISSUER and 0 < claims["exp"] - time.time() <= 3600


def test_http_basic_and_a_json_body_work_too(api: InProcessApi) -> None:
    # Given the client's id and secret in HTTP Basic (RFC 6749 §2.3.1); When it asks for a token
    by_basic = token_request(
        api, "grant_type=client_credentials", basic("demo-newstore-client", "demo-newstore-secret")
    )
    # Or as JSON
    by_json = api.request("POST", "/shopping/token", {}, {
        "grant_type": "client_credentials", "client_id": "acme-newstore-client", "client_secret": "acme-newstore-secret",
    })  # fmt: skip
    # Then both are tokens
    assert by_basic.status == 200, by_basic.text
    assert by_json.status == 200, by_json.text


@pytest.mark.parametrize(
    ("form", "headers", "status", "error"),
    [
        ("grant_type=client_credentials&client_id=demo-newstore-client&client_secret=wrong", {}, 401, "invalid_client"),
        ("grant_type=client_credentials&client_id=nobody&client_secret=demo-newstore-secret", {}, 401, "invalid_client"),
        ("grant_type=client_credentials", {}, 401, "invalid_client"),
        ("grant_type=client_credentials", basic("demo-newstore-client", "nope"), 401, "invalid_client"),
        ("grant_type=password&client_id=demo-newstore-client&client_secret=demo-newstore-secret", {}, 400, "unsupported_grant_type"),
        ("client_id=demo-newstore-client&client_secret=demo-newstore-secret", {}, 400, "invalid_request"),
        ("grant_type=client_credentials&grant_type=client_credentials", {}, 400, None),
        ("grant_type=client_credentials&client_id=demo-newstore-client&client_secret=demo-newstore-secret",
         basic("demo-newstore-client", "demo-newstore-secret"), 400, "invalid_request"),
    ],
)  # fmt: skip
def test_refusals_are_oauth_errors_in_newstores_body(
    api: InProcessApi, form: str, headers: dict[str, str], status: int, error: str | None
) -> None:
    # Given a wrong secret, an unknown client, no client, another grant, a missing grant, a repeated
    # parameter or two ways of authenticating; When the client asks for a token
    response = token_request(api, form, headers)
    # Then RFC 6749 §5.2's error with NewStore's fields beside it, and no token
    assert response.status == status, response.text
    body = response.json()
    assert "access_token" not in body
    assert {"error_code", "message", "request_id"} <= set(body)
    assert body["request_id"]
    if error:
        assert body["error"] == error and body["error_description"]


# ----- the authorizer's newstore model --------------------------------------------------------


def test_a_token_opens_the_cart_routes(api: InProcessApi) -> None:
    # Given a token of the demo client; When it creates a cart
    response = api.request("POST", CARTS, bearer(get_token(api)), ONE_FLOWER)
    # Then the cart is made at the client's store
    assert response.status == 200, response.text
    assert response.json()["store_id"] == "main"


def test_no_authorization_is_the_gateways_401_in_newstores_body(api: InProcessApi) -> None:
    response = api.request("POST", CARTS, {}, ONE_FLOWER)
    assert response.status == 401, response.text
    assert (
        response.json()["error_code"] == "unauthorized"
        and response.json()["request_id"] == response.headers["x-amzn-RequestId"]
    )


def _forged(**changes: Any) -> str:
    now = int(time.time())
    claims = {"iss": client_tokens.ISSUER, "aud": client_tokens.AUDIENCE, "sub": "demo-newstore-client",
              "tenant": "demo", "location": "main", "iat": now, "exp": now + 600}  # fmt: skip
    key, algorithm = changes.pop("key", KEY), changes.pop("algorithm", "HS256")
    claims.update(changes)
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, key, algorithm=algorithm)


def _alg_none() -> str:
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    now = int(time.time())
    payload = (
        f'{{"iss":"{client_tokens.ISSUER}","aud":"{client_tokens.AUDIENCE}","sub":"x","tenant":"demo",'
        f'"location":"main","exp":{now + 600}}}'
    )
    return f"{header}.{base64.urlsafe_b64encode(payload.encode()).rstrip(b'=').decode()}."


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(f"Bearer {_forged(key='another-key-entirely-another-key-entirely')}", id="forged"),
        pytest.param(f"Bearer {_forged(exp=int(time.time()) - 1)}", id="expired"),
        pytest.param(f"Bearer {_forged(aud='someone-else')}", id="other-audience"),
        pytest.param(f"Bearer {_forged(iss='someone-else')}", id="other-issuer"),
        pytest.param(f"Bearer {_forged(tenant=None)}", id="no-tenant"),
        pytest.param(f"Bearer {_forged(algorithm='HS512')}", id="other-alg"),
        pytest.param(f"Bearer {_alg_none()}", id="alg-none"),
        pytest.param("Bearer not-a-jwt", id="garbage"),
        pytest.param("Basic ZGVtbzpkZW1v", id="not-bearer"),
    ],
)
def test_an_invalid_forged_or_expired_token_is_denied_403(api: InProcessApi, authorization: str) -> None:
    # Given a token that is not a valid, unexpired one of ours; When it calls a cart route
    response = api.request("POST", CARTS, {"Authorization": authorization}, ONE_FLOWER)
    # Then the authorizer denies it: 403 in NewStore's body, and no cart is made
    assert response.status == 403, response.text
    assert response.json()["error_code"] == "forbidden"


def test_a_token_reaches_only_its_tenants_carts(api: InProcessApi) -> None:
    # Given a cart demo's client made
    created = api.request("POST", CARTS, bearer(get_token(api)), ONE_FLOWER)
    assert created.status == 200, created.text
    cart_id = created.json()["id"]
    # When acme's client reads it or changes it
    acme = bearer(get_token(api, ACME_CLIENT))
    read = api.request("GET", f"{CARTS}/{cart_id}", acme)
    changed = api.request("PATCH", f"{CARTS}/{cart_id}", acme, {"shop": "acme"})
    # Then the cart does not exist for it, and demo's is unchanged
    assert (read.status, changed.status) == (404, 404), (read.text, changed.text)
    assert read.json()["error_code"] == "not_found"
    again = api.request("GET", f"{CARTS}/{cart_id}", bearer(get_token(api)))
    assert again.status == 200 and again.json()["shop"] is None
