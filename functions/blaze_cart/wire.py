"""BLAZE request models (the fields a partner may send; everything else in a ConsumerCart is ignored)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field

from cart_core.cart import MAX_LINES, MAX_QUANTITY
from cart_core.limits import ID_BYTES, LAST_ISO_MS, MAX_ORDER_TAGS, NOTE_BYTES, SHORT_TEXT_BYTES, JsonObject, Utf8Limit

PickupType = Literal["Pickup", "Delivery", "Ship"]
CartStatus = Literal["InProgress", "CanceledByConsumer", "CanceledByDispensary"]
TransactionSource = Literal["Retail", "Widget", "WooCommerce", "Weedmaps"]
TrackingStatus = Literal["NotStarted"]
PaymentOption = Literal[
    "None", "Cash", "Credit", "Debit", "Check", "StoreCredit", "CashlessATM", "GiftCard", "Split", "Online"
]


def _whole(value: Decimal) -> Decimal:
    if value != value.to_integral_value():
        raise ValueError("quantity must be a whole number")
    return value


Quantity = Annotated[Decimal, Field(gt=0, le=MAX_QUANTITY), AfterValidator(_whole)]
# Bounds in stored UTF-8 bytes keep a cart well inside DynamoDB's 400 KB item limit.
Id = Annotated[str, Utf8Limit(ID_BYTES, min_bytes=1)]
ShortText = Annotated[str, Utf8Limit(SHORT_TEXT_BYTES)]
Note = Annotated[str, Utf8Limit(NOTE_BYTES)]
Tags = Annotated[list[ShortText], Field(max_length=MAX_ORDER_TAGS)]
# Epoch milliseconds; the core also keeps it within a window around now (docs/input-limits.md).
# strict: a JSON integer only (lax int would read `true` as 1 ms and "123" as 123, neither a long)
EpochMs = Annotated[int, Field(ge=0, le=LAST_ISO_MS, strict=True)]


class _Wire(JsonObject):
    # Partners send whole ConsumerCart objects back; read-only fields are accepted and ignored.
    model_config = ConfigDict(extra="ignore")


class AddressIn(_Wire):
    address: ShortText | None = None
    city: ShortText | None = None
    state: ShortText | None = None
    zipCode: ShortText | None = None
    country: ShortText | None = None


class OrderItemIn(_Wire):
    id: Id | None = None
    orderItemId: Id | None = None
    productId: Id
    quantity: Quantity
    remarks: Note | None = None


class CartIn(_Wire):
    items: list[OrderItemIn] | None = Field(default=None, max_length=MAX_LINES)
    promoCode: ShortText | None = None
    paymentOption: PaymentOption | None = None


class ConsumerCartIn(_Wire):
    id: Id | None = None
    cart: CartIn | None = None
    pickupType: PickupType | None = None
    deliveryAddress: AddressIn | None = None
    deliveryDate: EpochMs | None = None
    pickUpDate: EpochMs | None = None
    memo: Note | None = None
    additionalNotes: Note | None = None
    orderTags: Tags | None = None
    sessionId: Id | None = None
    externalId: Id | None = None
    transactionId: Id | None = None
    # Accepted so that a cart read from us can be sent back unchanged; the server owns these.
    cartStatus: CartStatus | None = None
    transactionSource: TransactionSource | None = None
    trackingStatus: TrackingStatus | None = None


class FindCostIn(_Wire):
    # Only its route reads it, which builds its validator on its first request: not every cold start.
    model_config = ConfigDict(defer_build=True)

    productId: Id
    quantity: Quantity = Decimal(1)


class PaymentsIn(_Wire):
    model_config = ConfigDict(defer_build=True)  # as FindCostIn: built by its route's first request

    paymentOption: PaymentOption | None = None
    paymentReceived: Decimal = Field(ge=0, le=10_000_000)
    orderTags: Tags | None = None
    # A card token (e.g. tok_visa) to authorize once the store validates the cart; our extension,
    # named after ConsumerCart.chargeId.
    chargeId: Annotated[str, Utf8Limit(ID_BYTES)] | None = None
