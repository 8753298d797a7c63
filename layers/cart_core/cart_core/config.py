"""Runtime settings, parsed once from the environment. A missing or bad value fails the cold start."""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)
    table_name: str = Field(min_length=3)
    # How long a submitted or finished order is kept before DynamoDB TTL removes it.
    order_retention_days: int = Field(default=365, gt=0)


@lru_cache(maxsize=1)
def settings() -> Settings:
    import os

    return Settings(
        table_name=os.environ.get("TABLE_NAME", ""),
        order_retention_days=os.environ.get("ORDER_RETENTION_DAYS", "365"),
    )
