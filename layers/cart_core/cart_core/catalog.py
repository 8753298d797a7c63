"""Products and discount codes, per tenant."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

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


class DiscountCode(BaseModel):
    model_config = ConfigDict(frozen=True)
    tenant_id: str
    code: str
    kind: DiscountKind
    # Percent (Decimal("10") = 10 %) for PERCENTAGE, minor units for FIXED.
    value: Decimal = Field(ge=0)
    active: bool = True
