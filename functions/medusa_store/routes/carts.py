"""/store/carts*: the cart routes a medusa-js storefront calls (medusa-v1.md §3.2), except
shipping methods (routes/catalog.py, medusa_catalog's).

Each route: the caller (``Depends``: the stage's or the publishable key's store, the signed-in
customer or a guest), Medusa's query check (``FindParams``), the core use case, ``{cart}`` out.
Where Medusa's answer differs from the core's error by more than its status (an unknown variant is
400 there, an unknown code 404), the route says so with a ``MedusaError``."""

from collections.abc import Callable
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body, Header
from aws_lambda_powertools.event_handler.request import Request

from cart_core.cart import Address, Cart, PricingPolicyName
from cart_core.errors import (
    Conflict,
    DiscountNotFound,
    InsufficientInventory,
    InvalidRequest,
    NotFound,
    ProductNotFound,
)
from cart_core.lifecycle import CartStatus
from cart_core.responses import documentation, documented
from cart_core.runtime import use_cases
from cart_core.tenancy import Caller
from cart_core.usecases.carts import CartEdits, LineEdit
from cart_core.usecases.checkout import NO_SESSION_SELECTED
from cart_core.usecases.shared import PricedCart
from medusa_store import find_params
from medusa_store.customer_view import medusa_customer
from medusa_store.errors import MedusaError, MedusaErrorList
from medusa_store.mapping import (
    address_id,
    check_sales_channel,
    core_address,
    core_cart_id,
    core_line_id,
    medusa_cart,
    medusa_order,
)
from medusa_store.store import medusa_caller, only_query
from medusa_store.wire import (
    AddressIn,
    CreateCartIn,
    Empty,
    LineItemIn,
    LineItemUpdateIn,
    SelectSessionIn,
    UpdateCartIn,
    UpdateSessionIn,
)

router = Router()
# Response models are documentation only, imported when the OpenAPI document is generated (cart_core.responses).
out = documentation("medusa_store.responses")

# Every Medusa cart is priced by Medusa's own arithmetic (cart_core.pricing, medusa_v1).
POLICY: PricingPolicyName = "medusa_v1"
CART = "/carts/<id>"
MISSING_ARGUMENTS = (
    "Unable to generate the line item because one or more required argument(s) are missing. "
    "Ensure quantity, regionId, and variantId are passed"
)


def cart_caller(request: Request) -> Caller:
    only_query(request)
    return medusa_caller(request)


MedusaCaller = Annotated[Caller, Depends(cart_caller)]
OptionalEmpty = Annotated[Empty | None, Body()]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=256)]


def cart_body(priced: PricedCart) -> dict[str, Any]:
    """The cart as Medusa renders it, its lines' variants and products as the catalog holds them now
    (Medusa loads ``items.variant.product`` on every cart answer: the stock figure is today's)."""
    return medusa_cart(priced, use_cases().storefront.line_catalog(priced.cart))


def order_body(priced: PricedCart) -> dict[str, Any]:
    return medusa_order(priced, use_cases().storefront.line_catalog(priced.cart))


def _cart(priced: PricedCart) -> dict[str, Any]:
    return {"cart": cart_body(priced)}


def _with_customer(priced: PricedCart) -> dict[str, Any]:
    """The cart with its ``customer`` relation, which only Medusa's line-item add and payment-sessions
    routes load (medusa-v1.md §3.1): the customer's columns, or null for a cart without one. Read in
    the same batch as the lines' catalog."""
    catalog = use_cases().storefront.line_catalog(priced.cart, with_customer=True)
    cart = medusa_cart(priced, catalog)
    cart["customer"] = medusa_customer(catalog.customer) if catalog.customer is not None else None
    return cart


def _idempotent(
    key: str | None, caller: Caller, request: Request, body: Any, run: Callable[[], dict[str, Any]]
) -> Response[dict[str, Any]]:
    """``run()``'s answer, recorded under the request's ``Idempotency-Key`` (then replayed for the
    same request, refused with 409 for another); a request without one gets one minted, answered in
    the header and recorded with the answer (medusa-v1.md §0.4)."""
    # Imported on the first idempotent call: Powertools' idempotency store brings boto3, which no
    # face imports at init (docs/architecture.md, import discipline).
    from medusa_store.idempotency import minted, recorded

    event = request.resolved_event
    if not key:
        return minted(caller, event.http_method, event.path, body, run)
    return recorded(key, caller, event.http_method, event.path, body, run, router.lambda_context)


def _variant_product(variant_id: str) -> str:
    """The core product a variant id names (a product here is one sellable variant)."""
    return variant_id


def _unknown_variant(error: ProductNotFound) -> MedusaError:
    return MedusaError(
        "invalid_data", f"Unable to generate the line items, some variant has not been found: {error.product_id}"
    )


def _customer_email(caller: Caller) -> str | None:
    """The signed-in customer's e-mail (None for a guest): a customer's cart carries it, whatever a
    body says (medusa-v1.md §3.2 update step 1, §6 "Signed-in cart email")."""
    owner = caller.actor.owner_id
    customer = use_cases().customers.find(caller, owner) if owner else None
    return customer.email if customer else None


def _read(caller: Caller, cart_id: str) -> PricedCart:
    """The cart, made the signed-in customer's if it was a guest's (Medusa sets the cart's customer,
    and with it the e-mail, whenever a signed-in customer reads or edits it). The guest keeps access
    (Medusa checks no ownership: the shopper who started the cart is not locked out mid-checkout);
    another customer never reaches it then (404), so one account cannot take another's cart."""
    carts = use_cases().carts
    priced = carts.get_cart(caller, cart_id)
    if caller.actor.owner_id and priced.cart.owner_id is None and priced.cart.status is CartStatus.OPEN:
        priced = carts.claim(caller, cart_id, keep_guest_access=True)
        email = _customer_email(caller)
        if email and priced.cart.email != email:
            priced = carts.update(caller, cart_id, CartEdits(email=email))
    return priced


# ----- the cart ------------------------------------------------------------------------------------


@router.post("/carts", responses=documented(out.CartResponse))
def create_cart(
    request: Request, caller: MedusaCaller, body: Annotated[CreateCartIn | None, Body()] = None
) -> dict[str, Any]:
    body = body or CreateCartIn()
    check_sales_channel(caller.tenant_id, body.sales_channel_id)
    event = request.resolved_event.raw_event
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    identity = (event.get("requestContext") or {}).get("identity") or {}
    context = {"ip": str(identity.get("sourceIp") or ""), "user_agent": str(headers.get("user-agent") or "")}
    context.update({k: str(v) for k, v in (body.context or {}).items()})
    edits: dict[str, Any] = {"context": context}
    if email := _customer_email(caller):
        edits["email"] = email
    if body.items:
        edits["lines"] = [
            LineEdit(product_id=_variant_product(item.variant_id), quantity=item.quantity or 1) for item in body.items
        ]
    if body.country_code:
        edits["delivery_address"] = Address(country=body.country_code.upper())
    try:
        priced = use_cases().carts.create(caller, CartEdits(**edits), body.region_id, POLICY)
    except ProductNotFound as error:
        raise _unknown_variant(error) from None
    except InvalidRequest as error:
        if "Shipping country" in error.message:
            raise MedusaError("not_allowed", "Shipping country not in region") from None
        raise
    return _cart(priced)


@router.get(CART, responses=documented(out.CartResponse))
def get_cart(request: Request, caller: MedusaCaller, id: str) -> dict[str, Any]:
    # The one cart route that honours ?fields= and ?expand= (medusa-v1.md §3.2; find_params.py).
    config = find_params.checked(request.query_parameters, find_params.CART)
    priced = _read(caller, core_cart_id(id))
    if not config.given:
        return _cart(priced)
    body = _with_customer(priced) if config.expands("customer") else cart_body(priced)
    return {"cart": find_params.narrow(body, config, find_params.CART)}


def _address(given: AddressIn | str | None, cart: Cart) -> Address | None:
    """An address payload, or the id of an address the cart already has, in either slot (Medusa:
    both may name one address record, so the copy keeps the id it was given by)."""
    if given is None or isinstance(given, AddressIn):
        return core_address(given) if given is not None else None
    for slot, address in (("shipping", cart.delivery_address), ("billing", cart.billing_address)):
        if address is not None and address_id(cart, address, slot) == given:
            return address.model_copy(update={"address_id": given})
    raise NotFound(f"Address with id {given[:64]} was not found")


def _codes(codes: list[Any] | None) -> list[str]:
    """Every code sent, in order: the core applies Medusa's rule (one regular code, the last, beside
    one free-shipping code; [] removes all)."""
    return [c.code.strip().upper() for c in codes or () if c.code.strip()]


@router.post(CART, responses=documented(out.CartResponse))
def update_cart(caller: MedusaCaller, id: str, body: Annotated[UpdateCartIn | None, Body()] = None) -> dict[str, Any]:
    body = body or UpdateCartIn()
    cart_id = core_cart_id(id)
    check_sales_channel(caller.tenant_id, body.sales_channel_id)
    sent = body.model_fields_set
    priced = _read(caller, cart_id)
    cart = priced.cart
    if body.region_id is not None and body.region_id != priced.region.region_id:
        if cart.status is not CartStatus.OPEN:
            raise MedusaError("not_allowed", "Cannot change the region of a completed cart")
        priced = use_cases().regions.change_region(caller, cart_id, body.region_id)
        cart = priced.cart
    edits: dict[str, Any] = {"merge_addresses": True}
    # A customer's cart keeps the customer's e-mail: a body's is ignored (also a guest's, on a guest
    # cart a customer took up: the cart's customer is that account).
    if caller.actor.owner_id:
        email = _customer_email(caller)
        if email and cart.email != email:
            edits["email"] = email
    elif "email" in sent and body.email is not None and cart.owner_id is None:
        # A guest becomes a has_account=false customer by its email (one per email, reused): the
        # cart's customer, which completing requires (medusa-v1.md §3.2 update step 1).
        guest = use_cases().customers.guest(caller, body.email.strip())
        edits["email"] = guest.email
        edits["guest_customer_id"] = guest.customer_id
    if "shipping_address" in sent:
        edits["delivery_address"] = _address(body.shipping_address, cart)
    if "billing_address" in sent:
        edits["billing_address"] = _address(body.billing_address, cart)
    if body.country_code:
        shipping = edits.get("delivery_address") or Address()
        edits["delivery_address"] = shipping.model_copy(update={"country": body.country_code.upper()})
    if "discounts" in sent:
        edits["discount_codes"] = _codes(body.discounts)
    if "gift_cards" in sent:
        edits["gift_card_codes"] = [g.code.strip() for g in body.gift_cards or ()]
    if body.context:
        edits["context"] = {k: str(v) for k, v in body.context.items()}
    if len(edits) == 1:  # nothing but the address rule: nothing to write
        return _cart(priced)
    try:
        return _cart(use_cases().carts.update(caller, cart_id, CartEdits(**edits)))
    except DiscountNotFound as error:
        raise MedusaError("not_found", f"Discounts with code [{error.code.upper()}] was not found") from None


@router.post(f"{CART}/taxes", responses=documented(out.CartResponse))
def calculate_taxes(
    request: Request, caller: MedusaCaller, id: str, key: IdempotencyKey = None, body: OptionalEmpty = None
) -> Response[dict[str, Any]]:
    # The cart with its taxes, even in a region that shows none before checkout (Medusa's force_taxes);
    # nothing stored.
    cart_id = core_cart_id(id)
    return _idempotent(
        key, caller, request, None, lambda: _cart(use_cases().carts.get_cart(caller, cart_id).with_taxes())
    )


# ----- complete --------------------------------------------------------------------------------------


def _complete(caller: Caller, cart_id: str) -> dict[str, Any]:
    priced = use_cases().carts.get_cart(caller, cart_id)
    cart = priced.cart
    if cart.submitted_ms is not None:  # completed already: the order it placed (Medusa's retry answer)
        return {"type": "order", "data": order_body(priced)}
    if not cart.lines:
        raise MedusaError("invalid_data", "Cannot create order from empty cart")
    if not cart.email and not cart.owner_id:
        raise MedusaError("invalid_data", "Cannot create an order from the cart without a customer")
    try:
        placed = use_cases().checkout.complete(caller, cart_id)
    except InsufficientInventory as error:
        # Sold out since the line was added: nothing was written (the order's write failed whole, the
        # payment's hold released), answered in Medusa's non-standard list shape (medusa-v1.md §3.2).
        raise MedusaErrorList("not_allowed", error.message, error.code, status=409) from None
    except InvalidRequest as error:
        if error.message == NO_SESSION_SELECTED:
            raise MedusaError("not_allowed", NO_SESSION_SELECTED) from None
        raise
    except Conflict as error:
        raise MedusaError("not_allowed", error.message) from None
    if placed.cart.submitted_ms is None:  # the payment needs more: the cart, with the session's status
        session = placed.cart.selected_session()
        status = session.status if session else "pending"
        return {"type": "cart", "data": cart_body(placed), "payment_status": status}
    return {"type": "order", "data": order_body(placed)}


@router.post(f"{CART}/complete", responses=documented(out.CompleteResponse))
def complete_cart(
    request: Request, caller: MedusaCaller, id: str, key: IdempotencyKey = None, body: OptionalEmpty = None
) -> Response[dict[str, Any]]:
    cart_id = core_cart_id(id)
    return _idempotent(key, caller, request, None, lambda: _complete(caller, cart_id))


@router.post(f"{CART}/complete-cart", responses=documented(out.CompleteResponse))
def complete_cart_deprecated(
    request: Request, caller: MedusaCaller, id: str, key: IdempotencyKey = None, body: OptionalEmpty = None
) -> Response[dict[str, Any]]:
    """Medusa's deprecated alias of ``complete``."""
    cart_id = core_cart_id(id)
    return _idempotent(key, caller, request, None, lambda: _complete(caller, cart_id))


# ----- line items ------------------------------------------------------------------------------------


@router.post(f"{CART}/line-items", responses=documented(out.CartResponse))
def add_line_item(
    request: Request, caller: MedusaCaller, id: str, body: LineItemIn, key: IdempotencyKey = None
) -> Response[dict[str, Any]]:
    cart_id = core_cart_id(id)
    if body.quantity < 1:
        raise MedusaError("invalid_data", MISSING_ARGUMENTS)

    def run() -> dict[str, Any]:
        try:
            priced = use_cases().carts.add_line(
                caller,
                cart_id,
                _variant_product(body.variant_id),
                body.quantity,
                clear_shipping=True,
                metadata=body.metadata,
            )
        except ProductNotFound as error:
            raise _unknown_variant(error) from None
        return {"cart": _with_customer(priced)}

    return _idempotent(key, caller, request, body.model_dump(), run)


def _line(wire_line: str) -> Callable[[Cart], str | None]:
    """The line ``wire_line`` names, found in the cart the core's change reads (no read of its own:
    the write is one read and one conditional write)."""
    return lambda cart: core_line_id(wire_line, cart)


@router.post(f"{CART}/line-items/<line_id>", responses=documented(out.CartResponse))
def update_line_item(caller: MedusaCaller, id: str, line_id: str, body: LineItemUpdateIn) -> dict[str, Any]:
    cart_id = core_cart_id(id)
    if body.quantity < 0:
        raise MedusaError("invalid_data", "quantity must not be less than 0")
    carts = use_cases().carts
    try:
        # A line the cart lacks: the core's 400 "Could not find the line item" (Medusa's invalid_data).
        return _cart(
            carts.set_line_quantity(
                caller, cart_id, _line(line_id), body.quantity, clear_shipping=True, metadata=body.metadata
            )
        )
    except InsufficientInventory as error:  # Medusa's update words it otherwise than its add
        raise MedusaError("not_allowed", "Inventory doesn't cover the desired quantity", error.code) from None


@router.delete(f"{CART}/line-items/<line_id>", responses=documented(out.CartResponse))
def delete_line_item(caller: MedusaCaller, id: str, line_id: str, body: OptionalEmpty = None) -> dict[str, Any]:
    # Medusa: a line not in the cart is a silent no-op (the core answers the cart, writing nothing).
    return _cart(use_cases().carts.remove_line(caller, core_cart_id(id), _line(line_id), clear_shipping=True))


# ----- discounts ---------------------------------------------------------------------------------------


@router.delete(f"{CART}/discounts/<code>", responses=documented(out.CartResponse))
def delete_discount(caller: MedusaCaller, id: str, code: str, body: OptionalEmpty = None) -> dict[str, Any]:
    # The storefront's removal: it knows the free-shipping code too (and prices shipping back).
    return _cart(use_cases().storefront.remove_discount(caller, core_cart_id(id), code))


# ----- payment sessions ---------------------------------------------------------------------------------


@router.post(f"{CART}/payment-sessions", responses=documented(out.PaymentSessionsResponse))
def create_payment_sessions(
    request: Request, caller: MedusaCaller, id: str, key: IdempotencyKey = None, body: OptionalEmpty = None
) -> Response[dict[str, Any]]:
    cart_id = core_cart_id(id)

    def run() -> dict[str, Any]:
        # Answered with taxes, as the sessions were opened for them (Medusa's force_taxes).
        cart = _with_customer(use_cases().payments.init_payment_sessions(caller, cart_id).with_taxes())
        return {"cart": cart, "data": cart}  # Medusa's handler answers the cart twice

    return _idempotent(key, caller, request, None, run)


def _offered(priced: PricedCart, provider_id: str) -> None:
    if not priced.region.allows_provider(provider_id):
        raise MedusaError("not_allowed", "The payment method is not available in this region")
    if not any(s.provider_id == provider_id for s in priced.cart.payment_sessions):
        # Medusa's unexpected_state (a 500 there): a client's mistake here, so 400.
        raise MedusaError("not_allowed", "Could not find payment session")


@router.post(f"{CART}/payment-session", responses=documented(out.CartResponse))
def select_payment_session(caller: MedusaCaller, id: str, body: SelectSessionIn) -> dict[str, Any]:
    cart_id = core_cart_id(id)
    _offered(use_cases().carts.get_cart(caller, cart_id), body.provider_id)
    return _cart(use_cases().payments.select_payment_session(caller, cart_id, body.provider_id))


@router.post(f"{CART}/payment-sessions/<provider_id>", responses=documented(out.CartResponse))
def update_payment_session(caller: MedusaCaller, id: str, provider_id: str, body: UpdateSessionIn) -> dict[str, Any]:
    cart_id = core_cart_id(id)
    priced = use_cases().carts.get_cart(caller, cart_id)
    _offered(priced, provider_id)
    payments = use_cases().payments
    selected = priced.cart.selected_session()
    if selected is None or selected.provider_id != provider_id:
        payments.select_payment_session(caller, cart_id, provider_id)
    data = {str(k): v if isinstance(v, str) else str(v) for k, v in body.data.items()}
    return _cart(payments.update_payment_session(caller, cart_id, provider_id, data))


@router.delete(f"{CART}/payment-sessions/<provider_id>", responses=documented(out.CartResponse))
def delete_payment_session(
    caller: MedusaCaller, id: str, provider_id: str, body: OptionalEmpty = None
) -> dict[str, Any]:
    cart_id = core_cart_id(id)
    priced = use_cases().carts.get_cart(caller, cart_id)
    if not any(s.provider_id == provider_id for s in priced.cart.payment_sessions):
        return _cart(priced)  # Medusa: a missing session is a no-op
    return _cart(use_cases().payments.delete_payment_session(caller, cart_id, provider_id))


@router.post(f"{CART}/payment-sessions/<provider_id>/refresh", responses=documented(out.CartResponse))
def refresh_payment_session(
    caller: MedusaCaller, id: str, provider_id: str, body: OptionalEmpty = None
) -> dict[str, Any]:
    cart_id = core_cart_id(id)
    try:
        return _cart(use_cases().payments.refresh_payment_session(caller, cart_id, provider_id))
    except NotFound as error:
        if "payment session" in error.message:
            raise MedusaError("not_allowed", "Could not find payment session") from None
        raise
