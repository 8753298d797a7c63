"""Products, discount codes and gift cards, per tenant."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_PRODUCT_PRICES = 20


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

    def price_in(self, currency: str, home_currency: str) -> int | None:
        """The unit price in ``currency`` (minor units), or None if the product has none there.
        ``home_currency``: what ``price_minor`` is in when the product names no currency."""
        if currency in self.prices:
            return self.prices[currency]
        return self.price_minor if (self.currency or home_currency) == currency else None


class DiscountKind(StrEnum):
    PERCENTAGE = "percentage"
    FIXED = "fixed"


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

    def problem(self, currency: str, now_ms: int) -> str | None:
        """Why this card cannot be applied to a cart in ``currency`` at ``now_ms``, or None."""
        if not self.active or self.balance_minor == 0:
            return "is disabled"
        if self.ends_ms is not None and self.ends_ms <= now_ms:
            return "has expired"
        if self.currency != currency:
            return f"is in {self.currency}, the cart in {currency}"
        return None
