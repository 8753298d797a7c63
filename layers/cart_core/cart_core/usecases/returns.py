"""Returns and exchanges (docs/newstore.md, Returns and exchanges; cart_core.returns for the rules).

- ``set_returns``: a cart's returns (units of accepted orders of the tenant), checked against their
  orders in one read and written with the cart's other edits in one conditional write. Each unit is
  credited at most what was paid for it (by default exactly that).
- ``place``: places a cart whose placing refunds (returns alone, or an exchange whose new products
  cost less than the returns credit). One transaction: the cart ``open → submitted → validated``
  with its refunds decided (``pending``), each order's payments charged with what is refunded on
  them (conditional on the order's version: never more than was captured, whatever other return
  carts do), and one claim per returned unit (``Key.returned_item``, put only if absent: a unit is
  returned once, however many carts race for it). Then, outside the unit of work's repeatable
  attempt, the payment provider refunds, each with its own idempotency key; then a second write
  records the outcome (refunded, or ``payment_failed`` with the decline). A cart that is not such a
  cart returns None: the caller places it as a sale (``Checkout.place``), whose write claims its
  returned units too (``CartUseCases._stage``).
- ``settle_refunds``: the provider step again for a placed return cart whose refunds are pending (a
  retried request, or the payment worker on CartValidated after a request that stopped between the
  writes): the same keys, so a unit is never refunded twice.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field

from cart_core.cart import Cart, Payment
from cart_core.errors import Conflict, InvalidRequest, NotFound
from cart_core.lifecycle import CartStatus
from cart_core.limits import ID_BYTES, Utf8Limit
from cart_core.money import from_decimal
from cart_core.payments import PaymentGateway, PaymentResult, ProviderGateway
from cart_core.ports import Key, ReadSet, Snapshot
from cart_core.pricing import PricingTerms, price
from cart_core.returns import (
    ITEM_CONDITION_BYTES,
    MAX_RETURN_CODE,
    MAX_RETURNS,
    REFUND_METHOD_BYTES,
    RETURN_REASON_BYTES,
    Refund,
    ReturnItem,
    accepted,
    locate,
    refunds_when_placed,
    unit_paid,
)
from cart_core.tenancy import Caller
from cart_core.unit_of_work import UnitOfWork, Work
from cart_core.usecases.carts import CartEdits, apply_edits
from cart_core.usecases.identity import pointer_keys
from cart_core.usecases.shared import CartUseCases, PricedCart, priced, region_of, require_cart

logger = logging.getLogger(__name__)


class ReturnRequest(BaseModel):
    """One unit a client hands back: the order (its cart id, storage form) and the unit's item id,
    why, in what condition, and the refund asked for it (currency units; None: what was paid)."""

    order_id: Annotated[str, Utf8Limit(ID_BYTES, min_bytes=1)]
    item_id: Annotated[str, Utf8Limit(ID_BYTES, min_bytes=1)]
    reason: Annotated[str, Utf8Limit(RETURN_REASON_BYTES, min_bytes=1)]
    item_condition: Annotated[str, Utf8Limit(ITEM_CONDITION_BYTES)] | None = None
    return_code: int | None = Field(default=None, ge=0, le=MAX_RETURN_CODE)
    condition_code: int | None = Field(default=None, ge=0, le=MAX_RETURN_CODE)
    refund_amount: Decimal | None = Field(default=None, ge=0, le=Decimal(10_000_000))
    refund_method: Annotated[str, Utf8Limit(REFUND_METHOD_BYTES)] | None = None


class ItemAlreadyReturned(Conflict):
    """A unit another cart has returned (its claim names that cart): 409."""

    def __init__(self, order_id: str, item_id: str) -> None:
        super().__init__(f"Item {item_id} of order {order_id} has already been returned")
        self.order_id = order_id
        self.item_id = item_id


class OrderNotFound(NotFound):
    """No order of the caller's tenant by that id: 404, whatever another tenant may hold."""

    def __init__(self, order_id: str) -> None:
        super().__init__(f"Order {order_id} not found")
        self.order_id = order_id


def stage_return_claims(work: Work, cart: Cart) -> None:
    """One claim per unit a placed cart returns, naming the cart: put only if absent or already this
    cart's (a later write of the same cart claims again, harmlessly), so a unit another cart has
    claimed fails the whole write with ``ItemAlreadyReturned``. The claim lives as long as the order:
    until the later of the order's expiry and the placed cart's (now + order retention: ``_stage``
    stamps the cart first), so an order written again after the return (restamped then) is not outlived
    by much, and never the other way round at the time of the claim."""
    for item in cart.returns:
        work.claim(
            Key.returned_item(cart.tenant_id, item.order_id, item.item_id),
            cart.cart_id,
            replaces=cart.cart_id,
            expires_with=_Expiry(max(item.order_expires_at, cart.expires_at)),
            conflict=lambda item=item: ItemAlreadyReturned(item.order_id, item.item_id),  # type: ignore[misc]
        )


class _Expiry:
    """What a claim reads its ``expires_at`` from (``ports.Claim.expires_with``): the order's."""

    def __init__(self, expires_at: int) -> None:
        self.expires_at = expires_at


class Returns(CartUseCases):
    def __init__(self, uow: UnitOfWork, order_retention_days: int = 365, gateway: PaymentGateway | None = None) -> None:
        super().__init__(uow, order_retention_days)
        self._gateway: PaymentGateway = gateway or ProviderGateway()

    # ----- returns on an open cart ---------------------------------------------------------

    def set_returns(
        self, caller: Caller, cart_id: str, returns: Sequence[ReturnRequest], edits: CartEdits | None = None
    ) -> PricedCart:
        """Replace the cart's returns with ``returns`` (and apply ``edits`` in the same write). Each
        names a unit of an accepted order of the caller's tenant (404 for an order it has not, 400
        for an order not accepted, an unknown item, the same unit twice, a refund above what was
        paid). The units are claimed when the cart is placed, not here: two carts may name the same
        unit until one of them is placed."""
        if len(returns) > MAX_RETURNS:
            raise InvalidRequest(f"A cart returns at most {MAX_RETURNS} items")
        seen = [(r.order_id, r.item_id) for r in returns]
        if len(set(seen)) != len(seen):
            raise InvalidRequest("An item is returned at most once per cart")
        edits = edits or CartEdits()
        base = edits.reads(caller, cart_id)
        reads = ReadSet(
            base.tenant_id,
            base.location_id,
            cart_id,
            base.product_ids,
            base.discount_codes,
            gift_card_codes=base.gift_card_codes,
            order_ids=frozenset(r.order_id for r in returns) - {cart_id},
        )

        def attempt(work: Work) -> PricedCart:
            snapshot = work.read(reads)
            cart = require_cart(snapshot, cart_id, caller.actor)
            cart.require_editable()
            version = cart.version
            if edits.model_fields_set:
                apply_edits(cart, edits, snapshot, self._clock())
            cart.returns = [self._return_item(work, cart, request, snapshot) for request in returns]
            staged = self._stage(work, cart, version, snapshot)
            work.commit()
            return staged

        return self._uow.run(attempt)

    def _return_item(self, work: Work, cart: Cart, request: ReturnRequest, snapshot: Snapshot) -> ReturnItem:
        order = snapshot.orders.get(request.order_id)
        if order is None or order.tenant_id != cart.tenant_id or order.cart_id == cart.cart_id:
            raise OrderNotFound(request.order_id)
        if not accepted(order):
            raise InvalidRequest(f"Order {request.order_id} is {order.status.value}, not accepted: nothing to return")
        if order.currency != cart.currency:
            raise InvalidRequest(
                f"Order {request.order_id} was paid in {order.currency}, this cart is in {cart.currency}"
            )
        located = locate(order, request.item_id)
        if located is None:
            raise InvalidRequest(f"Order {request.order_id} has no item {request.item_id}")
        line, unit = located
        paid = unit_paid(price(order, self._order_terms(work, order, snapshot)), line, unit)
        refund = paid.paid_minor
        if request.refund_amount is not None:
            refund = from_decimal(request.refund_amount, cart.currency)
            if refund > paid.paid_minor:
                raise InvalidRequest(
                    f"A refund of {request.refund_amount} for item {request.item_id} is more than was paid for it"
                )
        return ReturnItem(
            order_id=order.cart_id,
            item_id=request.item_id,
            line_id=line.line_id,
            product_id=line.product_id,
            title=line.title,
            reason=request.reason,
            item_condition=request.item_condition,
            return_code=request.return_code,
            condition_code=request.condition_code,
            paid_minor=paid.paid_minor,
            tax_minor=paid.tax_minor,
            refund_minor=refund,
            refund_method=request.refund_method,
            order_expires_at=order.expires_at,
        )

    @staticmethod
    def _order_terms(work: Work, order: Cart, snapshot: Snapshot) -> PricingTerms:
        """How the order was priced: its region's terms at its location (another location of the
        tenant, or a region this read did not bring, is one more read)."""
        assert snapshot.location is not None
        if order.location_id == snapshot.location.location_id:
            try:
                return PricingTerms.of(region_of(order, snapshot), snapshot.location)
            except NotFound:
                pass
        regions = frozenset({order.region_id}) if order.region_id else frozenset()
        found = work.read(ReadSet(order.tenant_id, order.location_id, region_ids=regions))
        if found.location is None:
            raise OrderNotFound(order.cart_id)
        return PricingTerms.of(region_of(order, found), found.location)

    # ----- placing a return ----------------------------------------------------------------

    def place(self, caller: Caller, cart_id: str, edits: CartEdits | None = None) -> PricedCart | None:
        """Place a cart whose placing refunds, with ``edits`` applied first in the same write; None
        when the cart is not one once edited (no returns, or new products that cost at least what
        the returns credit: a sale, ``Checkout.place``), and then nothing is written. Placed already:
        the refunds still pending are asked for again (same keys), else the cart as it is (edits then
        are refused, 409)."""
        edits = edits or CartEdits()
        reads = edits.reads(caller, cart_id)

        def attempt(work: Work) -> PricedCart | None:
            snapshot = work.read(reads)
            cart = require_cart(snapshot, cart_id, caller.actor)
            if not cart.returns:
                return None
            if cart.status is not CartStatus.OPEN:
                if cart.submitted_ms is None:
                    raise Conflict(f"Cart {cart.cart_id} is {cart.status.value} and cannot be placed")
                if edits.model_fields_set:
                    raise Conflict(f"Order {cart.cart_id} is placed; it can no longer be edited")
                if cart.status is CartStatus.PAYMENT_FAILED and any(r.status == "declined" for r in cart.refunds):
                    return self._again(work, cart, snapshot)
                return priced(cart, snapshot)  # placed already (a retry): the refunds below, if pending
            if edits.model_fields_set:
                apply_edits(cart, edits, snapshot, self._clock())
            totals = priced(cart, snapshot).with_taxes().totals
            if not refunds_when_placed(cart, totals):
                return None  # the customer pays the difference (or nothing): placed as a sale
            total = totals.total_minor
            if any(p.status not in ("declined", "voided") for p in cart.payments):
                raise InvalidRequest("A cart that refunds takes no payments; remove them before placing it")
            version = cart.version
            orders = work.read(
                ReadSet(caller.tenant_id, caller.location_id, order_ids=frozenset(i.order_id for i in cart.returns))
            ).orders
            self._decide_refunds(work, cart, orders, -total)
            now = self._now_ms()
            cart.order_no = str(100_000_000 + secrets.randbelow(900_000_000))
            work.claim(Key.order_no(cart.tenant_id, cart.order_no), cart.cart_id, expires_with=cart)
            for key in pointer_keys(cart):
                work.release(Key.active(key), cart.cart_id)
            # Accepted by the associate who placed it: no POS validates a refund.
            cart.transition(CartStatus.SUBMITTED, now)
            cart.transition(CartStatus.VALIDATED, now)
            staged = self._stage(work, cart, version, snapshot)
            work.commit()
            return staged

        placed = self._uow.run(attempt)
        if placed is None:
            return None
        if placed.cart.status is CartStatus.VALIDATED and any(r.status == "pending" for r in placed.cart.refunds):
            return self.settle_refunds(caller, cart_id)
        return placed

    def _again(self, work: Work, cart: Cart, snapshot: Snapshot) -> PricedCart:
        """A return whose refund was declined, placed again: the declined refunds are asked for
        again under a new key (a processor answers a key it has seen with the same decline), the
        same amounts on the same payments (what the orders were charged with stays); the cart goes
        back to validated (``payment_failed → submitted → validated``) in one conditional write."""
        version = cart.version
        for refund in cart.refunds:
            if refund.status == "declined":
                tries = refund.key.count(".again")
                refund.key = f"{refund.key.split('.again')[0]}.again{tries + 1}"
                refund.status, refund.reference, refund.decline_reason = "pending", None, None
        now = self._now_ms()
        cart.reason = None
        cart.transition(CartStatus.SUBMITTED, now)
        cart.transition(CartStatus.VALIDATED, now)
        staged = self._stage(work, cart, version, snapshot)
        work.commit()
        return staged

    def _decide_refunds(self, work: Work, cart: Cart, orders: dict[str, Cart], refund_minor: int) -> None:
        """Spread ``refund_minor`` over the orders the cart returns units of (each at most what its
        units credit), and each order's share over its captured payments (each at most what is left
        of its capture); charge each payment with its refund and stage the order's write,
        conditional on the version read. Not enough left on an order: 400."""
        credit: dict[str, int] = {}
        for item in cart.returns:
            order = orders.get(item.order_id)
            if order is None or order.tenant_id != cart.tenant_id:
                raise OrderNotFound(item.order_id)
            if not accepted(order):
                raise InvalidRequest(f"Order {item.order_id} is {order.status.value}, not accepted: nothing to return")
            credit[item.order_id] = credit.get(item.order_id, 0) + item.refund_minor
        left = refund_minor
        refunds: list[Refund] = []
        for order_id, order_credit in credit.items():
            share = min(left, order_credit)
            left -= share
            if share <= 0:
                continue
            order = orders[order_id]
            captured = [p for p in order.payments if p.status == "captured"]
            room = sum(_captured(p) - p.refunded_minor for p in captured)
            if share > room:
                raise InvalidRequest(
                    f"Order {order_id} has {room} minor units left to refund; this cart would refund {share}"
                )
            for payment in captured:
                amount = min(share, _captured(payment) - payment.refunded_minor)
                if amount <= 0:
                    continue
                share -= amount
                payment.refunded_minor += amount
                refunds.append(
                    Refund(
                        key=f"{cart.cart_id}.refund.{order_id}.{payment.key}",
                        order_id=order_id,
                        payment_key=payment.key,
                        provider=payment.provider or "manual",
                        capture_reference=payment.provider_reference,
                        amount_minor=amount,
                        captured_minor=_captured(payment),
                    )
                )
            # The order as read, with what is now refunded on its payments: a concurrent return of
            # another of its units makes one of the two writes lose and decide again.
            work.put(order, order.version)
        cart.refunds = refunds

    def settle_refunds(self, caller: Caller, cart_id: str) -> PricedCart:
        """Ask the provider for a placed return cart's pending refunds (each with its key: asked
        again, it refunds once), then record the outcome with a write conditional on the version
        read: every refund approved, the cart stays accepted (validated) and shows them refunded; one
        declined, ``payment_failed`` with the provider's reason. Nothing pending: no call, no write."""
        snapshot = self._uow.once().read(ReadSet(caller.tenant_id, caller.location_id, cart_id))
        cart = require_cart(snapshot, cart_id, caller.actor, reading=True)
        pending = [r for r in cart.refunds if r.status == "pending"]
        if cart.status is not CartStatus.VALIDATED or not pending:
            return priced(cart, snapshot)
        outcomes: dict[str, PaymentResult] = {}
        for refund in pending:
            outcomes[refund.key] = self._gateway.refund(
                refund.provider,
                refund.capture_reference,
                refund.amount_minor,
                cart.currency,
                refund.key,
                refund.captured_minor,
            )

        def record(cart: Cart, snapshot: Snapshot, work: Work) -> bool:
            waiting = {r.key for r in cart.refunds if r.status == "pending"}
            if cart.status is not CartStatus.VALIDATED or not waiting or not waiting <= outcomes.keys():
                return False  # recorded by another request or worker meanwhile
            declined: str | None = None
            for refund in cart.refunds:
                result = outcomes.get(refund.key)
                if result is None or refund.status != "pending":
                    continue
                refund.reference = result.reference
                if result.approved:
                    refund.status = "refunded"
                else:
                    refund.status = "declined"
                    refund.decline_reason = result.decline_reason or "Declined"
                    declined = declined or refund.decline_reason
            if declined is not None:
                cart.reason = f"Refund declined: {declined}"
                cart.transition(CartStatus.PAYMENT_FAILED, self._now_ms())
            return True

        return self._mutate(caller, cart_id, record)


def _captured(payment: Payment) -> int:
    """What was captured on one of an order's payments (a payment recorded as captured elsewhere
    carries it as its amount)."""
    return payment.captured_minor if payment.captured_minor is not None else payment.amount_minor
