"""The core's use cases, one module per area, each a small class over the unit of work:

- ``carts``: an identity's open cart, reading carts and history, editing lines and fields
- ``identity``: who a cart belongs to, finding the cart a request means, guest → consumer merge
- ``checkout``: payment details, placing the order (submit, or ``complete`` by the location's
  checkout policy), a new payment after a failed capture, the consumer's cancel, capture and void
- ``payments``: payments by key (NewStore) and payment sessions (Medusa) before checkout
- ``pos_validation``: the store's accept / reject, the deadline, the service's own validation
- ``catalog``: product prices
- ``subscriptions``: a tenant's webhook subscriptions (their own records, no cart)
- ``regions``: moving an open cart to another region (currency, taxes, payment providers)
- ``checkout_configurations``: hosted-checkout configurations and their public hashes (Fluid Pay)
- ``storefront``: regions, products with variants, a cart's shipping options and method, removing a code
- ``customers``: storefront customers (accounts, guests), sign-in sessions, a customer's orders

Faces and workers take the area they need from ``compose`` (``cart_core.runtime.use_cases()``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from cart_core.clock import Clock, system_clock
from cart_core.payments import PaymentGateway
from cart_core.ports import CartStore
from cart_core.unit_of_work import UnitOfWork
from cart_core.usecases.carts import Carts
from cart_core.usecases.catalog import Catalog
from cart_core.usecases.checkout import Checkout
from cart_core.usecases.checkout_configurations import CheckoutConfigurations
from cart_core.usecases.customers import Customers
from cart_core.usecases.identity import Identity
from cart_core.usecases.payments import Payments
from cart_core.usecases.pos_validation import PosValidation
from cart_core.usecases.regions import Regions
from cart_core.usecases.storefront import Storefront


@dataclass(frozen=True, slots=True)
class UseCases:
    carts: Carts
    identity: Identity
    checkout: Checkout
    pos_validation: PosValidation
    catalog: Catalog
    regions: Regions
    checkout_configurations: CheckoutConfigurations
    payments: Payments
    storefront: Storefront
    customers: Customers


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
    uow = UnitOfWork(store, clock, sleep)
    carts = Carts(uow, order_retention_days)
    return UseCases(
        carts=carts,
        identity=Identity(uow, order_retention_days),
        checkout=Checkout(uow, order_retention_days, gateway),
        pos_validation=PosValidation(uow, order_retention_days),
        catalog=Catalog(uow, order_retention_days),
        regions=Regions(uow, order_retention_days),
        checkout_configurations=CheckoutConfigurations(uow, order_retention_days),
        payments=Payments(uow, order_retention_days),
        storefront=Storefront(uow, order_retention_days),
        customers=Customers(uow, carts, order_retention_days),
    )
