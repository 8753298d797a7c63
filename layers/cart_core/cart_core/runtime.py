"""Process-wide objects a Lambda builds once per cold start."""

from __future__ import annotations

from functools import lru_cache

from cart_core.config import settings
from cart_core.services import CartService
from cart_core.store.dynamodb import DynamoStore


@lru_cache(maxsize=1)
def store() -> DynamoStore:
    return DynamoStore(settings().table_name)


@lru_cache(maxsize=1)
def cart_service() -> CartService:
    return CartService(store(), settings().order_retention_days)
