"""The unit of work against a recording store (no AWS): what one attempt hands the store, when it
starts over, and when a failed condition is the domain's answer rather than a race."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from cart_core.cart import Cart
from cart_core.clock import FrozenClock
from cart_core.errors import ConcurrentModification, Conflict
from cart_core.ports import Add, Claim, Intent, Key, Put, ReadSet, Release, Snapshot, VersionConflict
from cart_core.unit_of_work import MAX_ATTEMPTS, UnitOfWork, Work

EMAIL = Key("claim", ("t", "alice@example.com"))


class RecordingStore:
    """Records every write; refuses the next ones with the given failures (positions of failed intents)."""

    def __init__(self, *refusals: Sequence[int]) -> None:
        self.refusals = list(refusals)
        self.writes: list[list[Intent]] = []
        self.reads = 0

    def read(self, reads: ReadSet) -> Snapshot:
        self.reads += 1
        return Snapshot()

    def write(self, intents: Sequence[Intent]) -> None:
        self.writes.append(list(intents))
        if self.refusals:
            raise VersionConflict(failed=self.refusals.pop(0))


def _cart() -> Cart:
    cart = Cart(tenant_id="t", location_id="l", currency="USD")
    cart.version = 3
    return cart


def _uow(store: RecordingStore, sleeps: list[float] | None = None) -> UnitOfWork:
    return UnitOfWork(store, clock=FrozenClock(1_000.0), sleep=(sleeps if sleeps is not None else []).append)


def test_the_intents_of_one_attempt_reach_the_store_as_one_write_in_the_order_staged() -> None:
    # Given an attempt that reads once and stages a put, a claim, a release and a bounded add
    store, cart = RecordingStore(), _cart()

    def attempt(work: Work) -> None:
        work.read(ReadSet("t", "l", cart.cart_id))
        work.put(cart, 3)
        work.claim(EMAIL, cart.cart_id)
        work.release(Key("active", ("t", "l", "session", "s1")), cart.cart_id)
        work.add(Key("counter", ("t", "TENOFF")), "uses", 1, maximum=100)
        work.commit()

    # When it runs
    _uow(store).run(attempt)
    # Then the store got one read and one write holding all four, typed, and the cart's version moved on
    assert store.reads == 1 and len(store.writes) == 1
    assert [type(intent) for intent in store.writes[0]] == [Put, Claim, Release, Add]
    assert cart.version == 4


def test_nothing_staged_is_no_write() -> None:
    store = RecordingStore()
    _uow(store).run(lambda work: work.commit())
    assert store.writes == []


def test_a_lost_version_race_is_retried_from_the_read_and_the_version_moves_only_on_success() -> None:
    # Given a store whose first write loses a race (the put's version was stale)
    store, cart, sleeps = RecordingStore((0,)), _cart(), []
    versions_seen = []

    def attempt(work: Work) -> str:
        work.read(ReadSet("t", "l", cart.cart_id))
        versions_seen.append(cart.version)
        work.put(cart, cart.version)
        work.commit()
        return "done"

    # When the use case runs
    result = _uow(store, sleeps).run(attempt)
    # Then it started over from the read after one jittered pause, and committed once
    assert result == "done" and store.reads == 2 and len(store.writes) == 2 and len(sleeps) == 1
    assert versions_seen == [3, 3] and cart.version == 4


def test_a_claim_that_is_taken_is_the_domain_error_and_is_not_retried() -> None:
    # Given a claim on an e-mail someone else holds (the store reports the claim, intent 1, as failed)
    store, cart = RecordingStore((1,)), _cart()

    def attempt(work: Work) -> None:
        work.put(cart, 3)
        work.claim(EMAIL, cart.cart_id, conflict=lambda: Conflict("That e-mail belongs to another customer"))
        work.commit()

    # When the use case runs / Then the caller gets that error, after one write, and no version moved
    with pytest.raises(Conflict, match="another customer"):
        _uow(store).run(attempt)
    assert len(store.writes) == 1 and cart.version == 3


def test_a_bound_reached_is_the_domain_error() -> None:
    store = RecordingStore((0,))

    def attempt(work: Work) -> None:
        work.add(Key("counter", ("t", "gift-1")), "balance", -500, minimum=0, conflict=lambda: Conflict("No balance"))
        work.commit()

    with pytest.raises(Conflict, match="No balance"):
        _uow(store).run(attempt)
    assert len(store.writes) == 1


def test_a_failed_condition_without_a_domain_error_is_a_race_even_on_a_claim() -> None:
    # Given an order-number claim that collides once (no domain error: another draw will do)
    store, cart = RecordingStore((1,)), _cart()

    def attempt(work: Work) -> None:
        work.put(cart, cart.version)
        work.claim(Key.order_no("t", "123456789"), cart.cart_id)
        work.commit()

    # When it runs / Then it is tried again and commits
    _uow(store).run(attempt)
    assert len(store.writes) == 2 and cart.version == 4


def test_a_race_lost_every_time_ends_as_a_concurrent_modification() -> None:
    store = RecordingStore(*[()] * MAX_ATTEMPTS)

    def attempt(work: Work) -> None:
        work.put(_cart(), 3)
        work.commit()

    with pytest.raises(ConcurrentModification):
        _uow(store).run(attempt)
    assert 1 < len(store.writes) <= MAX_ATTEMPTS


def test_a_race_lost_by_an_attempt_slower_than_the_budget_is_still_tried_once_more(monkeypatch) -> None:
    # Given a store so slow that each attempt takes longer than the whole retry budget, and whose
    # first write is refused (as the SDK's retry of a write that was applied is)
    import cart_core.unit_of_work as uow_module

    now = [0.0]

    def slow_clock() -> float:
        now[0] += uow_module.RETRY_BUDGET_SECONDS + 1
        return now[0]

    monkeypatch.setattr(uow_module.time, "monotonic", slow_clock)
    store, cart = RecordingStore((0,), (0,)), _cart()

    def attempt(work: Work) -> str:
        work.read(ReadSet("t", "l", cart.cart_id))
        work.put(cart, 3)
        work.commit()
        return "written"

    # When it runs / Then the second attempt is made (its read would find a write that landed), and
    # the third is not: past the budget, a second lost race is a 409
    with pytest.raises(ConcurrentModification):
        _uow(store).run(attempt)
    assert store.reads == 2 and len(store.writes) == 2
