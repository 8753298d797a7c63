"""Runtime settings: one pydantic model, parsed once from the environment.

A plain ``BaseModel`` validated from the variables it names, not pydantic-settings: that package
costs ~40 ms of every cold start (docs/architecture.md, Import discipline) for what is here a dict of
the set, non-empty variables by their exact names.

A missing or bad value fails the cold start with one ConfigurationError that names every variable
at fault, by the name template.yaml sets (never by the Python field name).
"""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class ConfigurationError(RuntimeError):
    """The function's environment is missing a variable it needs, or one has a value it cannot use."""


class Settings(BaseModel):
    # Each field reads exactly the variable in its alias (case-sensitive, as Lambda's environment is);
    # an empty value counts as unset, so a template parameter left at "" falls back to the default
    # (``_parse``). Only the environment is read: no .env file or secrets directory can change
    # a deployed function.
    model_config = ConfigDict(frozen=True, extra="ignore")

    table_name: str = Field(alias="TABLE_NAME", min_length=3)  # runtime.credential_table knows
    # How long a submitted or finished order is kept before DynamoDB TTL removes it.
    order_retention_days: int = Field(default=365, gt=0, alias="ORDER_RETENTION_DAYS")
    event_bus_name: str | None = Field(default=None, alias="EVENT_BUS_NAME")
    webhook_queue_url: str | None = Field(default=None, alias="WEBHOOK_QUEUE_URL")
    webhook_dead_letter_queue_url: str | None = Field(default=None, alias="WEBHOOK_DLQ_URL")
    deadline_queue_url: str | None = Field(default=None, alias="DEADLINE_QUEUE_URL")
    # Overrides every location's PENDING deadline (the local cloud and tests shorten it).
    validation_timeout_seconds: int | None = Field(default=None, gt=0, alias="CART_VALIDATION_TIMEOUT_SECONDS")
    webhook_retry_base_seconds: int = Field(default=10, ge=0, alias="WEBHOOK_RETRY_BASE_SECONDS")
    webhook_timeout_seconds: float = Field(default=5, gt=0, alias="WEBHOOK_TIMEOUT_SECONDS")
    # The local cloud only: webhook URLs may use http and loopback addresses (cart_core.outbound).
    allow_loopback_webhook_urls: bool = Field(default=False, alias="ALLOW_LOOPBACK_WEBHOOK_URLS")
    # KMS key that seals webhook secrets (envelope encryption, cart_core.envelope).
    webhook_secret_key_id: str | None = Field(default=None, alias="WEBHOOK_SECRET_KEY_ID")
    # Secrets Manager ids (ARNs) of the storefront's signing secrets: customer JWTs and session
    # cookies (cart_core.runtime.auth_secrets). Only the functions that sign customers in set them.
    jwt_secret_id: str | None = Field(default=None, alias="JWT_SECRET_ID")
    cookie_secret_id: str | None = Field(default=None, alias="COOKIE_SECRET_ID")
    # Secrets Manager id (ARN) of the key of API clients' access tokens (NewStore, cart_core.client_tokens).
    # cart_core.runtime.client_token_key reads the variable itself: the authorizer does without pydantic.
    client_token_secret_id: str | None = Field(default=None, alias="CLIENT_TOKEN_SECRET_ID")
    # Whether session cookies are sent only over HTTPS (``Secure``): on in AWS, off in the local
    # cloud, which serves plain http on localhost.
    secure_cookies: bool = Field(default=True, alias="SECURE_COOKIES")
    # The Medusa storefront face: the origins its browser storefronts call from (Medusa's store_cors,
    # comma-separated); answers carry CORS headers with credentials for them (the session cookie).
    store_cors: str | None = Field(default=None, alias="STORE_CORS")
    # Set for a non-AWS endpoint (the local cloud); webhooks may never point at it.
    aws_endpoint_url: str | None = Field(default=None, alias="AWS_ENDPOINT_URL")

    def require(self, *names: str) -> Settings:
        """Fail unless the named optional settings are set (a worker calls it at import, so a
        misconfigured function fails its cold start, not its first message)."""
        missing = [env_name(name) for name in names if getattr(self, name) in (None, "")]
        if missing:
            raise ConfigurationError(f"Missing configuration: {', '.join(missing)}")
        return self


def env_name(field: str) -> str:
    """The environment variable a setting is read from."""
    return Settings.model_fields[field].alias or field


ENV_NAMES = tuple(env_name(field) for field in Settings.model_fields)


def settings() -> Settings:
    """Parsed once per process on Lambda. Keyed by the values, so the local cloud, which hosts every
    function in one process (each thread sees its own function's environment), still gives each
    function the settings of its own environment."""
    return _parse(tuple(os.environ.get(name) for name in ENV_NAMES))


@lru_cache(maxsize=16)
def _parse(raw: tuple[str | None, ...]) -> Settings:
    try:
        return Settings.model_validate(
            {name: value for name, value in zip(ENV_NAMES, raw, strict=True) if value not in (None, "")}
        )
    except ValidationError as invalid:
        raise ConfigurationError(_describe(invalid)) from None


def _describe(invalid: ValidationError) -> str:
    """One line per variable at fault, without its value (a future variable may hold a secret)."""
    problems = []
    for error in invalid.errors(include_url=False, include_input=False):
        name = str(error["loc"][0]) if error["loc"] else "environment"
        problems.append(f"{name} is not set" if error["type"] == "missing" else f"{name}: {error['msg']}")
    return "Invalid configuration: " + "; ".join(problems)


settings.cache_clear = _parse.cache_clear  # type: ignore[attr-defined]
