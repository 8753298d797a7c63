"""A test-only function for the local cloud's own tests: it holds its invocation until released.

``GET /_probe/hold?name=N`` waits (at most 30 s) until ``POST /_probe/release?name=N``;
``GET /_probe/holding?name=N`` tells whether a hold named N is waiting now.
"""

from __future__ import annotations

import json

from probe_state import holding, releases


def lambda_handler(event, context):
    name = (event.get("queryStringParameters") or {}).get("name", "")
    action = event["path"].rsplit("/", 1)[-1]
    if action == "hold":
        holding.add(name)
        try:
            released = releases[name].wait(timeout=30)
        finally:
            holding.discard(name)
        return _answer({"released": released})
    if action == "release":
        releases[name].set()
        return _answer({"released": True})
    return _answer({"holding": name in holding})


def _answer(body):
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}
