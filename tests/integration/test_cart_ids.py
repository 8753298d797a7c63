"""Cart ids on the BLAZE and LOKE wire go through their codecs (cart_core.ids) and read as before:
the 24-hex id is the stored key, and an id that is not ours answers today's 404, after the checks
that answered first before (no cuid, bad adjustments)."""

from __future__ import annotations

import pytest

from cart_core.ids import CODECS, InternalId
from tests.integration.test_checkout_events import submitted_cart
from tests.integration.test_hostile_input import CART, blaze_refused, loke_refused


def test_a_cart_made_through_blaze_has_one_id_every_face_can_read(api) -> None:
    # Given a cart created through BLAZE, submitted so the POS sees it
    cart_id = submitted_cart(api)
    # Then its BLAZE id is the stored key, LOKE shows the same id, and every face's id names it
    internal = InternalId.from_key(cart_id)
    assert api.loke("GET", f"{CART}/{cart_id}").json()["id"] == cart_id
    for face, codec in CODECS.items():
        assert codec.decode(codec.encode(internal)).key == cart_id, face


def _not_ours(cart_id: str) -> list[str]:
    """Strings that are not a BLAZE/LOKE id, some of them another face's id for the same cart."""
    internal = InternalId.from_key(cart_id)
    return [
        cart_id.upper(),
        cart_id + "0",
        cart_id[:-1],
        CODECS["medusa"].encode(internal),
        CODECS["newstore"].encode(internal),
        CODECS["fluidpay"].encode(internal),
        "nope",
    ]


def test_an_id_that_is_not_ours_is_the_404_it_was(api) -> None:
    # Given a submitted cart
    cart_id = submitted_cart(api)
    for bad in _not_ours(cart_id):
        # When either face is sent a string that is not its id / Then today's 404, naming what was sent
        blaze_refused(api.blaze("GET", f"/{bad}?cuid=alice"), 404, f"Cart {bad} not found")
        blaze_refused(api.blaze("POST", f"/updateCart/{bad}?cuid=alice", {}), 404, f"Cart {bad} not found")
        loke_refused(api.loke("GET", f"{CART}/{bad}"), 404, f"Cart {bad} not found")
        loke_refused(api.loke("PUT", f"{CART}/{bad}/invalid"), 404, f"Cart {bad} not found")


@pytest.mark.parametrize("bad", ["nope", "CAFEBABE00000000DEADBEEF"])
def test_checks_that_came_before_the_cart_lookup_still_come_first(api, bad: str) -> None:
    # Given a cart id that is not ours / When the request also fails a check the core makes before
    # it reads the cart / Then that check answers, as it did before ids went through a codec
    response = api.blaze("POST", f"/{bad}/setConsumerUser/alice")
    blaze_refused(response, 401, "cuid")
    response = api.blaze("POST", f"/{bad}/setConsumerUser/bob?cuid=alice")
    blaze_refused(response, 404, "Consumer user bob not found")
    adjustments = {"adjustments": [{"id": "", "label": "x", "amount": -1}]}
    loke_refused(api.loke("PUT", f"{CART}/{bad}/valid", adjustments), 400)
