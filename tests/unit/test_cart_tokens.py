"""Cart tokens (cart_core.cart_tokens): a cart id sealed for one tenant; nothing else opens."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cart_core.cart_tokens import MAX_TOKEN_CHARS, CartTokenError, TokenKeys, derive_key, open_token, seal

KEYS = TokenKeys.from_secret("a-development-secret")
CART = "6b0000000000000000000001"


def test_a_sealed_cart_id_opens_for_its_tenant() -> None:
    # Given a token sealed for tenant demo
    token = seal(KEYS, "demo", CART)
    # When it is opened for demo / Then it names the cart
    assert open_token(KEYS, "demo", token) == CART


def test_a_token_is_base64url_and_does_not_show_the_cart_id() -> None:
    token = seal(KEYS, "demo", CART)
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")
    assert CART not in token and CART.encode() not in base64.urlsafe_b64decode(token)


def test_two_tokens_for_one_cart_differ_and_both_open() -> None:
    # Given two tokens for the same cart (a random nonce each)
    first, second = seal(KEYS, "demo", CART), seal(KEYS, "demo", CART)
    # Then they differ, and both open
    assert first != second
    assert open_token(KEYS, "demo", first) == open_token(KEYS, "demo", second) == CART


def test_a_token_without_its_padding_opens_too() -> None:
    token = seal(KEYS, "demo", CART)
    assert open_token(KEYS, "demo", token.rstrip("=")) == CART


def test_a_token_of_another_tenant_opens_nothing() -> None:
    # Given a token sealed for acme
    token = seal(KEYS, "acme", CART)
    # When demo opens it / Then it is not a token
    with pytest.raises(CartTokenError):
        open_token(KEYS, "demo", token)


def test_a_token_sealed_with_another_key_opens_nothing() -> None:
    token = seal(TokenKeys.from_secret("another-secret"), "demo", CART)
    with pytest.raises(CartTokenError):
        open_token(KEYS, "demo", token)


@given(position=st.integers(min_value=0), bit=st.integers(min_value=0, max_value=7))
def test_every_flipped_bit_is_refused(position: int, bit: int) -> None:
    # Given a token with one bit flipped anywhere (key id, nonce, ciphertext or tag)
    raw = bytearray(base64.urlsafe_b64decode(seal(KEYS, "demo", CART)))
    raw[position % len(raw)] ^= 1 << bit
    tampered = base64.urlsafe_b64encode(bytes(raw)).decode()
    # When it is opened / Then it is refused
    with pytest.raises(CartTokenError):
        open_token(KEYS, "demo", tampered)


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "=",
        "abc",
        "not a token",
        "%%%%",
        "A" * (MAX_TOKEN_CHARS + 1),
        "6b0000000000000000000001",
        "0d9e7a6c-0000-8000-8000-000000000000",
        "K3-E9C_gIOt2CGkvw0bTxvh2bz1Be78uqumw8dAw4B9fX2wYnCQeSWDeiF6twssryMmOYRoonPUUibFCZDejJw==",
        None,
        12,
    ],
)
def test_garbage_is_refused_with_the_one_error(garbage: object) -> None:
    with pytest.raises(CartTokenError):
        open_token(KEYS, "demo", garbage)


def test_a_truncated_token_is_refused() -> None:
    token = seal(KEYS, "demo", CART)
    for cut in range(1, len(token.rstrip("="))):  # without its padding it is whole
        with pytest.raises(CartTokenError):
            open_token(KEYS, "demo", token[:cut])


def test_characters_outside_the_alphabet_are_refused_not_dropped() -> None:
    # base64's decoder skips characters it does not know: a token with a space inside must not open.
    token = seal(KEYS, "demo", CART)
    with pytest.raises(CartTokenError):
        open_token(KEYS, "demo", token[:10] + " " + token[10:])


def test_rotation_a_new_current_key_seals_and_the_old_one_still_opens() -> None:
    # Given tokens sealed under key 1, then a secret that makes key 2 current and keeps key 1
    old_token = seal(KEYS, "demo", CART)
    rotated = TokenKeys.from_secret(json.dumps({"current": 2, "keys": {"1": "a-development-secret", "2": "new"}}))
    # When a new token is sealed
    new_token = seal(rotated, "demo", CART)
    # Then it names key 2, and both tokens open under the rotated keys; the old keys cannot open the new one
    assert base64.urlsafe_b64decode(new_token)[0] == 2
    assert open_token(rotated, "demo", old_token) == open_token(rotated, "demo", new_token) == CART
    with pytest.raises(CartTokenError):
        open_token(KEYS, "demo", new_token)


def test_keys_are_checked() -> None:
    with pytest.raises(ValueError):
        TokenKeys.from_secret("")
    with pytest.raises(ValueError):
        TokenKeys(3, {1: derive_key("x")})
    with pytest.raises(ValueError):
        TokenKeys(1, {1: b"short"})
