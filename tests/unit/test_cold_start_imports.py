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


@pytest.mark.parametrize("face", ["blaze_cart", "loke_cart", "medusa_store"])
def test_a_face_imports_neither_boto3_nor_its_response_models(face: str) -> None:
    # Given a fresh interpreter, When a face's handler module is imported (its clients built at init)
    loaded = _modules_after(f"import {face}.app")
    # Then its clients are botocore's (store/clients.py) and its response models, documentation only,
    # are left to the OpenAPI document (cart_core.responses)
    assert not {"boto3", "s3transfer", f"{face}.responses"} & loaded, {
        "boto3",
        "s3transfer",
        f"{face}.responses",
    } & loaded


# ----- what a face's cold start leaves for later (docs/architecture.md, Import discipline) ----------

# The use case areas a face's first request does not need: each is imported when first used
# (cart_core.usecases.UseCases), so re-adding an eager import of one fails here; likewise the providers.
AREAS_LEFT_FOR_LATER = {
    "cart_core.usecases.checkout",
    "cart_core.usecases.payments",
    "cart_core.usecases.pos_validation",
    "cart_core.usecases.regions",
    "cart_core.usecases.checkout_configurations",
    "cart_core.usecases.gift_cards",
    "cart_core.usecases.subscriptions",
    "cart_core.payments",  # the payment providers: checkout's (cart.py and regions.py import them when used)
    # Records neither face's requests read (the store imports each where it reads it)
    "cart_core.customers",
    "cart_core.storefront",
    "cart_core.checkout_configuration",
    "cart_core.webhooks",
    "cart_core.envelope",
}


@pytest.mark.parametrize("face", ["blaze_cart", "loke_cart"])
def test_a_face_cold_start_imports_no_use_case_area_it_does_not_serve_first(face: str) -> None:
    # Given a fresh interpreter, When a face's handler module is imported (its clients built at init)
    loaded = _modules_after(f"import {face}.app")
    # Then checkout, payments, validation, regions, hosted checkout and subscriptions stayed out
    assert not AREAS_LEFT_FOR_LATER & loaded, AREAS_LEFT_FOR_LATER & loaded


# Mail, documents and cart tokens: only the routes that send, render or open one import them.
MAIL_AND_DOCUMENTS = {
    "jinja2",
    "cart_core.receipts",
    "cart_core.documents",
    "cart_core.mail",
    "cart_core.store.ses",
    "cart_core.cart_tokens",
    "cart_core.usecases.documents",
    "cryptography.hazmat.primitives.ciphers.aead",
}


@pytest.mark.parametrize("face", ["blaze_cart", "loke_cart", "medusa_store", "newstore_shopping"])
def test_a_face_cold_start_leaves_mail_documents_and_cart_tokens_for_later(face: str) -> None:
    # Given a fresh interpreter, When a face's handler module is imported
    loaded = _modules_after(f"import {face}.app")
    # Then Jinja2, the receipts, the SES adapter and the token cipher stayed out (NewStore's document
    # route reads only the mail port's address bound, a module of constants and a regex)
    unwanted = MAIL_AND_DOCUMENTS - ({"cart_core.mail"} if face == "newstore_shopping" else set())
    assert not unwanted & loaded, unwanted & loaded


def test_an_area_is_imported_when_first_used_and_built_once() -> None:
    # Given use cases composed in a fresh interpreter
    code = (
        "import sys\n"
        "from cart_core.usecases import compose\n"
        "from tests.unit.test_cold_start_imports import _NoStore\n"
        "cases = compose(_NoStore())\n"
        "before = 'cart_core.usecases.checkout' in sys.modules\n"
        "same = cases.checkout is cases.checkout\n"
        "print('RESULT', before, same, 'cart_core.usecases.checkout' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=_env())
    # Then checkout was not imported by compose, and its first use imported and built it once
    assert "RESULT False True True" in out.stdout


class _NoStore:
    """compose() only keeps its store: nothing here is called."""


# Models few functions use, imported by some that do not (the workers, the Medusa face): their
# validators are built on first use (defer_build), not at import.
DEFERRED_MODELS = {
    "cart_core.checkout_configuration": ("CheckoutSettings", "CheckoutConfiguration"),
    "cart_core.webhooks": ("WebhookSubscription",),
    "cart_core.envelope": ("SealedSecret",),
}


def test_rarely_used_models_are_not_built_by_a_face_cold_start() -> None:
    # Given a fresh interpreter that imported a face
    checks = "; ".join(
        f"import {module}; print('{module}.{name}', {module}.{name}.__pydantic_complete__)"
        for module, names in DEFERRED_MODELS.items()
        for name in names
    )
    out = subprocess.run(
        [sys.executable, "-c", f"import blaze_cart.app; {checks}"],
        capture_output=True,
        text=True,
        check=True,
        env=_env(),
    )
    # Then none of these models was built
    built = [line for line in out.stdout.splitlines() if line.endswith("True")]
    assert not built, built


def test_a_deferred_model_still_validates_as_before() -> None:
    # Given a deferred model, When it is first used, Then it validates (and refuses) as a built one does
    from pydantic import ValidationError

    from cart_core.envelope import SealedSecret

    sealed = SealedSecret.model_validate({"encrypted_key": "a", "nonce": "b", "ciphertext": "c"})
    assert sealed.scheme == "kms-aes256gcm-v1"
    with pytest.raises(ValidationError):
        SealedSecret.model_validate({"nonce": "b"})


def _env() -> dict[str, str]:
    return {**os.environ, "TABLE_NAME": "cart-table", "AWS_DEFAULT_REGION": "us-east-1"}


# ----- init without the cyclic garbage collector (cart_core.coldstart) ----------------------------

FUNCTIONS = [
    "blaze_cart",
    "loke_cart",
    "stream_outbox",
    "validation_worker",
    "webhook_worker",
    "deadline_worker",
    "payment_worker",
]
WORKER_ENV = {
    "WEBHOOK_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/webhooks",
    "DEADLINE_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/deadlines",
    "WEBHOOK_DLQ_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/webhooks-dlq",
    "EVENT_BUS_NAME": "cart-bus",
}


@pytest.mark.parametrize("function", FUNCTIONS)
def test_a_function_inits_in_the_init_phase_and_leaves_the_collector_on(function: str) -> None:
    # Given a fresh interpreter, When a function's handler module is imported
    code = f"import gc, {function}.app; print('RESULT', gc.isenabled(), gc.get_freeze_count() > 0)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**_env(), **WORKER_ENV})
    assert out.returncode == 0, out.stderr[-2000:]
    # Then what its init built was frozen (it ran in init_phase) and the collector is on for invocations
    assert "RESULT True True" in out.stdout


def test_the_init_phase_switches_the_collector_off_and_back_on_and_freezes() -> None:
    import gc

    from cart_core.coldstart import init_phase

    # Given the collector on, When init runs in the init phase
    assert gc.isenabled()
    with init_phase():
        during = gc.isenabled()
    # Then it ran without the collector, which is on again after it
    assert during is False and gc.isenabled()
    gc.unfreeze()  # this test process goes on collecting what it froze


def test_a_failed_init_leaves_the_collector_on() -> None:
    import gc

    from cart_core.coldstart import init_phase

    # Given an init that fails (a missing setting)
    with pytest.raises(RuntimeError), init_phase():
        raise RuntimeError("TABLE_NAME is not set")
    # Then the process (the tests, the local cloud) still collects
    assert gc.isenabled()


def test_an_init_inside_another_leaves_the_collector_as_the_outer_one_set_it() -> None:
    import gc

    from cart_core.coldstart import init_phase

    # Given an init phase in progress (the local cloud importing a function inside another's init)
    with init_phase():
        with init_phase():
            pass
        # Then the inner one did not switch the collector back on under the outer one
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.unfreeze()
