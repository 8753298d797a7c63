"""BLAZE response models: the shapes blaze_cart/mapping.py builds, for OpenAPI and its checks.

Documentation only (cart_core.responses): the mapping's dicts are what is sent. Amounts are JSON
numbers in currency units (``Amount``), times epoch milliseconds; the fields BLAZE defines that
this service never fills are typed ``None`` (always ``null`` on our wire).
"""

from __future__ import annotations

from typing import Literal

from cart_core.responses import WireModel

Amount = float  # decimal currency units; an integer when whole (blaze_cart.mapping.wire_number)
EpochMs = int


class OrderItemOut(WireModel):
    id: str
    orderItemId: str
    productId: str
    productName: str
    quantity: int
    unitPrice: Amount
    cost: Amount
    discount: Amount
    finalPrice: Amount
    calcTax: Amount
    status: Literal["Active"]
    remarks: str | None
    finalized: bool


class TaxResultOut(WireModel):
    totalPreCalcTax: Amount
    totalPostCalcTax: Amount
    totalCityTax: Amount
    totalCountyTax: Amount
    totalStateTax: Amount
    totalFedTax: Amount


class CartOut(WireModel):
    id: str
    items: list[OrderItemOut]
    subTotal: Amount
    totalDiscount: Amount
    subTotalDiscount: Amount
    discount: Amount  # a percentage for a Percentage discount, else currency units
    discountType: Literal["Percentage", "Cash"]
    promoCode: str | None
    tax: Amount
    taxResult: TaxResultOut
    totalCalcTax: Amount
    adjustmentAmount: Amount
    deliveryFee: Amount
    enableDeliveryFee: bool
    total: Amount
    paymentOption: str
    cashReceived: Amount
    changeDue: Amount
    balanceDue: Amount


class AddressOut(WireModel):
    address: str | None
    city: str | None
    state: str | None
    zipCode: str | None
    country: str | None


class ConsumerCart(WireModel):
    id: str
    companyId: str
    shopId: str
    created: EpochMs
    modified: EpochMs
    deleted: bool
    updated: bool
    consumerId: str | None
    memberId: None
    assignedNearbyDriverId: None
    cart: CartOut
    orderPlacedTime: EpochMs | None
    acceptedTime: EpochMs | None
    packagedTime: None
    onTheWayTime: None
    completedTime: EpochMs | None
    canceledTime: EpochMs | None
    declinedTime: EpochMs | None
    placed: bool
    accepted: bool
    completed: bool
    packaged: bool
    onTheWay: bool
    anonymous: bool
    eta: None
    reason: str | None
    sessionId: str | None
    publicKey: str | None
    committed: bool
    cartStatus: Literal["InProgress", "CanceledByConsumer", "CanceledByDispensary"]
    trackingStatus: Literal["NotStarted"]
    pickupType: Literal["Pickup", "Delivery", "Ship"]
    source: str | None
    salesChannel: None
    partnerId: None
    externalId: str | None
    transactionId: str | None
    reqLinkedTransId: None
    transNo: None
    orderNo: str | None
    employeeName: None
    memo: str | None
    additionalNotes: str | None
    pickUpDate: EpochMs | None
    transactionSource: Literal["Widget"]
    assignedEmployeeId: None
    deliveryDate: EpochMs | None
    deliveryAddress: AddressOut | None
    completeAfter: None
    orderTags: list[str]
    rewardName: None
    prepaid: bool
    disableAutoAssignment: bool
    disableAutoRegionDispatch: bool
    overrideRegionId: None
    dispatchRegionId: str
    overrideInventoryId: None
    activeInventoryIds: list[str]
    expiredAt: EpochMs | None
    integrations: None
    externalPaymentIds: list[str]
    externalPaymentConfigId: None
    stronghold: None
    chargeId: str | None


class ShopOut(WireModel):
    id: str
    companyId: str
    name: str


class ConsumerUserOut(WireModel):
    id: str


class ConsumerCartResult(ConsumerCart):
    """GET /public/{publicKey}: the cart plus the shop and consumer it belongs to."""

    membershipAccepted: bool
    consumerUser: ConsumerUserOut | None
    member: None
    transaction: None
    shop: ShopOut
    dispatchShop: None
    consumerAddress: str


class ConsumerCartPage(WireModel):
    """GET /history: BLAZE's list envelope."""

    values: list[ConsumerCart]
    skip: int
    limit: int
    total: int


class ProductCost(WireModel):
    """POST /product/findCost."""

    productId: str
    quantity: Amount
    cost: Amount
