"""Server-side pricing. Prices come from the catalog (captured on the line); clients never set them.

Invariant, for every cart: total = subtotal − discount_total + fee_total + exclusive tax_total.
Fees are the delivery fee plus POS adjustments (signed, tax-inclusive, so they carry no extra tax).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from cart_core.cart import AppliedDiscount, Cart, LineItem
from cart_core.catalog import DiscountKind
from cart_core.money import allocate, percent_of, round_half_up
from cart_core.tenancy import Location, TaxRate

if TYPE_CHECKING:
    from cart_core.regions import Region


@dataclass(frozen=True, slots=True)
class PricingTerms:
    """What pricing needs from where a cart is sold: its region's tax rates (and whether prices
    include them) and its location's delivery fee."""

    tax_rates: tuple[TaxRate, ...]
    tax_inclusive: bool
    delivery_fee_minor: int = 0

    @classmethod
    def of(cls, region: Region, location: Location) -> PricingTerms:
        return cls(region.tax_rates, region.tax_inclusive, location.delivery_fee_minor)

    @classmethod
    def at(cls, location: Location) -> PricingTerms:
        """A location stored before regions: its own terms (its implicit region)."""
        if location.default_region_id is not None:
            raise ValueError(f"Location {location.location_id} prices through its region: use PricingTerms.of")
        return cls(location.tax_rates, location.tax_inclusive, location.delivery_fee_minor)


@dataclass(frozen=True, slots=True)
class TaxLine:
    name: str
    category: str  # the rate's neutral TaxCategory
    percent: Decimal
    amount_minor: int


@dataclass(frozen=True, slots=True)
class PricedLine:
    line_id: str
    gross_minor: int  # (unit price + choices) × quantity
    discount_minor: int  # this line's share of the order discounts
    net_minor: int  # gross − discount: the taxable amount
    taxes: tuple[TaxLine, ...]

    @property
    def tax_minor(self) -> int:
        return sum(t.amount_minor for t in self.taxes)


@dataclass(frozen=True, slots=True)
class Totals:
    currency: str
    subtotal_minor: int
    discount_total_minor: int
    fee_total_minor: int
    delivery_fee_minor: int
    adjustment_total_minor: int
    tax_total_minor: int
    tax_inclusive: bool
    total_minor: int
    lines: tuple[PricedLine, ...]
    taxes_by_rate: tuple[TaxLine, ...] = field(default=())
    paid_minor: int = 0

    @property
    def exclusive_tax_minor(self) -> int:
        return 0 if self.tax_inclusive else self.tax_total_minor

    @property
    def balance_due_minor(self) -> int:
        return max(0, self.total_minor - self.paid_minor)

    @property
    def change_due_minor(self) -> int:
        return max(0, self.paid_minor - self.total_minor)


def line_gross(line: LineItem) -> int:
    return line.unit_total_minor * line.quantity


def order_discount(subtotal_minor: int, discounts: list[AppliedDiscount]) -> int:
    """Codes apply one after another on what is left, and never take the order below zero."""
    remaining = subtotal_minor
    for discount in discounts:
        if discount.kind is DiscountKind.PERCENTAGE:
            amount = percent_of(remaining, discount.value)
        else:
            amount = int(discount.value)
        remaining -= min(amount, remaining)
    return subtotal_minor - remaining


def _line_taxes(net_minor: int, rates: tuple[TaxRate, ...], inclusive: bool) -> tuple[TaxLine, ...]:
    if inclusive:
        # The net already contains every rate: tax_i = net × r_i / (100 + Σr).
        combined = sum((r.percent for r in rates), Decimal(0))
        return tuple(
            TaxLine(r.name, r.category, r.percent, round_half_up(Decimal(net_minor) * r.percent / (100 + combined)))
            for r in rates
        )
    return tuple(TaxLine(r.name, r.category, r.percent, percent_of(net_minor, r.percent)) for r in rates)


def price(cart: Cart, terms: PricingTerms | Location) -> Totals:
    """``terms``: the cart's region and location (``PricingTerms.of``); a Location stored before
    regions stands for its own terms."""
    if isinstance(terms, Location):
        terms = PricingTerms.at(terms)
    gross = [line_gross(line) for line in cart.lines]
    subtotal = sum(gross)
    discount_total = order_discount(subtotal, cart.discounts)
    line_discounts = allocate(discount_total, gross)
    priced_lines = []
    for line, line_gross_minor, line_discount in zip(cart.lines, gross, line_discounts, strict=False):
        net = line_gross_minor - line_discount
        priced_lines.append(
            PricedLine(
                line.line_id,
                line_gross_minor,
                line_discount,
                net,
                _line_taxes(net, terms.tax_rates, terms.tax_inclusive),
            )
        )
    taxes_by_rate = tuple(
        TaxLine(rate.name, rate.category, rate.percent, sum(pl.taxes[i].amount_minor for pl in priced_lines))
        for i, rate in enumerate(terms.tax_rates)
    )
    tax_total = sum(t.amount_minor for t in taxes_by_rate)
    delivery_fee = terms.delivery_fee_minor if cart.fulfillment == "delivery" and cart.lines else 0
    adjustment_total = sum(a.amount_minor for a in cart.adjustments)
    fee_total = delivery_fee + adjustment_total
    exclusive_tax = 0 if terms.tax_inclusive else tax_total
    return Totals(
        currency=cart.currency,
        subtotal_minor=subtotal,
        discount_total_minor=discount_total,
        fee_total_minor=fee_total,
        delivery_fee_minor=delivery_fee,
        adjustment_total_minor=adjustment_total,
        tax_total_minor=tax_total,
        tax_inclusive=terms.tax_inclusive,
        total_minor=subtotal - discount_total + fee_total + exclusive_tax,
        lines=tuple(priced_lines),
        taxes_by_rate=taxes_by_rate,
        paid_minor=sum(p.amount_minor for p in cart.payments if p.status not in ("declined", "voided")),
    )
