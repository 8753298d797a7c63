"""The one cart lifecycle every face shares.

    open ──submit──▶ submitted ──▶ validated ──capture──▶ paid ──▶ completed
      │                 ▲ │  │          │  └──▶ payment_failed ──▶ paid (a capture retried)
      │                 │ │  │          │              ├──▶ submitted (placed again with a new payment)
      │                 │ │  └▶ expired │              └──▶ canceled (the consumer; the hold is voided)
      │                 │ └──▶ rejected └──▶ canceled (the consumer, until a capture begins)
      └──▶ expired      └──▶ canceled (the consumer)
      └──▶ canceled (store-side close, e.g. merged into another cart)

A face that keeps a placed order whose card is declined at placing (NewStore) takes it ``submitted →
payment_failed`` in the same write (``Checkout.place``); it is paid again as after a failed capture.

``validated`` is the store's acceptance (a POS via LOKE, or the service itself when no POS listens).
A card order, authorized at submit, is then captured by the payment worker: ``paid`` (the order is
placed) or ``payment_failed``. A pay-at-pickup order (cash, no card) is placed at ``validated`` and
stays there: nothing is authorized or captured by the service, the store collects the money in person
("accepted, payment due at pickup"). The consumer may cancel while no money is captured: ``submitted``,
``validated`` before the payment worker claims the capture (always, for pay at pickup), and
``payment_failed``; from the claim on, and once ``paid``, only the store can cancel (and refund).
After a failed capture the consumer may pay again with a new payment (``Checkout.retry_payment``):
``payment_failed → submitted``, and the order goes through validation and capture again. A location
whose checkout policy is ``synchronous`` takes ``open → submitted → validated`` in one write and
captures in the same request (``Checkout.complete``). No face records pickup yet, so nothing drives
``completed`` today.

Faces translate these states into their own vocabulary (BLAZE cartStatus/booleans, LOKE PENDING/VALID…).
"""

from __future__ import annotations

from enum import StrEnum

from cart_core.errors import IllegalTransition


class CartStatus(StrEnum):
    OPEN = "open"
    SUBMITTED = "submitted"
    VALIDATED = "validated"
    REJECTED = "rejected"
    EXPIRED = "expired"
    PAID = "paid"
    PAYMENT_FAILED = "payment_failed"
    COMPLETED = "completed"
    CANCELED = "canceled"


S = CartStatus
TRANSITIONS: dict[CartStatus, frozenset[CartStatus]] = {
    S.OPEN: frozenset({S.SUBMITTED, S.EXPIRED, S.CANCELED}),
    # submitted → payment_failed: a card declined when the order is placed, for a face that keeps the
    # placed order to pay again (NewStore: placed → failed; ``Checkout.place``). BLAZE and Medusa
    # refuse the submit instead and the cart stays open.
    S.SUBMITTED: frozenset({S.VALIDATED, S.REJECTED, S.EXPIRED, S.CANCELED, S.PAYMENT_FAILED}),
    S.VALIDATED: frozenset({S.PAID, S.PAYMENT_FAILED, S.CANCELED}),
    S.PAYMENT_FAILED: frozenset({S.PAID, S.SUBMITTED, S.CANCELED}),
    S.PAID: frozenset({S.COMPLETED}),
    S.REJECTED: frozenset(),
    S.EXPIRED: frozenset(),
    S.COMPLETED: frozenset(),
    S.CANCELED: frozenset(),
}

EDITABLE = frozenset({S.OPEN})
TERMINAL = frozenset(status for status, targets in TRANSITIONS.items() if not targets)


def check_transition(current: CartStatus, target: CartStatus) -> None:
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(current.value, target.value)
