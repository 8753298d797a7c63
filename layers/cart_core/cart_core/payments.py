"""Payment providers behind one interface, so a real processor can be added beside the built-ins.

``manual``: cash or pay at pickup, always authorized. ``test-card``: ``tok_visa`` authorizes,
``tok_chargeDeclined`` declines, like a card processor's test mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Authorization:
    approved: bool
    reference: str
    decline_reason: str | None = None


class PaymentProvider(Protocol):
    name: str

    def authorize(self, amount_minor: int, currency: str, token: str | None, idempotency_key: str) -> Authorization: ...


class ManualProvider:
    name = "manual"

    def authorize(self, amount_minor: int, currency: str, token: str | None, idempotency_key: str) -> Authorization:
        return Authorization(approved=True, reference=f"manual_{idempotency_key}")


TEST_CARD_APPROVES = "tok_visa"
TEST_CARD_DECLINES = {"tok_chargeDeclined": "Your card was declined."}


class TestCardProvider:
    name = "test-card"

    def authorize(self, amount_minor: int, currency: str, token: str | None, idempotency_key: str) -> Authorization:
        if token in TEST_CARD_DECLINES:
            return Authorization(False, f"decl_{idempotency_key}", TEST_CARD_DECLINES[token])
        if token == TEST_CARD_APPROVES:
            return Authorization(True, f"ch_{idempotency_key}")
        return Authorization(False, f"decl_{idempotency_key}", f"Unknown test token {token!r}")


PROVIDERS: dict[str, PaymentProvider] = {p.name: p for p in (ManualProvider(), TestCardProvider())}


def provider_for(token: str | None) -> PaymentProvider:
    """Card tokens go to the card provider; everything else is paid in store."""
    return PROVIDERS["test-card"] if token and token.startswith("tok_") else PROVIDERS["manual"]
