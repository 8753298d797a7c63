"""Cart tokens: a cart's id sealed for a tenant, safe to hand to a party that must not learn or
forge it (NewStore's ``POST /shopping/carts/{id}/token``; a route that takes a cart id takes one).

A token is ``base64url(key_id || nonce || AES-256-GCM(cart key))`` with a random 96-bit nonce and
the tenant bound as associated data: whoever holds the key can open it, nobody else can read the
cart id in it, a changed bit fails the tag, and a token sealed for tenant ``acme`` fails to open
for ``demo`` (the tag covers the tenant), so it names nothing there. Random nonces are safe for
far more tokens than a key will ever seal (NIST's 2^32 messages per key).

Key rotation: the first byte names the key that sealed the token. ``TokenKeys`` holds the current
key (which seals) and the older ones (which still open), so a new key is added as current while the
old one keeps opening the tokens already handed out (docs/security.md, Cart tokens). The keys come
from a secret (``TokenKeys.from_secret``): either one string (key id 1) or
``{"current": 2, "keys": {"1": "...", "2": "..."}}``; each string is stretched to a 256-bit key
with HKDF-SHA256, so a generated password-like secret is a fine key.

Pure: the keys are passed in (``cart_core.runtime.cart_token_keys`` reads them once per process).
``cryptography`` is imported by this module, which only the routes that seal or open a token import.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 32
# A cart key is 24 characters today; the bound keeps a hostile path from costing a decode and a
# decryption of megabytes (checked on the string, before base64 decoding).
MAX_CART_KEY_BYTES = 64
MAX_TOKEN_CHARS = 4 * -(-(1 + NONCE_BYTES + MAX_CART_KEY_BYTES + TAG_BYTES) // 3)
MIN_TOKEN_BYTES = 1 + NONCE_BYTES + TAG_BYTES + 1
_HKDF_INFO = b"cart_core cart token v1 aes-256-gcm"
_AAD_PREFIX = b"cart-token\x00"


class CartTokenError(ValueError):
    """Not a token of ours for this tenant: malformed, tampered with, sealed by an unknown key or
    for another tenant. Deliberately one error: the caller answers them all as an unknown cart."""


@dataclass(frozen=True, slots=True)
class TokenKeys:
    current: int
    keys: Mapping[int, bytes]

    def __post_init__(self) -> None:
        if not 0 <= self.current <= 255 or self.current not in self.keys:
            raise ValueError("the current key id must be a byte naming one of the keys")
        if any(not 0 <= kid <= 255 or len(key) != KEY_BYTES for kid, key in self.keys.items()):
            raise ValueError(f"each key id is a byte and each key {KEY_BYTES} bytes")

    @classmethod
    def from_secret(cls, value: str) -> TokenKeys:
        """The keys a secret's string holds: one string (key id 1), or the rotation form
        ``{"current": n, "keys": {"n": "<string>", …}}``."""
        if not value:
            raise ValueError("the cart token secret is empty")
        if value.lstrip().startswith("{"):
            parsed = json.loads(value)
            keys = {int(kid): derive_key(str(secret)) for kid, secret in dict(parsed["keys"]).items()}
            return cls(int(parsed["current"]), keys)
        return cls(1, {1: derive_key(value)})


def derive_key(secret: str) -> bytes:
    """A 256-bit AES key from a secret string (HKDF-SHA256, no salt: the input is already random)."""
    if not secret:
        raise ValueError("a key secret is not empty")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=_HKDF_INFO)
    return hkdf.derive(secret.encode())


def _aad(key_id: int, tenant_id: str) -> bytes:
    return _AAD_PREFIX + bytes([key_id]) + tenant_id.encode()


def seal(keys: TokenKeys, tenant_id: str, cart_key: str) -> str:
    """The token for ``tenant_id``'s cart ``cart_key`` (a new one on every call: random nonce)."""
    plain = cart_key.encode()
    if not plain or len(plain) > MAX_CART_KEY_BYTES:
        raise ValueError(f"a cart key is 1 to {MAX_CART_KEY_BYTES} bytes")
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(keys.keys[keys.current]).encrypt(nonce, plain, _aad(keys.current, tenant_id))
    return base64.urlsafe_b64encode(bytes([keys.current]) + nonce + sealed).decode("ascii")


def open_token(keys: TokenKeys, tenant_id: str, token: object) -> str:
    """The cart key ``token`` names for ``tenant_id``, or ``CartTokenError`` (never anything else,
    whatever ``token`` is). Accepts the token with or without its ``=`` padding."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
        raise CartTokenError("not a cart token")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        raise CartTokenError("not a cart token") from None
    # The alphabet check: urlsafe_b64decode drops characters outside it instead of failing.
    if base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=") != token.rstrip("="):
        raise CartTokenError("not a cart token")
    if len(raw) < MIN_TOKEN_BYTES:
        raise CartTokenError("not a cart token")
    key_id, nonce, sealed = raw[0], raw[1 : 1 + NONCE_BYTES], raw[1 + NONCE_BYTES :]
    key = keys.keys.get(key_id)
    if key is None:
        raise CartTokenError("not a cart token")
    try:
        plain = AESGCM(key).decrypt(nonce, sealed, _aad(key_id, tenant_id))
    except InvalidTag:
        raise CartTokenError("not a cart token") from None
    try:
        return plain.decode()
    except UnicodeDecodeError:  # sealed by us, so never; kept total for the contract above
        raise CartTokenError("not a cart token") from None
