"""BLAZE's part of the dev tools (``Face.devkit_module``): what the harness needs to exercise this
face. Dev-only: the face's app never imports it, and it imports the harness (local/, tests/) only
inside its functions, so the Lambda zip (all of functions/) carries it at no cost.

- fuzzing (local/fuzz_seed.py): ``fuzz_seed`` makes the records BLAZE's operations reach and
  ``fuzz_plan`` says which parameters draw them;
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from blaze_cart.face import FACE

if TYPE_CHECKING:
    from local.fuzz_seed import Plan, Seeding

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
