"""The cart aggregate: one document per cart, every face's fields mapped onto it."""

from __future__ import annotations

import json
import operator
import secrets
from decimal import Decimal
from functools import partial
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from cart_core.actors import LEGACY_IDENTITY_FIELDS, OWNER_KIND, check_identity
from cart_core.catalog import DiscountAllocation, DiscountKind, GiftCard
from cart_core.clock import ms, system_clock
from cart_core.errors import Conflict, InvalidRequest
from cart_core.events.types import EventType, on_entering
from cart_core.ids import InternalId
from cart_core.lifecycle import EDITABLE, CartStatus, check_transition
from cart_core.tenancy import TaxRate

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


# A line's fields that keep their default are left out of its serialised form (the stored cart
# document): reading it back gives the same line (the defaults are constants), a 100-line cart's
# document is about a third as long (30 KB → 10 KB), and so is the JSON every read parses and
# validates. Documents written before keep every field and read as they always did.
_IS_NONE = partial(operator.is_, None)
_EMPTY = operator.not_  # "", [] or {} (and False): the field's default when it is one of these
_TRUE = operator.truth


class LineItem(BaseModel):
    line_id: str = Field(default_factory=new_id)
    product_id: str
    title: str = Field(default="", exclude_if=_EMPTY)
    quantity: int = Field(gt=0, le=MAX_QUANTITY)
    unit_price_minor: int = 0
    options: list[LineOption] = Field(default_factory=list, exclude_if=_EMPTY)
    note: str | None = Field(default=None, exclude_if=_IS_NONE)
    finalized: bool = Field(default=False, exclude_if=_EMPTY)
    # A storefront's own data about the line (Medusa's line-item metadata), bounded when set
    # (``check_line_metadata``); two lines of one product merge only if theirs are equal.
    metadata: dict[str, Any] = Field(default_factory=dict, exclude_if=_EMPTY)
    # From the variant when the line was added (cart_core.catalog.Product), so reads render and price
    # it without the catalog. ``allow_discounts`` False (Medusa: a product not discountable, a gift
    # card): no discount code takes from this line. ``stock``: how placing the order takes it from
    # the variant's inventory ("managed": never below zero; "backorder": past zero; None: not counted).
    allow_discounts: bool = Field(default=True, exclude_if=_TRUE)
    group_id: str | None = Field(default=None, exclude_if=_IS_NONE)
    variant_title: str | None = Field(default=None, exclude_if=_IS_NONE)
    sku: str | None = Field(default=None, exclude_if=_IS_NONE)
    profile_id: str | None = Field(default=None, exclude_if=_IS_NONE)  # shipping profile (None: the default)
    stock: Literal["managed", "backorder"] | None = Field(default=None, exclude_if=_IS_NONE)

    @property
    def unit_total_minor(self) -> int:
        if not self.options:  # most lines: read twice per line on every priced answer
            return self.unit_price_minor
        return self.unit_price_minor + sum(c.price_minor for o in self.options for c in o.choices)


MAX_LINE_METADATA_ENTRIES = 20
MAX_LINE_METADATA_BYTES = 2000


def check_line_metadata(metadata: dict[str, Any]) -> None:
    if len(metadata) > MAX_LINE_METADATA_ENTRIES:
        raise InvalidRequest(f"A line's metadata holds at most {MAX_LINE_METADATA_ENTRIES} entries")
    if len(json.dumps(metadata, default=str).encode()) > MAX_LINE_METADATA_BYTES:
        raise InvalidRequest(f"A line's metadata takes at most {MAX_LINE_METADATA_BYTES} bytes")


def merged_metadata(current: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """``given`` merged into ``current``: a key given as "" is removed (Medusa's setMetadata)."""
    merged = {**current, **given}
    return {key: value for key, value in merged.items() if value != ""}


class AppliedDiscount(BaseModel):
    """A discount code as it was when applied, so reads can price without the catalog."""

    code: str
    kind: DiscountKind
    value: Decimal
    allocation: DiscountAllocation = "total"
    discount_id: str | None = None  # the catalog code's id (Medusa's disc_…), for faces to show
    # The regions the code is valid in (empty: every one), so a move to another region drops it.
    region_ids: tuple[str, ...] = ()


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
    # The store's shipping option it was made from (cart_core.shipping.ShippingOption), its shipping
    # profile (one method per profile), the option's own price (what ``amount_minor`` returns to when
    # a free-shipping code leaves the cart) and the data the client gave (Medusa's ``data``).
    option_id: str | None = None
    profile_id: str | None = None
    option_amount_minor: int | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    # The option's own tax rates, taken with its price (a tax rate that targets a shipping option,
    # as Medusa's can); None: the cart's region's rates.
    tax_rates: tuple[TaxRate, ...] | None = None

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

    @classmethod
    def of(cls, card: GiftCard) -> AppliedGiftCard:
        return cls(code=card.code, balance_minor=card.balance_minor, ends_ms=card.ends_ms, tax_rate=card.tax_rate)


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
# The key of the one payment BLAZE and LOKE know (their wire has one payment per cart); documents
# stored before payments had keys read as this key.
DEFAULT_PAYMENT_KEY = "default"
MAX_PAYMENTS = 10
PAYMENT_KEY_BYTES = 128
# What a client may say of a payment it gives (payment_as_given): amounts within DynamoDB's number
# range and a processor's, text short enough to log and to send on.
MAX_PAYMENT_MINOR = 10_000_000_000
PAYMENT_METHOD_BYTES = 64
PAYMENT_REFERENCE_BYTES = 256


class Payment(BaseModel):
    """One of the cart's payments, by ``key``, and where it stands with its provider.

    recorded (nothing asked of a provider yet) → authorized (a card hold, at submit) → capturing (the
    payment worker's claim, committed before it asks the processor, so no consumer cancel can slip in
    between) → captured, or voided (the order ended without a capture); declined at either step. Cash
    or pay at pickup stays recorded: the store collects it in person. Documents stored before
    authorize/capture have only the first six fields; the rest default (and ``key`` is the default
    key: one payment per cart, BLAZE's).
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
    key: str = DEFAULT_PAYMENT_KEY

    @property
    def hold_is_live(self) -> bool:
        """A live card hold that caps what the store may charge and must be released if unused."""
        return self.authorization_reference is not None and self.status in ("authorized", "declined")

    @property
    def holds_funds(self) -> bool:
        """The service's to collect (a card), rather than the store's in person (cash, pickup)."""
        # Imported here: the providers are checkout's, and every function imports this module.
        from cart_core import payments as payment_providers

        return payment_providers.holds_funds(self.provider, self.reference)


# Medusa's payment sessions: one per provider the region offers, one of them selected; the selected
# one is authorized at complete. Bounded: a handful per cart, small opaque provider data.
PaymentSessionStatus = Literal["pending", "requires_more", "authorized", "error", "canceled"]
MAX_PAYMENT_SESSIONS = 10
MAX_SESSION_DATA_ENTRIES = 20
MAX_SESSION_DATA_KEY_BYTES = 64
MAX_SESSION_DATA_VALUE_BYTES = 1024


def payment_as_given(payment: Payment) -> Payment:
    """``payment`` as a client may give it: its key, method, amount and token only, bounded, and
    recorded (what a provider answered — holds, captures, charge ids, reasons — is never taken from a
    client)."""
    if not 0 <= payment.amount_minor <= MAX_PAYMENT_MINOR:
        raise InvalidRequest(f"A payment amount is 0 to {MAX_PAYMENT_MINOR} minor units")
    if not payment.method or len(payment.method.encode()) > PAYMENT_METHOD_BYTES:
        raise InvalidRequest(f"A payment method is 1 to {PAYMENT_METHOD_BYTES} bytes")
    if payment.reference is not None and len(payment.reference.encode()) > PAYMENT_REFERENCE_BYTES:
        raise InvalidRequest(f"A payment reference is at most {PAYMENT_REFERENCE_BYTES} bytes")
    return Payment(
        key=payment.key, method=payment.method, amount_minor=payment.amount_minor, reference=payment.reference
    )


class PaymentSession(BaseModel):
    """A provider's payment session on the cart (Medusa): its status, the provider's data (a card
    token under ``token`` for the test card), the amount it was opened for, and whether it is the
    one the shopper selected. Authorizing it records a payment under the key ``session:<provider>``."""

    provider_id: str
    status: PaymentSessionStatus = "pending"
    data: dict[str, str] = Field(default_factory=dict)
    amount_minor: int = 0
    is_selected: bool = False

    @property
    def payment_key(self) -> str:
        return f"session:{self.provider_id}"


def check_session_data(data: dict[str, str]) -> None:
    if len(data) > MAX_SESSION_DATA_ENTRIES:
        raise InvalidRequest(f"A payment session holds at most {MAX_SESSION_DATA_ENTRIES} data entries")
    for name, value in data.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise InvalidRequest("Payment session data keys and values are strings")
        if not name or len(name.encode()) > MAX_SESSION_DATA_KEY_BYTES:
            raise InvalidRequest(f"A payment session data key is 1 to {MAX_SESSION_DATA_KEY_BYTES} bytes")
        if len(value.encode()) > MAX_SESSION_DATA_VALUE_BYTES:
            raise InvalidRequest(f"A payment session data value is at most {MAX_SESSION_DATA_VALUE_BYTES} bytes")


class Address(BaseModel):
    address: str | None = None
    city: str | None = None
    state: str | None = None
    zip_code: str | None = None
    country: str | None = None
    # Who receives it and a second address line (Medusa's, NewStore's); absent on documents stored before.
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    address_2: str | None = None
    phone: str | None = None
    # The id a face showed for it when one of the cart's addresses was given by id for the other
    # (Medusa: both point at one address record); None: the face derives one.
    address_id: str | None = Field(default=None, max_length=64)


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
    # The region the cart is priced in (cart_core.regions); None: its location's default region
    # (carts stored before regions, and carts at a location that has only its implicit region).
    region_id: str | None = None
    currency: str  # the region's currency (kept on the cart: amounts stored on it are in it)
    status: CartStatus = CartStatus.OPEN

    # Who the cart is found by: identity kind → value (``actors.IdentityKey``), the owner's under
    # ``consumer``. Bounded when set (``set_identity``: ``actors.check_identity``), not when read, so a
    # stored document always loads; documents stored before the map carry BLAZE's four ``<kind>_id``
    # fields instead, which read into it (``_legacy_identities``).
    identities: dict[str, str] = Field(default_factory=dict)
    public_key: str = Field(default_factory=lambda: secrets.token_hex(16))

    lines: list[LineItem] = Field(default_factory=list)
    discounts: list[AppliedDiscount] = Field(default_factory=list)
    # A free-shipping code (Medusa: at most one, beside one regular code): shipping methods cost 0
    # while it is applied (cart_core.discounts). Never in ``discounts``: it takes nothing from lines.
    free_shipping: AppliedDiscount | None = None
    adjustments: list[Adjustment] = Field(default_factory=list)
    shipping_methods: list[ShippingMethod] = Field(default_factory=list)  # at most MAX_SHIPPING_METHODS
    gift_cards: list[AppliedGiftCard] = Field(default_factory=list)  # at most MAX_GIFT_CARDS (CartEdits)
    pricing_policy: PricingPolicyName | None = None
    # Keyed (``Payment.key``, unique on a cart, in the order they were added): BLAZE and LOKE use one
    # implicit key (``DEFAULT_PAYMENT_KEY``), NewStore several, Medusa one per authorized session.
    payments: list[Payment] = Field(default_factory=list)
    payment_sessions: list[PaymentSession] = Field(default_factory=list)
    fulfillment: FulfillmentKind = "delivery"
    delivery_address: Address | None = None
    billing_address: Address | None = None
    # The shopper's email (Medusa's cart.email: a guest's way to be reached; a customer's own).
    email: str | None = None
    # The has_account=false customer a guest's email stands for (Medusa's guest customer: the cart's
    # customer_id until someone signs in). Not an identity: it gives no access to the cart.
    guest_customer_id: str | None = None
    # A guest's cart that a signed-in customer took up (Medusa sets the customer of a cart it reads):
    # the customer owns it, and guests (whoever holds the cart's id, as before) keep reaching it, so
    # the shopper who started it is not locked out mid-checkout. Other customers never reach it.
    guest_access: bool = False
    # What a storefront says about where the cart was made (Medusa's context: ip, user agent…).
    context: dict[str, str] = Field(default_factory=dict)
    # What a face keeps about the cart that the core carries and never reads (NewStore's shop,
    # channel, customer, extended attributes…): the face validates and bounds each value it puts here.
    # Left out of the stored document while empty, so carts of the other faces are stored as before.
    attributes: dict[str, Any] = Field(default_factory=dict, exclude_if=_EMPTY)
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

    @model_validator(mode="before")
    @classmethod
    def _legacy_identities(cls, data: Any) -> Any:
        """``consumer_id`` / ``session_id`` / ``external_id`` / ``transaction_id`` (documents stored
        before the identity map, and keyword arguments) read as the map's entries, in that order."""
        if isinstance(data, dict) and any(name in data for name in LEGACY_IDENTITY_FIELDS):
            data = dict(data)
            identities = dict(data.get("identities") or {})
            for name, kind in LEGACY_IDENTITY_FIELDS.items():
                value = data.pop(name, None)
                if value is not None:
                    identities.setdefault(kind, value)
            data["identities"] = identities
        return data

    def document(self) -> str:
        """The cart as stored: JSON without its version (the store keeps that beside it)."""
        return self.model_dump_json(exclude={"version"})

    @property
    def owner_id(self) -> str | None:
        """The consumer or customer who owns the cart (its ``consumer`` identity), None for a guest's."""
        return self.identities.get(OWNER_KIND)

    def identity(self, kind: str) -> str | None:
        return self.identities.get(kind)

    def set_identity(self, kind: str, value: str) -> None:
        """Add or replace one identity, within the map's bounds."""
        identities = {**self.identities, kind: value}
        check_identity(identities)
        self.identities = identities

    @property
    def pays_at_pickup(self) -> bool:
        """No money for the service to capture: no payment, or only cash / at pickup (no provider
        holds funds). Such an order, once validated, is a placed order whose payment is due at pickup."""
        return not any(payment.holds_funds for payment in self.payments)

    # ----- keyed payments ------------------------------------------------------------------

    def payment(self, key: str = DEFAULT_PAYMENT_KEY) -> Payment | None:
        return next((payment for payment in self.payments if payment.key == key), None)

    def set_payment(self, payment: Payment) -> Payment | None:
        """Add ``payment`` under its key, or replace the one with that key (in its place). Returns the
        payment it replaced, if any (whose hold the caller then releases)."""
        if not payment.key or len(payment.key.encode()) > PAYMENT_KEY_BYTES:
            raise InvalidRequest(f"A payment key is 1 to {PAYMENT_KEY_BYTES} bytes")
        replaced = self.payment(payment.key)
        if replaced is None and len(self.payments) >= MAX_PAYMENTS:
            raise InvalidRequest(f"A cart holds at most {MAX_PAYMENTS} payments")
        if replaced is None:
            self.payments = [*self.payments, payment]
        else:
            self.payments = [payment if p.key == payment.key else p for p in self.payments]
        return replaced

    def remove_payment(self, key: str) -> Payment | None:
        removed = self.payment(key)
        self.payments = [p for p in self.payments if p.key != key]
        return removed

    @property
    def held_minor(self) -> int | None:
        """The most the order's total may come to: the live card holds, plus what was captured
        already (an order paid again after a partial capture) and the store's own payments (cash, a
        gift card) by amount; None when nothing is authorized (no cap: cash, pay at pickup)."""
        held = [p.authorized_minor or 0 for p in self.payments if p.status == "authorized"]
        if not held:
            return None
        captured = sum(p.captured_minor or 0 for p in self.payments if p.status == "captured")
        store_collects = sum(p.amount_minor for p in self.payments if p.status == "recorded" and not p.holds_funds)
        return sum(held) + captured + store_collects

    def selected_session(self) -> PaymentSession | None:
        return next((session for session in self.payment_sessions if session.is_selected), None)

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
