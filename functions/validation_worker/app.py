"""CartSubmitted → ask the POS (signed cart.created webhook + a deadline) or validate on our own."""

from __future__ import annotations

from typing import Any

from cart_core.coldstart import init_phase

# Imports and module setup without the garbage collector, then frozen (cart_core.coldstart)
with init_phase():
    from aws_lambda_powertools.utilities.batch import process_partial_response
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.idempotency import idempotent_function
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from cart_core import idempotency
    from cart_core.config import settings
    from cart_core.events.models import CartEvent
    from cart_core.events.queues import DeadlineCheck, WebhookDelivery
    from cart_core.events.records import CartEventRecord, sqs_processor
    from cart_core.lifecycle import CartStatus
    from cart_core.observability import Observability
    from cart_core.runtime import store, use_cases, work_queue
    from cart_core.tenancy import Caller
    from cart_core.webhooks import CART_CREATED

    settings().require("webhook_queue_url", "deadline_queue_url")  # fail the cold start, not the first message
    observed = Observability()  # logs, metrics, traces (cart_core.observability)
    logger = observed.logger
    # Each record is parsed into CartEventRecord before record_handler runs: one that does not parse is that
    # record's failure (logged; SQS redelivers it, then dead-letters it), never the whole batch's.
    processor = sqs_processor(CartEventRecord, logger)
    idempotency_config = idempotency.config("event_id")


@idempotent_function(
    data_keyword_argument="event",
    config=idempotency_config,
    persistence_store=idempotency.persistence("validation"),
)
def handle_submitted(event: dict[str, Any]) -> str:
    submitted = CartEvent.model_validate(event)
    caller = Caller.system(submitted.tenant_id, submitted.location_id)
    listeners = [s for s in store().subscriptions(submitted.tenant_id) if s.wants(CART_CREATED)]
    if not listeners:
        status = use_cases().pos_validation.self_validate(caller, submitted.cart_id).cart.status
        logger.info("Validated without a POS", extra={"cart_id": submitted.cart_id, "status": status.value})
        return status.value
    snapshot = store().load(submitted.tenant_id, submitted.location_id, submitted.cart_id)
    if snapshot.cart is None or snapshot.cart.status is not CartStatus.SUBMITTED:
        # Gone, past its TTL, or answered/canceled already (a late or replayed event): no cart.created.
        logger.info("Stale CartSubmitted dropped", extra={"cart_id": submitted.cart_id})
        return "stale"
    for subscription in listeners:
        delivery = WebhookDelivery(
            event_id=submitted.event_id,
            event_name=CART_CREATED,
            tenant_id=submitted.tenant_id,
            location_id=submitted.location_id,
            cart_id=submitted.cart_id,
            subscription_ref=subscription.ref,
        )
        work_queue(settings().webhook_queue_url or "").send(delivery)
    location = snapshot.location
    timeout = settings().validation_timeout_seconds or (location.validation_timeout_seconds if location else 600)
    check = DeadlineCheck(
        tenant_id=submitted.tenant_id,
        location_id=submitted.location_id,
        cart_id=submitted.cart_id,
        deadline_ms=submitted.occurred_at_ms + timeout * 1000,
        submitted_ms=snapshot.cart.submitted_ms,
    )
    work_queue(settings().deadline_queue_url or "").send(check, delay_seconds=timeout)
    return "pending"


def record_handler(record: CartEventRecord) -> None:
    event = record.body.detail
    # The correlation id of this record's log lines: the domain event id (tenant.cart.version.type).
    logger.set_correlation_id(event.event_id)
    handle_submitted(event=event.model_dump(mode="json"))


@observed.handler()
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    idempotency_config.register_lambda_context(context)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
