"""Delivers signed webhooks (LOKE ``cart.created``), retrying with exponential backoff.

Each attempt is its own SQS message; a failed attempt queues the next one with a delay, and the
last failure goes to the dead-letter queue. Attempts are idempotent on (event, subscription,
attempt), so a redelivered message never sends a second webhook.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import idempotent_function
from aws_lambda_powertools.utilities.typing import LambdaContext

from cart_core import idempotency, webhooks
from cart_core.config import settings
from cart_core.events.queues import WebhookDelivery
from cart_core.runtime import cart_service, store, work_queue
from cart_core.tenancy import Caller
from loke_cart.mapping import webhook_body

settings().require("webhook_queue_url", "webhook_dead_letter_queue_url")  # fail the cold start, not the first message
logger = Logger()
processor = BatchProcessor(event_type=EventType.SQS)
idempotency_config = idempotency.config("[event_id, subscription_ref, attempt]")


def post(url: str, body: bytes, signature: str) -> str | None:
    """None when delivered (or refused for good with a 4xx); otherwise why the attempt failed."""
    request = urllib.request.Request(  # noqa: S310 - the subscriber's own http(s) URL, validated on PUT
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", webhooks.SIGNATURE_HEADER: signature},
    )
    try:
        with urllib.request.urlopen(request, timeout=settings().webhook_timeout_seconds):  # noqa: S310
            return None
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code}" if error.code >= 500 else None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        return f"no response: {error}"


@idempotent_function(
    data_keyword_argument="delivery", config=idempotency_config, persistence_store=idempotency.persistence("webhook")
)
def deliver(delivery: dict[str, Any]) -> str:
    attempt = WebhookDelivery.model_validate(delivery)
    subscription = next(
        (s for s in store().subscriptions(attempt.tenant_id) if s.ref == attempt.subscription_ref), None
    )
    if subscription is None:
        return "unsubscribed"
    priced = cart_service().get_cart(
        Caller(tenant_id=attempt.tenant_id, location_id=attempt.location_id), attempt.cart_id
    )
    tenant = store().get_tenant(attempt.tenant_id)
    body = json.dumps(webhook_body(attempt.event_name, priced, tenant.name if tenant else attempt.tenant_id)).encode()
    failure = post(str(subscription.url), body, webhooks.signature(subscription.secret, body))
    if failure is None:
        logger.info("Webhook delivered", extra={"delivery": attempt.delivery_id})
        return "delivered"
    logger.warning("Webhook attempt failed", extra={"delivery": attempt.delivery_id, "error": failure})
    if attempt.attempt >= webhooks.MAX_ATTEMPTS:
        dead = attempt.model_copy(update={"last_error": failure})
        work_queue(settings().webhook_dead_letter_queue_url or "").send(dead)
        return "dead-lettered"
    following = attempt.model_copy(update={"attempt": attempt.attempt + 1, "last_error": failure})
    delay = webhooks.backoff_seconds(attempt.attempt, settings().webhook_retry_base_seconds)
    work_queue(settings().webhook_queue_url or "").send(following, delay_seconds=delay)
    return "retrying"


def record_handler(record: SQSRecord) -> None:
    deliver(delivery=json.loads(record.body))


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    idempotency_config.register_lambda_context(context)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
