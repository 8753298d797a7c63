"""Webhook subscriptions (per tenant) and how deliveries are signed.

Every delivery carries two signatures over the exact bytes of its body, made with the
subscription's secret (its UTF-8 bytes are the HMAC key):

- LOKE's ``X-Event-Signature: sha256=<hex HMAC-SHA256(body)>``, for compatibility;
- the Standard Webhooks headers ``webhook-id`` (one id per event and subscription, the same on
  every retry), ``webhook-timestamp`` (unix seconds of this attempt) and
  ``webhook-signature: v1,<base64 HMAC-SHA256("{id}.{timestamp}.{body}")>``, so a receiver can
  refuse replays (an old timestamp) and de-duplicate retries (an id it has seen).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

from cart_core.clock import system_clock
from cart_core.envelope import SealedSecret
from cart_core.errors import InvalidRequest

SIGNATURE_HEADER = "X-Event-Signature"
ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
STANDARD_SIGNATURE_HEADER = "webhook-signature"
MAX_ATTEMPTS = 5
CART_CREATED = "cart.created"
ALL_EVENTS = "*"
KNOWN_EVENTS = frozenset({CART_CREATED})
MAX_SECRET_BYTES = 512
MAX_URL_BYTES = 2048
REF_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


class WebhookSubscription(BaseModel):
    # Built when first used, not at import: the store imports this module for every function, only
    # the webhook routes and workers read subscriptions (docs/architecture.md, Import discipline).
    model_config = ConfigDict(defer_build=True)

    tenant_id: str
    ref: str = Field(min_length=1, max_length=128)
    url: str = Field(min_length=1, max_length=MAX_URL_BYTES)
    events: list[str] = Field(min_length=1)
    # The signing secret, envelope-encrypted (cart_core.envelope); never returned by any API.
    sealed_secret: SealedSecret | None = None
    # A plaintext secret stored before secrets were encrypted: still read, never written.
    secret: str | None = Field(default=None, exclude=True)

    def wants(self, event_name: str) -> bool:
        return event_name in self.events or ALL_EVENTS in self.events

    @property
    def secret_context(self) -> dict[str, str]:
        """Binds the sealed secret to this tenant and subscription (KMS context and AES-GCM AAD)."""
        return {"purpose": "webhook-secret", "tenant_id": self.tenant_id, "webhook_ref": self.ref}


def check_ref(ref: str) -> str:
    if not REF_PATTERN.fullmatch(ref):
        raise InvalidRequest("A webhook ref is 1-128 characters: letters, digits, '.', '_' and '-'")
    return ref


def check_events(events: list[str]) -> list[str]:
    unknown = [e for e in events if e not in KNOWN_EVENTS and e != ALL_EVENTS]
    if unknown:
        raise InvalidRequest(f"Unknown event {unknown[0][:64]!r}; known events: {', '.join(sorted(KNOWN_EVENTS))}")
    return list(dict.fromkeys(events))


def check_secret(secret: str) -> str:
    if not 1 <= len(secret.encode()) <= MAX_SECRET_BYTES:
        raise InvalidRequest(f"A webhook secret is 1-{MAX_SECRET_BYTES} bytes")
    return secret


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header_value: str) -> bool:
    return hmac.compare_digest(signature(secret, body), header_value)


def standard_signature(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(secret.encode(), signed, hashlib.sha256).digest()).decode()


def signed_headers(secret: str, webhook_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        SIGNATURE_HEADER: signature(secret, body),
        ID_HEADER: webhook_id,
        TIMESTAMP_HEADER: str(timestamp),
        STANDARD_SIGNATURE_HEADER: standard_signature(secret, webhook_id, timestamp, body),
    }


def verify_standard(
    secret: str, headers: Mapping[str, str], body: bytes, tolerance_seconds: int = 300, now: float | None = None
) -> bool:
    """What a receiver does (docs/webhooks.md): a fresh timestamp and one matching ``v1`` signature."""
    lowered = {k.lower(): v for k, v in headers.items()}
    webhook_id, timestamp = lowered.get(ID_HEADER, ""), lowered.get(TIMESTAMP_HEADER, "")
    if not webhook_id or not timestamp.isdigit():
        return False
    if abs((system_clock() if now is None else now) - int(timestamp)) > tolerance_seconds:
        return False
    expected = standard_signature(secret, webhook_id, int(timestamp), body)
    return any(hmac.compare_digest(expected, given) for given in lowered.get(STANDARD_SIGNATURE_HEADER, "").split())


def backoff_seconds(attempt: int, base_seconds: int = 10) -> int:
    """Delay before attempt ``attempt + 1``: base, 2×base, 4×base … (SQS caps delays at 900 s)."""
    return min(900, base_seconds * 2 ** (attempt - 1))
