"""Core → Medusa v1 wire: the cart (``{cart}``), its relations and totals, the order, the region.

What Medusa loads with a cart (medusa-v1.md §3.1) is rendered from what the core holds: the region
with countries, tax rates and payment providers; items with their variant and product, adjustments
and tax lines; shipping methods with their option and tax lines; payment sessions (and the selected
one as ``payment_session``); discounts with their rule; gift cards; both addresses. Every total is
the core's ``medusa_v1`` pricing policy's (cart_core.pricing), never computed here.

Ids: the cart, its lines and its order are the core's ids in Medusa's shape (``cart_``, ``item_``,
``order_`` + ULID, reversible: cart_core.ids.MedusaCodec). Records the core keeps without an id of
their own (an address, a tax line, an adjustment, a payment session…) get a ULID derived from their
owner's id and their name, so the same record has the same id on every read (``derived_id``).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ulid import ULID

from cart_core.cart import (
    Address,
    AppliedDiscount,
    AppliedGiftCard,
    Cart,
    LineItem,
    PaymentSession,
    ShippingMethod,
)
from cart_core.catalog import DiscountKind
from cart_core.errors import NotFound
from cart_core.ids import IdError, InternalId, MedusaCodec, codec
from cart_core.lifecycle import CartStatus
from cart_core.pricing import PricedLine, PricedShipping, TaxLine, Totals
from cart_core.regions import Region
from cart_core.usecases.shared import PricedCart

if TYPE_CHECKING:  # the storefront area is imported on first use (cart_core.usecases.UseCases)
    from cart_core.usecases.storefront import LineCatalog

CART_IDS = codec("medusa")
ITEM_IDS = MedusaCodec(prefix="item_", max_length=len("item_") + 26)
ORDER_IDS = MedusaCodec(prefix="order_", max_length=len("order_") + 26)


# A variant's customs and physical columns: the catalog does not model them, so Medusa's null.
UNMODELLED_VARIANT_COLUMNS: dict[str, None] = dict.fromkeys(
    ("hs_code", "origin_country", "mid_code", "material", "weight", "length", "height", "width")
)


# ----- ids ---------------------------------------------------------------------------------------


def wire_cart_id(cart_id: str) -> str:
    return CART_IDS.encode(InternalId.from_key(cart_id))


def core_cart_id(wire: str) -> str:
    """The stored key behind a Medusa cart id; an id that is not one of ours names no cart (404,
    Medusa's "Cart with {id} was not found")."""
    try:
        return CART_IDS.decode(wire).key
    except IdError:
        raise NotFound(f"Cart with {wire[:64]} was not found") from None


def core_order_id(wire: str) -> str:
    try:
        return ORDER_IDS.decode(wire).key
    except IdError:
        raise NotFound(f"Order with {wire[:64]} was not found") from None


def wire_line_id(line_id: str) -> str:
    try:
        return ITEM_IDS.encode(InternalId.from_key(line_id))
    except IdError:  # a line stored with another kind of id: derived, stable
        return derived_id("item", line_id)


def core_line_id(wire: str, cart: Cart) -> str | None:
    """The line of ``cart`` that ``wire`` names, or None."""
    for line in cart.lines:
        if wire_line_id(line.line_id) == wire:
            return line.line_id
    return None


def derived_id(prefix: str, *names: str, created_ms: int = 0) -> str:
    """``prefix_`` + a ULID (python-ulid): the time part ``created_ms``, the random part a digest of
    ``names``, so the same record gets the same id on every read."""
    digest = hashlib.sha256("\x1f".join(names).encode()).digest()[:10]
    return f"{prefix}_{ULID.from_bytes((created_ms & (2**48 - 1)).to_bytes(6, 'big') + digest)}"


# ----- values --------------------------------------------------------------------------------------


def iso(ms: int | None) -> str | None:
    """Epoch ms as JavaScript's ``toISOString`` writes it (``2026-11-23T15:39:42.123Z``)."""
    if ms is None:
        return None
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def _rate(percent: Decimal) -> float | int:
    """A tax rate as Medusa's float column (``6.25``; a whole rate as an integer: ``10``)."""
    return int(percent) if percent == percent.to_integral_value() else float(percent)


def _amount(value: Decimal) -> float | int:
    """An adjustment's amount (Medusa's numeric column: fractional under a fixed-total discount)."""
    return int(value) if value == value.to_integral_value() else float(value)


# Countries Medusa lists with a region (its ``country`` table); others fall back to their code.
COUNTRIES: dict[str, tuple[str, int, str]] = {
    "US": ("usa", 840, "United States"),
    "CA": ("can", 124, "Canada"),
    "DE": ("deu", 276, "Germany"),
    "GB": ("gbr", 826, "United Kingdom"),
    "FR": ("fra", 250, "France"),
    "DK": ("dnk", 208, "Denmark"),
    "SE": ("swe", 752, "Sweden"),
    "ES": ("esp", 724, "Spain"),
    "IT": ("ita", 380, "Italy"),
    "NL": ("nld", 528, "Netherlands"),
    "AU": ("aus", 36, "Australia"),
    "NZ": ("nzl", 554, "New Zealand"),
}


def medusa_country(iso_2: str, region_id: str | None) -> dict[str, Any]:
    code = iso_2.upper()
    iso_3, num_code, name = COUNTRIES.get(code, (code.lower(), 0, code))
    return {
        "id": num_code,
        "iso_2": code.lower(),
        "iso_3": iso_3,
        "num_code": num_code,
        "name": name.upper(),
        "display_name": name,
        "region_id": region_id,
    }


def _tax_code(line: TaxLine) -> str:
    return line.category


def medusa_region(region: Region, created_ms: int = 0) -> dict[str, Any]:
    """A region with the relations a cart loads: countries, payment providers, tax rates. Its one
    ``tax_rate`` is the sum of its rates (Medusa's region has one rate; the rates are its
    ``tax_rates``)."""
    from cart_core.payments import PROVIDERS  # the providers a region that lists none offers

    at = iso(created_ms)
    rates = region.tax_rates
    providers = region.payment_providers or tuple(PROVIDERS)
    return {
        "id": region.region_id,
        "name": region.name,
        "currency_code": region.currency.lower(),
        "tax_rate": _rate(sum((r.percent for r in rates), Decimal(0))),
        "tax_code": None,
        "gift_cards_taxable": region.gift_cards_taxable,
        "automatic_taxes": region.automatic_taxes,
        "tax_provider_id": None,
        "metadata": None,
        "created_at": at,
        "updated_at": at,
        "deleted_at": None,
        "countries": [medusa_country(c, region.region_id) for c in region.countries],
        "payment_providers": [{"id": p, "is_installed": True} for p in providers],
        "tax_rates": [
            {
                "id": derived_id("txr", region.tenant_id, region.region_id, r.name),
                "rate": _rate(r.percent),
                "code": r.category,
                "name": r.name,
                "region_id": region.region_id,
                "metadata": None,
                "created_at": at,
                "updated_at": at,
            }
            for r in rates
        ],
    }


def medusa_address(cart: Cart, address: Address | None, which: str) -> dict[str, Any] | None:
    if address is None:
        return None
    at = iso(cart.created_ms)
    return {
        "id": address_id(cart, address, which),
        "customer_id": cart.owner_id,
        "company": getattr(address, "company", None),
        "first_name": getattr(address, "first_name", None),
        "last_name": getattr(address, "last_name", None),
        "address_1": address.address,
        "address_2": getattr(address, "address_2", None),
        "city": address.city,
        "country_code": address.country.lower() if address.country else None,
        "province": address.state,
        "postal_code": address.zip_code,
        "phone": getattr(address, "phone", None),
        "metadata": getattr(address, "metadata", None),
        "created_at": at,
        "updated_at": iso(cart.modified_ms),
        "deleted_at": None,
    }


def address_id(cart: Cart, address: Address | None, which: str) -> str | None:
    if address is None:
        return None
    own = getattr(address, "address_id", None)
    return own or derived_id("addr", cart.cart_id, which, created_ms=cart.created_ms)


# ----- cart parts ----------------------------------------------------------------------------------


def _tax_lines(
    taxes: tuple[TaxLine, ...], owner: str, owner_key: str, prefix: str, at: str | None
) -> list[dict[str, Any]]:
    return [
        {
            "id": derived_id(prefix, owner, t.name),
            "rate": _rate(t.percent),
            "name": t.name,
            "code": _tax_code(t),
            "metadata": None,
            "created_at": at,
            "updated_at": at,
            owner_key: owner,
        }
        for t in taxes
    ]


def _discount_id(cart: Cart, code: str) -> str:
    """The catalog code's own id (``disc_…``) as the cart recorded it; a code applied before ids were
    recorded gets one derived from its name."""
    for applied in (*cart.discounts, *((cart.free_shipping,) if cart.free_shipping else ())):
        if applied.code == code and applied.discount_id:
            return applied.discount_id
    return derived_id("disc", cart.tenant_id, code)


def medusa_item(cart: Cart, line: LineItem, priced_line: PricedLine | None, variant: dict[str, Any]) -> dict[str, Any]:
    item_id = wire_line_id(line.line_id)
    at = iso(cart.created_ms)
    gross = priced_line.gross_minor if priced_line else line.unit_total_minor * line.quantity
    discount = priced_line.discount_minor if priced_line else 0
    tax = priced_line.tax_minor if priced_line else 0
    taxes = priced_line.taxes if priced_line else ()
    # Medusa's original_tax_total: the line's tax without the discount, per rate, rounded.
    original_tax = sum(_js_round(gross * float(t.percent) / 100) for t in taxes)
    return {
        "id": item_id,
        "cart_id": wire_cart_id(cart.cart_id),
        "order_id": wire_order_id(cart) if cart.submitted_ms else None,
        "swap_id": None,
        "claim_order_id": None,
        "original_item_id": None,
        "order_edit_id": None,
        "title": line.title or line.product_id,
        # Medusa's generated line: the product's title, the variant's title, the product's thumbnail.
        "description": line.variant_title or line.title or line.product_id,
        "thumbnail": variant["product"]["thumbnail"],
        "metadata": dict(line.metadata),
        "is_return": False,
        "is_giftcard": False,
        "should_merge": True,
        "allow_discounts": line.allow_discounts,
        "has_shipping": bool(cart.shipping_methods),
        "unit_price": line.unit_total_minor,
        "variant_id": variant["id"],
        "quantity": line.quantity,
        "fulfilled_quantity": None,
        "returned_quantity": None,
        "shipped_quantity": None,
        "created_at": at,
        "updated_at": iso(cart.modified_ms),
        "adjustments": [
            {
                "id": derived_id("lia", line.line_id, a.code),
                "item_id": item_id,
                "description": "discount",
                "discount_id": _discount_id(cart, a.code),
                "amount": _amount(a.amount),
                "metadata": None,
            }
            for a in (priced_line.adjustments if priced_line else ())
            if a.source == "discount"
        ],
        "tax_lines": _tax_lines(taxes, item_id, "item_id", "litl", at),
        "variant": variant,
        "subtotal": gross,
        "discount_total": discount,
        "total": gross - discount + tax,
        "original_total": gross + original_tax,
        "original_tax_total": original_tax,
        "tax_total": tax,
    }


def _js_round(value: float) -> int:
    import math

    return math.floor(value + 0.5)


def medusa_variant(cart: Cart, line: LineItem, catalog: LineCatalog | None = None) -> dict[str, Any]:
    """The line's variant with its product, as a cart loads them (``items.variant`` and
    ``items.variant.product.profiles``: their columns, no prices, options or images): from the
    catalog as it is now (``LineCatalog``: the stock figure, the product's handle, thumbnail…), or,
    for a variant or product no longer stored (or an answer made without the catalog), from what
    the line recorded when it was added."""
    variant = catalog.variants.get(line.product_id) if catalog else None
    product_id = line.group_id or line.product_id
    product = catalog.products.get(product_id) if catalog else None
    at = iso(cart.created_ms)
    product_at = iso(product.created_ms) if product else at
    profile = (product.profile_id if product else None) or line.profile_id or "default"
    rank = product.variant_ids.index(line.product_id) if product and line.product_id in product.variant_ids else 0
    return {
        "id": line.product_id,
        "title": (variant.variant_title if variant else None) or line.variant_title or line.title or line.product_id,
        "product_id": product_id,
        "sku": variant.sku if variant else line.sku,
        "barcode": None,
        "ean": None,
        "upc": None,
        "variant_rank": rank,
        "inventory_quantity": variant.inventory_quantity if variant else 0,
        "allow_backorder": variant.allow_backorder if variant else line.stock == "backorder",
        "manage_inventory": variant.manage_inventory if variant else line.stock is not None,
        **UNMODELLED_VARIANT_COLUMNS,
        "created_at": product_at,
        "updated_at": product_at,
        "deleted_at": None,
        "metadata": None,
        "product": {
            "id": product_id,
            "title": product.title if product else line.title or product_id,
            "subtitle": product.subtitle if product else None,
            "description": product.description if product else None,
            "handle": product.handle if product else None,
            "is_giftcard": product.is_giftcard if product else False,
            "status": "published",
            "thumbnail": product.thumbnail if product else None,
            "weight": None,
            "length": None,
            "height": None,
            "width": None,
            "hs_code": None,
            "origin_country": None,
            "mid_code": None,
            "material": None,
            "collection_id": None,
            "type_id": None,
            "discountable": product.discountable if product else line.allow_discounts,
            "external_id": None,
            "profile_id": profile,
            "created_at": product_at,
            "updated_at": iso(product.updated_ms or product.created_ms) if product else at,
            "deleted_at": None,
            "metadata": None,
            "profiles": [{"id": profile, "name": profile, "type": "default"}],
        },
    }


def medusa_shipping_method(
    cart: Cart, method: ShippingMethod, priced: PricedShipping, region_id: str
) -> dict[str, Any]:
    method_id = derived_id("sm", cart.cart_id, priced.method_id, created_ms=cart.created_ms)
    option_id = method.option_id or method.method_id
    at = iso(cart.created_ms)
    taxes = priced.taxes
    tax = priced.tax_minor
    return {
        "id": method_id,
        "shipping_option_id": option_id,
        "order_id": wire_order_id(cart) if cart.submitted_ms else None,
        "claim_order_id": None,
        "cart_id": wire_cart_id(cart.cart_id),
        "swap_id": None,
        "return_id": None,
        "price": priced.amount_minor,
        "data": dict(method.data),
        "shipping_option": {
            "id": option_id,
            "name": priced.name,
            "region_id": region_id,
            "profile_id": method.profile_id,
            "provider_id": "manual",
            "price_type": "flat_rate",
            "amount": method.option_amount_minor if method.option_amount_minor is not None else priced.amount_minor,
            "is_return": False,
            "admin_only": False,
            "data": {},
            "metadata": None,
            "created_at": at,
            "updated_at": at,
            "deleted_at": None,
        },
        "tax_lines": _tax_lines(taxes, method_id, "shipping_method_id", "smtl", at),
        "subtotal": priced.amount_minor,
        "total": priced.amount_minor + tax,
        "tax_total": tax,
        "original_total": priced.amount_minor + tax,
        "original_tax_total": tax,
    }


def medusa_payment_session(cart: Cart, session: PaymentSession) -> dict[str, Any]:
    at = iso(cart.created_ms)
    return {
        "id": derived_id("ps", cart.cart_id, session.provider_id, created_ms=cart.created_ms),
        "cart_id": wire_cart_id(cart.cart_id),
        "provider_id": session.provider_id,
        "is_selected": True if session.is_selected else None,
        "is_initiated": session.is_selected,
        "status": session.status,
        "data": dict(session.data),
        "idempotency_key": None,
        "amount": session.amount_minor,
        "payment_authorized_at": iso(cart.submitted_ms) if session.status == "authorized" else None,
        "created_at": at,
        "updated_at": iso(cart.modified_ms),
    }


def medusa_discount(cart: Cart, discount: AppliedDiscount, region_id: str) -> dict[str, Any]:
    at = iso(cart.created_ms)
    discount_id = _discount_id(cart, discount.code)
    kind = DiscountKind(discount.kind).value  # percentage, fixed or free_shipping: Medusa's rule types
    rule_value = discount.value
    return {
        "id": discount_id,
        "code": discount.code,
        "is_dynamic": False,
        "rule_id": derived_id("dru", cart.tenant_id, discount.code),
        "is_disabled": False,
        "parent_discount_id": None,
        "starts_at": at,
        "ends_at": None,
        "valid_duration": None,
        "usage_limit": None,
        "usage_count": 0,
        "created_at": at,
        "updated_at": at,
        "deleted_at": None,
        "metadata": None,
        "rule": {
            "id": derived_id("dru", cart.tenant_id, discount.code),
            "type": kind,
            "description": None,
            "value": int(rule_value) if rule_value == rule_value.to_integral_value() else float(rule_value),
            "allocation": discount.allocation,
            "created_at": at,
            "updated_at": at,
            "deleted_at": None,
            "metadata": None,
        },
    }


def medusa_gift_card(cart: Cart, card: AppliedGiftCard, region_id: str) -> dict[str, Any]:
    at = iso(cart.created_ms)
    return {
        "id": derived_id("gift", cart.tenant_id, card.code),
        "code": card.code,
        "value": card.balance_minor,
        "balance": card.balance_minor,
        "region_id": region_id,
        "order_id": None,
        "is_disabled": False,
        "ends_at": iso(card.ends_ms),
        "tax_rate": None if card.tax_rate is None else _rate(card.tax_rate),
        "created_at": at,
        "updated_at": at,
        "deleted_at": None,
        "metadata": None,
    }


def _payment(cart: Cart, currency: str) -> dict[str, Any] | None:
    session = cart.selected_session()
    payment = cart.payment(session.payment_key) if session else None
    if payment is None or session is None:
        return None
    at = iso(cart.submitted_ms or cart.modified_ms)
    return {
        "id": derived_id("pay", cart.cart_id, payment.key, created_ms=cart.created_ms),
        "swap_id": None,
        "cart_id": wire_cart_id(cart.cart_id),
        "order_id": wire_order_id(cart) if cart.submitted_ms else None,
        "amount": payment.authorized_minor if payment.authorized_minor is not None else payment.amount_minor,
        "currency_code": currency,
        "amount_refunded": 0,
        "provider_id": session.provider_id,
        "data": {},
        "captured_at": iso(cart.paid_ms) if payment.status == "captured" else None,
        "canceled_at": iso(cart.canceled_ms) if payment.status == "voided" else None,
        "metadata": None,
        "idempotency_key": None,
        "created_at": at,
        "updated_at": iso(cart.modified_ms),
    }


def wire_order_id(cart: Cart) -> str:
    return ORDER_IDS.encode(InternalId.from_key(cart.cart_id))


# ----- the sales channel -------------------------------------------------------------------------

# A tenant's storefront is one store with one sales channel: Medusa's default one, which every
# product is in and every cart and order is made in (medusa-v1.md §0.3: the sales_channels flag is on).
DEFAULT_SALES_CHANNEL_NAME = "Default Sales Channel"


def sales_channel_id(tenant_id: str) -> str:
    """The tenant's one sales channel (``sc_`` + a ULID derived from the tenant: the same on every read)."""
    return derived_id("sc", tenant_id, "default")


def check_sales_channel(tenant_id: str, wanted: str | None) -> None:
    """A ``sales_channel_id`` a storefront sends must be the store's channel: any other is unknown to
    it (Medusa's salesChannelService.retrieve: 404 "Sales channel with id: X was not found")."""
    if wanted is not None and wanted != sales_channel_id(tenant_id):
        raise NotFound(f"Sales channel with id: {wanted[:64]} was not found")


def medusa_sales_channel(tenant_id: str, created_ms: int) -> dict[str, Any]:
    at = iso(created_ms)
    return {
        "id": sales_channel_id(tenant_id),
        "name": DEFAULT_SALES_CHANNEL_NAME,
        "description": "Created by Medusa",
        "is_disabled": False,
        "metadata": None,
        "created_at": at,
        "updated_at": at,
        "deleted_at": None,
    }


# ----- the cart --------------------------------------------------------------------------------------

# Where Medusa's cart stands, from the core's lifecycle: completed from the order's placing on.
_COMPLETED = frozenset(set(CartStatus) - {CartStatus.OPEN})


def medusa_totals(totals: Totals) -> dict[str, int]:
    return {
        "subtotal": totals.subtotal_minor,
        "discount_total": totals.discount_total_minor,
        "item_tax_total": totals.item_tax_total_minor,
        "shipping_total": totals.shipping_total_minor,
        "shipping_tax_total": totals.shipping_tax_total_minor,
        "tax_total": totals.tax_total_minor,
        "gift_card_total": totals.gift_card_total_minor,
        "gift_card_tax_total": totals.gift_card_tax_total_minor,
        "total": totals.total_minor,
    }


def medusa_cart(priced: PricedCart, catalog: LineCatalog | None = None) -> dict[str, Any]:
    """The cart as Medusa's store routes return it (``{cart}``'s value); ``catalog``: its lines'
    variants and products as stored now (``Storefront.line_catalog``), else as the lines recorded
    them."""
    cart, totals, region = priced.cart, priced.totals, priced.region
    currency = region.currency.lower()
    lines_by_id = {line.line_id: line for line in totals.lines}
    shipping = {s.method_id: s for s in totals.shipping}
    selected = cart.selected_session()
    completed = cart.status in _COMPLETED and cart.submitted_ms is not None
    payment = _payment(cart, currency)
    body: dict[str, Any] = {
        "object": "cart",
        "id": wire_cart_id(cart.cart_id),
        "email": getattr(cart, "email", None),
        "billing_address_id": address_id(cart, getattr(cart, "billing_address", None), "billing"),
        "billing_address": medusa_address(cart, getattr(cart, "billing_address", None), "billing"),
        "shipping_address_id": address_id(cart, cart.delivery_address, "shipping"),
        "shipping_address": medusa_address(cart, cart.delivery_address, "shipping"),
        "items": [
            medusa_item(cart, line, lines_by_id.get(line.line_id), medusa_variant(cart, line, catalog))
            for line in cart.lines
        ],
        "region_id": region.region_id,
        "region": medusa_region(region, cart.created_ms),
        "discounts": [
            medusa_discount(cart, d, region.region_id)
            for d in (*cart.discounts, *((cart.free_shipping,) if cart.free_shipping else ()))
        ],
        "gift_cards": [medusa_gift_card(cart, g, region.region_id) for g in cart.gift_cards],
        "customer_id": cart.owner_id or cart.guest_customer_id,
        "payment_sessions": [medusa_payment_session(cart, s) for s in cart.payment_sessions],
        "payment_id": payment["id"] if payment else None,
        "payment": payment,
        "shipping_methods": [
            medusa_shipping_method(cart, m, shipping[m.method_id], region.region_id)
            for m in cart.shipping_methods
            if m.method_id in shipping
        ],
        "type": "default",
        "completed_at": iso(cart.submitted_ms) if completed else None,
        "payment_authorized_at": iso(cart.submitted_ms) if completed and payment else None,
        "idempotency_key": None,
        "context": dict(getattr(cart, "context", None) or {}),
        "metadata": None,
        "sales_channel_id": sales_channel_id(cart.tenant_id),
        "sales_channel": medusa_sales_channel(cart.tenant_id, cart.created_ms),
        "created_at": iso(cart.created_ms),
        "updated_at": iso(cart.modified_ms),
        "deleted_at": None,
        **medusa_totals(totals),
    }
    if selected is not None:
        # Medusa sets it after load from the selected session: the key is absent when none is.
        body["payment_session"] = medusa_payment_session(cart, selected)
    return body


# ----- the order ---------------------------------------------------------------------------------

_ORDER_STATUS = {
    CartStatus.SUBMITTED: "pending",
    CartStatus.VALIDATED: "pending",
    CartStatus.PAID: "pending",
    CartStatus.PAYMENT_FAILED: "requires_action",
    CartStatus.COMPLETED: "completed",
    CartStatus.CANCELED: "canceled",
    CartStatus.REJECTED: "canceled",
    CartStatus.EXPIRED: "canceled",
}


def order_status(cart: Cart) -> str:
    return _ORDER_STATUS.get(cart.status, "pending")


def display_id(cart: Cart) -> int:
    return int(cart.order_no) if cart.order_no and cart.order_no.isdigit() else 0


def order_payment_status(cart: Cart) -> str:
    return _payment_status(cart)


def _payment_status(cart: Cart) -> str:
    statuses = {p.status for p in cart.payments}
    if "captured" in statuses:
        return "captured"
    if "declined" in statuses:
        return "requires_action"
    if "voided" in statuses:
        return "canceled"
    if statuses & {"authorized", "capturing"}:
        return "awaiting"
    return "not_paid"


def medusa_order(priced: PricedCart, catalog: LineCatalog | None = None) -> dict[str, Any]:
    """The order a completed cart placed (``order_`` + the cart's ULID), as Medusa's order routes and
    ``complete`` return it: the cart's lines, addresses, shipping, discounts, gift cards and payment,
    with the order's totals."""
    cart, totals, region = priced.cart, priced.totals, priced.region
    body = medusa_cart(priced, catalog)
    payment = body["payment"]
    captured = sum(p.captured_minor or 0 for p in cart.payments if p.status == "captured")
    return {
        "object": "order",
        "id": wire_order_id(cart),
        "status": order_status(cart),
        "fulfillment_status": "not_fulfilled",
        "payment_status": _payment_status(cart),
        "display_id": display_id(cart),
        "cart_id": body["id"],
        "customer_id": body["customer_id"],
        "email": body["email"],
        "billing_address_id": body["billing_address_id"],
        "billing_address": body["billing_address"],
        "shipping_address_id": body["shipping_address_id"],
        "shipping_address": body["shipping_address"],
        "region_id": region.region_id,
        "region": body["region"],
        "currency_code": region.currency.lower(),
        "tax_rate": None,
        "draft_order_id": None,
        "canceled_at": iso(cart.canceled_ms or cart.rejected_ms),
        "no_notification": None,
        "idempotency_key": None,
        "external_id": None,
        "sales_channel_id": body["sales_channel_id"],
        "metadata": None,
        "created_at": iso(cart.submitted_ms),
        "updated_at": iso(cart.modified_ms),
        "items": body["items"],
        "shipping_methods": body["shipping_methods"],
        "payments": [payment] if payment else [],
        "discounts": body["discounts"],
        "gift_cards": body["gift_cards"],
        "fulfillments": [],
        "returns": [],
        "refunds": [],
        "claims": [],
        "swaps": [],
        **medusa_totals(totals),
        "refunded_total": 0,
        "paid_total": captured,
        "refundable_amount": captured,
    }


# ----- wire → core ---------------------------------------------------------------------------------


def core_address(address: Any) -> Address:
    """A Medusa address payload as the core's address: only the fields it sets (a partial update
    changes only those: ``CartEdits.merge_addresses``)."""
    sent = address.model_fields_set
    names = {
        "address_1": "address",
        "address_2": "address_2",
        "city": "city",
        "province": "state",
        "postal_code": "zip_code",
        "country_code": "country",
        "first_name": "first_name",
        "last_name": "last_name",
        "company": "company",
        "phone": "phone",
    }
    fields = {core: getattr(address, wire) for wire, core in names.items() if wire in sent}
    if fields.get("country"):
        fields["country"] = str(fields["country"]).upper()
    return Address(**fields)
