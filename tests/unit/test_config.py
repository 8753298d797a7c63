"""Settings (cart_core.config): read from the variables template.yaml sets, parsed once, and a bad
environment fails with one error that names each variable at fault."""

from __future__ import annotations

import importlib
import sys

import pytest

from cart_core import config
from cart_core.config import ConfigurationError, settings
from tests.conftest import TEMPLATE


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch):
    """A clean environment of the settings' variables (TABLE_NAME set) and a cold settings cache."""
    for name in config.ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TABLE_NAME", "cart-table")
    settings.cache_clear()
    yield monkeypatch
    settings.cache_clear()


def test_every_variable_the_template_sets_for_the_code_is_a_setting() -> None:
    # Given every environment variable of every function in template.yaml, less Powertools' own
    names = {
        name
        for spec in TEMPLATE.functions().values()
        for name in spec.environment
        if not name.startswith("POWERTOOLS_")
    }
    # Then each is read by a setting, under exactly that name
    assert names, "the template sets no variables?"
    assert names <= set(config.ENV_NAMES), names - set(config.ENV_NAMES)


def test_a_worker_names_the_queue_variables_it_requires_by_their_environment_names(env) -> None:
    # Given an environment without the webhook worker's dead-letter queue
    # When a function requires it
    with pytest.raises(ConfigurationError) as refused:
        settings().require("webhook_queue_url", "webhook_dead_letter_queue_url")
    # Then the error names the variable to set (WEBHOOK_DLQ_URL), not the Python field
    assert str(refused.value) == "Missing configuration: WEBHOOK_QUEUE_URL, WEBHOOK_DLQ_URL"
    # And once both are set, require returns the settings
    env.setenv("WEBHOOK_QUEUE_URL", "https://sqs/q")
    env.setenv("WEBHOOK_DLQ_URL", "https://sqs/dlq")
    assert settings().require("webhook_queue_url", "webhook_dead_letter_queue_url").webhook_dead_letter_queue_url


def test_defaults_apply_and_an_empty_value_counts_as_unset(env) -> None:
    # Given the template's empty validation-timeout override and no other optional variable
    env.setenv("CART_VALIDATION_TIMEOUT_SECONDS", "")
    # When the settings are read
    parsed = settings()
    # Then every optional setting has its default
    assert parsed.table_name == "cart-table"
    assert parsed.validation_timeout_seconds is None
    assert parsed.order_retention_days == 365
    assert parsed.webhook_retry_base_seconds == 10
    assert parsed.webhook_timeout_seconds == 5
    assert parsed.allow_loopback_webhook_urls is False


def test_values_are_typed(env) -> None:
    # Given every setting set as text
    for name, value in {
        "ORDER_RETENTION_DAYS": "30",
        "CART_VALIDATION_TIMEOUT_SECONDS": "120",
        "WEBHOOK_RETRY_BASE_SECONDS": "0",
        "WEBHOOK_TIMEOUT_SECONDS": "2.5",
        "ALLOW_LOOPBACK_WEBHOOK_URLS": "true",
        "EVENT_BUS_NAME": "bus",
    }.items():
        env.setenv(name, value)
    # When they are read, then each has its type
    parsed = settings()
    assert (parsed.order_retention_days, parsed.validation_timeout_seconds) == (30, 120)
    assert (parsed.webhook_retry_base_seconds, parsed.webhook_timeout_seconds) == (0, 2.5)
    assert parsed.allow_loopback_webhook_urls is True
    assert parsed.event_bus_name == "bus"


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("TABLE_NAME", "ab", "at least 3 characters"),
        ("ORDER_RETENTION_DAYS", "a year", "valid integer"),
        ("ORDER_RETENTION_DAYS", "0", "greater than 0"),
        ("CART_VALIDATION_TIMEOUT_SECONDS", "-5", "greater than 0"),
        ("WEBHOOK_RETRY_BASE_SECONDS", "-1", "greater than or equal to 0"),
        ("WEBHOOK_TIMEOUT_SECONDS", "0", "greater than 0"),
        ("WEBHOOK_TIMEOUT_SECONDS", "soon", "valid number"),
        ("ALLOW_LOOPBACK_WEBHOOK_URLS", "maybe", "valid boolean"),
    ],
)
def test_an_invalid_value_fails_with_the_variable_it_came_from(env, name: str, value: str, reason: str) -> None:
    # Given one variable with a value the setting cannot take
    env.setenv(name, value)
    # When the settings are read
    with pytest.raises(ConfigurationError) as refused:
        settings()
    # Then one error names that variable and why
    message = str(refused.value)
    assert message.startswith(f"Invalid configuration: {name}: "), message
    assert reason in message


def test_the_error_does_not_repeat_the_value(env) -> None:
    # Given a bad value that could be something private
    env.setenv("WEBHOOK_TIMEOUT_SECONDS", "hunter2-not-a-number")
    # Then the error names the variable but not its value (a future setting may hold a secret)
    with pytest.raises(ConfigurationError, match="WEBHOOK_TIMEOUT_SECONDS") as refused:
        settings()
    assert "hunter2" not in str(refused.value)


def test_a_missing_table_name_and_a_bad_value_are_named_in_one_error(env) -> None:
    # Given no TABLE_NAME and a bad retention
    env.delenv("TABLE_NAME")
    env.setenv("ORDER_RETENTION_DAYS", "-1")
    # When the settings are read
    with pytest.raises(ConfigurationError) as refused:
        settings()
    # Then one error lists both, by their variable names
    message = str(refused.value)
    assert "TABLE_NAME is not set" in message
    assert "ORDER_RETENTION_DAYS: Input should be greater than 0" in message


def test_only_the_exact_variable_name_counts(env) -> None:
    # Given the table name only under a lower-case name (Lambda's environment is case-sensitive)
    env.delenv("TABLE_NAME")
    env.setenv("table_name", "cart-table")
    # Then it is not set
    with pytest.raises(ConfigurationError, match="TABLE_NAME is not set"):
        settings()


def test_parsed_once_per_environment(env) -> None:
    # Given settings read once
    first = settings()
    # When they are read again with the same environment, then it is the same object (no new parse)
    assert settings() is first
    # And a different environment (another function of the local cloud) gets its own settings
    env.setenv("WEBHOOK_RETRY_BASE_SECONDS", "3")
    assert settings() is not first
    assert settings().webhook_retry_base_seconds == 3


def test_settings_are_frozen(env) -> None:
    with pytest.raises(ValueError, match="frozen"):
        settings().table_name = "other"  # type: ignore[misc]


def test_a_dotenv_file_is_never_read(env, tmp_path, monkeypatch) -> None:
    # Given a .env file in the working directory with a table name, and none in the environment
    env.delenv("TABLE_NAME")
    (tmp_path / ".env").write_text("TABLE_NAME=from-dotenv\n")
    monkeypatch.chdir(tmp_path)
    # Then the settings ignore it: a deployed function's configuration is its environment only
    with pytest.raises(ConfigurationError, match="TABLE_NAME is not set"):
        settings()


def test_a_worker_without_its_queue_fails_its_cold_start_naming_the_variable(env) -> None:
    # Given the deadline worker's environment without DEADLINE_QUEUE_URL
    previous = sys.modules.pop("deadline_worker.app", None)
    try:
        # When its module is imported (Lambda's init phase)
        with pytest.raises(ConfigurationError, match="DEADLINE_QUEUE_URL"):
            importlib.import_module("deadline_worker.app")
    finally:
        sys.modules.pop("deadline_worker.app", None)
        if previous is not None:
            sys.modules["deadline_worker.app"] = previous
