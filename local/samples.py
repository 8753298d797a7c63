"""The sample events in events/: which function each one is for, what it needs seeded, and the answer
it is named for. ``make invoke`` (local/invoke.py) and tests/integration/test_sample_events.py both
read this table (``samples()``), so a sample that stops answering as named fails ``make test``.
A face's own samples sit in its folder (``samples()`` in ``functions/<package>/devkit.py``), on the
scenarios and the ``Sample`` / ``Expect`` shapes here; the workers' are here.

Every sample names the same records: tenant ``demo``, shop ``main``, consumer ``alice``, cart
``SAMPLE_CART`` with line ``SAMPLE_LINE`` (2 × demo-flower) and public key ``PUBLIC_KEY``. A scenario
puts them in the state a sample needs, through the core (the store and the use cases), on top of the
demo fixture (local/fixture.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from local.template import ROOT

if TYPE_CHECKING:  # the core is importable once the runtime has put the layer on sys.path
    from cart_core.cart import Cart
    from cart_core.store.dynamodb import DynamoStore
    from cart_core.usecases import UseCases
    from cart_core.usecases.subscriptions import SubscriptionService

EVENTS = ROOT / "events"
TENANT, LOCATION, CONSUMER, GUEST_SESSION = "demo", "main", "alice", "guest-1"
SAMPLE_CART = "6b0000000000000000000001"
SAMPLE_LINE = "6b0000000000000000000002"
PUBLIC_KEY = "0123456789abcdef0123456789abcdef"
PRODUCT, QUANTITY = "demo-flower", 2
WEBHOOK_REF, WEBHOOK_SECRET = "pos-1", "change-me"
POS_URL, POS_HOST = "https://pos.example.com/hooks", "pos.example.com"
# pos.example.com does not resolve on the internet, and tests have no network: the harness answers
# for it (a public documentation-era address) so the URL passes the outbound policy. Nothing is ever
# sent there: only put/list/delete_webhook name it; the webhook worker's sample gets a local receiver.
POS_ADDRESS = "93.184.215.14"

# events/<folder>/ → the function its samples are for. An API face's folder is its package
# (cart_core.faces: its registry entry); the workers, which are no face, are listed here.
WORKER_FOLDERS = {
    "authorizer": "AuthorizerFunction",
    "stream_outbox": "StreamOutboxFunction",
    "validation_worker": "ValidationWorkerFunction",
    "webhook_worker": "WebhookWorkerFunction",
    "deadline_worker": "DeadlineWorkerFunction",
    "payment_worker": "PaymentWorkerFunction",
}


def face_folders() -> dict[str, str]:
    """events/<package>/ → the face's function, for every registered face."""
    from cart_core.faces import faces

    return {face.package: face.function for face in faces()}


def folders() -> dict[str, str]:
    return {**face_folders(), **WORKER_FOLDERS}


def sample_cart(title: str, unit_price_minor: int, currency: str, **fields: Any) -> Cart:
    """The cart every sample names, as alice opens it (make_events.py and the seeds build it here)."""
    from cart_core.cart import Cart, LineItem

    line = LineItem(
        line_id=SAMPLE_LINE, product_id=PRODUCT, title=title, quantity=QUANTITY, unit_price_minor=unit_price_minor
    )
    defaults: dict[str, Any] = {"consumer_id": CONSUMER, "public_key": PUBLIC_KEY}
    return Cart(
        cart_id=SAMPLE_CART, tenant_id=TENANT, location_id=LOCATION, currency=currency, lines=[line],
        **{**defaults, **fields},
    )  # fmt: skip


# ----- seed scenarios ------------------------------------------------------------------------


@dataclass
class Seeding:
    """What a scenario may use: the core's store and use cases, and the run's local stand-ins."""

    store: DynamoStore
    cases: UseCases
    subscriptions: SubscriptionService
    dns: dict[str, str]  # host → address the run resolves it to (no network)
    receiver_url: Callable[[], str]  # starts the run's local webhook receiver, returns its URL

    @property
    def caller(self) -> Any:
        from cart_core.actors import Actor
        from cart_core.tenancy import Caller

        return Caller(tenant_id=TENANT, location_id=LOCATION, actor=Actor.consumer(CONSUMER))


def _open(seeding: Seeding, guest: bool = False) -> None:
    """Alice's (or a guest's) open cart, committed as the core commits a new active cart: the cart,
    its active pointer and its public pointer, priced from the catalog."""
    from cart_core.ports import Claim, Key, PointerKey, Put
    from cart_core.pricing import price
    from cart_core.usecases.shared import terms_for

    snapshot = seeding.store.load(TENANT, LOCATION, product_ids=frozenset({PRODUCT}))
    location, product = snapshot.location, snapshot.products[PRODUCT]
    assert location is not None, "the demo fixture is loaded first"
    identity = {"consumer_id": None, "session_id": GUEST_SESSION} if guest else {}
    cart = sample_cart(product.name, product.price_minor, location.currency, **identity)
    cart.expires_at = int(time.time()) + location.idle_ttl_seconds
    cart.total_minor = price(cart, terms_for(cart, snapshot)).total_minor
    kind, value = ("session", GUEST_SESSION) if guest else ("consumer", CONSUMER)
    pointer = PointerKey(TENANT, LOCATION, kind, value)
    seeding.store.write(
        [
            Put(cart, None),
            Claim(Key.public(TENANT, cart.public_key), SAMPLE_CART),
            Claim(Key.active(pointer), SAMPLE_CART),
        ]
    )


def open_cart(seeding: Seeding) -> None:
    _open(seeding)


def guest_cart(seeding: Seeding) -> None:
    _open(seeding, guest=True)


def finalized_line(seeding: Seeding) -> None:
    _open(seeding)
    seeding.cases.carts.set_finalized(seeding.caller, SAMPLE_CART, SAMPLE_LINE, True)


def submitted_cart(seeding: Seeding) -> None:
    from cart_core.usecases.carts import CartEdits

    _open(seeding)
    seeding.cases.checkout.submit(seeding.caller, SAMPLE_CART, CartEdits())


def card_validated_cart(seeding: Seeding) -> None:
    """Paid by card (tok_visa, authorized at submit) and accepted by the store: the payment worker
    captures it, however cash orders are handled."""
    from cart_core.money import to_decimal
    from cart_core.payments import TEST_CARD_APPROVES
    from cart_core.usecases.carts import CartEdits

    _open(seeding)
    priced = seeding.cases.carts.get_cart(seeding.caller, SAMPLE_CART)
    amount = to_decimal(priced.totals.total_minor, priced.cart.currency)
    seeding.cases.checkout.record_payment(seeding.caller, SAMPLE_CART, "Credit", amount, card_token=TEST_CARD_APPROVES)
    seeding.cases.checkout.submit(seeding.caller, SAMPLE_CART, CartEdits())
    seeding.cases.pos_validation.pos_validate(seeding.caller, SAMPLE_CART, [])


def pos_resolves(seeding: Seeding) -> None:
    seeding.dns[POS_HOST] = POS_ADDRESS


def pos_subscribed(seeding: Seeding) -> None:
    pos_resolves(seeding)
    seeding.subscriptions.subscribe(TENANT, WEBHOOK_REF, POS_URL, WEBHOOK_SECRET, ["cart.created"])


def submitted_cart_and_receiver(seeding: Seeding) -> None:
    submitted_cart(seeding)
    seeding.subscriptions.subscribe(TENANT, WEBHOOK_REF, seeding.receiver_url(), WEBHOOK_SECRET, ["cart.created"])


@dataclass(frozen=True)
class Scenario:
    description: str
    seed: Callable[[Seeding], None]


FIXTURE_ONLY = Scenario("the demo fixture only", lambda seeding: None)
OPEN = Scenario(f"alice's open cart {SAMPLE_CART} (2 x demo-flower, line {SAMPLE_LINE})", open_cart)
FINALIZED = Scenario(f"alice's open cart {SAMPLE_CART} with line {SAMPLE_LINE} finalized", finalized_line)
GUEST = Scenario(f"a guest's open cart {SAMPLE_CART} (sessionId {GUEST_SESSION}, no consumer)", guest_cart)
SUBMITTED = Scenario(f"alice's submitted cart {SAMPLE_CART} (PENDING at the store)", submitted_cart)
CARD_VALIDATED = Scenario(
    f"alice's cart {SAMPLE_CART}, card tok_visa authorized at submit, accepted by the store", card_validated_cart
)
POS_DNS = Scenario(f"{POS_HOST} resolving to {POS_ADDRESS} (offline; nothing is sent)", pos_resolves)
SUBSCRIBED = Scenario(f"webhook {WEBHOOK_REF} -> {POS_URL} (resolved offline; nothing is sent)", pos_subscribed)
SUBMITTED_AND_RECEIVER = Scenario(
    f"alice's submitted cart {SAMPLE_CART}; webhook {WEBHOOK_REF} -> a local receiver", submitted_cart_and_receiver
)


# ----- the answers samples are named for ------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """The answer a sample is named for. ``facts`` are dotted paths (``cart.items.0.finalized``) into
    an API answer's JSON body, or into the answer itself for other functions."""

    status: int | None = None  # an API answer's statusCode
    facts: Mapping[str, Any] = field(default_factory=dict)
    cart: Mapping[str, Any] = field(default_factory=dict)  # the stored sample cart afterwards (core fields)
    published: str | None = None  # an event type the bus's rules delivered to their queues
    delivered: bool = False  # the local receiver got one signed webhook about the sample cart


BATCH_OK: dict[str, list[Any]] = {"batchItemFailures": []}


@dataclass(frozen=True)
class Sample:
    scenario: Scenario
    expect: Expect

    def needs_seed(self) -> bool:
        return self.scenario is not FIXTURE_ONLY


ID = {"id": SAMPLE_CART}
# What the authorizer answers for a face's authorizer sample (``AUTHORIZER_SAMPLE`` in its devkit).
AUTHORIZED = Expect(facts={"context.tenantId": TENANT, "policyDocument.Statement.0.Effect": "Allow"})
WORKER_SAMPLES: dict[str, Sample] = {
    "stream_outbox/cart_submitted.json": Sample(FIXTURE_ONLY, Expect(facts=BATCH_OK, published="CartSubmitted")),
    "validation_worker/cart_submitted.json": Sample(SUBMITTED, Expect(facts=BATCH_OK, cart={"status": "validated"})),
    "webhook_worker/delivery.json": Sample(SUBMITTED_AND_RECEIVER, Expect(facts=BATCH_OK, delivered=True)),
    "deadline_worker/deadline_check.json": Sample(SUBMITTED, Expect(facts=BATCH_OK, cart={"status": "expired"})),
    "payment_worker/cart_validated.json": Sample(
        CARD_VALIDATED, Expect(facts=BATCH_OK, cart={"status": "paid", "payments.0.status": "captured"})
    ),
}


def authorizer_sample(face: Any) -> str:
    """events/authorizer/ file made from the face's ``AUTHORIZER_SAMPLE`` request."""
    return f"authorizer/{face.name}_request.json"


@cache
def samples() -> dict[str, Sample]:
    """Every sample in events/: each face's (its devkit's ``samples()``, by file name in
    events/<package>/, and its authorizer sample), then the workers'."""
    from cart_core.faces import devkit, faces

    kits = [(face, devkit(face)) for face in faces() if face.devkit_module is not None]
    found = {
        authorizer_sample(face): Sample(FIXTURE_ONLY, AUTHORIZED)
        for face, kit in kits
        if hasattr(kit, "AUTHORIZER_SAMPLE")
    }
    for face, kit in kits:
        if hasattr(kit, "samples"):
            found.update({f"{face.package}/{name}": sample for name, sample in kit.samples().items()})
    return {**found, **WORKER_SAMPLES}


def key_of(path: Path) -> str | None:
    """``blaze_cart/active.json`` for a file in events/, else None."""
    try:
        return path.resolve().relative_to(EVENTS).as_posix()
    except ValueError:
        return None


def function_of(key: str) -> str | None:
    return folders().get(key.split("/", 1)[0])


def describe(expect: Expect) -> str:
    """The named answer in words: ``204, cart status=validated``."""
    parts = [str(expect.status)] if expect.status is not None else []
    parts += [f"{path}={value!r}" for path, value in expect.facts.items()]
    parts += [f"cart {path}={value!r}" for path, value in expect.cart.items()]
    if expect.published:
        parts.append(f"{expect.published} put on the bus and routed by its rules")
    if expect.delivered:
        parts.append("one signed cart.created delivered to the local receiver")
    return ", ".join(parts)
