"""The face registry (cart_core.faces) is the one table about the faces: every tool that needs a
fact about a face (the local cloud, sample events, fuzzing, isolation, webhooks, id codecs) reads it,
so it must agree with template.yaml and with the faces' own code."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest

from cart_core import faces as registry
from cart_core.ids import CODECS
from local import fuzz_seed
from local.openapi import registered_api_functions
from local.samples import EVENTS, face_folders
from tests.conftest import TEMPLATE
from tests.harness.faces import isolation_tables

FACES = registry.faces()
ROOT = Path(__file__).resolve().parents[2]


def test_the_registry_and_template_yaml_name_the_same_faces() -> None:
    # Given template.yaml's API routes; When the faces are listed; Then they are the registry's
    assert registered_api_functions(TEMPLATE) == sorted(face.function for face in FACES)


def test_a_routed_function_missing_from_the_registry_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a registry without LOKE while template.yaml still routes to it
    without_loke = tuple(face for face in FACES if face.name != "loke")
    monkeypatch.setattr(registry, "faces", lambda: without_loke)
    # When the faces are listed, Then the mismatch is named instead of LOKE silently dropping out
    with pytest.raises(LookupError, match="LokeCartFunction"):
        registered_api_functions(TEMPLATE)


@pytest.mark.parametrize("face", FACES, ids=lambda face: face.name)
def test_each_face_entry_is_complete(face: registry.Face) -> None:
    # Given a registered face; Then its codec exists, its sample events sit in its folder, its error
    # body is a JSON object, and the harness has its fuzz plan and isolation matrix
    assert face.codec in CODECS
    assert (EVENTS / face.package).is_dir() and face_folders()[face.package] == face.function
    assert isinstance(face.error_body(HTTPStatus.NOT_FOUND, "x"), dict)
    assert face.demo_headers and face.acme_headers and face.demo_headers != face.acme_headers
    assert face.issue_credentials is not None, "the demo fixture (local/fixture.py) makes its credentials with it"
    assert face.function in fuzz_seed.plans()
    assert face.function in isolation_tables()


@pytest.mark.parametrize("face", FACES, ids=lambda face: face.name)
def test_each_face_devkit_has_what_the_harness_reads(face: registry.Face) -> None:
    # Given a registered face; Then its devkit (functions/<package>/devkit.py) gives the fuzz its
    # seed and plan, the isolation matrices its table, and events/ its requests and named answers
    kit = registry.devkit(face)
    assert face.devkit_module == f"{face.package}.devkit"
    for name in ("fuzz_seed", "fuzz_plan", "isolation", "sample_requests", "samples", "AUTHORIZER_CONTEXT"):
        assert hasattr(kit, name), f"{face.devkit_module} has no {name}"
    assert set(kit.sample_requests()) == {name.removesuffix(".json") for name in kit.samples()}


def test_a_devkit_loads_where_the_face_does() -> None:
    # Given only what a function's Lambda has on its path (functions/ and the layer; no local/, no tests/)
    code = "; ".join(f"import {face.devkit_module}" for face in FACES)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "functions"), str(ROOT / "layers/cart_core")])}
    # When every devkit is imported there, Then it loads: the harness is imported only inside its functions
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT / "functions", env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_names_packages_and_functions_are_unique() -> None:
    for attribute in ("name", "package", "function"):
        values = [getattr(face, attribute) for face in FACES]
        assert len(values) == len(set(values)), attribute


def test_a_face_entry_must_match_its_package(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a face.py whose entry names another package
    import blaze_cart.face

    monkeypatch.setattr(blaze_cart.face, "FACE", dataclasses.replace(blaze_cart.face.FACE, package="elsewhere"))
    registry.faces.cache_clear()
    try:
        # When the registry is read, Then it refuses it
        with pytest.raises(TypeError, match="blaze_cart"):
            registry.faces()
    finally:
        monkeypatch.undo()
        registry.faces.cache_clear()
