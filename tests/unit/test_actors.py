"""The actor on a caller decides which carts a use case reaches (cart_core.actors); identity keys
find an open cart; tax rates carry a neutral category each face maps."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from pydantic import ValidationError

from blaze_cart.mapping import TAX_RESULT_BUCKET, consumer_cart
from cart_core.actors import Actor, ActorKind, IdentityKey, answers_to, identity_keys
from cart_core.cart import Cart, LineItem
from cart_core.errors import NotFound, Unauthorized
from cart_core.ports import Put, ReadSet, Snapshot, VersionConflict
from cart_core.pricing import price
from cart_core.tenancy import Caller, Location, TaxRate
from cart_core.usecases import compose
from cart_core.usecases.carts import CartEdits
from cart_core.usecases.identity import primary_key

LOCATION = Location(tenant_id="t", location_id="l", name="L")


def caller(actor: Actor) -> Caller:
    return Caller(tenant_id="t", location_id="l", actor=actor)


def a_cart(consumer_id: str | None = None, submitted: bool = False) -> Cart:
    cart = Cart(tenant_id="t", location_id="l", currency="USD", consumer_id=consumer_id, session_id="s1")
    cart.lines = [LineItem(product_id="p", title="P", quantity=1, unit_price_minor=500)]
    cart.submitted_ms = 1 if submitted else None
    cart.version = 1
    return cart


class OneCartStore:
    """Just enough of ``CartStore``: one cart, versioned puts (pointers and claims not modelled)."""

    def __init__(self, cart: Cart) -> None:
        self.cart = cart.model_copy(deep=True)

    def read(self, reads: ReadSet) -> Snapshot:
        found = self.cart if reads.cart_id == self.cart.cart_id else None
        return Snapshot(cart=found.model_copy(deep=True) if found else None, location=LOCATION)

    def write(self, intents) -> None:
        for put in (i for i in intents if isinstance(i, Put)):
            if put.version != self.cart.version:
                raise VersionConflict()
            self.cart = put.record.model_copy(deep=True, update={"version": put.version + 1})


# ----- which carts each actor reaches ------------------------------------------------------

ALICE, BOB = Actor.consumer("alice"), Actor.consumer("bob")


@pytest.mark.parametrize(
    ("actor", "owner", "reaches"),
    [
        (ALICE, "alice", True),
        (ALICE, None, True),  # a guest cart: the one a consumer is about to claim
        (ALICE, "bob", False),
        (Actor(kind=ActorKind.CUSTOMER, id="alice"), "bob", False),
        (Actor(kind=ActorKind.SHOPPER), None, True),
        (Actor(kind=ActorKind.SHOPPER), "alice", False),
        (Actor.partner(), "bob", True),
        (Actor(kind=ActorKind.ASSOCIATE, id="clerk-1"), "bob", True),
        (Actor.pos(), "bob", True),
        (Actor.system(), "bob", True),
    ],
)
def test_an_actor_reaches_the_carts_its_kind_allows(actor: Actor, owner: str | None, reaches: bool) -> None:
    # Given a cart owned by ``owner`` / When the actor asks / Then it reaches it or not
    assert actor.reaches(a_cart(owner)) is reaches


def test_a_consumer_editing_another_consumers_cart_finds_it_missing_and_changes_nothing() -> None:
    # Given Bob's open cart
    cart = a_cart("bob")
    store = OneCartStore(cart)
    cases = compose(store)
    # When Alice updates it by id
    with pytest.raises(NotFound):
        cases.carts.update(caller(ALICE), cart.cart_id, CartEdits(notes="mine now"))
    # Then it is missing to her (404, not 403: ids cannot be probed) and unchanged
    assert store.cart.notes is None and store.cart.version == 1
    # And the partner (server-to-server, no consumer named) and Bob himself still reach it
    assert cases.carts.update(caller(Actor.partner()), cart.cart_id, CartEdits(notes="p")).cart.notes == "p"
    assert cases.carts.get_cart(caller(BOB), cart.cart_id).cart.notes == "p"


@pytest.mark.parametrize("use_case", ["submit", "record_payment", "cancel_by_consumer", "set_finalized"])
def test_every_consumer_write_is_scoped_by_the_actor(use_case: str) -> None:
    # Given Bob's cart
    cart = a_cart("bob")
    cases = compose(OneCartStore(cart))
    calls = {
        "submit": lambda c: cases.checkout.submit(c, cart.cart_id, CartEdits()),
        "record_payment": lambda c: cases.checkout.record_payment(c, cart.cart_id, "Cash", Decimal(5)),
        "cancel_by_consumer": lambda c: cases.checkout.cancel_by_consumer(c, cart.cart_id),
        "set_finalized": lambda c: cases.carts.set_finalized(c, cart.cart_id, None, True),
    }
    # When Alice calls the use case on it / Then the cart is missing to her
    with pytest.raises(NotFound):
        calls[use_case](caller(ALICE))


def test_the_pos_sees_a_cart_only_once_it_is_submitted() -> None:
    # Given an open cart and a submitted one
    editing, submitted = a_cart("bob"), a_cart("bob", submitted=True)
    # When the POS reads each / Then the open one is missing, the submitted one is read
    with pytest.raises(NotFound):
        compose(OneCartStore(editing)).carts.get_cart(caller(Actor.pos()), editing.cart_id)
    assert compose(OneCartStore(submitted)).carts.get_cart(caller(Actor.pos()), submitted.cart_id).cart.owner_id
    # And the consumer, who reaches both, sees the open one
    assert compose(OneCartStore(editing)).carts.get_cart(caller(BOB), editing.cart_id)


def test_history_and_claiming_a_cart_need_an_owner_actor() -> None:
    # Given a guest cart
    cart = a_cart(None)
    cases = compose(OneCartStore(cart))
    # When the partner asks for history or claims the cart for Alice / Then it is refused (401)
    with pytest.raises(Unauthorized):
        cases.carts.consumer_history(caller(Actor.partner()), 0, 10)
    with pytest.raises(Unauthorized):
        cases.identity.assign_consumer(caller(Actor.partner()), cart.cart_id, "alice")
    # And Bob cannot claim it for Alice (404: Alice is not his to name)
    with pytest.raises(NotFound):
        cases.identity.assign_consumer(caller(BOB), cart.cart_id, "alice")


def test_an_owner_actor_needs_its_id() -> None:
    with pytest.raises(ValidationError):
        Actor(kind=ActorKind.CONSUMER)


def test_a_caller_must_say_who_acts() -> None:
    # A face that forgets the actor fails loudly instead of reaching every cart.
    with pytest.raises(ValidationError):
        Caller(tenant_id="t", location_id="l")  # type: ignore[call-arg]


# ----- identity keys ---------------------------------------------------------------------------


def test_the_owner_key_comes_before_the_guest_keys_the_face_sent() -> None:
    guests = [IdentityKey("session", ""), IdentityKey("external", "e1")]
    assert primary_key(caller(ALICE), guests) == IdentityKey("consumer", "alice")
    assert primary_key(caller(Actor.partner()), guests) == IdentityKey("external", "e1")  # empty skipped
    assert primary_key(caller(Actor.partner()), []) is None


def test_a_guest_key_stops_naming_a_cart_once_a_consumer_owns_it() -> None:
    guest, owned = a_cart(None), a_cart("alice")
    assert answers_to(guest, IdentityKey("session", "s1"))
    assert not answers_to(owned, IdentityKey("session", "s1"))
    assert answers_to(owned, IdentityKey("consumer", "alice"))
    assert identity_keys(owned) == [IdentityKey("consumer", "alice"), IdentityKey("session", "s1")]


# ----- tax categories ------------------------------------------------------------------------


def test_a_location_stored_with_the_old_tax_kind_reads_as_its_category() -> None:
    # Given a location item written before the category was neutral (BLAZE bucket names in "kind")
    stored = {
        "tenant_id": "t",
        "location_id": "l",
        "name": "L",
        "tax_rates": [
            {"name": "State", "percent": "6.25", "kind": "state"},
            {"name": "City", "percent": "2", "kind": "city"},
            {"name": "County", "percent": "1", "kind": "county"},
            {"name": "Fed", "percent": "1", "kind": "federal"},
        ],
    }
    # When it is loaded
    location = Location.model_validate_json(json.dumps(stored))
    # Then each rate has its neutral category, and is written back under the new name only
    assert [r.category for r in location.tax_rates] == ["regional", "municipal", "district", "national"]
    assert "kind" not in location.tax_rates[0].model_dump()


def test_blaze_reports_each_category_in_its_tax_result_bucket() -> None:
    # Given one rate of each category
    rates = tuple(
        TaxRate(name=c, percent=Decimal(p), category=c)  # type: ignore[arg-type]
        for c, p in [("regional", "10"), ("municipal", "5"), ("district", "2"), ("national", "1")]
    )
    location = Location(tenant_id="t", location_id="l", name="L", tax_rates=rates)
    cart = a_cart("alice")
    cart.lines[0].unit_price_minor = 10000
    # When BLAZE renders the cart
    from cart_core.usecases.shared import PricedCart

    result = consumer_cart(PricedCart(cart, price(cart, location), location))["cart"]["taxResult"]
    # Then each bucket holds its category's tax
    assert (result["totalStateTax"], result["totalCityTax"], result["totalCountyTax"], result["totalFedTax"]) == (
        10,
        5,
        2,
        1,
    )
    assert set(TAX_RESULT_BUCKET) == {"regional", "municipal", "district", "national"}
