"""The BLAZE flow over HTTP through the local cloud (``python -m local.cloud``, what ``make local``
runs), so the local cloud's own cost (HTTP server, gateway, authorizer, moto's server in its own
process) is visible beside the in-process figures.

Each flow is one consumer's hot calls in order: active, prepare, updateCart, get, submitCart. Flows
run one after another (sequential), then from 8 clients at once (threads, a requests.Session each).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from bench.common import BLAZE, PYTHONPATH, ROOT, percentile, table

CALLS = ("active", "prepare", "updateCart", "get", "submitCart")
START_TIMEOUT = 90


def start_cloud() -> tuple[str, subprocess.Popen[str]]:
    """``python -m local.cloud`` on a free port, as tests/e2e start it; its URL once the banner is out."""
    from local.cloud import free_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {"PORT": str(port), "LOCAL_CLOUD_QUIET": "1", "LOCAL_CLOUD_DISCOVERY_FILE": "", "PYTHONPATH": PYTHONPATH}
    process = subprocess.Popen(
        [sys.executable, "-m", "local.cloud"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    assert process.stdout is not None
    deadline = time.monotonic() + START_TIMEOUT
    for line in process.stdout:  # the banner's AWS line comes once the fixture is loaded
        if line.startswith("AWS emulator: "):
            break
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError(f"the local cloud did not start: {line.strip()}")
    else:
        raise RuntimeError("the local cloud exited before its banner")

    def drain() -> None:  # keep reading so its logging never blocks on a full pipe
        for _ in process.stdout:  # type: ignore[union-attr]
            pass

    threading.Thread(target=drain, daemon=True).start()
    return f"http://127.0.0.1:{port}", process


@dataclass
class Pass:
    """One pass's latencies per call (every answer, failed ones too) and the failures seen."""

    ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failed: Counter[str] = field(default_factory=Counter)  # "call status message" -> times

    def add(self, other: Pass) -> None:
        for name, samples in other.ms.items():
            self.ms[name] += samples
        self.failed.update(other.failed)


class FlowFailed(Exception):
    pass


def flow(session: Any, url: str, headers: dict[str, str], into: Pass) -> None:
    """One consumer's hot calls, each timed; a non-2xx answer is counted and ends this flow."""
    cuid = f"bench-{uuid.uuid4().hex[:10]}"
    base = url + BLAZE
    items = {"cart": {"items": [{"productId": "demo-flower", "quantity": 2}], "promoCode": "TENOFF"}}

    def call(name: str, method: str, path: str, **kwargs: Any) -> Any:
        start = time.perf_counter()
        response = session.request(method, base + path, headers=headers, params={"cuid": cuid}, timeout=30, **kwargs)
        into.ms[name].append((time.perf_counter() - start) * 1000)
        if response.status_code >= 300:
            into.failed[f"{name} {response.status_code} {response.text[:120]}"] += 1
            raise FlowFailed
        return response.json()

    try:
        cart_id = call("active", "GET", "/active")["id"]
        call("prepare", "POST", "/prepare", json=items)
        call("updateCart", "POST", f"/updateCart/{cart_id}", json={**items, "pickupType": "Pickup"})
        call("get", "GET", f"/{cart_id}")
        call("submitCart", "POST", f"/submitCart/{cart_id}", json={})
    except FlowFailed:
        pass


def run_http(flows: int, per_client: int, clients: int) -> dict[str, Pass]:
    """Per pass (one after another, then N clients at once), per call, latencies in ms."""
    import requests

    from cart_core.faces import by_name

    headers = {**dict(by_name("blaze").demo_headers), "Content-Type": "application/json"}
    url, process = start_cloud()
    try:
        sequential, concurrent = Pass(), Pass()
        with requests.Session() as session:
            flow(session, url, headers, Pass())  # warm-up: every function imported, connections open
            for _ in range(flows):
                flow(session, url, headers, sequential)
        lock = threading.Lock()

        def client(_: int) -> None:
            mine = Pass()
            with requests.Session() as session:
                for _ in range(per_client):
                    flow(session, url, headers, mine)
            with lock:
                concurrent.add(mine)

        with ThreadPoolExecutor(max_workers=clients) as pool:
            list(pool.map(client, range(clients)))
        return {"sequential": sequential, f"{clients} clients": concurrent}
    finally:
        process.terminate()
        process.wait(timeout=15)


def report_http(passes: dict[str, Pass], flows: int, per_client: int, clients: int) -> str:
    headers = ["call"]
    for name in passes:
        headers += [f"{name} p50 ms", "p99 ms", "n", "non-2xx"]
    rows = []
    for call in CALLS:
        row = [call]
        for result in passes.values():
            samples = result.ms.get(call, [])
            failed = sum(n for key, n in result.failed.items() if key.split()[0] == call)
            if samples:
                row += [f"{percentile(samples, 50):.1f}", f"{percentile(samples, 99):.1f}"]
            else:
                row += ["-", "-"]
            row += [str(len(samples)), str(failed)]
        rows.append(row)
    note = f"{flows} flows one after another, then {per_client} flows from each of {clients} clients at once"
    lines = [note, table(headers, rows)]
    for name, result in passes.items():
        lines += [f"non-2xx [{name}] x{n}: {key}" for key, n in result.failed.most_common()]
    return "\n".join(lines)
