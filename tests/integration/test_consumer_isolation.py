"""Consumer isolation on BLAZE: a merge comes from the consumer's side, and a claimed guest key
stops reaching the cart (issue #6, Security 3)."""

from __future__ import annotations

import pytest

from cart_core.ports import Claim, Key, PointerKey
from tests.integration.test_blaze_cart import FLOWER_2, prepare

EDIBLE = {"cart": {"items": [{"productId": "demo-edible", "quantity": 1}]}}


def _guest(api, session: str = "s-guest") -> dict:
    response = api.blaze("POST", "/prepare", {"sessionId": session, **EDIBLE})
    assert response.status == 200, response.text
    return response.json()


def _read(api, cart_id: str, cuid: str | None = None) -> dict:
    path = f"/{cart_id}?cuid={cuid}" if cuid else f"/public/{cart_id}"
    response = api.blaze("GET", path)
    assert response.status == 200, response.text
    return response.json()


def test_a_merge_without_the_consumers_cuid_is_401_and_changes_nothing(api) -> None:
    # Given alice's open cart and a guest's cart
    victim = prepare(api)
    guest = _guest(api)
    # When the guest claims alice without proving to be her
    response = api.blaze("POST", f"/{guest['id']}/setConsumerUser/alice")
    # Then 401 in BLAZE's body, alice's cart is untouched and the guest cart is still a guest's
    assert response.status == 401, response.text
    assert response.json() == {"error": "Unauthorized", "message": response.json()["message"], "status": 401}
    assert _read(api, victim["id"], "alice") == victim
    assert _read(api, guest["publicKey"])["anonymous"] is True
    assert api.blaze("GET", "/active?cuid=alice").json()["id"] == victim["id"]


@pytest.mark.parametrize("proof", [{"query": "mallory"}, {"header": "mallory"}])
def test_a_merge_with_another_consumers_cuid_is_404_and_changes_nothing(api, proof) -> None:
    # Given alice's open cart and mallory's guest cart
    victim = prepare(api)
    guest = _guest(api)
    # When mallory, authenticated as herself, claims the cart for alice
    path = f"/{guest['id']}/setConsumerUser/alice"
    if "query" in proof:
        response = api.blaze("POST", f"{path}?cuid={proof['query']}")
    else:
        response = api.blaze("POST", path, headers={"cuid": proof["header"]})
    # Then 404 (another consumer is not found, as everywhere in this face), and nothing changed
    assert response.status == 404, response.text
    assert set(response.json()) == {"error", "message", "status"} and response.json()["status"] == 404
    assert _read(api, victim["id"], "alice") == victim
    assert _read(api, guest["publicKey"])["anonymous"] is True


def test_the_consumer_claims_with_their_cuid_in_a_header(api) -> None:
    guest = _guest(api)
    claimed = api.blaze("POST", f"/{guest['id']}/setConsumerUser/alice", headers={"cuid": "alice"})
    assert claimed.status == 200 and claimed.json()["consumerId"] == "alice"


def test_a_claimed_guest_key_no_longer_reads_or_edits_the_cart(api) -> None:
    # Given a guest cart on session s1, claimed by alice
    guest = _guest(api, "s1")
    claimed = api.blaze("POST", f"/{guest['id']}/setConsumerUser/alice?cuid=alice").json()
    # When someone holding the old session id asks for the active cart and prepares one
    active = api.blaze("GET", "/active?sessionId=s1").json()
    prepared = api.blaze("POST", "/prepare", {"sessionId": "s1", **FLOWER_2}).json()
    # Then they get a fresh guest cart, never alice's, and alice's cart is unchanged
    assert active["id"] != guest["id"] and active["anonymous"] is True and active["cart"]["items"] == []
    assert prepared["id"] == active["id"]
    assert _read(api, guest["id"], "alice") == claimed


def test_a_leftover_guest_pointer_to_a_claimed_cart_is_refused(api, store) -> None:
    # Given alice's claimed cart, and a session pointer still naming it (as a claim made before the
    # fix left behind)
    guest = _guest(api, "s2")
    claimed = api.blaze("POST", f"/{guest['id']}/setConsumerUser/alice?cuid=alice").json()
    store.write([Claim(Key.active(PointerKey("demo", "main", "session", "s2")), guest["id"])])
    # When the old session id asks for its active cart / Then it gets a new cart, and alice's is untouched
    active = api.blaze("GET", "/active?sessionId=s2").json()
    assert active["id"] != guest["id"] and active["anonymous"] is True
    edited = api.blaze("POST", "/prepare", {"sessionId": "s2", **FLOWER_2}).json()
    assert edited["id"] == active["id"]
    assert _read(api, guest["id"], "alice") == claimed
