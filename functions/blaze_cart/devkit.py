"""BLAZE's part of the dev tools (``Face.devkit_module``): what the harness needs to exercise this
face. Dev-only: the face's app never imports it, and it imports the harness (local/, tests/) only
inside its functions, so the Lambda zip (all of functions/) carries it at no cost.

- fuzzing (local/fuzz_seed.py): ``fuzz_seed`` makes the records BLAZE's operations reach and
  ``fuzz_plan`` says which parameters draw them;
- isolation (tests/harness/test_isolation.py): ``isolation()``, the table of its matrices;
- sample events (local/make_events.py, local/samples.py): ``sample_requests()``,
  ``AUTHORIZER_CONTEXT``, ``AUTHORIZER_SAMPLE`` and ``samples()``;
- the local cloud's banner (local/cloud.py): ``walkthrough``.
"""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from blaze_cart.face import FACE

if TYPE_CHECKING:
    from local.fuzz_seed import Plan, Seeding
    from local.samples import Sample
    from tests.harness.faces import FaceIsolation

# ----- fuzzing -------------------------------------------------------------------------------

# The consumer the fuzz acts as when it sends a cuid from the dictionary; seeded carts are guests,
# which any cuid reaches, so a random cuid reaches them too.
CONSUMER = "fuzz-consumer"
# The item operations find the cart by the body's id or, without one, by the cuid's open cart: one
# consumer of their own, whose open cart no other operation changes, keeps the seeded line ids in it.
ITEMS_OWNER = "fuzz-item-owner"
PRODUCTS = ("demo-flower", "demo-edible", "demo-vape")


def fuzz_carts(seeding: Seeding, *pools: tuple[str, int, bool, str | None]) -> None:
    """Carts made through BLAZE (the face shoppers make carts with; LOKE's seed uses it too): per
    pool, ``count`` carts, submitted or not, a guest's or ``owner``'s open cart. Adds them to the
    dictionaries ``<pool>_cart``, ``any_cart``, ``public_key``, ``submitted_cart`` and ``line``."""
    blaze = seeding.api(FACE)

    def cart(pool: str, n: int, submit: bool, owner: str | None) -> dict[str, Any]:
        items = [{"productId": "demo-flower", "quantity": 1}, {"productId": "demo-edible", "quantity": 2}]
        if owner:  # the consumer's open cart
            made = blaze("POST", "/prepare", params={"cuid": owner}, json={"cart": {"items": items}})
        else:  # a guest's, which any cuid reaches
            body = {"sessionId": f"fuzz-{seeding.run}-{pool}-{n}", "cart": {"items": items}}
            made = blaze("POST", "/prepare", json=body)
        return blaze("POST", f"/submitCart/{made['id']}") if submit else made

    jobs = [(pool, n, submit, owner) for pool, count, submit, owner in pools for n in range(count)]
    # A few at a time (the carts are independent) keeps seeding short; results come back in job
    # order, so a dictionary's entries are in the same order every run (a fixed --seed replays).
    with ThreadPoolExecutor(max_workers=4) as executor:
        made = list(executor.map(lambda job: cart(*job), jobs))
    seeds = seeding.seeds
    for (pool, _, submit, _), record in zip(jobs, made, strict=True):
        seeds.add(f"{pool}_cart", record["id"])
        seeds.add("any_cart", record["id"])
        seeds.add("public_key", record["publicKey"])
        if submit:
            seeds.add("submitted_cart", record["id"])
        if pool == "items":
            seeds.add("line", *(line["id"] for line in record["cart"]["items"]))


def fuzz_seed(seeding: Seeding) -> None:
    from local.fuzz_seed import REUSABLE

    seeds = seeding.seeds
    seeds.add("consumer", CONSUMER)
    seeds.add("items_owner", ITEMS_OWNER)
    seeds.add("product", *PRODUCTS)
    seeds.add("quantity", 1, 2, 3)
    seeds.add("promo", "TENOFF")
    seeds.add("amount", 0, 10, 42)
    fuzz_carts(
        seeding,
        ("open", REUSABLE, False, None),  # update, payments, get
        ("submit", REUSABLE, False, None),  # submitCart (a repeat answers 200)
        ("claim", REUSABLE, False, None),  # setConsumerUser (the same consumer again answers 200)
        ("cancel", REUSABLE, True, None),  # consumer cancel (a repeat answers 200)
        ("items", 1, False, ITEMS_OWNER),  # item finalize/unfinalize, items/finalize
    )


def fuzz_plan() -> Plan:
    from local.fuzz_seed import VALUE_PROBABILITY, Binding

    return (
        (
            Binding("query.cuid", "consumer", 0.5),
            Binding("body.cart.items[*].productId", "product", VALUE_PROBABILITY),
            Binding("body.cart.items[*].quantity", "quantity", VALUE_PROBABILITY),
            Binding("body.cart.promoCode", "promo", 0.5),
            Binding("body.productId", "product", VALUE_PROBABILITY),
            Binding("body.quantity", "quantity", VALUE_PROBABILITY),
            Binding("body.paymentReceived", "amount", VALUE_PROBABILITY),
        ),
        {
            "GET /{consumerCartId}": (Binding("path.consumerCartId", "any_cart"),),
            "POST /updateCart/{consumerCartId}": (Binding("path.consumerCartId", "open_cart"),),
            "POST /{consumerCartId}/payments": (Binding("path.consumerCartId", "open_cart"),),
            "POST /submitCart/{consumerCartId}": (Binding("path.consumerCartId", "submit_cart"),),
            "DELETE /cancelCart/{consumerCartId}": (Binding("path.consumerCartId", "cancel_cart"),),
            "POST /{consumerCartId}/setConsumerUser/{consumerUserId}": (
                Binding("path.consumerCartId", "claim_cart"),
                Binding("path.consumerUserId", "consumer"),
            ),
            "GET /public/{publicKey}": (Binding("path.publicKey", "public_key"),),
            "POST /item/{orderItemId}/finalize": (
                Binding("query.cuid", "items_owner", 0.5),
                Binding("path.orderItemId", "line"),
                Binding("body.id", "items_cart"),
            ),
            "POST /item/{orderItemId}/unfinalize": (
                Binding("query.cuid", "items_owner", 0.5),
                Binding("path.orderItemId", "line"),
                Binding("body.id", "items_cart"),
            ),
            "POST /items/finalize": (Binding("query.cuid", "items_owner", 0.5), Binding("body.id", "items_cart")),
        },
    )


# ----- isolation (tests/harness/test_isolation.py; the table's shape: tests/harness/faces.py) ----

BASE = FACE.base_path
DEMO, ACME = dict(FACE.demo_headers), dict(FACE.acme_headers)


def call(api: Any, method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
    """One BLAZE call through the harness's in-process API, which must succeed."""
    response = api.request(method, BASE + path, headers, body)
    assert response.status < 300, (method, path, response.status, response.text)
    return response.json()


def consumer_cart(api: Any, headers: dict[str, str], cuid: str, marker: str) -> dict[str, str]:
    """``cuid``'s open cart with two lines, ``marker`` in a line's remarks and the memo."""
    items = [
        {"productId": "demo-flower", "quantity": 2, "remarks": marker},
        {"productId": "demo-edible", "quantity": 1},
    ]
    cart = call(api, "POST", f"/prepare?cuid={cuid}", headers, {"cart": {"items": items}, "memo": marker})
    return {
        "cart_id": cart["id"],
        "line_id": cart["cart"]["items"][0]["id"],
        "public_key": cart["publicKey"],
        "cuid": cuid,
        "marker": marker,
    }


def seed_tenant(api: Any) -> dict[str, str]:
    """Demo's consumer with an open cart (a line, a public key), and a product only demo sells."""
    from tests.harness.faces import marker

    records = consumer_cart(api, DEMO, f"y-{uuid.uuid4().hex[:8]}", marker("cart"))
    return {**records, "product_id": "demo-flower"}


def seed_consumers(api: Any) -> dict[str, str]:
    """Consumer Y: an open cart that was a guest cart (its sessionId claimed by Y's cuid), a line and
    a public key. Consumer X: a cuid, and a guest cart of its own (for setConsumerUser)."""
    from tests.harness.faces import marker

    victim, cart_marker, session = f"y-{uuid.uuid4().hex[:8]}", marker("cart"), f"s-{uuid.uuid4().hex[:8]}"
    guest = call(api, "GET", f"/active?sessionId={session}", DEMO)
    call(api, "POST", f"/{guest['id']}/setConsumerUser/{victim}?cuid={victim}", DEMO)
    records = consumer_cart(api, DEMO, victim, cart_marker)
    assert records["cart_id"] == guest["id"], "Y's open cart is the claimed guest cart"
    intruder_session = f"x-{uuid.uuid4().hex[:8]}"
    intruder_guest = call(api, "GET", f"/active?sessionId={intruder_session}", DEMO)
    return {
        **records,
        "claimed_session": session,
        "product_id": "demo-flower",
        "intruder_cuid": f"x-{uuid.uuid4().hex[:8]}",
        "intruder_guest_cart": intruder_guest["id"],
    }


def isolation() -> FaceIsolation:
    from tests.harness.faces import Body, FaceIsolation, Matrix, Side

    cart_body: Body = lambda r: {"id": r["cart_id"]}  # noqa: E731 - the finalize routes name the cart in the body
    return FaceIsolation(
        parameters={
            "consumerCartId": "cart_id",
            "orderItemId": "line_id",
            "publicKey": "public_key",
            "consumerUserId": "cuid",
        },
        bodies={
            ("POST", f"{BASE}/prepare"): lambda r: {"cart": {"items": [{"productId": "demo-vape", "quantity": 1}]}},
            ("POST", f"{BASE}/updateCart/{{consumerCartId}}"): lambda r: {"cart": {"items": []}, "memo": "changed"},
            ("POST", f"{BASE}/product/findCost"): lambda r: {"productId": r["product_id"], "quantity": 1},
            ("POST", f"{BASE}/item/{{orderItemId}}/finalize"): cart_body,
            ("POST", f"{BASE}/item/{{orderItemId}}/unfinalize"): cart_body,
            ("POST", f"{BASE}/items/finalize"): cart_body,
            ("POST", f"{BASE}/{{consumerCartId}}/payments"): lambda r: {"paymentOption": "Cash", "paymentReceived": 1},
        },
        tenant=Matrix(
            owner=Side(DEMO, lambda r: {"cuid": r["cuid"]}),
            # Acme's developer key, naming demo's consumer by the same cuid: a cuid never crosses tenants.
            intruder=Side(ACME, lambda r: {"cuid": r["cuid"]}),
            seed=seed_tenant,
            # /active and /history name no record: acme gets acme's own cart for that cuid.
            exceptions={
                ("POST", f"{BASE}/prepare"): ("denied", "the body names a product only demo sells"),
                ("POST", f"{BASE}/product/findCost"): ("denied", "the body names a product only demo sells"),
                ("POST", f"{BASE}/items/finalize"): ("denied", "the body names demo's cart"),
            },
        ),
        consumer=Matrix(
            owner=Side(DEMO, lambda r: {"cuid": r["cuid"]}),
            intruder=Side(DEMO, lambda r: {"cuid": r["intruder_cuid"]}),
            seed=seed_consumers,
            queries={
                # Y's former guest key, without a cuid: once claimed it must no longer reach Y's cart.
                ("GET", f"{BASE}/active"): lambda r: {"sessionId": r["claimed_session"], "cuid": ""},
                ("POST", f"{BASE}/prepare"): lambda r: {"cuid": ""},
            },
            bodies={
                ("POST", f"{BASE}/prepare"): lambda r: {
                    "sessionId": r["claimed_session"],
                    "cart": {"items": [{"productId": "demo-vape", "quantity": 1}]},
                },
            },
            overrides={
                # X's own guest cart merged into Y's account, with no proof of being Y.
                ("POST", f"{BASE}/{{consumerCartId}}/setConsumerUser/{{consumerUserId}}"): lambda r: {
                    "consumerCartId": r["intruder_guest_cart"],
                    "consumerUserId": r["cuid"],
                },
            },
            exceptions={
                # The public key is the shareable handle of a cart (BLAZE's public cart page): whoever
                # holds it reads the cart, by design; it still changes nothing.
                ("GET", f"{BASE}/public/{{publicKey}}"): ("allowed", "the public key is a read capability"),
                ("POST", f"{BASE}/items/finalize"): ("denied", "the body names Y's cart"),
            },
        ),
    )


# ----- sample events (events/blaze_cart/; local/make_events.py writes them, local/samples.py runs them) --

# What the authorizer adds to the request context for the demo keys.
AUTHORIZER_CONTEXT = {"principalId": "demo/main", "tenantId": "demo", "locationId": "main", "scheme": "blaze"}
# The request events/authorizer/blaze_request.json is made from (the authorizer's own sample).
AUTHORIZER_SAMPLE = "active"


def sample_requests() -> dict[str, tuple[str, str, Any]]:
    """events/blaze_cart/<name>.json → (method, path after the base path, body)."""
    from local.samples import PUBLIC_KEY, SAMPLE_CART, SAMPLE_LINE

    items = {"cart": {"items": [{"productId": "demo-flower", "quantity": 2}], "promoCode": "TENOFF"}}
    return {
        "history": ("GET", "/history?cuid=alice&start=0&limit=10", None),
        "active": ("GET", "/active?cuid=alice", None),
        "prepare": ("POST", "/prepare?cuid=alice", items),
        "find_cost": ("POST", "/product/findCost", {"productId": "demo-flower", "quantity": 2}),
        "public_cart": ("GET", f"/public/{PUBLIC_KEY}", None),
        "update_cart": ("POST", f"/updateCart/{SAMPLE_CART}?cuid=alice", items),
        "submit_cart": ("POST", f"/submitCart/{SAMPLE_CART}?cuid=alice", {"memo": "Ring the bell"}),
        "cancel_cart": ("DELETE", f"/cancelCart/{SAMPLE_CART}?cuid=alice", None),
        "finalize_item": ("POST", f"/item/{SAMPLE_LINE}/finalize?cuid=alice", {"id": SAMPLE_CART}),
        "unfinalize_item": ("POST", f"/item/{SAMPLE_LINE}/unfinalize?cuid=alice", {"id": SAMPLE_CART}),
        "finalize_all_items": ("POST", "/items/finalize?cuid=alice", {"id": SAMPLE_CART}),
        "get_cart": ("GET", f"/{SAMPLE_CART}?cuid=alice", None),
        "set_consumer_user": ("POST", f"/{SAMPLE_CART}/setConsumerUser/alice?cuid=alice", None),
        "add_payments": ("POST", f"/{SAMPLE_CART}/payments", {"paymentOption": "Cash", "paymentReceived": 30}),
    }


def samples() -> dict[str, Sample]:
    """events/blaze_cart/<file> → what it needs seeded and the answer it is named for."""
    from local.samples import (
        CONSUMER,
        FINALIZED,
        FIXTURE_ONLY,
        GUEST,
        ID,
        OPEN,
        PRODUCT,
        SAMPLE_CART,
        SAMPLE_LINE,
        SUBMITTED,
        Expect,
        Sample,
    )

    return {
        "active.json": Sample(OPEN, Expect(200, ID)),
        "add_payments.json": Sample(OPEN, Expect(200, {**ID, "cart.paymentOption": "Cash", "cart.cashReceived": 30})),
        "cancel_cart.json": Sample(
            SUBMITTED, Expect(200, {**ID, "cartStatus": "CanceledByConsumer"}, {"status": "canceled"})
        ),
        "finalize_all_items.json": Sample(OPEN, Expect(200, {**ID, "cart.items.0.finalized": True})),
        "finalize_item.json": Sample(
            OPEN, Expect(200, {**ID, "cart.items.0.orderItemId": SAMPLE_LINE, "cart.items.0.finalized": True})
        ),
        "find_cost.json": Sample(FIXTURE_ONLY, Expect(200, {"productId": PRODUCT, "cost": 25})),
        "get_cart.json": Sample(OPEN, Expect(200, {**ID, "consumerId": CONSUMER})),
        "history.json": Sample(SUBMITTED, Expect(200, {"total": 1, "values.0.id": SAMPLE_CART})),
        "prepare.json": Sample(OPEN, Expect(200, {**ID, "cart.promoCode": "TENOFF"})),
        "public_cart.json": Sample(OPEN, Expect(200, {**ID, "consumerUser.id": CONSUMER})),
        "set_consumer_user.json": Sample(GUEST, Expect(200, {**ID, "consumerId": CONSUMER})),
        "submit_cart.json": Sample(OPEN, Expect(200, ID, {"status": "submitted"})),
        "unfinalize_item.json": Sample(
            FINALIZED, Expect(200, {**ID, "cart.items.0.orderItemId": SAMPLE_LINE, "cart.items.0.finalized": False})
        ),
        "update_cart.json": Sample(OPEN, Expect(200, {**ID, "cart.promoCode": "TENOFF"})),
    }


# ----- the local cloud's banner (local/cloud.py; tests/e2e/test_banner.py runs it as printed) ------


def walkthrough(url: str) -> list[str]:
    """Shell lines: open alice's cart, submit it, list her history. Sets ``$ID`` (the cart) for later faces."""
    headers = {**FACE.demo_headers, "Content-Type": "application/json"}
    body = json.dumps({"cart": {"items": [{"productId": "demo-flower", "quantity": 2}], "promoCode": "TENOFF"}})
    read_id = "python3 -c 'import json,sys; print(json.load(sys.stdin)[\"id\"])'"
    return [
        "H=(" + " ".join(f"-H '{name}: {value}'" for name, value in headers.items()) + ")",
        f"B={url}{FACE.base_path}",
        """curl -s -w '\\n' "${H[@]}" "$B/active?cuid=alice\"""",
        f"""ID=$(curl -s "${{H[@]}}" "$B/prepare?cuid=alice" -d '{body}' | {read_id}); echo "cart $ID\"""",
        """curl -s -w '\\n' "${H[@]}" -X POST "$B/submitCart/$ID?cuid=alice\"""",
        """curl -s -w '\\n' "${H[@]}" "$B/history?cuid=alice\"""",
    ]
