"""NewStore's part of the dev tools (``Face.devkit_module``): what the harness needs to exercise this
face. Dev-only: the face's app never imports it, and it imports the harness (local/, tests/) only
inside its functions.

The demo and acme headers (face.py ``MintedBearer``) mint a fresh access token with the local
cloud's development key each time they are read, so the harness's calls never meet an expired one.

- fuzzing (local/fuzz_seed.py): ``fuzz_seed`` makes carts, ``fuzz_plan`` draws their ids;
- isolation (tests/harness/test_isolation.py): ``isolation()``, demo's carts against acme's client;
- sample events (local/make_events.py, local/samples.py): ``sample_requests()``,
  ``AUTHORIZER_CONTEXT``, ``AUTHORIZER_SAMPLE`` and ``samples()``;
- the local cloud's banner (local/cloud.py): ``banner_notes`` and ``walkthrough`` (a token request
  and a first cart, as curl).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from newstore_shopping.face import ACME_CLIENT, DEMO_CLIENT, FACE, TOKEN_PATH

if TYPE_CHECKING:
    from local.fuzz_seed import Plan, Seeding
    from local.samples import Sample
    from tests.harness.faces import FaceIsolation

CARTS = "/shopping/carts"
PRODUCT = "demo-flower"

# ----- fuzzing -------------------------------------------------------------------------------


def fuzz_seed(seeding: Seeding) -> None:
    api = seeding.api(FACE)
    for _ in range(max(seeding.consumed, 2)):
        cart = api("POST", CARTS, json={"products": [{"product_id": PRODUCT, "quantity": 1}]})
        seeding.seeds.add("newstore_cart", cart["id"])
    seeding.seeds.add("newstore_product", PRODUCT, "demo-edible")
    seeding.seeds.add("newstore_grant", "client_credentials")
    seeding.seeds.add("newstore_client", DEMO_CLIENT.client_id)
    seeding.seeds.add("newstore_secret", DEMO_CLIENT.client_secret)


def fuzz_plan() -> Plan:
    from local.fuzz_seed import VALUE_PROBABILITY, Binding

    cart = Binding("path.id", "newstore_cart")
    return (
        (Binding("body.products[*].product_id", "newstore_product", VALUE_PROBABILITY),),
        {
            "GET /shopping/carts/{id}": (cart,),
            "PATCH /shopping/carts/{id}": (cart,),
            # The demo client's credentials, so some token requests get a token.
            f"POST {TOKEN_PATH}": (
                Binding("body.grant_type", "newstore_grant", 0.8),
                Binding("body.client_id", "newstore_client", 0.8),
                Binding("body.client_secret", "newstore_secret", 0.8),
            ),
        },
    )


# ----- isolation (tests/harness/test_isolation.py; the table's shape: tests/harness/faces.py) ----


def seed_tenant(api: Any) -> dict[str, str]:
    """A cart of demo's whose customer carries a marker an intruder's answer must never show."""
    from tests.harness.faces import marker

    body = {
        "products": [{"product_id": PRODUCT, "quantity": 1}],
        "customer": {"email": f"{marker('email')}@example.com", "name": marker("name")},
    }
    response = api.request("POST", CARTS, dict(FACE.demo_headers), body)
    assert response.status == 200, response.text
    return {"cart_id": response.json()["id"]}


def isolation() -> FaceIsolation:
    from tests.harness.faces import FaceIsolation, Matrix, Side

    return FaceIsolation(
        parameters={"id": "cart_id"},
        bodies={
            ("PATCH", "/shopping/carts/{id}"): lambda r: {"shop": "intruder"},
            # The intruder's own client asks for its own token (a token never names another tenant).
            ("POST", TOKEN_PATH): lambda r: {
                "grant_type": "client_credentials",
                "client_id": ACME_CLIENT.client_id,
                "client_secret": ACME_CLIENT.client_secret,
            },
        },
        tenant=Matrix(owner=Side(FACE.demo_headers), intruder=Side(FACE.acme_headers), seed=seed_tenant),  # type: ignore[arg-type]
        # An associate's app acts for its store: there are no consumers on this API.
        consumer=None,
    )


# ----- sample events (events/newstore_shopping/; local/make_events.py writes them) -----------------

# What the authorizer adds to the request context for the demo client's access token.
AUTHORIZER_CONTEXT = {
    "principalId": "demo/main",
    "tenantId": "demo",
    "locationId": "main",
    "scheme": "newstore",
    "clientId": DEMO_CLIENT.client_id,
}
# events/authorizer/newstore_request.json: a cart read with the demo client's access token.
AUTHORIZER_SAMPLE = "get_cart"


SAMPLE_ISSUED_AT = 1795000000  # local/make_events.py's SAMPLE_TIME_MS, in seconds
SAMPLE_EXPIRES_AT = 4102444800  # 2100-01-01: the committed samples' token must still open the routes


def sample_headers() -> dict[str, str]:
    """The samples' Authorization: one fixed token of the demo client (the development key), so
    ``python -m local.make_events`` writes the same files every time and they stay valid."""
    from cart_core import client_tokens
    from local.resources import dev_secret
    from newstore_shopping.face import TOKEN_KEY_SECRET

    claims = client_tokens.ClientClaims(DEMO_CLIENT.client_id, DEMO_CLIENT.tenant_id, DEMO_CLIENT.location_id)
    token = client_tokens.issue(
        claims, dev_secret(TOKEN_KEY_SECRET), SAMPLE_ISSUED_AT, SAMPLE_EXPIRES_AT - SAMPLE_ISSUED_AT
    )
    return {"Authorization": f"Bearer {token}"}


def _sample_cart() -> str:
    from local.samples import SAMPLE_CART
    from newstore_shopping.mapping import wire_cart_id

    return wire_cart_id(SAMPLE_CART)


def sample_requests() -> dict[str, tuple[str, str, Any]]:
    """events/newstore_shopping/<name>.json → (method, path, body)."""
    cart = f"{CARTS}/{_sample_cart()}"
    return {
        "issue_token": (
            "POST",
            TOKEN_PATH,
            {
                "grant_type": "client_credentials",
                "client_id": DEMO_CLIENT.client_id,
                "client_secret": DEMO_CLIENT.client_secret,
            },
        ),
        "create_cart": (
            "POST",
            CARTS,
            {"products": [{"product_id": PRODUCT, "quantity": 2, "fulfillment_group": {"type": "IN_STORE_HANDOVER"}}]},
        ),
        "get_cart": ("GET", cart, None),
        "update_cart": ("PATCH", cart, {"shop": "storefront-catalog-en", "shop_locale": "en-US"}),
    }


def samples() -> dict[str, Sample]:
    from local.samples import FIXTURE_ONLY, OPEN, Expect, Sample

    cart = {"id": _sample_cart()}
    return {
        "issue_token.json": Sample(FIXTURE_ONLY, Expect(200, {"token_type": "Bearer", "expires_in": 3600})),
        "create_cart.json": Sample(FIXTURE_ONLY, Expect(200, {"state": "draft", "products.0.quantity": 2})),
        "get_cart.json": Sample(OPEN, Expect(200, {**cart, "state": "draft"})),
        "update_cart.json": Sample(OPEN, Expect(200, {**cart, "shop": "storefront-catalog-en"})),
    }


# ----- the local cloud's banner (local/cloud.py; tests/e2e/test_banner.py runs it as printed) ------


def banner_notes(url: str) -> list[str]:
    return [
        f"NewStore (OAuth2 client credentials): POST {url}{TOKEN_PATH} as "
        f"{DEMO_CLIENT.client_id} / {DEMO_CLIENT.client_secret}"
    ]


def walkthrough(url: str) -> list[str]:
    """A token for the demo client (HTTP Basic, as OAuth2 clients send it), then a first cart with it."""
    from local.cloud import _python

    client = f"{DEMO_CLIENT.client_id}:{DEMO_CLIENT.client_secret}"
    token = (
        f"""NS_TOKEN=$(curl -s -u '{client}' -d grant_type=client_credentials "{url}{TOKEN_PATH}" """
        f"""| {_python()} -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"""
    )
    cart = (
        f"""curl -s -w '\\n' -H "Authorization: Bearer $NS_TOKEN" -H 'Content-Type: application/json' """
        f"""-d '{{"products": [{{"product_id": "{PRODUCT}", "quantity": 2}}]}}' "{url}{CARTS}\""""
    )
    return [token, cart]
