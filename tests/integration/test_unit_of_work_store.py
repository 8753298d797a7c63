"""The DynamoDB adapter executing write intents: one intent is one conditional single-item call,
several are one TransactWriteItems, and a failed condition names the intent that failed."""

from __future__ import annotations

import time

import pytest

from cart_core.cart import Cart
from cart_core.errors import Conflict
from cart_core.ports import Add, Claim, Key, Put, ReadSet, Release, VersionConflict
from cart_core.store import keys
from cart_core.unit_of_work import UnitOfWork, Work

COUNTER = Key("counter", ("demo", "TENOFF-uses"))


def _cart() -> Cart:
    return Cart(tenant_id="demo", location_id="main", currency="USD", expires_at=int(time.time()) + 600)


def _counter(store) -> int | None:
    pk, sk = keys.item_key(COUNTER.kind, COUNTER.parts)
    item = store.client.get_item(
        TableName=store.table_name, Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True
    ).get("Item")
    return int(item["uses"]["N"]) if item else None


def test_one_intent_is_one_single_item_call_and_several_are_one_transaction(store, dynamo_calls) -> None:
    cart = _cart()
    cases = [
        ([Put(cart, None)], {"PutItem": 1}),
        ([Release(Key.public("demo", "nobody"), cart.cart_id)], {"DeleteItem": 1}),
        ([Add(COUNTER, "uses", 1, maximum=10)], {"UpdateItem": 1}),
        ([Put(cart, 1), Claim(Key.public("demo", cart.public_key), cart.cart_id)], {"TransactWriteItems": 1}),
    ]
    for intents, expected in cases:
        # When the intents are written / Then exactly the expected call was made
        dynamo_calls.reset()
        store.write(intents)
        assert dict(dynamo_calls.calls) == expected, intents
        if isinstance(intents[0], Put):
            cart.version = (intents[0].version or 0) + 1  # as the unit of work records it
    assert store.read_public_pointer("demo", cart.public_key) == cart.cart_id


def test_a_taken_claim_fails_the_whole_transaction_and_names_itself(store) -> None:
    # Given an order number already claimed by another cart
    store.write([Claim(Key.order_no("demo", "123456789"), "someone-else")])
    cart = _cart()
    # When a new cart and the same claim are written together
    with pytest.raises(VersionConflict) as refused:
        store.write([Put(cart, None), Claim(Key.order_no("demo", "123456789"), cart.cart_id)])
    # Then the claim (intent 1) is named, and the cart was not written either
    assert refused.value.failed == (1,)
    assert store.load("demo", "main", cart.cart_id).cart is None


def test_a_claim_with_a_domain_error_surfaces_it_through_the_unit_of_work(store) -> None:
    store.write([Claim(Key.order_no("demo", "555"), "first")])
    attempts = []

    def attempt(work: Work) -> None:
        attempts.append(1)
        work.put(_cart(), None)
        work.claim(Key.order_no("demo", "555"), "second", conflict=lambda: Conflict("Order number 555 is taken"))
        work.commit()

    with pytest.raises(Conflict, match="555 is taken"):
        UnitOfWork(store).run(attempt)
    assert len(attempts) == 1  # not retried: trying again cannot free the claim


def test_a_bounded_add_counts_up_to_its_bound_and_no_further(store) -> None:
    # Given a counter bounded at 3 / When it is added to four times
    for _ in range(3):
        store.write([Add(COUNTER, "uses", 1, maximum=3)])
    with pytest.raises(VersionConflict):
        store.write([Add(COUNTER, "uses", 1, maximum=3)])
    # Then it stopped at 3; and taking 2 away with a floor of 0 works once, then is refused
    assert _counter(store) == 3
    store.write([Add(COUNTER, "uses", -2, minimum=0)])
    with pytest.raises(VersionConflict):
        store.write([Add(COUNTER, "uses", -2, minimum=0)])
    assert _counter(store) == 1


def test_an_absent_counter_is_not_taken_below_its_floor(store) -> None:
    with pytest.raises(VersionConflict):
        store.write([Add(COUNTER, "uses", -1, minimum=0)])
    assert _counter(store) is None


def test_a_lost_version_race_against_the_table_is_retried_from_a_fresh_read(store) -> None:
    # Given a stored cart, and a rival that changes it between this use case's read and its write
    cart = _cart()
    uow = UnitOfWork(store, sleep=lambda _: None)
    uow.run(lambda work: (work.put(cart, None), work.commit()))
    rival = store.load("demo", "main", cart.cart_id).cart
    seen = []

    def attempt(work: Work) -> None:
        mine = work.read(ReadSet("demo", "main", cart.cart_id)).cart
        seen.append(mine.version)
        if len(seen) == 1:  # the rival commits first
            rival.notes = "rival"
            store.write([Put(rival, rival.version)])
        mine.additional_notes = "mine"
        work.put(mine, mine.version)
        work.commit()

    # When the use case runs
    uow.run(attempt)
    # Then its first write lost, the retry read the rival's version, and both changes are stored
    stored = store.load("demo", "main", cart.cart_id).cart
    assert seen == [1, 2] and (stored.notes, stored.additional_notes, stored.version) == ("rival", "mine", 3)
