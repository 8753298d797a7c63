"""A placed cart's document: the receipt a customer takes home (NewStore's ``GET …/document``).

Pure: built from a priced cart (``document``), with integer minor units; a face maps it to its wire
(NewStore: decimal units) and ``cart_core.receipts`` renders it as HTML and text for a person.

Which document a cart has follows from what it was used for (``document_type``): a sale gives a
``sales_receipt``, a return a ``refund_note``, a return with new products an ``exchange_receipt``.
A cart has a document once it was placed (submitted) and for as long as the order stands; a cart
still being edited, or one that expired, was canceled, rejected or whose payment failed, has none
(``NoDocument``, answered 404: there is no such resource yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from cart_core.cart import DEFAULT_PAYMENT_KEY
from cart_core.errors import NotFound
from cart_core.lifecycle import CartStatus

if TYPE_CHECKING:
    from cart_core.cart import Address, Cart, Payment
    from cart_core.returns import CartPurpose
    from cart_core.usecases.shared import PricedCart

DocumentType = Literal["sales_receipt", "refund_note", "exchange_receipt"]
DOCUMENT_TYPES: tuple[DocumentType, ...] = ("sales_receipt", "refund_note", "exchange_receipt")
TITLES: dict[DocumentType, str] = {
    "sales_receipt": "Sales receipt",
    "refund_note": "Refund note",
    "exchange_receipt": "Exchange receipt",
}

# Placed and standing: the order exists (or is being validated) and its payments were not refused.
HAS_DOCUMENT = frozenset({CartStatus.SUBMITTED, CartStatus.VALIDATED, CartStatus.PAID, CartStatus.COMPLETED})
VISIBLE_REFERENCE_CHARS = 4


class NoDocument(NotFound):
    def __init__(self, cart_id: str) -> None:
        super().__init__(f"Cart {cart_id} has no document: it has not been placed")


DOCUMENT_OF_PURPOSE: dict[CartPurpose, DocumentType] = {
    "sale": "sales_receipt",
    "return": "refund_note",
    "exchange": "exchange_receipt",
}


def document_type(cart: Cart) -> DocumentType:
    """The document of what the cart was used for (``Cart.purpose``)."""
    return DOCUMENT_OF_PURPOSE[cart.purpose]


@dataclass(frozen=True, slots=True)
class DocumentTax:
    name: str
    percent: Decimal
    amount_minor: int


@dataclass(frozen=True, slots=True)
class DocumentLine:
    product_id: str
    title: str
    sku: str | None
    quantity: int
    unit_price_minor: int
    gross_minor: int
    discount_minor: int
    tax_minor: int
    total_minor: int  # what the customer pays for the line: net, plus tax when prices exclude it
    taxes: tuple[DocumentTax, ...]


@dataclass(frozen=True, slots=True)
class DocumentPayment:
    method: str
    amount_minor: int
    reference: str | None  # masked: only the last characters show
    status: str


@dataclass(frozen=True, slots=True)
class DocumentReturn:
    """A unit handed back (a return or exchange cart's ``returns``)."""

    order_id: str
    product_id: str
    title: str
    reason: str
    refund_minor: int


@dataclass(frozen=True, slots=True)
class Document:
    document_type: DocumentType
    cart_id: str
    order_no: str | None
    currency: str
    issued_ms: int
    store_name: str
    store_address: tuple[str, ...]
    associate_id: str | None
    customer_name: str | None
    customer_email: str | None
    shipping_address: tuple[str, ...]
    billing_address: tuple[str, ...]
    lines: tuple[DocumentLine, ...]
    tax_inclusive: bool
    subtotal_minor: int
    discount_total_minor: int
    shipping_total_minor: int
    tax_total_minor: int
    grand_total_minor: int
    taxes: tuple[DocumentTax, ...]
    payments: tuple[DocumentPayment, ...]
    paid_total_minor: int
    returned: tuple[DocumentReturn, ...] = ()
    refunds: tuple[DocumentPayment, ...] = ()  # money going back: method (provider), masked reference
    refund_total_minor: int = 0

    @property
    def title(self) -> str:
        return TITLES[self.document_type]


def mask(reference: str | None) -> str | None:
    """A payment reference as a receipt shows it: its last characters only."""
    if not reference:
        return None
    visible = reference[-VISIBLE_REFERENCE_CHARS:] if len(reference) > VISIBLE_REFERENCE_CHARS else ""
    return "****" + visible


def address_lines(address: Address | None) -> tuple[str, ...]:
    if address is None:
        return ()
    name = " ".join(part for part in (address.first_name, address.last_name) if part)
    city = " ".join(part for part in (address.zip_code, address.city) if part)
    candidates = (name, address.company, address.address, address.address_2, city, address.state, address.country)
    return tuple(line for line in candidates if line)


def _associate(cart: Cart) -> str | None:
    return cart.identities.get("associate") or cart.context.get("associate_id") or None


def _customer_name(cart: Cart) -> str | None:
    named = cart.context.get("customer_name")
    if named:
        return named
    for address in (cart.billing_address, cart.delivery_address):
        if address is not None and (address.first_name or address.last_name):
            return " ".join(part for part in (address.first_name, address.last_name) if part)
    return None


def _payment_reference(payment: Payment) -> str | None:
    return (
        payment.provider_reference
        or payment.authorization_reference
        or payment.reference
        or (payment.key if payment.key != DEFAULT_PAYMENT_KEY else None)
    )


def document(priced: PricedCart) -> Document:
    """The document of a placed cart (``NoDocument`` for any other)."""
    cart, totals = priced.cart, priced.totals
    if cart.status not in HAS_DOCUMENT:
        raise NoDocument(cart.cart_id)
    lines = []
    for line, priced_line in zip(cart.lines, totals.lines, strict=True):
        tax = priced_line.tax_minor
        lines.append(
            DocumentLine(
                product_id=line.product_id,
                title=line.title or line.product_id,
                sku=line.sku,
                quantity=line.quantity,
                unit_price_minor=line.unit_price_minor,
                gross_minor=priced_line.gross_minor,
                discount_minor=priced_line.discount_minor,
                tax_minor=tax,
                total_minor=priced_line.net_minor + (0 if totals.tax_inclusive else tax),
                taxes=tuple(DocumentTax(t.name, t.percent, t.amount_minor) for t in priced_line.taxes),
            )
        )
    payments = tuple(
        DocumentPayment(p.method, p.captured_minor or p.amount_minor, mask(_payment_reference(p)), str(p.status))
        for p in cart.payments
    )
    # A return's units and refunds (empty on every sale).
    returned = tuple(
        DocumentReturn(r.order_id, r.product_id, r.title or r.product_id, r.reason, r.refund_minor)
        for r in cart.returns
    )
    refunds = tuple(
        DocumentPayment(r.provider, r.amount_minor, mask(r.reference or r.capture_reference), str(r.status))
        for r in cart.refunds
    )
    return Document(
        document_type=document_type(cart),
        cart_id=cart.cart_id,
        order_no=cart.order_no,
        currency=cart.currency,
        issued_ms=cart.submitted_ms or cart.modified_ms,
        store_name=priced.location.name,
        store_address=priced.location.address_lines,
        associate_id=_associate(cart),
        customer_name=_customer_name(cart),
        customer_email=cart.email,
        shipping_address=address_lines(cart.delivery_address) if cart.fulfillment != "pickup" else (),
        billing_address=address_lines(cart.billing_address),
        lines=tuple(lines),
        tax_inclusive=totals.tax_inclusive,
        subtotal_minor=totals.subtotal_minor,
        discount_total_minor=totals.discount_total_minor,
        shipping_total_minor=totals.shipping_total_minor,
        tax_total_minor=totals.tax_total_minor,
        grand_total_minor=totals.total_minor,
        taxes=tuple(DocumentTax(t.name, t.percent, t.amount_minor) for t in totals.taxes_by_rate),
        payments=payments,
        paid_total_minor=sum(p.amount_minor for p in payments),
        returned=returned,
        refunds=refunds,
        refund_total_minor=sum(r.refund_minor for r in returned),
    )
