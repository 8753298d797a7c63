"""schemathesis over every face's committed OpenAPI (docs/openapi/), through the local cloud over HTTP.

Two uses of one runner:
- ``make test`` (tests/e2e/test_schemathesis.py): a bounded, reproducible pass, a few examples per
  operation with a fixed seed, checking ``not_a_server_error`` and ``response_schema_conformance``
  (every success against the route's response model, functions/<face>/responses.py, and every error
  against the face's error body: a model that drifts from its mapping fails here);
- ``make fuzz`` (``python -m local.fuzz``): the long run, every check, ``FUZZ_EXAMPLES`` (200)
  examples per operation, a new seed each run unless ``FUZZ_SEED`` is set.

Each face is called with the demo credentials and path values of its registry entry
(``cart_core.faces``, declared in ``functions/<face>/face.py``). Before
the run, ``local.fuzz_seed`` makes records through the service's own API (open and submitted carts,
webhook subscriptions, …) and hands their ids to schemathesis as dictionaries that generated ids are
mixed with, so cases reach the core instead of stopping at 404. Every run writes schemathesis's
NDJSON event report; ``report`` reads it into a per-operation table (cases, how many got a 2xx, the
other statuses), and ``COVERAGE_THRESHOLD`` of the operations, per face and overall, must reach a 2xx.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from local import fuzz_seed
from local.openapi import committed_path, registered_api_functions
from local.template import Template
from local.webhook_receiver import WebhookReceiver

BOUNDED_CHECKS = ("not_a_server_error", "response_schema_conformance")
# The long run: every check except the ones whose premise these APIs do not share. ignored_auth,
# object_level_authorization and use_after_free need stateful links the documents do not declare;
# positive_data_acceptance would call every 404 for a random (schema-valid) id a failure, and every
# 400 for a rule the core enforces that the schema does not state (docs/testing.md, Fuzzing);
# unsupported_method wants 405 for an undeclared method, which the faces answer 404 as API Gateway
# does (tests/integration/test_blaze_bad_input.py).
LONG_RUN_EXCLUDED = (
    "positive_data_acceptance",
    "ignored_auth",
    "use_after_free",
    "object_level_authorization",
    "unsupported_method",
)
# Checks' settings for every run. A body over the gateway's size limit is refused with 413 before it
# is validated: for invalid data that is a rejection too (schemathesis's defaults, plus 413).
CHECKS_CONFIG = """[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]
"""
# The share of a face's operations (and of all of them) that must answer at least one case with a 2xx.
COVERAGE_THRESHOLD = 0.8
# The cloud the fuzz runs against: a POS deadline longer than any fuzz run, so carts seeded for
# BLAZE's cancel and LOKE's accept/reject are still waiting for the POS when their cases come; and
# the functions' logs from warnings up (cases that reach the core set off every worker, whose info
# lines would bury schemathesis's output).
CLOUD_ENV = {"CART_VALIDATION_TIMEOUT_SECONDS": "3600", "POWERTOOLS_LOG_LEVEL": "WARNING"}


def schemathesis_executable() -> str:
    """The schemathesis CLI installed beside this interpreter (the project venv), else on PATH."""
    beside = Path(sys.executable).with_name("schemathesis")
    found = str(beside) if beside.exists() else shutil.which("schemathesis")
    if not found:
        raise SystemExit("schemathesis is not installed: run `make install` (it is pinned in requirements-dev.txt)")
    return found


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
    seeds: fuzz_seed.Seeds | None = None,
    report: Path | None = None,
) -> list[str]:
    """The schemathesis command line for one face: its committed document, its credentials, and the
    seeded dictionaries (``seeds``) its operations draw ids from."""
    from cart_core.faces import by_function

    face = by_function(logical_id)  # LookupError for a function that is no registered face
    config = config_dir / f"{logical_id}.toml"
    config.write_text(CHECKS_CONFIG + "\n" + fuzz_seed.config(logical_id, dict(face.demo_path_parameters), seeds))
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
    if report is not None:
        args += ["--report", "ndjson", "--report-ndjson-path", str(report)]
    for name, value in face.demo_headers.items():
        args += ["-H", f"{name}: {value}"]
    return args


def _server_path(logical_id: str) -> str:
    """The document's server URL (the face's base path), where its paths start."""
    servers = json.loads(committed_path(logical_id).read_text()).get("servers") or [{"url": "/"}]
    return servers[0]["url"].rstrip("/")


def operations(logical_id: str) -> list[str]:
    """The face's operations as schemathesis labels them ("METHOD /path"), in document order."""
    paths = json.loads(committed_path(logical_id).read_text()).get("paths", {})
    return [f"{method.upper()} {path}" for path, methods in paths.items() for method in methods]


@dataclass
class OperationStats:
    cases: int = 0
    statuses: Counter[int | None] = field(default_factory=Counter)  # None: no response (network error)

    @property
    def reached(self) -> int:
        """Cases answered with a 2xx: they got through validation and lookups into the core."""
        return sum(n for status, n in self.statuses.items() if status is not None and 200 <= status < 300)


@dataclass
class FaceRun:
    logical_id: str
    process: subprocess.CompletedProcess[str]
    operations: dict[str, OperationStats]

    @property
    def reached(self) -> list[str]:
        return [label for label, stats in self.operations.items() if stats.reached]


def read_report(path: Path, labels: Iterable[str]) -> dict[str, OperationStats]:
    """Per operation, the cases and their response statuses, from schemathesis's NDJSON event report:
    every finished scenario records its cases (method and path template) and each case's response.
    ``labels`` (the document's operations) are listed even when no case of theirs was recorded; a
    case with another label (the unsupported_method check's TRACE /path, …) belongs to no operation."""
    stats = {label: OperationStats() for label in labels}
    lines = path.read_text().splitlines() if path.exists() else []
    for line in lines:
        finished = json.loads(line).get("ScenarioFinished")
        if not finished:
            continue
        recorder = finished.get("recorder") or {}
        interactions = recorder.get("interactions") or {}
        for case_id, case in (recorder.get("cases") or {}).items():
            value = case["value"]
            entry = stats.get(f"{value['method'].upper()} {value['path']}")
            if entry is None:
                continue
            response = (interactions.get(case_id) or {}).get("response")
            entry.cases += 1
            entry.statuses[response["status_code"] if response else None] += 1
    return stats


def run(
    logical_id: str,
    url: str,
    *,
    max_examples: int,
    seed: int | None,
    capture: bool,
    seeds: fuzz_seed.Seeds | None = None,
    **kw: object,
) -> FaceRun:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "events.ndjson"
        args = command(
            logical_id,
            url,
            max_examples=max_examples,
            seed=seed,
            config_dir=Path(folder),
            seeds=seeds,
            report=report,
            **kw,  # type: ignore[arg-type]
        )
        env = {**os.environ, "SCHEMATHESIS_HOOKS": "", "NO_COLOR": "1"}
        process = subprocess.run(args, check=False, text=True, capture_output=capture, env=env)  # noqa: S603 - our own tool and files
        return FaceRun(logical_id, process, read_report(report, operations(logical_id)))


def consumed_records(max_examples: int) -> int:
    """Records per pool that a 2xx uses up (LOKE accept/reject, webhook delete): about one per four
    cases (a case draws a seeded id at most ``ID_PROBABILITY`` of the time, and only some of those
    have an otherwise valid request), within bounds that keep seeding quick."""
    return max(fuzz_seed.REUSABLE, min(50, max_examples // 4))


def coverage(runs: Iterable[FaceRun]) -> tuple[int, int]:
    """(operations that reached a 2xx, operations) over ``runs``."""
    runs = list(runs)
    return sum(len(r.reached) for r in runs), sum(len(r.operations) for r in runs)


def meets_threshold(runs: Iterable[FaceRun]) -> bool:
    runs = list(runs)
    return all(_share(*coverage([r])) >= COVERAGE_THRESHOLD for r in runs) and (
        _share(*coverage(runs)) >= COVERAGE_THRESHOLD
    )


def _share(reached: int, total: int) -> float:
    return reached / total if total else 1.0


def format_report(face_run: FaceRun) -> str:
    """The per-operation table: cases, cases answered 2xx, the other statuses seen."""
    reached, total = coverage([face_run])
    width = max([len(label) for label in face_run.operations] + [9])
    rows = [
        f"{face_run.logical_id}: {reached}/{total} operations reached a 2xx ({_share(reached, total):.0%})",
        f"  {'operation':<{width}}  {'cases':>5}  {'2xx':>5}  other statuses",
    ]
    for label, stats in sorted(face_run.operations.items()):
        others = sorted(
            ((status, n) for status, n in stats.statuses.items() if status is None or not 200 <= status < 300),
            key=lambda item: item[0] or 0,
        )
        seen = ", ".join(f"{status or 'no response'}×{n}" for status, n in others)
        mark = "" if stats.reached else "   <- never 2xx"
        rows.append(f"  {label:<{width}}  {stats.cases:>5}  {stats.reached:>5}  {seen}{mark}")
    return "\n".join(rows)


def format_coverage(runs: Iterable[FaceRun]) -> str:
    runs = list(runs)
    reached, total = coverage(runs)
    verdict = "ok" if meets_threshold(runs) else f"below the {COVERAGE_THRESHOLD:.0%} threshold"
    return f"Overall: {reached}/{total} operations reached a 2xx ({_share(reached, total):.0%}); {verdict}"


def main() -> int:
    """``make fuzz``: the long run over every face."""
    from local.cloud import LocalCloud, free_port

    os.environ["LOCAL_CLOUD_QUIET"] = "1"
    for name, value in CLOUD_ENV.items():
        os.environ.setdefault(name, value)
    cloud = LocalCloud(port=free_port()).start()
    receiver = WebhookReceiver(status=204)
    examples = int(os.environ.get("FUZZ_EXAMPLES", "200"))
    seed = int(os.environ["FUZZ_SEED"]) if os.environ.get("FUZZ_SEED") else None
    failed = 0
    runs: list[FaceRun] = []
    try:
        for logical_id in registered_api_functions(Template.load()):
            print(f"\n== {logical_id} ==", flush=True)
            seeds = fuzz_seed.seed(
                cloud.url, logical_id, consumed=consumed_records(examples), receiver_url=receiver.url
            )
            face_run = run(
                logical_id,
                cloud.url,
                max_examples=examples,
                seed=seed,
                capture=False,
                seeds=seeds,
                checks=("all",),
                exclude_checks=LONG_RUN_EXCLUDED,
            )
            failed |= face_run.process.returncode
            runs.append(face_run)
    finally:
        cloud.stop()
        receiver.close()
    print("\n== Operations that reached the core ==")
    for face_run in runs:
        print(format_report(face_run) + "\n")
    print(format_coverage(runs))
    return failed or (0 if meets_threshold(runs) else 1)


if __name__ == "__main__":
    raise SystemExit(main())
