"""The Medusa face's hot calls over HTTP through the local cloud, beside the real Medusa 1.20.10.

``carts.retrieve``, ``lineItems.create`` and ``lineItems.update``, each ``calls`` times one after another
(after one untimed warm-up), through the real ``@medusajs/medusa-js`` 6.1.9 client
(tests/e2e/medusa_js/bench.mjs, run by Node), as the peer's figures were taken: medusa-v1.md §6, Medusa,
Postgres and the client on one 2-core host, 30 sequential calls each. Issue #10's goal: our median at
most half of Medusa's. A call the face cannot answer yet is a "not available" row with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass

from bench.common import ROOT, percentile, ratio_cells, table
from bench.local_http import start_cloud

CALLS = ("carts.retrieve", "lineItems.create", "lineItems.update")
# Medians of the real Medusa 1.20.10 in ms (medusa-v1.md §6; it gives no p90).
MEDUSA_MS = {"carts.retrieve": 34.0, "lineItems.create": 52.0, "lineItems.update": 29.0}
GOAL = 0.5
PROJECT = ROOT / "tests" / "e2e" / "medusa_js"


@dataclass
class Result:
    call: str
    ms: list[float]
    error: str | None = None


class NodeMissing(Exception):
    """Node or npm is not on PATH."""


def install_node_packages() -> None:
    """The medusa-js project ready to run: ``npm ci`` from the lockfile if its packages are missing,
    under a lock, so the end-to-end test and this bench (pytest -n 2 runs both) never install at once.
    NodeMissing without node or npm; RuntimeError if npm ci fails."""
    import fcntl

    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        raise NodeMissing(f"{' and '.join(missing)} not on PATH")
    with open(PROJECT / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (PROJECT / "node_modules" / "@medusajs" / "medusa-js").is_dir():
            return
        installed = subprocess.run(["npm", "ci"], cwd=PROJECT, capture_output=True, text=True, timeout=600, check=False)
        if installed.returncode:
            raise RuntimeError(f"npm ci failed in {PROJECT}:\n{installed.stdout}\n{installed.stderr}")


def node_ready() -> str | None:
    """None when Node can run the bench script, else why not (one line)."""
    try:
        install_node_packages()
    except (NodeMissing, RuntimeError) as error:
        return str(error).splitlines()[0][:160]
    return None


def parse(output: str) -> list[Result]:
    """bench.mjs's JSON lines, one per call, in CALLS' order; a call it did not report is an error."""
    found: dict[str, Result] = {}
    for line in output.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            found[record["call"]] = Result(record["call"], record.get("ms", []), record.get("error"))
    return [found.get(call, Result(call, [], "no figures from bench.mjs")) for call in CALLS]


def run_medusa(calls: int) -> list[Result]:
    if (why := node_ready()) is not None:
        return [Result(call, [], why) for call in CALLS]
    url, process = start_cloud()
    try:
        env = {**os.environ, "MEDUSA_BACKEND_URL": url, "MEDUSA_BENCH_CALLS": str(calls)}
        run = subprocess.run(
            ["node", "bench.mjs"], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=600, check=False
        )  # fmt: skip
        if run.returncode:
            return [
                Result(call, [], f"bench.mjs exited {run.returncode}: {run.stderr.strip()[-160:]}") for call in CALLS
            ]
        return parse(run.stdout)
    finally:
        process.terminate()
        process.wait(timeout=15)


def report_medusa(results: list[Result], calls: int) -> str:
    headers = ["call", "p50 ms", "p90 ms", "n", "Medusa p50 ms", "ratio", "goal", "verdict"]
    rows = []
    for result in results:
        peer = MEDUSA_MS[result.call]
        if result.error or not result.ms:
            rows.append([result.call, "-", "-", "0", f"{peer:.0f}", "not available", f"<= {GOAL:g}x", ""])
            continue
        p50 = percentile(result.ms, 50)
        p90 = percentile(result.ms, 90)
        cells = [result.call, f"{p50:.1f}", f"{p90:.1f}", str(len(result.ms)), f"{peer:.0f}"]
        rows.append([*cells, *ratio_cells(p50, peer, GOAL)])
    lines = [f"{calls} sequential calls each through medusa-js 6.1.9 (after one untimed warm-up)", table(headers, rows)]
    lines += [f"not available: {r.call}: {r.error}" for r in results if r.error or not r.ms]
    return "\n".join(lines)
