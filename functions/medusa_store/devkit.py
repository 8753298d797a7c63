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


def fuzz_plan() -> Plan:
    from local.fuzz_seed import Binding

    return ((), {"GET /carts/{id}": (Binding("path.id", "medusa_cart"),)})


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
    return {"cart_id": _wire_cart_id(made["id"])}


def isolation() -> FaceIsolation:
    from tests.harness.faces import FaceIsolation, Matrix, Side

    return FaceIsolation(
        parameters={"id": "cart_id"},
        bodies={},
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
    return {"get_cart": ("GET", f"/carts/{cart}", None)}


def samples() -> dict[str, Sample]:
    """events/medusa_store/<file> → what it needs seeded and the answer it is named for."""
    from local.samples import GUEST, SAMPLE_CART, Expect, Sample

    cart = _wire_cart_id(SAMPLE_CART)
    return {"get_cart.json": Sample(GUEST, Expect(200, {"cart.id": cart, "cart.items.0.quantity": 2}))}


# ----- the local cloud's banner (local/cloud.py; tests/e2e/test_banner.py runs it as printed) ------


def banner_notes(url: str) -> list[str]:
    return [f"Medusa storefront (medusa-js baseUrl): {url} (publishable key optional: {DEMO['x-publishable-api-key']})"]
