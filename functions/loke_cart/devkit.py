"""LOKE's part of the dev tools (``Face.devkit_module``): what the harness needs to exercise this
face. Dev-only: the face's app never imports it, and it imports the harness (local/, tests/) only
inside its functions, so the Lambda zip (all of functions/) carries it at no cost.

LOKE is the store's POS: it never makes a cart, it answers the ones shoppers submitted. Its seeds
make those carts through BLAZE (``blaze_cart.devkit``), the face shoppers use here.

- fuzzing (local/fuzz_seed.py): ``fuzz_prepare`` subscribes the POS so submitted carts wait for
  it, ``fuzz_seed`` makes the carts and subscriptions LOKE's operations reach and ``fuzz_plan``
  says which parameters draw them;
- isolation (tests/harness/test_isolation.py): ``isolation()``, the table of its tenant matrix;
- sample events (local/make_events.py, local/samples.py): ``sample_requests()``,
  ``AUTHORIZER_CONTEXT`` and ``samples()``;
- the local cloud's banner (local/cloud.py): ``banner_notes`` and ``walkthrough``.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from loke_cart.face import FACE

if TYPE_CHECKING:
    from local.fuzz_seed import Plan, Seeding
    from local.samples import Sample
    from tests.harness.faces import FaceIsolation

# ----- fuzzing -------------------------------------------------------------------------------

ORGANIZATION = FACE.demo_path_parameters["organizationId"]  # LOKE's path values name demo
# The POS subscription that keeps submitted carts waiting for LOKE's answer (without a listener the
# validation worker validates them at once, and accept/reject could only answer 409). Its ref is in
# no dictionary, so no fuzz case unsubscribes it (a random ref that equals it is vanishingly rare).
POS_REF = "fuzz-pos"


def _subscribe(seeding: Seeding, ref: str) -> None:
    body = {"url": seeding.receiver_url, "secret": "fuzz-secret", "events": ["cart.created"]}
    seeding.api(FACE)("PUT", f"/organizations/{ORGANIZATION}/webhooks/{ref}", json=body)


def fuzz_prepare(seeding: Seeding) -> None:
    """Before any face's records: every cart submitted from here on waits for the POS (BLAZE's
    cancel, LOKE's answers)."""
    _subscribe(seeding, POS_REF)


def fuzz_seed(seeding: Seeding) -> None:
    from blaze_cart.devkit import fuzz_carts

    seeding.seeds.add("webhook_url", seeding.receiver_url)
    seeding.seeds.add("webhook_event", "cart.created", "*")
    consumed = seeding.consumed
    fuzz_carts(seeding, ("accept", consumed, True, None), ("reject", consumed, True, None))  # …/valid, …/invalid
    # After the carts: every subscription is told of every submitted cart, so these are not.
    for n in range(consumed):
        _subscribe(seeding, f"fuzz-hook-{seeding.run}-{n}")
        seeding.seeds.add("webhook_ref", f"fuzz-hook-{seeding.run}-{n}")


def fuzz_plan() -> Plan:
    from local.fuzz_seed import VALUE_PROBABILITY, Binding

    return (
        (
            Binding("path.webhookRef", "webhook_ref"),
            Binding("body.url", "webhook_url", VALUE_PROBABILITY),
            Binding("body.events[*]", "webhook_event", VALUE_PROBABILITY),
        ),
        {
            "GET /organizations/{organizationId}/locations/{locationId}/cart/{cartId}": (
                Binding("path.cartId", "submitted_cart"),
            ),
            "PUT /organizations/{organizationId}/locations/{locationId}/cart/{cartId}/valid": (
                Binding("path.cartId", "accept_cart"),
            ),
            "PUT /organizations/{organizationId}/locations/{locationId}/cart/{cartId}/invalid": (
                Binding("path.cartId", "reject_cart"),
            ),
        },
    )


# ----- isolation (tests/harness/test_isolation.py; the table's shape: tests/harness/faces.py) ----

DEMO, ACME = dict(FACE.demo_headers), dict(FACE.acme_headers)


def seed_tenant(api: Any) -> dict[str, str]:
    """Demo's submitted cart (what a POS sees) and a webhook subscription of demo's."""
    from blaze_cart import devkit as blaze
    from tests.harness.faces import marker

    records = blaze.consumer_cart(api, blaze.DEMO, f"y-{uuid.uuid4().hex[:8]}", marker("cart"))
    blaze.call(api, "POST", f"/submitCart/{records['cart_id']}?cuid={records['cuid']}", blaze.DEMO)
    ref, secret = f"hook-{uuid.uuid4().hex[:8]}", marker("secret")
    body = {"url": f"http://127.0.0.1:9/{marker('host')}/hooks", "secret": secret, "events": ["cart.created"]}
    response = api.request("PUT", f"/organizations/demo/webhooks/{ref}", DEMO, body)
    assert response.status == 200, response.text
    return {**records, "organization": "demo", "location": "main", "webhook_ref": ref, "secret": secret}


def isolation() -> FaceIsolation:
    from tests.harness.faces import FaceIsolation, Matrix, Side

    return FaceIsolation(
        parameters={
            "organizationId": "organization",
            "locationId": "location",
            "cartId": "cart_id",
            "webhookRef": "webhook_ref",
        },
        bodies={
            ("PUT", "/organizations/{organizationId}/webhooks/{webhookRef}"): lambda r: {
                "url": "http://127.0.0.1:9/intruder/hooks",
                "secret": "intruder",
                "events": ["cart.created"],
            },
            ("PUT", "/organizations/{organizationId}/locations/{locationId}/cart/{cartId}/valid"): lambda r: {
                "adjustments": [{"id": "A1", "label": "intruder", "amount": -100}]
            },
        },
        tenant=Matrix(
            owner=Side(DEMO),
            intruder=Side(ACME),
            seed=seed_tenant,
            # Each route is tried twice: naming demo's organization (→ 404), and naming acme's own
            # organization with demo's cart id or webhook ref (→ 404; acme's own list is "unaffected").
            own_tenant_parameters={"organizationId": "acme", "locationId": "main"},
            exceptions={
                # A webhook ref is a name the organization chooses: acme putting "its" ref of the same
                # name makes acme's own subscription (demo's stays as it was, which the cell checks).
                ("PUT", "/organizations/{organizationId}/webhooks/{webhookRef}", "own-tenant"): (
                    "unaffected",
                    "acme's own subscription under the same name",
                ),
            },
        ),
        # LOKE is the store's POS: its token acts for the whole organization, there is no consumer.
        consumer=None,
    )


# ----- sample events (events/loke_cart/; local/make_events.py writes them, local/samples.py runs them) --

# What the authorizer adds to the request context for the demo POS token (every location).
AUTHORIZER_CONTEXT = {"principalId": "demo/*", "tenantId": "demo", "locationId": "*", "scheme": "loke"}


def sample_requests() -> dict[str, tuple[str, str, Any]]:
    """events/loke_cart/<name>.json → (method, path after the base path, body)."""
    from local.samples import POS_URL, SAMPLE_CART, WEBHOOK_REF, WEBHOOK_SECRET

    organization = f"/organizations/{ORGANIZATION}"
    return {
        "get_cart": ("GET", f"{organization}/locations/main/cart/{SAMPLE_CART}", None),
        "accept_cart": (
            "PUT",
            f"{organization}/locations/main/cart/{SAMPLE_CART}/valid",
            {"adjustments": [{"id": "DISC001", "label": "Loyalty", "amount": -100, "taxIncluded": -8}]},
        ),
        "reject_cart": ("PUT", f"{organization}/locations/main/cart/{SAMPLE_CART}/invalid", None),
        "put_webhook": (
            "PUT",
            f"{organization}/webhooks/{WEBHOOK_REF}",
            {"url": POS_URL, "secret": WEBHOOK_SECRET, "events": ["cart.created"]},
        ),
        "list_webhooks": ("GET", f"{organization}/webhooks", None),
        "delete_webhook": ("DELETE", f"{organization}/webhooks/{WEBHOOK_REF}", None),
    }


def samples() -> dict[str, Sample]:
    """events/loke_cart/<file> → what it needs seeded and the answer it is named for."""
    from local.samples import ID, POS_DNS, POS_URL, SUBMITTED, SUBSCRIBED, WEBHOOK_REF, Expect, Sample

    return {
        "accept_cart.json": Sample(
            SUBMITTED, Expect(204, cart={"status": "validated", "adjustments.0.adjustment_id": "DISC001"})
        ),
        "delete_webhook.json": Sample(SUBSCRIBED, Expect(204)),
        "get_cart.json": Sample(SUBMITTED, Expect(200, {**ID, "status": "PENDING"})),
        "list_webhooks.json": Sample(SUBSCRIBED, Expect(200, {"0.ref": WEBHOOK_REF, "0.url": POS_URL})),
        "put_webhook.json": Sample(POS_DNS, Expect(200, {"ref": WEBHOOK_REF, "url": POS_URL})),
        "reject_cart.json": Sample(SUBMITTED, Expect(204, cart={"status": "rejected"})),
    }


# ----- the local cloud's banner (local/cloud.py; tests/e2e/test_banner.py runs it as printed) ------

AUTHORIZATION = FACE.demo_headers["Authorization"]


def banner_notes(url: str) -> list[str]:
    return [f"POS (LOKE): Authorization: {AUTHORIZATION}"]


def walkthrough(url: str) -> list[str]:
    """The POS reads the cart an earlier face's lines submitted (``$ID``, BLAZE's)."""
    cart = f"{url}/organizations/{ORGANIZATION}/locations/main/cart/$ID"
    return [f"""curl -s -w '\\n' -H 'Authorization: {AUTHORIZATION}' "{cart}\""""]
