"""Cold start per function as Lambda sees it: a fresh interpreter imports the handler module, then
runs the first invocation; against a fresh interpreter that imports boto3, creates the same clients
and makes one DynamoDB call.

Both talk to the same AWS emulator over loopback HTTP (moto's server in its own process,
local/aws.py, provisioned from template.yaml), so the first call pays what a real first call pays
on the client side (endpoint resolution, the HTTP connection, signing), and neither side is stubbed.
Before each of our runs the emulator is reset, provisioned and seeded as the function's sample event
needs (local/samples.py, as ``make invoke`` does), outside the timed section, so every first
invocation does its full work (a submit submits, a worker finds its cart). Interpreter start-up is
the same for both and is left out: the clock starts before the first import.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import traceback
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import ROOT, ratio_cells, table

API_TARGET = 1.5  # issue #9: import + first invocation at most 1.5 x the bare baseline's
AUTHORIZER_TARGET = 1.2
AUTHORIZER = "AuthorizerFunction"
STACK = "bench-cold"
MARK = "BENCH-RESULT "
TOP_MODULES = 5
# The sample each function's first invocation gets: a hot call where a face has several.
PREFERRED_SAMPLES = {"BlazeCartFunction": "blaze_cart/prepare.json", "LokeCartFunction": "loke_cart/get_cart.json"}

OURS = """
import json, sys, time
start = time.perf_counter()
import importlib
module_name, attribute = sys.argv[1].rsplit(".", 1)
handler = getattr(importlib.import_module(module_name), attribute)
imported = time.perf_counter()
event = json.loads(open(sys.argv[2]).read())
spec = json.loads(sys.argv[3])
class Context:
    function_name = spec["name"]
    memory_limit_in_mb = spec["memory"]
    aws_request_id = "00000000-0000-4000-8000-000000000000"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:" + spec["name"]
    function_version = "$LATEST"
    log_group_name = log_stream_name = ""
    def get_remaining_time_in_millis(self):
        return 30000
answered = time.perf_counter()
answer = handler(event, Context())
done = time.perf_counter()
status = answer.get("statusCode", "") if isinstance(answer, dict) else ""
failures = len(answer.get("batchItemFailures", ())) if isinstance(answer, dict) else 0
print("BENCH-RESULT " + json.dumps({"import": imported - start, "first": done - answered, "status": status,
                                    "failures": failures}))
"""

BARE = """
import json, sys, time
start = time.perf_counter()
import boto3
clients = {service: boto3.client(service) for service in sys.argv[1].split(",")}
imported = time.perf_counter()
clients["dynamodb"].get_item(TableName=sys.argv[2], Key={"pk": {"S": "bench"}, "sk": {"S": "bench"}})
done = time.perf_counter()
print("BENCH-RESULT " + json.dumps({"import": imported - start, "first": done - imported, "status": 200,
                                    "failures": 0}))
"""


@dataclass
class Cold:
    function: str
    sample: str
    services: list[str]
    ours: list[dict[str, Any]] = field(default_factory=list)
    bare: list[dict[str, Any]] = field(default_factory=list)
    top_modules: list[tuple[str, float, float]] = field(default_factory=list)
    target: float | None = None  # None: issue #9 sets none (the queue and stream workers)
    error: str | None = None


def services_of(resource: dict[str, Any]) -> list[str]:
    """The AWS services a function's policies allow it to call: the clients it needs."""
    found = {"dynamodb"}
    for policy in resource["Properties"].get("Policies", []):
        for statement in policy.get("Statement", []) if isinstance(policy, dict) else []:
            actions = statement.get("Action", [])
            for action in [actions] if isinstance(actions, str) else actions:
                found.add(action.split(":")[0])
    return sorted(found)


def sample_of(function: str) -> str | None:
    from local.samples import function_of, samples

    if function in PREFERRED_SAMPLES:
        return PREFERRED_SAMPLES[function]
    return next((key for key in sorted(samples()) if function_of(key) == function), None)


def _exception_text(stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return " ".join(lines[-3:])[:300]


def _run(code: str, args: list[str], env: dict[str, str], importtime: bool = False) -> tuple[dict[str, Any], str]:
    flags = ["-X", "importtime"] if importtime else []
    done = subprocess.run(
        [sys.executable, *flags, "-c", code, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    marked = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
    if done.returncode or not marked:
        raise RuntimeError(_exception_text(done.stderr) or f"exit status {done.returncode}")
    return json.loads(marked[-1][len(MARK) :]), done.stderr


def top_modules(importtime_stderr: str, count: int = TOP_MODULES) -> list[tuple[str, float, float]]:
    """``-X importtime``'s report collapsed to top-level packages, most expensive first, in ms: each
    package's own time (the self time of all its modules, so nothing is counted twice and the figures
    add up to the import) and its cumulative time (its imports from outside it, everything they pulled in included)."""
    own: dict[str, float] = defaultdict(float)
    cumulative: dict[str, float] = defaultdict(float)
    lines = [m for m in (re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( +)(\S+)", line) for line in
             importtime_stderr.splitlines()) if m]  # fmt: skip
    # Children are printed before their parent, one level deeper: read backwards, it is a pre-order walk.
    ancestors: list[tuple[int, str]] = []
    for match in reversed(lines):
        depth, package = len(match[3]), match[4].split(".")[0]
        while ancestors and ancestors[-1][0] >= depth:
            ancestors.pop()
        if not ancestors or ancestors[-1][1] != package:  # an entry into the package from outside it
            cumulative[package] += int(match[2]) / 1000
        ancestors.append((depth, package))
        own[package] += int(match[1]) / 1000
    ranked = sorted(own.items(), key=lambda item: -item[1])[:count]
    return [(name, ms, cumulative.get(name, ms)) for name, ms in ranked]


def _seed(template: Any, function: str, sample_key: str, endpoint: str) -> tuple[dict[str, str], list[Any]]:
    """Reset and provision the emulator, load the fixture and seed the sample's scenario; the function's
    environment, and any webhook receivers the seed started (closed by the caller after the run)."""
    import requests

    from cart_core.runtime import store, subscription_service, use_cases
    from local.fixture import load
    from local.invoke import _clear_process_caches, offline_dns
    from local.resources import provision
    from local.runtime import FunctionRuntime
    from local.samples import Seeding, samples
    from local.webhook_receiver import WebhookReceiver

    requests.post(f"{endpoint}/moto-api/reset", timeout=10)
    names = provision(template, STACK)
    runtime = FunctionRuntime(template, names)
    keys = [names[logical_id] for logical_id in template.of_type("AWS::KMS::Key")]
    os.environ["TABLE_NAME"] = names["CartTable"]
    if keys:
        os.environ["WEBHOOK_SECRET_KEY_ID"] = keys[0]
    _clear_process_caches()
    load(store())
    receivers: list[Any] = []

    def receiver_url() -> str:
        receivers.append(WebhookReceiver())
        return receivers[-1].url

    dns: dict[str, str] = {}
    with offline_dns(dns):
        samples()[sample_key].scenario.seed(Seeding(store(), use_cases(), subscription_service(), dns, receiver_url))
    spec = runtime.specs[function]
    # As Lambda sets them in the function's process (_HANDLER: the handler it runs).
    env = {**runtime.environment(spec), "AWS_LAMBDA_FUNCTION_NAME": names[function], "_HANDLER": spec.handler}
    return env, receivers


def _child_env(function_env: dict[str, str], code_uri: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}
    # Lambda runs the bytecode `make build` ships (docs/performance.md, Bytecode): the discarded first
    # run writes the cache, so the measured ones must be allowed to read it. A shell that sets
    # PYTHONDONTWRITEBYTECODE would otherwise make every measured run compile the project's source.
    base.pop("PYTHONDONTWRITEBYTECODE", None)
    base |= {
        "AWS_ENDPOINT_URL": os.environ["AWS_ENDPOINT_URL"],
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "ALLOW_LOOPBACK_WEBHOOK_URLS": "true",
        # As on Lambda: the function's code and the layer, nothing else of the project.
        "PYTHONPATH": os.pathsep.join([str(code_uri), str(ROOT / "layers/cart_core")]),
    }
    return base | function_env


def measure(template: Any, function: str, runs: int, endpoint: str) -> Cold:
    spec = template.functions()[function]
    resource = template.resources[function]
    sample = sample_of(function)
    cold = Cold(function, sample or "-", services_of(resource))
    is_api = any(e["Type"] == "Api" for e in spec.events.values())
    cold.target = AUTHORIZER_TARGET if function == AUTHORIZER else API_TARGET if is_api else None
    if sample is None:
        cold.error = "no sample event in events/ for this function"
        return cold
    event_path = str(ROOT / "events" / sample)
    context = json.dumps({"name": f"{STACK}-{function}", "memory": spec.memory})
    try:
        for i in range(runs + 2):  # run 0 is discarded (bytecode cache); the last one is -X importtime
            function_env, receivers = _seed(template, function, sample, endpoint)
            env = _child_env(function_env, spec.code_uri)
            try:
                figures, stderr = _run(OURS, [spec.handler, event_path, context], env, importtime=i == runs + 1)
            finally:
                for receiver in receivers:
                    receiver.close()
            if (figures["status"] and int(figures["status"]) >= 300) or figures["failures"]:
                raise RuntimeError(f"the first invocation did not succeed: {figures}")
            if i == runs + 1:
                cold.top_modules = top_modules(stderr)
            elif i:
                cold.ours.append(figures)
            if 1 <= i <= runs:  # interleaved with ours, so both see the same machine load
                bare_args = [",".join(cold.services), function_env.get("TABLE_NAME", os.environ["TABLE_NAME"])]
                cold.bare.append(_run(BARE, bare_args, env)[0])
    except Exception as error:  # report it on the function's line and go on
        traceback.print_exc(file=sys.stderr)
        cold.error = f"{type(error).__name__}: {error}"
    return cold


def run_coldstart(runs: int, only: tuple[str, ...] = ()) -> list[Cold]:
    """Every function in template.yaml (``only``: those named)."""
    with emulated() as (template, endpoint):
        functions = [f for f in template.functions() if not only or f in only]
        return [measure(template, function, runs, endpoint) for function in functions]


@contextlib.contextmanager
def emulated() -> Iterator[tuple[Any, str]]:
    """template.yaml and the AWS emulator's endpoint, its process running and this process's
    environment pointed at it for the duration (bench/memory.py uses it too)."""
    from local.aws import AwsEmulatorProcess
    from local.template import Template

    template = Template.load()
    emulator = AwsEmulatorProcess().start()
    saved = dict(os.environ)
    try:
        os.environ.update(
            AWS_ENDPOINT_URL=emulator.endpoint, AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local",
            AWS_DEFAULT_REGION="us-east-1", ALLOW_LOOPBACK_WEBHOOK_URLS="true",
        )  # fmt: skip
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
            os.environ.pop(name, None)
        yield template, emulator.endpoint
    finally:
        os.environ.clear()
        os.environ.update(saved)
        from local.invoke import _clear_process_caches

        _clear_process_caches()
        emulator.stop()


def _ms(samples: list[dict[str, Any]], *keys: str) -> float:
    return statistics.median(sum(s[k] for k in keys) for s in samples) * 1000


def report_coldstart(results: list[Cold], runs: int) -> str:
    headers = ["function", "import ms", "1st call ms", "total ms", "bare import", "bare 1st", "bare total", "ratio",
               "target", "", "sample"]  # fmt: skip
    rows, errors, tops = [], [], []
    for c in results:
        if c.error:
            rows.append([c.function, *["-"] * 8, "ERROR", c.sample])
            errors.append(f"ERROR {c.function}: {c.error}")
            continue
        ours, bare = _ms(c.ours, "import", "first"), _ms(c.bare, "import", "first")
        ratio, target, met = ratio_cells(ours, bare, c.target or 0)
        if c.target is None:
            target, met = "none", "-"
        rows.append(
            [c.function, f"{_ms(c.ours, 'import'):.0f}", f"{_ms(c.ours, 'first'):.0f}", f"{ours:.0f}",
             f"{_ms(c.bare, 'import'):.0f}", f"{_ms(c.bare, 'first'):.0f}", f"{bare:.0f}", ratio, target, met,
             c.sample]
        )  # fmt: skip
        tops.append([c.function, ", ".join(f"{name} {ms:.0f} (cum {cum:.0f})" for name, ms, cum in c.top_modules)])
    parts = [table(headers, rows), *errors, ""]
    parts.append(f"The {TOP_MODULES} most expensive top-level packages per function under -X importtime: own ms (its")
    parts.append(
        "modules' self time; these add up) and cum ms (its imports from outside it, what they pulled in included)."
    )
    parts.append("-X importtime slows imports: compare packages with each other, not with the table above.")
    parts.append(table(["function", "packages"], tops))
    return "\n".join(parts)
