"""Every face's OpenAPI is committed under docs/openapi/, matches the code, and describes what is served.

The faces come from template.yaml (every function an API route reaches), so a new face is checked
the day it appears: without a committed document, or with one that has drifted from its routes and
models, `make test` fails and says to run `make openapi`.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from cart_core.http import ERROR_STATUSES
from local.openapi import api_functions, committed_path, openapi_document, render
from local.runtime import FunctionRuntime
from local.template import physical_names
from tests.conftest import TEMPLATE

FACES = api_functions(TEMPLATE)
REGENERATE = "run `make openapi` and commit docs/openapi/"


@pytest.fixture(scope="module")
def runtime() -> FunctionRuntime:
    return FunctionRuntime(TEMPLATE, physical_names(TEMPLATE, "openapi"))


@pytest.fixture(scope="module")
def documents(runtime: FunctionRuntime) -> dict[str, dict[str, Any]]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AWS_DEFAULT_REGION", "us-east-1")  # the faces build their clients at import
        return {face: openapi_document(runtime, face) for face in FACES}


def test_the_faces_are_the_functions_api_routes_reach():
    # Given template.yaml / Then each function behind an API route is a face, and there is at least one
    assert sorted({route.function for route in TEMPLATE.api_routes()}) == FACES
    assert FACES


@pytest.mark.parametrize("face", FACES)
def test_committed_openapi_matches_the_code(face: str, documents: dict[str, dict[str, Any]]):
    # Given the document generated from the face's routes and models
    # When it is compared with the one committed under docs/openapi/
    path = committed_path(face)
    # Then they are the same text
    assert path.exists(), f"{face} has no committed OpenAPI document ({path.name}): {REGENERATE}"
    assert path.read_text() == render(documents[face]), f"docs/openapi/{path.name} drifted from the code: {REGENERATE}"


def test_no_committed_document_for_a_face_that_is_gone():
    # Given the committed documents / Then each names a face in template.yaml
    stale = {p.stem for p in committed_path("x").parent.glob("*.json")} - set(FACES)
    assert not stale, f"documents for faces template.yaml no longer has: {sorted(stale)}; {REGENERATE}"


def _operations(document: dict[str, Any]) -> set[tuple[str, str]]:
    base = document["servers"][0]["url"].rstrip("/")
    return {(method.upper(), base + path) for path, ops in document["paths"].items() for method in ops}


@pytest.mark.parametrize("face", FACES)
def test_every_route_of_the_face_is_documented_with_its_method(face: str):
    # Given the committed document and the face's routes in template.yaml
    document = json.loads(committed_path(face).read_text())
    routes = {(route.method, route.path) for route in TEMPLATE.api_routes() if route.function == face}
    # Then each route appears with its method under the document's server (the face's base path), and nothing else
    assert _operations(document) == routes


@pytest.mark.parametrize("face", FACES)
def test_every_operation_documents_the_face_error_body(face: str):
    # Given the committed document
    document = json.loads(committed_path(face).read_text())
    error = document["components"]["schemas"]["Error"]
    assert error["type"] == "object" and error["required"], "the face's error body has a schema"
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            # Then every error status the face kit and the gateway answer is declared with the face's error body,
            # and Powertools' 422 (never sent: validation errors are 400 in the vendor's body) is not
            for status in ERROR_STATUSES:
                schema = responses[str(status)]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, status)
            # (a 422 a route documents itself, such as Medusa's duplicate_error, is in the face's error body)
            assert responses.get("422", {}).get("content", {}).get("application/json", {}).get("schema") in (
                None,
                {"$ref": "#/components/schemas/Error"},
            ), (method, path)
            # And a success is declared, without a body when it is 204
            assert any(code.startswith("2") for code in responses), (method, path)
            assert "content" not in responses.get("204", {}), (method, path)
