"""Test-only stream and queue consumers that record what they were given.

Stream: a record whose key starts with ``poison`` fails the whole invocation (a function error);
one starting with ``flaky`` is reported in ``batchItemFailures`` the first time it is seen.
Queue: a message whose body starts with ``fail-once`` is reported failed on its first receive.
"""

from __future__ import annotations

import time

import probe_state


def stream_handler(event, context):
    keys = [record["dynamodb"]["Keys"]["pk"]["S"] for record in event["Records"]]
    with probe_state.lock:
        seen = {key for batch in probe_state.stream_batches for key in batch}
        probe_state.stream_batches.append(keys)
    if any(key.startswith("poison") for key in keys):
        raise RuntimeError("a poison record")
    return {
        "batchItemFailures": [
            {"itemIdentifier": record["dynamodb"]["SequenceNumber"]}
            for record, key in zip(event["Records"], keys, strict=True)
            if key.startswith("flaky") and key not in seen
        ]
    }


def queue_handler(event, context):
    failures = []
    for record in event["Records"]:
        receives = int(record["attributes"]["ApproximateReceiveCount"])
        with probe_state.lock:
            probe_state.sqs_receipts.append({"body": record["body"], "receives": receives, "at": time.time()})
        if record["body"].startswith("fail-once") and receives == 1:
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
