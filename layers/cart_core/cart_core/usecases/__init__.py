"""The core's use cases, one module per area, each a small class over the unit of work:

- ``carts``: an identity's open cart, reading carts and history, editing lines and fields
- ``identity``: who a cart belongs to, finding the cart a request means, guest → consumer merge
- ``checkout``: payment details, placing the order (submit, or ``complete`` by the location's
  checkout policy), a new payment after a failed capture, the consumer's cancel, capture and void
- ``payments``: payments by key (NewStore) and payment sessions (Medusa) before checkout
- ``returns``: units of accepted orders handed back, refunds, exchanges (NewStore)
- ``pos_validation``: the store's accept / reject, the deadline, the service's own validation
- ``catalog``: product prices
- ``subscriptions``: a tenant's webhook subscriptions (their own records, no cart)
- ``regions``: moving an open cart to another region (currency, taxes, payment providers)
- ``checkout_configurations``: hosted-checkout configurations and their public hashes (Fluid Pay)
- ``storefront``: regions, products with variants, a cart's shipping options and method, removing a code
- ``customers``: storefront customers (accounts, guests), sign-in sessions, a customer's orders
- ``documents``: a placed cart's document (receipt, refund note) and mailing it, once per address

Faces and workers take the area they need from ``compose`` (``cart_core.runtime.use_cases()``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

from cart_core.clock import Clock, system_clock
from cart_core.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from cart_core.payments import PaymentGateway
    from cart_core.ports import CartStore
    from cart_core.usecases.carts import Carts
    from cart_core.usecases.catalog import Catalog
    from cart_core.usecases.checkout import Checkout
    from cart_core.usecases.checkout_configurations import CheckoutConfigurations
    from cart_core.usecases.customers import Customers
    from cart_core.usecases.documents import Documents
    from cart_core.usecases.identity import Identity
    from cart_core.usecases.payments import Payments
    from cart_core.usecases.pos_validation import PosValidation
    from cart_core.usecases.regions import Regions
    from cart_core.usecases.returns import Returns
    from cart_core.usecases.storefront import Storefront


class UseCases:
    """The cart areas over one unit of work. Each area is imported and built when first used, then
    kept (docs/architecture.md, Import discipline): a face's cold start pays for the areas its first
    request uses (a BLAZE prepare: carts and identity), not for checkout, payments, regions and
    hosted checkout as well."""

    def __init__(self, uow: UnitOfWork, order_retention_days: int, gateway: PaymentGateway | None = None) -> None:
        self._uow = uow
        self._order_retention_days = order_retention_days
        self._gateway = gateway

    @cached_property
    def carts(self) -> Carts:
        from cart_core.usecases.carts import Carts

        return Carts(self._uow, self._order_retention_days)

    @cached_property
    def identity(self) -> Identity:
        from cart_core.usecases.identity import Identity

        return Identity(self._uow, self._order_retention_days)

    @cached_property
    def checkout(self) -> Checkout:
        from cart_core.usecases.checkout import Checkout

        return Checkout(self._uow, self._order_retention_days, self._gateway)

    @cached_property
    def pos_validation(self) -> PosValidation:
        from cart_core.usecases.pos_validation import PosValidation

        return PosValidation(self._uow, self._order_retention_days)

    @cached_property
    def catalog(self) -> Catalog:
        from cart_core.usecases.catalog import Catalog

        return Catalog(self._uow, self._order_retention_days)

    @cached_property
    def regions(self) -> Regions:
        from cart_core.usecases.regions import Regions

        return Regions(self._uow, self._order_retention_days)

    @cached_property
    def checkout_configurations(self) -> CheckoutConfigurations:
        from cart_core.usecases.checkout_configurations import CheckoutConfigurations

        return CheckoutConfigurations(self._uow, self._order_retention_days)

    @cached_property
    def payments(self) -> Payments:
        from cart_core.usecases.payments import Payments

        return Payments(self._uow, self._order_retention_days)

    @cached_property
    def returns(self) -> Returns:
        from cart_core.usecases.returns import Returns

        return Returns(self._uow, self._order_retention_days, self._gateway)

    @cached_property
    def storefront(self) -> Storefront:
        from cart_core.usecases.storefront import Storefront

        return Storefront(self._uow, self._order_retention_days)

    @cached_property
    def customers(self) -> Customers:
        from cart_core.usecases.customers import Customers

        return Customers(self._uow, self.carts, self._order_retention_days)

    @cached_property
    def documents(self) -> Documents:
        from cart_core.usecases.documents import Documents

        return Documents(self._uow, self.carts, self._order_retention_days)


def compose(
    store: CartStore,
    order_retention_days: int = 365,
    clock: Clock = system_clock,
    sleep: Callable[[float], None] = time.sleep,
    gateway: PaymentGateway | None = None,
) -> UseCases:
    """Every cart area over one unit of work on ``store``; ``clock`` is the one every timestamp,
    deadline and new id of theirs is read from (``cart_core.clock``); ``gateway`` the payment port
    (default: the built-in providers, ``payments.ProviderGateway``)."""
    return UseCases(UnitOfWork(store, clock, sleep), order_retention_days, gateway)
