"""Lambda's event source mappings, emulated: SQS queues and the DynamoDB stream feed functions.

Batching, partial batch failures (``batchItemFailures``), SQS redrive to the dead-letter queue (by
receive count) and the stream's retry-then-on-failure destination behave as on AWS, on a small scale.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
import time
import uuid
from typing import Any

import boto3

from local.runtime import REGION, FunctionRuntime

log = logging.getLogger("local.pollers")
POLL_SECONDS = 0.2


class SqsPoller(threading.Thread):
    def __init__(self, runtime: FunctionRuntime, function: str, queue_url: str, queue_arn: str, batch_size: int):
        super().__init__(daemon=True, name=f"sqs-{function}")
        self.runtime, self.function = runtime, function
        self.queue_url, self.queue_arn = queue_url, queue_arn
        self.batch_size = min(10, batch_size)
        # Failed messages come back after this; AWS would use the queue's (minutes), too slow locally.
        self.visibility_timeout = int(os.environ.get("LOCAL_SQS_VISIBILITY_TIMEOUT", "2"))
        self.wait_seconds = 1
        self.sqs = boto3.client("sqs")
        self.stopping = threading.Event()

    @functools.cached_property
    def redrive_policy(self) -> tuple[str, int] | None:
        """The queue's dead-letter queue name and ``maxReceiveCount`` (None without a redrive policy)."""
        attributes = self.sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["RedrivePolicy"])
        policy = attributes.get("Attributes", {}).get("RedrivePolicy")
        if not policy:
            return None
        parsed = json.loads(policy)
        return parsed["deadLetterTargetArn"].rsplit(":", 1)[-1], int(parsed["maxReceiveCount"])

    def _report_failures(self, failed: list[dict[str, Any]]) -> None:
        """A message that failed its last allowed receive goes to the dead-letter queue (SQS moves
        it at its next receive): that is the moment someone must look, so it is an ERROR."""
        policy = self.redrive_policy
        queue = self.queue_arn.rsplit(":", 1)[-1]
        for message in failed:
            receives = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
            if policy and receives >= policy[1]:
                log.error(
                    "%s: message %s failed its receive %d of %d; SQS moves it to the dead-letter queue %s",
                    queue, message["MessageId"], receives, policy[1], policy[0],
                )  # fmt: skip
            else:
                log.warning("%s: message %s failed (receive %d); it comes back after the visibility timeout",
                            queue, message["MessageId"], receives)  # fmt: skip

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.poll_once()
            except Exception:  # a poller must outlive any one bad batch
                log.exception("SQS poller for %s failed", self.function)
                time.sleep(1)

    def poll_once(self) -> int:
        messages = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=self.batch_size,
            WaitTimeSeconds=self.wait_seconds,
            VisibilityTimeout=self.visibility_timeout,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return 0
        event = {"Records": [self._record(m) for m in messages]}
        try:
            response = self.runtime.invoke(self.function, event) or {}
        except Exception:
            log.exception("%s failed its whole batch; messages return after the visibility timeout", self.function)
            self._report_failures(messages)
            return len(messages)
        failed = {item["itemIdentifier"] for item in response.get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        if failed:
            self._report_failures([m for m in messages if m["MessageId"] in failed])
        for start in range(0, len(done), 10):
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done[start : start + 10])
                ],
            )
        return len(messages)

    def _record(self, message: dict[str, Any]) -> dict[str, Any]:
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": message.get("MessageAttributes", {}),
            "md5OfBody": message.get("MD5OfBody"),
            "eventSource": "aws:sqs",
            "eventSourceARN": self.queue_arn,
            "awsRegion": REGION,
        }


def _matches(pattern: Any, value: Any) -> bool:
    """The subset of Lambda event filtering this template uses: nested keys, lists of literals."""
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(k in value and _matches(p, value[k]) for k, p in pattern.items())
    if isinstance(pattern, list):
        return value in pattern
    return pattern == value


class StreamPoller(threading.Thread):
    def __init__(self, runtime: FunctionRuntime, function: str, source: dict[str, Any]):
        super().__init__(daemon=True, name=f"stream-{function}")
        self.runtime, self.function = runtime, function
        self.stream_arn = source["Stream"]
        self.batch_size = int(source.get("BatchSize", 100))
        self.max_retries = int(source.get("MaximumRetryAttempts", 3))
        self.on_failure_url = source.get("OnFailureUrl")
        self.filters = [json.loads(f["Pattern"]) for f in source.get("FilterCriteria", {}).get("Filters", [])]
        self.table_name = self.stream_arn.split(":", 5)[5].split("/")[1]
        self.dynamodb = boto3.client("dynamodb")
        self.streams = boto3.client("dynamodbstreams")
        self.sqs = boto3.client("sqs")
        # The last sequence number read from each shard. A fresh iterator is asked for on every poll
        # rather than following NextShardIterator: when a transaction fails, moto restores a copy of
        # the table, stream shard included, and an iterator into the old shard never sees another write.
        self.positions: dict[str, str] = {}
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                if not self.poll_once():
                    time.sleep(POLL_SECONDS)
            except Exception:
                log.exception("Stream poller for %s failed", self.function)
                time.sleep(1)

    def poll_once(self) -> int:
        latest = self.dynamodb.describe_table(TableName=self.table_name)["Table"].get("LatestStreamArn")
        if latest is None:
            return 0
        if latest != self.stream_arn:  # the table was recreated: follow its new stream from the start
            self.stream_arn, self.positions = latest, {}
        shards = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"]
        handled = 0
        for shard in shards:
            shard_id = shard["ShardId"]
            position = self.positions.get(shard_id)
            where = {"ShardIteratorType": "TRIM_HORIZON"}
            if position is not None:
                where = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": position}
            iterator = self.streams.get_shard_iterator(StreamArn=self.stream_arn, ShardId=shard_id, **where)
            raw = self.streams.get_records(ShardIterator=iterator["ShardIterator"], Limit=self.batch_size)["Records"]
            if not raw:
                continue
            self.positions[shard_id] = raw[-1]["dynamodb"]["SequenceNumber"]
            records = [self._record(r) for r in raw]
            records = [r for r in records if not self.filters or any(_matches(f, r) for f in self.filters)]
            if records:
                self._deliver(records)
            handled += len(raw)
        return handled

    def _deliver(self, records: list[dict[str, Any]]) -> None:
        """Retry from the first failed record, as Lambda does with ReportBatchItemFailures."""
        for _ in range(self.max_retries + 1):
            try:
                response = self.runtime.invoke(self.function, {"Records": records}) or {}
                failures = [f["itemIdentifier"] for f in response.get("batchItemFailures", [])]
            except Exception:
                log.exception("%s failed a stream batch", self.function)
                failures = [records[0]["dynamodb"]["SequenceNumber"]]
            if not failures:
                return
            first = min(failures)
            records = [r for r in records if r["dynamodb"]["SequenceNumber"] >= first]
            time.sleep(POLL_SECONDS)
        if self.on_failure_url:
            self.sqs.send_message(
                QueueUrl=self.on_failure_url,
                MessageBody=json.dumps(
                    {
                        "requestContext": {"condition": "RetryAttemptsExhausted", "functionArn": self.function},
                        "DDBStreamBatchInfo": {
                            "streamArn": self.stream_arn,
                            "startSequenceNumber": records[0]["dynamodb"]["SequenceNumber"],
                            "endSequenceNumber": records[-1]["dynamodb"]["SequenceNumber"],
                            "batchSize": len(records),
                        },
                    }
                ),
            )

    def _record(self, raw: dict[str, Any]) -> dict[str, Any]:
        change = dict(raw["dynamodb"])
        if "ApproximateCreationDateTime" in change and not isinstance(
            change["ApproximateCreationDateTime"], int | float
        ):
            change["ApproximateCreationDateTime"] = change["ApproximateCreationDateTime"].timestamp()
        record = {
            "eventID": raw.get("eventID", uuid.uuid4().hex),
            "eventName": raw["eventName"],
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": REGION,
            "dynamodb": change,
            "eventSourceARN": self.stream_arn,
        }
        if "userIdentity" in raw:
            record["userIdentity"] = raw["userIdentity"]
        elif raw["eventName"] == "REMOVE" and _expired(change.get("OldImage", {})):
            # Emulates the TTL service: only the local reaper deletes expired items.
            record["userIdentity"] = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
        return record


def _expired(image: dict[str, Any]) -> bool:
    expires_at = image.get("expires_at", {}).get("N")
    return expires_at is not None and int(expires_at) <= time.time()
