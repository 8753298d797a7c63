"""The bounded schemathesis pass of `make test`: every face's committed OpenAPI, through the local
cloud over HTTP, with the face's demo credentials (its registry entry, cart_core.faces) and seeded records.

Before the pass, local.fuzz_seed makes records through the service's own API (open and submitted
carts, a POS subscription, webhook refs, …); schemathesis mixes their ids into the generated ones.
Checks: no 5xx (not_a_server_error); every documented response, errors included, matches its
schema (response_schema_conformance: a 200 against the route's response model, closed and with every
key required, so a mapping and its model cannot drift apart); and at least local.fuzz.COVERAGE_THRESHOLD of the operations,
per face and overall, answer some case with a 2xx (the cases reached the core, not only 404).
Bounded and reproducible: a few examples per operation, a fixed seed, the examples / fuzzing /
stateful phases (the coverage phase and the other checks are `make fuzz`'s long run). The faces
come from template.yaml, each checked against the face registry (local.openapi.registered_api_functions), so a
new face is fuzzed the day it appears.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from local import fuzz, fuzz_seed
from local.openapi import registered_api_functions
from local.webhook_receiver import WebhookReceiver
from tests.conftest import TEMPLATE
from tests.e2e.conftest import start_cloud, stop_cloud

pytestmark = pytest.mark.e2e

MAX_EXAMPLES = 8
SEED = 20261122
PHASES = ("examples", "fuzzing", "stateful")
FACE_IDS = registered_api_functions(TEMPLATE)


@pytest.fixture(scope="module")
def fuzz_runs() -> Iterator[dict[str, fuzz.FaceRun]]:
    """Every face fuzzed once, in a local cloud of its own: the fuzzer subscribes webhooks and makes
    carts for the demo tenant, which must not leak into the other end-to-end tests' cloud."""
    cloud, process = start_cloud(fuzz.CLOUD_ENV)
    receiver = WebhookReceiver(status=204)
    try:
        runs = {}
        for face in FACE_IDS:
            consumed = fuzz.consumed_records(MAX_EXAMPLES)
            seeds = fuzz_seed.seed(cloud.url, face, consumed=consumed, receiver_url=receiver.url)
            runs[face] = fuzz.run(
                face,
                cloud.url,
                max_examples=MAX_EXAMPLES,
                seed=SEED,
                capture=True,
                seeds=seeds,
                checks=fuzz.BOUNDED_CHECKS,
                phases=PHASES,
                extra_args=("--no-shrink",),
            )
        yield runs
    finally:
        stop_cloud(process)
        receiver.close()


@pytest.mark.parametrize("face", FACE_IDS)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(face: str, fuzz_runs: dict[str, fuzz.FaceRun]):
    # Given the face's demo credentials (from its registry entry, functions/<face>/face.py) and seeded records
    # When schemathesis sends generated requests from its committed OpenAPI
    face_run = fuzz_runs[face]
    # Then no request got a 5xx and every response matched its documented schema
    assert face_run.process.returncode == 0, (
        f"schemathesis found failures in {face} (replay: make fuzz, or the curl lines below):\n"
        + face_run.process.stdout[-12000:]
        + face_run.process.stderr[-3000:]
        + "\n"
        + fuzz.format_report(face_run)
    )


@pytest.mark.parametrize("face", FACE_IDS)
def test_fuzzed_cases_reach_the_core_of_most_operations(face: str, fuzz_runs: dict[str, fuzz.FaceRun]):
    # Given the seeded records mixed into the generated ids
    assert face in fuzz_runs, f"{face} was not fuzzed"
    # When the face is fuzzed
    face_run = fuzz_runs[face]
    reached, total = fuzz.coverage([face_run])
    # Then most of its operations answered some case with a 2xx (a seed plan: the face devkit's fuzz_plan)
    assert reached >= fuzz.COVERAGE_THRESHOLD * total, (
        f"too few {face} operations reached a 2xx:\n{fuzz.format_report(face_run)}\n{face_run.process.stderr[-3000:]}"
    )


def test_fuzzed_cases_reach_the_core_of_most_operations_overall(fuzz_runs: dict[str, fuzz.FaceRun]):
    # Given every face fuzzed with seeded records
    runs = list(fuzz_runs.values())
    # When the operations that answered a 2xx are counted over all faces
    reached, total = fuzz.coverage(runs)
    # Then they are most of them
    assert total and reached >= fuzz.COVERAGE_THRESHOLD * total, "\n\n".join(
        [*(fuzz.format_report(r) for r in runs), fuzz.format_coverage(runs)]
    )
