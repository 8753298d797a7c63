"""The fuzz runner's own parts: the schemathesis config it writes and the report it reads back."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from local import fuzz, fuzz_seed


def _scenario(phase: str, cases: list[tuple[str, str, int | None]]) -> str:
    """One ScenarioFinished event as schemathesis's NDJSON report writes it (the fields we read)."""
    recorder = {"label": phase, "cases": {}, "checks": {}, "interactions": {}}
    for n, (method, path, status) in enumerate(cases):
        case_id = f"c{n}"
        recorder["cases"][case_id] = {"value": {"method": method, "path": path, "id": case_id}}
        if status is not None:
            recorder["interactions"][case_id] = {"request": {"method": method}, "response": {"status_code": status}}
    return json.dumps({"ScenarioFinished": {"phase": phase, "status": "success", "recorder": recorder}})


def test_the_report_counts_cases_and_2xx_per_operation(tmp_path: Path):
    # Given an NDJSON report with two scenarios, one case without a response, and unrelated events
    report = tmp_path / "events.ndjson"
    lines = [
        json.dumps({"Initialize": {"seed": 1}}),
        _scenario("fuzzing", [("GET", "/a/{id}", 200), ("GET", "/a/{id}", 404), ("POST", "/b", 400)]),
        _scenario("stateful", [("GET", "/a/{id}", 204), ("POST", "/b", None)]),
        _scenario("coverage", [("TRACE", "/a/{id}", 404)]),  # a check's probe, not an operation
        json.dumps({"ScenarioFinished": {"phase": "examples", "status": "skip"}}),  # no recorder
    ]
    report.write_text("\n".join(lines) + "\n")
    # When it is read for a document with three operations
    stats = fuzz.read_report(report, ["GET /a/{id}", "POST /b", "DELETE /c"])
    # Then every operation (and only those) is listed, with its cases, its 2xx and its other statuses
    assert list(stats) == ["GET /a/{id}", "POST /b", "DELETE /c"]
    assert stats["GET /a/{id}"].cases == 3 and stats["GET /a/{id}"].reached == 2
    assert stats["POST /b"].cases == 2 and stats["POST /b"].reached == 0
    assert stats["POST /b"].statuses == {400: 1, None: 1}
    assert stats["DELETE /c"].cases == 0  # never tested: it counts as not reached
    run = fuzz.FaceRun("Face", None, stats)  # type: ignore[arg-type]
    assert fuzz.coverage([run]) == (1, 3)
    assert not fuzz.meets_threshold([run])
    assert "DELETE /c" in fuzz.format_report(run) and "never 2xx" in fuzz.format_report(run)


def test_the_threshold_holds_per_face_and_overall():
    # Given one face where every operation reached a 2xx and one where 3 of 5 did
    def face(reached: int, total: int) -> fuzz.FaceRun:
        stats = {f"GET /{n}": fuzz.OperationStats(1, {200 if n < reached else 404: 1}) for n in range(total)}  # type: ignore[arg-type]
        return fuzz.FaceRun("Face", None, stats)  # type: ignore[arg-type]

    full, weak = face(20, 20), face(3, 5)
    # When the threshold is checked, Then the weak face fails it even though the overall share (23/25) passes
    assert fuzz.coverage([full, weak]) == (23, 25)
    assert not fuzz.meets_threshold([full, weak])
    assert fuzz.meets_threshold([full, face(4, 5)])


@pytest.mark.parametrize("face", sorted(fuzz_seed.plans()))
def test_the_config_binds_seeded_dictionaries_per_operation(face: str):
    # Given seeds for every dictionary the face's plan draws from
    every, per_operation = fuzz_seed.plans()[face]
    names = {b.dictionary for b in every} | {b.dictionary for bs in per_operation.values() for b in bs}
    seeds = fuzz_seed.Seeds({name: [f"{name}-1", 2] for name in names})
    # When the face's schemathesis config is written
    config = tomllib.loads(fuzz_seed.config(face, {"organizationId": "demo"}, seeds))
    # Then it fixes the tenant's path values, defines each dictionary, and binds each operation's
    # parameters to a dictionary with a probability below 1 (generated values are still fuzzed)
    assert config["parameters"]["path.organizationId"] == "demo"
    assert {name: d["values"] for name, d in config["dictionaries"].items()} == {n: [f"{n}-1", 2] for n in names}
    bound = [config["parameters"]] + [op["parameters"] for op in config["operations"]]
    for parameters in bound:
        for value in parameters.values():
            if isinstance(value, dict):
                assert value["dictionary"] in names and 0 < value["probability"] < 1
    assert [op["include-name"] for op in config["operations"]] == list(per_operation)


def test_the_config_refuses_a_plan_whose_dictionaries_were_not_seeded():
    # Given no seeded values, When the BLAZE config is written, Then it names what is missing
    with pytest.raises(LookupError, match="open_cart"):
        fuzz_seed.config("BlazeCartFunction", {}, fuzz_seed.Seeds())
    # and without seeds at all, only the tenant's path values are set (ids are only generated)
    assert tomllib.loads(fuzz_seed.config("BlazeCartFunction", {"a": "b"}, None)) == {"parameters": {"path.a": "b"}}
