"""events/ holds a sample for every endpoint and every worker, each answers as it is named, and the
answer depends on what its scenario seeds. Every sample runs through ``make invoke``'s own path
(local.invoke.LocalEnvironment with the table in local/samples.py), so a sample cannot rot."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from local.invoke import LocalEnvironment, listing, main
from local.samples import EVENTS, SUBMITTED, Seeding, face_folders, function_of, key_of, samples
from local.template import ROOT
from tests.conftest import TEMPLATE

FILES = sorted(key_of(path) or str(path) for path in EVENTS.rglob("*.json"))
SAMPLES = samples()  # every face's (its devkit) and the workers'
SEEDED = [key for key in SAMPLES if SAMPLES[key].needs_seed()]
API_FOLDERS = {function: folder for folder, function in face_folders().items()}
# The suite's stack name (tests/conftest.py): a function module binds some physical names when first
# imported, as a warm Lambda does, and every test in this process shares those modules.
STACK = "cart-test"


@pytest.fixture(scope="module")
def environment(moto_server: str):
    with LocalEnvironment(endpoint=moto_server, stack=STACK) as environment:
        yield environment


@pytest.fixture
def sample_cart(store) -> None:
    """The submitted cart the worker samples name, seeded as ``make invoke`` seeds it, for tests that
    run a sample through the ``api`` fixture (tests/integration/test_faults.py)."""
    from cart_core.runtime import subscription_service, use_cases

    SUBMITTED.seed(Seeding(store, use_cases(), subscription_service(), {}, lambda: ""))


def test_every_sample_file_has_a_named_answer_and_every_entry_a_file() -> None:
    assert sorted(SAMPLES) == FILES


@pytest.mark.parametrize("function", sorted(API_FOLDERS))
def test_every_route_has_a_sample_event(function: str) -> None:
    routes = {(r.method, r.path) for r in TEMPLATE.api_routes() if r.function == function}
    samples = (json.loads(p.read_text()) for p in (EVENTS / API_FOLDERS[function]).glob("*.json"))
    assert routes == {(e["httpMethod"], e["resource"]) for e in samples}


def test_every_function_has_samples() -> None:
    assert {function_of(key) for key in SAMPLES} == set(TEMPLATE.functions())


@pytest.mark.parametrize("key", sorted(SAMPLES))
def test_sample_answers_as_named(environment: LocalEnvironment, key: str) -> None:
    # Given the sample's scenario seeded in a freshly provisioned environment
    # When its function is invoked with it, as `make invoke` does
    outcome = environment.run_sample(EVENTS / key)
    # Then the answer is the one the sample is named for
    assert outcome.matches, outcome.summary()


@pytest.mark.parametrize("key", SEEDED)
def test_sample_without_its_seed_does_not_answer_as_named(environment: LocalEnvironment, key: str) -> None:
    # Given only the demo fixture (the records the sample names were never seeded)
    outcome = environment.run_sample(EVENTS / key, seed=False)
    # Then the check above would fail: the named answer depends on the seed
    assert not outcome.matches, outcome.summary()


# ----- the shapes `sam local generate-event` gives ----------------------------------------------

PROXY_KEYS = {
    "body", "resource", "path", "httpMethod", "isBase64Encoded", "queryStringParameters",
    "multiValueQueryStringParameters", "pathParameters", "stageVariables", "headers", "multiValueHeaders",
    "requestContext",
}  # fmt: skip
SQS_KEYS = {
    "messageId", "receiptHandle", "body", "attributes", "messageAttributes", "md5OfBody", "eventSource",
    "eventSourceARN", "awsRegion",
}  # fmt: skip
STREAM_KEYS = {"eventID", "eventName", "eventVersion", "eventSource", "awsRegion", "dynamodb", "eventSourceARN"}
EVENTBRIDGE_KEYS = {"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"}


@pytest.mark.parametrize("key", sorted(SAMPLES))
def test_sample_has_the_shape_sam_local_invoke_takes(key: str) -> None:
    event = json.loads((EVENTS / key).read_text())
    function = function_of(key)
    if function in API_FOLDERS:  # apigateway aws-proxy, with the authorizer's context (a public face: its stage's)
        store = event["requestContext"]["authorizer"] or event["stageVariables"]
        assert event.keys() >= PROXY_KEYS and store["tenantId"] == "demo"
    elif function == "AuthorizerFunction":  # a REQUEST authorizer event
        assert event["type"] == "REQUEST" and event["methodArn"].startswith("arn:aws:execute-api:")
    elif function == "StreamOutboxFunction":  # dynamodb update
        (record,) = event["Records"]
        assert record.keys() >= STREAM_KEYS and record["eventSource"] == "aws:dynamodb"
        assert record["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    else:  # sqs receive-message; EventBridge's envelope in the body where a rule feeds the queue
        (record,) = event["Records"]
        assert record.keys() >= SQS_KEYS and record["eventSource"] == "aws:sqs"
        assert record["md5OfBody"] == hashlib.md5(record["body"].encode()).hexdigest()
        if function in ("ValidationWorkerFunction", "PaymentWorkerFunction"):
            assert json.loads(record["body"]).keys() >= EVENTBRIDGE_KEYS


# ----- the command line ------------------------------------------------------------------------


def test_make_invoke_without_arguments_lists_every_sample_with_its_command(capsys) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    for key in SAMPLES:
        assert f"make invoke FN={function_of(key)} EVENT=events/{key}\n" in out + "\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["NoSuchFunction", "events/blaze_cart/active.json"], "unknown function 'NoSuchFunction'"),
        (["BlazeCartFunction", "events/blaze_cart/nope.json"], "no such event file: events/blaze_cart/nope.json"),
        (["LokeCartFunction", "events/blaze_cart/active.json"], "is a sample for BlazeCartFunction"),
        (["BlazeCartFunction"], "no EVENT given for BlazeCartFunction"),
        (["pyproject.toml/x.json"], "no such event file"),
    ],
)
def test_make_invoke_refuses_bad_input_in_one_line_with_the_list(capsys, argv: list[str], message: str) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    first, rest = err.split("\n", 1)
    assert first.startswith("make invoke: ") and message in first
    assert rest.strip() == listing(TEMPLATE).strip()


@pytest.mark.parametrize(
    "argv",
    [
        ["StreamOutboxFunction", "events/stream_outbox/cart_submitted.json"],  # crashed before issue #7
        ["events/loke_cart/reject_cart.json"],  # FN inferred from the folder
    ],
)
def test_make_invoke_prints_the_answer_and_one_verdict_line(argv: list[str]) -> None:
    # When `make invoke` runs as a developer runs it (a process of its own, its own emulator)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(ROOT / p) for p in ("", "functions", "layers/cart_core"))}
    for name in ("AWS_ENDPOINT_URL", "TABLE_NAME", "AWS_PROFILE"):
        env.pop(name, None)
    run = subprocess.run(
        [sys.executable, "-m", "local.invoke", *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    # Then stdout is the function's answer alone, and stderr ends with the verdict
    assert run.returncode == 0, run.stderr
    json.loads(run.stdout)
    verdict = run.stderr.strip().splitlines()[-1]
    assert "matches the named answer" in verdict and "seeded" in verdict, verdict


def test_a_sample_outside_the_table_cannot_pass_unnoticed(tmp_path: Path) -> None:
    assert key_of(tmp_path / "x.json") is None
    with pytest.raises(KeyError):
        LocalEnvironment(endpoint="http://unused").run_sample(tmp_path / "x.json")
