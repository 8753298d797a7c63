"""A document (``cart_core.documents``) as a person reads it: an HTML page and its plain-text twin,
and the e-mail that carries both. Every face that prints or mails a receipt uses this engine
(NewStore's document routes; Fluid Pay's ``email_receipt`` later).

Jinja2 with autoescaping on for the HTML template: everything a tenant or customer typed (product
titles, addresses, names) is escaped, so a hostile product name is text, never markup. The text
template is rendered without escaping (it is plain text). Amounts are formatted in the cart's
currency (its exponent from ``cart_core.money``). Imported only by the routes that render a
document: Jinja2 is no part of any other request.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache

import jinja2

from cart_core.documents import Document
from cart_core.mail import MailMessage
from cart_core.money import to_decimal

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$"}

_HTML = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ doc.title }} {{ doc.order_no or doc.cart_id }}</title>
<style>
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222; max-width: 40em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.4em; margin-bottom: 0.2em; }
.muted { color: #666; font-size: 0.9em; }
table { width: 100%; border-collapse: collapse; margin: 1em 0; }
th, td { text-align: left; padding: 0.3em 0.2em; vertical-align: top; }
th { border-bottom: 1px solid #999; font-size: 0.85em; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr.total td { border-top: 1px solid #999; font-weight: bold; }
.cols { display: flex; gap: 2em; flex-wrap: wrap; }
</style>
</head>
<body>
<header>
<h1>{{ doc.store_name }}</h1>
{% for line in doc.store_address %}<div class="muted">{{ line }}</div>{% endfor %}
</header>
<h2>{{ doc.title }}</h2>
<p class="muted">
Order {{ doc.order_no or doc.cart_id }} &middot; {{ issued }}
{% if doc.associate_id %}<br>Served by {{ doc.associate_id }}{% endif %}
</p>
<div class="cols">
{% if doc.customer_name or doc.customer_email %}
<div><strong>Customer</strong><br>{% if doc.customer_name %}{{ doc.customer_name }}<br>{% endif %}{% if doc.customer_email %}{{ doc.customer_email }}{% endif %}</div>
{% endif %}
{% if doc.shipping_address %}<div><strong>Ship to</strong>{% for line in doc.shipping_address %}<br>{{ line }}{% endfor %}</div>{% endif %}
{% if doc.billing_address %}<div><strong>Bill to</strong>{% for line in doc.billing_address %}<br>{{ line }}{% endfor %}</div>{% endif %}
</div>
{% if doc.returned %}
<table>
<thead><tr><th>Returned item</th><th>Reason</th><th class="num">Refund</th></tr></thead>
<tbody>
{% for item in doc.returned %}<tr><td>{{ item.title }}<div class="muted">Order {{ item.order_id }}</div></td><td>{{ item.reason }}</td><td class="num">{{ money(item.refund_minor) }}</td></tr>{% endfor %}
<tr class="total"><td colspan="2">Refund total</td><td class="num">{{ money(doc.refund_total_minor) }}</td></tr>
</tbody>
</table>
{% endif %}
{% if doc.lines %}
<table>
<thead><tr><th>Item</th><th class="num">Qty</th><th class="num">Price</th><th class="num">Tax</th><th class="num">Amount</th></tr></thead>
<tbody>
{% for line in doc.lines %}
<tr>
<td>{{ line.title }}{% if line.sku %}<div class="muted">SKU {{ line.sku }}</div>{% endif %}{% if line.discount_minor %}<div class="muted">Discount &minus;{{ money(line.discount_minor) }}</div>{% endif %}</td>
<td class="num">{{ line.quantity }}</td>
<td class="num">{{ money(line.unit_price_minor) }}</td>
<td class="num">{{ money(line.tax_minor) }}</td>
<td class="num">{{ money(line.total_minor) }}</td>
</tr>
{% endfor %}
</tbody>
</table>
{% endif %}
<table>
<tr><td>Subtotal</td><td class="num">{{ money(doc.subtotal_minor) }}</td></tr>
{% if doc.discount_total_minor %}<tr><td>Discounts</td><td class="num">&minus;{{ money(doc.discount_total_minor) }}</td></tr>{% endif %}
{% if doc.shipping_total_minor %}<tr><td>Shipping</td><td class="num">{{ money(doc.shipping_total_minor) }}</td></tr>{% endif %}
{% for tax in doc.taxes %}<tr><td>{{ tax.name }} ({{ percent(tax.percent) }}){% if doc.tax_inclusive %}, included{% endif %}</td><td class="num">{{ money(tax.amount_minor) }}</td></tr>{% endfor %}
{% if not doc.taxes %}<tr><td>Tax{% if doc.tax_inclusive %}, included{% endif %}</td><td class="num">{{ money(doc.tax_total_minor) }}</td></tr>{% endif %}
<tr class="total"><td>Total</td><td class="num">{{ money(doc.grand_total_minor) }}</td></tr>
</table>
{% if doc.refunds %}
<table>
<thead><tr><th>Refunded to</th><th>Reference</th><th class="num">Amount</th></tr></thead>
{% for refund in doc.refunds %}<tr><td>{{ refund.method }}</td><td>{{ refund.reference or "" }}</td><td class="num">{{ money(refund.amount_minor) }}</td></tr>{% endfor %}
</table>
{% endif %}
{% if doc.payments %}
<table>
<thead><tr><th>Paid with</th><th>Reference</th><th class="num">Amount</th></tr></thead>
{% for payment in doc.payments %}<tr><td>{{ payment.method }}</td><td>{{ payment.reference or "" }}</td><td class="num">{{ money(payment.amount_minor) }}</td></tr>{% endfor %}
</table>
{% endif %}
<p class="muted">Thank you for shopping at {{ doc.store_name }}.</p>
</body>
</html>
"""

_TEXT = """{{ doc.store_name }}
{% for line in doc.store_address %}{{ line }}
{% endfor %}
{{ doc.title }} - order {{ doc.order_no or doc.cart_id }} - {{ issued }}
{% if doc.associate_id %}Served by {{ doc.associate_id }}
{% endif %}{% if doc.customer_name %}Customer: {{ doc.customer_name }}
{% endif %}
{% for item in doc.returned %}Returned: {{ item.title }} ({{ item.reason }})  -{{ money(item.refund_minor) }}
{% endfor %}{% for line in doc.lines %}{{ line.quantity }} x {{ line.title }}  {{ money(line.total_minor) }}
{% endfor %}
Subtotal  {{ money(doc.subtotal_minor) }}
{% if doc.discount_total_minor %}Discounts  -{{ money(doc.discount_total_minor) }}
{% endif %}{% if doc.shipping_total_minor %}Shipping  {{ money(doc.shipping_total_minor) }}
{% endif %}Tax{% if doc.tax_inclusive %} (included){% endif %}  {{ money(doc.tax_total_minor) }}
Total  {{ money(doc.grand_total_minor) }}
{% for refund in doc.refunds %}Refunded to {{ refund.method }}{% if refund.reference %} {{ refund.reference }}{% endif %}  {{ money(refund.amount_minor) }}
{% endfor %}{% for payment in doc.payments %}Paid with {{ payment.method }}{% if payment.reference %} {{ payment.reference }}{% endif %}  {{ money(payment.amount_minor) }}
{% endfor %}
Thank you for shopping at {{ doc.store_name }}.
"""


@lru_cache(maxsize=1)
def _templates() -> tuple[jinja2.Template, jinja2.Template]:
    """Compiled once per process (a few ms), on the first receipt."""
    html = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    text = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)  # noqa: S701 (plain text, never HTML)
    return html.from_string(_HTML), text.from_string(_TEXT)


def format_money(minor: int, currency: str) -> str:
    """``$1,234.50``, ``€13.78``, ``CHF 10.00``: the amount in the currency's own decimals."""
    amount = to_decimal(minor, currency)
    sign = "-" if amount < 0 else ""
    digits = f"{abs(amount):,}"
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{currency} {digits}"


def format_percent(percent: Decimal) -> str:
    return f"{percent.normalize():f}%"


def _issued(doc: Document) -> str:
    return datetime.fromtimestamp(doc.issued_ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


def _context(doc: Document) -> dict[str, object]:
    return {
        "doc": doc,
        "issued": _issued(doc),
        "money": lambda minor: format_money(minor, doc.currency),
        "percent": format_percent,
    }


def render_html(doc: Document) -> str:
    return _templates()[0].render(_context(doc))


def render_text(doc: Document) -> str:
    return _templates()[1].render(_context(doc))


def receipt_mail(doc: Document, to: str) -> MailMessage:
    """The e-mail that carries ``doc`` to ``to``: the HTML receipt with its text twin."""
    subject = f"{doc.title} {doc.order_no or doc.cart_id} from {doc.store_name}"
    # A subject is one header line: a store name with a line break must not add headers.
    subject = " ".join(subject.split())[:200]
    return MailMessage(to=to, subject=subject, text=render_text(doc), html=render_html(doc))
