"""Regions: where a cart is priced and paid, apart from the store (``tenancy.Location``) it is at.

A region is a tenant's pricing and payment terms: one currency, the countries it serves, its tax
rates (and whether prices include them) and the payment providers a cart in it may use. A location
is a store: its name, timings and delivery fee, plus the region its carts start in
(``default_region_id``) and the other regions a cart there may switch to (``region_ids``).

A location stored before regions carries the terms itself (``currency``, ``tax_rates``,
``tax_inclusive``) and no ``default_region_id``: it reads as having an *implicit* region derived from
those fields (``implicit_region``), so it prices exactly as before and nothing is migrated. The
implicit region is never stored and never named by a cart: a cart there has ``region_id`` None.

Which region a cart is in: its ``region_id`` if set, else its location's default region
(``cart_region_id``). A new cart at a location with a default region records that region, so a
later change of the location's default does not move carts already open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cart_core.limits import Utf8Limit
from cart_core.tenancy import ID_PATTERN, Location, TaxRate

if TYPE_CHECKING:
    from cart_core.cart import Cart

MAX_COUNTRIES = 250  # ISO 3166-1 has 249 alpha-2 codes
MAX_TAX_RATES = 10
MAX_REGION_NAME_BYTES = 256


class Region(BaseModel):
    model_config = ConfigDict(frozen=True)
    tenant_id: str = Field(pattern=ID_PATTERN)
    region_id: str = Field(pattern=ID_PATTERN)
    name: Annotated[str, Utf8Limit(MAX_REGION_NAME_BYTES, min_bytes=1)]
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    # ISO 3166-1 alpha-2, upper case, no repeats.
    countries: tuple[str, ...] = Field(default=(), max_length=MAX_COUNTRIES)
    tax_rates: tuple[TaxRate, ...] = Field(default=(), max_length=MAX_TAX_RATES)
    tax_inclusive: bool = False
    # False: an open cart here shows no tax until checkout asks for it (a quote, payment sessions,
    # placing the order: ``pricing.price(force_taxes=True)``); what is charged is always taxed. For a
    # region whose taxes are settled at checkout (Medusa's region.automatic_taxes).
    automatic_taxes: bool = True
    # Medusa's region.gift_cards_taxable (read only by the medusa_v1 pricing policy).
    gift_cards_taxable: bool = True
    # Names in cart_core.payments.PROVIDERS; empty means every provider (as before regions).
    payment_providers: tuple[str, ...] = ()
    # True only for the region derived from a location stored before regions (never stored).
    implicit: bool = False

    @field_validator("countries")
    @classmethod
    def _countries(cls, countries: tuple[str, ...]) -> tuple[str, ...]:
        for country in countries:
            if len(country) != 2 or not country.isascii() or not country.isalpha() or not country.isupper():
                raise ValueError(f"{country!r} is not an ISO 3166-1 alpha-2 code (two upper-case letters)")
        if len(set(countries)) != len(countries):
            raise ValueError("a country is listed twice")
        return countries

    @field_validator("payment_providers")
    @classmethod
    def _providers(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        # Imported here: the providers are checkout's, and every function reads regions.
        from cart_core.payments import PROVIDERS

        unknown = sorted(set(names) - set(PROVIDERS))
        if unknown:
            raise ValueError(f"unknown payment providers {unknown}; known: {sorted(PROVIDERS)}")
        return tuple(dict.fromkeys(names))

    def allows_provider(self, name: str) -> bool:
        return not self.payment_providers or name in self.payment_providers


def implicit_region(location: Location) -> Region:
    """The region a location stored before regions stands for: its own currency and tax terms,
    every payment provider. Its id is the location's (never stored, so it names no stored region).
    Built without the bounds a stored region is checked against: a location stored before regions
    may hold more rates or a longer name, and must still price exactly as it did."""
    return Region.model_construct(
        tenant_id=location.tenant_id,
        region_id=location.location_id,
        name=location.name or location.location_id,
        currency=location.currency,
        tax_rates=location.tax_rates,
        tax_inclusive=location.tax_inclusive,
        gift_cards_taxable=location.gift_cards_taxable,
        automatic_taxes=True,
        countries=(),
        payment_providers=(),
        implicit=True,
    )


def cart_region_id(location: Location, cart: Cart | None) -> str | None:
    """The stored region a cart at ``location`` is in (None: the location's implicit region)."""
    if cart is not None and cart.region_id:
        return cart.region_id
    return location.default_region_id


def region_ids_needed(location: Location, cart: Cart | None) -> frozenset[str]:
    """The stored regions a read of this cart must find: the cart's, and the location's default
    (whose currency is the one unqualified catalog prices are in: ``Product.price_in``)."""
    return frozenset(r for r in (cart_region_id(location, cart), location.default_region_id) if r)


def allowed_at(location: Location, region_id: str | None) -> bool:
    """Whether a cart at ``location`` may be in ``region_id`` (None: the location's default). The
    rule: the default region, or one the location lists in ``region_ids``."""
    return region_id is None or region_id == location.default_region_id or region_id in location.region_ids
