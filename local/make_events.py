"""Regenerates events/: one API Gateway proxy event per endpoint, as the local gateway builds them,
and one event per worker, in the shapes ``sam local generate-event`` gives (SQS receive-message,
DynamoDB stream update, EventBridge to SQS). Deterministic: running it again changes nothing.
What each sample needs seeded and the answer it is named for: local/samples.py.

python -m local.make_events
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from local.gateway import Gateway
from local.runtime import FunctionRuntime
from local.samples import SAMPLE_CART, WEBHOOK_REF, authorizer_sample, sample_cart
from local.template import ROOT, Template, physical_names

if TYPE_CHECKING:
    from cart_core.cart import Cart
    from cart_core.events.models import CartEvent

SAMPLE_TIME_MS = 1795000000000


def _write(path: Path, event: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(event, indent=2) + "\n")


def _api_samples(gateway: Gateway, folder: str, base: str, samples: dict, headers: dict, authorizer: dict) -> None:
    for name, (method, path, body, *more) in samples.items():
        # A fourth element: headers of this sample only (a session cookie, a bearer token).
        sent = {**headers, **(more[0] if more else {})}
        _, event = gateway.proxy_event(method, base + path, sent, json.dumps(body) if body else None)
        event["requestContext"]["requestId"] = f"sample-{name}"
        event["requestContext"]["requestTimeEpoch"] = SAMPLE_TIME_MS
        event["requestContext"]["authorizer"] = authorizer  # what the authorizer adds for these keys
        _write(ROOT / "events" / folder / f"{name}.json", event)


def sqs_event(body: str, queue: str, message_id: str = "sample-message-1") -> dict[str, Any]:
    """An SQS event of one record, with every field Lambda sets (the workers' Parser models need them)."""
    return {
        "Records": [
            {
                "messageId": message_id,
                "receiptHandle": "sample-receipt",
                "body": body,
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": str(SAMPLE_TIME_MS),
                    "SenderId": "AIDAIENQZJOLO23YVJ4VO",
                    "ApproximateFirstReceiveTimestamp": str(SAMPLE_TIME_MS + 1),
                },
                "messageAttributes": {},
                "md5OfBody": hashlib.md5(body.encode()).hexdigest(),  # noqa: S324 - SQS's checksum, not security
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:us-east-1:123456789012:cart-local-{queue}",
                "awsRegion": "us-east-1",
            }
        ]
    }


def eventbridge_event(detail: CartEvent, event_id: str) -> dict[str, Any]:
    """What EventBridge hands its SQS target (the template's rules) for one CartEvent."""
    return {
        "version": "0",
        "id": event_id,
        "detail-type": detail.event_type.value,
        "source": "cart-service",
        "account": "123456789012",
        "time": datetime.fromtimestamp(detail.occurred_at_ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "us-east-1",
        "resources": [detail.cart_id],
        "detail": json.loads(detail.model_dump_json()),
    }


def _worker_samples() -> None:
    """The sample cart's checkout as the workers see it: open (v2) → submitted (v3) → validated (v4)."""

    from cart_core.events.models import events_for_change
    from cart_core.events.queues import DeadlineCheck, WebhookDelivery
    from cart_core.lifecycle import CartStatus
    from cart_core.pricing import price
    from cart_core.tenancy import DEFAULT_VALIDATION_TIMEOUT_SECONDS, Location
    from local.fixture import RATES

    location = Location(tenant_id="demo", location_id="main", name="Demo Main Street", tax_rates=RATES)
    cart = sample_cart(
        "Demo Flower 3.5g", 1250, "USD", created_ms=SAMPLE_TIME_MS, modified_ms=SAMPLE_TIME_MS, version=2,
        expires_at=SAMPLE_TIME_MS // 1000 + location.idle_ttl_seconds,
    )  # fmt: skip
    cart.total_minor = price(cart, location).total_minor
    submitted = cart.model_copy(deep=True)
    submitted.transition(CartStatus.SUBMITTED, SAMPLE_TIME_MS + 60_000)
    submitted.order_no, submitted.version = "123456789", 3
    validated = submitted.model_copy(deep=True)
    validated.transition(CartStatus.VALIDATED, SAMPLE_TIME_MS + 120_000)
    validated.version = 4

    def image(of: Cart) -> dict[str, Any]:
        return {
            "pk": {"S": f"CART#demo#{SAMPLE_CART}"},
            "sk": {"S": "CART"},
            "status": {"S": of.status.value},
            "version": {"N": str(of.version)},
            "expires_at": {"N": str(of.expires_at)},
            "doc": {"S": of.model_dump_json(exclude={"version"})},
        }

    stream_record = {
        "eventID": "sample-1",
        "eventName": "MODIFY",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": (SAMPLE_TIME_MS + 60_000) // 1000,
            "Keys": {"pk": {"S": f"CART#demo#{SAMPLE_CART}"}, "sk": {"S": "CART"}},
            "OldImage": image(cart),
            "NewImage": image(submitted),
            "SequenceNumber": "100000000000000000001",
            "SizeBytes": 1024,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/cart-local-CartTable/stream/2026",
    }
    _write(ROOT / "events" / "stream_outbox" / "cart_submitted.json", {"Records": [stream_record]})

    (submitted_event,) = events_for_change(cart, submitted)
    # A pay-at-pickup cart is also placed when validated (OrderPlaced): the sample is its CartValidated.
    validated_event = events_for_change(submitted, validated)[0]
    for folder, name, detail, queue in (
        ("validation_worker", "cart_submitted", submitted_event, "ValidationQueue"),
        ("payment_worker", "cart_validated", validated_event, "PaymentQueue"),
    ):
        envelope = eventbridge_event(detail, f"sample-{name}")
        _write(ROOT / "events" / folder / f"{name}.json", sqs_event(json.dumps(envelope), queue))
    delivery = WebhookDelivery(
        event_id=submitted_event.event_id,
        event_name="cart.created",
        tenant_id="demo",
        location_id="main",
        cart_id=SAMPLE_CART,
        subscription_ref=WEBHOOK_REF,
    )
    _write(ROOT / "events" / "webhook_worker" / "delivery.json", sqs_event(delivery.model_dump_json(), "WebhookQueue"))
    # The deadline the validation worker sets for this submit; long past, so the check expires the cart.
    deadline_ms = (submitted.submitted_ms or 0) + DEFAULT_VALIDATION_TIMEOUT_SECONDS * 1000
    check = DeadlineCheck(tenant_id="demo", location_id="main", cart_id=SAMPLE_CART, deadline_ms=deadline_ms)
    _write(
        ROOT / "events" / "deadline_worker" / "deadline_check.json", sqs_event(check.model_dump_json(), "DeadlineQueue")
    )


def main() -> None:
    template = Template.load()
    gateway = Gateway(template, FunctionRuntime(template, physical_names(template, "cart-local")))
    from cart_core.faces import devkit, faces  # importable once the runtime has put the layer on sys.path

    # Each face's requests (its devkit: functions/<package>/devkit.py) at its base path, with its demo
    # credentials, into its events folder; and the authorizer's sample from the request it names.
    for face in faces():
        kit = devkit(face) if face.devkit_module is not None else None
        if kit is None or not hasattr(kit, "sample_requests"):
            continue
        # A face whose demo credentials change with time (NewStore's minted tokens) gives fixed ones.
        demo = kit.sample_headers() if hasattr(kit, "sample_headers") else face.demo_headers
        headers = {"Content-Type": "application/json", **demo}
        requests = kit.sample_requests()
        _api_samples(gateway, face.package, face.base_path, requests, headers, kit.AUTHORIZER_CONTEXT)
        if hasattr(kit, "AUTHORIZER_SAMPLE"):
            method, path, _ = requests[kit.AUTHORIZER_SAMPLE]
            _, event = gateway.proxy_event(method, face.base_path + path, headers)
            resource = face.base_path + path.split("?", 1)[0]
            authorizer_event = {
                "type": "REQUEST",
                "methodArn": f"arn:aws:execute-api:us-east-1:123456789012:localapi/dev/{method}{resource}",
                **{k: v for k, v in event.items() if k not in ("body", "isBase64Encoded")},
            }
            authorizer_event["requestContext"].update(
                requestId=f"sample-{face.name}-authorizer", requestTimeEpoch=SAMPLE_TIME_MS
            )
            _write(ROOT / "events" / authorizer_sample(face), authorizer_event)
    _worker_samples()


if __name__ == "__main__":
    main()
