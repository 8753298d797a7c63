"""Webhook payloads are rendered by the face that defines them, through the core's registry."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from cart_core import renderers
from cart_core.cart import Cart, LineItem
from cart_core.pricing import price
from cart_core.tenancy import Location
from cart_core.usecases.shared import PricedCart

ROOT = Path(__file__).resolve().parents[2]


def _priced() -> PricedCart:
    location = Location(tenant_id="t", location_id="l", name="Main", currency="USD")
    cart = Cart(tenant_id="t", location_id="l", currency="USD", lines=[LineItem(product_id="p", quantity=1)])
    return PricedCart(cart, price(cart, location), location)


def test_cart_created_is_rendered_by_the_loke_face_byte_for_byte() -> None:
    from loke_cart.mapping import webhook_body

    # Given a priced cart; When the registry renders cart.created
    priced = _priced()
    body = renderers.render("cart.created", priced, "Org")
    # Then the bytes are LOKE's body exactly as the worker serialized it before the registry
    assert body == json.dumps(webhook_body("cart.created", priced, "Org")).encode()


def test_an_event_no_face_renders_is_refused_and_a_second_renderer_is_refused() -> None:
    with pytest.raises(renderers.NoRenderer):
        renderers.renderer_for("order.teleported")
    with pytest.raises(ValueError, match="already has a renderer"):
        renderers.register("cart.created", lambda name, priced, org: b"{}")


def test_the_webhook_worker_does_not_import_a_face() -> None:
    tree = ast.parse((ROOT / "functions/webhook_worker/app.py").read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    assert not {m for m in imported if m and m.split(".")[0] in ("loke_cart", "blaze_cart")}
