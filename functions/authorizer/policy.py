"""The policy the authorizer answers with, written as Powertools' ``APIGatewayAuthorizerResponse``
writes it, without importing Powertools' data classes package (~10 ms of the authorizer's cold
start, issue #9); tests/unit/test_authorizer_policy.py holds the two equal."""

from __future__ import annotations

from typing import Any


def allow_all_routes(method_arn: str, principal_id: str, context: dict[str, str]) -> dict[str, Any]:
    """The policy Powertools' ``APIGatewayAuthorizerResponse(...).allow_all_routes()`` writes: every
    method and resource of the method ARN's API and stage (``arn:aws:execute-api:<region>:<account>:
    <api>/<stage>/*/*``; its default partition, aws), and the context."""
    _, _, _, region, account, path = method_arn.split(":")[:6]
    api_id, stage = path.split("/")[:2]
    resource = f"arn:aws:execute-api:{region}:{account}:{api_id}/{stage}/*/*"
    return {
        "principalId": principal_id,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": [resource]}],
        },
        "context": context,
    }


def deny_all_routes(method_arn: str, principal_id: str) -> dict[str, Any]:
    """An explicit Deny of the whole stage: API Gateway answers 403 (ACCESS_DENIED), as NewStore does
    for an invalid or expired token (a missing one is the gateway's own 401)."""
    policy = allow_all_routes(method_arn, principal_id, {})
    policy["policyDocument"]["Statement"][0]["Effect"] = "Deny"
    del policy["context"]
    return policy
