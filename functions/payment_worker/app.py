"""Card money after submit: CartValidated → capture (paid, the order is placed, or payment_failed), or
a placed return's pending refunds;
CartRejected, CartExpired, CartCanceled → void the hold made at submit, if there is one. Pay at pickup
(cash, no card) is the store's to collect: CartValidated leaves it validated, nothing captured."""

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
    from cart_core.events.models import CartEvent
    from cart_core.events.models import EventType as CartEventType
    from cart_core.events.records import CartEventRecord, sqs_processor
    from cart_core.lifecycle import CartStatus
    from cart_core.observability import Observability
    from cart_core.runtime import use_cases
    from cart_core.tenancy import Caller

    observed = Observability()  # logs, metrics, traces (cart_core.observability)
    logger = observed.logger
    # Each record is parsed into CartEventRecord before record_handler runs: one that does not parse is that
    # record's failure (logged; SQS redelivers it, then dead-letters it), never the whole batch's.
    processor = sqs_processor(CartEventRecord, logger)
    idempotency_config = idempotency.config("event_id")
    # Events after which the order will never be captured: its hold is released.
    VOIDING_EVENTS = frozenset({CartEventType.CART_REJECTED, CartEventType.CART_EXPIRED, CartEventType.CART_CANCELED})


@idempotent_function(
    data_keyword_argument="event", config=idempotency_config, persistence_store=idempotency.persistence("payment")
)
def handle_event(event: dict[str, Any]) -> str:
    cart_event = CartEvent.model_validate(event)
    caller = Caller.system(cart_event.tenant_id, cart_event.location_id)
    # Beneath the idempotency record, both use cases act only from the state they expect and record
    # the outcome with a version-conditional write: a redelivery never captures or voids twice.
    if cart_event.event_type is CartEventType.CART_VALIDATED:
        settled = use_cases().checkout.settle_payment(caller, cart_event.cart_id).cart
        if settled.refunds:
            # A return placed by a request that stopped before its refunds were recorded: asked
            # again with the same keys (refunded once), nothing to do once recorded.
            settled = use_cases().returns.settle_refunds(caller, cart_event.cart_id).cart
        due_at_pickup = settled.status is CartStatus.VALIDATED and settled.pays_at_pickup
        outcome = "payment due at pickup" if due_at_pickup else settled.status.value
    elif cart_event.event_type in VOIDING_EVENTS:
        voided = use_cases().checkout.void_authorization(caller, cart_event.cart_id)
        outcome = voided.cart.payments[-1].status if voided.cart.payments else "nothing held"
    else:
        outcome = "ignored"
    logger.info(
        "Payment event handled",
        extra={"cart_id": cart_event.cart_id, "event_type": cart_event.event_type.value, "outcome": outcome},
    )
    return outcome


def record_handler(record: CartEventRecord) -> None:
    event = record.body.detail
    # The correlation id of this record's log lines: the domain event id (tenant.cart.version.type).
    logger.set_correlation_id(event.event_id)
    handle_event(event=event.model_dump(mode="json"))


@observed.handler()
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    idempotency_config.register_lambda_context(context)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
