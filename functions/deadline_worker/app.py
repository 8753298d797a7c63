"""A PENDING cart the POS has not answered by its deadline becomes EXPIRED.

SQS delays cap at 15 minutes, so a longer deadline is reached by re-queuing the check.
"""

from __future__ import annotations

from typing import Any

from cart_core.coldstart import init_phase

# Imports and module setup without the garbage collector, then frozen (cart_core.coldstart)
with init_phase():
    from aws_lambda_powertools.utilities.batch import process_partial_response
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from cart_core.clock import ms
    from cart_core.config import settings
    from cart_core.events.records import DeadlineCheckRecord, sqs_processor
    from cart_core.observability import Observability
    from cart_core.runtime import clock, use_cases, work_queue
    from cart_core.tenancy import Caller

    settings().require("deadline_queue_url")  # fail the cold start, not the first message
    observed = Observability()  # logs, metrics, traces (cart_core.observability)
    logger = observed.logger
    # Each record is parsed into DeadlineCheckRecord before record_handler runs: one that does not parse is that
    # record's failure (logged; SQS redelivers it, then dead-letters it), never the whole batch's.
    processor = sqs_processor(DeadlineCheckRecord, logger)


def record_handler(record: DeadlineCheckRecord) -> None:
    check = record.body
    logger.set_correlation_id(check.cart_id)  # a deadline belongs to a cart, not to one event
    remaining_seconds = (check.deadline_ms - ms(clock())) / 1000
    if remaining_seconds > 0:
        work_queue(settings().deadline_queue_url or "").send(check, delay_seconds=int(remaining_seconds) + 1)
        return
    caller = Caller.system(check.tenant_id, check.location_id)
    # Conditional on the cart still being PENDING, so a duplicate check changes nothing.
    if use_cases().pos_validation.expire_if_unanswered(caller, check.cart_id, check.deadline_ms, check.submitted_ms):
        logger.info("Expired unanswered cart", extra={"cart_id": check.cart_id})


@observed.handler()
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
