"""Use cases for a tenant's webhook subscriptions."""

from __future__ import annotations

from typing import Protocol

from cart_core import envelope, outbound, webhooks
from cart_core.envelope import KeyService
from cart_core.errors import NotFound
from cart_core.outbound import OutboundPolicy
from cart_core.webhooks import WebhookSubscription


class SubscriptionStore(Protocol):
    def put_subscription(self, subscription: WebhookSubscription) -> None: ...

    def subscriptions(self, tenant_id: str) -> list[WebhookSubscription]: ...

    def delete_subscription(self, tenant_id: str, ref: str) -> bool: ...


class SubscriptionService:
    def __init__(self, store: SubscriptionStore, keys: KeyService | None, policy: OutboundPolicy) -> None:
        self._store = store
        self._keys = keys
        self.policy = policy

    def subscribe(self, tenant_id: str, ref: str, url: str, secret: str, events: list[str]) -> WebhookSubscription:
        """Create or replace (a re-PUT updates). The URL must pass the outbound policy now and at
        every delivery; the secret is stored sealed, never in plaintext."""
        subscription = WebhookSubscription(
            tenant_id=tenant_id, ref=webhooks.check_ref(ref), url=url, events=webhooks.check_events(events)
        )
        outbound.vet(url, self.policy)
        sealed = envelope.seal(self._require_keys(), webhooks.check_secret(secret), subscription.secret_context)
        subscription = subscription.model_copy(update={"sealed_secret": sealed})
        self._store.put_subscription(subscription)
        return subscription

    def list(self, tenant_id: str) -> list[WebhookSubscription]:
        return sorted(self._store.subscriptions(tenant_id), key=lambda s: s.ref)

    def find(self, tenant_id: str, ref: str) -> WebhookSubscription | None:
        return next((s for s in self._store.subscriptions(tenant_id) if s.ref == ref), None)

    def unsubscribe(self, tenant_id: str, ref: str) -> None:
        if not self._store.delete_subscription(tenant_id, webhooks.check_ref(ref)):
            raise NotFound(f"No webhook {ref}")

    def secret_of(self, subscription: WebhookSubscription) -> str:
        if subscription.sealed_secret is not None:
            return envelope.unseal(self._require_keys(), subscription.sealed_secret, subscription.secret_context)
        if subscription.secret is not None:  # stored before secrets were sealed
            return subscription.secret
        raise ValueError(f"Webhook {subscription.ref} has no secret")

    def _require_keys(self) -> KeyService:
        if self._keys is None:
            raise RuntimeError("Missing configuration: WEBHOOK_SECRET_KEY_ID")
        return self._keys
