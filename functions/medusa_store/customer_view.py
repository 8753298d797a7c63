"""Core customer → Medusa v1's ``Customer`` (medusa-v1.md §2 and §4): its columns, never
``password_hash``, and the relations the route loads (auth routes: ``orders`` with their items and
``shipping_addresses``; customer routes: ``shipping_addresses`` and ``billing_address``)."""

from __future__ import annotations

from typing import Any

from cart_core.customers import Customer
from cart_core.runtime import use_cases
from cart_core.tenancy import Caller
from cart_core.usecases.shared import PricedCart
from medusa_store import mapping

MAX_ORDERS_PAGE = 100  # a page of /store/customers/me/orders (Medusa sets no maximum; we bound it)
# Orders loaded with the customer on the auth routes (Medusa loads them all; a long history is read
# through /store/customers/me/orders, page by page).
AUTH_ORDERS = 50

_UNSET = object()


def medusa_customer(
    customer: Customer,
    *,
    orders: list[dict[str, Any]] | None = None,
    shipping_addresses: list[dict[str, Any]] | None = None,
    billing_address: Any = _UNSET,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": customer.customer_id,
        "email": customer.email,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "billing_address_id": None,
        "phone": customer.phone,
        "has_account": customer.has_account,
        "metadata": customer.metadata,
        "created_at": mapping.iso(customer.created_ms),
        "updated_at": mapping.iso(customer.updated_ms),
        "deleted_at": None,
    }
    if orders is not None:
        body["orders"] = orders
    if shipping_addresses is not None:
        body["shipping_addresses"] = shipping_addresses
    if billing_address is not _UNSET:
        body["billing_address"] = billing_address
    return body


def medusa_orders(placed: list[PricedCart]) -> list[dict[str, Any]]:
    """The orders as GET /store/orders/{id} shows each (one mapper: an order reads alike in both)."""
    return [mapping.medusa_order(priced) for priced in placed]


def orders_of(caller: Caller, customer_id: str) -> list[dict[str, Any]]:
    placed, _ = use_cases().customers.orders(caller, customer_id, 0, AUTH_ORDERS)
    return medusa_orders(placed)
