"""template.yaml is deployable and keeps its promises (cfn-lint does not check the runtime name)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest

from cart_core.faces import Face, faces
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
# Get/Put/Update/DeleteItem; DynamoStore.read is BatchGetItem; write is PutItem or a transaction of
# Put/Delete; subscriptions are a Query on the table.
IDEMPOTENCY = {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}
ALLOWED_ACTIONS = {
    # GetSecretValue: the key of NewStore's access tokens, read on the first NewStore request.
    "AuthorizerFunction": {"dynamodb:GetItem", "secretsmanager:GetSecretValue"},
    # UpdateItem: submit spends a cart's gift cards (an Update in the transaction).
    "BlazeCartFunction": {
        "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
        "dynamodb:Query",
    },
    "LokeCartFunction": {
        "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Query", "kms:GenerateDataKey",
    },
    # Medusa as BLAZE: completing a cart spends its gift cards; customers' orders through the history index;
    # password-reset tokens mailed through SES.
    "MedusaStoreFunction": {
        "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
        "dynamodb:Query", "secretsmanager:GetSecretValue", "ses:SendEmail",
    },
    # NewStore: API clients' records (GetItem), carts; it signs access tokens (GetSecretValue); a cart's
    # shipping solutions are the tenant's shipping options (Query). DeleteItem and SES: a document
    # send's record, taken back when SES fails (usecases/documents.py).
    "NewstoreShoppingFunction": {
        "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
        "dynamodb:Query", "secretsmanager:GetSecretValue", "dynamodb:DeleteItem", "ses:SendEmail",
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


def test_mail_is_sent_only_from_the_configured_sender() -> None:
    # Given every function allowed to send mail
    for name, function in TEMPLATE.of_type("AWS::Serverless::Function").items():
        for statement in _statements(function):
            if "ses:SendEmail" not in statement["Action"]:
                continue
            # Then it may send from the MailSender identity only (never "*"), and names it as the sender
            assert "*" not in str(statement["Resource"]), name
            assert statement["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "MailSender"}}}, name
            assert function["Properties"]["Environment"]["Variables"]["MAIL_SENDER"] == {"Ref": "MailSender"}, name


def test_no_scan_in_code() -> None:
    # local/ttl_reaper.py emulates AWS's own TTL sweeper, which is the one place a scan belongs.
    for folder in ("functions", "layers"):
        for path in (ROOT / folder).rglob("*.py"):
            assert ".scan(" not in path.read_text(), path


def _face_apis() -> list[tuple[Face, str]]:
    """Each registered face with the logical id of the REST API its routes are on."""
    return [(face, TEMPLATE.api_of_function(face.function)) for face in faces()]


def test_each_face_has_its_own_api() -> None:
    apis = [api for _, api in _face_apis()]
    assert len(set(apis)) == len(apis) == len(faces())
    assert set(apis) == set(TEMPLATE.of_type("AWS::Serverless::Api"))


def test_every_api_is_throttled_and_traced() -> None:
    api_globals = TEMPLATE.raw["Globals"]["Api"]
    assert api_globals["TracingEnabled"] is True
    assert api_globals["MethodSettings"][0]["ThrottlingRateLimit"] == {"Ref": "ThrottlingRateLimit"}
    assert api_globals["MethodSettings"][0]["ThrottlingBurstLimit"] == {"Ref": "ThrottlingBurstLimit"}


@pytest.mark.parametrize(("face", "api"), _face_apis(), ids=lambda v: getattr(v, "name", v))
def test_a_face_api_has_its_access_log_and_one_request_authorizer_naming_its_auth_model_unless_public(
    face: Face, api: str
) -> None:
    properties = TEMPLATE.api(api)
    assert properties["AccessLogSetting"]["DestinationArn"] == {"Fn::GetAtt": [f"{api}AccessLogGroup", "Arn"]}
    assert TEMPLATE.resources[f"{api}AccessLogGroup"]["Type"] == "AWS::Logs::LogGroup"
    if face.public:
        # Public routes (Medusa): no authorizer; the stage's variables name the store it serves.
        assert "Auth" not in properties
        assert set(properties["Variables"]) == {"tenantId", "locationId"}
        return
    ((name, authorizer),) = properties["Auth"]["Authorizers"].items()
    assert properties["Auth"]["DefaultAuthorizer"] == name
    assert authorizer["FunctionPayloadType"] == "REQUEST"
    # The authorizer's SnapStart alias, not $LATEST (which never resumes from a snapshot)
    assert authorizer["FunctionArn"] == {"Ref": "AuthorizerFunction.Alias"}
    # The shared authorizer function reads which credential convention applies from the stage.
    # (tests/integration/test_authorizer_models.py: the function knows each face's model)
    assert properties["Variables"] == {"authModel": face.name}


@pytest.mark.parametrize(("face", "api"), _face_apis(), ids=lambda v: getattr(v, "name", v))
def test_gateway_errors_are_the_faces_own_error_body_with_no_template_logic(face: Face, api: str) -> None:
    # Given each gateway response the face's API declares
    responses = TEMPLATE.gateway_responses(api)
    assert {"UNAUTHORIZED", "ACCESS_DENIED", "MISSING_AUTHENTICATION_TOKEN", "THROTTLED"} <= set(responses)
    for kind, response in responses.items():
        template = response["ResponseTemplates"]["application/json"]
        # Then it is plain JSON (no VTL choosing a body by path) in the face's error shape; the one
        # variable allowed is API Gateway's request id (NewStore's request_id)
        template = template.replace('"$context.requestId"', '""')
        assert "#" not in template and "$" not in template, kind
        body = json.loads(template)
        assert body == face.error_body(HTTPStatus(response["StatusCode"]), body["message"]), kind


def test_an_unknown_path_is_answered_by_the_api_owning_its_base_path() -> None:
    from local.gateway import Gateway

    # Given the local cloud's gateway over template.yaml (no function is called for an unknown path)
    gateway = Gateway(TEMPLATE, runtime=None)  # type: ignore[arg-type]
    blaze_body = json.loads(gateway.handle("GET", "/api/v1/partner/store/cart/nope/x/y", {}, b"")[2])
    loke_body = json.loads(gateway.handle("GET", "/organizations/demo/nope", {}, b"")[2])
    other = gateway.handle("GET", "/nope", {}, b"")
    assert blaze_body == {"error": "Not Found", "message": "No such endpoint", "status": 404}
    assert loke_body == {"message": "Not found"}
    assert other[0] == 404 and json.loads(other[2]) == blaze_body  # the first API answers the rest


def _dead_letter_queues() -> set[str]:
    """Every queue failed work ends up in: a redrive target, a stream's on-failure destination, or
    a queue named as one (so a new dead-letter queue is found however it is wired)."""
    queues = TEMPLATE.of_type("AWS::SQS::Queue")
    found = {name for name in queues if "DeadLetter" in name or "Failure" in name}
    for queue in queues.values():
        target = queue["Properties"].get("RedrivePolicy", {}).get("deadLetterTargetArn", {})
        found.update(target.get("Fn::GetAtt", [])[:1])
    for function in TEMPLATE.of_type("AWS::Serverless::Function").values():
        for event in function["Properties"].get("Events", {}).values():
            destination = event["Properties"].get("DestinationConfig", {}).get("OnFailure", {}).get("Destination", {})
            found.update(destination.get("Fn::GetAtt", [])[:1] if isinstance(destination, dict) else [])
    return found


def test_every_dead_letter_queue_has_a_depth_alarm() -> None:
    # Given every queue where failed work lands / Then an alarm fires on its first visible message
    alarmed = set()
    for alarm in TEMPLATE.of_type("AWS::CloudWatch::Alarm").values():
        properties = alarm["Properties"]
        if properties.get("MetricName") != "ApproximateNumberOfMessagesVisible" or properties["Threshold"] != 0:
            continue
        assert properties["ComparisonOperator"] == "GreaterThanThreshold"
        alarmed.update(d["Value"]["Fn::GetAtt"][0] for d in properties["Dimensions"] if d["Name"] == "QueueName")
    dead_letter_queues = _dead_letter_queues()
    assert {"StreamFailureQueue", "WebhookDeadLetterQueue"} <= dead_letter_queues
    assert dead_letter_queues - alarmed == set()


WORK_QUEUES = ("Validation", "Payment", "Webhook", "Deadline")


def test_the_work_queues_are_one_pattern_in_the_file_and_four_alike_once_expanded() -> None:
    # Given template.yaml as written: one Fn::ForEach loop declares the work queues
    import yaml

    from local.template import TEMPLATE as PATH
    from local.template import _CfnLoader

    written = yaml.load(PATH.read_text(), Loader=_CfnLoader)
    assert written["Transform"][0] == "AWS::LanguageExtensions"  # it must run before SAM's
    _, names, _ = written["Resources"]["Fn::ForEach::WorkQueues"]
    assert tuple(names) == WORK_QUEUES
    # When it is read as deployed / Then each work kind has the same four resources, named after it

    def shape(work: str) -> str:
        members = {kind: TEMPLATE.resources[f"{work}{kind}"] for kind in ("Queue", "DeadLetterQueue")}
        members |= {kind: TEMPLATE.resources[f"{work}{kind}"] for kind in ("BacklogAlarm", "DeadLetterAlarm")}
        return json.dumps(members, sort_keys=True).replace(work, "<work>")

    assert len({shape(work) for work in WORK_QUEUES}) == 1
    queue = TEMPLATE.resources["PaymentQueue"]["Properties"]
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["PaymentDeadLetterQueue", "Arn"]},
        "maxReceiveCount": 3,
    }
    assert queue["VisibilityTimeout"] == 6 * TEMPLATE.functions()["PaymentWorkerFunction"].timeout


def test_sam_cli_is_told_to_expand_language_extensions_wherever_it_reads_the_template() -> None:
    # SAM CLI 1.170 crashes on Fn::ForEach ("'list' object has no attribute 'get'") unless local
    # expansion is on; samconfig.toml turns it on for build, validate and every deploy environment.
    import tomllib

    config = tomllib.loads((ROOT / "samconfig.toml").read_text())
    sections = [config["default"]["build"], config["default"]["validate"]]
    sections += [env["deploy"] for env in config.values() if isinstance(env, dict) and "deploy" in env]
    assert len(sections) >= 4  # build, validate, dev and prod deploys
    for section in sections:
        assert section["parameters"]["language_extensions"] is True
    for env in (config["dev"], config["prod"]):
        assert "CAPABILITY_AUTO_EXPAND" in env["deploy"]["parameters"]["capabilities"].split()


@pytest.mark.parametrize("api", [api for _, api in _face_apis()])
def test_each_api_has_a_5xx_rate_alarm_on_its_stage(api: str) -> None:
    properties = TEMPLATE.api(api)
    rate_alarms = []
    for alarm in TEMPLATE.of_type("AWS::CloudWatch::Alarm").values():
        stats = [m["MetricStat"] for m in alarm["Properties"].get("Metrics", []) if "MetricStat" in m]
        names = {s["Metric"]["MetricName"] for s in stats if s["Metric"]["Namespace"] == "AWS/ApiGateway"}
        dimensions = [{d["Name"]: d["Value"] for d in s["Metric"]["Dimensions"]} for s in stats]
        if {"5XXError", "Count"} <= names and all(d["ApiName"] == properties["Name"] for d in dimensions):
            rate_alarms.append(alarm["Properties"])
    (alarm,) = rate_alarms
    for stat in (m["MetricStat"] for m in alarm["Metrics"] if "MetricStat" in m):
        dimensions = {d["Name"]: d["Value"] for d in stat["Metric"]["Dimensions"]}
        assert dimensions == {"ApiName": properties["Name"], "Stage": properties["StageName"]}
    assert 0 < alarm["Threshold"] < 1  # a share of requests, not a count


@pytest.mark.parametrize("api", [api for _, api in _face_apis()])
def test_gateway_outage_responses_are_503_with_retry_after(api: str) -> None:
    # The authorizer fails (not "Unauthorized") only when it cannot read credentials.
    responses = TEMPLATE.gateway_responses(api)
    for kind in ("AUTHORIZER_FAILURE", "AUTHORIZER_CONFIGURATION_ERROR"):
        assert responses[kind]["StatusCode"] == 503, kind
        # SAM's form: ResponseParameters.Headers (a raw gatewayresponse.header.* key fails sam build)
        assert set(responses[kind]["ResponseParameters"]) <= {"Headers", "Paths", "QueryStrings"}
        assert responses[kind]["ResponseParameters"]["Headers"]["Retry-After"] == "'1'", kind


def test_every_url_output_names_a_face_api() -> None:
    outputs = TEMPLATE.raw["Outputs"]
    assert {f"{api}Url" for _, api in _face_apis()} <= set(outputs)
    for _, api in _face_apis():
        assert f"${{{api}}}.execute-api." in outputs[f"{api}Url"]["Value"]["Fn::Sub"]


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


def _api_functions() -> set[str]:
    """The functions API Gateway calls: the faces (Api events) and the authorizer they all share."""
    functions = TEMPLATE.functions()
    faces_ = {name for name, spec in functions.items() if any(e["Type"] == "Api" for e in spec.events.values())}
    return faces_ | {"AuthorizerFunction"}


def test_every_api_function_resumes_from_a_snapstart_snapshot_through_its_alias() -> None:
    # Given the functions a request waits for (docs/snapstart.md)
    for name in _api_functions():
        properties = TEMPLATE.resources[name]["Properties"]
        # Then each publishes versions behind an alias, and SnapStart applies to those versions
        assert properties["SnapStart"] == {"ApplyOn": "PublishedVersions"}, name
        assert properties["AutoPublishAlias"] == "live", name
    # And nothing calls an API function's unqualified ARN ($LATEST, which SnapStart never serves)
    text = (ROOT / "template.yaml").read_text()
    for name in _api_functions():
        assert f"{name}.Arn" not in text, name
    # The workers keep plain cold starts (SnapStart for Python bills its cache and restores)
    for name in set(TEMPLATE.functions()) - _api_functions():
        assert "SnapStart" not in TEMPLATE.resources[name]["Properties"], name


def test_memory_sizes_keep_their_floor_and_the_faces_get_more_cpu() -> None:
    # docs/performance.md, Memory size: every peak RSS measured (make bench, section 6) is under 90 MB,
    # so no function needs more than 192 MB for memory; 256 MB keeps init's CPU-bound imports well
    # inside Lambda's 10 s init limit, and the faces' validation and pricing get twice that CPU.
    functions = TEMPLATE.functions()
    assert all(256 <= spec.memory <= 1769 and spec.memory % 64 == 0 for spec in functions.values())
    faces_ = {face.function for face in faces()}
    assert all(functions[name].memory >= 512 for name in faces_)
    assert functions["AuthorizerFunction"].memory == 256
