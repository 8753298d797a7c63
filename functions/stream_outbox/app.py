"""Outbox relay: committed cart changes (DynamoDB stream) → domain events on EventBridge.

Only committed changes reach the stream, so no event is invented; a record is acknowledged only
after its events are accepted, so none is lost. Redelivered records yield the same event ids.
"""

from __future__ import annotations

from typing import Any

from cart_core.coldstart import init_phase

# Imports and module setup without the garbage collector, then frozen (cart_core.coldstart)
with init_phase():
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from cart_core.cart import Cart
    from cart_core.events.models import events_for_change
    from cart_core.observability import Observability
    from cart_core.runtime import event_bus, store
    from cart_core.store import keys

    observed = Observability()  # logs, metrics, traces (cart_core.observability)
    logger = observed.logger
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    TTL_PRINCIPAL = "dynamodb.amazonaws.com"


def _cart(image: dict[str, Any] | None) -> Cart | None:
    if not image or image.get("sk") != keys.CART_SK:
        return None
    cart = Cart.model_validate_json(image["doc"])
    cart.version = int(image["version"])
    return cart


def record_handler(record: DynamoDBRecord) -> None:
    change = record.dynamodb
    assert change is not None
    old, new = _cart(change.old_image), _cart(change.new_image)
    removed_by_ttl = (record.user_identity or {}).get("principalId") == TTL_PRINCIPAL
    events = events_for_change(old, new, removed_by_ttl)
    if events:
        event_bus().publish(events)
        logger.info("Published", extra={"events": [e.event_id for e in events]})
        # One business metric per domain event (CartSubmitted, PaymentCaptured, OrderPlaced, …), counted
        # here because every event of every face and worker passes here once it is committed. A stream
        # record retried after a failed batch counts again (at least once, as the events themselves).
        for event in events:
            observed.count(event.event_type.value)
    if new is None and old is not None:
        store().delete_pointers(old.tenant_id, old)


@observed.handler()
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
