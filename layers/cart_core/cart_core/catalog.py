"""Products and discount codes, per tenant."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Product(BaseModel):
    model_config = ConfigDict(frozen=True)
    tenant_id: str
    product_id: str
    sku: str
    name: str
    price_minor: int = Field(ge=0)
    active: bool = True


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
