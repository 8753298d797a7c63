"""NewStore wire ↔ cart core: the create/update body → one ``CartEdits``, the priced cart → NewStore's cart.

What the core models (lines, addresses, currency, email) goes to its fields; what only NewStore has
(shop, shop_locale, customer, tax_exempt, channel, associate_id, extended attributes, manager
approval, the addresses' title/suffix/salutation, a line's fulfillment group and extended attributes)
is kept in the cart's ``attributes`` / the line's ``metadata`` as the validated wire values, and
answered back as given. Payments and state are checkout.py's; returns returns.py's; price_modifiers
price_modifiers.py's; shipping_solution_id and totals totals.py's and routes/shipping.py's.
"""

from __future__ import annotations

from typing import Any

from cart_core.cart import Address, Cart
from cart_core.errors import CartNotFound, InvalidRequest
from cart_core.ids import IdError, codec, wire_form
from cart_core.limits import SHORT_TEXT_BYTES
from cart_core.tenancy import Caller
from cart_core.usecases.carts import CartEdits, LineEdit
from cart_core.usecases.shared import PricedCart
from newstore_shopping import checkout, item_ids, returns
from newstore_shopping.price_modifiers import pricing_edits
from newstore_shopping.totals import calculated_prices, priced_fields
from newstore_shopping.wire import AddressIn, CartIn, ProductIn

IDS = codec("newstore")

# Cart fields kept as given (wire values) in Cart.attributes, under their wire names.
ATTRIBUTE_FIELDS = (
    "shop",
    "shop_locale",
    "customer",
    "tax_exempt",
    "channel",
    "associate_id",
    "extended_attributes",
    "manager_approval",
)
_ADDRESS_EXTRAS = ("title", "suffix", "salutation")


def wire_cart_id(cart_id: str) -> str:
    return wire_form(IDS, cart_id)


def core_cart_id(wire_id: str) -> str:
    """The stored key a NewStore cart id names; anything else is a cart that does not exist (404)."""
    try:
        return IDS.decode(wire_id).key
    except IdError:
        raise CartNotFound(wire_id) from None


def _address(given: AddressIn) -> Address:
    return Address(
        address=given.address_line_1,
        address_2=given.address_line_2,
        city=given.city,
        state=given.state,
        zip_code=given.zip_code,
        country=given.country.upper() if given.country else None,
        first_name=given.first_name,
        last_name=given.last_name,
        phone=given.phone,
    )


def _line(product: ProductIn) -> LineEdit:
    line_id = None
    for item in product.item_ids or ():
        found = item_ids.line_of(item)
        if found is not None:
            line_id = found[0]  # the line these units were (the client sent the cart's items back)
            break
    metadata: dict[str, Any] = {}
    if product.extended_attributes:
        metadata["extended_attributes"] = [a.model_dump(mode="json") for a in product.extended_attributes]
    # None (not given): the line ships, as the cart's fulfillment says, and is stored without the field.
    group = product.fulfillment_group.type if product.fulfillment_group else None
    return LineEdit(
        product_id=product.product_id, quantity=product.quantity, line_id=line_id, metadata=metadata,
        fulfillment_group=group,
    )  # fmt: skip


def edits_from(body: CartIn | None, caller: Caller, creating: bool = False) -> CartEdits:
    """The one core edit a create or update body makes (fields left out are left as they are)."""
    if body is None:
        # A new cart has no shipping address until one is given (the core would start one with the
        # region's only country, as Medusa does).
        return CartEdits(delivery_address=None) if creating else CartEdits()
    fields = body.model_fields_set
    if body.store_id is not None and body.store_id != caller.location_id:
        # A cart lives at its API client's store (docs/newstore.md, Stores); never another's.
        raise InvalidRequest(f"store_id must be this API client's store ({caller.location_id})")
    edits: dict[str, Any] = {}
    attributes: dict[str, Any] = {}
    if "products" in fields:
        edits["lines"] = [_line(p) for p in body.products or ()]
    if "payments" in fields:
        edits["payments"] = checkout.payment_edits(body.payments)
    for name, core in (("shipping_address", "delivery_address"), ("billing_address", "billing_address")):
        if name in fields:
            given: AddressIn | None = getattr(body, name)
            edits[core] = _address(given) if given is not None else None
            attributes[f"{name}_extras"] = (
                {k: getattr(given, k) for k in _ADDRESS_EXTRAS if getattr(given, k) is not None} if given else {}
            )
    if "shipping_address" in fields or "billing_address" in fields:
        edits["merge_addresses"] = True  # null clears an address; given, it replaces the cart's whole
    if creating and "shipping_address" not in fields:
        edits["delivery_address"] = None  # none until given (the core would start one with a country)
    for name in ATTRIBUTE_FIELDS:
        if name in fields:
            value = getattr(body, name)
            attributes[name] = (
                value.model_dump(mode="json", exclude_none=True)
                if hasattr(value, "model_dump")
                else ([v.model_dump(mode="json") for v in value] if isinstance(value, list) else value)
            )
    if "customer" in fields:
        customer = body.customer
        edits["email"] = customer.email if customer and customer.email else None
        # The name a receipt is made out to (cart_core.documents reads the cart's context for it).
        # "" when none: the context merges, so a name given before must be taken back explicitly.
        name = (
            customer and (customer.name or " ".join(n for n in (customer.first_name, customer.last_name) if n))
        ) or ""
        edits["context"] = {"customer_name": name.encode()[:SHORT_TEXT_BYTES].decode(errors="ignore")}
    if body.currency is not None:
        edits["expected_currency"] = body.currency.upper()
    if attributes:
        edits["attributes"] = attributes
    edits.update(pricing_edits(body, caller))
    return CartEdits(**edits)


# ----- core → wire ---------------------------------------------------------------------------


def _wire_address(address: Address | None, extras: dict[str, Any] | None) -> dict[str, Any] | None:
    if address is None:
        return None
    shown = {
        **(extras or {}),
        "first_name": address.first_name,
        "last_name": address.last_name,
        "address_line_1": address.address,
        "address_line_2": address.address_2,
        "city": address.city,
        "state": address.state,
        "zip_code": address.zip_code,
        "country": address.country,
        "phone": address.phone,
    }
    return {k: v for k, v in shown.items() if v is not None}


def products(cart: Cart) -> list[dict[str, Any]]:
    """The cart's product lines (prices: totals.py adds each line's ``calculated_price``)."""
    return [
        {
            "product_id": line.product_id,
            "quantity": line.quantity,
            "fulfillment_group": {"type": "SHIPPING" if cart.line_ships(line) else "IN_STORE_HANDOVER"},
            "extended_attributes": line.metadata.get("extended_attributes", []),
            "item_ids": item_ids.item_ids(cart.cart_id, line.line_id, line.quantity),
            "pricebook": "",
            "group_id": line.group_id or "",
        }
        for line in cart.lines
    ]


def state_of(priced: PricedCart) -> str:
    """The cart's NewStore state (checkout.py: ready is computed, placed/accepted/failed from the core)."""
    return checkout.order_state(priced)


def newstore_cart(priced: PricedCart) -> dict[str, Any]:
    cart = priced.cart
    attributes = cart.attributes
    shipping = _wire_address(cart.delivery_address, attributes.get("shipping_address_extras"))
    billing = _wire_address(cart.billing_address, attributes.get("billing_address_extras"))
    return {
        "id": wire_cart_id(cart.cart_id),
        "state": state_of(priced),
        "store_id": cart.location_id,
        "currency": cart.currency,
        "shop": attributes.get("shop"),
        "shop_locale": attributes.get("shop_locale"),
        "customer": attributes.get("customer"),
        "tax_exempt": bool(attributes.get("tax_exempt", False)),
        "associate_id": attributes.get("associate_id"),
        "channel": attributes.get("channel"),
        "extended_attributes": attributes.get("extended_attributes") or [],  # null given reads as none
        "manager_approval": attributes.get("manager_approval"),
        "shipping_address": shipping,
        # The seed: "If not set, the shipping address will be used."
        "billing_address": billing if billing is not None else shipping,
        "products": [
            {"calculated_price": price, **line}
            for line, price in zip(products(cart), calculated_prices(priced), strict=True)
        ],
        "payments": checkout.payments_of(cart),
        "payment_statuses": checkout.payment_statuses(cart),
        **priced_fields(priced),  # totals, remaining_amount, shipping_solution_id, price_modifiers
        "discounts": None,
        "messages": checkout.messages(priced),
        **returns.response_fields(priced),
    }
