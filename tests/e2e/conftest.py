"""End-to-end: `python -m local.cloud` (what `make local` runs) in a subprocess, driven over HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from local.cloud import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def local_cloud() -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "PORT": str(port), "LOCAL_CLOUD_QUIET": "1"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "functions"), str(ROOT / "layers/cart_core")])
    process = subprocess.Popen(
        [sys.executable, "-m", "local.cloud"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    assert process.stdout is not None
    for line in process.stdout:  # the cloud prints its banner once the fixture is loaded
        if "Local cloud ready" in line:
            break
        if time.monotonic() > deadline or process.poll() is not None:
            pytest.fail(f"local cloud did not start: {line}")
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


class Blaze:
    def __init__(self, url: str, partner_key: str = "demo-partner-key", developer_key: str = "demo-developer-key"):
        self.base = f"{url}/api/v1/partner/store/cart"
        self.session = requests.Session()
        self.session.headers.update({"x-api-key": partner_key, "Authorization": developer_key})

    def __call__(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.session.request(method, self.base + path, timeout=30, **kwargs)


@pytest.fixture
def demo(local_cloud: str) -> Blaze:
    return Blaze(local_cloud)


@pytest.fixture
def acme(local_cloud: str) -> Blaze:
    return Blaze(local_cloud, "acme-partner-key", "acme-developer-key")
