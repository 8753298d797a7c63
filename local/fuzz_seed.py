"""Records the fuzzer can reach, made through the service's own API before a face is fuzzed.

Without them every generated cart id, line id, public key and webhook ref is a random string that
only ever meets 404, and the fuzz never gets past the first read in the core. ``seed`` makes one
face's records (demo tenant, shop ``main``, the demo credentials of the face registry) just before that face runs and
returns them as schemathesis *dictionaries*: named lists of values. ``PLANS`` binds each dictionary
to the parameters and body fields that take it, for every operation or per operation, with a
probability: a case draws a seeded value that often and a generated one otherwise, so random ids
are still fuzzed (schemathesis ``[parameters]`` with ``{ dictionary = …, probability = … }``;
``config`` writes the file). docs/testing.md, Fuzzing, has the table of what is seeded for what.

Operations that change a record's state get a pool of their own, so one operation cannot use up
the records another needs: an accepted cart can never be accepted again, a deleted webhook never
deleted again, a claimed cart belongs to its consumer, a submitted cart is no longer editable.
Operations that answer a repeat with 2xx (submit, consumer cancel, claim by the same consumer)
need only a few records; accept, reject and unsubscribe use one up per 2xx and get ``consumed``
records, in proportion to the examples per operation.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import requests

from cart_core.faces import by_name
from local.fixture import DEMO_BLAZE_HEADERS, DEMO_POS_HEADERS

BLAZE_BASE = by_name("blaze").base_path
ORGANIZATION = by_name("loke").demo_path_parameters["organizationId"]  # LOKE's path values name demo
# The consumer the fuzz acts as when it sends a cuid from the dictionary; seeded carts are guests,
# which any cuid reaches, so a random cuid reaches them too.
CONSUMER = "fuzz-consumer"
# The item operations find the cart by the body's id or, without one, by the cuid's open cart: one
# consumer of their own, whose open cart no other operation changes, keeps the seeded line ids in it.
ITEMS_OWNER = "fuzz-item-owner"
# The POS subscription that keeps submitted carts waiting for LOKE's answer (without a listener the
# validation worker validates them at once, and accept/reject could only answer 409). Its ref is in
# no dictionary, so no fuzz case unsubscribes it (a random ref that equals it is vanishingly rare).
POS_REF = "fuzz-pos"
PRODUCTS = ("demo-flower", "demo-edible", "demo-vape")
# How often a case takes a seeded value instead of a generated one.
ID_PROBABILITY = 0.6
VALUE_PROBABILITY = 0.75
REUSABLE = 3  # records for operations that answer a repeat with 2xx


@dataclass
class Seeds:
    """Dictionary name -> values, as schemathesis dictionaries."""

    values: dict[str, list[str | int]] = field(default_factory=dict)

    def add(self, name: str, *values: str | int) -> None:
        self.values.setdefault(name, []).extend(values)


class _Api:
    def __init__(self, base: str, headers: dict[str, str]) -> None:
        self.base, self.headers = base, headers

    def __call__(self, method: str, path: str, **kwargs: Any) -> Any:
        for attempt in range(4):
            response = requests.request(method, self.base + path, headers=self.headers, timeout=30, **kwargs)
            # A lost version race the service gave up on says "retry"; so does a client (our writes
            # are idempotent: the same guest key finds the same open cart, a submit repeats as 200).
            if response.status_code != 409 or "retry" not in response.text or attempt == 3:
                break
            time.sleep(0.2 * (attempt + 1))
        if not response.ok:  # a seed the service refuses is a broken fuzz setup, not a finding
            raise RuntimeError(f"seeding the fuzz: {method} {path} answered {response.status_code}: {response.text}")
        return response.json() if response.content else None


def seed(url: str, logical_id: str, *, consumed: int, receiver_url: str) -> Seeds:
    """Make the records one face's operations reach, through the BLAZE and LOKE APIs at ``url``, just
    before that face is fuzzed; ``consumed`` records for each operation that uses one up per 2xx.
    A face without a seed plan gets no records (its ids are only generated)."""
    blaze = _Api(url.rstrip("/") + BLAZE_BASE, DEMO_BLAZE_HEADERS)
    loke = _Api(url.rstrip("/"), DEMO_POS_HEADERS)
    run = secrets.token_hex(4)  # guest keys of this seeding only: never an earlier run's carts
    seeds = Seeds()
    if logical_id not in PLANS:
        return seeds

    def subscribe(ref: str) -> None:
        body = {"url": receiver_url, "secret": "fuzz-secret", "events": ["cart.created"]}
        loke("PUT", f"/organizations/{ORGANIZATION}/webhooks/{ref}", json=body)

    def cart(pool: str, n: int, submit: bool, owner: str | None) -> dict[str, Any]:
        items = [{"productId": "demo-flower", "quantity": 1}, {"productId": "demo-edible", "quantity": 2}]
        if owner:  # the consumer's open cart
            made = blaze("POST", "/prepare", params={"cuid": owner}, json={"cart": {"items": items}})
        else:  # a guest's, which any cuid reaches
            made = blaze("POST", "/prepare", json={"sessionId": f"fuzz-{run}-{pool}-{n}", "cart": {"items": items}})
        return blaze("POST", f"/submitCart/{made['id']}") if submit else made

    def carts(*pools: tuple[str, int, bool, str | None]) -> None:
        jobs = [(pool, n, submit, owner) for pool, count, submit, owner in pools for n in range(count)]
        # A few at a time (the carts are independent) keeps seeding short; results come back in job
        # order, so a dictionary's entries are in the same order every run (a fixed --seed replays).
        with ThreadPoolExecutor(max_workers=4) as executor:
            made = list(executor.map(lambda job: cart(*job), jobs))
        for (pool, _, submit, _), record in zip(jobs, made, strict=True):
            seeds.add(f"{pool}_cart", record["id"])
            seeds.add("any_cart", record["id"])
            seeds.add("public_key", record["publicKey"])
            if submit:
                seeds.add("submitted_cart", record["id"])
            if pool == "items":
                seeds.add("line", *(line["id"] for line in record["cart"]["items"]))

    # First: every cart submitted from here on waits for the POS (BLAZE's cancel, LOKE's answers).
    subscribe(POS_REF)
    if logical_id == by_name("blaze").function:
        seeds.add("consumer", CONSUMER)
        seeds.add("items_owner", ITEMS_OWNER)
        seeds.add("product", *PRODUCTS)
        seeds.add("quantity", 1, 2, 3)
        seeds.add("promo", "TENOFF")
        seeds.add("amount", 0, 10, 42)
        carts(
            ("open", REUSABLE, False, None),  # update, payments, get
            ("submit", REUSABLE, False, None),  # submitCart (a repeat answers 200)
            ("claim", REUSABLE, False, None),  # setConsumerUser (the same consumer again answers 200)
            ("cancel", REUSABLE, True, None),  # consumer cancel (a repeat answers 200)
            ("items", 1, False, ITEMS_OWNER),  # item finalize/unfinalize, items/finalize
        )
    elif logical_id == by_name("loke").function:
        seeds.add("webhook_url", receiver_url)
        seeds.add("webhook_event", "cart.created", "*")
        carts(("accept", consumed, True, None), ("reject", consumed, True, None))  # …/valid, …/invalid
        # After the carts: every subscription is told of every submitted cart, so these are not.
        for n in range(consumed):
            subscribe(f"fuzz-hook-{run}-{n}")
            seeds.add("webhook_ref", f"fuzz-hook-{run}-{n}")
    return seeds


@dataclass(frozen=True)
class Binding:
    """One schemathesis parameter (``path.x``, ``query.x``, ``body.a.b[*].c``) drawn from a dictionary."""

    parameter: str
    dictionary: str
    probability: float = ID_PROBABILITY


# Per face: bindings for every operation, then bindings per operation label ("METHOD /path").
PLANS: dict[str, tuple[tuple[Binding, ...], dict[str, tuple[Binding, ...]]]] = {
    by_name("blaze").function: (
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
    ),
    by_name("loke").function: (
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
    ),
}


def _toml(value: object) -> str:
    """A TOML literal for a string, an integer or a list of them (JSON's forms are valid TOML)."""
    import json

    return json.dumps(value, ensure_ascii=False)


def _bindings(bindings: tuple[Binding, ...]) -> Iterator[str]:
    for b in bindings:
        yield f"{_toml(b.parameter)} = {{ dictionary = {_toml(b.dictionary)}, probability = {b.probability} }}"


def config(logical_id: str, path_parameters: dict[str, str], seeds: Seeds | None) -> str:
    """The schemathesis config file for one face: the fixed path values that name the tenant, and,
    with seeds, the dictionaries and where each operation draws from them."""
    lines = ["[parameters]"] + [f"{_toml('path.' + k)} = {_toml(v)}" for k, v in path_parameters.items()]
    every, per_operation = PLANS.get(logical_id, ((), {}))
    if seeds is None:
        return "\n".join(lines) + "\n"
    used = {b.dictionary for b in every} | {b.dictionary for bs in per_operation.values() for b in bs}
    missing = sorted(used - set(seeds.values))
    if missing:
        raise LookupError(f"{logical_id}: the seed plan draws from dictionaries seed() did not fill: {missing}")
    lines += _bindings(every)
    for name in sorted(used):
        lines += ["", f"[dictionaries.{name}]", f"values = {_toml(seeds.values[name])}"]
    for label, bindings in per_operation.items():
        lines += ["", "[[operations]]", f"include-name = {_toml(label)}", "[operations.parameters]"]
        lines += _bindings(bindings)
    return "\n".join(lines) + "\n"
