"""GET /store/customers/me/orders' filters (Medusa's ``StoreGetCustomersCustomerOrdersParams``): the
query as Express' ``qs`` parses it (``status[0]=pending``, ``status[]=…``, ``created_at[gt]=…``),
validated in class-validator's words, and turned into a predicate on a placed cart.

The orders come from one Query of the customer's history (cart_core.usecases.customers: the newest
``FILTERED_ORDERS_WINDOW``), and the predicate is applied in memory: each filter compares the value
the order shows on the wire (medusa_store.mapping), so a filter never disagrees with the answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from cart_core.usecases.shared import PricedCart
from medusa_store import mapping
from medusa_store.errors import MedusaError

ORDER_STATUSES = ("pending", "completed", "archived", "canceled", "requires_action")
FULFILLMENT_STATUSES = (
    "not_fulfilled",
    "partially_fulfilled",
    "fulfilled",
    "partially_shipped",
    "shipped",
    "partially_returned",
    "returned",
    "canceled",
    "requires_action",
)
PAYMENT_STATUSES = ("not_paid", "awaiting", "captured", "partially_refunded", "refunded", "canceled", "requires_action")
ENUMS = {"status": ORDER_STATUSES, "fulfillment_status": FULFILLMENT_STATUSES, "payment_status": PAYMENT_STATUSES}
TEXTS = ("id", "q", "display_id", "cart_id", "email", "region_id", "currency_code", "tax_rate")
DATES = ("created_at", "updated_at", "canceled_at")
OPERATORS = ("lt", "gt", "lte", "gte")
PAGING = ("limit", "offset", "fields", "expand")
MAX_VALUES = 10  # values of one enum filter (every status list is shorter)
MAX_TEXT = 256
# A qs key: a name, then [] / [index] / [operator] at most once.
_KEY = re.compile(r"(?P<name>[a-z_]+)(?:\[(?P<sub>[a-z0-9]*)\])?")


def parse(query: dict[str, list[str]]) -> dict[str, Any]:
    """The query's filters by name: enums as lists, texts as strings, dates as {operator: ms}.
    Unknown properties, wrong shapes, unknown enum values and bad dates are 400 ``invalid_data``."""
    filters: dict[str, Any] = {}
    for key, values in query.items():
        match = _KEY.fullmatch(key)
        name = match["name"] if match else key
        sub = match["sub"] if match else None
        if name in PAGING:
            continue
        if not match or name not in (*ENUMS, *TEXTS, *DATES):
            raise MedusaError("invalid_data", f"property {key[:64]} should not exist")
        if name in ENUMS:
            listed = filters.setdefault(name, [])
            listed += values
            if len(listed) > MAX_VALUES or (sub and not sub.isdigit()) or any(v not in ENUMS[name] for v in listed):
                allowed = ", ".join(ENUMS[name])
                raise MedusaError(
                    "invalid_data", f"each value in {name} must be one of the following values: {allowed}"
                )
        elif name in TEXTS:
            if sub is not None or len(values) != 1 or len(values[0].encode("utf-8", "replace")) > MAX_TEXT:
                raise MedusaError("invalid_data", f"{name} must be a string")
            filters[name] = values[0]
        else:
            if sub not in OPERATORS:
                if sub is None:
                    raise MedusaError("invalid_data", f"nested property {name} must be either object or array")
                raise MedusaError("invalid_data", f"property {sub[:16]} should not exist")
            if len(values) != 1:
                raise MedusaError("invalid_data", f"{sub} must be a Date instance")
            filters.setdefault(name, {})[sub] = _date_ms(values[0], sub)
    return filters


def _date_ms(text: str, operator: str) -> int:
    """``new Date(text)`` for the form storefronts send: an ISO 8601 date or date-time (a bare
    number is an Invalid Date in JavaScript too)."""
    try:
        moment = datetime.fromisoformat(text[:40])
    except ValueError:
        raise MedusaError("invalid_data", f"{operator} must be a Date instance") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def predicate(filters: dict[str, Any]) -> Callable[[PricedCart], bool] | None:
    """A test for each placed cart, or None when no filter is given (the plain page: no decoding)."""
    if not filters:
        return None

    def keeps(priced: PricedCart) -> bool:
        facts = _facts(priced)
        for name, wanted in filters.items():
            if name in ENUMS:
                if facts[name] not in wanted:
                    return False
            elif name == "q":
                needle = str(wanted).lower()
                if not any(
                    needle in str(facts[f] or "").lower() for f in ("display_id", "email", "first_name", "phone")
                ):
                    return False
            elif name in TEXTS:
                if str(facts[name]) != wanted:
                    return False
            else:
                at = facts[name]
                if at is None or not all(_compare(at, op, bound) for op, bound in wanted.items()):
                    return False
        return True

    return keeps


def _compare(at: int, operator: str, bound: int) -> bool:
    return {"lt": at < bound, "gt": at > bound, "lte": at <= bound, "gte": at >= bound}[operator]


def _facts(priced: PricedCart) -> dict[str, Any]:
    """The scalars the filters compare, as medusa_store.mapping.medusa_order shows them."""
    cart, region = priced.cart, priced.region
    shipping = cart.delivery_address
    return {
        "id": mapping.wire_order_id(cart),
        "status": mapping.order_status(cart),
        "fulfillment_status": "not_fulfilled",
        "payment_status": mapping.order_payment_status(cart),
        "display_id": mapping.display_id(cart),
        "cart_id": mapping.wire_cart_id(cart.cart_id),
        "email": getattr(cart, "email", None),
        "region_id": region.region_id,
        "currency_code": region.currency.lower(),
        "tax_rate": None,
        "first_name": getattr(shipping, "first_name", None) if shipping else None,
        "phone": getattr(shipping, "phone", None) if shipping else None,
        "created_at": cart.submitted_ms,
        "updated_at": cart.modified_ms,
        "canceled_at": cart.canceled_ms or cart.rejected_ms,
    }
