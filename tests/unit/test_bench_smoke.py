"""make bench cannot rot: each section runs with tiny samples and must still produce its figures.

Only that figures come out is checked (every endpoint and function has a row, no ERROR), never how
fast anything is: timings belong in `make bench`, not in assertions.
"""

from __future__ import annotations

import re

import pytest

from bench.common import Budget, CartSize

SMOKE = Budget(sizes=(CartSize("1-line", 1, 1), CartSize("3-line", 3, 1)), cold_runs=1, http_flows=1,
               http_flows_per_client=1, http_clients=2, contenders=3)  # fmt: skip
RATIO = re.compile(r"\d+\.\d\dx")


def test_endpoints_print_a_baseline_ratio_and_a_scaling_ratio_for_every_blaze_route() -> None:
    from bench.endpoints import SCENARIOS, report_baseline, report_scaling, run_endpoints

    # Given every BLAZE route in template.yaml has a scenario
    # When the endpoint section runs once per route and size
    rows = run_endpoints(SMOKE)
    baseline, scaling = report_baseline(rows, SMOKE), report_scaling(rows, SMOKE)
    # Then every route has a ratio against the bare handler at each size, and one for scaling
    assert {(m, p) for m, p, _ in rows} == set(SCENARIOS)
    assert "ERROR" not in baseline + scaling, baseline + scaling
    for method, path, results in rows:
        name = f"{method:<6} {path}"
        assert sum(1 for line in baseline.splitlines() if line.startswith(name + " ") and RATIO.search(line)) == 2
        assert any(line.startswith(name + " ") and RATIO.search(line) for line in scaling.splitlines())
        assert all(r.bare_ms and r.latencies_ms for r in results.values())


def test_baseline_replays_writes_with_a_condition_that_always_holds() -> None:
    from bench.baseline import ALWAYS, replayable

    # Given a recorded conditional put and a transaction with a token
    put = ("PutItem", {"Item": {}, "ConditionExpression": "#v = :v", "ExpressionAttributeNames": {"#v": "v"},
                       "ExpressionAttributeValues": {":v": {"N": "1"}}})  # fmt: skip
    tx = ("TransactWriteItems", {"ClientRequestToken": "t", "TransactItems": [{"Put": dict(put[1])}]})
    # When they are made replayable
    (_, p), (_, t) = replayable([put, tx])
    # Then the condition still exists but cannot fail, and the token is gone
    assert p["ConditionExpression"] == ALWAYS and "ExpressionAttributeValues" not in p
    assert "ClientRequestToken" not in t and t["TransactItems"][0]["Put"]["ConditionExpression"] == ALWAYS
    assert put[1]["ConditionExpression"] == "#v = :v"  # the record itself is untouched


@pytest.mark.e2e
def test_cold_start_prints_a_ratio_and_the_heaviest_packages() -> None:
    from bench.coldstart import report_coldstart, run_coldstart

    # Given the authorizer (the cheapest function to start) and its sample event
    # When its cold start is measured once, with the bare baseline beside it
    results = run_coldstart(SMOKE.cold_runs, only=("AuthorizerFunction",))
    text = report_coldstart(results, SMOKE.cold_runs)
    # Then it has a ratio against its target and an import breakdown
    assert [r.function for r in results] == ["AuthorizerFunction"]
    assert "ERROR" not in text, text
    assert RATIO.search(text) and "<= 1.2x" in text
    assert len(results[0].top_modules) == 5


@pytest.mark.e2e
def test_http_through_the_local_cloud_gives_every_hot_call_sequential_and_concurrent() -> None:
    from bench.local_http import CALLS, report_http, run_http

    # When the BLAZE flow runs once sequentially and once from each of two clients
    passes = run_http(SMOKE.http_flows, SMOKE.http_flows_per_client, SMOKE.http_clients)
    # Then each pass has figures for every hot call
    assert list(passes) == ["sequential", "2 clients"]
    for result in passes.values():
        assert all(result.ms[call] for call in CALLS)
    assert "submitCart" in report_http(passes, SMOKE.http_flows, SMOKE.http_flows_per_client, SMOKE.http_clients)


def test_contention_reports_every_scenario() -> None:
    from bench.contention import CONTENTION_SCENARIOS, report_contention, run_contention

    results = run_contention(SMOKE.contenders)
    assert len(results) == len(CONTENTION_SCENARIOS)
    assert all(r.error is None and sum(r.statuses.values()) == SMOKE.contenders for r in results)
    assert "ERROR" not in report_contention(results)


@pytest.mark.e2e
def test_memory_prints_every_peak_and_the_floor_beside_memory_size() -> None:
    from bench.memory import report_memory, run_memory

    # Given the authorizer, When its memory is measured after its cold start and two warm invocations
    results = run_memory(SMOKE.warm_invocations, only=("AuthorizerFunction",))
    text = report_memory(results, SMOKE.warm_invocations)
    # Then the three peaks, the bare baseline's and the floor are printed beside template.yaml's MemorySize
    assert "ERROR" not in text, text
    (memory,) = results
    assert 0 < memory.ours["import"] <= memory.ours["first"] <= memory.ours["warm"] and memory.bare_mb > 0
    assert f"{memory.floor_mb}  " in text and str(memory.memory_size) in text


def test_the_memory_floor_adds_headroom_and_lambdas_runtime_in_64_mb_steps() -> None:
    from bench.memory import floor_mb

    assert floor_mb(10) == 128  # Lambda's minimum
    assert floor_mb(64) == 128  # 64 x 1.5 + 32 = 128 exactly
    assert floor_mb(65) == 192  # a byte more: the next 64 MB step
    assert floor_mb(200) == 384  # 332, rounded up


def test_medusa_rows_show_a_ratio_to_medusa_or_say_not_available() -> None:
    from bench.medusa_http import CALLS, MEDUSA_MS, Result, report_medusa

    # Given figures for lineItems.create only, the other calls failing as a missing route does
    results = [
        Result("carts.retrieve", [], "HTTP 404 No such endpoint"),
        Result("lineItems.create", [10.0, 20.0, 30.0]),
        Result("lineItems.update", [], "setup: HTTP 404"),
    ]
    # When the section is reported
    text = report_medusa(results, 3)
    rows = {line.split()[0]: line for line in text.splitlines() if line.split() and line.split()[0] in CALLS}
    # Then every call has a row beside Medusa's figure and the goal: a ratio, or "not available" and why
    assert set(rows) == set(CALLS)
    assert all(f" {MEDUSA_MS[call]:.0f} " in row and "<= 0.5x" in row for call, row in rows.items())
    assert RATIO.search(rows["lineItems.create"]) and "MISSED" not in rows["lineItems.create"]  # 20 ms <= 26
    assert "not available" in rows["carts.retrieve"] and "not available" in rows["lineItems.update"]
    assert "not available: carts.retrieve: HTTP 404 No such endpoint" in text


@pytest.mark.e2e
def test_medusa_hot_calls_through_medusa_js_give_a_row_each() -> None:
    from bench.medusa_http import CALLS, report_medusa, run_medusa

    # When the Medusa section runs (Node and medusa-js from the lockfile, the local cloud) with 2 calls each
    results = run_medusa(2)
    text = report_medusa(results, 2)
    # Then each hot call has its row: figures, or "not available" with the reason (the face may lack it)
    assert [r.call for r in results] == list(CALLS)
    for result in results:
        assert (len(result.ms) == 2 and result.error is None) or (not result.ms and result.error), result
    assert "ERROR" not in text and all(call in text for call in CALLS)


def test_newstore_hot_calls_give_a_ratio_at_every_size() -> None:
    from bench.newstore import CALLS, report_newstore, run_newstore

    # When the NewStore section runs once per hot call and size
    rows = run_newstore(SMOKE)
    text = report_newstore(rows, SMOKE)
    # Then each call has a ratio against the bare handler at each size; payments only once the face
    # maps them (the skeleton refuses them, naming them: the row then says why)
    assert [name for name, _ in rows] == list(CALLS)
    for name, results in rows:
        if name == "PATCH payments" and "Not supported yet: payments" in text:
            continue
        assert sum(1 for line in text.splitlines() if line.startswith(name + " ") and RATIO.search(line)) == 2, text
        assert all(r.bare_ms and r.latencies_ms for r in results.values())
