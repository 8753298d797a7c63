"""The cart aggregate: one document per cart, every face's fields mapped onto it."""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from cart_core import payments as payment_providers
from cart_core.catalog import DiscountAllocation, DiscountKind
from cart_core.clock import ms, system_clock
from cart_core.errors import Conflict, InvalidRequest
from cart_core.events.types import EventType, on_entering
from cart_core.ids import InternalId
from cart_core.lifecycle import EDITABLE, CartStatus, check_transition

MAX_LINES = 100
MAX_QUANTITY = 10_000
# The transition log keeps a cart's last transitions (a lifecycle has at most six; the bound keeps a
# cart that could one day loop, e.g. failed → placed again, well inside its size cap).
MAX_TRANSITIONS = 16


def new_id() -> str:
    """A fresh id in storage form: 24 hex characters, time-ordered like the ObjectIds BLAZE
    integrations expect (``ids.InternalId``; each face renders it in its own shape)."""
    return InternalId.new().key


def now_ms() -> int:
    """The system clock in epoch ms: only the defaults of a model built outside a use case (a use
    case passes its injected clock's time, ``clock.ms``)."""
    return ms(system_clock)


class Choice(BaseModel):
    choice_id: str
    name: str
    price_minor: int = 0


class LineOption(BaseModel):
    option_id: str
    name: str
    choices: list[Choice] = Field(default_factory=list)


class LineItem(BaseModel):
    line_id: str = Field(default_factory=new_id)
    product_id: str
    title: str = ""
    quantity: int = Field(gt=0, le=MAX_QUANTITY)
    unit_price_minor: int = 0
    options: list[LineOption] = Field(default_factory=list)
    note: str | None = None
    finalized: bool = False

    @property
    def unit_total_minor(self) -> int:
        return self.unit_price_minor + sum(c.price_minor for o in self.options for c in o.choices)


class AppliedDiscount(BaseModel):
    """A discount code as it was when applied, so reads can price without the catalog."""

    code: str
    kind: DiscountKind
    value: Decimal
    allocation: DiscountAllocation = "total"


# Shipping methods a cart carries (Medusa: one per shipping profile; NewStore: one solution). Their
# prices come from the store's shipping options, never from the client.
MAX_SHIPPING_METHODS = 10
MAX_SHIPPING_MINOR = 10_000_000


class ShippingMethod(BaseModel):
    """A way the order ships and what it costs, before tax. ``taxable``: the cart's tax rates apply
    to it too (Medusa taxes shipping at the region's rates; BLAZE's delivery fee is not one of these
    and stays untaxed). Bounds are checked when methods are set (``problem``), not on read."""

    method_id: str
    name: str = ""
    amount_minor: int
    taxable: bool = False

    def problem(self) -> str | None:
        """Why this method is out of bounds, or None."""
        if not 1 <= len(self.method_id.encode()) <= 128:
            return "a shipping method id is 1 to 128 bytes"
        if len(self.name.encode()) > 256:
            return "a shipping method name is at most 256 bytes"
        if not 0 <= self.amount_minor <= MAX_SHIPPING_MINOR:
            return f"a shipping amount is 0 to {MAX_SHIPPING_MINOR} minor units"
        return None


MAX_GIFT_CARDS = 10


class AppliedGiftCard(BaseModel):
    """A gift card as it was when applied, so reads can price without the catalog. The balance is
    taken for real (and re-checked against the stored one) only when the order is placed."""

    code: str
    balance_minor: int  # within [0, MAX_GIFT_CARD_MINOR]: copied from a validated catalog.GiftCard
    ends_ms: int | None = None
    tax_rate: Decimal | None = None


# How the cart is priced (``cart_core.pricing.POLICIES``), fixed when it is created so every face
# reads the same totals for it. Carts stored before the field have none: the largest-remainder policy.
PricingPolicyName = Literal["largest_remainder", "medusa_v1"]


# What a POS may add at validation. Stored carts are read without these checks (a document written
# before them must still load); ``check_adjustments`` applies them to every new set of adjustments.
MAX_ADJUSTMENTS = 100
MAX_ADJUSTMENT_MINOR = 1_000_000  # per adjustment: 10,000.00 in a two-decimal currency
MAX_ADJUSTMENT_ID_BYTES = 128
MAX_ADJUSTMENT_LABEL_BYTES = 256


class Adjustment(BaseModel):
    """Signed, tax-inclusive: negative is a discount, positive a surcharge (set by a POS)."""

    adjustment_id: str
    label: str
    amount_minor: int
    tax_minor: int | None = None  # the tax part of amount_minor, when the POS says
    line_id: str | None = None

    def problem(self) -> str | None:
        """Why this adjustment is out of bounds, or None."""
        if len(self.adjustment_id.encode()) > MAX_ADJUSTMENT_ID_BYTES or not self.adjustment_id:
            return f"an adjustment id is 1 to {MAX_ADJUSTMENT_ID_BYTES} bytes"
        if len(self.label.encode()) > MAX_ADJUSTMENT_LABEL_BYTES:
            return f"an adjustment label is at most {MAX_ADJUSTMENT_LABEL_BYTES} bytes"
        if abs(self.amount_minor) > MAX_ADJUSTMENT_MINOR:
            return f"an adjustment is at most {MAX_ADJUSTMENT_MINOR} minor units either way"
        tax = self.tax_minor
        if tax and ((tax > 0) != (self.amount_minor > 0) or abs(tax) > abs(self.amount_minor)):
            return "taxIncluded is part of the amount: the same sign, and no larger"
        return None


def check_adjustments(adjustments: list[Adjustment]) -> None:
    if len(adjustments) > MAX_ADJUSTMENTS:
        raise InvalidRequest(f"At most {MAX_ADJUSTMENTS} adjustments")
    for adjustment in adjustments:
        if problem := adjustment.problem():
            raise InvalidRequest(f"Adjustment {adjustment.adjustment_id[:64]!r}: {problem}")


PaymentStatus = Literal["recorded", "authorized", "capturing", "captured", "voided", "declined"]


class Payment(BaseModel):
    """The consumer's payment and where it stands with its provider.

    recorded (nothing asked of a provider yet) → authorized (a card hold, at submit) → capturing (the
    payment worker's claim, committed before it asks the processor, so no consumer cancel can slip in
    between) → captured, or voided (the order ended without a capture); declined at either step. Cash
    or pay at pickup stays recorded: the store collects it in person. Documents stored before
    authorize/capture have only the first six fields; the rest default.
    """

    method: str
    amount_minor: int
    reference: str | None = None  # the card token the consumer gave, if any
    status: PaymentStatus = "recorded"
    provider: str | None = None
    provider_reference: str | None = None  # the settled charge (capture or decline): BLAZE's chargeId
    authorization_reference: str | None = None
    authorized_minor: int | None = None
    captured_minor: int | None = None
    void_reference: str | None = None
    decline_reason: str | None = None

    @property
    def hold_is_live(self) -> bool:
        """A live card hold that caps what the store may charge and must be released if unused."""
        return self.authorization_reference is not None and self.status in ("authorized", "declined")


class Address(BaseModel):
    address: str | None = None
    city: str | None = None
    state: str | None = None
    zip_code: str | None = None
    country: str | None = None


class Transition(BaseModel):
    """One entry of a cart's transition log, written in the same write as the transition itself.

    The stream outbox emits, for each entry a write added (``seq`` above the old image's last), the
    ``events`` it names, in order: so one write may stand for several events (open → submitted →
    validated in one write emits both), and which events a transition stands for (an order placed
    at validation when it pays at pickup) is decided once, when it happens.
    """

    seq: int
    from_status: CartStatus
    to_status: CartStatus
    at_ms: int
    events: list[EventType] = Field(default_factory=list)


FulfillmentKind = Literal["pickup", "delivery", "ship"]


class Cart(BaseModel):
    cart_id: str = Field(default_factory=new_id)
    tenant_id: str
    location_id: str
    currency: str
    status: CartStatus = CartStatus.OPEN

    consumer_id: str | None = None
    session_id: str | None = None
    external_id: str | None = None
    transaction_id: str | None = None
    public_key: str = Field(default_factory=lambda: secrets.token_hex(16))

    lines: list[LineItem] = Field(default_factory=list)
    discounts: list[AppliedDiscount] = Field(default_factory=list)
    adjustments: list[Adjustment] = Field(default_factory=list)
    shipping_methods: list[ShippingMethod] = Field(default_factory=list)  # at most MAX_SHIPPING_METHODS
    gift_cards: list[AppliedGiftCard] = Field(default_factory=list)  # at most MAX_GIFT_CARDS (CartEdits)
    pricing_policy: PricingPolicyName | None = None
    payments: list[Payment] = Field(default_factory=list)
    fulfillment: FulfillmentKind = "delivery"
    delivery_address: Address | None = None
    requested_time_ms: int | None = None
    order_tags: list[str] = Field(default_factory=list)
    notes: str | None = None
    additional_notes: str | None = None
    source: str | None = None
    order_no: str | None = None
    reason: str | None = None
    canceled_by: Literal["consumer", "store"] | None = None

    created_ms: int = Field(default_factory=now_ms)
    modified_ms: int = Field(default_factory=now_ms)
    submitted_ms: int | None = None
    validated_ms: int | None = None
    rejected_ms: int | None = None
    canceled_ms: int | None = None
    paid_ms: int | None = None
    completed_ms: int | None = None

    # The last transitions, oldest first (``Transition``); empty on carts stored before the log.
    transitions: list[Transition] = Field(default_factory=list)

    # The total as last priced, kept so events and other readers need no location to know it.
    total_minor: int | None = None

    version: int = 0
    expires_at: int = 0

    @property
    def pays_at_pickup(self) -> bool:
        """No money for the service to capture: no payment, or one in cash / at pickup (its provider
        holds no funds). Such an order, once validated, is a placed order whose payment is due at pickup."""
        payment = self.payments[-1] if self.payments else None
        return payment is None or not payment_providers.holds_funds(payment.provider, payment.reference)

    def require_editable(self) -> None:
        if self.status not in EDITABLE:
            raise Conflict(f"Cart {self.cart_id} is {self.status.value} and can no longer be edited")

    def transition(self, target: CartStatus, at_ms: int) -> None:
        check_transition(self.status, target)
        seq = self.transitions[-1].seq + 1 if self.transitions else 1
        entry = Transition(
            seq=seq,
            from_status=self.status,
            to_status=target,
            at_ms=at_ms,
            events=list(on_entering(target, self.pays_at_pickup)),
        )
        self.transitions = [*self.transitions, entry][-MAX_TRANSITIONS:]
        self.status = target
        stamp = {
            CartStatus.SUBMITTED: "submitted_ms",
            CartStatus.VALIDATED: "validated_ms",
            CartStatus.REJECTED: "rejected_ms",
            CartStatus.EXPIRED: "rejected_ms",
            CartStatus.CANCELED: "canceled_ms",
            CartStatus.PAID: "paid_ms",
            CartStatus.COMPLETED: "completed_ms",
        }.get(target)
        if stamp:
            setattr(self, stamp, at_ms)
        self.modified_ms = at_ms

    def line(self, line_id: str) -> LineItem | None:
        return next((line for line in self.lines if line.line_id == line_id), None)

    def set_shipping_methods(self, methods: list[ShippingMethod]) -> None:
        """Replace the shipping methods (priced by the caller from the store's options), bounded."""
        if len(methods) > MAX_SHIPPING_METHODS:
            raise InvalidRequest(f"A cart holds at most {MAX_SHIPPING_METHODS} shipping methods")
        ids = [m.method_id for m in methods]
        if len(set(ids)) != len(ids):
            raise InvalidRequest("A shipping method is on a cart at most once")
        for method in methods:
            if problem := method.problem():
                raise InvalidRequest(f"Shipping method {method.method_id[:64]!r}: {problem}")
        self.shipping_methods = [ShippingMethod.model_validate(m.model_dump()) for m in methods]
