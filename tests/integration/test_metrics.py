"""Business metrics are emitted where they happen, as CloudWatch EMF on the functions' stdout
(cart_core.observability): one per domain event from the outbox, the webhook outcomes from the
webhook worker. In-process, moto, the pollers run synchronously."""

from __future__ import annotations

from collections import Counter

from local.webhook_receiver import WebhookReceiver
from tests.integration.test_checkout_events import submitted_cart, subscribe
from tests.unit.test_observability import emf_lines, metric_names


def counted(out: str) -> Counter[tuple[str, str]]:
    """(service, metric) → how many times it was counted, over every EMF document printed."""
    counts: Counter[tuple[str, str]] = Counter()
    for document in emf_lines(out):
        for name in metric_names(document):
            counts[(document.get("service", ""), name)] += (
                len(document[name]) if isinstance(document[name], list) else 1
            )
    return counts


def test_a_checkout_counts_its_domain_events_once_each(api, capsys) -> None:
    # Given a card order submitted with no POS (the service validates it, the worker captures it)
    submitted_cart(api, body={"paymentOption": "Credit", "paymentReceived": 27.06, "chargeId": "tok_visa"})
    capsys.readouterr()
    # When the outbox and the workers have run
    api.drain()
    counts = counted(capsys.readouterr().out)
    # Then the outbox counted each event of the checkout once, under its own service
    for event in ("CartSubmitted", "CartValidated", "PaymentCaptured", "OrderPlaced"):
        assert counts[("stream-outbox", event)] == 1, (event, counts)
    assert not [key for key in counts if key[0] != "stream-outbox" and key[1] == "CartSubmitted"]


def test_a_dead_lettered_webhook_is_counted(api, capsys) -> None:
    # Given a POS whose endpoint refuses every delivery for good
    receiver = WebhookReceiver(status=410)
    try:
        subscribe(api, receiver.url)
        submitted_cart(api)
        # When the worker tries to announce the cart
        api.drain()
    finally:
        receiver.close()
    # Then the webhook worker counted one dead letter and no delivery
    counts = counted(capsys.readouterr().out)
    assert counts[("webhook-worker", "WebhookDeadLettered")] == 1, counts
    assert counts[("webhook-worker", "WebhookDelivered")] == 0
