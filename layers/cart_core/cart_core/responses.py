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

Since the models serve only the OpenAPI document, a face's routes name them through
``documentation("<face>.responses")`` and a Lambda never builds them (~8 ms of a face's cold start,
plus a TypeAdapter per route on its first request): ``documented`` records the name, and
``document_models`` imports the module and puts the models on the routes when the document is
generated (local/openapi.py), so the document is the same as with the models given directly.
"""

from __future__ import annotations

import importlib
import typing
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, ConfigDict

# Where ``documented`` keeps a model named by ``documentation`` until ``document_models`` imports it.
NAMED_MODEL = "x-documented-model"


class WireModel(BaseModel):
    """A response body as it leaves a face: closed (no undeclared keys), every key always present."""

    model_config = ConfigDict(extra="forbid")


class NamedModel:
    """A response model by its module and name, imported only by ``document_models``."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __repr__(self) -> str:
        return f"NamedModel({self.module}.{self.name})"

    def load(self) -> Any:
        return getattr(importlib.import_module(self.module), self.name)


class ResponseModels:
    """A face's response models module, not imported: its attributes are ``NamedModel``s."""

    def __init__(self, module: str) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return NamedModel(self._module, name)


def documentation(module: str) -> Any:
    """``module``'s response models, left unimported: ``documentation("blaze_cart.responses").Cart``
    names its ``Cart`` for ``documented`` (also inside ``list[...]``)."""
    return ResponseModels(module)


def documented(model: Any, status: int = HTTPStatus.OK, description: str | None = None) -> dict[int, Any]:
    """``responses=`` for a route whose ``status`` body is ``model`` (a WireModel, or ``list[...]`` of one,
    either given or named through ``documentation``).

    Powertools documents the model under ``components/schemas`` and leaves the route's own return
    annotation (``dict[str, Any]``) as the serializer, so the wire is unchanged."""
    key = NAMED_MODEL if _names_a_model(model) else "model"
    return {
        int(status): {
            "description": description or HTTPStatus(status).phrase,
            "content": {"application/json": {key: model}},
        }
    }


def _names_a_model(model: Any) -> bool:
    return isinstance(model, NamedModel) or any(_names_a_model(arg) for arg in typing.get_args(model))


def _loaded(model: Any) -> Any:
    """``model`` with every ``NamedModel`` in it imported (``list[NamedModel]`` → ``list[Model]``)."""
    if isinstance(model, NamedModel):
        return model.load()
    origin, args = typing.get_origin(model), typing.get_args(model)
    if origin is None or not args:
        return model
    return origin[tuple(_loaded(arg) for arg in args)] if len(args) > 1 else origin[_loaded(args[0])]


def document_models(app: Any) -> None:
    """Import the response models ``app``'s routes name and put them where Powertools reads them, before
    it generates the OpenAPI document (idempotent). Each route's dependant, which holds the response
    models, is computed again from them on its next use."""
    for route in [*app._static_routes, *app._dynamic_routes]:
        changed = False
        for response in (route.responses or {}).values():
            for media in response.get("content", {}).values():
                if NAMED_MODEL in media:
                    media["model"] = _loaded(media.pop(NAMED_MODEL))
                    changed = True
        if changed:
            route._dependant = None
