"""Tenants (BLAZE company = LOKE organization = Fluid Pay merchant) and their locations."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cart_core.actors import Actor

DEFAULT_IDLE_TTL_SECONDS = 7 * 24 * 3600
DEFAULT_VALIDATION_TIMEOUT_SECONDS = 10 * 60

# Which level of government a tax rate is levied by: a vendor-neutral category that each face maps
# to its own reporting (BLAZE's taxResult buckets: blaze_cart/mapping.py).
TaxCategory = Literal["national", "regional", "district", "municipal"]
# Locations stored before the category was neutral carry ``kind`` with BLAZE's bucket names; they
# read as these categories (no data migration). The admin CLI accepts the old names too.
LEGACY_TAX_KINDS: dict[str, TaxCategory] = {
    "federal": "national",
    "state": "regional",
    "county": "district",
    "city": "municipal",
}
CheckoutPolicy = Literal["pos_validated", "synchronous"]
# Tenant and location ids go into keys joined by "#", so they may not contain one.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


class TaxRate(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: str
    percent: Decimal = Field(ge=0, le=100)
    category: TaxCategory = "regional"

    @model_validator(mode="before")
    @classmethod
    def _legacy_kind(cls, data: Any) -> Any:
        """A rate stored with the old ``kind`` field (a BLAZE bucket name) reads as its category."""
        if isinstance(data, dict) and "kind" in data:
            data = dict(data)
            kind = data.pop("kind")
            data.setdefault("category", LEGACY_TAX_KINDS.get(kind, kind))
        return data


# Other regions a location lets its carts switch to, at most (cart_core.regions).
MAX_LOCATION_REGIONS = 20


class Location(BaseModel):
    """A store: its name, timings and delivery fee, and which regions (cart_core.regions) its carts
    are priced in. ``currency``, ``tax_rates`` and ``tax_inclusive`` are the terms of a location
    stored before regions: with no ``default_region_id`` they are its implicit region; with one they
    are not used."""

    model_config = ConfigDict(frozen=True)
    tenant_id: str = Field(pattern=ID_PATTERN)
    location_id: str = Field(pattern=ID_PATTERN)
    name: str
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    tax_rates: tuple[TaxRate, ...] = ()
    tax_inclusive: bool = False
    idle_ttl_seconds: int = Field(default=DEFAULT_IDLE_TTL_SECONDS, gt=0)
    validation_timeout_seconds: int = Field(default=DEFAULT_VALIDATION_TIMEOUT_SECONDS, gt=0)
    delivery_fee_minor: int = Field(default=0, ge=0)
    # The region new carts here are in; None: the implicit region of the fields above.
    default_region_id: str | None = Field(default=None, pattern=ID_PATTERN)
    # Further regions a cart here may switch to (besides the default).
    region_ids: tuple[str, ...] = Field(default=(), max_length=MAX_LOCATION_REGIONS)

    # Medusa's region.gift_cards_taxable: gift cards cover the order before tax and carry tax of
    # their own (True), or cover it with its tax (False). Only the medusa_v1 pricing policy reads it.
    # Like the terms above, the implicit region's (a Region has its own).
    gift_cards_taxable: bool = True
    # How an order is checked out here (docs/payments.md): ``pos_validated`` (submit; the store's POS,
    # or the service, validates asynchronously; the payment worker captures) or ``synchronous``
    # (Medusa's complete: placed, accepted and paid in the request). Stored locations read as today.
    checkout_policy: CheckoutPolicy = "pos_validated"
    # The store's postal address as its receipts print it, one line each (cart_core.documents);
    # stored locations have none.
    address_lines: tuple[str, ...] = Field(default=(), max_length=6)

    @model_validator(mode="after")
    def _region_ids(self) -> Location:
        for region_id in self.region_ids:
            if not re.match(ID_PATTERN, region_id):
                raise ValueError(f"region id {region_id!r} does not match {ID_PATTERN}")
        return self


class Tenant(BaseModel):
    model_config = ConfigDict(frozen=True)
    tenant_id: str = Field(pattern=ID_PATTERN)
    name: str


class Caller(BaseModel):
    """Who is calling: the tenant and location the authorizer resolved, and who acts there (the
    face decides the actor, cart_core.actors). Every core operation is scoped by it."""

    model_config = ConfigDict(frozen=True)
    tenant_id: str = Field(pattern=ID_PATTERN)
    location_id: str = Field(pattern=ID_PATTERN)
    actor: Actor

    @classmethod
    def system(cls, tenant_id: str, location_id: str) -> Caller:
        """The service's own workers, acting on events about a cart at this location."""
        return cls(tenant_id=tenant_id, location_id=location_id, actor=Actor.system())
