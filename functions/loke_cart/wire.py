"""LOKE request models."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from cart_core.limits import JsonObject


class AdjustmentIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str = Field(min_length=1, max_length=128)
    label: str = Field(max_length=256)
    amount: int = Field(ge=-10_000_000, le=10_000_000)  # tax-inclusive minor units; negative = discount
    taxIncluded: int | None = Field(default=None, ge=-10_000_000, le=10_000_000)


class CartValidationPayload(JsonObject):
    # Negative totals are refused by the core; these bounds only keep the payload sane.
    model_config = ConfigDict(extra="ignore")
    adjustments: list[AdjustmentIn] = Field(default_factory=list, max_length=100)


class WebhookSubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    url: HttpUrl
    secret: str = Field(min_length=1, max_length=512)
    events: list[Annotated[str, Field(max_length=64)]] = Field(min_length=1, max_length=20)
