"""Envelope encryption of small secrets (webhook signing secrets) at rest.

Each secret gets its own data key from a key service (KMS ``GenerateDataKey``, AES-256). The
secret is encrypted with AES-GCM under that key with a random 96-bit nonce; the additional
authenticated data is the encryption context (the tenant and the subscription), which KMS also
binds to the encrypted data key. Only the encrypted data key, the nonce and the ciphertext are
stored. Moving a sealed secret to another subscription or tenant makes it undecryptable.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

NONCE_BYTES = 12


class KeyService(Protocol):
    def generate_data_key(self, context: dict[str, str]) -> tuple[bytes, bytes]:
        """A fresh AES-256 key: (plaintext key, the key encrypted under the master key)."""
        ...

    def decrypt_data_key(self, encrypted_key: bytes, context: dict[str, str]) -> bytes: ...


class SealedSecret(BaseModel):
    """What is stored instead of the secret (base64 fields)."""

    # Built when first used (with its subscription), not at import (docs/architecture.md, Import discipline).
    model_config = ConfigDict(frozen=True, defer_build=True)
    scheme: str = "kms-aes256gcm-v1"
    encrypted_key: str
    nonce: str
    ciphertext: str


def _aad(context: dict[str, str]) -> bytes:
    return json.dumps(context, sort_keys=True, separators=(",", ":")).encode()


def _aesgcm(key: bytes) -> Any:
    # Imported here, not at the top: every function loads this module (via the store), two use it,
    # and the import costs 15-30 ms of cold start.
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def seal(keys: KeyService, secret: str, context: dict[str, str]) -> SealedSecret:
    data_key, encrypted_key = keys.generate_data_key(context)
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = _aesgcm(data_key).encrypt(nonce, secret.encode(), _aad(context))
    b64 = base64.b64encode
    return SealedSecret(
        encrypted_key=b64(encrypted_key).decode(), nonce=b64(nonce).decode(), ciphertext=b64(ciphertext).decode()
    )


def unseal(keys: KeyService, sealed: SealedSecret, context: dict[str, str]) -> str:
    """The secret; raises if the key service or AES-GCM refuses (wrong context, tampering)."""
    data_key = keys.decrypt_data_key(base64.b64decode(sealed.encrypted_key), context)
    plaintext = _aesgcm(data_key).decrypt(
        base64.b64decode(sealed.nonce), base64.b64decode(sealed.ciphertext), _aad(context)
    )
    return plaintext.decode()
