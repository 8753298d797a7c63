"""End-to-end: `python -m local.cloud` (what `make local` runs) in a subprocess, driven over HTTP."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import yaml

from local.cloud import free_port
from local.template import Template

ROOT = Path(__file__).resolve().parents[2]


# Short clocks so the event-driven paths finish within a test: a 3 s POS deadline, 1 s webhook
# backoff base, failed messages visible again after 1 s, TTL sweeps every second.
FAST_CLOCKS = {
    "CART_VALIDATION_TIMEOUT_SECONDS": "3",
    "WEBHOOK_RETRY_BASE_SECONDS": "1",
    "LOCAL_SQS_VISIBILITY_TIMEOUT": "1",
    "LOCAL_TTL_REAPER_SECONDS": "1",
    "ALLOW_LOOPBACK_WEBHOOK_URLS": "true",  # the test POS receivers listen on loopback
}


@dataclass
class Cloud:
    url: str
    aws_endpoint: str
    mail_folder: Path | None = None


def start_cloud(
    extra_env: dict[str, str] | None = None, log: list[str] | None = None
) -> tuple[Cloud, subprocess.Popen]:
    """Start `python -m local.cloud` on a free port; once its banner is out, every later line of its
    output goes to ``log`` (if given)."""
    port = free_port()
    # No discovery file unless a test asks for one: a developer's own `make local` owns .local-cloud.json.
    # Its mail goes to a folder of its own, not the project's .local/mail.
    env = {
        **os.environ,
        **FAST_CLOCKS,
        "PORT": str(port),
        "LOCAL_CLOUD_QUIET": "1",
        "LOCAL_CLOUD_DISCOVERY_FILE": "",
        "MAIL_FOLDER": tempfile.mkdtemp(prefix="local-cloud-mail-"),
        **(extra_env or {}),
    }
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
    aws_endpoint = ""
    for line in process.stdout:  # the cloud prints its banner once the fixture is loaded
        if line.startswith("AWS emulator: "):
            aws_endpoint = line.split()[2]
            break
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            pytest.fail(f"local cloud did not start: {line}")

    def drain() -> None:  # keep reading the cloud's output so its logging never blocks on a full pipe
        for line in process.stdout:
            if log is not None:
                log.append(line)

    threading.Thread(target=drain, daemon=True).start()
    return Cloud(url, aws_endpoint, Path(env["MAIL_FOLDER"])), process


def stop_cloud(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=10)


PROBE_CODE = Path(__file__).resolve().parent / "probe_functions"


def probe_template(directory: Path) -> Path:
    """template.yaml plus the test-only resources: HoldFunction (timeout 60 s) and TimeoutFunction
    (timeout 1 s), and what probe_functions/probe_resources.yaml declares (CodeUri "." is that folder)."""
    raw = copy.deepcopy(Template.load().raw)
    for name, timeout, prefix in (("HoldFunction", 60, "/_probe"), ("TimeoutFunction", 1, "/_probe/short")):
        raw["Resources"][name] = {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "Handler": "local_cloud_probe.app.lambda_handler",
                "CodeUri": str(PROBE_CODE),
                "Timeout": timeout,
                "Events": {
                    action.title(): {
                        "Type": "Api",
                        "Properties": {"Method": method, "Path": f"{prefix}/{action}", "Auth": {"Authorizer": "NONE"}},
                    }
                    for action, method in (("hold", "get"), ("holding", "get"), ("release", "post"))
                },
            },
        }
    extra = Template.load(PROBE_CODE / "probe_resources.yaml").raw
    for name, resource in extra["Resources"].items():
        if resource.get("Properties", {}).get("CodeUri") == ".":
            resource["Properties"]["CodeUri"] = str(PROBE_CODE)
        raw["Resources"][name] = resource
    path = directory / "template.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


@pytest.fixture(scope="session")
def probe(tmp_path_factory) -> Iterator[tuple[Cloud, list[str]]]:
    """A local cloud serving :func:`probe_template`, its output lines in the list (access log on).
    Its queues keep the visibility timeout the template declares (no short-clock override)."""
    log: list[str] = []
    template = probe_template(tmp_path_factory.mktemp("probe"))
    env = {"LOCAL_CLOUD_TEMPLATE": str(template), "LOCAL_CLOUD_QUIET": "0", "LOCAL_SQS_VISIBILITY_TIMEOUT": ""}
    started, process = start_cloud(env, log)
    try:
        yield started, log
    finally:
        stop_cloud(process)


@pytest.fixture(scope="session")
def cloud() -> Iterator[Cloud]:
    started, process = start_cloud()
    try:
        yield started
    finally:
        stop_cloud(process)


class Blaze:
    def __init__(self, url: str, partner_key: str = "demo-partner-key", developer_key: str = "demo-developer-key"):
        self.base = f"{url}/api/v1/partner/store/cart"
        self.session = requests.Session()
        self.session.headers.update({"x-api-key": partner_key, "Authorization": developer_key})

    def __call__(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.session.request(method, self.base + path, timeout=30, **kwargs)


@pytest.fixture(scope="session")
def local_cloud(cloud: Cloud) -> str:
    return cloud.url


@pytest.fixture
def demo(local_cloud: str) -> Blaze:
    return Blaze(local_cloud)


@pytest.fixture
def acme(local_cloud: str) -> Blaze:
    return Blaze(local_cloud, "acme-partner-key", "acme-developer-key")
