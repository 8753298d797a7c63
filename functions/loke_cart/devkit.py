"""LOKE's part of the dev tools (``Face.devkit_module``): what the harness needs to exercise this
face. Dev-only: the face's app never imports it, and it imports the harness (local/, tests/) only
inside its functions, so the Lambda zip (all of functions/) carries it at no cost.

LOKE is the store's POS: it never makes a cart, it answers the ones shoppers submitted. Its seeds
make those carts through BLAZE (``blaze_cart.devkit``), the face shoppers use here.

- fuzzing (local/fuzz_seed.py): ``fuzz_prepare`` subscribes the POS so submitted carts wait for
  it, ``fuzz_seed`` makes the carts and subscriptions LOKE's operations reach and ``fuzz_plan``
  says which parameters draw them;
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loke_cart.face import FACE

if TYPE_CHECKING:
    from local.fuzz_seed import Plan, Seeding

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
