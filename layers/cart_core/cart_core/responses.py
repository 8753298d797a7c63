"""Typed response models for the faces' OpenAPI documents (the face kit's half of "what a face answers").

A face describes each success body with a ``WireModel`` and declares it on the route with
``responses=documented(Model)``. The model is documentation and a contract, never the serializer:
the route keeps returning the dict its mapping builds (annotated ``dict[str, Any]``; or, BLAZE, that
dict already serialised by ``cart_core.http.json_answer`` in the same bytes), so Powertools
serializes exactly the bytes it always did, while the served OpenAPI gets a 200 schema that the
schemathesis pass (``response_schema_conformance``) and tests/integration/test_response_models.py
check every answer against. ``extra="forbid"`` makes the schema closed (``additionalProperties:
false``) and every field is required, so a key added to, dropped from or renamed in a mapping
without its model fails those checks instead of drifting.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, ConfigDict


class WireModel(BaseModel):
    """A response body as it leaves a face: closed (no undeclared keys), every key always present."""

    model_config = ConfigDict(extra="forbid")


def documented(model: Any, status: int = HTTPStatus.OK, description: str | None = None) -> dict[int, Any]:
    """``responses=`` for a route whose ``status`` body is ``model`` (a WireModel, or ``list[...]`` of one).

    Powertools documents the model under ``components/schemas`` and leaves the route's own return
    annotation (``dict[str, Any]``) as the serializer, so the wire is unchanged."""
    return {
        int(status): {
            "description": description or HTTPStatus(status).phrase,
            "content": {"application/json": {"model": model}},
        }
    }
