"""NewStore response models: the shapes mapping.py and the routes build, for OpenAPI and its checks.

Documentation only (cart_core.responses): the mapping's dicts are what is sent. Amounts are decimal
currency units (JSON numbers).
"""

from __future__ import annotations

from typing import Any, Literal

from cart_core.responses import WireModel


class Totals(WireModel):
    price_method: Literal["tax_included", "tax_excluded"]
    subtotal: float
    shipping_total: float
    shipping_tax_amount: float
    discount_total: float
    tax_total: float
    grand_total: float


class ExtendedAttribute(WireModel):
    name: str
    value: str


class FulfillmentGroup(WireModel):
    type: Literal["SHIPPING", "IN_STORE_HANDOVER"]


class TaxDetail(WireModel):
    Name: str
    Rate: float  # a fraction: 0.045
    Amount: float


class DiscountInfo(WireModel):
    discount_ref: str
    coupon_code: str | None
    description: str
    type: Literal["fixed", "percentage"]
    scope: Literal["item", "order"]
    original_value: float
    price_adjustment: float
    discount_source: Literal["coupon", "manual"]


class CalculatedPrice(WireModel):
    """One item's prices (every item of a product line is priced alike: docs/newstore.md, Totals)."""

    item_price: float
    item_list_price: float
    item_tax_base: float
    item_tax: float
    item_gross: float
    item_discount: float
    item_order_discount: float
    item_discount_info: list[DiscountInfo] | None
    item_order_discount_info: list[DiscountInfo] | None
    gift_wrapping_price: float
    gift_wrapping_tax: float
    item_tax_details: list[TaxDetail]


class ShippingSolution(WireModel):
    """A way the cart may ship: its price after shipping discounts, untaxed."""

    id: str
    name: str
    price: float
    list_price: float
    discount: float
    currency: str


class ShippingSolutions(WireModel):
    shipping_solutions: list[ShippingSolution]


class Product(WireModel):
    calculated_price: CalculatedPrice
    product_id: str
    quantity: int
    fulfillment_group: FulfillmentGroup
    extended_attributes: list[ExtendedAttribute]
    item_ids: list[str]
    pricebook: str
    group_id: str


class Address(WireModel):
    title: str | None = None
    suffix: str | None = None
    salutation: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    address_line_1: str | None = None
    address_line_2: str | None = None
    city: str | None = None
    state: str | None = None
    zip_code: str | None = None
    country: str | None = None
    phone: str | None = None


class PaymentOut(WireModel):
    """A payment as given, under its key (checkout.py ``payments_of``)."""

    type: Literal["token", "authorized", "captured"]
    amount: float
    currency: str
    method: str


class PaymentStatusOut(WireModel):
    """Where a key's payment stands (checkout.py ``payment_status``)."""

    status: Literal["pending", "authorized", "captured", "declined", "failed", "voided"]
    message: str | None = None


class ReturnError(WireModel):
    code: str
    description: str


class ReturnStatus(WireModel):
    """Where a cart's returns stand (returns.py): pending, completed, or failed with the refund's decline."""

    status: Literal["pending", "completed", "failed"]
    error: ReturnError | None = None


class Exchange(WireModel):
    """Who pays the difference of an exchange (returns and new products), in decimal units."""

    type: Literal["customer_pays", "refund", "even"]
    amount: float


class Cart(WireModel):
    """A NewStore cart (create, get, update)."""

    id: str
    state: Literal["draft", "ready", "placed", "accepted", "failed"]
    store_id: str
    currency: str
    shop: str | None
    shop_locale: str | None
    customer: dict[str, Any] | None
    tax_exempt: bool
    associate_id: str | None
    channel: dict[str, Any] | None
    extended_attributes: list[ExtendedAttribute]
    manager_approval: dict[str, Any] | None
    shipping_address: Address | None
    billing_address: Address | None
    products: list[Product]
    price_modifiers: dict[str, Any]
    payments: dict[str, PaymentOut]  # checkout.py
    payment_statuses: dict[str, PaymentStatusOut]
    shipping_solution_id: str
    totals: Totals
    remaining_amount: float
    discounts: None
    messages: list[str] | None  # why a failed order failed (checkout.py)
    return_status: ReturnStatus | None
    exchange: Exchange | None


class AccessToken(WireModel):
    """RFC 6749 §5.1's successful token response."""

    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int


class TokenError(WireModel):
    """RFC 6749 §5.2's error, with NewStore's error fields beside it."""

    error: Literal["invalid_request", "invalid_client", "unsupported_grant_type", "unauthorized_client"]
    error_description: str
    error_code: str
    message: str
    request_id: str


# ----- cart token and documents (routes/tokens.py, routes/documents.py) ---------------------------


class CartToken(WireModel):
    """A cart token: the cart id sealed for the caller's tenant (base64url, at most 124 characters)."""

    cart_token: str


class DocumentTax(WireModel):
    Name: str
    Rate: float  # a fraction: 4 % is 0.04
    Amount: float


class DocumentItem(WireModel):
    product_id: str
    title: str
    sku: str | None
    quantity: int
    item_price: float
    item_gross: float
    item_discount: float
    item_tax: float
    item_total: float
    item_tax_details: list[DocumentTax]


class DocumentTotals(WireModel):
    price_method: Literal["tax_included", "tax_excluded"]
    subtotal: float
    discount_total: float
    shipping_total: float
    tax_total: float
    grand_total: float
    tax_details: list[DocumentTax]


class DocumentPayment(WireModel):
    method: str
    amount: float
    reference: str | None  # masked: ****1234
    status: str


class DocumentReturn(WireModel):
    order_id: str
    product_id: str
    title: str
    reason: str
    refund_amount: float


class DocumentStore(WireModel):
    name: str
    address: list[str]


class DocumentCustomer(WireModel):
    name: str | None
    email: str | None


class Document(WireModel):
    """A placed cart's document (the HTML receipt: ``?format=html`` or ``Accept: text/html``)."""

    document_type: Literal["sales_receipt", "refund_note", "exchange_receipt"]
    title: str
    cart_id: str
    order_id: str | None
    created_at: str
    currency: str
    store: DocumentStore
    associate_id: str | None
    customer: DocumentCustomer
    shipping_address: list[str]
    billing_address: list[str]
    items: list[DocumentItem]
    returned_items: list[DocumentReturn]
    totals: DocumentTotals
    payments: list[DocumentPayment]
    paid_total: float
    refunds: list[DocumentPayment]
    refund_total: float
