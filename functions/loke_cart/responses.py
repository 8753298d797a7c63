"""LOKE response models: the shapes loke_cart/mapping.py and routes.py build, for OpenAPI and its checks.

Documentation only (cart_core.responses): the mapping's dicts are what is sent. Amounts are integer
minor units (prices tax-inclusive), times ISO-8601 UTC strings.
"""

from __future__ import annotations

from typing import Literal

from cart_core.responses import WireModel

IsoTime = str  # "2026-11-22T10:00:00Z" (loke_cart.mapping.iso)


class PriceOut(WireModel):
    amount: int
    taxIncluded: int
    taxRate: float


class ChoiceOut(WireModel):
    id: str
    title: str
    quantity: int
    price: PriceOut
    options: list[ChoiceOut]  # LOKE's recursive option tree; always empty here


class OptionOut(WireModel):
    id: str
    title: str
    choices: list[ChoiceOut]


class ItemOut(WireModel):
    id: str
    title: str
    amount: int
    note: str | None
    quantity: int
    price: PriceOut
    options: list[OptionOut]


class AdjustmentOut(WireModel):
    id: str
    label: str
    amount: int
    taxIncluded: int | None


class DeliveryAddressOut(WireModel):
    streetAddress: str | None
    locality: str | None
    region: str | None
    postcode: str | None
    country: str | None


class Cart(WireModel):
    """LOKE's Cart (GET …/cart/{cartId}, and the ``cart`` of a cart.created webhook)."""

    id: str
    createdAt: IsoTime | None
    fulfillAt: IsoTime | None
    validatedAt: IsoTime | None
    currency: str
    notes: str | None
    serviceRef: None
    status: Literal["PENDING", "VALID", "INVALID", "EXPIRED"]
    total: int
    deliveryAddress: DeliveryAddressOut | None
    adjustments: list[AdjustmentOut]
    items: list[ItemOut]


class WebhookSubscription(WireModel):
    """A subscription as the POS sees it: never its secret."""

    ref: str
    url: str
    events: list[str]


# GET .../webhooks answers a list (named here: a route names its models through documentation()).
WebhookSubscriptions = list[WebhookSubscription]
