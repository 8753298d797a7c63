"""A real OAuth2 client library (requests-oauthlib 2.0.0 over oauthlib, pinned in requirements-dev.txt)
gets an access token from ``POST /shopping/token`` with the client credentials grant, and drives a
NewStore cart with it, over HTTP against the local cloud and its demo fixture."""

from __future__ import annotations

import time
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

requests_oauthlib = pytest.importorskip("requests_oauthlib")  # a dev dependency: make install brings it
oauth2 = pytest.importorskip("oauthlib.oauth2")


@pytest.fixture(autouse=True)
def plain_http_on_localhost(monkeypatch: pytest.MonkeyPatch) -> None:
    # oauthlib insists on https; the local cloud serves http on 127.0.0.1 (AWS serves https).
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


def session(url: str, client_id: str, secret: str, *, basic: bool = True) -> Any:
    client = requests_oauthlib.OAuth2Session(client=oauth2.BackendApplicationClient(client_id=client_id))
    # include_client_id=False: HTTP Basic (RFC 6749 §2.3.1, the library's default); True: in the body.
    client.fetch_token(
        token_url=f"{url}/shopping/token",
        client_id=client_id,
        client_secret=secret,
        include_client_id=not basic,
        timeout=30,
    )
    return client


@pytest.mark.parametrize("basic", [True, False], ids=["basic", "body"])
def test_an_oauth2_library_gets_a_token_and_drives_a_cart(local_cloud: str, basic: bool) -> None:
    # Given the demo API client; When the library fetches a token with the client credentials grant
    client = session(local_cloud, "demo-newstore-client", "demo-newstore-secret", basic=basic)
    # Then it is a Bearer token the library understood, expiring within the hour
    assert client.token["token_type"] == "Bearer" and client.token["expires_in"] == 3600
    assert 0 < client.token["expires_at"] - time.time() <= 3601  # oauthlib rounds the time it got it to the second
    # And the library's session creates, changes and reads a cart with it
    created = client.post(
        f"{local_cloud}/shopping/carts", json={"products": [{"product_id": "demo-flower", "quantity": 2}]}, timeout=30
    )
    assert created.status_code == 200, created.text
    cart = created.json()
    assert cart["state"] == "draft" and cart["totals"]["subtotal"] == 25
    patched = client.patch(
        f"{local_cloud}/shopping/carts/{cart['id']}", json={"shop": "storefront-catalog-en"}, timeout=30
    )
    assert patched.status_code == 200 and patched.json()["shop"] == "storefront-catalog-en"
    read = client.get(f"{local_cloud}/shopping/carts/{cart['id']}", timeout=30)
    assert read.json() == patched.json()


def test_the_library_reports_a_wrong_secret_as_invalid_client(local_cloud: str) -> None:
    # Given a wrong secret; When the library fetches a token; Then it raises OAuth2's invalid_client
    with pytest.raises(oauth2.InvalidClientError):
        session(local_cloud, "demo-newstore-client", "not-the-secret")
