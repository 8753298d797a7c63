"""cart_core.snapstart: copies restored from one SnapStart snapshot share nothing made before it.

Lambda's runtime calls the hooks; here they are called directly, as it would, and the state each one
must renew is checked before and after."""

from __future__ import annotations

import gc
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from cart_core import runtime, snapstart
from cart_core.store import clients

FAKE_LIBRARY = """
registered = {"before": [], "after": []}
def register_before_snapshot(func, *args, **kwargs):
    registered["before"].append(func)
    return func
def register_after_restore(func, *args, **kwargs):
    registered["after"].append(func)
    return func
"""


@pytest.fixture
def process(monkeypatch) -> Iterator[pytest.MonkeyPatch]:
    """A function's process: its environment, no clients built yet, and everything put back afterwards."""
    monkeypatch.setenv("TABLE_NAME", "cart-table")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "init-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "init-secret")
    saved_sessions, saved_random = (boto3.DEFAULT_SESSION, clients._session), random.getstate()
    # as at init: no session yet (an earlier test's caches credentials)
    boto3.DEFAULT_SESSION = clients._session = None
    runtime.forget()
    yield monkeypatch
    runtime.forget()
    boto3.DEFAULT_SESSION, clients._session = saved_sessions
    random.setstate(saved_random)


def test_outside_lambda_importing_the_module_registers_nothing() -> None:
    # The tests, the local cloud, a function without SnapStart: no snapshot_restore_py
    assert snapstart.register() is False and snapstart.registered is False


def test_with_lambdas_library_the_hooks_are_registered(tmp_path: Path, monkeypatch) -> None:
    # Given Lambda's runtime library (a stand-in with its two registration functions)
    (tmp_path / "snapshot_restore_py.py").write_text(FAKE_LIBRARY)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "snapshot_restore_py", raising=False)
    # When the module registers
    assert snapstart.register() is True
    # Then priming runs before the snapshot and renewal after each restore
    import snapshot_restore_py  # type: ignore[import-not-found]

    assert snapshot_restore_py.registered == {"before": [snapstart.prime], "after": [snapstart.renew]}
    monkeypatch.delitem(sys.modules, "snapshot_restore_py")


def test_two_copies_restored_from_one_snapshot_draw_different_random_numbers(process) -> None:
    # Given the random state a snapshot holds (seeded at init, as any module may have done)
    random.seed(1234)
    snapshot = random.getstate()
    draws = []
    for _copy in range(2):
        # When a copy is restored from it
        random.setstate(snapshot)
        snapstart.renew()
        draws.append([random.random() for _ in range(4)])
    # Then the copies do not back off (or jitter anything) in step
    assert draws[0] != draws[1]


def test_after_a_restore_clients_credentials_and_connections_are_built_anew(process) -> None:
    # Given clients built at init, under the credentials of the snapshot's moment
    table, store = runtime.credential_table(), runtime.store()
    old_session = clients.session()
    old_credentials = old_session.get_credentials()
    assert old_credentials is not None and old_credentials.access_key == "init-key"
    # When the environment is restored (and the role's credentials are other ones by now)
    process.setenv("AWS_ACCESS_KEY_ID", "restore-key")
    snapstart.renew()
    # Then nothing built before is reused: the builders build again, from a new default session
    assert runtime.store.cache_info().currsize == 0 and runtime._table.cache_info().currsize == 0
    assert runtime.credential_table() is not table and runtime.store() is not store
    new_session = clients.session()
    assert new_session is not old_session
    assert new_session.get_credentials().access_key == "restore-key"  # type: ignore[union-attr]
    # And the parsed service models (no secrets in them) are kept, so a client costs little to rebuild
    assert new_session.get_component("data_loader") is old_session.get_component("data_loader")


def test_boto3s_default_session_is_renewed_too_when_a_library_made_one(process) -> None:
    # Given a library that made clients on boto3's default session before the snapshot
    old = boto3.Session()
    boto3.DEFAULT_SESSION = old
    # When the environment is restored
    snapstart.renew()
    # Then that session is a new one too, keeping the parsed models
    assert boto3.DEFAULT_SESSION is not old
    assert boto3.DEFAULT_SESSION._session.get_component("data_loader") is old._session.get_component("data_loader")


def test_a_restore_before_any_client_was_made_makes_no_session(process) -> None:
    snapstart.renew()
    assert boto3.DEFAULT_SESSION is None and clients._session is None


@pytest.fixture
def authorizer_app(process) -> Iterator[Any]:
    """The authorizer's module, imported for this test only: later tests (the local cloud's) import
    it again under their own environment."""
    process.setenv("POWERTOOLS_SERVICE_NAME", "authorizer")
    before = set(sys.modules)
    import authorizer.app

    yield authorizer.app
    for name in set(sys.modules) - before:
        if name == "authorizer" or name.startswith("authorizer."):
            del sys.modules[name]


def test_a_restored_copys_first_invocation_is_a_cold_start(process, authorizer_app) -> None:
    # Given the Powertools flags and the authorizer's own, spent (a priming invocation, say)
    from aws_lambda_powertools.logging import logger as powertools_logger
    from aws_lambda_powertools.metrics.provider import cold_start

    process.setattr(cold_start, "is_cold_start", False)
    process.setattr(powertools_logger, "is_cold_start", False)
    process.setattr(authorizer_app.observed, "cold_start", False)
    # When the environment is restored
    snapstart.renew()
    # Then each says cold again
    assert cold_start.is_cold_start and powertools_logger.is_cold_start and authorizer_app.observed.cold_start


@pytest.fixture
def primers(monkeypatch) -> Iterator[list]:
    registered: list = []
    monkeypatch.setattr(snapstart, "_primers", registered)
    yield registered
    gc.unfreeze()


def test_priming_runs_every_primer_even_after_one_fails_then_freezes_what_init_built(primers, caplog) -> None:
    ran: list[str] = []
    snapstart.before_snapshot(lambda: 1 / 0)
    snapstart.before_snapshot(lambda: ran.append("second"))
    # When Lambda is about to take the snapshot
    snapstart.prime()
    # Then the failing primer is logged and the next one still ran: a warm-up never stops a publication
    assert ran == ["second"]
    assert "SnapStart primer" in caplog.text
    # And what init left alive is out of the collector's reach in every restored copy
    assert gc.get_freeze_count() > 0


def test_the_authorizer_primes_its_credential_table_without_calling_anything(process, authorizer_app) -> None:
    # Given the authorizer's primers (its module registered them at import)
    assert runtime.credential_table in snapstart._primers
    # When the table is built before the snapshot with no AWS endpoint reachable, Then no call was made
    process.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    assert runtime.credential_table().table_name == "cart-table"
