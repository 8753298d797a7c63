"""Webhook payload rendering, owned by the face that defines the payload.

The webhook worker knows how to deliver (vet the URL, sign, retry, dead-letter) but not what a
payload looks like: each face that defines webhooks registers a renderer per event name here
(``register``), and the worker asks for the bytes (``render``). The bytes are signed as rendered,
so a face owns its serialization too. The faces that register are imported on first use: each
registered face (cart_core.faces) names its module in ``Face.webhooks_module``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cart_core.usecases.shared import PricedCart

# (event name, the priced cart, the organization's display name) → the body's exact bytes.
Renderer = Callable[[str, "PricedCart", str], bytes]

_renderers: dict[str, Renderer] = {}
_loaded = False


class NoRenderer(LookupError):
    """No face renders this event: a subscription to it cannot be delivered."""


def register(event_name: str, renderer: Renderer) -> Renderer:
    """Make ``renderer`` the one that renders ``event_name`` (a face module calls this on import)."""
    existing = _renderers.get(event_name)
    if existing is not None and existing is not renderer:
        raise ValueError(f"{event_name!r} already has a renderer ({existing.__module__})")
    _renderers[event_name] = renderer
    return renderer


def renderer_for(event_name: str) -> Renderer:
    global _loaded
    if not _loaded:
        from cart_core.faces import faces

        for face in faces():
            if face.webhooks_module:
                importlib.import_module(face.webhooks_module)
        _loaded = True
    try:
        return _renderers[event_name]
    except KeyError:
        raise NoRenderer(f"No face renders {event_name!r} webhooks") from None


def render(event_name: str, priced: PricedCart, organization_name: str) -> bytes:
    """The body of ``event_name``'s webhook for ``priced``, as the face that defines it renders it."""
    return renderer_for(event_name)(event_name, priced, organization_name)
