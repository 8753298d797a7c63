"""Server-side pricing. Prices come from the catalog (captured on the line); clients never set them.

Invariant, for every cart and every policy:

    total = subtotal − discount_total + shipping_total + fee_total + exclusive tax_total
            − gift_card_total − gift_card_tax_total − return_credit

``return_credit`` is what the units a cart returns were paid (cart_core.returns): a return alone has
a negative total (a refund), an exchange nets it against the new products.

Fees are the delivery fee plus POS adjustments (signed, tax-inclusive, so they carry no extra tax).
Exclusive tax is the line and shipping tax when prices exclude it (none when they include it).

Where vendors round differently, a cart is priced by a ``PricingPolicy`` recorded on it when it is
created (``Cart.pricing_policy``), so every face reads the same totals for the same cart:

- ``largest_remainder`` (BLAZE, LOKE, and every cart stored before policies): the order discount is
  computed in minor units, then split over the lines by largest remainder, so the line discounts add
  up to it exactly; tax is per line and rate on the discounted line, half-up. Gift cards are a tender
  taken from the total after tax, untaxed.
- ``medusa_v1`` (Medusa 1.20's ``new-totals``, ``tax-calculation`` and ``calculateDiscountForLineItem``):
  one adjustment per line and code; a FIXED code with allocation "total" is spread over the lines in
  proportion and *not rounded* (an adjustment may be 16.81818181818182), a line's discount is its
  adjustments rounded, the order's the unrounded sum rounded once (so the two may differ by a unit),
  line tax per rate on the unrounded discounted amount, each rounded; shipping tax per method, the
  rates summed then rounded; gift cards before tax with a tax of their own. Medusa computes in IEEE
  doubles and rounds with JavaScript's ``Math.round`` (half towards +∞); so does this policy (Python's
  float is the same double), so its numbers are Medusa's to the last digit.

- ``newstore`` (NewStore's per-item prices): every item (a unit of a line) priced alike; item-level
  reductions (a fixed "item" code, the line's manual one) then order-level ones (other codes, the
  manual order one) split over items; each tax rate half-up per item (13.78 at 4 %, 4.5 %, 0.375 %:
  0.55 + 0.62 + 0.05). Shipping and gift cards as ``largest_remainder``. Reads ``Cart.manual_discounts``.

Every amount a policy returns is an integer number of minor units except an adjustment's exact
``amount`` (a Decimal: the vendor's own value, fractional only under ``medusa_v1``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, Protocol

from cart_core.cart import AppliedDiscount, AppliedGiftCard, Cart, LineItem, PricingPolicyName, ShippingMethod
from cart_core.catalog import DiscountKind
from cart_core.money import allocate, percent_of, ratio_half_up
from cart_core.tenancy import TaxRate

if TYPE_CHECKING:
    from cart_core.regions import Region
    from cart_core.tenancy import Location

DEFAULT_POLICY: PricingPolicyName = "largest_remainder"
_ZERO = Decimal(0)


class RateSet(Protocol):
    """What pricing reads from where the cart is sold: ``PricingTerms`` (the cart's region and
    location), or a ``tenancy.Location`` stored before regions (its own terms)."""

    @property
    def tax_rates(self) -> tuple[TaxRate, ...]: ...

    @property
    def tax_inclusive(self) -> bool: ...

    @property
    def delivery_fee_minor(self) -> int: ...


@dataclass(frozen=True, slots=True)
class PricingTerms:
    """What pricing needs from where a cart is sold: its region's tax rates, whether prices include
    them and how gift cards are taxed, and its location's delivery fee (cart_core.regions)."""

    tax_rates: tuple[TaxRate, ...]
    tax_inclusive: bool
    delivery_fee_minor: int = 0
    gift_cards_taxable: bool = True
    automatic_taxes: bool = True

    @classmethod
    def of(cls, region: Region, location: Location) -> PricingTerms:
        return cls(
            region.tax_rates,
            region.tax_inclusive,
            location.delivery_fee_minor,
            region.gift_cards_taxable,
            region.automatic_taxes,
        )


@dataclass(frozen=True, slots=True)
class TaxLine:
    """One rate's tax on one line, shipping method or (``Totals.taxes_by_rate``) the whole cart."""

    name: str
    category: str  # the rate's neutral TaxCategory (faces map it: BLAZE's buckets, Medusa's code)
    percent: Decimal
    amount_minor: int


# "manual": an associate's manual reduction (``Cart.manual_discounts``, newstore policy); its
# ``code`` is ``MANUAL_ORDER`` or ``MANUAL_ITEM``.
AdjustmentSource = Literal["discount", "pos", "manual"]
MANUAL_ORDER, MANUAL_ITEM = "manual:order", "manual:item"


@dataclass(frozen=True, slots=True)
class LineAdjustment:
    """A reduction of one line's price by one discount code: positive is a discount. ``amount`` is
    exact as the policy computed it (Medusa's fixed-total shares are fractional); ``amount_minor`` is
    it rounded as the policy rounds. A line's ``discount_minor`` is its adjustments' amounts summed,
    then rounded."""

    source: AdjustmentSource
    code: str  # the discount code (source "discount")
    amount: Decimal

    @property
    def amount_minor(self) -> int:
        return _js_round(float(self.amount))


@dataclass(frozen=True, slots=True)
class PosAdjustment:
    """A POS adjustment as priced: signed and tax-inclusive, counted in ``fee_total`` (a negative
    one is a discount the store granted, a positive one a surcharge); ``line_id`` when it names one."""

    adjustment_id: str
    label: str
    amount_minor: int
    tax_minor: int | None
    line_id: str | None


@dataclass(frozen=True, slots=True)
class PricedLine:
    line_id: str
    gross_minor: int  # (unit price + choices) × quantity
    discount_minor: int  # this line's share of the order discounts
    net_minor: int  # gross − discount
    taxes: tuple[TaxLine, ...]
    adjustments: tuple[LineAdjustment, ...] = ()
    raw_discount: Decimal = Decimal(0)  # the adjustments' exact sum (== discount_minor but for Medusa)

    @property
    def tax_minor(self) -> int:
        return sum(t.amount_minor for t in self.taxes)


@dataclass(frozen=True, slots=True)
class PricedShipping:
    method_id: str
    name: str
    amount_minor: int  # before tax (or, with tax-inclusive prices, with it)
    taxes: tuple[TaxLine, ...]

    @property
    def tax_minor(self) -> int:
        return sum(t.amount_minor for t in self.taxes)


@dataclass(frozen=True, slots=True)
class GiftCardUse:
    """How much of one applied gift card an order spends (what placement takes from its balance)."""

    code: str
    amount_minor: int


@dataclass(frozen=True, slots=True)
class Totals:
    currency: str
    subtotal_minor: int
    discount_total_minor: int
    fee_total_minor: int
    delivery_fee_minor: int
    adjustment_total_minor: int
    tax_total_minor: int  # line tax + shipping tax
    tax_inclusive: bool
    total_minor: int
    lines: tuple[PricedLine, ...]
    taxes_by_rate: tuple[TaxLine, ...] = field(default=())
    paid_minor: int = 0
    policy: PricingPolicyName = DEFAULT_POLICY
    raw_discount_total: Decimal = Decimal(0)  # Σ exact adjustments (Medusa's raw_discount_total)
    item_tax_total_minor: int = 0
    shipping: tuple[PricedShipping, ...] = ()
    shipping_total_minor: int = 0
    shipping_tax_total_minor: int = 0
    gift_card_total_minor: int = 0
    gift_card_tax_total_minor: int = 0
    pos_adjustments: tuple[PosAdjustment, ...] = ()
    # What the cart's returns credit (cart_core.returns), taken from the total; 0 for a sale.
    return_credit_minor: int = 0

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


# ----- shared arithmetic -------------------------------------------------------------------


def _js_round(value: float) -> int:
    """JavaScript's ``Math.round``: the nearest integer, a half towards +∞ (−2.5 → −2). Exact for
    doubles: ``value − floor(value)`` loses nothing below 2⁵²."""
    whole = math.floor(value)
    return whole + 1 if value - whole >= 0.5 else whole


def _exact(value: float) -> Decimal:
    """A double as the shortest decimal that reads back as it (what JavaScript prints)."""
    value = float(value)
    return Decimal(int(value)) if value.is_integer() else Decimal(repr(value))


def _split(total: int, parts: Sequence[float | Decimal]) -> list[int]:
    """Integers that sum to ``total``, each the floor of its exact ``part`` plus one for the largest
    fractional parts (earlier first on ties): per-rate tax lines of a tax rounded once as a whole."""
    floors = [math.floor(p) for p in parts]
    order = sorted(range(len(parts)), key=lambda i: (-(parts[i] - floors[i]), i))
    extra = total - sum(floors)
    for i in order[: max(0, extra)]:
        floors[i] += 1
    return floors


def _half_up_taxes(amount: int, rates: tuple[TaxRate, ...], inclusive: bool) -> tuple[TaxLine, ...]:
    """Each rate's tax on ``amount``, half-up to the minor unit."""
    return _half_up_taxer(rates, inclusive)(amount)


def _half_up_taxer(rates: tuple[TaxRate, ...], inclusive: bool) -> Callable[[int], tuple[TaxLine, ...]]:
    """``_half_up_taxes`` for one cart's rates: each rate's exact fraction is taken once, then every
    line's tax is integer arithmetic (a Decimal product and quantize per line and rate cost most of
    a 100-line cart's pricing). Exact, so the same as ``percent_of`` (exclusive) and as
    ``round_half_up(Decimal(amount) × r / (100 + Σr))`` (inclusive: that quotient's 28 digits never
    reach a half the exact one does not), which tests/unit/test_pricing.py checks."""
    if inclusive:
        # The amount already contains every rate: tax_i = amount × r_i / (100 + Σr)
        #   = amount × n_i·cd / (d_i·(100·cd + cn)), with r_i = n_i/d_i and Σr = cn/cd.
        cn, cd = sum((r.percent for r in rates), _ZERO).as_integer_ratio()
        fractions = [(r, n * cd, d * (100 * cd + cn)) for r in rates for n, d in [r.percent.as_integer_ratio()]]
    else:
        fractions = [(r, n, 100 * d) for r in rates for n, d in [r.percent.as_integer_ratio()]]

    def taxes(amount: int) -> tuple[TaxLine, ...]:
        return tuple([TaxLine(r.name, r.category, r.percent, ratio_half_up(amount * n, d)) for r, n, d in fractions])

    return taxes


@dataclass(frozen=True, slots=True)
class GiftCardBase:
    """What a policy needs to apply gift cards: the cart's amounts before them."""

    subtotal_minor: int
    shipping_total_minor: int
    discount_total_minor: int
    tax_total_minor: int
    total_before_minor: int  # the total the cards are taken from
    taxable: bool  # Medusa's region.gift_cards_taxable


# ----- the policies ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PricingPolicy:
    """How one vendor's carts round: discounts over lines, line and shipping tax, gift cards. Pure."""

    name: PricingPolicyName
    lines: Callable[[Cart, list[int], tuple[TaxRate, ...], bool], tuple[list[PricedLine], int]]
    shipping: Callable[[ShippingMethod, tuple[TaxRate, ...], bool], PricedShipping]
    gift_cards: Callable[[list[AppliedGiftCard], GiftCardBase], tuple[int, int]]


def order_discount(subtotal_minor: int, discounts: list[AppliedDiscount], lines: Sequence[LineItem] = ()) -> int:
    """Codes apply one after another on what is left, and never take the order below zero."""
    return sum(_code_amounts(subtotal_minor, discounts, lines))


def _code_amounts(subtotal_minor: int, discounts: list[AppliedDiscount], lines: Sequence[LineItem]) -> list[int]:
    remaining = subtotal_minor
    amounts = []
    for discount in discounts:
        if discount.kind is DiscountKind.PERCENTAGE:
            amount = percent_of(remaining, discount.value)
        elif discount.allocation == "item":
            amount = sum(min(int(discount.value) * line.quantity, line_gross(line)) for line in lines)
        else:
            amount = int(discount.value)
        taken = min(amount, remaining)
        amounts.append(taken)
        remaining -= taken
    return amounts


def _largest_remainder_lines(
    cart: Cart, gross: list[int], rates: tuple[TaxRate, ...], inclusive: bool
) -> tuple[list[PricedLine], int]:
    subtotal = sum(gross)
    per_code = _code_amounts(subtotal, cart.discounts, cart.lines)
    discount_total = sum(per_code)
    line_discounts = allocate(discount_total, gross)
    priced = []
    discounts = cart.discounts
    taxes = _half_up_taxer(rates, inclusive)
    for line, line_gross_minor, line_discount in zip(cart.lines, gross, line_discounts, strict=True):
        # The line's share, split among the codes in proportion to what each took from the order:
        # the adjustments sum to the line's discount exactly (none without a discount on the line).
        adjustments: tuple[LineAdjustment, ...] = ()
        if line_discount:
            shares = allocate(line_discount, per_code)
            adjustments = tuple(
                LineAdjustment("discount", d.code, Decimal(share))
                for d, share in zip(discounts, shares, strict=True)
                if share
            )
        net = line_gross_minor - line_discount
        priced.append(
            PricedLine(
                line.line_id,
                line_gross_minor,
                line_discount,
                net,
                taxes(net),
                adjustments,
                Decimal(line_discount) if line_discount else _ZERO,
            )
        )
    return priced, discount_total


def _largest_remainder_shipping(method: ShippingMethod, rates: tuple[TaxRate, ...], inclusive: bool) -> PricedShipping:
    taxes = _half_up_taxes(method.amount_minor, rates, inclusive) if method.taxable else ()
    return PricedShipping(method.method_id, method.name, method.amount_minor, taxes)


def _tender_gift_cards(cards: list[AppliedGiftCard], base: GiftCardBase) -> tuple[int, int]:
    """Gift cards as a tender: they pay what the total asks, after tax, and carry no tax."""
    return min(sum(c.balance_minor for c in cards), max(0, base.total_before_minor)), 0


def _medusa_lines(
    cart: Cart, gross: list[int], rates: tuple[TaxRate, ...], inclusive: bool
) -> tuple[list[PricedLine], int]:
    # Codes take only from lines that allow discounts, and a fixed "total" code is spread over those
    # lines' subtotals alone (Medusa's calculateDiscountForLineItem: a gift card takes no share).
    subtotal = sum(g for line, g in zip(cart.lines, gross, strict=True) if line.allow_discounts)
    left = [float(g) for g in gross]  # what later codes may still take from each line
    per_line: list[list[LineAdjustment]] = [[] for _ in cart.lines]
    raw: list[float] = [0.0 for _ in cart.lines]
    for discount in cart.discounts:
        value = float(discount.value)
        for i, (line, line_gross_minor) in enumerate(zip(cart.lines, gross, strict=True)):
            if not line.allow_discounts:
                continue
            if discount.kind is DiscountKind.PERCENTAGE:
                amount = float(_js_round((line_gross_minor / 100) * value))
            elif discount.allocation == "total":
                # min(value, Σ subtotals) × this line's part of them, not rounded (Medusa's
                # calculateDiscountForLineItem; an empty order has nothing to spread over).
                amount = min(value, subtotal) * (line_gross_minor / subtotal) if subtotal else 0.0
            else:
                amount = value * line.quantity
            amount = min(amount, float(line_gross_minor), left[i])
            if amount == 0:
                continue  # Medusa creates no adjustment of 0
            left[i] -= amount
            raw[i] += amount
            per_line[i].append(LineAdjustment("discount", discount.code, _exact(amount)))
    combined = sum((float(r.percent) for r in rates), 0.0)
    priced = []
    for line, line_gross_minor, line_raw, adjustments in zip(cart.lines, gross, raw, per_line, strict=True):
        discount_minor = _js_round(line_raw)
        taxable = line_gross_minor - line_raw
        if inclusive:
            amounts = [_js_round(taxable * float(r.percent) / (100 + combined)) for r in rates]
        else:
            amounts = [_js_round(taxable * (float(r.percent) / 100)) for r in rates]
        priced.append(
            PricedLine(
                line.line_id,
                line_gross_minor,
                discount_minor,
                line_gross_minor - discount_minor,
                tuple(TaxLine(r.name, r.category, r.percent, a) for r, a in zip(rates, amounts, strict=True)),
                tuple(adjustments),
                _exact(line_raw),
            )
        )
    # The order's discount: the lines' unrounded discounts summed in order, rounded once.
    return priced, _js_round(sum(raw))


def _medusa_shipping(method: ShippingMethod, rates: tuple[TaxRate, ...], inclusive: bool) -> PricedShipping:
    if not method.taxable or not rates:
        return PricedShipping(method.method_id, method.name, method.amount_minor, ())
    price = float(method.amount_minor)
    if inclusive:
        combined = sum((float(r.percent) for r in rates), 0.0) / 100
        parts = [price * (float(r.percent) / 100) / (1 + combined) for r in rates]
    else:
        parts = [price * (float(r.percent) / 100) for r in rates]
    # Medusa sums the rates' unrounded taxes and rounds once; the per-rate lines split that total.
    total = _js_round(sum(parts))
    taxes = tuple(TaxLine(r.name, r.category, r.percent, a) for r, a in zip(rates, _split(total, parts), strict=True))
    return PricedShipping(method.method_id, method.name, method.amount_minor, taxes)


def _medusa_gift_cards(cards: list[AppliedGiftCard], base: GiftCardBase) -> tuple[int, int]:
    """Medusa's getGiftCardTotals: the cards cover the order before tax (or with it, when gift cards
    are not taxable in the region), and a card with a tax rate also pays that rate on what it covers.
    A card without a rate leaves the amount it covers for the next card's tax (as Medusa does)."""
    cardable = base.subtotal_minor + base.shipping_total_minor - base.discount_total_minor
    if not base.taxable:
        cardable += base.tax_total_minor
    left = cardable
    tax = 0
    for card in cards:
        taxable = min(left, card.balance_minor)
        if taxable <= 0 or not card.tax_rate:
            continue
        tax += _js_round(taxable * (float(card.tax_rate) / 100))
        left -= taxable
    return min(cardable, sum(c.balance_minor for c in cards)), tax


def _per_unit_shares(amount: int, nets: Sequence[int], quantities: Sequence[int]) -> list[int]:
    """``amount`` split over lines whose items are left ``nets[i]`` each, as a share per item, so
    every item of a line is priced alike: in proportion to the lines' nets (largest remainder), each
    line's share floored to a multiple of its quantity, then the cents left go one per item to the
    lines with the largest remainders while a whole round of that line's items fits. Never more
    than ``amount`` in all, nor more than an item's net; less only by cents no line's quantity
    divides (never with a line of one item, NewStore's usual line)."""
    shares = allocate(amount, [n * q for n, q in zip(nets, quantities, strict=True)])
    per_unit = [s // q for s, q in zip(shares, quantities, strict=True)]
    left = amount - sum(d * q for d, q in zip(per_unit, quantities, strict=True))
    order = sorted(range(len(nets)), key=lambda i: (-(shares[i] - per_unit[i] * quantities[i]), i))
    progress = True
    while left > 0 and progress:
        progress = False
        for i in order:
            if quantities[i] <= left and per_unit[i] < nets[i]:
                per_unit[i] += 1
                left -= quantities[i]
                progress = True
    return per_unit


def _reduction(kind: DiscountKind | str, value: Decimal, base: int) -> int:
    """What a rule takes from ``base`` (minor units): a percentage of it half-up, or a fixed value;
    never more than ``base``, never below zero."""
    if base <= 0:
        return 0
    amount = percent_of(base, value) if kind in (DiscountKind.PERCENTAGE, "percentage") else int(value)
    return max(0, min(amount, base))


def _newstore_lines(
    cart: Cart, gross: list[int], rates: tuple[TaxRate, ...], inclusive: bool
) -> tuple[list[PricedLine], int]:
    """NewStore prices each item (one unit of a line) alike and a line as its quantity of items:
    item-level reductions first (a code of allocation "item", then the line's manual one), each
    rounded per item; then order-level ones (the other codes, then the manual order one) one after
    another on what the order has left, each split over the items (``_per_unit_shares``); then each
    tax rate on the item's discounted price, half-up per item (13.78 at 4 %, 4.5 %, 0.375 %: 0.55 +
    0.62 + 0.05 = 1.22), extracted from it when prices include tax. Codes skip lines that allow no
    discounts; an associate's manual reductions apply to any line."""
    units = [line.unit_total_minor for line in cart.lines]
    quantities = [line.quantity for line in cart.lines]
    left = list(units)  # what each item still costs
    taken: list[list[LineAdjustment]] = [[] for _ in cart.lines]  # per line, per item amounts
    manual_items = {m.line_id: m for m in cart.manual_discounts if m.line_id is not None}
    manual_order = next((m for m in cart.manual_discounts if m.line_id is None), None)

    def take(i: int, source: AdjustmentSource, code: str, per_item: int) -> None:
        if per_item:
            left[i] -= per_item
            taken[i].append(LineAdjustment(source, code, Decimal(per_item)))

    item_codes = [d for d in cart.discounts if d.kind is DiscountKind.FIXED and d.allocation == "item"]
    order_codes = [d for d in cart.discounts if d not in item_codes]
    for i, line in enumerate(cart.lines):
        for item_code in item_codes if line.allow_discounts else ():
            take(i, "discount", item_code.code, _reduction(item_code.kind, item_code.value, left[i]))
        manual = manual_items.get(line.line_id)
        if manual is not None:
            take(i, "manual", MANUAL_ITEM, _reduction(manual.kind, manual.value, left[i]))
    order_rules: list[tuple[AdjustmentSource, str, DiscountKind | str, Decimal, bool]] = [
        ("discount", d.code, d.kind, d.value, True) for d in order_codes
    ]
    if manual_order is not None:
        order_rules.append(("manual", MANUAL_ORDER, manual_order.kind, manual_order.value, False))
    for source, name, kind, value, codes_only in order_rules:
        eligible = [i for i, line in enumerate(cart.lines) if line.allow_discounts or not codes_only]
        base = sum(left[i] * quantities[i] for i in eligible)
        amount = _reduction(kind, value, base)
        shares = _per_unit_shares(amount, [left[i] for i in eligible], [quantities[i] for i in eligible])
        for i, share in zip(eligible, shares, strict=True):
            take(i, source, name, share)
    taxes = _half_up_taxer(rates, inclusive)
    priced = []
    for i, line in enumerate(cart.lines):
        q = quantities[i]
        discount = (units[i] - left[i]) * q
        item_taxes = taxes(left[i])
        priced.append(
            PricedLine(
                line.line_id,
                gross[i],
                discount,
                gross[i] - discount,
                # One item (most NewStore lines): its taxes are the line's.
                item_taxes
                if q == 1
                else tuple(TaxLine(t.name, t.category, t.percent, t.amount_minor * q) for t in item_taxes),
                tuple(LineAdjustment(a.source, a.code, a.amount * q) for a in taken[i]),
                Decimal(discount),
            )
        )
    return priced, sum(pl.discount_minor for pl in priced)


LARGEST_REMAINDER = PricingPolicy(
    "largest_remainder", _largest_remainder_lines, _largest_remainder_shipping, _tender_gift_cards
)
MEDUSA_V1 = PricingPolicy("medusa_v1", _medusa_lines, _medusa_shipping, _medusa_gift_cards)
# NewStore: per-item rounding and manual reductions; shipping taxed per rate half-up, gift cards a tender.
NEWSTORE = PricingPolicy("newstore", _newstore_lines, _largest_remainder_shipping, _tender_gift_cards)
POLICIES: dict[PricingPolicyName, PricingPolicy] = {p.name: p for p in (LARGEST_REMAINDER, MEDUSA_V1, NEWSTORE)}


def policy_of(cart: Cart) -> PricingPolicy:
    """The policy the cart was created with (none recorded: the one every cart had before)."""
    return POLICIES[cart.pricing_policy or DEFAULT_POLICY]


# ----- pricing -----------------------------------------------------------------------------


def _taxes_by_rate(
    rates: tuple[TaxRate, ...],
    lines: Sequence[PricedLine],
    shipping: Sequence[PricedShipping],
    at_cart_rates: Sequence[bool],
) -> tuple[TaxLine, ...]:
    """The cart's tax per rate: the cart's rates in their order (each line's and method's taxes are
    parallel to them), then the rates of methods taxed at their option's own, each merged into an
    equal cart rate (same name, category and percent) or added after."""
    amounts = [
        sum(pl.taxes[i].amount_minor for pl in lines)
        + sum(
            ps.taxes[i].amount_minor
            for ps, at_cart in zip(shipping, at_cart_rates, strict=True)
            if at_cart and ps.taxes
        )
        for i in range(len(rates))
    ]
    keys = [(r.name, r.category, r.percent) for r in rates]
    extra: dict[tuple[str, str, Decimal], int] = {}
    for ps, at_cart in zip(shipping, at_cart_rates, strict=True):
        for tax in () if at_cart else ps.taxes:
            key = (tax.name, tax.category, tax.percent)
            if key in keys:
                amounts[keys.index(key)] += tax.amount_minor
            else:
                extra[key] = extra.get(key, 0) + tax.amount_minor
    return (
        *(TaxLine(r.name, r.category, r.percent, amount) for r, amount in zip(rates, amounts, strict=True)),
        *(TaxLine(name, category, percent, amount) for (name, category, percent), amount in extra.items()),
    )


def taxes_apply(cart: Cart, location: RateSet, force_taxes: bool = False) -> bool:
    """Whether ``cart`` is priced with its taxes: always, unless its region settles them at checkout
    (``Region.automatic_taxes`` False) and the cart is still open; then only when ``force_taxes``
    (checkout asks: a tax quote, the amount a payment is opened or authorized for). A placed
    order is always taxed (it was charged so). A tax-exempt order (``Cart.tax_exempt``) never is."""
    if cart.tax_exempt:
        return False  # an exempt order carries no tax at all, open or placed
    return force_taxes or getattr(location, "automatic_taxes", True) or cart.submitted_ms is not None


def price(cart: Cart, location: RateSet, policy: PricingPolicy | None = None, *, force_taxes: bool = False) -> Totals:
    """The cart's totals by ``policy`` (default: the one recorded on the cart). ``location``: the
    cart's ``PricingTerms``, or a location stored before regions (its own terms). ``force_taxes``:
    taxed even where the region shows no tax on an open cart (``taxes_apply``); every amount that
    is charged is priced so."""
    if getattr(location, "default_region_id", None) is not None:
        raise ValueError("A location with a default region prices through it: PricingTerms.of(region, location)")
    policy = policy or policy_of(cart)
    # Untaxed, a cart has no tax lines at all (no rate applies), not lines of zero.
    taxed = taxes_apply(cart, location, force_taxes)
    rates = location.tax_rates if taxed else ()
    inclusive = location.tax_inclusive
    gross = [line_gross(line) for line in cart.lines]
    subtotal = sum(gross)
    priced_lines, discount_total = policy.lines(cart, gross, rates, inclusive)
    methods = cart.shipping_methods
    shipping = tuple(
        policy.shipping(method, (rates if method.tax_rates is None else method.tax_rates) if taxed else (), inclusive)
        for method in methods
    )
    taxes_by_rate = _taxes_by_rate(rates, priced_lines, shipping, [m.tax_rates is None for m in methods])
    item_tax = sum(pl.tax_minor for pl in priced_lines)
    shipping_total = sum(ps.amount_minor for ps in shipping)
    shipping_tax = sum(ps.tax_minor for ps in shipping)
    tax_total = item_tax + shipping_tax
    delivery_fee = location.delivery_fee_minor if cart.fulfillment == "delivery" and cart.lines else 0
    adjustment_total = sum(a.amount_minor for a in cart.adjustments)
    fee_total = delivery_fee + adjustment_total
    exclusive_tax = 0 if inclusive else tax_total
    before_gift_cards = subtotal - discount_total + shipping_total + fee_total + exclusive_tax
    gift_card_total, gift_card_tax = 0, 0
    if cart.gift_cards:
        base = GiftCardBase(
            subtotal,
            shipping_total,
            discount_total,
            tax_total,
            before_gift_cards,
            getattr(location, "gift_cards_taxable", True),
        )
        gift_card_total, gift_card_tax = policy.gift_cards(cart.gift_cards, base)
        # Gift cards never take the order below zero: what they would cover past it is not spent
        # (Medusa could show a negative total when a card's tax rate exceeds the order's).
        payable = max(0, before_gift_cards)
        gift_card_total = min(gift_card_total, payable)
        gift_card_tax = min(gift_card_tax, payable - gift_card_total)
    return_credit = sum(item.refund_minor for item in cart.returns) if cart.returns else 0
    return Totals(
        currency=cart.currency,
        subtotal_minor=subtotal,
        discount_total_minor=discount_total,
        fee_total_minor=fee_total,
        delivery_fee_minor=delivery_fee,
        adjustment_total_minor=adjustment_total,
        tax_total_minor=tax_total,
        tax_inclusive=inclusive,
        total_minor=before_gift_cards - gift_card_total - gift_card_tax - return_credit,
        lines=tuple(priced_lines),
        taxes_by_rate=taxes_by_rate,
        paid_minor=sum(p.amount_minor for p in cart.payments if p.status not in ("declined", "voided")),
        policy=policy.name,
        raw_discount_total=sum((pl.raw_discount for pl in priced_lines), Decimal(0)),
        item_tax_total_minor=item_tax,
        shipping=shipping,
        shipping_total_minor=shipping_total,
        shipping_tax_total_minor=shipping_tax,
        gift_card_total_minor=gift_card_total,
        gift_card_tax_total_minor=gift_card_tax,
        pos_adjustments=tuple(
            PosAdjustment(a.adjustment_id, a.label, a.amount_minor, a.tax_minor, a.line_id) for a in cart.adjustments
        ),
        return_credit_minor=return_credit,
    )


def gift_card_uses(cart: Cart, totals: Totals) -> list[GiftCardUse]:
    """What placing the order takes from each applied card: ``gift_card_total`` spent from the card
    that ends first (no end: last), then the smallest balance (Medusa's order.createFromCart, so the
    most is left for the longest), each at most its balance. The cards' tax part is not taken from
    balances (Medusa records it on the transaction, not the card)."""
    left = totals.gift_card_total_minor
    uses = []
    never = 2**63
    for card in sorted(cart.gift_cards, key=lambda c: (c.ends_ms if c.ends_ms is not None else never, c.balance_minor)):
        if left <= 0:
            break
        used = min(card.balance_minor, left)
        if used:
            uses.append(GiftCardUse(card.code, used))
        left -= used
    return uses
