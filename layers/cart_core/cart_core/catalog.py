"""Products, discount codes and gift cards, per tenant."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_PRODUCT_PRICES = 20
MAX_VARIANT_OPTIONS = 10
MAX_DISCOUNT_REGIONS = 50


class Product(BaseModel):
    """A product and its price. ``price_minor`` is in ``currency``; a product stored before regions
    has no currency, and its price is in the home currency of the location selling it (its default
    region's). ``prices`` adds a price per further currency, for carts in other regions."""

    model_config = ConfigDict(frozen=True)
    tenant_id: str
    product_id: str
    sku: str
    name: str
    price_minor: int = Field(ge=0)
    active: bool = True
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    prices: dict[Annotated[str, Field(pattern=r"^[A-Z]{3}$")], Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict, max_length=MAX_PRODUCT_PRICES
    )
    # ----- a variant of a storefront product (cart_core.storefront.StoreProduct) ---------------
    # A sellable item is a variant: lines name it by ``product_id`` (Medusa's variant id). One with
    # no ``group_id`` (every product stored before variants: BLAZE's) is a single-variant product of
    # its own. ``options``: option title → value (Medusa's variant options, e.g. Size → M).
    group_id: str | None = Field(default=None, max_length=64)
    variant_title: str | None = Field(default=None, max_length=256)
    options: dict[Annotated[str, Field(max_length=64)], Annotated[str, Field(max_length=128)]] = Field(
        default_factory=dict, max_length=MAX_VARIANT_OPTIONS
    )
    # Stock: only a variant that manages inventory is ever out of stock; one that allows backorders
    # sells past zero (its count goes negative). The count lives in its own numeric attribute of the
    # item (like a gift card's balance), which placing an order decrements with a bounded ``Add``.
    # Copied from the storefront product when the variant is written (admin.create_store_product),
    # so a line is made from the variant alone: its product's discountable / gift-card flags and
    # shipping profile, and ``name`` is the product's title (``variant_title`` the variant's).
    discountable: bool = True
    is_giftcard: bool = False
    profile_id: str | None = Field(default=None, max_length=64)
    manage_inventory: bool = False
    allow_backorder: bool = False
    inventory_quantity: int = 0

    def stock_problem(self, quantity: int) -> bool:
        """Whether selling ``quantity`` would take more than this variant has in stock."""
        return self.manage_inventory and not self.allow_backorder and quantity > self.inventory_quantity

    def price_in(self, currency: str, home_currency: str) -> int | None:
        """The unit price in ``currency`` (minor units), or None if the product has none there.
        ``home_currency``: what ``price_minor`` is in when the product names no currency."""
        if currency in self.prices:
            return self.prices[currency]
        return self.price_minor if (self.currency or home_currency) == currency else None


class DiscountKind(StrEnum):
    PERCENTAGE = "percentage"
    FIXED = "fixed"
    # Makes the cart's shipping free (Medusa's "free_shipping"); never a line adjustment.
    FREE_SHIPPING = "free_shipping"


# How a FIXED code's value applies (Medusa's ``allocation``): once to the order ("total"), or to each
# unit of every line ("item"). Codes stored before the field read as "total" (what they meant).
DiscountAllocation = Literal["total", "item"]


class DiscountCode(BaseModel):
    model_config = ConfigDict(frozen=True)
    tenant_id: str
    code: str
    kind: DiscountKind
    # Percent (Decimal("10") = 10 %) for PERCENTAGE, minor units for FIXED.
    value: Decimal = Field(ge=0)
    active: bool = True
    allocation: DiscountAllocation = "total"
    # Medusa's discount terms; codes stored before them have none and apply as they always did.
    # ``discount_id``: the id faces show (Medusa's ``disc_…``); None: the code itself.
    discount_id: str | None = Field(default=None, max_length=64)
    description: str | None = Field(default=None, max_length=256)
    # At most this many orders may use the code (counted when an order is placed, by a bounded
    # ``Add`` on the item's ``uses`` attribute); None: no limit. ``usage_count``: the uses so far,
    # read from that attribute.
    usage_limit: int | None = Field(default=None, ge=0)
    usage_count: int = Field(default=0, ge=0)
    starts_ms: int | None = None
    ends_ms: int | None = None
    # The regions the code is valid in; empty: every region.
    region_ids: tuple[str, ...] = Field(default=(), max_length=MAX_DISCOUNT_REGIONS)


# A gift card's balance is at most this many minor units (100,000.00 in a two-decimal currency):
# large enough for any card a store sells, small enough that no sum of ten overflows anything.
MAX_GIFT_CARD_MINOR = 10_000_000


class GiftCard(BaseModel):
    """A tenant's gift card: a prepaid balance in one currency, spent at order placement.

    The balance lives in its own numeric attribute of the item (not in the document), so placing an
    order takes from it with one atomic, bounded ``Add`` (ports.Add) that can never overdraw it."""

    model_config = ConfigDict(frozen=True)
    tenant_id: str
    code: str = Field(min_length=1, max_length=64)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    balance_minor: int = Field(ge=0, le=MAX_GIFT_CARD_MINOR)
    # Epoch ms after which the card no longer applies (Medusa's ``ends_at``); None: never.
    ends_ms: int | None = None
    # The tax rate, in percent, of the sale that funded the card (Medusa's ``gift_card.tax_rate``):
    # a card bought with tax included pays for that much tax again when spent. None: not taxable.
    tax_rate: Decimal | None = Field(default=None, ge=0, le=100)
    active: bool = True
    # The region the card may be spent in (Medusa's gift_card.region_id); None: any region in its
    # currency. ``gift_card_id``: the id faces show (Medusa's ``gift_…``); None: the code.
    region_id: str | None = Field(default=None, max_length=64)
    gift_card_id: str | None = Field(default=None, max_length=64)

    def problem(self, currency: str, now_ms: int, region_id: str | None = None) -> str | None:
        """Why this card cannot be applied to a cart in ``currency`` (and ``region_id``, when the
        card names a region) at ``now_ms``, or None."""
        if not self.active or self.balance_minor == 0:
            return "is disabled"
        if self.ends_ms is not None and self.ends_ms <= now_ms:
            return "has expired"
        if self.region_id is not None and region_id is not None and self.region_id != region_id:
            return "cannot be used in the current region"
        if self.currency != currency:
            return f"is in {self.currency}, the cart in {currency}"
        return None
