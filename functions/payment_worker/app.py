"""CartValidated → authorize the cart's payment: paid (order placed) or payment_failed."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import idempotent_function
from aws_lambda_powertools.utilities.typing import LambdaContext

from cart_core import idempotency
from cart_core.events.models import CartEvent, cart_event_from_message
from cart_core.runtime import cart_service
from cart_core.tenancy import Caller

logger = Logger()
processor = BatchProcessor(event_type=EventType.SQS)
idempotency_config = idempotency.config("event_id")


@idempotent_function(
    data_keyword_argument="event", config=idempotency_config, persistence_store=idempotency.persistence("payment")
)
def handle_validated(event: dict[str, Any]) -> str:
    validated = CartEvent.model_validate(event)
    caller = Caller(tenant_id=validated.tenant_id, location_id=validated.location_id)
    # settle_payment is itself a no-op unless the cart is still VALIDATED: never a second charge.
    status = cart_service().settle_payment(caller, validated.cart_id).cart.status
    logger.info("Payment settled", extra={"cart_id": validated.cart_id, "status": status.value})
    return status.value


def record_handler(record: SQSRecord) -> None:
    handle_validated(event=cart_event_from_message(record.body).model_dump(mode="json"))


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    idempotency_config.register_lambda_context(context)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
