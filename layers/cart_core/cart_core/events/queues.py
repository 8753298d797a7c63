"""SQS adapter for the service's own work messages (webhook deliveries, validation deadlines)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

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
    last_error: str | None = None

    @property
    def delivery_id(self) -> str:
        return f"{self.event_id}.{self.subscription_ref}.{self.attempt}"


class DeadlineCheck(BaseModel):
    tenant_id: str
    location_id: str
    cart_id: str
    deadline_ms: int


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
