"""API keys are stored as unsalted SHA-256 (docs/security.md): sound only while keys stay random and long."""

from __future__ import annotations

import base64

from cart_core import credentials


def test_new_secrets_carry_at_least_128_random_bits_and_never_repeat() -> None:
    keys = {credentials.new_secret("pk") for _ in range(200)}
    assert len(keys) == 200
    for key in keys:
        prefix, _, token = key.partition("_")
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        assert prefix == "pk" and len(raw) * 8 >= 128
