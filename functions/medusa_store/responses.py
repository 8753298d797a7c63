"""Medusa's success bodies as documented response models (cart_core.responses): the served OpenAPI's
200 schemas, which the schemathesis pass and tests/integration/test_response_models.py hold the
mapping (medusa_store/mapping.py) to. Keys Medusa leaves out when a relation is unloaded or nothing
is selected (``payment_session``) have a default, so they are not required."""

from __future__ import annotations

from typing import Any, Literal

from cart_core.responses import WireModel

Money = int
Date = str | None


class Country(WireModel):
    id: int
    iso_2: str
    iso_3: str
    num_code: int
    name: str
    display_name: str
    region_id: str | None


class PaymentProvider(WireModel):
    id: str
    is_installed: bool


class TaxRate(WireModel):
    id: str
    rate: float | None
    code: str | None
    name: str
    region_id: str
    metadata: dict[str, Any] | None
    created_at: Date
    updated_at: Date


class Region(WireModel):
    id: str
    name: str
    currency_code: str
    tax_rate: float
    tax_code: str | None
    gift_cards_taxable: bool
    automatic_taxes: bool
    tax_provider_id: str | None
    metadata: dict[str, Any] | None
    created_at: Date
    updated_at: Date
    deleted_at: Date
    countries: list[Country]
    payment_providers: list[PaymentProvider]
    tax_rates: list[TaxRate]


class Address(WireModel):
    id: str
    customer_id: str | None
    company: str | None
    first_name: str | None
    last_name: str | None
    address_1: str | None
    address_2: str | None
    city: str | None
    country_code: str | None
    province: str | None
    postal_code: str | None
    phone: str | None
    metadata: dict[str, Any] | None
    created_at: Date
    updated_at: Date
    deleted_at: Date


class Adjustment(WireModel):
    id: str
    item_id: str
    description: str
    discount_id: str | None
    amount: float
    metadata: dict[str, Any] | None


class TaxLine(WireModel):
    id: str
    rate: float
    name: str
    code: str | None
    metadata: dict[str, Any] | None
    created_at: Date
    updated_at: Date


class ItemTaxLine(TaxLine):
    item_id: str


class ShippingTaxLine(TaxLine):
    shipping_method_id: str


class CartShippingProfile(WireModel):
    id: str
    name: str
    type: str


class CartProduct(WireModel):
    """A line's product as a cart loads it (``items.variant.product.profiles``): its columns and its
    shipping profiles; no variants, options or images."""

    id: str
    title: str
    subtitle: str | None
    description: str | None
    handle: str | None
    is_giftcard: bool
    status: str
    thumbnail: str | None
    weight: float | None
    length: float | None
    height: float | None
    width: float | None
    hs_code: str | None
    origin_country: str | None
    mid_code: str | None
    material: str | None
    collection_id: str | None
    type_id: str | None
    discountable: bool
    external_id: str | None
    profile_id: str | None
    created_at: Date
    updated_at: Date
    deleted_at: Date
    metadata: dict[str, Any] | None
    profiles: list[CartShippingProfile]


class CartVariant(WireModel):
    """A line's variant as a cart loads it (``items.variant``): its columns (the stock figure is the
    catalog's now) and its product; no prices or options."""

    id: str
    title: str
    product_id: str
    sku: str | None
    barcode: str | None
    ean: str | None
    upc: str | None
    variant_rank: int
    inventory_quantity: int
    allow_backorder: bool
    manage_inventory: bool
    hs_code: str | None
    origin_country: str | None
    mid_code: str | None
    material: str | None
    weight: float | None
    length: float | None
    height: float | None
    width: float | None
    created_at: Date
    updated_at: Date
    deleted_at: Date
    metadata: dict[str, Any] | None
    product: CartProduct


class LineItem(WireModel):
    id: str
    cart_id: str | None
    order_id: str | None
    swap_id: str | None
    claim_order_id: str | None
    original_item_id: str | None
    order_edit_id: str | None
    title: str
    description: str | None
    thumbnail: str | None
    metadata: dict[str, Any] | None
    is_return: bool
    is_giftcard: bool
    should_merge: bool
    allow_discounts: bool
    has_shipping: bool | None
    unit_price: Money
    variant_id: str | None
    quantity: int
    fulfilled_quantity: int | None
    returned_quantity: int | None
    shipped_quantity: int | None
    created_at: Date
    updated_at: Date
    adjustments: list[Adjustment]
    tax_lines: list[ItemTaxLine]
    variant: CartVariant | None
    subtotal: Money
    discount_total: Money
    total: Money
    original_total: Money
    original_tax_total: Money
    tax_total: Money


class ShippingOption(WireModel):
    id: str
    name: str
    region_id: str
    profile_id: str | None
    provider_id: str | None
    price_type: str
    amount: Money | None
    is_return: bool
    admin_only: bool
    data: dict[str, Any]
    metadata: dict[str, Any] | None
    created_at: Date
    updated_at: Date
    deleted_at: Date


class ShippingMethod(WireModel):
    id: str
    shipping_option_id: str
    order_id: str | None
    claim_order_id: str | None
    cart_id: str | None
    swap_id: str | None
    return_id: str | None
    price: Money
    data: dict[str, Any]
    shipping_option: ShippingOption
    tax_lines: list[ShippingTaxLine]
    subtotal: Money
    total: Money
    tax_total: Money
    original_total: Money
    original_tax_total: Money


class PaymentSession(WireModel):
    id: str
    cart_id: str | None
    provider_id: str
    is_selected: bool | None
    is_initiated: bool
    status: Literal["authorized", "pending", "requires_more", "error", "canceled"]
    data: dict[str, Any]
    idempotency_key: str | None
    amount: Money | None
    payment_authorized_at: Date
    created_at: Date
    updated_at: Date


class Payment(WireModel):
    id: str
    swap_id: str | None
    cart_id: str | None
    order_id: str | None
    amount: Money
    currency_code: str
    amount_refunded: Money
    provider_id: str
    data: dict[str, Any]
    captured_at: Date
    canceled_at: Date
    metadata: dict[str, Any] | None
    idempotency_key: str | None
    created_at: Date
    updated_at: Date


class DiscountRule(WireModel):
    id: str
    type: Literal["percentage", "fixed", "free_shipping"]
    description: str | None
    value: float
    allocation: str | None
    created_at: Date
    updated_at: Date
    deleted_at: Date
    metadata: dict[str, Any] | None


class Discount(WireModel):
    id: str
    code: str
    is_dynamic: bool
    rule_id: str | None
    is_disabled: bool
    parent_discount_id: str | None
    starts_at: Date
    ends_at: Date
    valid_duration: str | None
    usage_limit: int | None
    usage_count: int
    created_at: Date
    updated_at: Date
    deleted_at: Date
    metadata: dict[str, Any] | None
    rule: DiscountRule


class GiftCard(WireModel):
    id: str
    code: str
    value: Money
    balance: Money
    region_id: str
    order_id: str | None
    is_disabled: bool
    ends_at: Date
    tax_rate: float | None
    created_at: Date
    updated_at: Date
    deleted_at: Date
    metadata: dict[str, Any] | None


class SalesChannel(WireModel):
    id: str
    name: str
    description: str | None
    is_disabled: bool
    metadata: dict[str, Any] | None
    created_at: Date
    updated_at: Date
    deleted_at: Date


class Totals(WireModel):
    subtotal: Money
    discount_total: Money
    item_tax_total: Money
    shipping_total: Money
    shipping_tax_total: Money
    tax_total: Money
    gift_card_total: Money
    gift_card_tax_total: Money
    total: Money


class Cart(Totals):
    object: Literal["cart"]
    id: str
    email: str | None
    billing_address_id: str | None
    billing_address: Address | None
    shipping_address_id: str | None
    shipping_address: Address | None
    items: list[LineItem]
    region_id: str
    region: Region
    discounts: list[Discount]
    gift_cards: list[GiftCard]
    customer_id: str | None
    payment_sessions: list[PaymentSession]
    payment_id: str | None
    payment: Payment | None
    shipping_methods: list[ShippingMethod]
    type: Literal["default", "swap", "draft_order", "payment_link", "claim"]
    completed_at: Date
    payment_authorized_at: Date
    idempotency_key: str | None
    context: dict[str, Any]
    metadata: dict[str, Any] | None
    sales_channel_id: str | None
    sales_channel: SalesChannel
    created_at: Date
    updated_at: Date
    deleted_at: Date
    # Absent unless a session is selected (Medusa sets it after load from the selected one).
    payment_session: PaymentSession | None = None
    # Only the line-items and payment-sessions routes load the customer (medusa_auth's shape).
    customer: dict[str, Any] | None = None


class CartResponse(WireModel):
    cart: Cart


class PaymentSessionsResponse(WireModel):
    """POST /payment-sessions: Medusa's handler answers the cart twice (``data`` next to ``cart``)."""

    cart: Cart
    data: Cart


class Order(Totals):
    object: Literal["order"]
    id: str
    status: Literal["pending", "completed", "archived", "canceled", "requires_action"]
    fulfillment_status: str
    payment_status: Literal[
        "not_paid", "awaiting", "captured", "partially_refunded", "refunded", "canceled", "requires_action"
    ]
    display_id: int
    cart_id: str | None
    customer_id: str | None
    email: str | None
    billing_address_id: str | None
    billing_address: Address | None
    shipping_address_id: str | None
    shipping_address: Address | None
    region_id: str
    region: Region
    currency_code: str
    tax_rate: float | None
    draft_order_id: str | None
    canceled_at: Date
    no_notification: bool | None
    idempotency_key: str | None
    external_id: str | None
    sales_channel_id: str | None
    metadata: dict[str, Any] | None
    created_at: Date
    updated_at: Date
    items: list[LineItem]
    shipping_methods: list[ShippingMethod]
    payments: list[Payment]
    discounts: list[Discount]
    gift_cards: list[GiftCard]
    fulfillments: list[dict[str, Any]]
    returns: list[dict[str, Any]]
    refunds: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    swaps: list[dict[str, Any]]
    refunded_total: Money
    paid_total: Money
    refundable_amount: Money


class OrderResponse(WireModel):
    order: Order


class CompletedOrder(WireModel):
    type: Literal["order"]
    data: Order


class PendingCart(WireModel):
    type: Literal["cart"]
    data: Cart
    payment_status: str


class CompleteResponse(WireModel):
    """``{type: "order", data: order}``, or ``{type: "cart", data: cart, payment_status}`` while the
    payment needs more (documented as the union's root)."""

    type: Literal["order", "cart"]
    data: dict[str, Any]
    payment_status: str | None = None


# ----- catalog (routes/catalog.py): regions, products with variants, a cart's shipping options ------


class RegionResponse(WireModel):
    region: Region


class RegionsResponse(WireModel):
    regions: list[Region]
    count: int
    offset: int
    limit: int


class RateOfPrice(WireModel):
    rate: float
    name: str
    code: str | None


class MoneyAmount(WireModel):
    id: str
    currency_code: str
    amount: Money
    min_quantity: int | None
    max_quantity: int | None
    price_list_id: str | None
    region_id: str | None
    variant_id: str
    created_at: Date
    updated_at: Date
    deleted_at: Date


class ProductOptionValue(WireModel):
    id: str
    value: str
    option_id: str
    variant_id: str
    metadata: dict[str, Any] | None
    created_at: Date
    updated_at: Date
    deleted_at: Date


class ProductOption(WireModel):
    id: str
    title: str
    product_id: str
    values: list[ProductOptionValue]
    metadata: dict[str, Any] | None
    created_at: Date
    updated_at: Date
    deleted_at: Date


class ShippingProfile(WireModel):
    id: str
    name: str
    type: str


class PricedVariant(WireModel):
    """A variant with its prices and, for a region or currency, Medusa's calculated price and tax
    (None where the variant has no price in it, or no region was given for the tax)."""

    id: str
    title: str
    product_id: str
    sku: str | None
    barcode: str | None
    ean: str | None
    upc: str | None
    variant_rank: int
    inventory_quantity: int
    allow_backorder: bool
    manage_inventory: bool
    purchasable: bool
    hs_code: str | None
    origin_country: str | None
    mid_code: str | None
    material: str | None
    weight: float | None
    length: float | None
    height: float | None
    width: float | None
    created_at: Date
    updated_at: Date
    deleted_at: Date
    metadata: dict[str, Any] | None
    prices: list[MoneyAmount]
    options: list[ProductOptionValue]
    original_price: Money | None
    calculated_price: Money | None
    calculated_price_type: str | None
    original_price_includes_tax: bool | None
    calculated_price_includes_tax: bool | None
    original_price_incl_tax: Money | None
    calculated_price_incl_tax: Money | None
    original_tax: Money | None
    calculated_tax: Money | None
    tax_rates: list[RateOfPrice] | None


class StoreProduct(WireModel):
    id: str
    title: str
    subtitle: str | None
    status: str
    external_id: str | None
    description: str | None
    handle: str | None
    is_giftcard: bool
    discountable: bool
    thumbnail: str | None
    profile_id: str | None
    collection_id: str | None
    type_id: str | None
    weight: float | None
    length: float | None
    height: float | None
    width: float | None
    hs_code: str | None
    origin_country: str | None
    mid_code: str | None
    material: str | None
    created_at: Date
    updated_at: Date
    deleted_at: Date
    metadata: dict[str, Any] | None
    variants: list[PricedVariant]
    options: list[ProductOption]
    images: list[dict[str, Any]]
    tags: list[dict[str, Any]]
    collection: dict[str, Any] | None
    type: dict[str, Any] | None
    profiles: list[ShippingProfile]


class ProductResponse(WireModel):
    product: StoreProduct


class ProductsResponse(WireModel):
    products: list[StoreProduct]
    count: int
    offset: int
    limit: int


class ShippingOptionRequirement(WireModel):
    id: str
    shipping_option_id: str
    type: str
    amount: Money
    deleted_at: Date


class PricedShippingOption(ShippingOption):
    """An option as GET /store/shipping-options/{cart_id} answers it: priced with the region's tax."""

    requirements: list[ShippingOptionRequirement]
    profile: ShippingProfile
    price_incl_tax: Money | None
    tax_rates: list[RateOfPrice]
    tax_amount: Money


class ShippingOptionsResponse(WireModel):
    shipping_options: list[PricedShippingOption]


# ----- the customer routes' answers (customer_view.py builds them) ----------------------------------


class CustomerFields(WireModel):
    """Medusa's customer columns (``password_hash`` is never one of them)."""

    id: str
    email: str
    first_name: str | None
    last_name: str | None
    billing_address_id: str | None
    phone: str | None
    has_account: bool
    metadata: dict[str, Any] | None
    created_at: str
    updated_at: str
    deleted_at: str | None


class AuthCustomer(CustomerFields):
    """The auth routes' relations: ``orders`` (with items) and ``shipping_addresses``."""

    orders: list[Order]
    shipping_addresses: list[Address]


class StoreCustomer(CustomerFields):
    """The customer routes' relations: ``shipping_addresses`` and ``billing_address``."""

    shipping_addresses: list[Address]
    billing_address: Address | None


class AuthResponse(WireModel):
    customer: AuthCustomer


class CustomerResponse(WireModel):
    customer: StoreCustomer


class ExistsResponse(WireModel):
    exists: bool


class TokenResponse(WireModel):
    access_token: str


class ResetCustomerResponse(WireModel):
    """POST /store/customers/password-reset: the customer's columns, no relations (Medusa's
    ``retrieve`` without any)."""

    customer: CustomerFields


class PaymentMethod(WireModel):
    provider_id: str
    data: dict[str, Any]


class PaymentMethodsResponse(WireModel):
    payment_methods: list[PaymentMethod]


class OrdersPage(WireModel):
    orders: list[Order]
    count: int
    offset: int
    limit: int
