"""The local cloud reads API Gateway and event source settings from a template as SAM means them."""

from __future__ import annotations

import pytest

from local.pollers import _reported_failures
from local.template import IMPLICIT_API, Template


def template(resources: dict, globals_: dict | None = None) -> Template:
    return Template({"Globals": globals_ or {}, "Resources": resources})


def function(*events: dict) -> dict:
    return {
        "Type": "AWS::Serverless::Function",
        "Properties": {"Handler": "app.handler", "CodeUri": ".", "Events": {f"E{i}": e for i, e in enumerate(events)}},
    }


def api_event(path: str, api: str | None = None, **auth) -> dict:
    props = {"Method": "get", "Path": path, **({"RestApiId": {"Ref": api}} if api else {}), **auth}
    return {"Type": "Api", "Properties": props}


def test_globals_api_applies_to_every_api_and_the_implicit_one_exists_for_events_without_rest_api_id() -> None:
    # Given Globals.Api with Cors and BinaryMediaTypes, one explicit API and an event naming none
    t = template(
        {
            "ShopApi": {"Type": "AWS::Serverless::Api", "Properties": {"StageName": "dev"}},
            "Fn": function(api_event("/a", "ShopApi"), api_event("/b")),
        },
        {"Api": {"Cors": "'*'", "BinaryMediaTypes": ["image~1png"]}},
    )
    # When the APIs are read / Then both carry the globals, "~1" read as "/", the explicit API first
    apis = t.apis()
    assert list(apis) == ["ShopApi", IMPLICIT_API]
    assert all(api.cors and api.cors.allow_origin == "*" for api in apis.values())
    assert apis["ShopApi"].binary_media_types == ("image/png",) and apis["ShopApi"].api_id == "localapi"
    assert {(r.path, r.api) for r in t.api_routes()} == {("/a", "ShopApi"), ("/b", IMPLICIT_API)}


def test_sams_authorizer_defaults_token_type_authorization_header_and_a_300_s_cache() -> None:
    authorizers = {"Tok": {"FunctionArn": {"Fn::GetAtt": ["AuthFn", "Arn"]}}}
    t = template(
        {
            "Api": {"Type": "AWS::Serverless::Api", "Properties": {"Auth": {"Authorizers": authorizers}}},
            "Fn": function(api_event("/a", "Api", Auth={"Authorizer": "Tok"})),
        }
    )
    (route,) = t.api_routes()
    authorizer = t.apis()["Api"].authorizers["Tok"]
    assert route.authorizer == "Tok" and route.authorized
    assert (authorizer.payload_type, authorizer.headers, authorizer.ttl) == ("TOKEN", ("Authorization",), 300)


def test_one_route_on_two_apis_is_refused_since_all_apis_share_the_local_origin() -> None:
    t = template(
        {
            "A": {"Type": "AWS::Serverless::Api", "Properties": {}},
            "B": {"Type": "AWS::Serverless::Api", "Properties": {}},
            "Fn": function(api_event("/same", "A"), api_event("/same", "B")),
        }
    )
    with pytest.raises(ValueError, match="declared on both"):
        t.api_routes()


def test_batch_item_failures_count_only_where_declared_and_a_bad_report_fails_the_batch() -> None:
    response = {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert _reported_failures(response, {"m1", "m2"}, honoured=True) == {"m1"}
    # Without FunctionResponseTypes: [ReportBatchItemFailures] Lambda ignores the report
    assert _reported_failures(response, {"m1", "m2"}, honoured=False) == set()
    # An unknown or empty identifier: the whole batch failed
    assert _reported_failures({"batchItemFailures": [{"itemIdentifier": "x"}]}, {"m1"}, honoured=True) is None
    assert _reported_failures({"batchItemFailures": [{"itemIdentifier": ""}]}, {"m1"}, honoured=True) is None


# ----- Fn::ForEach (AWS::LanguageExtensions), expanded as CloudFormation does ------------------


def test_for_each_writes_each_value_into_keys_refs_and_subs_and_a_sub_with_nothing_left_is_a_string() -> None:
    # Given a loop over two names declaring a queue, its dead-letter queue and an output per name
    raw = {
        "Resources": {
            "Before": {"Type": "AWS::SNS::Topic"},
            "Fn::ForEach::Queues": [
                "Work",
                ["Alpha", "Beta"],
                {
                    "${Work}Queue": {
                        "Type": "AWS::SQS::Queue",
                        "Properties": {
                            "RedrivePolicy": {
                                "deadLetterTargetArn": {"Fn::GetAtt": [{"Fn::Sub": "${Work}Dlq"}, "Arn"]}
                            },
                            "Tags": [{"Key": "work", "Value": {"Ref": "Work"}}],
                            "QueueName": {"Fn::Sub": "${AWS::StackName}-${Work}"},
                        },
                    },
                    "${Work}Dlq": {"Type": "AWS::SQS::Queue"},
                },
            ],
        },
        "Outputs": {
            "Fn::ForEach::Urls": ["Work", ["Alpha"], {"&{Work}Url": {"Value": {"Ref": {"Fn::Sub": "${Work}Queue"}}}}]
        },
    }
    # When the template is read
    t = Template(raw)
    # Then the loops are gone, every value has its resources, in declaration order
    assert list(t.resources) == ["Before", "AlphaQueue", "AlphaDlq", "BetaQueue", "BetaDlq"]
    beta = t.resources["BetaQueue"]["Properties"]
    assert beta["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["BetaDlq", "Arn"]}
    assert beta["Tags"] == [{"Key": "work", "Value": "Beta"}]
    assert beta["QueueName"] == {"Fn::Sub": "${AWS::StackName}-Beta"}  # a pseudo parameter stays a Sub
    assert t.raw["Outputs"] == {"AlphaUrl": {"Value": {"Ref": "AlphaQueue"}}}
    # And the caller's dict is untouched (the expansion is a new template)
    assert "Fn::ForEach::Queues" in raw["Resources"]


def test_nested_loops_and_a_list_parameter_collection_expand() -> None:
    raw = {
        "Parameters": {"Names": {"Type": "CommaDelimitedList", "Default": "A,B"}},
        "Resources": {
            "Fn::ForEach::Outer": [
                "N",
                {"Ref": "Names"},
                {"Fn::ForEach::Inner": ["K", ["x", "y"], {"${N}${K}": {"Type": "AWS::SQS::Queue"}}]},
            ]
        },
    }
    assert list(Template(raw).resources) == ["Ax", "Ay", "Bx", "By"]


def test_a_loop_writing_a_key_twice_or_a_malformed_loop_is_refused() -> None:
    twice = {"Resources": {"AQueue": {"Type": "T"}, "Fn::ForEach::L": ["W", ["A"], {"${W}Queue": {"Type": "T"}}]}}
    with pytest.raises(ValueError, match="declared twice"):
        Template(twice)
    with pytest.raises(ValueError, match="identifier, collection"):
        Template({"Resources": {"Fn::ForEach::L": ["W", ["A"]]}})
    with pytest.raises(ValueError, match="list of strings"):
        Template({"Resources": {"Fn::ForEach::L": ["W", "A", {"${W}": {"Type": "T"}}]}})
