"""Payments before checkout, for faces that keep more than BLAZE's one payment: payments by key
(NewStore adds and removes them while the cart is open) and payment sessions (Medusa: one per
provider the region offers, one selected; the selected one is authorized when the cart completes,
``Checkout.complete``). Taking money is checkout's (``usecases/checkout.py``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cart_core.cart import (
    MAX_PAYMENT_SESSIONS,
    PAYMENT_KEY_BYTES,
    Cart,
    Payment,
    PaymentSession,
    check_session_data,
    payment_as_given,
)
from cart_core.errors import InvalidRequest, NotFound
from cart_core.payments import PROVIDERS
from cart_core.ports import Snapshot
from cart_core.tenancy import Caller
from cart_core.unit_of_work import Work
from cart_core.usecases.shared import CartUseCases, PricedCart, charged_total, region_of


class Payments(CartUseCases):
    # ----- payments by key (NewStore) -------------------------------------------------------

    def add_payment(self, caller: Caller, cart_id: str, payment: Payment) -> PricedCart:
        """Add a payment under its key, or replace the one with that key, on an open cart. Nothing
        is asked of a provider yet: cards are authorized when the order is placed."""
        recorded = payment_as_given(payment)

        def change(cart: Cart, snapshot: Snapshot, work: Work) -> None:
            cart.require_editable()
            cart.set_payment(recorded)

        return self._mutate(caller, cart_id, change)

    def remove_payment(self, caller: Caller, cart_id: str, key: str) -> PricedCart:
        """Remove the payment with ``key`` from an open cart (no hold exists before the order is
        placed, so there is nothing to release)."""

        def change(cart: Cart, snapshot: Snapshot, work: Work) -> None:
            cart.require_editable()
            if cart.remove_payment(key) is None:
                raise NotFound(f"Cart {cart.cart_id} has no payment {key[:PAYMENT_KEY_BYTES]!r}")

        return self._mutate(caller, cart_id, change)

    # ----- payment sessions (Medusa) --------------------------------------------------------

    def init_payment_sessions(
        self, caller: Caller, cart_id: str, provider_ids: Sequence[str] | None = None
    ) -> PricedCart:
        """One session per provider in ``provider_ids`` (default: the cart region's providers, in
        its order; every provider for a region that lists none), each opened for the cart's current
        total: new providers get a pending session, existing sessions keep their data and selection
        and take the new amount, sessions of providers no longer offered are dropped. With exactly
        one provider, its session is selected (as Medusa does). A provider the region does not offer
        is refused (400). A total of zero or less opens none and drops those there are."""
        wanted = list(dict.fromkeys(provider_ids or ()))
        if len(wanted) > MAX_PAYMENT_SESSIONS:
            raise InvalidRequest(f"A cart holds at most {MAX_PAYMENT_SESSIONS} payment sessions")
        for provider_id in wanted:
            if not provider_id or len(provider_id.encode()) > PAYMENT_KEY_BYTES - len("session:"):
                raise InvalidRequest("A payment provider id is 1 to 120 bytes")

        def change(cart: Cart, snapshot: Snapshot, work: Work) -> None:
            cart.require_editable()
            assert snapshot.location is not None
            region = region_of(cart, snapshot)
            offered = region.payment_providers or tuple(PROVIDERS)
            providers = wanted if provider_ids is not None else list(offered)
            for provider_id in providers:
                if provider_id not in offered:
                    raise InvalidRequest(f"Payment provider {provider_id} is not offered in region {region.region_id}")
            total = charged_total(cart, snapshot)
            if total <= 0:  # nothing to pay: no session (as Medusa; complete then needs none)
                cart.payment_sessions = []
                return
            existing = {session.provider_id: session for session in cart.payment_sessions}
            sessions = []
            for provider_id in providers:
                session = existing.get(provider_id) or PaymentSession(provider_id=provider_id)
                sessions.append(session.model_copy(update={"amount_minor": total}))
            if len(sessions) == 1:
                sessions[0].is_selected = True
            cart.payment_sessions = sessions

        return self._mutate(caller, cart_id, change)

    def select_payment_session(self, caller: Caller, cart_id: str, provider_id: str) -> PricedCart:
        """Select the session of ``provider_id`` (and no other)."""

        def change(cart: Cart, snapshot: Snapshot, work: Work) -> None:
            cart.require_editable()
            _session(cart, provider_id)
            for session in cart.payment_sessions:
                session.is_selected = session.provider_id == provider_id

        return self._mutate(caller, cart_id, change)

    def update_payment_session(
        self, caller: Caller, cart_id: str, provider_id: str, data: Mapping[str, str]
    ) -> PricedCart:
        """Merge ``data`` into the session's provider data (e.g. the card token), within bounds."""

        def change(cart: Cart, snapshot: Snapshot, work: Work) -> None:
            cart.require_editable()
            session = _session(cart, provider_id)
            merged = {**session.data, **data}
            check_session_data(merged)
            session.data = merged

        return self._mutate(caller, cart_id, change)

    def refresh_payment_session(self, caller: Caller, cart_id: str, provider_id: str) -> PricedCart:
        """Open the session again for the cart's current total, as Medusa's refresh does: the selected
        one is replaced by a new pending one, not selected (its data dropped: it was the provider's
        for the old session); another only takes the new amount."""

        def change(cart: Cart, snapshot: Snapshot, work: Work) -> None:
            cart.require_editable()
            session = _session(cart, provider_id)
            total = charged_total(cart, snapshot)
            fresh = PaymentSession(provider_id=provider_id, amount_minor=total) if session.is_selected else None
            cart.payment_sessions = [
                (fresh or s.model_copy(update={"amount_minor": total})) if s.provider_id == provider_id else s
                for s in cart.payment_sessions
            ]

        return self._mutate(caller, cart_id, change)

    def delete_payment_session(self, caller: Caller, cart_id: str, provider_id: str) -> PricedCart:
        def change(cart: Cart, snapshot: Snapshot, work: Work) -> None:
            cart.require_editable()
            _session(cart, provider_id)
            cart.payment_sessions = [s for s in cart.payment_sessions if s.provider_id != provider_id]

        return self._mutate(caller, cart_id, change)


def _session(cart: Cart, provider_id: str) -> PaymentSession:
    session = next((s for s in cart.payment_sessions if s.provider_id == provider_id), None)
    if session is None:
        raise NotFound(f"Cart {cart.cart_id} has no payment session for {provider_id[:120]!r}")
    return session
