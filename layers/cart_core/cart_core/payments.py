"""Payment providers behind one interface, so a real processor can be added beside the built-ins.

A card is authorized when the order is placed (the amount the consumer agreed to), captured when the
store accepts it (never more than was authorized) and voided when the order ends without it.

``manual``: cash or pay at pickup; the store collects the money in person, so the service neither
authorizes nor captures anything for it (the order stays validated: accepted, payment due at
pickup). ``test-card``: ``tok_visa`` authorizes, ``tok_chargeDeclined`` declines,
``tok_captureDeclined`` authorizes and then declines every capture, ``tok_authPending`` leaves the
authorization pending (the processor waits on the shopper, as a 3-D Secure challenge does: nothing is
held; the shopper's next card token, e.g. ``tok_visa`` once the challenge is passed, authorizes), like
a card processor's test mode. Every call takes an idempotency key: the same key asks for the same
operation again and never for a second one.

Refunds (a return placed: ``usecases/returns.py``) give back part or all of a capture. ``test-card``
approves a refund of one of its captures up to what was captured on it (the amount the caller read
from the order's payment: stateless, it has no records of its own) and declines anything else;
``manual`` records it (the store hands the money back in person).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class PaymentResult:
    """What the processor answered: approved or declined, its reference, and the amount it covers."""

    approved: bool
    reference: str
    amount_minor: int = 0
    decline_reason: str | None = None
    # Not approved, not declined either: the processor waits on the shopper (``decline_reason`` says
    # for what). Only an authorization can be pending; nothing is held.
    pending: bool = False


class PaymentProvider(Protocol):
    name: str
    # True when money is held at submit, so the store may not capture more than that hold.
    holds_funds: bool

    def authorize(self, amount_minor: int, currency: str, token: str | None, idempotency_key: str) -> PaymentResult: ...

    def capture(
        self, authorization_ref: str, amount_minor: int, currency: str, idempotency_key: str
    ) -> PaymentResult: ...

    def void(self, authorization_ref: str, idempotency_key: str) -> PaymentResult: ...

    def refund(
        self, capture_ref: str | None, amount_minor: int, currency: str, idempotency_key: str, captured_minor: int
    ) -> PaymentResult:
        """Give back ``amount_minor`` of the capture ``capture_ref`` (``captured_minor`` was captured
        on it: a processor checks its own records, a stateless test double this). The same key never
        refunds twice."""
        ...


class ManualProvider:
    """Cash or pay at pickup: the store collects the money itself, so there is nothing to hold. The
    services never call it for an order (issue #7: a cash order is not paid until pickup); its
    operations answer as a processor with nothing to do would, for callers that ask anyway."""

    name = "manual"
    holds_funds = False

    def authorize(self, amount_minor: int, currency: str, token: str | None, idempotency_key: str) -> PaymentResult:
        return PaymentResult(True, f"manual_{idempotency_key}", amount_minor)

    def capture(self, authorization_ref: str, amount_minor: int, currency: str, idempotency_key: str) -> PaymentResult:
        return PaymentResult(True, f"manual_{idempotency_key}", amount_minor)

    def void(self, authorization_ref: str, idempotency_key: str) -> PaymentResult:
        return PaymentResult(True, f"manual_void_{idempotency_key}")

    def refund(
        self, capture_ref: str | None, amount_minor: int, currency: str, idempotency_key: str, captured_minor: int
    ) -> PaymentResult:
        # Recorded: the store hands the money back itself (cash, a payment taken elsewhere).
        if not 0 < amount_minor <= captured_minor:
            return PaymentResult(False, f"decl_{idempotency_key}", 0, f"Cannot refund {amount_minor}")
        return PaymentResult(True, f"manual_refund_{idempotency_key}", amount_minor)


TEST_CARD_APPROVES = "tok_visa"
TEST_CARD_CAPTURE_DECLINES = "tok_captureDeclined"
TEST_CARD_DECLINES = {"tok_chargeDeclined": "Your card was declined."}
TEST_CARD_PENDING = "tok_authPending"
_CARD_CODES = {TEST_CARD_APPROVES: "visa", TEST_CARD_CAPTURE_DECLINES: "capdecl"}


class TestCardProvider:
    """Stateless: the authorization reference carries the card, the amount and the currency held
    (``auth_<card>_<amount>_<currency>_<key>``), so capture can enforce the processor's rule that it
    never takes more than was authorized, as a real processor does from its own records."""

    __test__ = False  # a provider, not a pytest class
    name = "test-card"
    holds_funds = True

    def authorize(self, amount_minor: int, currency: str, token: str | None, idempotency_key: str) -> PaymentResult:
        if token in TEST_CARD_DECLINES:
            return PaymentResult(False, f"decl_{idempotency_key}", 0, TEST_CARD_DECLINES[token])
        if token == TEST_CARD_PENDING:
            reason = "The authorization awaits the shopper's confirmation."
            return PaymentResult(False, f"pend_{idempotency_key}", 0, reason, pending=True)
        if token not in _CARD_CODES:
            return PaymentResult(False, f"decl_{idempotency_key}", 0, f"Unknown test token {token!r}")
        if amount_minor < 0:
            return PaymentResult(False, f"decl_{idempotency_key}", 0, "A negative amount cannot be authorized")
        reference = f"auth_{_CARD_CODES[token]}_{amount_minor}_{currency}_{idempotency_key}"
        return PaymentResult(True, reference, amount_minor)

    def capture(self, authorization_ref: str, amount_minor: int, currency: str, idempotency_key: str) -> PaymentResult:
        declined = f"decl_{idempotency_key}"
        held = _parse_authorization(authorization_ref)
        if held is None:
            return PaymentResult(False, declined, 0, "Unknown authorization")
        card, authorized_minor, authorized_currency = held
        if currency != authorized_currency:
            return PaymentResult(False, declined, 0, f"The authorization is in {authorized_currency}, not {currency}")
        if not 0 <= amount_minor <= authorized_minor:
            return PaymentResult(
                False, declined, 0, f"Cannot capture {amount_minor}: {authorized_minor} was authorized"
            )
        if card == _CARD_CODES[TEST_CARD_CAPTURE_DECLINES]:
            return PaymentResult(False, declined, 0, "The authorization could not be captured.")
        return PaymentResult(True, f"ch_{idempotency_key}", amount_minor)

    def void(self, authorization_ref: str, idempotency_key: str) -> PaymentResult:
        if _parse_authorization(authorization_ref) is None:
            return PaymentResult(False, f"decl_{idempotency_key}", 0, "Unknown authorization")
        return PaymentResult(True, f"void_{idempotency_key}")

    def refund(
        self, capture_ref: str | None, amount_minor: int, currency: str, idempotency_key: str, captured_minor: int
    ) -> PaymentResult:
        declined = f"decl_{idempotency_key}"
        if not capture_ref or not capture_ref.startswith("ch_"):
            return PaymentResult(False, declined, 0, "Unknown capture")
        if amount_minor <= 0:
            return PaymentResult(False, declined, 0, "A refund is a positive amount")
        if amount_minor > captured_minor:
            return PaymentResult(False, declined, 0, f"Cannot refund {amount_minor}: {captured_minor} was captured")
        return PaymentResult(True, f"re_{idempotency_key}", amount_minor)


def _parse_authorization(reference: str) -> tuple[str, int, str] | None:
    parts = reference.split("_", 4)
    if len(parts) != 5 or parts[0] != "auth" or parts[1] not in _CARD_CODES.values() or not parts[2].isdigit():
        return None
    return parts[1], int(parts[2]), parts[3]


PROVIDERS: dict[str, PaymentProvider] = {p.name: p for p in (ManualProvider(), TestCardProvider())}
# The card processor of this deployment: where a card token goes, and whose holds a client may name
# (NewStore's ``token`` and ``authorized`` payments are recorded for it: ``cart.keyed_payment``).
CARD_PROVIDER = "test-card"


def provider_for(token: str | None) -> PaymentProvider:
    """Card tokens go to the card provider; everything else is paid in store."""
    return PROVIDERS[CARD_PROVIDER] if token and token.startswith("tok_") else PROVIDERS["manual"]


def holds_funds(provider_name: str | None, token: str | None) -> bool:
    """Whether a payment is the service's to collect (a card: authorized, captured) rather than the
    store's in person (cash, pay at pickup): its recorded provider's answer, else its token's."""
    provider = PROVIDERS.get(provider_name or "") or provider_for(token)
    return provider.holds_funds


class PaymentGateway(Protocol):
    """The port the checkout use cases call a payment provider through, by the provider's name.

    Called only between the read and the conditional write of a use case, never inside an attempt
    that the unit of work may repeat (``usecases/checkout.py``), and always with an idempotency key:
    the same key asks for the same operation again, so a redo after a lost race or a redelivered
    event never moves money twice."""

    def provider_for(self, token: str | None) -> str:
        """The provider a consumer's token goes to (when no session named one)."""
        ...

    def holds_funds(self, provider: str) -> bool: ...

    def authorize(
        self, provider: str, amount_minor: int, currency: str, token: str | None, idempotency_key: str
    ) -> PaymentResult: ...

    def capture(
        self, provider: str, authorization_ref: str, amount_minor: int, currency: str, idempotency_key: str
    ) -> PaymentResult: ...

    def void(self, provider: str, authorization_ref: str, idempotency_key: str) -> PaymentResult: ...

    def refund(
        self,
        provider: str,
        capture_ref: str | None,
        amount_minor: int,
        currency: str,
        idempotency_key: str,
        captured_minor: int,
    ) -> PaymentResult: ...


class ProviderGateway:
    """The gateway over the built-in providers (``PROVIDERS``), looked up at each call, so a test or
    a deployment that registers a provider under a name is the one called."""

    def provider_for(self, token: str | None) -> str:
        return provider_for(token).name

    def holds_funds(self, provider: str) -> bool:
        return _provider(provider).holds_funds

    def authorize(
        self, provider: str, amount_minor: int, currency: str, token: str | None, idempotency_key: str
    ) -> PaymentResult:
        return _provider(provider).authorize(amount_minor, currency, token, idempotency_key)

    def capture(
        self, provider: str, authorization_ref: str, amount_minor: int, currency: str, idempotency_key: str
    ) -> PaymentResult:
        return _provider(provider).capture(authorization_ref, amount_minor, currency, idempotency_key)

    def void(self, provider: str, authorization_ref: str, idempotency_key: str) -> PaymentResult:
        return _provider(provider).void(authorization_ref, idempotency_key)

    def refund(
        self,
        provider: str,
        capture_ref: str | None,
        amount_minor: int,
        currency: str,
        idempotency_key: str,
        captured_minor: int,
    ) -> PaymentResult:
        return _provider(provider).refund(capture_ref, amount_minor, currency, idempotency_key, captured_minor)


def _provider(name: str) -> PaymentProvider:
    provider = PROVIDERS.get(name)
    if provider is None:
        raise UnknownProvider(name)
    return provider


class UnknownProvider(KeyError):
    """A payment names a provider this deployment does not have (a session for an unknown id)."""


class PaymentProviderError(RuntimeError):
    """The processor refused an operation that must succeed (a void). Not a domain error: the worker
    fails the message, SQS retries it and, after its receives, dead-letters it (and the alarm fires)."""
