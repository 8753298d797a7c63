"""Import discipline (docs/architecture.md): a function's cold start imports what its path uses. The
authorizer (one GetItem and a hash compare) imports neither pydantic nor the cart model nor X-Ray, and
the runtime builders import their adapters only when called."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cart_core import config, runtime
from cart_core.config import ConfigurationError


def _modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code`` (outside Lambda: no tracing)."""
    probe = f"{code}\nimport sys; print('\\n'.join(sys.modules))"
    env = {**os.environ, "TABLE_NAME": "cart-table", "AWS_DEFAULT_REGION": "us-east-1"}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env)
    return set(done.stdout.split())


def test_the_authorizer_and_its_credential_table_import_no_powertools_no_pydantic_no_cart_model_no_xray() -> None:
    # Given a fresh interpreter, When the authorizer is imported and its credential table built
    loaded = _modules_after("import authorizer.app\nfrom cart_core import runtime\nruntime.credential_table()")
    # Then nothing it does not use was imported: it logs on the standard library (authorizer/telemetry.py)
    unwanted = {"pydantic", "cart_core.cart", "cart_core.store.dynamodb", "cart_core.usecases", "cart_core.config"}
    assert not unwanted & loaded, unwanted & loaded
    heavy = ("aws_lambda_powertools", "aws_xray_sdk", "pydantic", "yaml", "requests")
    assert not {name for name in loaded if name.startswith(heavy)}, sorted(n for n in loaded if n.startswith(heavy))


def test_every_function_gets_the_snapstart_hooks_through_the_runtime() -> None:
    # Lambda runs only the hooks of modules the handler's module imported (cart_core.snapstart)
    for handler in ("authorizer.app", "blaze_cart.app", "loke_cart.app"):
        assert "cart_core.snapstart" in _modules_after(f"import {handler}"), handler


def test_importing_the_runtime_builds_and_imports_no_adapter() -> None:
    loaded = _modules_after("import cart_core.runtime")
    assert not {"cart_core.store.dynamodb", "cart_core.events.bus", "cart_core.store.kms", "boto3"} & loaded


@pytest.fixture
def cold(monkeypatch: pytest.MonkeyPatch):
    """No store built yet and no cached settings or table, as on a fresh authorizer."""
    for cached in (runtime.store, runtime._table, config.settings):
        cached.cache_clear()
    yield monkeypatch
    for cached in (runtime.store, runtime._table, config.settings):
        cached.cache_clear()


@pytest.mark.parametrize("table_name", ["", "ab"])
def test_the_credential_table_refuses_a_table_name_the_settings_refuse_with_their_error(cold, table_name) -> None:
    # Given a TABLE_NAME unset or too short for the settings
    cold.setenv("TABLE_NAME", table_name)
    # When the authorizer's credential table is built, Then it fails as every function does, naming the variable
    with pytest.raises(ConfigurationError, match="TABLE_NAME"):
        runtime.credential_table()


def test_the_credential_table_is_the_store_once_the_process_built_one(cold) -> None:
    # Given a process (the local cloud, the tests) that built its store
    cold.setenv("TABLE_NAME", "cart-table")
    cold.setenv("AWS_DEFAULT_REGION", "us-east-1")
    built = runtime.store()
    # Then the authorizer reads through the same store (one client, the same injected faults)
    assert runtime.credential_table() is built


def test_without_a_store_the_credential_table_is_a_bare_table_built_once(cold) -> None:
    cold.setenv("TABLE_NAME", "cart-table")
    cold.setenv("AWS_DEFAULT_REGION", "us-east-1")
    table = runtime.credential_table()
    assert type(table).__name__ == "DynamoTable" and table.table_name == "cart-table"
    assert runtime.credential_table() is table


@pytest.mark.parametrize("face", ["blaze_cart", "loke_cart"])
def test_a_face_imports_neither_its_devkit_nor_the_local_cloud_nor_xray(face: str) -> None:
    # Given a fresh interpreter, When a face's handler module is imported (its clients built at init)
    loaded = _modules_after(f"import {face}.app")
    # Then its development data (devkit.py), the local cloud and the X-Ray SDK stayed out
    unwanted = {name for name in loaded if name.endswith(".devkit") or name.startswith(("local.", "aws_xray_sdk"))}
    assert not unwanted, unwanted
