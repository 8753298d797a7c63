"""A Medusa v1 storefront's whole checkout through the real ``@medusajs/medusa-js`` 6.1.9 client (issue #10
§5): tests/e2e/medusa_js/checkout.mjs, run by Node against the local cloud (`python -m local.cloud`).

The script prints one line per step and exits non-zero at the first failing one; this test shows its
whole output when it fails. Node packages come from tests/e2e/medusa_js/package-lock.json (`npm ci`,
which `.ci/run` also runs); without node or npm on the machine the test is skipped, saying so.
Run it alone: ``.venv/bin/python -m pytest tests/e2e/test_medusa_js.py`` (docs/testing.md).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

PROJECT = Path(__file__).resolve().parent / "medusa_js"
SCRIPT = PROJECT / "checkout.mjs"

# What the flow needs from the demo fixture (local/fixture.py): the demo tenant's store is Medusa's home
# region (reg_… in USD), the second region holds Germany (EUR), DEMO10 is its 10 % storefront code.
FIXTURE_ENV = {"MEDUSA_CURRENCY": "usd", "MEDUSA_OTHER_COUNTRY": "de", "MEDUSA_DISCOUNT_CODE": "DEMO10"}


def node_project() -> Path:
    """The installed medusa-js project (``npm ci`` once, under a lock, if node_modules is missing)."""
    from bench.medusa_http import NodeMissing, install_node_packages

    try:
        install_node_packages()
    except NodeMissing as missing:
        pytest.skip(f"{missing}: the medusa-js checkout needs Node >= 18 and npm (CI has them)")
    return PROJECT


def publishable_key() -> dict[str, str]:
    """The demo store's publishable key, as a storefront configures it (Medusa does not require one)."""
    from cart_core.faces import by_name

    return {"MEDUSA_PUBLISHABLE_KEY": by_name("medusa").demo_headers["x-publishable-api-key"]}


def test_a_medusa_js_storefront_completes_a_checkout(local_cloud: str) -> None:
    # Given the local cloud with the demo fixture, and medusa-js 6.1.9 installed from the lockfile
    project = node_project()
    # When the storefront flow runs through the real client, step by step
    env = {**os.environ, **FIXTURE_ENV, "MEDUSA_BACKEND_URL": local_cloud, **publishable_key()}
    run = subprocess.run(
        ["node", str(SCRIPT)], cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False
    )  # fmt: skip
    # Then every step passed (the last line names the failing one otherwise)
    output = run.stdout + (f"\n[stderr]\n{run.stderr}" if run.stderr.strip() else "")
    assert run.returncode == 0, f"medusa-js checkout failed (exit {run.returncode}):\n{output}"
    assert run.stdout.rstrip().splitlines()[-1].startswith("ok: the whole checkout passed"), output
