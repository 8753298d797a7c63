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
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
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


def flow(session: Any, url: str, headers: dict[str, str], timings: dict[str, list[float]]) -> None:
    """One consumer's hot calls, each timed; a non-2xx answer stops the run."""
    cuid = f"bench-{uuid.uuid4().hex[:10]}"
    base = url + BLAZE
    items = {"cart": {"items": [{"productId": "demo-flower", "quantity": 2}], "promoCode": "TENOFF"}}

    def call(name: str, method: str, path: str, **kwargs: Any) -> Any:
        start = time.perf_counter()
        response = session.request(method, base + path, headers=headers, params={"cuid": cuid}, timeout=30, **kwargs)
        timings[name].append((time.perf_counter() - start) * 1000)
        if response.status_code >= 300:
            raise RuntimeError(f"{method} {path} -> {response.status_code} {response.text[:200]}")
        return response.json()

    cart_id = call("active", "GET", "/active")["id"]
    call("prepare", "POST", "/prepare", json=items)
    call("updateCart", "POST", f"/updateCart/{cart_id}", json={**items, "pickupType": "Pickup"})
    call("get", "GET", f"/{cart_id}")
    call("submitCart", "POST", f"/submitCart/{cart_id}", json={})


def run_http(flows: int, clients: int) -> dict[str, dict[str, list[float]]]:
    """Per pass (sequential, N concurrent), per call, latencies in ms."""
    import requests

    from cart_core.faces import by_name

    headers = {**dict(by_name("blaze").demo_headers), "Content-Type": "application/json"}
    url, process = start_cloud()
    try:
        sequential: dict[str, list[float]] = defaultdict(list)
        with requests.Session() as session:
            flow(session, url, headers, defaultdict(list))  # warm-up: every function imported, connections open
            for _ in range(flows):
                flow(session, url, headers, sequential)
        concurrent: dict[str, list[float]] = defaultdict(list)
        lock = threading.Lock()

        def client(_: int) -> None:
            mine: dict[str, list[float]] = defaultdict(list)
            with requests.Session() as session:
                for _ in range(flows):
                    flow(session, url, headers, mine)
            with lock:
                for name, samples in mine.items():
                    concurrent[name] += samples

        with ThreadPoolExecutor(max_workers=clients) as pool:
            list(pool.map(client, range(clients)))
        return {"sequential": sequential, f"{clients} clients": concurrent}
    finally:
        process.terminate()
        process.wait(timeout=15)


def report_http(passes: dict[str, dict[str, list[float]]], flows: int, clients: int) -> str:
    headers = ["call"]
    for name in passes:
        headers += [f"{name} p50 ms", "p99 ms"]
    rows = []
    for call in CALLS:
        row = [call]
        for samples in passes.values():
            row += [f"{percentile(samples[call], 50):.1f}", f"{percentile(samples[call], 99):.1f}"]
        rows.append(row)
    note = f"{flows} flows sequentially, then {flows} flows from each of {clients} clients at once"
    return "\n".join([note, table(headers, rows)])
