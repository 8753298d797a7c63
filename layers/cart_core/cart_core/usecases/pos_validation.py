"""POS validation: the store's answer to a submitted order (LOKE PUT …/valid and …/invalid), the
deadline that expires an unanswered one, and the service's own validation when no POS listens."""

from __future__ import annotations

from cart_core.cart import Adjustment, Cart, check_adjustments
from cart_core.errors import Conflict, InvalidRequest
from cart_core.lifecycle import CartStatus
from cart_core.ports import ReadSet, Snapshot
from cart_core.tenancy import Caller
from cart_core.unit_of_work import Work
from cart_core.usecases.shared import CartUseCases, PricedCart, charged_total, home_currency, priced, require_cart


class PosValidation(CartUseCases):
    def pos_validate(self, caller: Caller, cart_id: str, adjustments: list[Adjustment]) -> PricedCart:
        """The POS accepts a PENDING cart, optionally adjusting it (LOKE PUT …/valid).

        Adjustments are bounded (``check_adjustments``), may not make the total negative and, on a
        card-paid cart, may not raise it above what the card authorized at submit: the store captures
        at most that, and a surcharge above it is refused (there is no second authorization).
        """
        check_adjustments(adjustments)

        def change(cart: Cart, snapshot: Snapshot, work: Work) -> None:
            _require_pending(cart)
            cart.adjustments = list(adjustments)
            assert snapshot.location is not None
            total = charged_total(cart, snapshot)
            if total < 0:
                raise InvalidRequest("The adjustments would make the cart's total negative")
            held = cart.held_minor  # every live hold of the cart's payments (one, for BLAZE)
            if held is not None and total > held:
                raise InvalidRequest(
                    f"The adjustments would make the total {total}, above the {held} "
                    f"{cart.currency} minor units authorized on the consumer's card; a surcharge above the "
                    "authorization is refused"
                )
            cart.transition(CartStatus.VALIDATED, self._now_ms())

        return self._mutate(caller, cart_id, change)

    def pos_reject(self, caller: Caller, cart_id: str, reason: str = "Rejected by the store") -> PricedCart:
        def change(cart: Cart, snapshot: Snapshot, work: Work) -> None:
            _require_pending(cart)
            cart.reason = reason
            cart.transition(CartStatus.REJECTED, self._now_ms())

        return self._mutate(caller, cart_id, change)

    def expire_if_unanswered(
        self, caller: Caller, cart_id: str, deadline_ms: int, submitted_ms: int | None = None
    ) -> bool:
        """PENDING past its deadline becomes EXPIRED; False when there is nothing (more) to do. With
        ``submitted_ms`` (the placing the deadline was set for), only that placing expires: an order
        placed again since (after a failed payment) waits for its own deadline."""
        expired = False

        def change(cart: Cart, snapshot: Snapshot, work: Work) -> bool:
            nonlocal expired
            if cart.status is not CartStatus.SUBMITTED or self._now_ms() < deadline_ms:
                return False
            if submitted_ms is not None and cart.submitted_ms != submitted_ms:
                return False
            cart.reason = "The store did not answer in time"
            cart.transition(CartStatus.EXPIRED, self._now_ms())
            expired = True
            return True

        self._mutate(caller, cart_id, change)
        return expired

    def self_validate(self, caller: Caller, cart_id: str) -> PricedCart:
        """No POS listens: every product must still be active at the price on the cart. Two reads
        (the cart, then the products its lines name), one conditional write."""

        def attempt(work: Work) -> PricedCart:
            first = work.read(ReadSet(caller.tenant_id, caller.location_id, cart_id))
            cart = require_cart(first, cart_id, caller.actor)
            if cart.status is not CartStatus.SUBMITTED:
                return priced(cart, first)
            products = work.read(
                ReadSet(
                    caller.tenant_id, caller.location_id, product_ids=frozenset(line.product_id for line in cart.lines)
                )
            ).products
            problems = []
            home = home_currency(first, cart.currency)
            for line in cart.lines:
                product = products.get(line.product_id)
                if product is None or not product.active:
                    problems.append(f"{line.title or line.product_id} is no longer available")
                elif product.price_in(cart.currency, home) != line.unit_price_minor:  # in the cart's currency
                    problems.append(f"The price of {line.title} has changed")
            version = cart.version
            if problems:
                cart.reason = "; ".join(problems)
                cart.transition(CartStatus.REJECTED, self._now_ms())
            else:
                cart.transition(CartStatus.VALIDATED, self._now_ms())
            staged = self._stage(work, cart, version, first)
            work.commit()
            return staged

        return self._uow.run(attempt)


def _require_pending(cart: Cart) -> None:
    if cart.status is not CartStatus.SUBMITTED:
        raise Conflict(f"Cart {cart.cart_id} is not pending validation (it is {cart.status.value})")
