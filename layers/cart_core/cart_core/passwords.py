"""Customer passwords: scrypt (memory-hard), stored in the scrypt-kdf format Medusa v1 stores.

Why this format: Medusa v1 keeps ``password_hash`` as base64 of a 96-byte scrypt-kdf blob
(``Scrypt.kdf(password, {logN: 15, r: 8, p: 1})``), so customers exported from a Medusa store keep
their passwords here, and ours would verify there. The blob is ``"scrypt"``, version 0, logN, r and
p (big-endian 32-bit), a 32-byte random salt, the first 16 bytes of SHA-256 over those 48 bytes (a
checksum of the header), and HMAC-SHA256 over the first 64 bytes keyed with the second half of the
64-byte scrypt key. The KDF is ``cryptography``'s Scrypt; the comparison is constant-time.

A stored hash names its own cost, so a corrupt or hostile record could ask for any amount of memory:
``verify`` refuses parameters beyond ``MAX_LOG_N``/``MAX_R``/``MAX_P`` instead of running them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass

MAGIC = b"scrypt\x00"
SALT_BYTES = 32
BLOB_BYTES = 96


@dataclass(frozen=True, slots=True)
class ScryptCost:
    """N = 2**log_n; memory is 128 × r × N bytes (Medusa's 15, 8, 1: 32 MiB of memory, a tenth of a second or more of CPU)."""

    log_n: int = 15
    r: int = 8
    p: int = 1


MEDUSA_COST = ScryptCost()
MAX_LOG_N, MAX_R, MAX_P = 17, 16, 4
# Bytes of a password we hash. Bounded so a request cannot make the KDF's first pass hash megabytes;
# the faces refuse longer ones with their own validation message before this is reached.
MAX_PASSWORD_BYTES = 1024


def _derive(password: bytes, salt: bytes, cost: ScryptCost) -> bytes:
    # Imported here: only the routes that log in or register hash a password (import discipline).
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=64, n=2**cost.log_n, r=cost.r, p=cost.p).derive(password)


def _encode(password: str) -> bytes:
    raw = password.encode("utf-8")
    if not raw or len(raw) > MAX_PASSWORD_BYTES:
        raise ValueError(f"A password is 1 to {MAX_PASSWORD_BYTES} bytes")
    return raw


def hash_password(password: str, cost: ScryptCost = MEDUSA_COST) -> str:
    """The base64 scrypt-kdf blob of ``password`` with a fresh random salt."""
    header = (
        MAGIC + bytes([cost.log_n]) + cost.r.to_bytes(4, "big") + cost.p.to_bytes(4, "big") + secrets.token_bytes(32)
    )
    checksum = hashlib.sha256(header).digest()[:16]
    key = _derive(_encode(password), header[16:48], cost)
    signature = hmac.new(key[32:], header + checksum, hashlib.sha256).digest()
    return base64.b64encode(header + checksum + signature).decode("ascii")


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` is the one ``stored`` was made from. False for a missing, malformed or
    over-costly hash (never an exception: a login answers 401 either way)."""
    if not stored:
        return False
    try:
        blob = base64.b64decode(stored, validate=True)
        raw = _encode(password)
    except (binascii.Error, ValueError):
        return False
    if len(blob) != BLOB_BYTES or not blob.startswith(MAGIC):
        return False
    cost = ScryptCost(blob[7], int.from_bytes(blob[8:12], "big"), int.from_bytes(blob[12:16], "big"))
    if not (1 <= cost.log_n <= MAX_LOG_N and 1 <= cost.r <= MAX_R and 1 <= cost.p <= MAX_P):
        return False
    if not hmac.compare_digest(hashlib.sha256(blob[:48]).digest()[:16], blob[48:64]):
        return False
    key = _derive(raw, blob[16:48], cost)
    return hmac.compare_digest(hmac.new(key[32:], blob[:64], hashlib.sha256).digest(), blob[64:])


# A hash of a random password, verified against when no customer matches an e-mail, so a login for
# an unknown e-mail costs the same scrypt as a wrong password (no timing oracle for who has an
# account; GET /store/auth/{email} answers that openly in Medusa, but other faces may not).
_DECOY: list[str] = []


def burn_decoy(password: str) -> None:
    """Spend one verification's work on ``password`` for a login that has no hash to check."""
    if not _DECOY:
        _DECOY.append(hash_password(secrets.token_urlsafe(16)))
    verify_password(password, _DECOY[0])
