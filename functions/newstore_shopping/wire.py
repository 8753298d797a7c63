"""NewStore request models: the seed's whole create / update cart body, with its bounds, from the start.

Every model is closed (``extra="forbid"``: an unknown field is a 400 naming it, never ignored) and
bounded: the seed's limits (at most 100 items, 10 payments, 100 extended attributes, one coupon; the
string lengths it prints) and, where it prints none, a length no real value reaches. Money is decimal
units (13.78), read exactly (the face's content policy) and bounded by ``Money``. The face maps these
to the core in its modules (mapping.py; checkout.py, returns.py, price_modifiers.py for their parts).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, StringConstraints, field_validator, model_validator

from cart_core.limits import JsonObject, Utf8Limit

MAX_ITEMS = 100  # items (units) per order: each unit of a product line is one item with its own id
MAX_PAYMENTS = 10
MAX_EXTENDED_ATTRIBUTES = 100
MAX_COUPONS = 1
MAX_RETURNS = 100
MAX_RULES = 20  # manager approval rules: not printed by the seed
MAX_METADATA_ENTRIES = 20
MAX_MONEY = Decimal("1000000000")  # 1e9 currency units: beyond any order, inside every core bound

Text = Annotated[str, Utf8Limit(256)]  # a free string the seed prints no bound for
ShortText = Annotated[str, Utf8Limit(128)]
Name = Annotated[str, Utf8Limit(256, min_bytes=1)]
Uuid = Annotated[
    str, StringConstraints(pattern=r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
]


def _json_number(value: Any) -> Any:
    """Money is a JSON number: ``"13.78"`` or ``true`` are refused, not read as one."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValueError("must be a number")
    return value


# Decimal currency units, non-negative, at most 4 decimal places (the finest minor unit used). JSON
# numbers read as int or exact Decimal (the face's content policy), never a float.
_MoneyBounds = Field(strict=False, le=MAX_MONEY, max_digits=14, decimal_places=4, allow_inf_nan=False)
Money = Annotated[Decimal, BeforeValidator(_json_number), _MoneyBounds, Field(ge=0)]
SignedMoney = Annotated[Decimal, BeforeValidator(_json_number), _MoneyBounds, Field(ge=-MAX_MONEY)]


class Closed(JsonObject):
    """A wire object: unknown fields are refused (400 naming them), and values are read strictly
    (``"2"`` is no quantity, ``"yes"`` no boolean), strings as sent."""

    model_config = ConfigDict(extra="forbid", strict=True)


class ExtendedAttribute(Closed):
    name: Name
    value: Annotated[str, Utf8Limit(1024)]


ExtendedAttributes = Annotated[list[ExtendedAttribute], Field(max_length=MAX_EXTENDED_ATTRIBUTES)]


class AddressIn(Closed):
    """An address (the seed's Address: ``country`` is a two-letter ISO 3166-1 code)."""

    title: Text | None = None
    suffix: Text | None = None
    salutation: Text | None = None
    first_name: Text | None = None
    last_name: Text | None = None
    country: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")] | None = None
    zip_code: Annotated[str, Utf8Limit(32)] | None = None
    city: Text | None = None
    state: Text | None = None
    address_line_1: Text | None = None
    address_line_2: Text | None = None
    phone: Annotated[str, Utf8Limit(64)] | None = None


class CustomerIn(Closed):
    """Personal information about the customer (the seed's sample: id, email, name, language)."""

    id: Text | None = None
    # The cart's e-mail in the core (CartEdits.email): an address has at least 3 bytes (a@b).
    email: Annotated[str, Utf8Limit(256, min_bytes=3)] | None = None
    name: Text | None = None
    first_name: Text | None = None
    last_name: Text | None = None
    language: Annotated[str, Utf8Limit(35)] | None = None
    phone: Annotated[str, Utf8Limit(64)] | None = None


class ChannelIn(Closed):
    """Information about the source of the order (the seed's sample: name, type)."""

    name: Text | None = None
    type: Annotated[str, Utf8Limit(64)] | None = None
    id: Text | None = None


class FulfillmentGroup(Closed):
    type: Literal["SHIPPING", "IN_STORE_HANDOVER"]


class ManualPriceModifier(Closed):
    """A manual price adjustment (at most one per order, one per item): a fixed amount off or a
    percentage off (0-100), with why. Mapped by price_modifiers.py."""

    type: Literal["fixed", "percentage"]
    value: Money
    reason: Text | None = None
    description: Text | None = None

    @model_validator(mode="after")
    def _percentage_at_most_100(self) -> ManualPriceModifier:
        if self.type == "percentage" and self.value > 100:
            raise ValueError("a percentage modifier is 0 to 100")
        return self


class CouponIn(Closed):
    code: Annotated[str, Utf8Limit(128, min_bytes=1)]


class PriceModifiersIn(Closed):
    manual_price_modifier: ManualPriceModifier | None = None
    coupons: Annotated[list[CouponIn], Field(max_length=MAX_COUPONS)] | None = None


class ItemPriceModifiersIn(Closed):
    """One manual item-level adjustment per item."""

    manual_price_modifier: ManualPriceModifier | None = None


class ProductIn(Closed):
    """A product line: ``quantity`` units of ``product_id``, each unit an item with its own id."""

    product_id: Annotated[str, Utf8Limit(128, min_bytes=1)]
    quantity: int = Field(ge=1, le=MAX_ITEMS, strict=True)
    fulfillment_group: FulfillmentGroup | None = None
    extended_attributes: ExtendedAttributes | None = None
    # As the cart answered them (sent back unchanged, or left out); never chosen by the client.
    item_ids: Annotated[list[Uuid], Field(max_length=MAX_ITEMS)] | None = None
    price_modifiers: ItemPriceModifiersIn | None = None
    pricebook: Text | None = None
    group_id: Text | None = None


class PaymentIn(Closed):
    """One payment block, keyed in ``payments`` by the token / charge id / capture id its ``type``
    names. Mapped by checkout.py."""

    type: Literal["token", "authorized", "captured"]
    amount: Money
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$")] | None = None
    method: Annotated[str, Utf8Limit(64)] | None = None
    processor: Annotated[str, Utf8Limit(64)] | None = None
    metadata: Annotated[dict[Annotated[str, Utf8Limit(64)], Text], Field(max_length=MAX_METADATA_ENTRIES)] | None = None


class RefundIn(Closed):
    amount: Money | None = None
    metadata: Annotated[dict[Annotated[str, Utf8Limit(64)], Text], Field(max_length=MAX_METADATA_ENTRIES)] | None = None
    available_methods: Annotated[list[Annotated[str, Utf8Limit(64)]], Field(max_length=10)] | None = None
    method: Annotated[str, Utf8Limit(64)] | None = None


class DiscountInfo(Closed):
    discount_ref: Text | None = None
    coupon_code: Text | None = None
    description: Text | None = None
    type: Literal["fixed", "percentage"] | None = None
    scope: Literal["order", "item"] | None = None
    original_value: SignedMoney | None = None
    price_adjustment: SignedMoney | None = None
    discount_source: Literal["automatic", "manual", "coupon"] | None = None


class CalculatedPriceIn(Closed):
    item_price: Money | None = None
    item_list_price: Money | None = None
    item_tax_base: Money | None = None
    item_tax: Money | None = None
    item_gross: Money | None = None
    item_discount: Money | None = None
    item_order_discount: Money | None = None
    item_discount_info: Annotated[list[DiscountInfo], Field(max_length=10)] | None = None
    item_order_discount_info: Annotated[list[DiscountInfo], Field(max_length=10)] | None = None
    gift_wrapping_price: Money | None = None
    gift_wrapping_tax: Money | None = None


class BlindReturnIn(Closed):
    product_id: Annotated[str, Utf8Limit(128, min_bytes=1)]
    external_order_id: Text | None = None
    adjusted_item_price: Money | None = None
    pricebook: Text | None = None
    extended_attributes: ExtendedAttributes | None = None
    calculated_price: CalculatedPriceIn | None = None
    external_identifier: Annotated[dict[Annotated[str, Utf8Limit(64)], Text], Field(max_length=10)] | None = None


class ReturnIn(Closed):
    """A returned item: an item of an accepted order, or a blind return. Mapped by returns.py."""

    order_id: Text | None = None
    item_id: Text | None = None
    return_reason: Text | None = None
    refund: RefundIn | None = None
    blind_return: BlindReturnIn | None = None
    was_blind: bool | None = None
    return_code: int | None = Field(default=None, ge=0, le=1_000_000, strict=True)
    item_condition: Text | None = None
    condition_code: int | None = Field(default=None, ge=0, le=1_000_000, strict=True)


class MatchedRule(Closed):
    label: Text | None = None
    description: Annotated[str, Utf8Limit(1024)] | None = None
    restricted_payment_methods: Annotated[list[Annotated[str, Utf8Limit(64)]], Field(max_length=20)] | None = None


class ManagerApprovalIn(Closed):
    approved_by: Text | None = None
    approved_rules: Annotated[list[Text], Field(max_length=MAX_RULES)] | None = None
    matched_rules: Annotated[list[MatchedRule], Field(max_length=MAX_RULES)] | None = None


OrderState = Literal["draft", "ready", "placed", "accepted", "failed"]
PaymentKey = Annotated[str, Utf8Limit(256, min_bytes=1)]


class CartIn(Closed):
    """The create (``POST /shopping/carts``) and update (``PATCH /shopping/carts/{id}``) body.

    A field left out leaves the cart's as it is; ``null`` clears what may be cleared (the seed's
    "or null")."""

    returns: Annotated[list[ReturnIn], Field(max_length=MAX_RETURNS)] | None = None
    state: OrderState | None = None
    shop: Annotated[str, Utf8Limit(128)] | None = None
    shop_locale: Annotated[str, Utf8Limit(128)] | None = None
    customer: CustomerIn | None = None
    tax_exempt: bool | None = None
    billing_address: AddressIn | None = None
    store_id: Annotated[str, Utf8Limit(256, min_bytes=1)] | None = None
    price_modifiers: PriceModifiersIn | None = None
    extended_attributes: ExtendedAttributes | None = None
    channel: ChannelIn | None = None
    products: Annotated[list[ProductIn], Field(max_length=MAX_ITEMS)] | None = None
    # A key given ``null`` removes the payment under it (checkout.py).
    payments: Annotated[dict[PaymentKey, PaymentIn | None], Field(max_length=MAX_PAYMENTS)] | None = None
    shipping_address: AddressIn | None = None
    manager_approval: ManagerApprovalIn | None = None
    associate_id: Annotated[str, Utf8Limit(256)] | None = None
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$")] | None = None
    shipping_solution_id: Annotated[str, Utf8Limit(64)] | None = None

    @field_validator("products")
    @classmethod
    def _at_most_100_items(cls, products: list[ProductIn] | None) -> list[ProductIn] | None:
        if products and sum(p.quantity for p in products) > MAX_ITEMS:
            raise ValueError(f"an order holds at most {MAX_ITEMS} items")
        return products


class TokenRequest(JsonObject):
    """``POST /shopping/token`` (RFC 6749 §4.4.2), as a form or JSON: the client's id and secret here
    or in HTTP Basic (§2.3.1). Checked by the route, so each refusal is OAuth2's own error body."""

    model_config = ConfigDict(extra="ignore")  # RFC 6749 §3.1: unrecognized parameters are ignored
    grant_type: Annotated[str, Utf8Limit(64)] | None = None
    client_id: Annotated[str, Utf8Limit(256)] | None = None
    client_secret: Annotated[str, Utf8Limit(512)] | None = None
    scope: Annotated[str, Utf8Limit(256)] | None = None
