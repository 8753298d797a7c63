"""The bounded schemathesis pass of `make test`: every face's committed OpenAPI, through the local
cloud over HTTP, with the face's demo credentials (local.fixture.FACES).

Checks: no 5xx (not_a_server_error) and every documented response, errors included, matches its
schema (response_schema_conformance). Bounded and reproducible: a few examples per operation, a
fixed seed, the examples / fuzzing / stateful phases (the coverage phase and the other checks are
`make fuzz`'s long run). The faces come from template.yaml, so a new face is fuzzed the day it appears.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from local import fuzz
from local.fixture import FACES
from local.openapi import api_functions
from tests.conftest import TEMPLATE
from tests.e2e.conftest import start_cloud, stop_cloud

pytestmark = pytest.mark.e2e

MAX_EXAMPLES = 10
SEED = 20261122
PHASES = ("examples", "fuzzing", "stateful")


@pytest.fixture(scope="module")
def fuzzed_cloud() -> Iterator[str]:
    """A local cloud of its own: the fuzzer subscribes webhooks and makes carts for the demo tenant,
    which must not leak into the other end-to-end tests' cloud."""
    cloud, process = start_cloud()
    try:
        yield cloud.url
    finally:
        stop_cloud(process)


@pytest.mark.parametrize("face", api_functions(TEMPLATE))
def test_schemathesis_finds_no_server_error_and_no_schema_violation(face: str, fuzzed_cloud: str):
    # Given the face's demo credentials (a new face adds them to local.fixture.FACES)
    assert face in FACES, f"{face} has no entry in local.fixture.FACES: add its demo credentials and path values"
    # When schemathesis sends generated requests from its committed OpenAPI
    result = fuzz.run(
        face,
        fuzzed_cloud,
        max_examples=MAX_EXAMPLES,
        seed=SEED,
        capture=True,
        checks=fuzz.BOUNDED_CHECKS,
        phases=PHASES,
        extra_args=("--no-shrink",),
    )
    # Then no request got a 5xx and every response matched its documented schema
    assert result.returncode == 0, (
        f"schemathesis found failures in {face} (replay: make fuzz, or the curl lines below):\n"
        + result.stdout[-12000:]
        + result.stderr[-3000:]
    )
