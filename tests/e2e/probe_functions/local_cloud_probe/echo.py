"""A test-only proxy function that answers with what API Gateway gave it.

``?cookies=N``: N ``Set-Cookie`` headers through ``multiValueHeaders``; ``?binary=1``: the request
body sent back as a base64 ``image/png`` body; ``/_probe/state``: the probes' recorded state.
"""

from __future__ import annotations

import json

import probe_state


def lambda_handler(event, context):
    if event["path"] == "/_probe/state":
        with probe_state.lock:
            return _json(
                {
                    "authorizer_calls": probe_state.authorizer_calls,
                    "stream_batches": probe_state.stream_batches,
                    "sqs_receipts": probe_state.sqs_receipts,
                }
            )
    query = event.get("queryStringParameters") or {}
    if query.get("binary"):
        return {
            "statusCode": 200,
            "headers": {"Content-Type": "image/png"},
            "body": event["body"],
            "isBase64Encoded": event["isBase64Encoded"],
        }
    response = _json({key: event.get(key) for key in (
        "resource", "path", "httpMethod", "headers", "multiValueHeaders", "queryStringParameters",
        "multiValueQueryStringParameters", "pathParameters", "body", "isBase64Encoded",
    )} | {"authorizer": event["requestContext"].get("authorizer"), "apiId": event["requestContext"]["apiId"]})  # fmt: skip
    cookies = int(query.get("cookies", 0))
    if cookies:
        response["headers"]["Set-Cookie"] = "ignored=1"  # a name in both: multiValueHeaders wins
        response["multiValueHeaders"] = {"Set-Cookie": [f"c{i}=v{i}; Path=/; HttpOnly" for i in range(cookies)]}
    return response


def _json(body):
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}
