"""BLAZE wire ↔ cart core. Amounts leave as decimal currency units, times as epoch milliseconds."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from blaze_cart.wire import ConsumerCartIn
from cart_core.cart import Address, Cart, LineItem
from cart_core.catalog import DiscountKind
from cart_core.ids import codec, stored_key_or_as_sent, wire_form
from cart_core.lifecycle import CartStatus
from cart_core.money import exponent
from cart_core.pricing import PricedLine
from cart_core.usecases.carts import CartEdits
from cart_core.usecases.shared import PricedCart

_PICKUP_IN = {"Pickup": "pickup", "Delivery": "delivery", "Ship": "ship"}
_PICKUP_OUT = {v: k for k, v in _PICKUP_IN.items()}
_ACCEPTED = {CartStatus.VALIDATED, CartStatus.PAID, CartStatus.PAYMENT_FAILED, CartStatus.COMPLETED}
_DECLINED = {CartStatus.REJECTED, CartStatus.EXPIRED}
IDS = codec("blaze")
# BLAZE's taxResult bucket (totalStateTax, totalCityTax, …) for each neutral tax category.
TAX_RESULT_BUCKET: dict[str, str] = {
    "regional": "state",
    "municipal": "city",
    "district": "county",
    "national": "federal",
}


def wire_cart_id(cart_id: str) -> str:
    return wire_form(IDS, cart_id)


def core_cart_id(wire_id: str) -> str:
    return stored_key_or_as_sent(IDS, wire_id)


def wire_number(value: Decimal) -> int | float:
    """BLAZE amounts are JSON numbers. The float is made here, at the wire, from an exact decimal,
    and its shortest repr is the same decimal for any amount under 15 significant digits."""
    return int(value) if value == value.to_integral_value() else float(value)


def wire_units(minor: int, scale: int) -> int | float:
    """``wire_number(to_decimal(minor, currency))`` for ``scale`` = 10 ** the currency's exponent,
    without a Decimal per amount (five per line): a whole amount is the same int, and int / int is
    the correctly rounded double, as float() of the exact decimal is."""
    return wire_units_of(scale)(minor)


def wire_units_of(scale: int) -> Callable[[int], int | float]:
    """``wire_units`` for one currency, a function of the amount alone: a cart's five amounts per
    line each cost one call, not two."""

    def units(minor: int) -> int | float:
        return minor // scale if minor % scale == 0 else minor / scale

    return units


def edits_from(body: ConsumerCartIn | None) -> CartEdits:
    if body is None:
        return CartEdits()
    sent = body.model_fields_set
    edits: dict[str, Any] = {}
    if body.cart is not None:
        if "items" in body.cart.model_fields_set and body.cart.items is not None:
            # Plain dicts, validated as LineEdits with the rest in one call below (not one per line).
            edits["lines"] = [
                {
                    "product_id": item.productId,
                    "quantity": int(item.quantity),
                    "line_id": item.orderItemId or item.id,
                    "note": item.remarks,
                }
                for item in body.cart.items
            ]
        if "promoCode" in body.cart.model_fields_set:
            edits["discount_codes"] = [body.cart.promoCode] if body.cart.promoCode else []
    if body.pickupType:
        edits["fulfillment"] = _PICKUP_IN[body.pickupType]
    if body.deliveryAddress is not None:
        a = body.deliveryAddress
        edits["delivery_address"] = Address(
            address=a.address, city=a.city, state=a.state, zip_code=a.zipCode, country=a.country
        )
    requested = body.deliveryDate or body.pickUpDate
    if requested:
        edits["requested_time_ms"] = requested
    for wire_name, core_name in (
        ("memo", "notes"), ("additionalNotes", "additional_notes"), ("orderTags", "order_tags"),
    ):  # fmt: skip
        if wire_name in sent and getattr(body, wire_name) is not None:
            edits[core_name] = getattr(body, wire_name)
    return CartEdits.model_validate(edits)  # the fields set are the keys given, as CartEdits(**edits)


def _address(address: Address | None) -> dict[str, Any] | None:
    if address is None:
        return None
    return {
        "address": address.address,
        "city": address.city,
        "state": address.state,
        "zipCode": address.zip_code,
        "country": address.country,
    }


def _cart_status(cart: Cart) -> str:
    if cart.status is CartStatus.CANCELED:
        return "CanceledByConsumer" if cart.canceled_by == "consumer" else "CanceledByDispensary"
    if cart.status in _DECLINED:
        return "CanceledByDispensary"
    return "InProgress"


def consumer_cart(priced: PricedCart) -> dict[str, Any]:
    cart, totals = priced.cart, priced.totals
    units = wire_units_of(10 ** exponent(cart.currency))
    by_kind = {kind: 0 for kind in ("state", "city", "county", "federal")}
    for tax in totals.taxes_by_rate:
        by_kind[TAX_RESULT_BUCKET[tax.category]] += tax.amount_minor
    priced_lines = {pl.line_id: pl for pl in totals.lines}
    discount = cart.discounts[0] if cart.discounts else None
    payment = cart.payments[-1] if cart.payments else None
    accepted = cart.status in _ACCEPTED
    return {
        "id": wire_cart_id(cart.cart_id),
        "companyId": cart.tenant_id,
        "shopId": cart.location_id,
        "created": cart.created_ms,
        "modified": cart.modified_ms,
        "deleted": False,
        "updated": cart.version > 1,
        "consumerId": cart.owner_id,
        "memberId": None,
        "assignedNearbyDriverId": None,
        "cart": {
            "id": wire_cart_id(cart.cart_id),
            "items": [_order_item(line, priced_lines[line.line_id], units) for line in cart.lines],
            "subTotal": units(totals.subtotal_minor),
            "totalDiscount": units(totals.discount_total_minor),
            "subTotalDiscount": units(totals.subtotal_minor - totals.discount_total_minor),
            "discount": (
                (
                    wire_number(discount.value)
                    if discount.kind is DiscountKind.PERCENTAGE
                    else units(int(discount.value))
                )
                if discount
                else 0
            ),
            "discountType": (
                ("Percentage" if discount.kind is DiscountKind.PERCENTAGE else "Cash") if discount else "Cash"
            ),
            "promoCode": discount.code if discount else None,
            "tax": units(totals.tax_total_minor),
            "taxResult": {
                "totalPreCalcTax": units(totals.tax_total_minor if totals.tax_inclusive else 0),
                "totalPostCalcTax": units(totals.exclusive_tax_minor),
                "totalCityTax": units(by_kind["city"]),
                "totalCountyTax": units(by_kind["county"]),
                "totalStateTax": units(by_kind["state"]),
                "totalFedTax": units(by_kind["federal"]),
            },
            "totalCalcTax": units(totals.tax_total_minor),
            "adjustmentAmount": units(totals.adjustment_total_minor),
            "deliveryFee": units(totals.delivery_fee_minor),
            "enableDeliveryFee": totals.delivery_fee_minor > 0,
            "total": units(totals.total_minor),
            "paymentOption": payment.method if payment else "None",
            "cashReceived": units(totals.paid_minor),
            "changeDue": units(totals.change_due_minor),
            "balanceDue": units(totals.balance_due_minor),
        },
        "orderPlacedTime": cart.submitted_ms,
        "acceptedTime": cart.validated_ms if accepted else None,
        "packagedTime": None,
        "onTheWayTime": None,
        "completedTime": cart.completed_ms,
        "canceledTime": cart.canceled_ms,
        "declinedTime": cart.rejected_ms,
        "placed": cart.submitted_ms is not None,
        "accepted": accepted,
        "completed": cart.status is CartStatus.COMPLETED,
        "packaged": False,
        "onTheWay": False,
        "anonymous": cart.owner_id is None,
        "eta": None,
        "reason": cart.reason,
        "sessionId": cart.identity("session"),
        "publicKey": cart.public_key,
        "committed": cart.submitted_ms is not None,
        "cartStatus": _cart_status(cart),
        "trackingStatus": "NotStarted",
        "pickupType": _PICKUP_OUT[cart.fulfillment],
        "source": cart.source,
        "salesChannel": None,
        "partnerId": None,
        "externalId": cart.identity("external"),
        "transactionId": cart.identity("transaction"),
        "reqLinkedTransId": None,
        "transNo": None,
        "orderNo": cart.order_no,
        "employeeName": None,
        "memo": cart.notes,
        "additionalNotes": cart.additional_notes,
        "pickUpDate": cart.requested_time_ms if cart.fulfillment == "pickup" else None,
        "transactionSource": "Widget",
        "assignedEmployeeId": None,
        "deliveryDate": cart.requested_time_ms if cart.fulfillment != "pickup" else None,
        "deliveryAddress": _address(cart.delivery_address),
        "completeAfter": None,
        "orderTags": cart.order_tags,
        "rewardName": None,
        # Paid to the service: true only once a card is captured (BLAZE's default is false). Pay at
        # pickup is collected in store, so an accepted pay-at-pickup order stays prepaid false.
        # (Orders settled as "manual" before issue #7 keep reading true.)
        "prepaid": cart.paid_ms is not None,
        "disableAutoAssignment": False,
        "disableAutoRegionDispatch": False,
        "overrideRegionId": None,
        "dispatchRegionId": "",
        "overrideInventoryId": None,
        "activeInventoryIds": [],
        "expiredAt": cart.expires_at * 1000 if cart.status is CartStatus.OPEN else None,
        "integrations": None,
        "externalPaymentIds": [],
        "externalPaymentConfigId": None,
        "stronghold": None,
        # The settled charge: the capture (ch_…) or the decline (decl_…); a card only authorized at
        # submit has none yet, and pay at pickup never has one (the store takes the money in person).
        "chargeId": payment.provider_reference if payment else None,
    }


def _order_item(line: LineItem, priced: PricedLine, units: Callable[[int], int | float]) -> dict[str, Any]:
    return {
        "id": line.line_id,
        "orderItemId": line.line_id,
        "productId": line.product_id,
        "productName": line.title,
        "quantity": line.quantity,
        "unitPrice": units(line.unit_total_minor),
        "cost": units(priced.gross_minor),
        "discount": units(priced.discount_minor),
        "finalPrice": units(priced.net_minor),
        "calcTax": units(priced.tax_minor),
        "status": "Active",
        "remarks": line.note,
        "finalized": line.finalized,
    }


def consumer_cart_result(priced: PricedCart) -> dict[str, Any]:
    """ConsumerCartResult: the cart plus the shop and consumer it belongs to."""
    location = priced.location
    shop = {"id": location.location_id, "companyId": location.tenant_id, "name": location.name}
    consumer = {"id": priced.cart.owner_id} if priced.cart.owner_id else None
    return {
        **consumer_cart(priced),
        "membershipAccepted": False,
        "consumerUser": consumer,
        "member": None,
        "transaction": None,
        "shop": shop,
        "dispatchShop": None,
        "consumerAddress": "",
    }
