"""EventBridge adapter: publishes CartEvents on the service's custom bus."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cart_core.events.models import SOURCE, CartEvent
from cart_core.store.clients import aws_client

PUT_EVENTS_LIMIT = 10


class EventPublishError(Exception):
    def __init__(self, failed: list[CartEvent]) -> None:
        super().__init__(f"{len(failed)} events were not accepted by EventBridge")
        self.failed = failed


class EventBus:
    def __init__(self, bus_name: str, client: Any = None) -> None:
        self.bus_name = bus_name
        self.client = aws_client("events", client)

    def publish(self, events: Sequence[CartEvent]) -> None:
        failed: list[CartEvent] = []
        for offset in range(0, len(events), PUT_EVENTS_LIMIT):
            chunk = list(events[offset : offset + PUT_EVENTS_LIMIT])
            response = self.client.put_events(
                Entries=[
                    {
                        "EventBusName": self.bus_name,
                        "Source": SOURCE,
                        "DetailType": event.event_type.value,
                        "Detail": event.model_dump_json(),
                        "Resources": [event.cart_id],
                    }
                    for event in chunk
                ]
            )
            if response.get("FailedEntryCount"):
                failed += [e for e, r in zip(chunk, response["Entries"], strict=True) if r.get("ErrorCode")]
        if failed:
            raise EventPublishError(failed)
