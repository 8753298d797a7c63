"""schemathesis over every face's committed OpenAPI (docs/openapi/), through the local cloud over HTTP.

Two uses of one runner:
- ``make test`` (tests/e2e/test_schemathesis.py): a bounded, reproducible pass, a few examples per
  operation with a fixed seed, checking ``not_a_server_error`` and ``response_schema_conformance``;
- ``make fuzz`` (``python -m local.fuzz``): the long run, every check, ``FUZZ_EXAMPLES`` (200)
  examples per operation, a new seed each run unless ``FUZZ_SEED`` is set.

Each face is called with its demo credentials and path values from ``local.fixture.FACES``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from local.openapi import api_functions, committed_path
from local.template import Template

BOUNDED_CHECKS = ("not_a_server_error", "response_schema_conformance")
# The long run: every check except the ones whose premise these APIs do not share. ignored_auth,
# object_level_authorization and use_after_free need stateful links the documents do not declare;
# positive_data_acceptance would call a 404 for a random cart id (a valid string) a failure.
LONG_RUN_EXCLUDED = ("positive_data_acceptance", "ignored_auth", "use_after_free", "object_level_authorization")


def schemathesis_executable() -> str:
    """The schemathesis CLI installed beside this interpreter (the project venv), else on PATH."""
    beside = Path(sys.executable).with_name("schemathesis")
    found = str(beside) if beside.exists() else shutil.which("schemathesis")
    if not found:
        raise SystemExit("schemathesis is not installed: run `make install` (it is pinned in requirements-dev.txt)")
    return found


def _toml_value(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def command(
    logical_id: str,
    url: str,
    *,
    max_examples: int,
    seed: int | None,
    checks: Sequence[str] = (),
    exclude_checks: Sequence[str] = (),
    extra_args: Sequence[str] = (),
    phases: Sequence[str] = (),
    config_dir: Path,
) -> list[str]:
    """The schemathesis command line for one face: its committed document, its credentials."""
    from local.fixture import FACES

    if logical_id not in FACES:
        raise LookupError(f"{logical_id} has no entry in local.fixture.FACES (its demo credentials and path values)")
    face = FACES[logical_id]
    config = config_dir / f"{logical_id}.toml"
    lines = ["[parameters]"] + [f'"path.{k}" = {_toml_value(v)}' for k, v in face.path_parameters.items()]
    config.write_text("\n".join(lines) + "\n")
    args = [schemathesis_executable(), "--config-file", str(config), "run", str(committed_path(logical_id))]
    args += ["--url", url.rstrip("/") + _server_path(logical_id), "--max-examples", str(max_examples)]
    args += ["--workers", "1", *extra_args]
    if phases:
        args += ["--phases", ",".join(phases)]
    if seed is not None:
        args += ["--seed", str(seed)]
    if checks:
        args += ["--checks", ",".join(checks)]
    if exclude_checks:
        args += ["--exclude-checks", ",".join(exclude_checks)]
    for name, value in face.headers.items():
        args += ["-H", f"{name}: {value}"]
    return args


def _server_path(logical_id: str) -> str:
    """The document's server URL (the face's base path), where its paths start."""
    import json

    servers = json.loads(committed_path(logical_id).read_text()).get("servers") or [{"url": "/"}]
    return servers[0]["url"].rstrip("/")


def run(
    logical_id: str, url: str, *, max_examples: int, seed: int | None, capture: bool, **kw: object
) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as folder:
        args = command(logical_id, url, max_examples=max_examples, seed=seed, config_dir=Path(folder), **kw)  # type: ignore[arg-type]
        env = {**os.environ, "SCHEMATHESIS_HOOKS": "", "NO_COLOR": "1"}
        return subprocess.run(args, check=False, text=True, capture_output=capture, env=env)  # noqa: S603 - our own tool and files


def main() -> int:
    """``make fuzz``: the long run over every face."""
    from local.cloud import LocalCloud, free_port

    os.environ["LOCAL_CLOUD_QUIET"] = "1"
    cloud = LocalCloud(port=free_port()).start()
    examples = int(os.environ.get("FUZZ_EXAMPLES", "200"))
    seed = int(os.environ["FUZZ_SEED"]) if os.environ.get("FUZZ_SEED") else None
    failed = 0
    try:
        for logical_id in api_functions(Template.load()):
            print(f"\n== {logical_id} ==", flush=True)
            result = run(
                logical_id,
                cloud.url,
                max_examples=examples,
                seed=seed,
                capture=False,
                checks=("all",),
                exclude_checks=LONG_RUN_EXCLUDED,
            )
            failed |= result.returncode
    finally:
        cloud.stop()
    return failed


if __name__ == "__main__":
    raise SystemExit(main())
