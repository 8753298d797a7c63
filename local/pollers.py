"""Lambda's event source mappings, emulated: SQS queues and the DynamoDB stream feed functions.

Batching, partial batch failures (``batchItemFailures``, only where the template declares
``FunctionResponseTypes: [ReportBatchItemFailures]``), the queue's own visibility timeout, SQS
redrive to the dead-letter queue (by receive count), and the stream's bisect-on-error, retry limit
and on-failure destination behave as on AWS, on a small scale.
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
    def __init__(
        self,
        runtime: FunctionRuntime,
        function: str,
        queue_url: str,
        queue_arn: str,
        batch_size: int,
        report_batch_item_failures: bool = True,
    ):
        super().__init__(daemon=True, name=f"sqs-{function}")
        self.runtime, self.function = runtime, function
        self.queue_url, self.queue_arn = queue_url, queue_arn
        self.batch_size = min(10, batch_size)
        self.report_batch_item_failures = report_batch_item_failures
        # Failed messages come back after the queue's VisibilityTimeout from the template, as on AWS
        # (SQS itself hides a received message that long). LOCAL_SQS_VISIBILITY_TIMEOUT overrides it
        # for every queue when set (the e2e tests' short clocks).
        override = os.environ.get("LOCAL_SQS_VISIBILITY_TIMEOUT")
        self.visibility_timeout: int | None = int(override) if override else None
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
        visibility = {} if self.visibility_timeout is None else {"VisibilityTimeout": self.visibility_timeout}
        messages = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=self.batch_size,
            WaitTimeSeconds=self.wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
            **visibility,
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
        failed = _reported_failures(response, {m["MessageId"] for m in messages}, self.report_batch_item_failures)
        if failed is None:
            log.error("%s returned an invalid batchItemFailures; the whole batch failed", self.function)
            self._report_failures(messages)
            return len(messages)
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


def _reported_failures(response: Any, identifiers: set[str], honoured: bool) -> set[str] | None:
    """The batch items the function reported failed: none unless the event source mapping declares
    ReportBatchItemFailures (Lambda ignores the answer then); None when the report names an empty
    or unknown identifier, which Lambda treats as the whole batch failing."""
    if not honoured or not isinstance(response, dict):
        return set()
    failed = set()
    for item in response.get("batchItemFailures") or []:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not identifier or identifier not in identifiers:
            return None
        failed.add(identifier)
    return failed


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
        # Lambda's default is -1 (retry until the record expires, a day); locally 3 keeps it finite.
        retries = int(source.get("MaximumRetryAttempts", 3))
        self.max_retries = retries if retries >= 0 else 3
        self.bisect = bool(source.get("BisectBatchOnFunctionError", False))
        self.report_batch_item_failures = "ReportBatchItemFailures" in source.get("FunctionResponseTypes", [])
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
                # As Lambda, which polls a stream's shards a few times a second: again at once only
                # after a full batch (more may be waiting). Polling again after every record kept the
                # emulator's one DynamoDB lock busy while a client wrote, ~7 ms more per cart write.
                if self.poll_once() < self.batch_size:
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
        """Deliver one batch in order, as Lambda does for a shard.

        A function error retries the batch, split in two first when ``BisectBatchOnFunctionError``
        is set (each half delivered in turn, the first before the second); a reported partial
        failure (``ReportBatchItemFailures``) retries from the lowest failed sequence number. Every
        retry, a split included, counts against ``MaximumRetryAttempts``, so each record reaches the
        function at most that many times plus one; past it the records left go to the on-failure
        destination and the shard moves on."""
        pending: list[tuple[list[dict[str, Any]], int]] = [(records, 0)]
        while pending:
            batch, attempt = pending.pop(0)
            sequence_numbers = {r["dynamodb"]["SequenceNumber"] for r in batch}
            try:
                response = self.runtime.invoke(self.function, {"Records": batch}) or {}
                failed = _reported_failures(response, sequence_numbers, self.report_batch_item_failures)
                errored = failed is None
            except Exception:
                log.exception("%s failed a stream batch", self.function)
                failed, errored = None, True
            if not errored and not failed:
                continue
            if attempt >= self.max_retries:
                self._discard(batch)
                continue
            if errored and self.bisect and len(batch) > 1:
                middle = len(batch) // 2
                pending[:0] = [(batch[:middle], attempt + 1), (batch[middle:], attempt + 1)]
            elif errored:
                pending.insert(0, (batch, attempt + 1))
            else:
                assert failed is not None
                first = min(int(n) for n in failed)
                rest = [r for r in batch if int(r["dynamodb"]["SequenceNumber"]) >= first]
                pending.insert(0, (rest, attempt + 1))
            time.sleep(POLL_SECONDS)

    def _discard(self, records: list[dict[str, Any]]) -> None:
        log.error("%s: %d stream records failed every retry; they go to the on-failure destination",
                  self.function, len(records))  # fmt: skip
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
