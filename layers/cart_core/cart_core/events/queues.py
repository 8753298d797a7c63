"""SQS adapter for the service's own work messages (webhook deliveries, validation deadlines)."""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import BaseModel, Field

from cart_core.store.clients import aws_client

MAX_DELAY_SECONDS = 900


class WebhookDelivery(BaseModel):
    event_id: str
    event_name: str
    tenant_id: str
    location_id: str
    cart_id: str
    subscription_ref: str
    attempt: int = 1
    # Bumped each time the delivery is dead-lettered. It is part of the worker's idempotency key, so
    # a message moved back from the dead-letter queue (a redrive) is a new attempt, not a repeat.
    round: int = 0
    last_error: str | None = None

    @property
    def delivery_id(self) -> str:
        """One attempt, in logs: ``<event>.<subscription>.<round>.<attempt>``."""
        return f"{self.event_id}.{self.subscription_ref}.{self.round}.{self.attempt}"

    @property
    def webhook_id(self) -> str:
        """The ``webhook-id`` header: one per event and subscription, the same on every retry and redrive."""
        digest = hashlib.sha256(f"{self.event_id}\n{self.subscription_ref}".encode()).hexdigest()
        return f"msg_{digest[:32]}"


class DeadlineCheck(BaseModel):
    tenant_id: str
    location_id: str
    cart_id: str
    deadline_ms: int
    # The placing it times (the cart's submitted_ms then): an order placed again after a failed
    # payment has a deadline of its own, so this one no longer applies. None on checks sent before.
    submitted_ms: int | None = Field(default=None, exclude_if=lambda value: value is None)


class WorkQueue:
    def __init__(self, queue_url: str, client: Any = None) -> None:
        self.queue_url = queue_url
        self.client = aws_client("sqs", client)

    def send(self, message: BaseModel, delay_seconds: int = 0) -> None:
        self.client.send_message(
            QueueUrl=self.queue_url,
            MessageBody=message.model_dump_json(),
            DelaySeconds=max(0, min(MAX_DELAY_SECONDS, delay_seconds)),
        )
