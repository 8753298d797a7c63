"""LOKE request models."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, model_validator

from cart_core.cart import MAX_ADJUSTMENT_ID_BYTES, MAX_ADJUSTMENT_LABEL_BYTES, MAX_ADJUSTMENT_MINOR, MAX_ADJUSTMENTS
from cart_core.limits import JsonObject, Utf8Limit

AdjustmentId = Annotated[str, Utf8Limit(MAX_ADJUSTMENT_ID_BYTES, min_bytes=1)]
AdjustmentLabel = Annotated[str, Utf8Limit(MAX_ADJUSTMENT_LABEL_BYTES)]


class AdjustmentIn(JsonObject):
    """One POS adjustment, bounded here with the core's own limits (``cart_core.cart``), so a hostile
    payload is refused with 400 before any read; the core checks them again for every face."""

    model_config = ConfigDict(extra="ignore")
    id: AdjustmentId
    label: AdjustmentLabel
    # Tax-inclusive minor units; negative = discount. Strict: a JSON integer only (lax int reads
    # `true` as 1 and "100" or 100.0 as 100, none of them LOKE's integer).
    amount: int = Field(ge=-MAX_ADJUSTMENT_MINOR, le=MAX_ADJUSTMENT_MINOR, strict=True)
    taxIncluded: int | None = Field(default=None, ge=-MAX_ADJUSTMENT_MINOR, le=MAX_ADJUSTMENT_MINOR, strict=True)

    @model_validator(mode="after")
    def _tax_is_part_of_the_amount(self) -> AdjustmentIn:
        tax = self.taxIncluded
        if tax and ((tax > 0) != (self.amount > 0) or abs(tax) > abs(self.amount)):
            raise ValueError("taxIncluded is part of amount: the same sign, and no larger")
        return self


class CartValidationPayload(JsonObject):
    # The total may not go negative, nor above a card's authorization: the core refuses both.
    model_config = ConfigDict(extra="ignore")
    adjustments: list[AdjustmentIn] = Field(default_factory=list, max_length=MAX_ADJUSTMENTS)


class WebhookSubscriptionIn(JsonObject):
    # The URL is taken as given (not normalised) and vetted by cart_core.outbound: https, public
    # addresses only. Byte bounds (URL 2048, secret 512) and the known event names are checked by
    # the core; these character bounds keep the payload sane before that.
    model_config = ConfigDict(extra="ignore")
    url: str = Field(min_length=1, max_length=2048)
    secret: str = Field(min_length=1, max_length=512)
    events: list[Annotated[str, Field(max_length=64)]] = Field(min_length=1, max_length=20)
