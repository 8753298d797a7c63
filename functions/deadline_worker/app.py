"""A PENDING cart the POS has not answered by its deadline becomes EXPIRED.

SQS delays cap at 15 minutes, so a longer deadline is reached by re-queuing the check.
"""

from __future__ import annotations

import time
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from cart_core.config import settings
from cart_core.events.queues import DeadlineCheck
from cart_core.runtime import use_cases, work_queue
from cart_core.tenancy import Caller

settings().require("deadline_queue_url")  # fail the cold start, not the first message
logger = Logger()
processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> None:
    check = DeadlineCheck.model_validate_json(record.body)
    logger.set_correlation_id(check.cart_id)  # a deadline belongs to a cart, not to one event
    remaining_seconds = (check.deadline_ms - int(time.time() * 1000)) / 1000
    if remaining_seconds > 0:
        work_queue(settings().deadline_queue_url or "").send(check, delay_seconds=int(remaining_seconds) + 1)
        return
    caller = Caller(tenant_id=check.tenant_id, location_id=check.location_id)
    # Conditional on the cart still being PENDING, so a duplicate check changes nothing.
    if use_cases().pos_validation.expire_if_unanswered(caller, check.cart_id, check.deadline_ms):
        logger.info("Expired unanswered cart", extra={"cart_id": check.cart_id})


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
