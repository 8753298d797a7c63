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


# What each function's code path calls, and so all it may do. Powertools idempotency needs
# Get/Put/Update/DeleteItem; DynamoStore.load is BatchGetItem; commit is PutItem or a transaction of
# Put/Delete; subscriptions are a Query on the table.
IDEMPOTENCY = {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}
ALLOWED_ACTIONS = {
    "AuthorizerFunction": {"dynamodb:GetItem"},
    "BlazeCartFunction": {
        "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Query",
    },
    "LokeCartFunction": {
        "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Query", "kms:GenerateDataKey",
    },
    "StreamOutboxFunction": {"events:PutEvents", "dynamodb:DeleteItem", "sqs:SendMessage"},
    "ValidationWorkerFunction": IDEMPOTENCY | {"dynamodb:BatchGetItem", "dynamodb:Query", "sqs:SendMessage"},
    "WebhookWorkerFunction": IDEMPOTENCY | {"dynamodb:BatchGetItem", "dynamodb:Query", "sqs:SendMessage", "kms:Decrypt"},
    "DeadlineWorkerFunction": {"dynamodb:BatchGetItem", "dynamodb:PutItem", "sqs:SendMessage"},
    "PaymentWorkerFunction": IDEMPOTENCY | {"dynamodb:BatchGetItem"},
}  # fmt: skip


def test_iam_is_least_privilege_and_never_scans() -> None:
    functions = TEMPLATE.of_type("AWS::Serverless::Function")
    assert set(functions) == set(ALLOWED_ACTIONS)
    for name, function in functions.items():
        granted = {action for statement in _statements(function) for action in statement["Action"]}
        assert granted == ALLOWED_ACTIONS[name], name


def test_no_scan_in_code() -> None:
    # local/ttl_reaper.py emulates AWS's own TTL sweeper, which is the one place a scan belongs.
    for folder in ("functions", "layers"):
        for path in (ROOT / folder).rglob("*.py"):
            assert ".scan(" not in path.read_text(), path


def test_api_has_throttling_access_logs_and_a_request_authorizer() -> None:
    api = TEMPLATE.api()
    assert api["MethodSettings"][0]["ThrottlingRateLimit"] == {"Ref": "ThrottlingRateLimit"}
    assert api["AccessLogSetting"]["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    (authorizer,) = api["Auth"]["Authorizers"].values()
    assert authorizer["FunctionPayloadType"] == "REQUEST"


def test_gateway_errors_are_valid_json_in_each_faces_shape() -> None:
    import json

    from local.gateway import _render

    for kind, response in TEMPLATE.gateway_responses().items():
        template = response["ResponseTemplates"]["application/json"]
        blaze = json.loads(_render(template, "/dev/api/v1/partner/store/cart/active"))
        loke = json.loads(_render(template, "/dev/organizations/demo/webhooks"))
        assert set(blaze) == {"error", "message", "status"} and blaze["status"] == response["StatusCode"], kind
        assert set(loke) == {"message"}, kind


def test_webhook_secrets_key_rotates_and_loopback_urls_are_off_by_default() -> None:
    key = TEMPLATE.resources["WebhookSecretKey"]["Properties"]
    assert key["EnableKeyRotation"] is True and key["KeySpec"] == "SYMMETRIC_DEFAULT"
    assert TEMPLATE.raw["Parameters"]["AllowLoopbackWebhookUrls"]["Default"] == "false"
    for name, action in (("LokeCartFunction", "kms:GenerateDataKey"), ("WebhookWorkerFunction", "kms:Decrypt")):
        function = TEMPLATE.resources[name]
        variables = function["Properties"]["Environment"]["Variables"]
        assert variables["ALLOW_LOOPBACK_WEBHOOK_URLS"] == {"Ref": "AllowLoopbackWebhookUrls"}
        assert variables["WEBHOOK_SECRET_KEY_ID"] == {"Ref": "WebhookSecretKey"}
        (kms,) = [s for s in _statements(function) if any(a.startswith("kms:") for a in s["Action"])]
        assert kms["Action"] == [action] and kms["Resource"] == {"Fn::GetAtt": ["WebhookSecretKey", "Arn"]}
