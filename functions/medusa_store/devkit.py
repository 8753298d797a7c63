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


def _wire_line_id(key: str) -> str:
    from medusa_store.mapping import wire_line_id

    return wire_line_id(key)


def _wire_order_id(key: str) -> str:
    from cart_core.ids import InternalId
    from medusa_store.mapping import ORDER_IDS

    return ORDER_IDS.encode(InternalId.from_key(key))


# ----- fuzzing -------------------------------------------------------------------------------


# The carts the fuzz's operations reach, made through Medusa itself (guest carts: any storefront
# holding the id reaches them). Pools per state, so one operation cannot use up another's records.
PROVIDERS = ("manual", "test-card")


def _cart(seeding: Seeding, lines: int = 1) -> dict[str, Any]:
    store = seeding.api(FACE)
    items = [{"variant_id": PRODUCTS[n % len(PRODUCTS)], "quantity": 1} for n in range(lines)]
    return store("POST", "/carts", json={"items": items} if items else {})["cart"]


def _with_sessions(seeding: Seeding, cart: dict[str, Any], select: str | None = None) -> None:
    store = seeding.api(FACE)
    store("POST", f"/carts/{cart['id']}", json={"email": f"fuzz-{seeding.run}@example.com"})
    store("POST", f"/carts/{cart['id']}/payment-sessions", json={})
    if select:
        store("POST", f"/carts/{cart['id']}/payment-session", json={"provider_id": select})


def fuzz_seed(seeding: Seeding) -> None:
    from local.fuzz_seed import REUSABLE

    seeds = seeding.seeds
    seeds.add("variant", *PRODUCTS)
    seeds.add("quantity", 1, 2, 3)
    seeds.add("provider", *PROVIDERS)
    seeds.add("code", "TENOFF")
    for _ in range(REUSABLE):
        seeds.add("open_cart", _cart(seeding)["id"])
        lines = _cart(seeding, lines=2)
        seeds.add("lines_cart", lines["id"])
        seeds.add("line", *(item["id"] for item in lines["items"]))
        sessions = _cart(seeding)
        _with_sessions(seeding, sessions)
        seeds.add("session_cart", sessions["id"])
        complete = _cart(seeding)
        _with_sessions(seeding, complete, select="manual")
        seeds.add("complete_cart", complete["id"])
    for _ in range(REUSABLE):  # orders: carts completed already (a repeat complete answers 200 too)
        done = _cart(seeding)
        _with_sessions(seeding, done, select="manual")
        order = seeding.api(FACE)("POST", f"/carts/{done['id']}/complete", json={})["data"]
        seeds.add("order", order["id"])
        seeds.add("complete_cart", done["id"])
    from local.fixture import PROD_GIFT, PROD_MUG, PROD_TEE, REG_EU, REG_US, SO_US_STANDARD

    # The demo storefront's records (local/fixture.py): its products, regions and an option the
    # seeded carts may choose.
    seeds.add("medusa_product", PROD_TEE, PROD_MUG, PROD_GIFT)
    seeds.add("medusa_region", REG_US, REG_EU)
    seeds.add("medusa_option", SO_US_STANDARD)
    _fuzz_customer(seeding)


FUZZ_PASSWORD = "fuzz customer's password"  # noqa: S105 (a fuzz run's own customer)


def _fuzz_customer(seeding: Seeding) -> None:
    """A customer registered through the cloud's API, its credentials for the login routes and a
    Bearer token for the routes that need a signed-in customer (without them those answer 401 only)."""
    api = seeding.api(FACE)
    email = f"fuzz-{seeding.run}@example.com"
    api("POST", "/customers", json={"email": email, "password": FUZZ_PASSWORD})
    token = api("POST", "/auth/token", json={"email": email, "password": FUZZ_PASSWORD})["access_token"]
    seeding.seeds.add("medusa_email", email)
    seeding.seeds.add("medusa_password", FUZZ_PASSWORD)
    seeding.seeds.add("medusa_bearer", f"Bearer {token}")
    address = {"first_name": "F", "last_name": "Z", "address_1": "1 Fuzz St", "city": "Fz", "country_code": "us",
               "postal_code": "10001"}  # fmt: skip
    signed = type(api)(api.base, {**api.headers, "Authorization": f"Bearer {token}"})
    added = signed("POST", "/customers/me/addresses", json={"address": address})["customer"]
    seeding.seeds.add("medusa_address", *(a["id"] for a in added["shipping_addresses"]))


def fuzz_plan() -> Plan:
    from local.fuzz_seed import VALUE_PROBABILITY, Binding

    cart = "path.id"
    login = (Binding("body.email", "medusa_email", 0.8), Binding("body.password", "medusa_password", 0.8))
    signed_in = (Binding("header.authorization", "medusa_bearer", 0.8),)
    return (
        (
            Binding("body.items[*].variant_id", "variant", VALUE_PROBABILITY),
            Binding("body.items[*].quantity", "quantity", VALUE_PROBABILITY),
            Binding("body.variant_id", "variant", VALUE_PROBABILITY),
            Binding("body.quantity", "quantity", VALUE_PROBABILITY),
            Binding("body.provider_id", "provider", VALUE_PROBABILITY),
        ),
        {
            "GET /carts/{id}": (Binding(cart, "open_cart"),),
            "POST /carts/{id}": (Binding(cart, "open_cart"),),
            "POST /carts/{id}/taxes": (Binding(cart, "open_cart"),),
            "POST /carts/{id}/line-items": (Binding(cart, "open_cart"),),
            "POST /carts/{id}/payment-sessions": (Binding(cart, "open_cart"),),
            "DELETE /carts/{id}/discounts/{code}": (Binding(cart, "open_cart"), Binding("path.code", "code")),
            "POST /carts/{id}/line-items/{line_id}": (
                Binding(cart, "lines_cart"),
                Binding("path.line_id", "line"),
            ),
            "DELETE /carts/{id}/line-items/{line_id}": (
                Binding(cart, "lines_cart"),
                Binding("path.line_id", "line"),
            ),
            "POST /carts/{id}/payment-session": (Binding(cart, "session_cart"),),
            "POST /carts/{id}/payment-sessions/{provider_id}": (
                Binding(cart, "session_cart"),
                Binding("path.provider_id", "provider"),
            ),
            "DELETE /carts/{id}/payment-sessions/{provider_id}": (
                Binding(cart, "session_cart"),
                Binding("path.provider_id", "provider"),
            ),
            "POST /carts/{id}/payment-sessions/{provider_id}/refresh": (
                Binding(cart, "session_cart"),
                Binding("path.provider_id", "provider"),
            ),
            "POST /carts/{id}/complete": (Binding(cart, "complete_cart"),),
            "POST /carts/{id}/complete-cart": (Binding(cart, "complete_cart"),),
            "GET /orders/{id}": (Binding(cart, "order"),),
            # Catalog (routes/catalog.py): a cart's shipping options and method.
            "GET /shipping-options/{cart_id}": (Binding("path.cart_id", "open_cart"),),
            "POST /carts/{id}/shipping-methods": (
                Binding(cart, "open_cart"),
                Binding("body.option_id", "medusa_option"),
            ),
            "GET /products/{product_id}": (Binding("path.product_id", "medusa_product"),),
            "GET /regions/{region_id}": (Binding("path.region_id", "medusa_region"),),
            "POST /auth": login,
            "POST /auth/token": login,
            "GET /auth": signed_in,
            "GET /customers/me": signed_in,
            "GET /customers/me/orders": signed_in,
            "POST /customers/me": signed_in,
            "GET /customers/me/payment-methods": signed_in,
            "POST /customers/me/addresses": signed_in,
            "POST /customers/me/addresses/{address_id}": (*signed_in, Binding("path.address_id", "medusa_address")),
            "DELETE /customers/me/addresses/{address_id}": (*signed_in, Binding("path.address_id", "medusa_address")),
            "POST /customers/password-token": (login[0],),
            "POST /customers/password-reset": (login[0],),
        },
    )


# ----- isolation (tests/harness/test_isolation.py; the table's shape: tests/harness/faces.py) ----


def call(api: Any, method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
    """One Medusa call through the harness's in-process API, which must succeed."""
    response = api.request(method, BASE + path, headers, body if body is not None else {})
    assert response.status < 300, (method, path, response.status, response.text)
    return response.json()


def seed_tenant(api: Any) -> dict[str, str]:
    """Demo's guest cart with a line, an email and payment sessions (marked, to spot it in an
    intruder's answer), and a completed one (its order)."""
    from local.fixture import PROD_TEE, REG_US
    from tests.harness.faces import marker

    def cart(complete: bool) -> dict[str, Any]:
        made = call(api, "POST", "/carts", DEMO, {"items": [{"variant_id": "demo-flower", "quantity": 2}]})["cart"]
        path = f"/carts/{made['id']}"
        call(api, "POST", path, DEMO, {"email": f"{marker('email')}@example.com", "context": {"note": marker("cart")}})
        call(api, "POST", f"{path}/payment-sessions", DEMO)
        call(api, "POST", f"{path}/payment-session", DEMO, {"provider_id": "manual"})
        if complete:
            return call(api, "POST", f"{path}/complete", DEMO)["data"]
        return call(api, "GET", path, DEMO)["cart"]

    open_cart, order = cart(False), cart(True)
    return {
        "cart_id": open_cart["id"],
        "line_id": open_cart["items"][0]["id"],
        "provider": "manual",
        "code": "TENOFF",
        "order_id": order["id"],
        # The storefront's region and product (demo's fixture) are the victim's records too.
        "region_id": REG_US,
        "product_id": PROD_TEE,
    }


# The intruder (acme) is signed in as its own customer through a session with this fixed id, so the
# routes that need a customer answer for the intruder's own (its cookie is static, as Side's headers).
INTRUDER_SESSION = "isolation-intruder-session-00000"
INTRUDER_PASSWORD = "intruder's password"  # noqa: S105 (a test customer's)
INTRUDER_ADDRESS = {"first_name": "I", "last_name": "N", "address_1": "1 Intruder Way", "city": "I",
                    "country_code": "us", "postal_code": "10001"}  # fmt: skip


def _session_cookie(session_id: str) -> str:
    from urllib.parse import quote

    from cart_core.auth_tokens import sign_value
    from local.resources import dev_secret

    return "connect.sid=" + quote("s:" + sign_value(session_id, dev_secret("SessionCookieSecret")), safe="")


def seed_tenant_with_customers(api: Any) -> dict[str, str]:
    """The guest cart, a customer of the victim (demo) whose e-mail carries the marker, and the
    intruder's own customer in acme, signed in with ``INTRUDER_SESSION``."""
    import uuid

    from cart_core.actors import Actor
    from cart_core.customers import SessionRecord
    from cart_core.ports import Claim, Key
    from cart_core.runtime import use_cases
    from cart_core.tenancy import Caller
    from cart_core.usecases.customers import SESSION_TTL_SECONDS, NewCustomer
    from tests.harness.faces import marker

    records = seed_tenant(api)
    victim_email = f"{marker('customer')}@example.com"
    registered = api.request(
        "POST", BASE + "/customers", DEMO, {"email": victim_email, "password": "victim's password"}
    )
    assert registered.status == 200, registered.text
    # The victim's saved address (its name carries the marker), reached with the victim's session.
    victim = {**DEMO, "Cookie": (registered.headers.get("Set-Cookie") or "").split(";")[0]}
    address = {"first_name": marker("address"), "last_name": "V", "address_1": "1 Victim Row", "city": "V",
               "country_code": "us", "postal_code": "10001"}  # fmt: skip
    book = call(api, "POST", "/customers/me/addresses", victim, {"address": address})["customer"]
    intruder_email = f"intruder-{uuid.uuid4().hex[:8]}@example.com"
    acme = Caller(tenant_id="acme", location_id="main", actor=Actor.partner())
    customers = use_cases().customers
    intruder = customers.register(acme, NewCustomer(email=intruder_email, password=INTRUDER_PASSWORD))
    session = SessionRecord(
        session_id=INTRUDER_SESSION,
        customer_id=intruder.customer_id,
        expires_at=int(customers._clock()) + SESSION_TTL_SECONDS,
    )
    customers._uow.store.write(
        [Claim(Key.session("acme", INTRUDER_SESSION), intruder.customer_id, expires_with=session)]
    )
    return {
        **records,
        "email": victim_email,
        "intruder_email": intruder_email,
        "address_id": book["shipping_addresses"][0]["id"],
    }


def isolation() -> FaceIsolation:
    from local.fixture import SO_US_STANDARD
    from tests.harness.faces import FaceIsolation, Matrix, Side

    carts = f"{BASE}/carts/{{id}}"
    return FaceIsolation(
        parameters={
            "id": "cart_id",
            "cart_id": "cart_id",
            "line_id": "line_id",
            "provider_id": "provider",
            "code": "code",
            "region_id": "region_id",
            "product_id": "product_id",
            "email": "email",
            "address_id": "address_id",
        },
        bodies={
            ("POST", f"{BASE}/auth"): lambda r: {"email": r["intruder_email"], "password": INTRUDER_PASSWORD},
            ("POST", f"{BASE}/auth/token"): lambda r: {"email": r["intruder_email"], "password": INTRUDER_PASSWORD},
            ("POST", f"{BASE}/customers"): lambda r: {"email": f"new-{r['intruder_email']}", "password": "pw"},
            ("POST", f"{carts}/line-items"): lambda r: {"variant_id": "demo-flower", "quantity": 1},
            ("POST", f"{carts}/line-items/{{line_id}}"): lambda r: {"quantity": 3},
            ("POST", f"{carts}/payment-session"): lambda r: {"provider_id": "manual"},
            ("POST", f"{carts}/payment-sessions/{{provider_id}}"): lambda r: {"data": {"token": "tok_visa"}},
            ("POST", carts): lambda r: {"email": "intruder@example.com"},
            ("POST", f"{carts}/shipping-methods"): lambda r: {"option_id": SO_US_STANDARD},
            ("POST", f"{BASE}/customers/me"): lambda r: {"first_name": "Intruder", "billing_address": r["address_id"]},
            ("POST", f"{BASE}/customers/me/addresses"): lambda r: {"address": INTRUDER_ADDRESS},
            ("POST", f"{BASE}/customers/me/addresses/{{address_id}}"): lambda r: {"city": "Intruded"},
            ("POST", f"{BASE}/customers/password-token"): lambda r: {"email": r["email"]},
            ("POST", f"{BASE}/customers/password-reset"): lambda r: {
                "email": r["email"],
                "token": "guessed",
                "password": "taken over",
            },
        },
        tenant=Matrix(
            # The publishable keys name each tenant's store (the stage's default is demo's).
            owner=Side(DEMO),
            # The intruder is signed in as its own acme customer (INTRUDER_SESSION).
            intruder=Side({**ACME, "Cookie": _session_cookie(INTRUDER_SESSION)}),
            seed=seed_tenant_with_customers,
            overrides={("GET", f"{BASE}/orders/{{id}}"): lambda r: {"id": r["order_id"]}},
            statuses={
                # Medusa's answers for an address that is not the customer's: 400 "Could not find
                # address for customer" on update, a silent no-op (200, the caller's own customer)
                # on delete; and a billing address named by another's id is its 404.
                ("POST", f"{BASE}/customers/me/addresses/{{address_id}}"): 400,
                ("DELETE", f"{BASE}/customers/me/addresses/{{address_id}}"): 200,
                ("POST", f"{BASE}/customers/me"): 404,
                # Always 204 (no account enumeration), and a guessed token is Medusa's 401.
                ("POST", f"{BASE}/customers/password-token"): 204,
                ("POST", f"{BASE}/customers/password-reset"): 401,
            },
            exceptions={
                ("GET", f"{BASE}/auth/{{email}}"): (
                    "unaffected",
                    "always 200 {exists}: false, the victim's e-mail has no account in the intruder's store",
                ),
            },
        ),
        # Medusa's customers come with medusa_auth's routes (session, JWT); until then every caller
        # is a guest shopper, and a guest cart is reached by its id, as in Medusa.
        consumer=None,
    )


# ----- sample events (events/medusa_store/; local/make_events.py writes them, local/samples.py runs them) --

# The routes are public: no authorizer adds anything to the request context.
AUTHORIZER_CONTEXT: dict[str, str] = {}


def sample_requests() -> dict[str, tuple[Any, ...]]:
    """events/medusa_store/<name>.json → (method, path after the base path, body)."""
    from local.samples import SAMPLE_CART, SAMPLE_LINE

    cart = f"/carts/{_wire_cart_id(SAMPLE_CART)}"
    line = _wire_line_id(SAMPLE_LINE)
    return {
        "create_cart": ("POST", "/carts", {"items": [{"variant_id": "demo-flower", "quantity": 2}]}),
        "get_cart": ("GET", cart, None),
        "update_cart": ("POST", cart, {"email": "alice@example.com", "discounts": [{"code": "TENOFF"}]}),
        "add_line_item": ("POST", f"{cart}/line-items", {"variant_id": "demo-edible", "quantity": 1}),
        "update_line_item": ("POST", f"{cart}/line-items/{line}", {"quantity": 3}),
        "delete_line_item": ("DELETE", f"{cart}/line-items/{line}", {}),
        "calculate_taxes": ("POST", f"{cart}/taxes", {}),
        "create_payment_sessions": ("POST", f"{cart}/payment-sessions", {}),
        "select_payment_session": ("POST", f"{cart}/payment-session", {"provider_id": "manual"}),
        "update_payment_session": ("POST", f"{cart}/payment-sessions/manual", {"data": {"note": "ring twice"}}),
        "delete_payment_session": ("DELETE", f"{cart}/payment-sessions/manual", {}),
        "refresh_payment_session": ("POST", f"{cart}/payment-sessions/manual/refresh", {}),
        "delete_discount": ("DELETE", f"{cart}/discounts/TENOFF", {}),
        "complete_cart": ("POST", f"{cart}/complete", {}),
        "complete_cart_deprecated": ("POST", f"{cart}/complete-cart", {}),
        "get_order": ("GET", f"/orders/{_wire_order_id(SAMPLE_CART)}", None),
        **_catalog_requests(_wire_cart_id(SAMPLE_CART)),
        **_auth_sample_requests(),
    }


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


def _shopper() -> Any:
    from cart_core.actors import Actor, ActorKind
    from cart_core.tenancy import Caller
    from local.samples import LOCATION, TENANT

    return Caller(tenant_id=TENANT, location_id=LOCATION, actor=Actor(kind=ActorKind.SHOPPER))


def _sessions(seeding: Any, select: bool = False, discount: bool = False) -> None:
    """The guest sample cart with an email, payment sessions (manual selected) and maybe TENOFF."""
    from cart_core.usecases.carts import CartEdits
    from local.samples import SAMPLE_CART, guest_cart

    guest_cart(seeding)
    edits = CartEdits(email="guest@example.com", discount_codes=["TENOFF"] if discount else None)
    seeding.cases.carts.update(_shopper(), SAMPLE_CART, edits)
    seeding.cases.payments.init_payment_sessions(_shopper(), SAMPLE_CART)
    if select:
        seeding.cases.payments.select_payment_session(_shopper(), SAMPLE_CART, "manual")


def _completed(seeding: Any) -> None:
    from local.samples import SAMPLE_CART

    _sessions(seeding, select=True)
    seeding.cases.checkout.complete(_shopper(), SAMPLE_CART)


def samples() -> dict[str, Sample]:
    """events/medusa_store/<file> → what it needs seeded and the answer it is named for."""
    from local.fixture import PROD_TEE, REG_US, SO_US_STANDARD
    from local.samples import FIXTURE_ONLY, GUEST, SAMPLE_CART, SAMPLE_LINE, Expect, Sample, Scenario

    cart = _wire_cart_id(SAMPLE_CART)
    line = _wire_line_id(SAMPLE_LINE)
    guest = "a guest's open cart (2 x demo-flower)"
    sessions = Scenario(f"{guest}, an email, payment sessions", lambda s: _sessions(s))
    selected = Scenario(f"{guest}, an email, the manual session selected", lambda s: _sessions(s, select=True))
    discounted = Scenario(f"{guest} with TENOFF", lambda s: _sessions(s, discount=True))
    completed = Scenario(f"{guest}, completed with the manual session (an order)", _completed)
    id_ = {"cart.id": cart}
    return {
        "create_cart.json": Sample(FIXTURE_ONLY, Expect(200, {"cart.items.0.quantity": 2, "cart.subtotal": 2500})),
        "get_cart.json": Sample(GUEST, Expect(200, {**id_, "cart.items.0.quantity": 2})),
        "update_cart.json": Sample(
            GUEST, Expect(200, {**id_, "cart.email": "alice@example.com", "cart.discounts.0.code": "TENOFF"})
        ),
        "add_line_item.json": Sample(GUEST, Expect(200, {**id_, "cart.items.1.variant_id": "demo-edible"})),
        "update_line_item.json": Sample(GUEST, Expect(200, {"cart.items.0.id": line, "cart.items.0.quantity": 3})),
        "delete_line_item.json": Sample(GUEST, Expect(200, {**id_, "cart.items": []})),
        "calculate_taxes.json": Sample(GUEST, Expect(200, {**id_, "cart.subtotal": 2500})),
        "create_payment_sessions.json": Sample(
            GUEST, Expect(200, {**id_, "cart.payment_sessions.0.status": "pending"})
        ),
        "select_payment_session.json": Sample(sessions, Expect(200, {"cart.payment_session.provider_id": "manual"})),
        "update_payment_session.json": Sample(selected, Expect(200, {"cart.payment_session.data.note": "ring twice"})),
        "delete_payment_session.json": Sample(
            selected, Expect(200, {**id_, "cart.payment_sessions.0.provider_id": "test-card"})
        ),
        "refresh_payment_session.json": Sample(
            selected, Expect(200, {**id_, "cart.payment_sessions.0.is_selected": None})
        ),
        "delete_discount.json": Sample(discounted, Expect(200, {**id_, "cart.discounts": []})),
        "complete_cart.json": Sample(
            selected, Expect(200, {"type": "order", "data.cart_id": cart}, {"status": "submitted"})
        ),
        "complete_cart_deprecated.json": Sample(
            selected, Expect(200, {"type": "order", "data.cart_id": cart}, {"status": "submitted"})
        ),
        "get_order.json": Sample(completed, Expect(200, {"order.cart_id": cart, "order.status": "pending"})),
        # Catalog (routes/catalog.py)
        "list_regions.json": Sample(FIXTURE_ONLY, Expect(200, {"count": 3})),
        "get_region.json": Sample(FIXTURE_ONLY, Expect(200, {"region.id": REG_US, "region.currency_code": "usd"})),
        "list_products.json": Sample(
            FIXTURE_ONLY, Expect(200, {"count": 3, "products.0.variants.0.prices.1.currency_code": "eur"})
        ),
        "get_product.json": Sample(
            FIXTURE_ONLY, Expect(200, {"product.id": PROD_TEE, "product.variants.0.calculated_price": 2000})
        ),
        "cart_shipping_options.json": Sample(GUEST, Expect(200, {"shipping_options.0.id": SO_US_STANDARD})),
        "add_shipping_method.json": Sample(GUEST, Expect(200, {"cart.shipping_total": 500})),
        **_auth_samples(),
    }


# Auth and customers (routes/auth.py, routes/customers.py): a registered customer, and that customer
# signed in through a session whose id the sample's cookie carries (signed with the local cloud's
# published cookie secret, local/resources.py dev_secret).
SAMPLE_EMAIL = "alice@example.com"
SAMPLE_PASSWORD = "alice's password"  # noqa: S105 (a published sample's, in the local cloud only)
SAMPLE_SESSION = "sample-session-0000000000000000"


def _sample_cookie() -> dict[str, str]:
    from urllib.parse import quote

    from cart_core.auth_tokens import sign_value
    from local.resources import dev_secret

    signed = "s:" + sign_value(SAMPLE_SESSION, dev_secret("SessionCookieSecret"))
    return {"Cookie": f"connect.sid={quote(signed, safe='')}"}


def _auth_sample_requests() -> dict[str, tuple[Any, ...]]:
    login = {"email": SAMPLE_EMAIL, "password": SAMPLE_PASSWORD}
    return {
        "post_auth": ("POST", "/auth", login),
        "get_auth": ("GET", "/auth", None, _sample_cookie()),
        "delete_auth": ("DELETE", "/auth", None, _sample_cookie()),
        "get_auth_email": ("GET", f"/auth/{SAMPLE_EMAIL}", None),
        "post_auth_token": ("POST", "/auth/token", login),
        "post_customers": ("POST", "/customers", {**login, "first_name": "Alice"}),
        "get_customers_me": ("GET", "/customers/me", None, _sample_cookie()),
        "get_customers_me_orders": ("GET", "/customers/me/orders", None, _sample_cookie()),
        "post_customers_me": ("POST", "/customers/me", {"first_name": "Alicia"}, _sample_cookie()),
        "post_customers_me_addresses": (
            "POST",
            "/customers/me/addresses",
            {"address": SAMPLE_ADDRESS},
            _sample_cookie(),
        ),
        "post_customers_me_address": (
            "POST",
            f"/customers/me/addresses/{SAMPLE_ADDRESS_ID}",
            {"city": "Springfield"},
            _sample_cookie(),
        ),
        "delete_customers_me_address": ("DELETE", f"/customers/me/addresses/{SAMPLE_ADDRESS_ID}", {}, _sample_cookie()),
        "get_customers_me_payment_methods": ("GET", "/customers/me/payment-methods", None, _sample_cookie()),
        "post_customers_password_token": ("POST", "/customers/password-token", {"email": SAMPLE_EMAIL}),
        "post_customers_password_reset": (
            "POST",
            "/customers/password-reset",
            {"email": SAMPLE_EMAIL, "token": SAMPLE_TOKEN, "password": "new one"},
        ),
    }


def _registered(seeding: Any) -> str:
    from cart_core.usecases.customers import NewCustomer

    new = NewCustomer(email=SAMPLE_EMAIL, password=SAMPLE_PASSWORD, first_name="Alice")
    return str(seeding.cases.customers.register(seeding.caller, new).customer_id)


def _register(seeding: Any) -> None:
    _registered(seeding)


def _signed_in(seeding: Any) -> None:
    """The customer, and a session with the sample's fixed id naming it (written as the use case
    writes one: a claim with a TTL; the id is fixed so the sample file can carry its cookie)."""
    from cart_core.customers import SessionRecord
    from cart_core.ports import Claim, Key
    from cart_core.usecases.customers import SESSION_TTL_SECONDS

    customer_id = _registered(seeding)
    session = SessionRecord(
        session_id=SAMPLE_SESSION,
        customer_id=customer_id,
        expires_at=int(seeding.cases.customers._clock()) + SESSION_TTL_SECONDS,
    )
    seeding.store.write(
        [Claim(Key.session(seeding.caller.tenant_id, SAMPLE_SESSION), customer_id, expires_with=session)]
    )


SAMPLE_ADDRESS = {"first_name": "Alice", "last_name": "A", "address_1": "1 Sample St", "city": "Shelbyville",
                  "country_code": "us", "postal_code": "10001"}  # fmt: skip
SAMPLE_ADDRESS_ID = "addr_01J0SAMP1EADDRESS000000000"
SAMPLE_TOKEN = "sample-password-reset-token-0000000000000000"  # noqa: S105 (a published sample's)


def _with_address(seeding: Any) -> None:
    """The signed-in customer with one saved address under the sample's fixed id."""
    from cart_core.customers import Customer
    from cart_core.ports import Put

    _signed_in(seeding)
    cases = seeding.cases.customers
    found = cases.authenticate(seeding.caller, SAMPLE_EMAIL, SAMPLE_PASSWORD)
    customer = cases.add_address(seeding.caller, found.customer_id, _core(SAMPLE_ADDRESS))
    version = customer.version
    customer.addresses = [customer.addresses[0].model_copy(update={"address_id": SAMPLE_ADDRESS_ID})]
    seeding.store.write([Put(Customer.model_validate(customer.model_dump()), version)])


def _core(address: dict[str, str]) -> Any:
    from cart_core.cart import Address

    return Address(
        first_name=address["first_name"],
        last_name=address["last_name"],
        address=address["address_1"],
        city=address["city"],
        country=address["country_code"].upper(),
        zip_code=address["postal_code"],
    )


def _with_reset_token(seeding: Any) -> None:
    """The customer, and a reset token with the sample's fixed value (stored as the use case stores
    one: its digest in a claim with a TTL, naming the customer and its password hash)."""
    from cart_core.ports import Claim, Key
    from cart_core.usecases import customers as area

    _register(seeding)
    cases = seeding.cases.customers
    customer = cases.authenticate(seeding.caller, SAMPLE_EMAIL, SAMPLE_PASSWORD)
    life = area.ResetTokenLife(expires_at=int(cases._clock()) + area.PASSWORD_TOKEN_TTL_SECONDS)
    key = Key.password_token(seeding.caller.tenant_id, area._digest(SAMPLE_TOKEN))
    seeding.store.write([Claim(key, area._token_owner(customer), expires_with=life)])


def _auth_samples() -> dict[str, Sample]:
    from local.samples import FIXTURE_ONLY, Expect, Sample, Scenario

    customer = Scenario(f"customer {SAMPLE_EMAIL} registered (password {SAMPLE_PASSWORD!r})", _register)
    signed_in = Scenario(f"customer {SAMPLE_EMAIL} signed in with session {SAMPLE_SESSION}", _signed_in)
    with_address = Scenario(f"customer {SAMPLE_EMAIL} signed in, address {SAMPLE_ADDRESS_ID} saved", _with_address)
    with_token = Scenario(f"customer {SAMPLE_EMAIL} sent reset token {SAMPLE_TOKEN}", _with_reset_token)
    return {
        "post_auth.json": Sample(customer, Expect(200, {"customer.email": SAMPLE_EMAIL, "customer.orders": []})),
        "get_auth.json": Sample(signed_in, Expect(200, {"customer.email": SAMPLE_EMAIL})),
        "delete_auth.json": Sample(FIXTURE_ONLY, Expect(200)),
        "get_auth_email.json": Sample(customer, Expect(200, {"exists": True})),
        "post_auth_token.json": Sample(customer, Expect(200)),  # the token differs every time
        "post_customers.json": Sample(FIXTURE_ONLY, Expect(200, {"customer.email": SAMPLE_EMAIL})),
        "get_customers_me.json": Sample(signed_in, Expect(200, {"customer.first_name": "Alice"})),
        "get_customers_me_orders.json": Sample(signed_in, Expect(200, {"count": 0, "orders": []})),
        "post_customers_me.json": Sample(signed_in, Expect(200, {"customer.first_name": "Alicia"})),
        "post_customers_me_addresses.json": Sample(
            signed_in, Expect(200, {"customer.shipping_addresses.0.city": "Shelbyville"})
        ),
        "post_customers_me_address.json": Sample(
            with_address, Expect(200, {"customer.shipping_addresses.0.city": "Springfield"})
        ),
        "delete_customers_me_address.json": Sample(with_address, Expect(200, {"customer.shipping_addresses": []})),
        "get_customers_me_payment_methods.json": Sample(signed_in, Expect(200, {"payment_methods": []})),
        # 204 for any e-mail (no account enumeration): the answer needs no seed.
        "post_customers_password_token.json": Sample(FIXTURE_ONLY, Expect(204)),
        "post_customers_password_reset.json": Sample(with_token, Expect(200, {"customer.email": SAMPLE_EMAIL})),
    }


# ----- the local cloud's banner (local/cloud.py; tests/e2e/test_banner.py runs it as printed) ------


def banner_notes(url: str) -> list[str]:
    return [f"Medusa storefront (medusa-js baseUrl): {url} (publishable key optional: {DEMO['x-publishable-api-key']})"]
