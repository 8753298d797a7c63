"""The one cart lifecycle every face shares.

    open ──submit──▶ submitted ──▶ validated ──▶ paid ──▶ completed
      │                 │ │  │          │  └──▶ payment_failed ──▶ paid (retry)
      │                 │ │  └▶ expired └──▶ canceled
      │                 │ └──▶ rejected
      └──▶ expired      └──▶ canceled
      └──▶ canceled (store-side close, e.g. merged into another cart)

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
    S.SUBMITTED: frozenset({S.VALIDATED, S.REJECTED, S.EXPIRED, S.CANCELED}),
    S.VALIDATED: frozenset({S.PAID, S.PAYMENT_FAILED, S.CANCELED}),
    S.PAYMENT_FAILED: frozenset({S.PAID, S.CANCELED}),
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
