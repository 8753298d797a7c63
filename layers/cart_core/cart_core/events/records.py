"""The records the SQS workers receive, typed with Powertools Parser models around our own messages.

A worker builds its batch processor with :func:`sqs_processor` and one of these models: Powertools
validates each record before the record handler runs, and a record that does not validate (not a
whole SQS record, a body that is not JSON, an envelope or detail of the wrong shape or schema
version) becomes that one record's batch item failure, logged at WARNING with its message id. SQS
redelivers it until the queue's ``maxReceiveCount`` moves it to the dead-letter queue, whose alarm
asks someone to look: nothing is dropped unseen, nothing is lost if the cause is a worker deployed
behind its producer (redrive after the fix), and the rest of the batch goes on.

Only the workers import this module (Parser's models cost ~20 ms of import the faces need not pay).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel, SqsRecordModel
from pydantic import Json

from cart_core.events.models import CartEvent
from cart_core.events.queues import DeadlineCheck, WebhookDelivery


class CartEventBridgeEvent(EventBridgeModel):
    """A CartEvent as EventBridge hands it to an SQS target (the template's rules)."""

    detail: CartEvent


class CartEventRecord(SqsRecordModel):
    """An SQS record whose body is an EventBridge event carrying a CartEvent (validation, payment)."""

    body: Json[CartEventBridgeEvent]


class WebhookDeliveryRecord(SqsRecordModel):
    """An SQS record of the webhook queue: one delivery attempt."""

    body: Json[WebhookDelivery]


class DeadlineCheckRecord(SqsRecordModel):
    """An SQS record of the deadline queue: one validation deadline to check."""

    body: Json[DeadlineCheck]


class _SqsProcessor(BatchProcessor):
    """Powertools' SQS batch processor that says which record failed and why."""

    def __init__(self, model: type[SqsRecordModel], logger: Logger) -> None:
        super().__init__(event_type=EventType.SQS, model=model)
        self._logger = logger

    def failure_handler(self, record: Any, exception: Any) -> Any:
        # ``record`` is the parsed model, or Powertools' SQSRecord when the record did not parse.
        message_id = getattr(record, "messageId", None) or getattr(record, "message_id", None)
        if not isinstance(record, SqsRecordModel):
            # The handler never ran, so the correlation id is still the previous record's: drop it.
            self._logger.set_correlation_id(None)
        self._logger.warning(
            f"Record failed, SQS will redeliver it: {exception[0].__name__}",
            extra={"message_id": message_id, "parsed": isinstance(record, SqsRecordModel)},
            exc_info=exception,
        )
        return super().failure_handler(record, exception)


def sqs_processor(model: type[SqsRecordModel], logger: Logger) -> BatchProcessor:
    """The batch processor of an SQS worker whose records are ``model`` (partial batch failures)."""
    return _SqsProcessor(model, logger)
