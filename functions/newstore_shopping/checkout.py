"""NewStore's order lifecycle and payments over the shared core (docs/newstore.md, Checkout and
payments).

States: ``draft`` → ``ready`` → ``placed`` → ``accepted`` | ``failed``. Only ``placed`` is a step the
core takes (``Checkout.place``); ``draft`` and ``ready`` are both an open cart, told apart by the core's
readiness at each answer (never stored, never taken from the client); ``accepted`` and ``failed`` are
what the store and the payment worker made of the order. The core's statuses show as:

    open                          draft, or ready when readiness says so
    submitted                     placed (the store validates: a POS through LOKE, or the service)
    validated                     placed while a card is still to be captured; accepted when nothing
                                  is the service's to capture (money taken elsewhere)
    paid, completed               accepted
    payment_failed                failed: payments may be fixed (by key), then placed again
    rejected, expired, canceled   failed, the reason in ``messages``; never placed again

A request's ``state`` picks the one core call a PATCH makes (``update``). Payments are given by key
and ``type`` and reported per key in ``payment_statuses``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

from cart_core.cart import Cart, Payment
from cart_core.errors import InvalidRequest
from cart_core.keyed_payments import PaymentEdit
from cart_core.lifecycle import CartStatus
from cart_core.money import to_decimal
from cart_core.readiness import Readiness, readiness
from cart_core.tenancy import Caller
from cart_core.usecases import UseCases
from cart_core.usecases.carts import CartEdits
from cart_core.usecases.shared import PricedCart

OrderState = Literal["draft", "ready", "placed", "accepted", "failed"]
PaymentStatusName = Literal["pending", "authorized", "captured", "declined", "failed", "voided"]

_PLACED = frozenset({CartStatus.SUBMITTED, CartStatus.VALIDATED})
_ACCEPTED = frozenset({CartStatus.PAID, CartStatus.COMPLETED})
# What a requested state asks of the cart's readiness once edited (``Checkout.edit``).
_EXPECT_READY = {"ready": True, "draft": False}


def cart_readiness(priced: PricedCart) -> Readiness:
    """The cart's readiness against the total it is charged (with taxes, as ``place`` checks it)."""
    return readiness(priced.cart, priced.with_taxes().totals)


def order_state(priced: PricedCart) -> OrderState:
    cart = priced.cart
    status = cart.status
    if status is CartStatus.OPEN:
        return "ready" if cart_readiness(priced).ready else "draft"
    if status is CartStatus.VALIDATED and cart.pays_at_pickup:
        return "accepted"  # nothing for the service to capture: the store's acceptance placed it
    if status in _PLACED:
        return "placed"
    if status in _ACCEPTED:
        return "accepted"
    return "failed"


def messages(priced: PricedCart) -> list[str] | None:
    """Why a failed order failed (the decline, the store's rejection, the expiry), else None."""
    cart = priced.cart
    if order_state(priced) == "failed" and cart.reason:
        return [cart.reason]
    return None


def payment_status(payment: Payment) -> dict[str, str]:
    """One key's status: ``pending`` (given, nothing asked of the processor yet), ``authorized``
    (held), ``captured``, ``declined`` (with the processor's message) or ``voided``."""
    name: PaymentStatusName
    if payment.status in ("authorized", "capturing"):
        name = "authorized"
    elif payment.status in ("captured", "voided", "declined"):
        name = payment.status
    else:
        name = "pending"
    status: dict[str, str] = {"status": name}
    if payment.status == "declined" and payment.decline_reason:
        status["message"] = payment.decline_reason
    return status


def payment_statuses(cart: Cart) -> dict[str, dict[str, str]]:
    return {payment.key: payment_status(payment) for payment in cart.payments}


def payment_type(payment: Payment) -> str:
    """The ``type`` a payment was given with (``cart.keyed_payment``): a card token is ``token``, a
    hold named by its id ``authorized``, money taken elsewhere ``captured``."""
    if payment.reference is not None:
        return "token"
    if payment.authorization_reference == payment.key:
        return "authorized"
    return "captured"


def payments_of(cart: Cart) -> dict[str, dict[str, Any]]:
    """The cart's ``payments`` as given: each key's ``type``, ``amount`` (decimal units) and
    ``method``; what the processor made of it is in ``payment_statuses``."""
    return {
        payment.key: {
            "type": payment_type(payment),
            "amount": _number(to_decimal(payment.amount_minor, cart.currency)),
            "currency": cart.currency,
            "method": payment.method,
        }
        for payment in cart.payments
    }


def _number(value: Decimal) -> int | float:
    """A JSON number in decimal units (13.78, 30), as the seed prints them."""
    return int(value) if value == value.to_integral_value() else float(value)


def payment_edits(payments: Mapping[str, Any] | None) -> dict[str, PaymentEdit | None] | None:
    """The wire's ``payments`` map (``wire.PaymentIn`` blocks) as the core's keyed edits: each
    block's ``type``, ``amount`` (decimal units; the core converts them exactly in the cart's
    currency, and refuses a ``currency`` that is not the cart's) and ``method``; ``null`` under a key
    removes the payment there. ``processor`` and ``metadata`` are accepted and not kept: one card
    processor serves the deployment (``payments.CARD_PROVIDER``)."""
    if payments is None:
        return None
    edits: dict[str, PaymentEdit | None] = {}
    for key, block in payments.items():
        if block is None:
            edits[key] = None
            continue
        edits[key] = PaymentEdit(
            kind=block.type, amount=block.amount, method=block.method or block.type, currency=block.currency
        )
    return edits


def update(cases: UseCases, caller: Caller, cart_id: str, edits: CartEdits, state: str | None) -> PricedCart:
    """The one core call a PATCH makes, by the state it asks for: ``placed`` places the cart once
    edited (it must be ready then: ``Checkout.place``); ``ready`` / ``draft`` edit it expecting it
    to be ready / refusing to call a still-ready cart a draft (``Checkout.edit``); no state and no
    edit (an empty body) answers the cart as it is, its payment statuses with it. ``accepted`` and
    ``failed`` are never a client's to ask for (400)."""
    if state in ("accepted", "failed"):
        raise InvalidRequest(f"The state {state!r} is set by the platform, never by a client")
    if state == "placed":
        return cases.checkout.place(caller, cart_id, edits)
    expect = _EXPECT_READY.get(state) if state is not None else None
    if not edits.model_fields_set and expect is None:
        return cases.carts.get_cart(caller, cart_id)
    return cases.checkout.edit(caller, cart_id, edits, expect_ready=expect)


def refuse_state_at_create(state: str | None) -> None:
    """A cart is created as a draft (the seed: "Its state is automatically set to draft"): any other
    state asked of a create is refused (400), placing takes an update."""
    if state not in (None, "draft"):
        raise InvalidRequest(f"A cart is created as a draft; ask for {state!r} with an update")
