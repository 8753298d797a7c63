"""The startup banner's commands work as printed: they are run, in order, in bash, against a
started local cloud (the curl examples, `make admin`, the AWS CLI or its boto3 stand-in)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from local.cloud import _examples
from tests.e2e.conftest import ROOT, start_cloud, stop_cloud

# `make admin` depends on `install`; the virtualenv is shared with the running tests and must not be
# reinstalled from inside them, so make is told to take it as up to date. Everything else runs as printed.
SHELL_PRELUDE = 'set -eo pipefail\nmake() { command make -o .venv/.installed "$@"; }\n'


@pytest.fixture(scope="module")
def started(tmp_path_factory) -> Iterator[dict]:
    discovery = tmp_path_factory.mktemp("cloud") / ".local-cloud.json"
    log: list[str] = []
    cloud, process = start_cloud({"LOCAL_CLOUD_DISCOVERY_FILE": str(discovery)}, log)
    deadline = time.monotonic() + 30
    while not any(line.startswith("  make admin") for line in log) and time.monotonic() < deadline:
        time.sleep(0.1)  # the banner is one print; wait until its last block has been read
    try:
        yield {"cloud": cloud, "process": process, "log": log, "discovery": discovery}
    finally:
        if process.poll() is None:
            stop_cloud(process)


def commands(banner: list[str]) -> list[str]:
    """The indented lines from "Try it" on: the commands a developer copies."""
    start = next(i for i, line in enumerate(banner) if line.startswith("Try it"))
    block = []
    for line in banner[start + 1 :]:
        if line.startswith("{"):  # the functions' logs, after the banner
            break
        if line.startswith("  "):
            block.append(line.strip())
    return block


def run(lines: list[str], discovery: Path | None) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}  # a developer's shell
    env.pop("LOCAL_CLOUD_DISCOVERY_FILE", None)
    if discovery:
        env["LOCAL_CLOUD_DISCOVERY_FILE"] = str(discovery)
    script = SHELL_PRELUDE + "\n".join(lines)
    done = subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{script}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    return done.stdout


def assert_it_all_worked(out: str) -> None:
    # The cart the prepare line captured is the one submitted, listed, and shown to the POS
    cart_id = re.search(r"^cart ([0-9a-f]{24})$", out, re.M)
    assert cart_id, out
    assert f'"id":"{cart_id[1]}"' in out.split(f"cart {cart_id[1]}", 1)[1]
    assert '"placed":true' in out and '"values":[' in out
    assert f'"id":"{cart_id[1]}","createdAt"' in out  # LOKE's model of it
    # NewStore: the token request's access token made the first cart, a draft at the demo store
    assert re.search(r'"state":"draft","store_id":"main"', out), out
    # make admin wrote the product; the queue listing shows the template's queues
    assert '"product_id": "demo-tea"' in out and '"price_minor": 440' in out
    assert "cart-local-WebhookQueue" in out


def test_the_banner_commands_run_as_printed(started) -> None:
    # Given the banner a started local cloud printed (with the AWS CLI line if `aws` is on this PATH)
    lines = commands(started["log"])
    assert any(line.startswith("curl") for line in lines) and not any("<" in line for line in lines)
    # When they are run in order, as a developer pastes them, Then each works
    assert_it_all_worked(run(lines, started["discovery"]))


def test_without_the_aws_cli_or_a_discovery_file_the_banner_still_works(started) -> None:
    # Given the banner for a machine without the AWS CLI, and a cloud that wrote no discovery file
    cloud = started["cloud"]
    banner = _examples(cloud.url, cloud.aws_endpoint, ["BlazeCartFunction"], aws_cli=False, discovery=None)
    lines = commands(banner.splitlines())
    assert not any(line.split()[0] == "aws" or " aws " in line for line in lines)
    # When they are run as printed, Then they work with only what `make install` installed
    assert_it_all_worked(run(lines, None))


def test_the_discovery_file_lives_as_long_as_the_cloud(started) -> None:
    # Given a running cloud: its discovery file says how to reach it
    found = json.loads(started["discovery"].read_text())
    assert found["url"] == started["cloud"].url and found["aws_endpoint"] == started["cloud"].aws_endpoint
    assert found["resources"]["CartTable"] == "cart-local-CartTable" and found["region"] == "us-east-1"
    # When it is stopped (SIGTERM, as `kill` does), Then the file is gone
    stop_cloud(started["process"])
    assert not started["discovery"].exists()
