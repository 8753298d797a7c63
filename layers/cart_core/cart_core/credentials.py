"""API credentials are stored only as SHA-256 digests; the plaintext is shown once, at creation.

The keys are long random strings (see ``new_secret``), so an unsalted digest cannot be reversed by
guessing, and it lets the authorizer find a credential with one GetItem.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def matches(secret: str | None, expected_digest: str) -> bool:
    return secret is not None and hmac.compare_digest(digest(secret), expected_digest)


def new_secret(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"
