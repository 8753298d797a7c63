"""Storefront products: what a shopper browses, each with one or more sellable variants.

A ``StoreProduct`` is the browsable product (Medusa's product: title, handle, description,
thumbnail, whether it is a gift card and whether codes discount it, its shipping profile, its option
titles) and names its variants in order. Each variant is a ``catalog.Product``, the sellable item a
cart line names (``LineItem.product_id`` is the variant's id), with its own sku, option values,
prices per currency and stock. So a cart prices, reserves and renders a line from one item, and a
product stored before variants (every BLAZE product) is simply a single-variant product of its own,
read unchanged; it is not listed as a storefront product.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from cart_core.catalog import Product
from cart_core.limits import Utf8Limit
from cart_core.tenancy import ID_PATTERN

MAX_VARIANTS = 50
MAX_PRODUCT_OPTIONS = 5
# A page of products is at most this many (Medusa's default limit is 100), and the listing reaches
# no deeper than MAX_PRODUCTS_OFFSET: each page is one bounded Query and one batched read.
MAX_PAGE = 100
MAX_PRODUCTS_OFFSET = 10_000


class StoreProduct(BaseModel):
    model_config = ConfigDict(frozen=True)
    tenant_id: str = Field(pattern=ID_PATTERN)
    product_id: str = Field(pattern=ID_PATTERN)
    title: Annotated[str, Utf8Limit(256, min_bytes=1)]
    subtitle: Annotated[str, Utf8Limit(256)] | None = None
    description: Annotated[str, Utf8Limit(4096)] | None = None
    handle: Annotated[str, Utf8Limit(128)] | None = None
    thumbnail: Annotated[str, Utf8Limit(2048)] | None = None
    is_giftcard: bool = False
    discountable: bool = True
    profile_id: str = Field(default="default", max_length=64)
    # Option titles (e.g. "Size"); each variant gives a value per title (``Product.options``).
    options: tuple[Annotated[str, Field(max_length=64)], ...] = Field(default=(), max_length=MAX_PRODUCT_OPTIONS)
    variant_ids: tuple[str, ...] = Field(min_length=1, max_length=MAX_VARIANTS)
    created_ms: int = 0
    updated_ms: int = 0


def variants_of(product: StoreProduct, found: dict[str, Product]) -> list[Product]:
    """The product's variants that exist and are sold, in the product's order."""
    variants = [found.get(variant_id) for variant_id in product.variant_ids]
    return [v for v in variants if v is not None and v.active and v.group_id == product.product_id]
