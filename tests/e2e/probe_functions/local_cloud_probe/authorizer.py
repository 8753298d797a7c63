"""A test-only Lambda authorizer whose answer the caller's ``Authorization`` header chooses.

absent: a guest (Allow, as a storefront's session authorizer would); ``Bearer bad``: "Unauthorized"
(401); ``Bearer deny``: an explicit Deny (403); ``Bearer scoped-…``: Allow for exactly the method ARN
it was called for (so a cached result does not cover another route); anything else: Allow for the
whole API. Every call is recorded in ``probe_state.authorizer_calls``.
"""

from __future__ import annotations

import probe_state


def lambda_handler(event, context):
    token = event.get("authorizationToken")
    if event["type"] == "REQUEST":
        token = next((v for k, v in (event.get("headers") or {}).items() if k.lower() == "authorization"), None)
    with probe_state.lock:
        probe_state.authorizer_calls.append({"type": event["type"], "token": token, "methodArn": event["methodArn"]})
    if token == "Bearer bad":
        raise Exception("Unauthorized")  # API Gateway's 401
    api_arn = event["methodArn"].split("/", 1)[0]
    if token == "Bearer deny":
        return _policy("Deny", f"{api_arn}/*", "denied")
    if token and token.startswith("Bearer scoped-"):
        return _policy("Allow", event["methodArn"], token)
    return _policy("Allow", f"{api_arn}/*", token or "guest")


def _policy(effect, resource, principal):
    return {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}],
        },
        "context": {"actor": "guest" if principal == "guest" else "customer"},
    }
