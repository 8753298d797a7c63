"""Core customer → Medusa v1's ``Customer`` (medusa-v1.md §2 and §4): its columns, never
``password_hash``, and the relations the route loads (auth routes: ``orders`` with their items and
``shipping_addresses``; customer routes: ``shipping_addresses`` and ``billing_address``)."""

from __future__ import annotations

from typing import Any

from cart_core.customers import Customer, SavedAddress
from cart_core.runtime import use_cases
from cart_core.tenancy import Caller
from cart_core.usecases.shared import PricedCart
from medusa_store import mapping

MAX_ORDERS_PAGE = 100  # a page of /store/customers/me/orders (Medusa sets no maximum; we bound it)
# Orders loaded with the customer on the auth routes (Medusa loads them all; a long history is read
# through /store/customers/me/orders, page by page).
AUTH_ORDERS = 50


def medusa_customer(
    customer: Customer,
    *,
    orders: list[dict[str, Any]] | None = None,
    addresses: bool = False,
    billing: bool = False,
) -> dict[str, Any]:
    """The customer's columns, and the relations asked for: ``orders`` (already mapped), its saved
    shipping addresses (``addresses``), its billing address (``billing``)."""
    billing_address = customer.billing_address
    body: dict[str, Any] = {
        "id": customer.customer_id,
        "email": customer.email,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "billing_address_id": billing_address.address_id if billing_address else None,
        "phone": customer.phone,
        "has_account": customer.has_account,
        "metadata": customer.metadata,
        "created_at": mapping.iso(customer.created_ms),
        "updated_at": mapping.iso(customer.updated_ms),
        "deleted_at": None,
    }
    if orders is not None:
        body["orders"] = orders
    if addresses:
        body["shipping_addresses"] = [medusa_saved_address(a, customer.customer_id) for a in customer.addresses]
    if billing:
        # Medusa's billing address record has no customer_id unless it is one of the book's.
        in_book = billing_address is not None and any(
            a.address_id == billing_address.address_id for a in customer.addresses
        )
        owner = customer.customer_id if in_book else None
        body["billing_address"] = medusa_saved_address(billing_address, owner) if billing_address else None
    return body


def medusa_saved_address(address: SavedAddress, owner: str | None) -> dict[str, Any]:
    return {
        "id": address.address_id,
        "customer_id": owner,
        "company": address.company,
        "first_name": address.first_name,
        "last_name": address.last_name,
        "address_1": address.address,
        "address_2": address.address_2,
        "city": address.city,
        "country_code": address.country.lower() if address.country else None,
        "province": address.state,
        "postal_code": address.zip_code,
        "phone": address.phone,
        "metadata": address.metadata,
        "created_at": mapping.iso(address.created_ms),
        "updated_at": mapping.iso(address.updated_ms),
        "deleted_at": None,
    }


def medusa_orders(placed: list[PricedCart]) -> list[dict[str, Any]]:
    """The orders as GET /store/orders/{id} shows each (one mapper: an order reads alike in both)."""
    return [mapping.medusa_order(priced) for priced in placed]


def orders_of(caller: Caller, customer_id: str) -> list[dict[str, Any]]:
    placed, _ = use_cases().customers.orders(caller, customer_id, 0, AUTH_ORDERS)
    return medusa_orders(placed)
