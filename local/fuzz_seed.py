"""Records the fuzzer can reach, made through the service's own API before a face is fuzzed.

Without them every generated cart id, line id, public key and webhook ref is a random string that
only ever meets 404, and the fuzz never gets past the first read in the core. ``seed`` makes one
face's records (demo tenant, shop ``main``, the demo credentials of the face registry) just before that face runs and
returns them as schemathesis *dictionaries*: named lists of values. A plan binds each dictionary
to the parameters and body fields that take it, for every operation or per operation, with a
probability: a case draws a seeded value that often and a generated one otherwise, so random ids
are still fuzzed (schemathesis ``[parameters]`` with ``{ dictionary = …, probability = … }``;
``config`` writes the file). docs/testing.md, Fuzzing, has the table of what is seeded for what.

Operations that change a record's state get a pool of their own, so one operation cannot use up
the records another needs: an accepted cart can never be accepted again, a deleted webhook never
deleted again, a claimed cart belongs to its consumer, a submitted cart is no longer editable.
Operations that answer a repeat with 2xx (submit, consumer cancel, claim by the same consumer)
need only a few records; accept, reject and unsubscribe use one up per 2xx and get ``consumed``
records, in proportion to the examples per operation.

This module is the generic part. Each face's own seed and plan sit in its folder, in its devkit
(``functions/<package>/devkit.py``, named by ``Face.devkit_module``): ``fuzz_seed(seeding)``,
``fuzz_plan()`` and, for state every face's records rely on, ``fuzz_prepare(seeding)``.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import requests

from cart_core.faces import Face, devkit, faces

# How often a case takes a seeded value instead of a generated one.
ID_PROBABILITY = 0.6
VALUE_PROBABILITY = 0.75
REUSABLE = 3  # records for operations that answer a repeat with 2xx


@dataclass
class Seeds:
    """Dictionary name -> values, as schemathesis dictionaries."""

    values: dict[str, list[str | int]] = field(default_factory=dict)

    def add(self, name: str, *values: str | int) -> None:
        self.values.setdefault(name, []).extend(values)


class _Api:
    def __init__(self, base: str, headers: dict[str, str]) -> None:
        self.base, self.headers = base, headers

    def __call__(self, method: str, path: str, **kwargs: Any) -> Any:
        for attempt in range(4):
            response = requests.request(method, self.base + path, headers=self.headers, timeout=30, **kwargs)
            # A lost version race the service gave up on says "retry"; so does a client (our writes
            # are idempotent: the same guest key finds the same open cart, a submit repeats as 200).
            if response.status_code != 409 or "retry" not in response.text or attempt == 3:
                break
            time.sleep(0.2 * (attempt + 1))
        if not response.ok:  # a seed the service refuses is a broken fuzz setup, not a finding
            raise RuntimeError(f"seeding the fuzz: {method} {path} answered {response.status_code}: {response.text}")
        return response.json() if response.content else None


@dataclass
class Seeding:
    """What a face's devkit seeds with: the cloud, the run, and the dictionaries it fills."""

    url: str
    receiver_url: str  # the local webhook receiver (subscriptions the fuzz makes point at it)
    consumed: int  # records for each operation that uses one up per 2xx
    run: str = field(default_factory=lambda: secrets.token_hex(4))  # guest keys of this seeding only
    seeds: Seeds = field(default_factory=Seeds)

    def api(self, face: Face) -> _Api:
        """``face``'s API at the cloud, called as the demo tenant (its registry credentials)."""
        return _Api(self.url.rstrip("/") + face.base_path, dict(face.demo_headers))


@dataclass(frozen=True)
class Binding:
    """One schemathesis parameter (``path.x``, ``query.x``, ``body.a.b[*].c``) drawn from a dictionary."""

    parameter: str
    dictionary: str
    probability: float = ID_PROBABILITY


# A face's plan: bindings for every operation, then bindings per operation label ("METHOD /path").
Plan = tuple[tuple[Binding, ...], dict[str, tuple[Binding, ...]]]


def _devkits() -> list[tuple[Face, Any]]:
    return [(face, devkit(face)) for face in faces() if face.devkit_module is not None]


def plans() -> dict[str, Plan]:
    """Per face (by its function): its devkit's ``fuzz_plan()``, for the faces that have one."""
    return {face.function: kit.fuzz_plan() for face, kit in _devkits() if hasattr(kit, "fuzz_plan")}


def seed(url: str, logical_id: str, *, consumed: int, receiver_url: str) -> Seeds:
    """Make the records one face's operations reach, through the faces' APIs at ``url``, just before
    that face is fuzzed; ``consumed`` records for each operation that uses one up per 2xx.
    A face without a seed plan gets no records (its ids are only generated).

    First every face's devkit ``fuzz_prepare`` runs (state every face's records rely on: LOKE's POS
    subscription keeps submitted carts waiting for the store), then the fuzzed face's ``fuzz_seed``."""
    seeding = Seeding(url, receiver_url, consumed)
    kits = _devkits()
    target = next((kit for face, kit in kits if face.function == logical_id), None)
    if target is None or not hasattr(target, "fuzz_plan"):
        return seeding.seeds
    for _, kit in kits:
        if hasattr(kit, "fuzz_prepare"):
            kit.fuzz_prepare(seeding)
    target.fuzz_seed(seeding)
    return seeding.seeds


def _toml(value: object) -> str:
    """A TOML literal for a string, an integer or a list of them (JSON's forms are valid TOML)."""
    import json

    return json.dumps(value, ensure_ascii=False)


def _bindings(bindings: tuple[Binding, ...]) -> Iterator[str]:
    for b in bindings:
        yield f"{_toml(b.parameter)} = {{ dictionary = {_toml(b.dictionary)}, probability = {b.probability} }}"


def config(logical_id: str, path_parameters: dict[str, str], seeds: Seeds | None) -> str:
    """The schemathesis config file for one face: the fixed path values that name the tenant, and,
    with seeds, the dictionaries and where each operation draws from them."""
    lines = ["[parameters]"] + [f"{_toml('path.' + k)} = {_toml(v)}" for k, v in path_parameters.items()]
    every, per_operation = plans().get(logical_id, ((), {}))
    if seeds is None:
        return "\n".join(lines) + "\n"
    used = {b.dictionary for b in every} | {b.dictionary for bs in per_operation.values() for b in bs}
    missing = sorted(used - set(seeds.values))
    if missing:
        raise LookupError(f"{logical_id}: the seed plan draws from dictionaries seed() did not fill: {missing}")
    lines += _bindings(every)
    for name in sorted(used):
        lines += ["", f"[dictionaries.{name}]", f"values = {_toml(seeds.values[name])}"]
    for label, bindings in per_operation.items():
        lines += ["", "[[operations]]", f"include-name = {_toml(label)}", "[operations.parameters]"]
        lines += _bindings(bindings)
    return "\n".join(lines) + "\n"
