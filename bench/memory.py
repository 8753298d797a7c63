"""Peak memory per function, the measurement MemorySize in template.yaml is chosen from.

Each function runs as on a cold start (bench/coldstart.py: a fresh interpreter, the emulator reset and
seeded for its sample event, the same environment), then serves N more invocations of the same event
warm; the process's peak resident set size (Linux's VmHWM, ``ru_maxrss`` elsewhere: what Lambda's
"Max Memory Used" reports for the environment) is read after the import, after the first invocation and after
the warm ones. Beside it, the bare baseline's peak: boto3, the same clients, one GetItem.

The floor a function's MemorySize must not go under is that peak with headroom (``floor_mb``). It is
only a floor: Lambda gives CPU in proportion to memory, so the value that is fastest or cheapest per
invocation can only be found by running AWS Lambda Power Tuning in an account (docs/performance.md,
Memory size).
"""

from __future__ import annotations

import json
import math
import os
import sys
import traceback
from dataclasses import dataclass, field
from typing import Any

from bench.coldstart import MARK, STACK, _child_env, _exception_text, _seed, sample_of, services_of
from bench.common import ROOT, table

HEADROOM = 1.5  # the peak grows with cart sizes, catalogs and payloads the sample events do not have
RUNTIME_MB = 32  # what Lambda's runtime interface client and the arm64 build may add to our process
STEP_MB = 64

OURS = """
import json, resource, sys
def peak_mb():
    # VmHWM: this process image's peak RSS. ru_maxrss would do, but Linux carries it over from the
    # forking parent (the bench, larger than a function) across exec.
    try:
        with open("/proc/self/status") as status:
            return next(int(l.split()[1]) for l in status if l.startswith("VmHWM:")) / 1024
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux, bytes on macOS
import importlib
module_name, attribute = sys.argv[1].rsplit(".", 1)
handler = getattr(importlib.import_module(module_name), attribute)
imported = peak_mb()
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
def ok(answer):
    if not isinstance(answer, dict):
        return True
    return int(answer.get("statusCode") or 200) < 300 and not answer.get("batchItemFailures")
first_ok = ok(handler(event, Context()))
first = peak_mb()
warm_failed = sum(not ok(handler(event, Context())) for _ in range(int(sys.argv[4])))
print("BENCH-RESULT " + json.dumps({"import": imported, "first": first, "warm": peak_mb(), "first_ok": first_ok,
                                    "warm_failed": warm_failed}))
"""

BARE = (
    OURS.split("import importlib", 1)[0]
    + """
import boto3
clients = {service: boto3.client(service) for service in sys.argv[1].split(",")}
clients["dynamodb"].get_item(TableName=sys.argv[2], Key={"pk": {"S": "bench"}, "sk": {"S": "bench"}})
print("BENCH-RESULT " + json.dumps({"peak": peak_mb()}))
"""
)


@dataclass
class Memory:
    function: str
    memory_size: int  # template.yaml's MemorySize
    sample: str
    ours: dict[str, Any] = field(default_factory=dict)
    bare_mb: float = 0.0
    error: str | None = None

    @property
    def floor_mb(self) -> int:
        return floor_mb(self.ours["warm"])


def floor_mb(peak_mb: float) -> int:
    """The least MemorySize for a peak: with headroom and the runtime's share, rounded up to 64 MB,
    never under Lambda's 128 MB minimum."""
    return max(128, math.ceil((peak_mb * HEADROOM + RUNTIME_MB) / STEP_MB) * STEP_MB)


def _run(code: str, args: list[str], env: dict[str, str]) -> dict[str, Any]:
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    marked = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
    if done.returncode or not marked:
        raise RuntimeError(_exception_text(done.stderr) or f"exit status {done.returncode}")
    result: dict[str, Any] = json.loads(marked[-1][len(MARK) :])
    return result


def measure(template: Any, function: str, warm: int, endpoint: str) -> Memory:
    spec = template.functions()[function]
    sample = sample_of(function)
    result = Memory(function, spec.memory, sample or "-")
    if sample is None:
        result.error = "no sample event in events/ for this function"
        return result
    context = json.dumps({"name": f"{STACK}-{function}", "memory": spec.memory})
    try:
        function_env, receivers = _seed(template, function, sample, endpoint)
        env = _child_env(function_env, spec.code_uri)
        try:
            result.ours = _run(OURS, [spec.handler, str(ROOT / "events" / sample), context, str(warm)], env)
        finally:
            for receiver in receivers:
                receiver.close()
        if not result.ours["first_ok"]:
            raise RuntimeError(f"the first invocation did not succeed: {result.ours}")
        services = ",".join(services_of(template.resources[function]))
        table_name = function_env.get("TABLE_NAME", os.environ["TABLE_NAME"])
        result.bare_mb = _run(BARE, [services, table_name], env)["peak"]
    except Exception as error:  # report it on the function's line and go on
        traceback.print_exc(file=sys.stderr)
        result.error = f"{type(error).__name__}: {error}"
    return result


def run_memory(warm: int, only: tuple[str, ...] = ()) -> list[Memory]:
    """Every function in template.yaml (``only``: those named), against the emulator in its own process."""
    from bench.coldstart import emulated

    with emulated() as (template, endpoint):
        return [measure(template, f, warm, endpoint) for f in template.functions() if not only or f in only]


def report_memory(results: list[Memory], warm: int) -> str:
    headers = ["function", "after import MB", "after 1st MB", f"after +{warm} MB", "bare MB", "floor MB",
               "MemorySize", "", "sample"]  # fmt: skip
    rows, errors = [], []
    for m in results:
        if m.error:
            rows.append([m.function, *["-"] * 5, str(m.memory_size), "ERROR", m.sample])
            errors.append(f"ERROR {m.function}: {m.error}")
            continue
        verdict = "ok" if m.memory_size >= m.floor_mb else "UNDER FLOOR"
        failed = f" ({m.ours['warm_failed']} warm not 2xx)" if m.ours["warm_failed"] else ""
        rows.append(
            [m.function, f"{m.ours['import']:.0f}", f"{m.ours['first']:.0f}", f"{m.ours['warm']:.0f}", f"{m.bare_mb:.0f}",
             str(m.floor_mb), str(m.memory_size), verdict, m.sample + failed]
        )  # fmt: skip
    return "\n".join([table(headers, rows), *errors])
