"""make bench: what the framework costs, as ratios against bare baselines in the same run.

Sections (docs/performance.md says how to read each):
1. warm BLAZE endpoints in-process against moto, beside a bare boto3 handler making the same calls;
2. the same endpoints at 1, 10 and 100 lines (scaling);
3. cold start per function in template.yaml against boto3 + the same clients;
4. the BLAZE flow over HTTP through the local cloud, sequential and concurrent;
5. contention: commuting mutations racing on one cart;
6. memory: peak RSS per function after its cold start and warm invocations (MemorySize's floor).
7. the Medusa face's hot calls through medusa-js and the local cloud, beside the real Medusa 1.20.10.
8. the NewStore face's hot calls (GET cart, PATCH products, PATCH payments) at 1, 10 and 100 lines,
   in-process against moto beside the bare boto3 baseline, as 1.

Only figures are printed; nothing is asserted about them (tests/unit/test_bench_smoke.py checks that
every section still produces them). ``python -m bench.run --quick`` runs each with tiny samples.
"""

from __future__ import annotations

import os
import platform
import sys
import time
import traceback
from collections.abc import Callable
from importlib.metadata import version

from bench.common import BLAZE, FULL, FUNCTION, TINY, Budget


def endpoints_sections(budget: Budget) -> list[str]:
    from bench.endpoints import SCALING_TARGET, WARM_TARGET, report_baseline, report_scaling, run_endpoints

    rows = run_endpoints(budget)
    small, large = budget.sizes[0], budget.sizes[-1]
    return [
        "\n".join(
            [
                f"1. Warm, per BLAZE endpoint ({FUNCTION} routes under {BLAZE}), beside a bare boto3 handler",
                "   (bench/baseline.py) that makes the same DynamoDB calls with the same keys and items on the same",
                "   moto, parses the body and answers a body of the same length. Both are called in-process, directly,",
                "   with the authorizer's context preset. overhead = our p50 - bare p50: what the framework adds.",
                f"   Target: our p50 <= {WARM_TARGET}x bare. Latency includes moto's in-process emulator on both sides.",
                report_baseline(rows, budget),
            ]
        ),
        "\n".join(
            [
                f"2. Scaling: the same endpoints at {', '.join(str(s.lines) for s in budget.sizes)} lines, p99.",
                f"   Target: the {large.lines}-line p99 <= {SCALING_TARGET:g}x the {small.lines}-line p99. calls = DynamoDB calls",
                "   per request. Carts for submitCart, cancelCart, setConsumerUser are fresh each request (untimed).",
                "   moto's transactions roll back item by item here (not by copying the table), for both sides.",
                report_scaling(rows, budget),
            ]
        ),
    ]


def coldstart_section(budget: Budget) -> str:
    from bench.coldstart import API_TARGET, AUTHORIZER_TARGET, report_coldstart, run_coldstart

    runs = budget.cold_runs
    return "\n".join(
        [
            f"3. Cold start per function in template.yaml, median of {runs} fresh interpreters (after one discarded):",
            "   import the handler module, then the first invocation with the function's sample event (seeded as",
            "   it needs, untimed), against the same moto server over loopback HTTP. bare = import boto3, create",
            "   the clients the function's policies allow (dynamodb, sqs, events, kms), one GetItem. Interpreter",
            f"   start-up is left out of both. Targets: <= {API_TARGET}x for API functions, <= {AUTHORIZER_TARGET}x for the",
            "   authorizer; issue #9 sets none for the workers.",
            report_coldstart(run_coldstart(runs), runs),
        ]
    )


def http_section(budget: Budget) -> str:
    from bench.local_http import report_http, run_http

    passes = run_http(budget.http_flows, budget.http_flows_per_client, budget.http_clients)
    return "\n".join(
        [
            "4. The BLAZE flow over HTTP through the local cloud (python -m local.cloud: HTTP server, gateway,",
            "   authorizer, function, moto's server in its own process). No target: it shows the local cloud's cost.",
            report_http(passes, budget.http_flows, budget.http_flows_per_client, budget.http_clients),
        ]
    )


def contention_section(budget: Budget) -> str:
    from bench.contention import CONTENTION_TARGET, report_contention, run_contention

    n = budget.contenders
    return "\n".join(
        [
            f"5. Contention: {n} commuting mutations on one cart at once, one thread each, through the cart service",
            "   the BLAZE function uses (200 = committed, 409 = out of retries; moto serialised, as DynamoDB applies",
            f"   each item write atomically). lost = answered 200 but missing afterwards. Target >= {CONTENTION_TARGET:.0%}, 0 lost.",
            report_contention(run_contention(n)),
        ]
    )


def memory_section(budget: Budget) -> str:
    from bench.memory import HEADROOM, RUNTIME_MB, report_memory, run_memory

    warm = budget.warm_invocations
    return "\n".join(
        [
            "6. Memory per function in template.yaml: peak RSS (VmHWM) of a fresh interpreter after the import, after",
            f"   the first invocation (seeded as in 3.) and after {warm} more of the same event; bare = boto3, the clients,",
            f"   one GetItem. floor = peak x {HEADROOM:g} + {RUNTIME_MB} MB (Lambda's runtime), rounded up to 64 MB, >= 128: the least",
            "   MemorySize; above it CPU decides (Lambda's CPU grows with memory: AWS Lambda Power Tuning in an account,",
            "   docs/performance.md). Python here is not arm64 Python 3.13: read the peaks as estimates.",
            report_memory(run_memory(warm), warm),
        ]
    )


def medusa_section(budget: Budget) -> str:
    from bench.medusa_http import GOAL, report_medusa, run_medusa

    return "\n".join(
        [
            "7. The Medusa face's hot calls through the real @medusajs/medusa-js client and the local cloud, beside",
            "   the real Medusa 1.20.10 measured the same way on a 2-core host (medusa-v1.md §6: medians only).",
            f"   Goal (issue #10): our p50 <= {GOAL:g}x Medusa's. A call the face cannot answer yet: not available.",
            report_medusa(run_medusa(budget.medusa_calls), budget.medusa_calls),
        ]
    )


def newstore_section(budget: Budget) -> str:
    from bench.endpoints import WARM_TARGET
    from bench.newstore import report_newstore, run_newstore

    return "\n".join(
        [
            "8. The NewStore face's hot calls (NewstoreShoppingFunction, /shopping/carts), warm and in-process against",
            "   moto beside the bare boto3 baseline replaying the same DynamoDB calls (as 1.), a client of demo's main",
            f"   store. Target as 1.: our p50 <= {WARM_TARGET}x bare. operations = the DynamoDB calls of the last request.",
            report_newstore(run_newstore(budget), budget),
        ]
    )


SECTIONS: dict[str, Callable[[Budget], str | list[str]]] = {
    "endpoints": endpoints_sections,
    "coldstart": coldstart_section,
    "http": http_section,
    "contention": contention_section,
    "memory": memory_section,
    "medusa": medusa_section,
    "newstore": newstore_section,
}


def main(argv: list[str]) -> int:
    budget = TINY if "--quick" in argv else FULL
    chosen = [a for a in argv if not a.startswith("--")] or list(SECTIONS)
    started = time.perf_counter()
    print("make bench: our service against bare baselines, same machine, same run (ratios, not absolute ms)")
    print(
        f"Python {platform.python_version()}, moto {version('moto')}, boto3 {version('boto3')}, {os.cpu_count()} CPUs,"
        f" load average {os.getloadavg()[0]:.1f} at start"
    )
    for name in chosen:
        section_started = time.perf_counter()
        try:
            out: str | list[str] = SECTIONS[name](budget)
        except Exception as error:  # one broken section must not hide the others' figures
            traceback.print_exc(file=sys.stderr)
            out = f"ERROR section {name}: {type(error).__name__}: {error}"
        for text in [out] if isinstance(out, str) else out:
            print()
            print(text)
        print(f"   ({name}: {time.perf_counter() - section_started:.0f} s)", flush=True)
    print()
    print(f"Total bench time {time.perf_counter() - started:.0f} s, load average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
