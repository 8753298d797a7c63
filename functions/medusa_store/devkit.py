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


def fuzz_plan() -> Plan:
    from local.fuzz_seed import Binding

    login = (Binding("body.email", "medusa_email", 0.8), Binding("body.password", "medusa_password", 0.8))
    signed_in = (Binding("header.authorization", "medusa_bearer", 0.8),)
    return (
        (),
        {
            "GET /carts/{id}": (Binding("path.id", "medusa_cart"),),
            "POST /auth": login,
            "POST /auth/token": login,
            "GET /auth": signed_in,
            "GET /customers/me": signed_in,
            "GET /customers/me/orders": signed_in,
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
    return {"cart_id": _wire_cart_id(made["id"])}


# The intruder (acme) is signed in as its own customer through a session with this fixed id, so the
# routes that need a customer answer for the intruder's own (its cookie is static, as Side's headers).
INTRUDER_SESSION = "isolation-intruder-session-00000"
INTRUDER_PASSWORD = "intruder's password"  # noqa: S105 (a test customer's)


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
    call(api, "POST", "/customers", DEMO, {"email": victim_email, "password": "victim's password"})
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
    return {**records, "email": victim_email, "intruder_email": intruder_email}


def isolation() -> FaceIsolation:
    from tests.harness.faces import FaceIsolation, Matrix, Side

    intruder_login = {
        ("POST", "/store/auth"): lambda r: {"email": r["intruder_email"], "password": INTRUDER_PASSWORD},
        ("POST", "/store/auth/token"): lambda r: {"email": r["intruder_email"], "password": INTRUDER_PASSWORD},
    }
    return FaceIsolation(
        parameters={"id": "cart_id", "email": "email"},
        bodies={
            **intruder_login,
            ("POST", "/store/customers"): lambda r: {"email": f"new-{r['intruder_email']}", "password": "pw"},
        },
        tenant=Matrix(
            owner=Side(DEMO),
            intruder=Side({**ACME, "Cookie": _session_cookie(INTRUDER_SESSION)}),
            seed=seed_tenant_with_customers,
            exceptions={
                ("GET", "/store/auth/{email}"): (
                    "unaffected",
                    "always 200 {exists}: false, the victim's e-mail has no account in the intruder's store",
                ),
            },
        ),
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
    return {"get_cart": ("GET", f"/carts/{cart}", None), **_auth_sample_requests()}


def samples() -> dict[str, Sample]:
    """events/medusa_store/<file> → what it needs seeded and the answer it is named for."""
    from local.samples import GUEST, SAMPLE_CART, Expect, Sample

    cart = _wire_cart_id(SAMPLE_CART)
    return {
        "get_cart.json": Sample(GUEST, Expect(200, {"cart.id": cart, "cart.items.0.quantity": 2})),
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


def _auth_samples() -> dict[str, Sample]:
    from local.samples import FIXTURE_ONLY, Expect, Sample, Scenario

    customer = Scenario(f"customer {SAMPLE_EMAIL} registered (password {SAMPLE_PASSWORD!r})", _register)
    signed_in = Scenario(f"customer {SAMPLE_EMAIL} signed in with session {SAMPLE_SESSION}", _signed_in)
    return {
        "post_auth.json": Sample(customer, Expect(200, {"customer.email": SAMPLE_EMAIL, "customer.orders": []})),
        "get_auth.json": Sample(signed_in, Expect(200, {"customer.email": SAMPLE_EMAIL})),
        "delete_auth.json": Sample(FIXTURE_ONLY, Expect(200)),
        "get_auth_email.json": Sample(customer, Expect(200, {"exists": True})),
        "post_auth_token.json": Sample(customer, Expect(200)),  # the token differs every time
        "post_customers.json": Sample(FIXTURE_ONLY, Expect(200, {"customer.email": SAMPLE_EMAIL})),
        "get_customers_me.json": Sample(signed_in, Expect(200, {"customer.first_name": "Alice"})),
        "get_customers_me_orders.json": Sample(signed_in, Expect(200, {"count": 0, "orders": []})),
    }


# ----- the local cloud's banner (local/cloud.py; tests/e2e/test_banner.py runs it as printed) ------


def banner_notes(url: str) -> list[str]:
    return [f"Medusa storefront (medusa-js baseUrl): {url} (publishable key optional: {DEMO['x-publishable-api-key']})"]
