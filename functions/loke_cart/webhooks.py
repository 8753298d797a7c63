"""LOKE's webhook payloads, registered with the core's renderer registry (cart_core.renderers).

The webhook worker delivers them without knowing their shape; the body is LOKE's ``cart.created``
(docs/webhooks.md), serialized here so the bytes signed are the bytes LOKE defined.
"""

from __future__ import annotations

import json

from cart_core import renderers, webhooks
from cart_core.usecases.shared import PricedCart
from loke_cart.mapping import webhook_body


def render(event_name: str, priced: PricedCart, organization_name: str) -> bytes:
    return json.dumps(webhook_body(event_name, priced, organization_name)).encode()


renderers.register(webhooks.CART_CREATED, render)
