"""Medusa's part of the dev tools (``Face.devkit_module``): what the harness needs to exercise this
face. Dev-only: the face's app never imports it, and it imports the harness (local/, tests/) only
inside its functions, so the Lambda zip (all of functions/) carries it at no cost.

- fuzzing (local/fuzz_seed.py): ``fuzz_seed`` makes the carts Medusa's operations reach (guest carts,
  made through Medusa's own POST /store/carts) and ``fuzz_plan`` says which parameters draw them;
- isolation (tests/harness/test_isolation.py): ``isolation()``, the table of its tenant matrix (the
  publishable key names the store: demo's and acme's keys play owner and intruder);
- sample events (local/make_events.py, local/samples.py): ``sample_requests()``,
  ``AUTHORIZER_CONTEXT`` (none: the routes are public) and ``samples()``;
- the local cloud's banner (local/cloud.py): ``banner_notes``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from medusa_store.face import FACE

if TYPE_CHECKING:
    from local.fuzz_seed import Plan, Seeding
    from local.samples import Sample
    from tests.harness.faces import FaceIsolation

BASE = FACE.base_path
DEMO, ACME = dict(FACE.demo_headers), dict(FACE.acme_headers)
PRODUCTS = ("demo-flower", "demo-edible", "demo-vape")


def _wire_cart_id(key: str) -> str:
    from medusa_store.mapping import wire_cart_id

    return wire_cart_id(key)


# ----- fuzzing -------------------------------------------------------------------------------


def _blaze_guest_carts(seeding: Seeding, pool: str, count: int) -> list[str]:
    """Guest carts (BLAZE's sessionId: no owner, so any Medusa shopper reaches them), as Medusa ids."""
    from blaze_cart.face import FACE as BLAZE

    blaze = seeding.api(BLAZE)
    made = []
    for n in range(count):
        body = {
            "sessionId": f"fuzz-medusa-{seeding.run}-{pool}-{n}",
            "cart": {"items": [{"productId": "demo-flower", "quantity": 1}]},
        }
        made.append(_wire_cart_id(blaze("POST", "/prepare", json=body)["id"]))
    return made


def fuzz_seed(seeding: Seeding) -> None:
    from local.fuzz_seed import REUSABLE

    seeds = seeding.seeds
    seeds.add("medusa_cart", *_blaze_guest_carts(seeding, "medusa", REUSABLE))
    from local.fixture import PROD_GIFT, PROD_MUG, PROD_TEE, REG_EU, REG_US, SO_US_STANDARD

    # The demo storefront's records (local/fixture.py): its products, regions and an option the
    # seeded carts (demo-flower, 12.50) may choose.
    seeds.add("medusa_product", PROD_TEE, PROD_MUG, PROD_GIFT)
    seeds.add("medusa_region", REG_US, REG_EU)
    seeds.add("medusa_option", SO_US_STANDARD)


def fuzz_plan() -> Plan:
    from local.fuzz_seed import Binding

    return (
        (),
        {
            "GET /carts/{id}": (Binding("path.id", "medusa_cart"),),
            # Catalog (routes/catalog.py): a cart's shipping options and method.
            "GET /shipping-options/{cart_id}": (Binding("path.cart_id", "medusa_cart"),),
            "POST /carts/{id}/shipping-methods": (
                Binding("path.id", "medusa_cart"),
                Binding("body.option_id", "medusa_option"),
            ),
            "GET /products/{product_id}": (Binding("path.product_id", "medusa_product"),),
            "GET /regions/{region_id}": (Binding("path.region_id", "medusa_region"),),
        },
    )


# ----- isolation (tests/harness/test_isolation.py; the table's shape: tests/harness/faces.py) ----


def call(api: Any, method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
    """One Medusa call through the harness's in-process API, which must succeed."""
    response = api.request(method, BASE + path, headers, body if body is not None else {})
    assert response.status < 300, (method, path, response.status, response.text)
    return response.json()


def seed_tenant(api: Any) -> dict[str, str]:
    """Demo's guest cart with a line (made through BLAZE's guest flow: one cart, every face)."""
    import uuid

    from blaze_cart import devkit as blaze
    from tests.harness.faces import marker

    body = {
        "sessionId": f"iso-{uuid.uuid4().hex[:8]}",
        "cart": {"items": [{"productId": "demo-flower", "quantity": 2}]},
        "memo": marker("cart"),
    }
    made = blaze.call(api, "POST", "/prepare", blaze.DEMO, body)
    from local.fixture import PROD_TEE, REG_US

    # The storefront's region and product (demo's fixture) are the victim's records too.
    return {"cart_id": _wire_cart_id(made["id"]), "region_id": REG_US, "product_id": PROD_TEE}


def isolation() -> FaceIsolation:
    from local.fixture import SO_US_STANDARD
    from tests.harness.faces import FaceIsolation, Matrix, Side

    return FaceIsolation(
        parameters={"id": "cart_id", "cart_id": "cart_id", "region_id": "region_id", "product_id": "product_id"},
        bodies={("POST", f"{BASE}/carts/{{id}}/shipping-methods"): lambda records: {"option_id": SO_US_STANDARD}},
        tenant=Matrix(owner=Side(DEMO), intruder=Side(ACME), seed=seed_tenant),
        # Medusa's customers come with medusa_auth's routes (session, JWT); until then every caller
        # is a guest shopper, and guests share guest carts by id, as Medusa's do.
        consumer=None,
    )


# ----- sample events (events/medusa_store/; local/make_events.py writes them, local/samples.py runs them) --

# The routes are public: no authorizer adds anything to the request context.
AUTHORIZER_CONTEXT: dict[str, str] = {}


def sample_requests() -> dict[str, tuple[str, str, Any]]:
    """events/medusa_store/<name>.json → (method, path after the base path, body)."""
    from local.samples import SAMPLE_CART

    cart = _wire_cart_id(SAMPLE_CART)
    return {"get_cart": ("GET", f"/carts/{cart}", None), **_catalog_requests(cart)}


def _catalog_requests(cart: str) -> dict[str, tuple[str, str, Any]]:
    """The catalog routes' samples (routes/catalog.py), on the demo fixture's storefront."""
    from local.fixture import PROD_TEE, REG_EU, REG_US, SO_US_STANDARD

    return {
        "list_regions": ("GET", "/regions", None),
        "get_region": ("GET", f"/regions/{REG_US}", None),
        "list_products": ("GET", f"/products?region_id={REG_EU}", None),
        "get_product": ("GET", f"/products/{PROD_TEE}?region_id={REG_US}", None),
        "cart_shipping_options": ("GET", f"/shipping-options/{cart}", None),
        "add_shipping_method": ("POST", f"/carts/{cart}/shipping-methods", {"option_id": SO_US_STANDARD}),
    }


def samples() -> dict[str, Sample]:
    """events/medusa_store/<file> → what it needs seeded and the answer it is named for."""
    from local.fixture import PROD_TEE, REG_US, SO_US_STANDARD
    from local.samples import FIXTURE_ONLY, GUEST, SAMPLE_CART, Expect, Sample

    cart = _wire_cart_id(SAMPLE_CART)
    return {
        "get_cart.json": Sample(GUEST, Expect(200, {"cart.id": cart, "cart.items.0.quantity": 2})),
        # Catalog (routes/catalog.py)
        "list_regions.json": Sample(FIXTURE_ONLY, Expect(200, {"count": 2})),
        "get_region.json": Sample(FIXTURE_ONLY, Expect(200, {"region.id": REG_US, "region.currency_code": "usd"})),
        "list_products.json": Sample(
            FIXTURE_ONLY, Expect(200, {"count": 3, "products.0.variants.0.prices.1.currency_code": "eur"})
        ),
        "get_product.json": Sample(
            FIXTURE_ONLY, Expect(200, {"product.id": PROD_TEE, "product.variants.0.calculated_price": 2000})
        ),
        "cart_shipping_options.json": Sample(GUEST, Expect(200, {"shipping_options.0.id": SO_US_STANDARD})),
        "add_shipping_method.json": Sample(GUEST, Expect(200, {"cart.shipping_total": 500})),
    }


# ----- the local cloud's banner (local/cloud.py; tests/e2e/test_banner.py runs it as printed) ------


def banner_notes(url: str) -> list[str]:
    return [f"Medusa storefront (medusa-js baseUrl): {url} (publishable key optional: {DEMO['x-publishable-api-key']})"]
