"""template.yaml is deployable and keeps its promises (cfn-lint does not check the runtime name)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import TEMPLATE

ROOT = Path(__file__).resolve().parents[2]


def _statements(function: dict) -> list[dict]:
    return [s for policy in function["Properties"].get("Policies", []) for s in policy.get("Statement", [])]


def test_cfn_lint_is_clean() -> None:
    cfn_lint = shutil.which("cfn-lint", path=str(Path(sys.executable).parent)) or "cfn-lint"
    result = subprocess.run([cfn_lint, str(ROOT / "template.yaml")], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_functions_run_python_3_13_on_arm64_with_the_layer() -> None:
    function_globals = TEMPLATE.raw["Globals"]["Function"]
    assert function_globals["Runtime"] == "python3.13"
    assert function_globals["Architectures"] == ["arm64"]
    assert function_globals["Layers"] == [{"Ref": "CartCoreLayer"}]
    layer = TEMPLATE.resources["CartCoreLayer"]
    assert layer["Metadata"] == {"BuildMethod": "python3.13", "BuildArchitecture": "arm64"}


def test_every_handler_exists() -> None:
    import importlib.util

    for spec in TEMPLATE.functions().values():
        module = spec.handler.rsplit(".", 1)[0].replace(".", "/") + ".py"
        assert (spec.code_uri / module).is_file(), spec.handler
    assert importlib.util.find_spec("cart_core") is not None


def test_table_has_ttl_stream_pitr_and_the_history_index() -> None:
    table = TEMPLATE.resources["CartTable"]["Properties"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert table["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["ConsumerHistory"]


def test_iam_is_least_privilege_and_never_scans() -> None:
    for name, function in TEMPLATE.of_type("AWS::Serverless::Function").items():
        for statement in _statements(function):
            actions = statement["Action"]
            assert all("*" not in action for action in actions), (name, actions)
            assert "dynamodb:Scan" not in actions
    authorizer_actions = {a for s in _statements(TEMPLATE.resources["AuthorizerFunction"]) for a in s["Action"]}
    assert authorizer_actions == {"dynamodb:GetItem"}


def test_no_scan_in_code() -> None:
    # local/ttl_reaper.py emulates AWS's own TTL sweeper, which is the one place a scan belongs.
    for folder in ("functions", "layers"):
        for path in (ROOT / folder).rglob("*.py"):
            assert ".scan(" not in path.read_text(), path


def test_api_has_throttling_access_logs_and_a_request_authorizer() -> None:
    api = TEMPLATE.api()
    assert api["MethodSettings"][0]["ThrottlingRateLimit"] and api["AccessLogSetting"]["DestinationArn"]
    (authorizer,) = api["Auth"]["Authorizers"].values()
    assert authorizer["FunctionPayloadType"] == "REQUEST"
