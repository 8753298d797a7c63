"""Medusa's request bodies (medusa-v1.md §3.2), as class-validator reads them with ``whitelist,
forbidNonWhitelisted``: any other property is 400 "property X should not exist" (``extra="forbid"``,
rendered by errors.py); integers are integers (``Strict``), strings strings. Bounded like every
input of the service (docs/input-limits.md): ids and codes 128 bytes, text 256, lists and objects a
few dozen entries."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict

from cart_core.cart import MAX_QUANTITY
from cart_core.customers import MAX_EMAIL_BYTES
from cart_core.limits import ID_BYTES, SHORT_TEXT_BYTES, Utf8Limit

Id = Annotated[str, Strict(), Utf8Limit(ID_BYTES)]
Text = Annotated[str, Strict(), Utf8Limit(SHORT_TEXT_BYTES)]
# Medusa's IsInt; bounded as every quantity of the service (0 passes: its own message, below).
Quantity = Annotated[int, Strict(), Field(ge=0, le=MAX_QUANTITY)]
# Free-form objects (context, metadata, session data): a few entries of short values.
SmallObject = Annotated[dict[str, Any], Field(max_length=20)]

# validator.js' isEmail (class-validator's IsEmail) in its default mode, the parts a storefront can
# hit: a dot-atom local part of at most 64 characters, a domain of labels with a TLD, 254 in all.
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"(?P<local>{_LOCAL})@{_LABEL}(?:\.{_LABEL})*\.[A-Za-z]{{2,63}}")


def is_email(value: str) -> bool:
    match = _EMAIL.fullmatch(value)
    return match is not None and len(match["local"]) <= 64 and len(value.encode("utf-8")) <= MAX_EMAIL_BYTES


def _email(value: str) -> str:
    if not is_email(value):
        raise ValueError("must be an email")
    return value


Email = Annotated[Text, AfterValidator(_email)]


class Closed(BaseModel):
    # A body only its own route reads is ``defer_build``: its route builds it on its first request,
    # so the cold start (whichever route it serves) does not build the others (docs/architecture.md).
    model_config = ConfigDict(extra="forbid")


class ItemIn(Closed):
    model_config = ConfigDict(defer_build=True)
    variant_id: Id
    quantity: Quantity


class CreateCartIn(Closed):
    model_config = ConfigDict(defer_build=True)
    region_id: Id | None = None
    sales_channel_id: Id | None = None
    country_code: Annotated[Text, Field(max_length=2)] | None = None
    items: Annotated[list[ItemIn], Field(max_length=100)] | None = None
    context: SmallObject | None = None


class AddressIn(Closed):
    model_config = ConfigDict(defer_build=True)
    first_name: Text | None = None
    last_name: Text | None = None
    phone: Text | None = None
    company: Text | None = None
    address_1: Text | None = None
    address_2: Text | None = None
    city: Text | None = None
    country_code: Text | None = None
    province: Text | None = None
    postal_code: Text | None = None
    metadata: SmallObject | None = None


class CodeIn(Closed):
    model_config = ConfigDict(defer_build=True)
    code: Text


class UpdateCartIn(Closed):
    model_config = ConfigDict(defer_build=True)
    region_id: Id | None = None
    country_code: Annotated[Text, Field(max_length=2)] | None = None
    email: Email | None = None
    sales_channel_id: Id | None = None
    billing_address: AddressIn | Id | None = None
    shipping_address: AddressIn | Id | None = None
    gift_cards: Annotated[list[CodeIn], Field(max_length=10)] | None = None
    discounts: Annotated[list[CodeIn], Field(max_length=10)] | None = None
    customer_id: Id | None = None
    context: SmallObject | None = None


class LineItemIn(Closed):
    variant_id: Id
    quantity: Quantity
    metadata: SmallObject | None = None


class LineItemUpdateIn(Closed):
    model_config = ConfigDict(defer_build=True)
    quantity: Quantity
    metadata: SmallObject | None = None


class SelectSessionIn(Closed):
    model_config = ConfigDict(defer_build=True)
    provider_id: Id


class UpdateSessionIn(Closed):
    model_config = ConfigDict(defer_build=True)
    data: SmallObject


class Empty(Closed):
    """The ``{}`` medusa-js sends on a POST or DELETE without a payload."""
