"""Does an answer match what the face's committed OpenAPI document says it answers?

The same question schemathesis's ``response_schema_conformance`` asks over HTTP, asked in-process
of any response a test makes, so a drift between a face's response models (functions/<face>/
responses.py) and the bodies its mapping builds fails in the fast suite too, in states the fuzz
rarely reaches (paid, declined, canceled, rejected carts).
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from cart_core.faces import faces
from local.openapi import committed_path


@cache
def _document(logical_id: str) -> dict[str, Any]:
    return json.loads(committed_path(logical_id).read_text())


def _operations() -> list[tuple[str, re.Pattern[str], int, str]]:
    """(logical id, full-path pattern, literal characters, document path) for every documented path."""
    found = []
    for face in faces():
        document = _document(face.function)
        base = document["servers"][0]["url"].rstrip("/")
        for path in document["paths"]:
            pattern = re.escape(base + path)
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", pattern)
            found.append((face.function, re.compile(pattern + "$"), len(re.sub(r"\{[^}]+\}", "", path)), path))
    return found


def operation_of(method: str, path: str) -> tuple[str, dict[str, Any]] | None:
    """(logical id, the OpenAPI operation) that a request reaches: the most literal matching path,
    as the router prefers ``/active`` to ``/{consumerCartId}``; None for an undocumented one."""
    path = path.split("?", 1)[0]
    matches = [op for op in _operations() if op[1].match(path)]
    for logical_id, _, _, documented_path in sorted(matches, key=lambda op: -op[2]):
        operation = _document(logical_id)["paths"][documented_path].get(method.lower())
        if operation is not None:
            return logical_id, operation
    return None


def violations(method: str, path: str, status: int, body: str) -> list[str]:
    """What is wrong with this answer by the document: an undocumented status, a body where none is
    documented, or every schema error of the body. Empty when it conforms."""
    found = operation_of(method, path)
    if found is None:
        return [f"{method} {path} is not a documented operation"]
    logical_id, operation = found
    response = operation["responses"].get(str(status))
    if response is None:
        return [f"{method} {path} answered {status}, which its operation does not document"]
    content = (response.get("content") or {}).get("application/json")
    if content is None:
        return [] if not body else [f"{method} {path} {status} has a body, but none is documented"]
    schema = {**content["schema"], "components": _document(logical_id)["components"]}
    validator = Draft202012Validator(schema)
    return [
        f"{method} {path} {status} at {'/'.join(map(str, error.absolute_path)) or 'the top'}: {error.message}"
        for error in validator.iter_errors(json.loads(body))
    ]
