"""What every bench section shares: paths, fake credentials, the run's budget, tables and percentiles."""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHONPATH = os.pathsep.join(str(ROOT / p) for p in ("", "functions", "layers/cart_core"))
BLAZE = "/api/v1/partner/store/cart"
FUNCTION = "BlazeCartFunction"
CALLER = {"tenantId": "demo", "locationId": "main"}
FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@dataclass(frozen=True)
class CartSize:
    label: str
    lines: int
    iterations: int


@dataclass(frozen=True)
class Budget:
    """How many samples each section takes. ``make bench`` uses FULL; the smoke test (which only
    checks that every section still produces figures) uses TINY."""

    sizes: tuple[CartSize, ...]
    cold_runs: int  # fresh interpreters per function (and per baseline), after one discarded run
    http_flows: int  # BLAZE flows sent one after another
    http_flows_per_client: int  # then by each of http_clients clients at once
    http_clients: int = 8
    contenders: int = 50
    warm_invocations: int = 50  # per function after its cold start, for its peak memory
    medusa_calls: int = 30  # sequential calls per Medusa hot call (medusa-v1.md §6 took 30)

    def size(self, lines: int) -> CartSize:
        return next(s for s in self.sizes if s.lines == lines)


FULL = Budget(
    sizes=(CartSize("1-line", 1, 250), CartSize("10-line", 10, 120), CartSize("100-line", 100, 60)),
    cold_runs=7,
    http_flows=30,
    http_flows_per_client=4,
)
TINY = Budget(
    sizes=(CartSize("1-line", 1, 2), CartSize("10-line", 10, 2), CartSize("100-line", 100, 2)),
    cold_runs=1,
    http_flows=3,
    http_flows_per_client=2,
    http_clients=2,
    contenders=4,
    warm_invocations=2,
    medusa_calls=3,
)


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Plain-text table, first column left-aligned, the others right-aligned."""
    widths = [max(len(r[c]) for r in [headers, *rows]) for c in range(len(headers))]

    def line(cells: list[str]) -> str:
        first, *rest = cells
        return "  ".join([first.ljust(widths[0]), *(c.rjust(w) for c, w in zip(rest, widths[1:], strict=True))])

    return "\n".join([line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in rows)])


def percentile(samples: list[float], p: int) -> float:
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[p - 1]


def verdict(ratio: float, target: float) -> str:
    return "met" if ratio <= target else "MISSED"


def ratio_cells(ours: float, base: float, target: float) -> list[str]:
    """ratio, target, met/MISSED."""
    ratio = ours / base if base > 0 else float("inf")
    return [f"{ratio:.2f}x", f"<= {target:g}x", verdict(ratio, target)]
