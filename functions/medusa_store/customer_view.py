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


def _order_from_cart(priced: PricedCart) -> dict[str, Any]:
    """An order as the customer's list shows it, from the placed cart: Medusa's order columns the
    cart knows, its items and totals. Replaced by the face's order mapper when it has one."""
    cart = mapping.medusa_cart(priced)
    return {
        "object": "order",
        "id": mapping.wire_order_id(priced.cart),
        "status": "pending",
        "cart_id": cart["id"],
        "customer_id": cart["customer_id"],
        "email": cart["email"],
        "region_id": cart["region_id"],
        "currency_code": priced.region.currency.lower(),
        "items": cart["items"],
        "shipping_address": cart["shipping_address"],
        "shipping_methods": cart["shipping_methods"],
        "created_at": cart["completed_at"] or cart["created_at"],
        "updated_at": cart["updated_at"],
        **mapping.medusa_totals(priced.totals),
    }


def medusa_orders(placed: list[PricedCart]) -> list[dict[str, Any]]:
    # The orders route's mapper (medusa_carts' GET /store/orders/{id}) once it exists, so an order
    # reads the same in both places; until then the cart's own view of its order.
    render = getattr(mapping, "medusa_order", _order_from_cart)
    return [render(priced) for priced in placed]


def orders_of(caller: Caller, customer_id: str) -> list[dict[str, Any]]:
    placed, _ = use_cases().customers.orders(caller, customer_id, 0, AUTH_ORDERS)
    return medusa_orders(placed)
