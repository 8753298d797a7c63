"""A placed cart's document: ``GET /shopping/carts/{id}/document`` (JSON, or the HTML receipt) and
``POST /shopping/carts/{id}/document/send`` (mailed once per address unless ``force_send``).

``{id}`` is a cart id or a cart token (cart_ref). The document's type follows from what the cart was
used for (cart_core.documents.document_type). A cart not placed yet has no document: 404. The HTML
receipt is asked for with ``?format=html`` or an ``Accept`` that prefers ``text/html`` (a browser);
JSON otherwise. Send answers 204 without a body, also when the document was already sent to that
address (nothing is mailed again; ``force_send: true`` mails it anyway); an SES outage is 503.

Jinja2 (cart_core.receipts), the documents use case and the SES client are imported by these
routes only, when first used (docs/architecture.md, Import discipline).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.request import Request
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from cart_core.mail import MAX_EMAIL_LENGTH
from cart_core.money import to_decimal
from cart_core.responses import documentation, documented
from cart_core.runtime import use_cases
from newstore_shopping.cart_ref import cart_key
from newstore_shopping.routes.carts import Associate

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

    from cart_core.documents import Document, DocumentTax

router = Router()

HTML = "text/html; charset=utf-8"
# Response models are documentation only, imported when the OpenAPI document is generated (cart_core.responses).
out = documentation("newstore_shopping.responses")
NO_DOCUMENT: OpenAPIResponse = {"description": "No such cart, or a cart not placed yet (no document)"}
DOCUMENT_ANSWER: dict[int, OpenAPIResponse] = documented(
    out.Document, description="The document as JSON, or the HTML receipt (?format=html, or Accept: text/html)"
)
DOCUMENT_ANSWER[200]["content"]["text/html"] = {"schema": {"type": "string"}}
DOCUMENT_ANSWER[404] = NO_DOCUMENT
SEND_ANSWER: dict[int, OpenAPIResponse] = {
    204: {"description": "Sent, or sent to this address before (nothing sent again without force_send)"},
    404: NO_DOCUMENT,
    503: {"description": "The mail service is unavailable: nothing was sent; retry after Retry-After"},
}


def _amount(minor: int, currency: str) -> int | float:
    """Decimal units as a JSON number (13.78, 30), as the face's cart answers (float made at the wire
    from the exact Decimal)."""
    value = to_decimal(minor, currency)
    return int(value) if value == value.to_integral_value() else float(value)


def _rate(percent: Decimal) -> float:
    return float(percent / 100)


def _tax_details(taxes: tuple[DocumentTax, ...], currency: str) -> list[dict[str, Any]]:
    # NewStore's item_tax_details shape: a rate as a fraction (4 % → 0.04).
    return [{"Name": t.name, "Rate": _rate(t.percent), "Amount": _amount(t.amount_minor, currency)} for t in taxes]


def document_body(doc: Document, wire_id: str) -> dict[str, Any]:
    """The document as JSON: NewStore names where it has them, amounts in decimal units."""
    from datetime import UTC, datetime

    cur = doc.currency
    return {
        "document_type": doc.document_type,
        "title": doc.title,
        "cart_id": wire_id,
        "order_id": doc.order_no,
        "created_at": datetime.fromtimestamp(doc.issued_ms / 1000, tz=UTC).isoformat().replace("+00:00", "Z"),
        "currency": cur,
        "store": {"name": doc.store_name, "address": list(doc.store_address)},
        "associate_id": doc.associate_id,
        "customer": {"name": doc.customer_name, "email": doc.customer_email},
        "shipping_address": list(doc.shipping_address),
        "billing_address": list(doc.billing_address),
        "items": [
            {
                "product_id": line.product_id,
                "title": line.title,
                "sku": line.sku,
                "quantity": line.quantity,
                "item_price": _amount(line.unit_price_minor, cur),
                "item_gross": _amount(line.gross_minor, cur),
                "item_discount": _amount(line.discount_minor, cur),
                "item_tax": _amount(line.tax_minor, cur),
                "item_total": _amount(line.total_minor, cur),
                "item_tax_details": _tax_details(line.taxes, cur),
            }
            for line in doc.lines
        ],
        "totals": {
            "price_method": "tax_included" if doc.tax_inclusive else "tax_excluded",
            "subtotal": _amount(doc.subtotal_minor, cur),
            "discount_total": _amount(doc.discount_total_minor, cur),
            "shipping_total": _amount(doc.shipping_total_minor, cur),
            "tax_total": _amount(doc.tax_total_minor, cur),
            "grand_total": _amount(doc.grand_total_minor, cur),
            "tax_details": _tax_details(doc.taxes, cur),
        },
        "payments": [
            {
                "method": p.method,
                "amount": _amount(p.amount_minor, cur),
                "reference": p.reference,
                "status": p.status,
            }
            for p in doc.payments
        ],
        "paid_total": _amount(doc.paid_total_minor, cur),
        "returned_items": [
            {
                "order_id": _uuid(r.order_id),
                "product_id": r.product_id,
                "title": r.title,
                "reason": r.reason,
                "refund_amount": _amount(r.refund_minor, cur),
            }
            for r in doc.returned
        ],
        "refunds": [
            {"method": r.method, "amount": _amount(r.amount_minor, cur), "reference": r.reference, "status": r.status}
            for r in doc.refunds
        ],
        "refund_total": _amount(doc.refund_total_minor, cur),
    }


def _wants_html(request: Request, fmt: str | None) -> bool:
    if fmt is not None:
        return fmt == "html"
    accept = (request.headers.get("accept") or request.headers.get("Accept") or "").lower()
    first = accept.split(",", 1)[0].split(";", 1)[0].strip()
    return first in ("text/html", "application/xhtml+xml")


@router.get("/shopping/carts/<id>/document", responses=DOCUMENT_ANSWER)
def get_document(
    request: Request,
    caller: Associate,
    id: str,
    format: Annotated[Literal["json", "html"] | None, Query()] = None,
) -> Any:
    doc = use_cases().documents.document(caller, cart_key(caller, id))
    if _wants_html(request, format):
        from cart_core.receipts import render_html

        return Response(status_code=200, content_type=HTML, body=render_html(doc))
    return document_body(doc, id if len(id) == 36 else _uuid(doc.cart_id))


def _uuid(key: str) -> str:
    """A stored cart key in NewStore's id form (a key of another shape as it is)."""
    from cart_core.ids import IdError, InternalId, codec

    try:
        return codec("newstore").encode(InternalId.from_key(key))
    except IdError:
        return key


class SendDocument(BaseModel):
    model_config = ConfigDict(defer_build=True)
    email: str = Field(min_length=3, max_length=MAX_EMAIL_LENGTH)
    force_send: StrictBool = False


@router.post("/shopping/carts/<id>/document/send", responses=SEND_ANSWER)
def send_document(caller: Associate, id: str, body: SendDocument) -> Response[str]:
    from cart_core.receipts import receipt_mail
    from cart_core.runtime import mailer

    use_cases().documents.send(caller, cart_key(caller, id), body.email, mailer(), receipt_mail, force=body.force_send)
    return Response(status_code=204, content_type="text/plain; charset=utf-8", body="")
