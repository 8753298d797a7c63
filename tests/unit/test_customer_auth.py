"""Customer credentials: scrypt password hashes in Medusa's scrypt-kdf format, cookie-signature
signed values (express-session's connect.sid), and HS256 JWTs that refuse every forgery."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import jwt
import pytest

from cart_core import passwords
from cart_core.auth_tokens import TokenError, issue_jwt, sign_value, unsign_value, verify_jwt
from cart_core.passwords import ScryptCost, hash_password, verify_password

# Medusa's own integration fixture (integration-tests/api/__tests__/store/customer.js): the
# scrypt-kdf hash its tests store for the password "test" (logN 1, r 1, p 1).
MEDUSA_FIXTURE_HASH = "c2NyeXB0AAEAAAABAAAAAVMdaddoGjwU1TafDLLlBKnOTQga7P2dbrfgf3fB+rCD/cJOMuGzAvRdKutbYkVpuJWTU39P7OpuWNkUVoEETOVLMJafbI8qs8Qx/7jMQXkN"
CHEAP = ScryptCost(log_n=4, r=8, p=1)  # the format is the point here; the default cost is tested once
SECRET = "s3cret-for-tests-only-32-bytes-long-at-least"
NOW = 1_800_000_000


def test_a_hash_made_by_medusa_verifies_here() -> None:
    assert verify_password("test", MEDUSA_FIXTURE_HASH)
    assert not verify_password("Test", MEDUSA_FIXTURE_HASH)


def test_a_hash_made_here_has_medusas_format_and_cost() -> None:
    # Given a password hashed with the default cost
    stored = hash_password("correct horse")
    blob = base64.b64decode(stored)
    # Then it is a 96-byte scrypt-kdf blob with logN 15, r 8, p 1, and only the password verifies
    assert len(blob) == 96 and blob[:7] == b"scrypt\x00"
    assert (blob[7], int.from_bytes(blob[8:12], "big"), int.from_bytes(blob[12:16], "big")) == (15, 8, 1)
    assert verify_password("correct horse", stored)
    assert not verify_password("correct horsE", stored)


def test_two_hashes_of_one_password_differ_by_their_salt() -> None:
    assert hash_password("pw", CHEAP) != hash_password("pw", CHEAP)


@pytest.mark.parametrize(
    "stored",
    [None, "", "not base64!", base64.b64encode(b"scrypt\x00" + bytes(89)).decode(), "c2NyeXB0"],
)
def test_a_missing_or_malformed_hash_never_verifies(stored: str | None) -> None:
    assert not verify_password("test", stored)


def test_a_tampered_header_or_signature_never_verifies() -> None:
    blob = bytearray(base64.b64decode(hash_password("pw", CHEAP)))
    for position in (20, 60, 95):  # salt, checksum, HMAC
        tampered = bytearray(blob)
        tampered[position] ^= 1
        assert not verify_password("pw", base64.b64encode(bytes(tampered)).decode())


def test_a_hash_asking_for_more_memory_than_allowed_is_refused_without_running_it() -> None:
    # Given a well-formed blob whose header asks for logN 30 (a 128 GiB scrypt)
    header = b"scrypt\x00" + bytes([30]) + (8).to_bytes(4, "big") + (1).to_bytes(4, "big") + bytes(32)
    blob = header + hashlib.sha256(header).digest()[:16] + bytes(32)
    # Then it is refused at once
    assert not verify_password("pw", base64.b64encode(blob).decode())


def test_passwords_are_bounded() -> None:
    with pytest.raises(ValueError):
        hash_password("x" * (passwords.MAX_PASSWORD_BYTES + 1), CHEAP)
    with pytest.raises(ValueError):
        hash_password("", CHEAP)
    assert not verify_password("x" * (passwords.MAX_PASSWORD_BYTES + 1), MEDUSA_FIXTURE_HASH)


# ----- signed cookie values -------------------------------------------------------------------


def test_a_signed_value_is_cookie_signatures_format() -> None:
    # cookie-signature: value + "." + base64(HMAC-SHA256) without "=" padding
    expected = base64.b64encode(hmac.new(b"keyboard cat", b"hello", hashlib.sha256).digest()).decode().rstrip("=")
    assert sign_value("hello", "keyboard cat") == f"hello.{expected}"
    assert unsign_value(sign_value("hello", "keyboard cat"), "keyboard cat") == "hello"


@pytest.mark.parametrize(
    "forged",
    ["hello", "hello.", ".sig", "hello.AAAA", "hellO.{sig}", "hello.{sig}x", "hello.{sig}.extra", "héllo.{sig}"],
)
def test_a_value_with_a_wrong_signature_is_refused(forged: str) -> None:
    signature = sign_value("hello", SECRET).rpartition(".")[2]
    assert unsign_value(forged.replace("{sig}", signature), SECRET) is None


def test_a_value_signed_with_another_secret_is_refused() -> None:
    assert unsign_value(sign_value("hello", "other"), SECRET) is None


# ----- JWTs ------------------------------------------------------------------------------------


def test_a_token_carries_the_claims_and_expires_after_its_ttl() -> None:
    token = issue_jwt({"customer_id": "cus_1", "domain": "store"}, SECRET, NOW, 30 * 86400)
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["alg"] == "HS256"
    claims = verify_jwt(token, SECRET, NOW + 30 * 86400 - 1)
    assert claims == {"customer_id": "cus_1", "domain": "store", "iat": NOW, "exp": NOW + 30 * 86400}
    with pytest.raises(TokenError):
        verify_jwt(token, SECRET, NOW + 30 * 86400)


def test_a_token_signed_with_another_secret_is_refused() -> None:
    token = issue_jwt({"customer_id": "cus_1"}, "another secret, also at least 32 bytes long", NOW, 60)
    with pytest.raises(TokenError):
        verify_jwt(token, SECRET, NOW)


def _unsigned(header: dict[str, str], claims: dict[str, object]) -> str:
    def part(value: dict) -> str:  # type: ignore[type-arg]
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part(header)}.{part(claims)}."


def test_an_alg_none_token_is_refused() -> None:
    token = _unsigned({"alg": "none", "typ": "JWT"}, {"customer_id": "cus_1", "domain": "store", "exp": NOW + 60})
    with pytest.raises(TokenError):
        verify_jwt(token, SECRET, NOW)


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # HS512 wants 64 bytes
def test_a_token_with_another_algorithm_is_refused_even_with_the_right_secret() -> None:
    token = jwt.encode({"customer_id": "cus_1", "exp": NOW + 60}, SECRET, algorithm="HS512")
    with pytest.raises(TokenError):
        verify_jwt(token, SECRET, NOW)


def test_a_token_without_exp_is_refused() -> None:
    token = jwt.encode({"customer_id": "cus_1", "domain": "store"}, SECRET, algorithm="HS256")
    with pytest.raises(TokenError):
        verify_jwt(token, SECRET, NOW)


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "x" * 5000])
def test_garbage_is_refused(token: str) -> None:
    with pytest.raises(TokenError):
        verify_jwt(token, SECRET, NOW)
