"""A placed cart's document (cart_core.documents) and its receipt as a person reads it
(cart_core.receipts): the type by what the cart was used for, the amounts in the cart's currency,
everything typed by a tenant or customer escaped."""

from __future__ import annotations

from decimal import Decimal
from email import message_from_bytes
from pathlib import Path
from types import SimpleNamespace

import pytest

from cart_core.cart import Address, Cart, LineItem, Payment
from cart_core.documents import NoDocument, document, document_type, mask
from cart_core.lifecycle import CartStatus
from cart_core.mail import FolderMailer, MailMessage, valid_email
from cart_core.pricing import price
from cart_core.receipts import format_money, receipt_mail, render_html, render_text
from cart_core.tenancy import Location, TaxRate
from cart_core.usecases.shared import PricedCart

HOSTILE = '<script>alert("x")</script>&<b>'
NY = (
    TaxRate(name="NY STATE TAX", percent=Decimal("4")),
    TaxRate(name="NY CITY TAX", percent=Decimal("4.5")),
    TaxRate(name="NY SPECIAL TAX", percent=Decimal("0.375")),
)


def placed(
    *,
    title: str = "Tea",
    status: CartStatus = CartStatus.SUBMITTED,
    currency: str = "USD",
    store_name: str = "Main Street",
    street: str = "1 United Nations Plaza",
    returns: bool = False,
    lines: bool = True,
    reason: str = "too small",
) -> PricedCart:
    location = Location(
        tenant_id="demo",
        location_id="main",
        name=store_name,
        currency=currency,
        tax_rates=NY,
        address_lines=(street, "New York, NY 10017"),
    )
    cart = Cart(
        tenant_id="demo",
        location_id="main",
        currency=currency,
        status=status,
        lines=[LineItem(product_id="1000011", title=title, sku="SKU-1", quantity=2, unit_price_minor=1378)]
        if lines
        else [],
        payments=[
            Payment(method="credit_card", amount_minor=3000, key="tok_4242424242424242", status="authorized"),
        ],
        billing_address=Address(first_name="John", last_name="Doe", address=street, city="New York"),
        delivery_address=Address(first_name="John", last_name="Doe", address=street, city="New York"),
        email="john@example.com",
        submitted_ms=1_700_000_000_000,
        order_no="1042",
        context={"associate_id": "assoc-7"},
    )
    if returns:  # stand-ins with only the fields a document reads of a return and its refund
        cart.__dict__["returns"] = [
            SimpleNamespace(order_id="ord-1", product_id="1000011", title=title, reason=reason, refund_minor=1378)
        ]
        cart.__dict__["refunds"] = [
            SimpleNamespace(
                provider="stripe",
                amount_minor=1378,
                reference="re_0000009999",
                capture_reference=None,
                status="refunded",
            )
        ]
    totals = price(cart, location)
    return PricedCart(cart, totals, location)


def test_a_placed_sale_has_a_sales_receipt_with_what_a_receipt_carries() -> None:
    # Given a placed cart: 2 x 13.78 at New York's rates, paid by card
    doc = document(placed())
    # Then its document is a sales receipt with the store, order, items, taxes, totals, payments
    assert doc.document_type == "sales_receipt"
    assert (doc.store_name, doc.store_address[0], doc.order_no) == ("Main Street", "1 United Nations Plaza", "1042")
    (line,) = doc.lines
    assert (line.quantity, line.unit_price_minor, line.gross_minor) == (2, 1378, 2756)
    assert doc.subtotal_minor == 2756 and doc.tax_total_minor == sum(t.amount_minor for t in doc.taxes) > 0
    assert doc.grand_total_minor == 2756 + doc.tax_total_minor
    assert [t.name for t in doc.taxes] == ["NY STATE TAX", "NY CITY TAX", "NY SPECIAL TAX"]
    (payment,) = doc.payments
    assert payment.method == "credit_card" and payment.reference == "****4242"
    assert (doc.associate_id, doc.customer_name, doc.customer_email) == ("assoc-7", "John Doe", "john@example.com")


@pytest.mark.parametrize(
    ("returns", "lines", "expected"),
    [(False, True, "sales_receipt"), (True, False, "refund_note"), (True, True, "exchange_receipt")],
)
def test_the_document_type_follows_what_the_cart_was_used_for(returns: bool, lines: bool, expected: str) -> None:
    assert document_type(placed(returns=returns, lines=lines).cart) == expected


@pytest.mark.parametrize(
    "status", [CartStatus.OPEN, CartStatus.EXPIRED, CartStatus.CANCELED, CartStatus.REJECTED, CartStatus.PAYMENT_FAILED]
)
def test_a_cart_that_was_not_placed_or_did_not_stand_has_no_document(status: CartStatus) -> None:
    with pytest.raises(NoDocument):
        document(placed(status=status))


@pytest.mark.parametrize("status", [CartStatus.SUBMITTED, CartStatus.VALIDATED, CartStatus.PAID, CartStatus.COMPLETED])
def test_a_placed_or_accepted_cart_has_one(status: CartStatus) -> None:
    assert document(placed(status=status)).document_type == "sales_receipt"


def test_a_refund_note_shows_what_came_back_and_where_the_money_goes() -> None:
    # Given a placed return cart (no new products) with a hostile reason
    doc = document(placed(returns=True, lines=False, reason=HOSTILE))
    # Then its document is a refund note with the returned unit and the refund, masked
    assert doc.document_type == "refund_note" and doc.lines == ()
    (item,) = doc.returned
    assert (item.order_id, item.refund_minor, doc.refund_total_minor) == ("ord-1", 1378, 1378)
    (refund,) = doc.refunds
    assert (refund.method, refund.reference, refund.amount_minor) == ("stripe", "****9999", 1378)
    # And the HTML shows them, the reason as text
    html = render_html(doc)
    assert "Refund note" in html and "Returned item" in html and "Refunded to" in html and "****9999" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Returned: Tea" in render_text(doc)


def test_references_are_masked_to_their_last_four_characters() -> None:
    assert mask("tok_4242424242424242") == "****4242"
    assert mask("abc") == "****"
    assert mask(None) is None


def test_the_html_receipt_shows_the_amounts_in_the_carts_currency() -> None:
    doc = document(placed())
    html = render_html(doc)
    assert "Sales receipt" in html and "Main Street" in html and "Order 1042" in html
    assert "$13.78" in html and "$27.56" in html and format_money(doc.grand_total_minor, "USD") in html
    assert "****4242" in html and "tok_4242424242424242" not in html
    assert "NY CITY TAX (4.5%)" in html


def test_amounts_use_each_currencys_decimals() -> None:
    assert format_money(123456, "EUR") == "€1,234.56"
    assert format_money(1234, "JPY") == "¥1,234"
    assert format_money(-250, "CHF") == "-CHF 2.50"


def test_hostile_names_and_addresses_are_text_not_markup() -> None:
    # Given a product, store and street named with markup
    doc = document(placed(title=HOSTILE, store_name=HOSTILE, street=HOSTILE))
    # When the receipt is rendered as HTML
    html = render_html(doc)
    # Then none of it is markup: every character is escaped
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;&lt;b&gt;" in html
    # And the text twin keeps it as it was typed (it is plain text)
    assert HOSTILE in render_text(doc)


def test_the_receipt_mail_has_a_one_line_subject_and_both_bodies() -> None:
    doc = document(placed(store_name="Evil\r\nBcc: everyone@example.com"))
    mail = receipt_mail(doc, "john@example.com")
    assert "\n" not in mail.subject and "\r" not in mail.subject
    assert mail.subject.startswith("Sales receipt 1042 from Evil")
    assert mail.html is not None and "Total" in mail.text


@pytest.mark.parametrize("email", ["customer@example.org", "a.b+c@sub.example.co.uk"])
def test_addresses_that_are_valid(email: str) -> None:
    assert valid_email(email)


@pytest.mark.parametrize(
    "email",
    [
        "",
        "plain",
        "a@b",
        "a b@example.com",
        "a@example.com\r\nBcc: x@y.com",
        "<a@example.com>",
        "a@" + "x" * 250 + ".com",
        5,
    ],
)
def test_addresses_that_are_not(email: object) -> None:
    assert not valid_email(email)


def test_the_folder_mailer_writes_an_eml_and_an_html_file(tmp_path: Path) -> None:
    # Given the local cloud's mailbox
    mailer = FolderMailer(tmp_path / "mail", "no-reply@example.com")
    # When a message is sent
    mailer.send(MailMessage(to="john@example.com", subject="Hi", text="plain", html="<p>rich</p>"))
    # Then the folder has it as an e-mail and as a page
    (eml,) = (tmp_path / "mail").glob("*.eml")
    (page,) = (tmp_path / "mail").glob("*.html")
    parsed = message_from_bytes(eml.read_bytes())
    assert (parsed["To"], parsed["From"], parsed["Subject"]) == ("john@example.com", "no-reply@example.com", "Hi")
    assert eml.name.endswith("-john@example.com.eml")
    assert page.read_text() == "<p>rich</p>"
