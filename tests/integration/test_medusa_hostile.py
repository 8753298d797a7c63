"""What a hostile storefront client tried against the Medusa face, and what it gets: a 4xx in
Medusa's body and nothing changed (found by a review of the merged face)."""

from __future__ import annotations

from tests.conftest import InProcessApi
from tests.integration.test_medusa_auth import cookie_of, medusa, register


def test_a_replayed_idempotency_key_does_not_hand_a_customers_order_to_another_caller(api: InProcessApi) -> None:
    # Given a signed-in customer's cart, completed with an Idempotency-Key
    signed_in = {"Cookie": cookie_of(register(api, email="owner@example.com"))}
    cart = medusa(api, "POST", "/carts", {"items": [{"variant_id": "demo-flower", "quantity": 1}]}, signed_in)
    cart_id = cart.json()["cart"]["id"]
    medusa(api, "POST", f"/carts/{cart_id}/payment-sessions", {}, signed_in)
    medusa(api, "POST", f"/carts/{cart_id}/payment-session", {"provider_id": "manual"}, signed_in)
    key = {"Idempotency-Key": "k-owner"}
    completed = medusa(api, "POST", f"/carts/{cart_id}/complete", {}, {**signed_in, **key})
    assert completed.status == 200 and completed.json()["type"] == "order"
    # When a guest sends the same request with the same key
    replayed = medusa(api, "POST", f"/carts/{cart_id}/complete", {}, key)
    # Then the guest gets what a guest gets without the key (the cart is not theirs), not the order
    assert replayed.status == 404 and replayed.json()["type"] == "not_found"
    assert "owner@example.com" not in replayed.text


def test_a_password_of_many_multibyte_characters_is_invalid_data_not_a_500(api: InProcessApi) -> None:
    # Given a password of 300 emoji (300 characters, 1,200 UTF-8 bytes: past the KDF's 1,024)
    # When a storefront registers with it
    response = medusa(api, "POST", "/customers", {"email": "emoji@example.com", "password": "\U0001f600" * 300})
    # Then it is Medusa's invalid_data, and no account exists
    assert response.status == 400 and response.json()["type"] == "invalid_data"
    assert medusa(api, "GET", "/auth/emoji@example.com").json() == {"exists": False}


def test_an_email_with_a_control_character_is_refused_on_a_cart(api: InProcessApi) -> None:
    # Given a guest cart
    cart_id = medusa(api, "POST", "/carts", {}).json()["cart"]["id"]
    # When its email is set to one carrying a NUL
    response = medusa(api, "POST", f"/carts/{cart_id}", {"email": "a@b.co\u0000"})
    # Then it is invalid_data and the cart keeps no email
    assert response.status == 400 and response.json()["type"] == "invalid_data"
    assert medusa(api, "GET", f"/carts/{cart_id}").json()["cart"]["email"] is None
