"""The one table a new face extends to join the isolation matrices (tests/harness/test_isolation.py),
by the face's name in the face registry (cart_core.faces).

The matrices take every route × method of a face from template.yaml; this table only says, per
face, whose credentials play owner and intruder, how to seed the owner's records, and which record
names each path parameter. A face in template.yaml without an entry here fails its matrix cells.

Per face (``FaceIsolation``):
- ``parameters``: path parameter → key of the seeded records that names it;
- ``bodies``: a JSON body per route, built from the records, for routes that need one to get past
  request validation (a 400 would prove nothing about isolation);
- ``tenant``: the matrix where demo owns the records and acme names them;
- ``consumer``: the matrix where, in one tenant, consumer Y owns a cart and consumer X names it;
  ``None`` for a face without consumers (say why).

Per matrix (``Matrix``), what a cell expects:
- "denied" (the face's 404, as if the record did not exist, nothing of the victim's in the body, nothing of the victim's
  changed) by default when a path parameter names one of the victim's records;
- "unaffected" (200, acting on the caller's own records, nothing of the victim's returned or changed)
  by default when none does;
- ``exceptions``: route → (expectation, reason) where the default is wrong: a body that names the
  victim's record ("denied"), or a route that answers the victim's data by design ("allowed", 200);
- ``known_defects``: route → reason, for cells failing today because of a defect another change is
  fixing; they run as xfail(strict=True), so they turn into failures once it is fixed (then delete them).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cart_core.faces import by_name
from local.fixture import ACME_BLAZE_HEADERS, ACME_POS_HEADERS, DEMO_BLAZE_HEADERS, DEMO_POS_HEADERS

BLAZE = by_name("blaze").base_path
Records = dict[str, str]
Body = Callable[[Records], Any]
Seed = Callable[[Any], Records]  # (InProcessApi) -> records naming what was seeded


@dataclass(frozen=True)
class Side:
    """One caller: credentials, and the query parameters it always sends (e.g. its cuid)."""

    headers: dict[str, str]
    query: Callable[[Records], dict[str, str]] = lambda records: {}


@dataclass(frozen=True)
class Matrix:
    owner: Side
    intruder: Side
    seed: Seed
    # Path parameters that name the caller's own tenant (LOKE's organizationId): the matrix tries
    # both the victim's values and the intruder's own, so a record is looked up under either tenant.
    own_tenant_parameters: dict[str, str] = field(default_factory=dict)
    # Per route, extra query parameters (identity keys such as a claimed sessionId), from the records.
    queries: dict[tuple[str, str], Callable[[Records], dict[str, str]]] = field(default_factory=dict)
    # Per route, path parameters named from something other than the victim's records.
    overrides: dict[tuple[str, str], Callable[[Records], Records]] = field(default_factory=dict)
    # Per route, a body replacing the face's one for this matrix.
    bodies: dict[tuple[str, str], Body] = field(default_factory=dict)
    # (method, path) or (method, path, variant) → (expectation, reason)
    exceptions: dict[tuple[str, ...], tuple[str, str]] = field(default_factory=dict)
    known_defects: dict[tuple[str, str], str] = field(default_factory=dict)


@dataclass(frozen=True)
class FaceIsolation:
    parameters: dict[str, str]
    bodies: dict[tuple[str, str], Body]
    tenant: Matrix
    consumer: Matrix | None
    # What a refusal looks like on this face: the record does not exist for the intruder (404), never
    # a 401/403 that would confirm it exists.
    denied_status: int = 404


def _marker(kind: str) -> str:
    """A string that appears only in the victim's data, to spot it in an intruder's response."""
    return f"victim-{kind}-{uuid.uuid4().hex[:12]}"


# ----- BLAZE ---------------------------------------------------------------------------------


def _blaze(api: Any, method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
    response = api.request(method, BLAZE + path, headers, body)
    assert response.status < 300, (method, path, response.status, response.text)
    return response.json()


def _blaze_consumer_cart(api: Any, headers: dict[str, str], cuid: str, marker: str) -> Records:
    items = [
        {"productId": "demo-flower", "quantity": 2, "remarks": marker},
        {"productId": "demo-edible", "quantity": 1},
    ]
    cart = _blaze(api, "POST", f"/prepare?cuid={cuid}", headers, {"cart": {"items": items}, "memo": marker})
    return {
        "cart_id": cart["id"],
        "line_id": cart["cart"]["items"][0]["id"],
        "public_key": cart["publicKey"],
        "cuid": cuid,
        "marker": marker,
    }


def seed_blaze_tenant(api: Any) -> Records:
    """Demo's consumer with an open cart (a line, a public key), and a product only demo sells."""
    records = _blaze_consumer_cart(api, DEMO_BLAZE_HEADERS, f"y-{uuid.uuid4().hex[:8]}", _marker("cart"))
    return {**records, "product_id": "demo-flower"}


def seed_blaze_consumers(api: Any) -> Records:
    """Consumer Y: an open cart that was a guest cart (its sessionId claimed by Y's cuid), a line and
    a public key. Consumer X: a cuid, and a guest cart of its own (for setConsumerUser)."""
    victim, marker, session = f"y-{uuid.uuid4().hex[:8]}", _marker("cart"), f"s-{uuid.uuid4().hex[:8]}"
    guest = _blaze(api, "GET", f"/active?sessionId={session}", DEMO_BLAZE_HEADERS)
    _blaze(api, "POST", f"/{guest['id']}/setConsumerUser/{victim}?cuid={victim}", DEMO_BLAZE_HEADERS)
    records = _blaze_consumer_cart(api, DEMO_BLAZE_HEADERS, victim, marker)
    assert records["cart_id"] == guest["id"], "Y's open cart is the claimed guest cart"
    intruder_session = f"x-{uuid.uuid4().hex[:8]}"
    intruder_guest = _blaze(api, "GET", f"/active?sessionId={intruder_session}", DEMO_BLAZE_HEADERS)
    return {
        **records,
        "claimed_session": session,
        "product_id": "demo-flower",
        "intruder_cuid": f"x-{uuid.uuid4().hex[:8]}",
        "intruder_guest_cart": intruder_guest["id"],
    }


_CART_BODY: Body = lambda r: {"id": r["cart_id"]}  # noqa: E731 - the finalize routes name the cart in the body

BLAZE_ISOLATION = FaceIsolation(
    parameters={
        "consumerCartId": "cart_id",
        "orderItemId": "line_id",
        "publicKey": "public_key",
        "consumerUserId": "cuid",
    },
    bodies={
        ("POST", f"{BLAZE}/prepare"): lambda r: {"cart": {"items": [{"productId": "demo-vape", "quantity": 1}]}},
        ("POST", f"{BLAZE}/updateCart/{{consumerCartId}}"): lambda r: {"cart": {"items": []}, "memo": "changed"},
        ("POST", f"{BLAZE}/product/findCost"): lambda r: {"productId": r["product_id"], "quantity": 1},
        ("POST", f"{BLAZE}/item/{{orderItemId}}/finalize"): _CART_BODY,
        ("POST", f"{BLAZE}/item/{{orderItemId}}/unfinalize"): _CART_BODY,
        ("POST", f"{BLAZE}/items/finalize"): _CART_BODY,
        ("POST", f"{BLAZE}/{{consumerCartId}}/payments"): lambda r: {"paymentOption": "Cash", "paymentReceived": 1},
    },
    tenant=Matrix(
        owner=Side(DEMO_BLAZE_HEADERS, lambda r: {"cuid": r["cuid"]}),
        # Acme's developer key, naming demo's consumer by the same cuid: a cuid never crosses tenants.
        intruder=Side(ACME_BLAZE_HEADERS, lambda r: {"cuid": r["cuid"]}),
        seed=seed_blaze_tenant,
        # /active and /history name no record: acme gets acme's own cart for that cuid.
        exceptions={
            ("POST", f"{BLAZE}/prepare"): ("denied", "the body names a product only demo sells"),
            ("POST", f"{BLAZE}/product/findCost"): ("denied", "the body names a product only demo sells"),
            ("POST", f"{BLAZE}/items/finalize"): ("denied", "the body names demo's cart"),
        },
    ),
    consumer=Matrix(
        owner=Side(DEMO_BLAZE_HEADERS, lambda r: {"cuid": r["cuid"]}),
        intruder=Side(DEMO_BLAZE_HEADERS, lambda r: {"cuid": r["intruder_cuid"]}),
        seed=seed_blaze_consumers,
        queries={
            # Y's former guest key, without a cuid: once claimed it must no longer reach Y's cart.
            ("GET", f"{BLAZE}/active"): lambda r: {"sessionId": r["claimed_session"], "cuid": ""},
            ("POST", f"{BLAZE}/prepare"): lambda r: {"cuid": ""},
        },
        bodies={
            ("POST", f"{BLAZE}/prepare"): lambda r: {
                "sessionId": r["claimed_session"],
                "cart": {"items": [{"productId": "demo-vape", "quantity": 1}]},
            },
        },
        overrides={
            # X's own guest cart merged into Y's account, with no proof of being Y.
            ("POST", f"{BLAZE}/{{consumerCartId}}/setConsumerUser/{{consumerUserId}}"): lambda r: {
                "consumerCartId": r["intruder_guest_cart"],
                "consumerUserId": r["cuid"],
            },
        },
        exceptions={
            # The public key is the shareable handle of a cart (BLAZE's public cart page): whoever
            # holds it reads the cart, by design; it still changes nothing.
            ("GET", f"{BLAZE}/public/{{publicKey}}"): ("allowed", "the public key is a read capability"),
            ("POST", f"{BLAZE}/items/finalize"): ("denied", "the body names Y's cart"),
        },
    ),
)
# ----- LOKE ----------------------------------------------------------------------------------


def seed_loke_tenant(api: Any) -> Records:
    """Demo's submitted cart (what a POS sees) and a webhook subscription of demo's."""
    records = _blaze_consumer_cart(api, DEMO_BLAZE_HEADERS, f"y-{uuid.uuid4().hex[:8]}", _marker("cart"))
    _blaze(api, "POST", f"/submitCart/{records['cart_id']}?cuid={records['cuid']}", DEMO_BLAZE_HEADERS)
    ref, secret = f"hook-{uuid.uuid4().hex[:8]}", _marker("secret")
    body = {"url": f"http://127.0.0.1:9/{_marker('host')}/hooks", "secret": secret, "events": ["cart.created"]}
    response = api.request("PUT", f"/organizations/demo/webhooks/{ref}", DEMO_POS_HEADERS, body)
    assert response.status == 200, response.text
    return {**records, "organization": "demo", "location": "main", "webhook_ref": ref, "secret": secret}


LOKE_ISOLATION = FaceIsolation(
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
        owner=Side(DEMO_POS_HEADERS),
        intruder=Side(ACME_POS_HEADERS),
        seed=seed_loke_tenant,
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

# By face name (cart_core.faces); ISOLATION is keyed by the face's function, as template.yaml routes.
_BY_NAME: dict[str, FaceIsolation] = {"blaze": BLAZE_ISOLATION, "loke": LOKE_ISOLATION}
ISOLATION: dict[str, FaceIsolation] = {by_name(name).function: face for name, face in _BY_NAME.items()}
