"""LOKE request models."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class AdjustmentIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str = Field(min_length=1, max_length=128)
    label: str = Field(max_length=256)
    amount: int = Field(ge=-10_000_000, le=10_000_000)  # tax-inclusive minor units; negative = discount
    taxIncluded: int | None = Field(default=None, ge=-10_000_000, le=10_000_000)


class CartValidationPayload(BaseModel):
    # Negative totals are refused by the core; these bounds only keep the payload sane.
    model_config = ConfigDict(extra="ignore")
    adjustments: list[AdjustmentIn] = Field(default_factory=list, max_length=100)


class WebhookSubscriptionIn(BaseModel):
    # The URL is taken as given (not normalised) and vetted by cart_core.outbound: https, public
    # addresses only. Byte bounds (URL 2048, secret 512) and the known event names are checked by
    # the core; these character bounds keep the payload sane before that.
    model_config = ConfigDict(extra="ignore")
    url: str = Field(min_length=1, max_length=2048)
    secret: str = Field(min_length=1, max_length=512)
    events: list[Annotated[str, Field(max_length=64)]] = Field(min_length=1, max_length=20)
