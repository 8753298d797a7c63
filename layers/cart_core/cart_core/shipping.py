"""Shipping options: how a region's carts may ship, and at what price (docs/architecture.md, Shipping).

A ``ShippingOption`` belongs to one region of a tenant and one shipping profile. It has a flat price
(Medusa's ``flat_rate``; calculated prices are a provider's and not offered yet) and may require the
cart's subtotal to be at least ``min_subtotal`` and/or below ``max_subtotal``. A cart carries at most
one shipping method per profile (``cart.ShippingMethod``): choosing an option of a profile the cart
already ships by replaces that method. The method's price is the option's, or 0 while a
free-shipping code is applied (``discounts``); the client never sets it.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from cart_core.cart import IN_STORE_HANDOVER, MAX_SHIPPING_MINOR, Cart, ShippingMethod
from cart_core.errors import InvalidRequest, NotAllowed, NotFound
from cart_core.ids import prefixed_id
from cart_core.limits import Utf8Limit
from cart_core.regions import MAX_TAX_RATES
from cart_core.tenancy import ID_PATTERN, TaxRate

# A tenant offers at most this many options (all regions): listing them is one bounded Query.
MAX_SHIPPING_OPTIONS = 200
MAX_REQUIREMENTS = 2
MAX_OPTION_DATA_BYTES = 2048
DEFAULT_PROFILE = "default"

RequirementType = Literal["min_subtotal", "max_subtotal"]


class ShippingRequirement(BaseModel):
    model_config = ConfigDict(frozen=True)
    requirement_id: str = Field(max_length=64)
    type: RequirementType
    amount_minor: int = Field(ge=0, le=MAX_SHIPPING_MINOR * 100)

    def met_by(self, subtotal_minor: int) -> bool:
        """Medusa's validateRequirements: ``min <= subtotal``, ``max > subtotal``."""
        if self.type == "min_subtotal":
            return subtotal_minor >= self.amount_minor
        return subtotal_minor < self.amount_minor


class ShippingOption(BaseModel):
    model_config = ConfigDict(frozen=True)
    tenant_id: str = Field(pattern=ID_PATTERN)
    option_id: str = Field(pattern=ID_PATTERN)
    region_id: str = Field(pattern=ID_PATTERN)
    name: Annotated[str, Utf8Limit(256, min_bytes=1)]
    profile_id: str = Field(default=DEFAULT_PROFILE, max_length=64)
    provider_id: str = Field(default="manual", max_length=64)
    price_type: Literal["flat_rate"] = "flat_rate"
    amount_minor: int = Field(ge=0, le=MAX_SHIPPING_MINOR)
    is_return: bool = False
    admin_only: bool = False
    requirements: tuple[ShippingRequirement, ...] = Field(default=(), max_length=MAX_REQUIREMENTS)
    data: dict[str, Any] = Field(default_factory=dict)
    # Shipping is taxed at the region's rates (Medusa's default for an option without its own rates),
    # or at ``tax_rates`` when the option has its own (Medusa's tax rates can target an option).
    taxable: bool = True
    tax_rates: tuple[TaxRate, ...] | None = Field(default=None, max_length=MAX_TAX_RATES)
    created_ms: int = 0
    updated_ms: int = 0

    def meets_requirements(self, subtotal_minor: int) -> bool:
        return all(requirement.met_by(subtotal_minor) for requirement in self.requirements)

    def offered_to(self, region_id: str | None) -> bool:
        """Whether a shopper may choose it for a cart in ``region_id``."""
        return self.region_id == region_id and not self.is_return and not self.admin_only


def profiles_of(cart: Cart) -> frozenset[str]:
    """The shipping profiles the cart's lines ship by (a line without one: the default profile)."""
    return frozenset(line.profile_id or DEFAULT_PROFILE for line in cart.lines)


def options_for(
    options: list[ShippingOption], cart: Cart, region_id: str | None, subtotal_minor: int
) -> list[ShippingOption]:
    """The options ``cart`` (in ``region_id``, its subtotal ``subtotal_minor``) may choose, in
    ``options``' order (Medusa's fetchCartOptions: the options of the profiles its lines ship by, for
    shoppers, of the cart's region, requirements met; an empty cart has none)."""
    profiles = profiles_of(cart)
    return [
        o
        for o in options
        if o.profile_id in profiles and o.offered_to(region_id) and o.meets_requirements(subtotal_minor)
    ]


def check_method_data(data: dict[str, Any]) -> None:
    """A client's ``data`` for a shipping method: a small JSON object (stored on the cart)."""
    if len(json.dumps(data, default=str).encode()) > MAX_OPTION_DATA_BYTES:
        raise InvalidRequest(f"Shipping method data is at most {MAX_OPTION_DATA_BYTES} bytes of JSON")


def choose(
    cart: Cart,
    region_id: str | None,
    option: ShippingOption | None,
    option_id: str,
    subtotal_minor: int,
    data: dict[str, Any],
    now: float,
) -> None:
    """Add the shipping method of ``option`` to ``cart`` (Medusa's addShippingMethod): the option must
    exist, be of the cart's region (``region_id``: the one it is priced in, ``regions.cart_region_id``)
    and have its requirements met by ``subtotal_minor``; it replaces the method of the same profile.
    Free while the cart has a free-shipping code."""
    if option is None:
        raise NotFound(f"Shipping Option with {option_id} was not found")
    if not option.offered_to(region_id):
        raise InvalidRequest("The shipping option is not available in the cart's region")
    if not option.meets_requirements(subtotal_minor):
        raise NotAllowed("The Cart does not satisfy the shipping option's requirements")
    check_method_data(data)
    method = ShippingMethod(
        method_id=prefixed_id("sm", now),
        name=option.name,
        amount_minor=0 if cart.free_shipping is not None else option.amount_minor,
        taxable=option.taxable,
        option_id=option.option_id,
        profile_id=option.profile_id,
        option_amount_minor=option.amount_minor,
        data=data,
        tax_rates=option.tax_rates,
    )
    kept = [m for m in cart.shipping_methods if (m.profile_id or DEFAULT_PROFILE) != option.profile_id]
    cart.set_shipping_methods([*kept, method])


def reprice_for_free_shipping(cart: Cart) -> None:
    """Methods cost 0 while a free-shipping code is applied, and their option's price otherwise
    (Medusa sets the price to 0 and restores it when the code leaves)."""
    free = cart.free_shipping is not None
    methods = []
    for method in cart.shipping_methods:
        if method.option_amount_minor is None:
            methods.append(method)  # not made from an option (NewStore): its price is its own
            continue
        amount = 0 if free else method.option_amount_minor
        methods.append(method if method.amount_minor == amount else method.model_copy(update={"amount_minor": amount}))
    cart.shipping_methods = methods


# ----- NewStore's shipping solutions ---------------------------------------------------------------
# One solution ships the whole cart (it replaces every method), chosen among the options of the
# region the cart is priced in: a location priced by its own terms (an implicit region) offers the
# options filed under its location id (``regions.implicit_region`` names the region so). When no
# item ships, the solution is the in-store handover: a method of this id that costs nothing.


def solutions_for(
    options: list[ShippingOption], cart: Cart, region_id: str, subtotal_minor: int
) -> list[ShippingOption]:
    """The options ``cart`` may ship by as a NewStore solution: those of its region (implicit: its
    location's id) offered to shoppers whose requirements its subtotal meets; none when no line ships."""
    if not cart.ships:
        return []
    return [o for o in options if o.offered_to(region_id) and o.meets_requirements(subtotal_minor)]


def solution_price(cart: Cart, option: ShippingOption) -> int:
    """What ``option`` costs this cart before tax: 0 while a free-shipping code is applied."""
    return 0 if cart.free_shipping is not None else option.amount_minor


def choose_solution(
    cart: Cart, solution_id: str, option: ShippingOption | None, region_id: str, subtotal_minor: int
) -> None:
    """Ship ``cart`` by the solution ``solution_id`` (replacing any other), or hand it over in the
    store (``IN_STORE_HANDOVER``: refused while an item ships). An unknown solution, one of another
    region, one whose requirements the cart does not meet, or shipping a cart none of whose items
    ships: 400 (``InvalidRequest``), nothing changed."""
    ships = cart.ships
    if solution_id == IN_STORE_HANDOVER:
        if ships:
            raise InvalidRequest("in_store_handover is only for an order none of whose items ships")
        cart.set_shipping_methods(
            [ShippingMethod(method_id=IN_STORE_HANDOVER, name="In-store handover", amount_minor=0)]
        )
        return
    if option is None or not option.offered_to(region_id):
        raise InvalidRequest(f"Unknown shipping solution {solution_id[:64]!r}")
    if not ships:
        raise InvalidRequest("No item of the order ships: its shipping solution is in_store_handover")
    if not option.meets_requirements(subtotal_minor):
        raise InvalidRequest(f"The order does not meet the requirements of shipping solution {solution_id[:64]!r}")
    method = ShippingMethod(
        method_id=option.option_id,
        name=option.name,
        amount_minor=solution_price(cart, option),
        taxable=option.taxable,
        option_id=option.option_id,
        profile_id=option.profile_id,
        option_amount_minor=option.amount_minor,
        tax_rates=option.tax_rates,
    )
    cart.set_shipping_methods([method])


def keep_solution_fitting(cart: Cart) -> None:
    """Drop the cart's solution if its items no longer fit it: a shipping method when no item ships,
    the in-store handover when one does."""
    if not cart.shipping_methods:
        return
    ships = cart.ships
    handover = cart.shipping_methods[0].method_id == IN_STORE_HANDOVER
    if ships == handover:
        cart.shipping_methods = []
