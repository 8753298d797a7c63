"""NewStore's returns and exchanges over the core (docs/newstore.md, Returns and exchanges).

- ``return_requests``: the wire's ``returns[]`` as the core's ``ReturnRequest``s (the order's UUID
  to its stored id; ``blind_return`` refused: a return names an order of this platform).
- ``update``: the one core call of a PATCH that carries ``returns`` or places a cart: the returns set
  with the other edits in one write (``Returns.set_returns``); a placing that refunds (a return, or an
  exchange worth less than what comes back) is ``Returns.place``; anything else goes on to the
  checkout's state machine (``checkout.update``), which places an exchange the customer pays for.
- ``response_fields``: ``return_status`` and ``exchange`` of a cart's answer.

Works on the wire models by attribute or mapping access, so it reads the models of ``wire.py`` and
plain dicts alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from cart_core.errors import InvalidRequest
from cart_core.ids import IdError, codec
from cart_core.lifecycle import CartStatus
from cart_core.money import to_decimal
from cart_core.returns import exchange, refunds_when_placed, return_status
from cart_core.tenancy import Caller
from cart_core.usecases import UseCases
from cart_core.usecases.carts import CartEdits
from cart_core.usecases.returns import OrderNotFound, ReturnRequest
from cart_core.usecases.shared import PricedCart

_NEWSTORE = codec("newstore")
BLIND_RETURNS_REFUSED = "Blind returns are not supported: a return names an order (order_id) and one of its item_ids"


def _get(block: Any, name: str) -> Any:
    if block is None:
        return None
    if isinstance(block, Mapping):
        return block.get(name)
    return getattr(block, name, None)


def order_key(order_id: str) -> str:
    """The stored id of the order a return names (its NewStore UUID); an id that is not one of
    ours is an order this tenant does not have: 404, as an unknown one."""
    try:
        return _NEWSTORE.decode(order_id).key
    except IdError:
        raise OrderNotFound(order_id[:64]) from None


def return_requests(
    returns: Sequence[Any] | None, order_key: Callable[[str], str] = order_key
) -> list[ReturnRequest] | None:
    """The wire's ``returns`` (None: not given, the cart's returns stay) as the core's requests, one
    per returned unit. Bounds the wire model did not check are the core's (``ReturnRequest``,
    ``Returns.set_returns``): every refusal is a 400 in NewStore's error body."""
    if returns is None:
        return None
    requests = []
    for entry in returns:
        if _get(entry, "blind_return") is not None or _get(entry, "was_blind"):
            raise InvalidRequest(BLIND_RETURNS_REFUSED)
        order_id, item_id = _get(entry, "order_id"), _get(entry, "item_id")
        if not isinstance(order_id, str) or not order_id or not isinstance(item_id, str) or not item_id:
            raise InvalidRequest("A return names its order_id and item_id")
        refund = _get(entry, "refund")
        amount = _get(refund, "amount")
        try:
            requests.append(
                ReturnRequest(
                    order_id=order_key(order_id),
                    item_id=item_id,
                    reason=_get(entry, "return_reason") or "",
                    item_condition=_get(entry, "item_condition"),
                    return_code=_get(entry, "return_code"),
                    condition_code=_get(entry, "condition_code"),
                    refund_amount=None if amount is None else Decimal(str(amount)),
                    refund_method=_get(refund, "method"),
                )
            )
        except ArithmeticError:  # decimal.InvalidOperation: an amount that is no number
            raise InvalidRequest(f"Invalid return of item {item_id[:64]!r}: refund.amount is not an amount") from None
        except ValueError as invalid:  # pydantic's ValidationError is a ValueError
            raise InvalidRequest(f"Invalid return of item {item_id[:64]!r}: {_first_error(invalid)}") from None
    return requests


def _first_error(invalid: ValueError) -> str:
    errors = getattr(invalid, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        wire = {"reason": "return_reason", "refund_amount": "refund.amount", "refund_method": "refund.method"}
        return f"{wire.get(where, where)}: {first.get('msg')}"
    return str(invalid)


def involved(body: Any) -> bool:
    """Whether a PATCH is this module's to route: it sets ``returns``, or asks for ``placed`` (a cart
    that refunds is placed here; any other goes on to the sale's placing)."""
    return body is not None and ("returns" in body.model_fields_set or _get(body, "state") == "placed")


def created(cases: UseCases, caller: Caller, priced: PricedCart, body: Any) -> PricedCart:
    """A cart created with ``returns``: they are set in a second write (they need their orders read);
    a create without them is answered as it is."""
    requests = return_requests(_get(body, "returns"))
    if not requests:
        return priced
    return cases.returns.set_returns(caller, priced.cart.cart_id, requests)


def update(
    cases: UseCases,
    caller: Caller,
    cart_id: str,
    body: Any,
    edits_of: Callable[[Any, Caller], CartEdits],
    otherwise: Callable[[Caller, str, CartEdits], PricedCart],
) -> PricedCart:
    """A PATCH's core call when returns are involved (``involved``). ``edits_of`` maps the body's
    other fields (mapping.edits_from; the state is this call's). With ``returns``: they and the edits
    in one write; then, for ``placed``, the placing. ``placed`` otherwise: a cart that refunds is
    placed here, with the edits in its one write (``Returns.place``). Anything else: ``otherwise``
    (the sale's own call, given the edits still to apply)."""
    requests = return_requests(_get(body, "returns")) if "returns" in body.model_fields_set else None
    state = _get(body, "state")
    edits = edits_of(body.model_copy(update={"state": None, "returns": None}), caller)
    return update_with(cases, caller, cart_id, edits, requests, state, lambda e: otherwise(caller, cart_id, e))


def update_with(
    cases: UseCases,
    caller: Caller,
    cart_id: str,
    edits: CartEdits,
    returns: list[ReturnRequest] | None,
    state: str | None,
    otherwise: Callable[[CartEdits], PricedCart],
) -> PricedCart:
    """``update`` with the returns already mapped (``return_requests``)."""
    if returns is not None:
        if state in ("accepted", "failed"):
            raise InvalidRequest(f"The state {state!r} is set by the platform, never by a client")
        edited = cases.returns.set_returns(caller, cart_id, returns, edits)
        if state == "ready" and refunds_when_placed(edited.cart, edited.with_taxes().totals):
            _require_refund_ready(edited)
        if state != "placed":
            return edited
        edits = CartEdits()
    if state == "placed":
        # One read decides: a cart that refunds is placed here (with the edits, in its one write);
        # any other is the sale's to place (nothing was written).
        placed = cases.returns.place(caller, cart_id, edits)
        if placed is not None:
            return placed
    return otherwise(edits)


def _require_refund_ready(priced: PricedCart) -> None:
    """A cart that refunds is ready with its returns alone; a payment on it is refused (400)."""
    if any(p.status not in ("declined", "voided") for p in priced.cart.payments):
        raise InvalidRequest("The cart is not ready: a cart that refunds takes no payments")


def order_state(priced: PricedCart) -> str | None:
    """The state of a cart that refunds, where the sale's rules (``checkout.order_state``) would say
    otherwise: ``ready`` while open with its returns and no payments (a sale needs products and
    payments), ``placed`` while its refunds are pending (a sale with nothing to capture shows
    ``accepted``); None: the sale's state holds."""
    cart = priced.cart
    if not cart.returns:
        return None
    if cart.status is CartStatus.OPEN and refunds_when_placed(cart, priced.with_taxes().totals):
        live = [p for p in cart.payments if p.status not in ("declined", "voided")]
        return "draft" if live else "ready"
    if cart.status is CartStatus.VALIDATED and any(r.status == "pending" for r in cart.refunds):
        return "placed"
    return None


def response_fields(priced: PricedCart) -> dict[str, Any]:
    """``return_status`` and ``exchange`` of a cart's answer (both null on a sale), and ``state``
    when a cart that refunds stands otherwise than a sale would (``order_state``): merged over the
    sale's fields."""
    cart, totals = priced.cart, priced.totals
    status = return_status(cart)
    shown_status: dict[str, Any] | None = None
    if status is not None:
        name, declined = status
        shown_status = {"status": name}
        if declined is not None:
            shown_status["error"] = {"code": "refund_declined", "description": declined.decline_reason or "Declined"}
    difference = exchange(cart, totals)
    shown_exchange = (
        None
        if difference is None
        else {"type": difference.type, "amount": float(to_decimal(difference.amount_minor, cart.currency))}
    )
    fields: dict[str, Any] = {"return_status": shown_status, "exchange": shown_exchange}
    state = order_state(priced)
    if state is not None:
        fields["state"] = state
    return fields
