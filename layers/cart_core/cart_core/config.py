"""Runtime settings, parsed once from the environment. A missing or bad value fails the cold start."""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)
    table_name: str = Field(min_length=3)
    # How long a submitted or finished order is kept before DynamoDB TTL removes it.
    order_retention_days: int = Field(default=365, gt=0)
    event_bus_name: str | None = None
    webhook_queue_url: str | None = None
    webhook_dead_letter_queue_url: str | None = None
    deadline_queue_url: str | None = None
    # Overrides every location's PENDING deadline (the local cloud and tests shorten it).
    validation_timeout_seconds: int | None = Field(default=None, gt=0)
    webhook_retry_base_seconds: int = Field(default=10, ge=0)
    webhook_timeout_seconds: float = Field(default=5, gt=0)
    # The local cloud only: webhook URLs may use http and loopback addresses (cart_core.outbound).
    allow_loopback_webhook_urls: bool = False
    # KMS key that seals webhook secrets (envelope encryption, cart_core.envelope).
    webhook_secret_key_id: str | None = None
    # Set for a non-AWS endpoint (the local cloud); webhooks may never point at it.
    aws_endpoint_url: str | None = None

    def require(self, *names: str) -> Settings:
        missing = [name for name in names if getattr(self, name) in (None, "")]
        if missing:
            raise RuntimeError(f"Missing configuration: {', '.join(n.upper() for n in missing)}")
        return self


_ENV = {
    "table_name": "TABLE_NAME",
    "order_retention_days": "ORDER_RETENTION_DAYS",
    "event_bus_name": "EVENT_BUS_NAME",
    "webhook_queue_url": "WEBHOOK_QUEUE_URL",
    "webhook_dead_letter_queue_url": "WEBHOOK_DLQ_URL",
    "deadline_queue_url": "DEADLINE_QUEUE_URL",
    "validation_timeout_seconds": "CART_VALIDATION_TIMEOUT_SECONDS",
    "webhook_retry_base_seconds": "WEBHOOK_RETRY_BASE_SECONDS",
    "webhook_timeout_seconds": "WEBHOOK_TIMEOUT_SECONDS",
    "allow_loopback_webhook_urls": "ALLOW_LOOPBACK_WEBHOOK_URLS",
    "webhook_secret_key_id": "WEBHOOK_SECRET_KEY_ID",
    "aws_endpoint_url": "AWS_ENDPOINT_URL",
}


def settings() -> Settings:
    """Parsed once per process on Lambda. Keyed by the values, so the local cloud, which hosts every
    function in one process, still gives each function the settings of its own environment."""
    return _parse(tuple(os.environ.get(env, "") for env in _ENV.values()))


@lru_cache(maxsize=16)
def _parse(raw: tuple[str, ...]) -> Settings:
    values = {field: value for field, value in zip(_ENV, raw, strict=True) if value != ""}
    return Settings(**{"table_name": "", **values})


settings.cache_clear = _parse.cache_clear  # type: ignore[attr-defined]
