"""Process-wide objects a Lambda builds once per cold start."""

from __future__ import annotations

from functools import lru_cache

from cart_core.clock import Clock, system_clock
from cart_core.config import settings
from cart_core.events.bus import EventBus
from cart_core.events.queues import WorkQueue
from cart_core.outbound import OutboundPolicy
from cart_core.store.dynamodb import DynamoStore
from cart_core.store.kms import KmsKeyService
from cart_core.usecases import UseCases, compose
from cart_core.usecases.subscriptions import SubscriptionService


def clock() -> Clock:
    """The one clock of this process (the system clock): the store, the use cases and the workers'
    own deadlines and signatures read it, so nothing else reads the time."""
    return system_clock


@lru_cache(maxsize=1)
def store() -> DynamoStore:
    return DynamoStore(settings().table_name, clock=clock())


@lru_cache(maxsize=1)
def use_cases() -> UseCases:
    """The cart use cases by area (``use_cases().checkout.submit(...)``), over one unit of work."""
    return compose(store(), settings().order_retention_days, clock=clock())


@lru_cache(maxsize=1)
def event_bus() -> EventBus:
    return EventBus(settings().require("event_bus_name").event_bus_name or "")


@lru_cache(maxsize=4)
def work_queue(queue_url: str) -> WorkQueue:
    return WorkQueue(queue_url)


def subscription_service() -> SubscriptionService:
    config = settings()
    return _subscription_service(
        config.webhook_secret_key_id, config.allow_loopback_webhook_urls, config.aws_endpoint_url
    )


@lru_cache(maxsize=4)
def _subscription_service(
    key_id: str | None, allow_loopback: bool, aws_endpoint_url: str | None
) -> SubscriptionService:
    keys = KmsKeyService(key_id) if key_id else None
    return SubscriptionService(store(), keys, OutboundPolicy(allow_loopback, aws_endpoint_url))
