"""Tenant- and consumer-isolation matrices, generated from template.yaml's routes.

Every route × method of every face is one cell per matrix: the intruder calls it naming the
victim's records (tests/harness/faces.py says how each face names them), and the cell checks that
the victim's data is neither returned (no "victim-" marker in the body) nor changed (the table's
items of the victim, read directly before and after, are identical). A new route or face gets its
cells without a new test; a face whose devkit has no isolation() fails.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.conftest import TEMPLATE
from tests.harness.faces import FaceIsolation, Matrix, Records, isolation_tables

VICTIM_TENANT = "demo"  # the owner side of every tenant matrix (the demo fixture's tenant)
PARAMETER = re.compile(r"\{(\w+)\+?\}")


def _cells() -> list[Any]:
    cells = []
    for route in TEMPLATE.api_routes():
        key = (route.method, route.path)
        face = isolation_tables().get(route.function)
        for kind in ("tenant", "consumer"):
            matrix: Matrix | None = getattr(face, kind) if face else None
            if face is not None and matrix is None:
                continue  # the face has no such identity (its entry says why)
            own = set(matrix.own_tenant_parameters) if matrix else set()
            variants = ["victim-ids"] + (["own-tenant"] if own & set(PARAMETER.findall(route.path)) else [])
            for variant in variants:
                marks = []
                if matrix and key in matrix.known_defects:
                    marks.append(pytest.mark.xfail(strict=True, reason=matrix.known_defects[key]))
                cell_id = f"{route.function}:{kind}:{route.method} {route.path}:{variant}"
                cells.append(pytest.param(route.function, kind, key, variant, id=cell_id, marks=marks))
    return cells


def _victim_items(api_store: Any) -> dict[tuple[str, str], str]:
    items, start = {}, None
    while True:
        page = api_store.client.scan(TableName=api_store.table_name, **({"ExclusiveStartKey": start} if start else {}))
        for item in page["Items"]:
            items[(item["pk"]["S"], item["sk"]["S"])] = json.dumps(item, sort_keys=True)
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def _changed(before: dict[tuple[str, str], str], after: dict[tuple[str, str], str]) -> list[str]:
    """Every version (old or new) of an item that was added, removed or changed."""
    keys = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    return [version for k in keys for version in (before.get(k), after.get(k)) if version is not None]


def _belongs_to_victim(kind: str, records: Records) -> Any:
    if kind == "tenant":  # every key starts with its tenant (cart_core.store.keys)
        owned = re.compile(rf'"pk": \{{"S": "[A-Z]+#{VICTIM_TENANT}(#|")')
        return lambda version: bool(owned.search(version))
    ids = [records["cart_id"], records["cuid"]]
    return lambda version: any(i in version for i in ids)


@pytest.mark.parametrize(("function", "kind", "route", "variant"), _cells())
def test_an_intruder_neither_reads_nor_changes_the_victims_records(
    api: Any, store: Any, function: str, kind: str, route: tuple[str, str], variant: str
):
    face: FaceIsolation | None = isolation_tables().get(function)
    assert face is not None, (
        f"{function} has no isolation() in its devkit (functions/<package>/devkit.py): add how to name its records"
    )
    matrix: Matrix = getattr(face, kind)
    method, path = route

    # Given the victim's records, seeded through the face's public API with the owner's credentials
    records = matrix.seed(api)
    parameters: dict[str, str] = {}
    for name in PARAMETER.findall(path):
        assert name in face.parameters, f"{function}: faces.py does not say which record names {{{name}}} in {path}"
        parameters[name] = records[face.parameters[name]]
    parameters.update(matrix.overrides.get(route, lambda r: {})(records))
    named = set(parameters)
    if variant == "own-tenant":
        parameters.update({k: v for k, v in matrix.own_tenant_parameters.items() if k in parameters})
        named -= set(matrix.own_tenant_parameters)
    default = ("denied" if named else "unaffected", "")
    expectation, _ = matrix.exceptions.get((method, path, variant)) or matrix.exceptions.get(route, default)

    # When the intruder calls the route naming them
    query = {**matrix.intruder.query(records), **matrix.queries.get(route, lambda r: {})(records)}
    query = {k: v for k, v in query.items() if v}
    url = PARAMETER.sub(lambda m: parameters[m[1]], path) + (f"?{urlencode(query)}" if query else "")
    body_of = matrix.bodies.get(route) or face.bodies.get(route)
    before = _victim_items(store)
    response = api.request(method, url, matrix.intruder.headers, body_of(records) if body_of else None)
    after = _victim_items(store)

    # Then nothing of the victim's changed, and nothing of it came back (unless allowed by design)
    changed = [v for v in _changed(before, after) if _belongs_to_victim(kind, records)(v)]
    keys = sorted({re.search(r'"pk": \{"S": "([^"]+)"', v)[1] for v in changed})
    assert not changed, f"{method} {url} ({response.status}) changed the victim's records: {keys}"
    if expectation == "allowed":
        assert response.status == 200, (response.status, response.text)
        return
    assert "victim-" not in response.text, f"{method} {url} ({response.status}) returned the victim's data"
    # A denied cell is the face's 404; an unaffected one acts on the intruder's own records, so it
    # answers as for any caller doing the same on its own: 200.
    expected = matrix.statuses.get(route, face.denied_status if expectation == "denied" else 200)
    assert response.status == expected, f"{method} {url} ({expectation}) answered {response.status}: {response.text}"
