"""Delivers signed webhooks (LOKE ``cart.created``, rendered by the LOKE face), retrying with exponential backoff.

Each attempt is its own SQS message; a failed attempt queues the next one with a delay, and the
last failure (or a final 4xx) goes to the dead-letter queue. Attempts are idempotent on (event,
subscription, round, attempt), so a redelivered message never sends a second webhook, while a
message moved back from the dead-letter queue (its round was bumped) is delivered again.

Before every attempt the URL is vetted again (cart_core.outbound) and the request goes to the
address that was vetted; redirects are never followed and only a 2xx counts as delivered. A
``cart.created`` for a cart that is gone, expired or no longer PENDING is dropped.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from cart_core.coldstart import init_phase

# Imports and module setup without the garbage collector, then frozen (cart_core.coldstart)
with init_phase():
    from aws_lambda_powertools.utilities.batch import process_partial_response
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.idempotency import idempotent_function
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from cart_core import idempotency, outbound, renderers, webhooks
    from cart_core.config import settings
    from cart_core.errors import NotFound
    from cart_core.events.queues import WebhookDelivery
    from cart_core.events.records import WebhookDeliveryRecord, sqs_processor
    from cart_core.lifecycle import CartStatus
    from cart_core.observability import Observability
    from cart_core.outbound import Outcome, RefusedUrl
    from cart_core.runtime import clock, store, subscription_service, use_cases, work_queue
    from cart_core.tenancy import Caller

    # Fail the cold start, not the first message.
    settings().require("webhook_queue_url", "webhook_dead_letter_queue_url")
    observed = Observability()  # logs, metrics, traces (cart_core.observability)
    logger = observed.logger
    # Each record is parsed into WebhookDeliveryRecord before record_handler runs: one that does not parse is that
    # record's failure (logged; SQS redelivers it, then dead-letters it), never the whole batch's.
    processor = sqs_processor(WebhookDeliveryRecord, logger)
    idempotency_config = idempotency.config("[event_id, subscription_ref, round, attempt]")


def _send(attempt: WebhookDelivery, url: str, secret: str, body: bytes) -> Outcome:
    try:
        target = outbound.vet(url, subscription_service().policy)
    except RefusedUrl as refused:  # DNS changed since the subscription (or fails now): nothing is sent
        return Outcome("retry", f"URL refused: {refused.message}")
    headers = {
        "Content-Type": "application/json",
        **webhooks.signed_headers(secret, attempt.webhook_id, int(clock()()), body),
    }
    return outbound.post(target, body, headers, settings().webhook_timeout_seconds)


def _dead_letter(attempt: WebhookDelivery, reason: str, url: str) -> str:
    dead = attempt.model_copy(update={"round": attempt.round + 1, "last_error": reason})
    work_queue(settings().webhook_dead_letter_queue_url or "").send(dead)
    observed.count("WebhookDeadLettered")  # WebhookDeadLetterAlarm's queue has it; the metric shows the rate
    # What was tried, for whoever answers WebhookDeadLetterAlarm: the receiver's host only (a URL's
    # path or query can carry a token), never the secret or the body.
    logger.error(
        f"Webhook dead-lettered after {attempt.attempt} attempt(s): {reason}",
        extra={
            "event_id": attempt.event_id,
            "event_name": attempt.event_name,
            "subscription": attempt.subscription_ref,
            "tenant_id": attempt.tenant_id,
            "cart_id": attempt.cart_id,
            "attempts": attempt.attempt,
            "round": attempt.round,
            "last_error": reason,
            "host": urlsplit(url).hostname,
            "delivery": attempt.delivery_id,
        },
    )
    return "dead-lettered"


@idempotent_function(
    data_keyword_argument="delivery", config=idempotency_config, persistence_store=idempotency.persistence("webhook")
)
def deliver(delivery: dict[str, Any]) -> str:
    attempt = WebhookDelivery.model_validate(delivery)
    subscription = subscription_service().find(attempt.tenant_id, attempt.subscription_ref)
    if subscription is None:
        return "unsubscribed"
    try:
        priced = use_cases().carts.get_cart(Caller.system(attempt.tenant_id, attempt.location_id), attempt.cart_id)
    except NotFound:
        priced = None
    if priced is None or priced.cart.status is not CartStatus.SUBMITTED:
        # The cart is gone, past its TTL, or answered, canceled or expired: the POS must not act on it.
        logger.info(
            "Stale webhook dropped",
            extra={"delivery": attempt.delivery_id, "status": priced.cart.status.value if priced else "gone"},
        )
        return "stale"
    tenant = store().get_tenant(attempt.tenant_id)
    # The face that defines the event renders its body (cart_core.renderers; LOKE's cart.created).
    body = renderers.render(attempt.event_name, priced, tenant.name if tenant else attempt.tenant_id)
    outcome = _send(attempt, subscription.url, subscription_service().secret_of(subscription), body)
    if outcome.result == "delivered":
        logger.info("Webhook delivered", extra={"delivery": attempt.delivery_id})
        observed.count("WebhookDelivered")
        return "delivered"
    if outcome.result == "final":
        logger.warning(
            "Webhook refused by the receiver", extra={"delivery": attempt.delivery_id, "error": outcome.reason}
        )
        return _dead_letter(attempt, f"{outcome.reason} (final)", subscription.url)
    logger.warning("Webhook attempt failed", extra={"delivery": attempt.delivery_id, "error": outcome.reason})
    observed.count("WebhookAttemptFailed")
    if attempt.attempt >= webhooks.MAX_ATTEMPTS:
        return _dead_letter(attempt, outcome.reason, subscription.url)
    following = attempt.model_copy(update={"attempt": attempt.attempt + 1, "last_error": outcome.reason})
    delay = webhooks.backoff_seconds(attempt.attempt, settings().webhook_retry_base_seconds)
    work_queue(settings().webhook_queue_url or "").send(following, delay_seconds=delay)
    return "retrying"


def record_handler(record: WebhookDeliveryRecord) -> None:
    # Re-dumped from the parsed body so every key field is present (messages from before ``round`` existed too).
    delivery = record.body
    logger.set_correlation_id(delivery.event_id)  # the event the webhook announces, as in the validation worker
    deliver(delivery=delivery.model_dump(mode="json"))


@observed.handler()
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    idempotency_config.register_lambda_context(context)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
