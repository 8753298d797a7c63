"""Delivery signatures (LOKE's and Standard Webhooks') and the envelope that seals secrets at rest."""

from __future__ import annotations

import os

import pytest
from cryptography.exceptions import InvalidTag

from cart_core import envelope, webhooks
from cart_core.events.queues import WebhookDelivery


class FakeKeys:
    """A key service that wraps data keys under a local key, binding the context like KMS does."""

    def __init__(self) -> None:
        self.master = os.urandom(32)

    def generate_data_key(self, context: dict[str, str]) -> tuple[bytes, bytes]:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        key, nonce = os.urandom(32), os.urandom(12)
        return key, nonce + AESGCM(self.master).encrypt(nonce, key, repr(sorted(context.items())).encode())

    def decrypt_data_key(self, encrypted_key: bytes, context: dict[str, str]) -> bytes:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        return AESGCM(self.master).decrypt(
            encrypted_key[:12], encrypted_key[12:], repr(sorted(context.items())).encode()
        )


def test_standard_signature_verifies_and_refuses_replays_and_tampering() -> None:
    body, webhook_id, now = b'{"event":"cart.created"}', "msg_abc", 1_800_000_000
    headers = webhooks.signed_headers("s3cret", webhook_id, now, body)
    assert webhooks.verify("s3cret", body, headers["X-Event-Signature"])  # LOKE's, unchanged
    assert headers["webhook-signature"].startswith("v1,")
    assert webhooks.verify_standard("s3cret", headers, body, now=now + 10)
    assert not webhooks.verify_standard("s3cret", headers, body, now=now + 301)  # a replay, too old
    assert not webhooks.verify_standard("s3cret", headers, body + b" ", now=now)  # body changed
    assert not webhooks.verify_standard("other", headers, body, now=now)  # another secret
    moved = {**headers, "webhook-timestamp": str(now + 5)}  # timestamp changed without re-signing
    assert not webhooks.verify_standard("s3cret", moved, body, now=now)


def test_the_webhook_id_is_stable_across_retries_and_redrives_of_one_delivery() -> None:
    first = WebhookDelivery(
        event_id="demo.c1.2.CartSubmitted", event_name="cart.created", tenant_id="demo", location_id="main",
        cart_id="c1", subscription_ref="pos-1",
    )  # fmt: skip
    retried = first.model_copy(update={"attempt": 4, "round": 2})
    other_subscription = first.model_copy(update={"subscription_ref": "pos-2"})
    assert first.webhook_id == retried.webhook_id != other_subscription.webhook_id
    assert first.delivery_id != retried.delivery_id


def test_a_sealed_secret_opens_only_for_its_own_tenant_and_subscription() -> None:
    keys = FakeKeys()
    context = {"purpose": "webhook-secret", "tenant_id": "demo", "webhook_ref": "pos-1"}
    sealed = envelope.seal(keys, "s3cret-ünïcode", context)
    assert "s3cret" not in sealed.model_dump_json()
    assert envelope.unseal(keys, sealed, context) == "s3cret-ünïcode"
    with pytest.raises(InvalidTag):
        envelope.unseal(keys, sealed, {**context, "webhook_ref": "pos-2"})
    # Each seal has its own data key and nonce
    again = envelope.seal(keys, "s3cret-ünïcode", context)
    assert (again.nonce, again.encrypted_key) != (sealed.nonce, sealed.encrypted_key)


@pytest.mark.parametrize(
    ("check", "value"),
    [
        (webhooks.check_ref, "r" * 129),
        (webhooks.check_ref, ""),
        (webhooks.check_ref, "a/b"),
        (webhooks.check_ref, "ünï"),
        (webhooks.check_ref, "-leading-dash"),
        (webhooks.check_secret, "😀" * 129),  # 129 characters, 516 bytes
        (webhooks.check_events, ["cart.created", "cart.deleted"]),
    ],
)
def test_bounds_refuse(check, value) -> None:
    from cart_core.errors import InvalidRequest

    with pytest.raises(InvalidRequest):
        check(value)
