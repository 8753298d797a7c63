"""A cart's identities are one bounded map (kind → value) instead of BLAZE's four fields; documents
stored with the four fields read into it, and BLAZE still renders them as it did."""

from __future__ import annotations

import json

import pytest

from blaze_cart.mapping import consumer_cart
from cart_core.actors import MAX_IDENTITIES, IdentityKey, identity_keys
from cart_core.cart import Cart
from cart_core.errors import InvalidRequest
from cart_core.pricing import price
from cart_core.tenancy import Location
from cart_core.usecases.shared import PricedCart

LOCATION = Location(tenant_id="t", location_id="l", name="L")


def _legacy_document(**fields: str | None) -> dict:
    """A cart document as written before the identity map: the four ``<kind>_id`` fields."""
    doc = json.loads(Cart(tenant_id="t", location_id="l", currency="USD").model_dump_json(exclude={"version"}))
    doc.pop("identities")
    doc.update({"consumer_id": None, "session_id": None, "external_id": None, "transaction_id": None, **fields})
    return doc


def test_a_document_stored_with_the_four_fields_reads_into_the_map() -> None:
    # Given a stored document of alice's cart, once a guest's with session s1 and transaction t9
    doc = _legacy_document(consumer_id="alice", session_id="s1", transaction_id="t9")
    # When it is read
    cart = Cart.model_validate(doc)
    # Then every identity is in the map, owner first, and nothing else was invented
    assert cart.identities == {"consumer": "alice", "session": "s1", "transaction": "t9"}
    assert cart.owner_id == "alice" and cart.identity("external") is None
    assert identity_keys(cart) == [
        IdentityKey("consumer", "alice"),
        IdentityKey("session", "s1"),
        IdentityKey("transaction", "t9"),
    ]


def test_new_writes_store_the_map_and_not_the_four_fields() -> None:
    cart = Cart(tenant_id="t", location_id="l", currency="USD")
    cart.set_identity("session", "s1")
    stored = json.loads(cart.model_dump_json())
    assert stored["identities"] == {"session": "s1"} and "session_id" not in stored
    assert Cart.model_validate(stored).identities == {"session": "s1"}


def test_blaze_renders_the_map_exactly_as_it_rendered_the_four_fields() -> None:
    # Given the same cart read from an old document and built with the map
    old = Cart.model_validate(_legacy_document(session_id="s1", external_id="e1"))
    new = old.model_copy(deep=True)
    new.identities = {"session": "s1", "external": "e1"}
    # When BLAZE renders each / Then the wire is the same
    render = lambda cart: consumer_cart(PricedCart(cart, price(cart, LOCATION), LOCATION))  # noqa: E731
    wire = render(old)
    assert wire == render(new)
    assert (wire["sessionId"], wire["externalId"], wire["transactionId"], wire["consumerId"]) == (
        "s1",
        "e1",
        None,
        None,
    )
    assert wire["anonymous"] is True


@pytest.mark.parametrize(
    ("kind", "value"),
    [("Session", "s1"), ("se#ssion", "s1"), ("session", ""), ("session", "x" * 129), ("session", "é" * 65)],
)
def test_an_identity_out_of_bounds_is_refused(kind: str, value: str) -> None:
    cart = Cart(tenant_id="t", location_id="l", currency="USD")
    with pytest.raises(InvalidRequest):
        cart.set_identity(kind, value)
    assert cart.identities == {}


def test_a_cart_carries_a_bounded_number_of_identities() -> None:
    cart = Cart(tenant_id="t", location_id="l", currency="USD")
    for n in range(MAX_IDENTITIES):
        cart.set_identity(f"kind{n}", "v")
    with pytest.raises(InvalidRequest, match=f"at most {MAX_IDENTITIES}"):
        cart.set_identity("one_more", "v")
    cart.set_identity("kind0", "replaced")  # replacing one stays within the bound
    assert cart.identity("kind0") == "replaced"
