"""Use cases for a tenant's webhook subscriptions."""

from __future__ import annotations

from typing import Protocol

from cart_core.errors import NotFound
from cart_core.webhooks import WebhookSubscription


class SubscriptionStore(Protocol):
    def put_subscription(self, subscription: WebhookSubscription) -> None: ...

    def subscriptions(self, tenant_id: str) -> list[WebhookSubscription]: ...

    def delete_subscription(self, tenant_id: str, ref: str) -> bool: ...


class SubscriptionService:
    def __init__(self, store: SubscriptionStore) -> None:
        self._store = store

    def subscribe(self, subscription: WebhookSubscription) -> WebhookSubscription:
        """Create or replace (a re-PUT updates)."""
        self._store.put_subscription(subscription)
        return subscription

    def list(self, tenant_id: str) -> list[WebhookSubscription]:
        return sorted(self._store.subscriptions(tenant_id), key=lambda s: s.ref)

    def unsubscribe(self, tenant_id: str, ref: str) -> None:
        if not self._store.delete_subscription(tenant_id, ref):
            raise NotFound(f"No webhook {ref}")
