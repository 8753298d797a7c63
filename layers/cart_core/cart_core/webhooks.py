"""Webhook subscriptions (per tenant) and how deliveries are signed.

A delivery body is signed with HMAC-SHA256 over its exact bytes: ``X-Event-Signature: sha256=<hex>``.
"""

from __future__ import annotations

import hashlib
import hmac

from pydantic import BaseModel, Field, HttpUrl

SIGNATURE_HEADER = "X-Event-Signature"
MAX_ATTEMPTS = 5


class WebhookSubscription(BaseModel):
    tenant_id: str
    ref: str = Field(min_length=1, max_length=128)
    url: HttpUrl
    # Kept to sign deliveries; never returned by any API.
    secret: str = Field(min_length=1, max_length=512)
    events: list[str] = Field(min_length=1)

    def wants(self, event_name: str) -> bool:
        return event_name in self.events or "*" in self.events


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header_value: str) -> bool:
    return hmac.compare_digest(signature(secret, body), header_value)


def backoff_seconds(attempt: int, base_seconds: int = 10) -> int:
    """Delay before attempt ``attempt + 1``: base, 2×base, 4×base … (SQS caps delays at 900 s)."""
    return min(900, base_seconds * 2 ** (attempt - 1))
