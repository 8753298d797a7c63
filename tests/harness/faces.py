"""The shape of the table a face gives to join the isolation matrices (tests/harness/test_isolation.py).
Each face's own table sits in its folder: ``isolation()`` in its devkit
(``functions/<package>/devkit.py``, named by ``Face.devkit_module`` in the face registry).

The matrices take every route × method of a face from template.yaml; this table only says, per
face, whose credentials play owner and intruder, how to seed the owner's records, and which record
names each path parameter. A face in template.yaml without an entry here fails its matrix cells.

Per face (``FaceIsolation``):
- ``parameters``: path parameter → key of the seeded records that names it;
- ``bodies``: a JSON body per route, built from the records, for routes that need one to get past
  request validation (a 400 would prove nothing about isolation);
- ``tenant``: the matrix where demo owns the records and acme names them;
- ``consumer``: the matrix where, in one tenant, consumer Y owns a cart and consumer X names it;
  ``None`` for a face without consumers (say why).

Per matrix (``Matrix``), what a cell expects:
- "denied" (the face's 404, as if the record did not exist, nothing of the victim's in the body, nothing of the victim's
  changed) by default when a path parameter names one of the victim's records;
- "unaffected" (200, acting on the caller's own records, nothing of the victim's returned or changed)
  by default when none does;
- ``exceptions``: route → (expectation, reason) where the default is wrong: a body that names the
  victim's record ("denied"), or a route that answers the victim's data by design ("allowed", 200);
- ``known_defects``: route → reason, for cells failing today because of a defect another change is
  fixing; they run as xfail(strict=True), so they turn into failures once it is fixed (then delete them).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from cart_core.faces import devkit, faces

Records = dict[str, str]
Body = Callable[[Records], Any]
Seed = Callable[[Any], Records]  # (InProcessApi) -> records naming what was seeded


@dataclass(frozen=True)
class Side:
    """One caller: credentials, and the query parameters it always sends (e.g. its cuid)."""

    headers: dict[str, str]
    query: Callable[[Records], dict[str, str]] = lambda records: {}


@dataclass(frozen=True)
class Matrix:
    owner: Side
    intruder: Side
    seed: Seed
    # Path parameters that name the caller's own tenant (LOKE's organizationId): the matrix tries
    # both the victim's values and the intruder's own, so a record is looked up under either tenant.
    own_tenant_parameters: dict[str, str] = field(default_factory=dict)
    # Per route, extra query parameters (identity keys such as a claimed sessionId), from the records.
    queries: dict[tuple[str, str], Callable[[Records], dict[str, str]]] = field(default_factory=dict)
    # Per route, path parameters named from something other than the victim's records.
    overrides: dict[tuple[str, str], Callable[[Records], Records]] = field(default_factory=dict)
    # Per route, a body replacing the face's one for this matrix.
    bodies: dict[tuple[str, str], Body] = field(default_factory=dict)
    # (method, path) or (method, path, variant) → (expectation, reason)
    exceptions: dict[tuple[str, ...], tuple[str, str]] = field(default_factory=dict)
    # Per route, the status its cell answers when it is not the default one (denied: the face's
    # ``denied_status``; unaffected: 200): the vendor's own answer for a record that does not exist
    # or for a request on the caller's own records (Medusa: 400 for an address that is not the
    # customer's, 204 for a password token). The body checks stay.
    statuses: dict[tuple[str, str], int] = field(default_factory=dict)
    known_defects: dict[tuple[str, str], str] = field(default_factory=dict)


@dataclass(frozen=True)
class FaceIsolation:
    parameters: dict[str, str]
    bodies: dict[tuple[str, str], Body]
    tenant: Matrix
    consumer: Matrix | None
    # What a refusal looks like on this face: the record does not exist for the intruder (404), never
    # a 401/403 that would confirm it exists.
    denied_status: int = 404


def marker(kind: str) -> str:
    """A string that appears only in the victim's data, to spot it in an intruder's response."""
    return f"victim-{kind}-{uuid.uuid4().hex[:12]}"


@cache
def isolation_tables() -> dict[str, FaceIsolation]:
    """Every face's table (its devkit's ``isolation()``), by the face's function, as template.yaml routes."""
    return {
        face.function: devkit(face).isolation()
        for face in faces()
        if face.devkit_module is not None and hasattr(devkit(face), "isolation")
    }
