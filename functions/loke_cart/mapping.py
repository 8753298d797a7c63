"""Cart core → LOKE's Cart model: integer minor units, prices tax-inclusive, ISO-8601 times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from cart_core.cart import Adjustment, Cart
from cart_core.ids import codec, stored_key_or_as_sent, wire_form
from cart_core.lifecycle import CartStatus
from cart_core.money import round_half_up
from cart_core.regions import Region
from cart_core.usecases.shared import PricedCart
from loke_cart.wire import AdjustmentIn

_STATUS = {
    CartStatus.OPEN: "PENDING",  # never shown: the POS sees carts from submission on
    CartStatus.SUBMITTED: "PENDING",
    CartStatus.VALIDATED: "VALID",
    CartStatus.PAID: "VALID",
    CartStatus.PAYMENT_FAILED: "VALID",
    CartStatus.COMPLETED: "VALID",
    CartStatus.REJECTED: "INVALID",
    CartStatus.CANCELED: "INVALID",
    CartStatus.EXPIRED: "EXPIRED",
}

IDS = codec("loke")


def wire_cart_id(cart_id: str) -> str:
    return wire_form(IDS, cart_id)


def core_cart_id(wire_id: str) -> str:
    return stored_key_or_as_sent(IDS, wire_id)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def iso(epoch_ms: int | None) -> str | None:
    """ISO-8601 UTC, or None for a time no ISO date can show (before year 1, after 9999): one bad
    stored time must not make the cart unreadable for the POS."""
    if epoch_ms is None:
        return None
    try:
        at = _EPOCH + timedelta(milliseconds=epoch_ms)
    except (OverflowError, ValueError):
        return None
    return f"{at.year:04d}-{at:%m-%dT%H:%M:%S}Z"


def _price(unit_minor: int, region: Region) -> dict[str, Any]:
    """LOKE prices include tax (the cart's region's rates) and say how much of them is tax."""
    percent = sum((rate.percent for rate in region.tax_rates), Decimal(0))
    if region.tax_inclusive:
        amount = unit_minor
        tax = round_half_up(Decimal(unit_minor) * percent / (100 + percent))
    else:
        tax = round_half_up(Decimal(unit_minor) * percent / 100)
        amount = unit_minor + tax
    return {"amount": amount, "taxIncluded": tax, "taxRate": float(percent / 100)}


def loke_cart(priced: PricedCart) -> dict[str, Any]:
    cart, region = priced.cart, priced.region
    address = cart.delivery_address
    return {
        "id": wire_cart_id(cart.cart_id),
        "createdAt": iso(cart.created_ms),
        "fulfillAt": iso(cart.requested_time_ms),
        "validatedAt": iso(cart.validated_ms),
        "currency": cart.currency,
        "notes": cart.notes,
        "serviceRef": None,
        "status": _STATUS[cart.status],
        "total": priced.totals.total_minor,
        "deliveryAddress": (
            {
                "streetAddress": address.address,
                "locality": address.city,
                "region": address.state,
                "postcode": address.zip_code,
                "country": address.country,
            }
            if address
            else None
        ),
        "adjustments": [
            {"id": a.adjustment_id, "label": a.label, "amount": a.amount_minor, "taxIncluded": a.tax_minor}
            for a in cart.adjustments
        ],
        "items": [
            {
                "id": line.product_id,
                "title": line.title,
                "amount": _price(line.unit_price_minor, region)["amount"],
                "note": line.note,
                "quantity": line.quantity,
                "price": _price(line.unit_total_minor, region),
                "options": [
                    {
                        "id": option.option_id,
                        "title": option.name,
                        "choices": [
                            {
                                "id": choice.choice_id,
                                "title": choice.name,
                                "quantity": 1,
                                "price": _price(choice.price_minor, region),
                                "options": [],
                            }
                            for choice in option.choices
                        ],
                    }
                    for option in line.options
                ],
            }
            for line in cart.lines
        ],
    }


def adjustments_from(payload: list[AdjustmentIn]) -> list[Adjustment]:
    return [
        Adjustment(adjustment_id=a.id, label=a.label, amount_minor=a.amount, tax_minor=a.taxIncluded) for a in payload
    ]


def webhook_body(event_name: str, priced: PricedCart, organization_name: str) -> dict[str, Any]:
    cart: Cart = priced.cart
    return {
        "event": event_name,
        "cart": loke_cart(priced),
        "location": {"id": cart.location_id, "name": priced.location.name},
        "organization": {"id": cart.tenant_id, "name": organization_name},
    }
