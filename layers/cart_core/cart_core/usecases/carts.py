"""Carts and lines: an identity's open cart (created on first use), reading carts and order history,
editing lines and fields, finalizing lines."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Annotated, Any

from pydantic import BaseModel, Field

from cart_core.actors import OWNER_KIND, IdentityKey, answers_to
from cart_core.cart import (
    MAX_GIFT_CARDS,
    MAX_LINES,
    MAX_QUANTITY,
    Address,
    AppliedGiftCard,
    Cart,
    FulfillmentKind,
    LineItem,
    PricingPolicyName,
    ShippingMethod,
    check_line_metadata,
    merged_metadata,
)
from cart_core.catalog import Product
from cart_core.discounts import apply_codes
from cart_core.errors import (
    InsufficientInventory,
    InvalidRequest,
    NotFound,
    ProductNotFound,
    Unauthorized,
)
from cart_core.ids import InternalId
from cart_core.lifecycle import CartStatus
from cart_core.limits import (
    ID_BYTES,
    MAX_ORDER_TAGS,
    NOTE_BYTES,
    REQUESTED_TIME_FUTURE_MS,
    REQUESTED_TIME_PAST_MS,
    SHORT_TEXT_BYTES,
    Utf8Limit,
)
from cart_core.ports import Key, PointerKey, ReadSet, Snapshot
from cart_core.regions import Region, cart_region_id
from cart_core.tenancy import Caller
from cart_core.unit_of_work import Work
from cart_core.usecases.identity import primary_key
from cart_core.usecases.shared import (
    CartUseCases,
    PricedCart,
    charged_total,
    home_currency,
    priced,
    region_of,
    require_cart,
    require_location,
    target_region,
)

MAX_CONTEXT_ENTRIES = 20
MAX_ATTRIBUTES = 32  # a face's own cart fields (Cart.attributes)

# Which line a change is for: its id, or how to find it in the cart the change reads (a face whose
# line ids are its own rendering of the core's resolves them there, instead of reading the cart first).
LineRef = str | Callable[[Cart], str | None]


def _find_line(cart: Cart, ref: LineRef) -> LineItem | None:
    line_id = ref if isinstance(ref, str) else ref(cart)
    return cart.line(line_id) if line_id is not None else None


class LineEdit(BaseModel):
    product_id: Annotated[str, Utf8Limit(ID_BYTES, min_bytes=1)]
    quantity: int = Field(gt=0, le=MAX_QUANTITY)
    line_id: Annotated[str, Utf8Limit(ID_BYTES)] | None = None
    note: Annotated[str, Utf8Limit(NOTE_BYTES)] | None = None
    # The face's own facts about the line (NewStore's fulfillment group and extended attributes),
    # bounded by the face; None keeps what a line of the same id already carries.
    metadata: dict[str, Any] | None = None


class CartEdits(BaseModel):
    """Editable fields; only the fields a request actually set are applied."""

    lines: list[LineEdit] | None = None
    discount_codes: list[Annotated[str, Utf8Limit(SHORT_TEXT_BYTES)]] | None = None
    # Replaces the applied gift cards (Medusa's ``gift_cards: [{code}]``); each is checked against
    # the catalog: known, enabled, unexpired, in the cart's currency.
    gift_card_codes: list[Annotated[str, Utf8Limit(SHORT_TEXT_BYTES)]] | None = Field(
        default=None, max_length=MAX_GIFT_CARDS
    )
    fulfillment: FulfillmentKind | None = None
    # An address given sets it; ``None`` given explicitly clears it (Medusa's ``shipping_address: null``).
    delivery_address: Address | None = None
    billing_address: Address | None = None
    # Medusa's addresses: a partial address updates the cart's field by field, and an explicit None
    # clears it. Without (BLAZE), an address replaces the cart's and None leaves it.
    merge_addresses: bool = False
    email: Annotated[str, Utf8Limit(SHORT_TEXT_BYTES, min_bytes=3)] | None = None
    # Set with ``email`` by a face whose guests become customers by their email (Medusa).
    guest_customer_id: Annotated[str, Utf8Limit(ID_BYTES, min_bytes=1)] | None = None
    # Merged into the cart's context (Medusa's shallow merge), bounded.
    context: dict[Annotated[str, Utf8Limit(64, min_bytes=1)], Annotated[str, Utf8Limit(SHORT_TEXT_BYTES)]] | None = (
        Field(default=None, max_length=MAX_CONTEXT_ENTRIES)
    )
    requested_time_ms: int | None = None  # kept within a window around now by apply_edits
    order_tags: list[Annotated[str, Utf8Limit(SHORT_TEXT_BYTES)]] | None = Field(
        default=None, max_length=MAX_ORDER_TAGS
    )
    notes: Annotated[str, Utf8Limit(NOTE_BYTES)] | None = None
    additional_notes: Annotated[str, Utf8Limit(NOTE_BYTES)] | None = None
    # The currency the client prices in (NewStore's ``currency``): refused unless it is the cart's.
    expected_currency: Annotated[str, Utf8Limit(3, min_bytes=3)] | None = None
    # Merged into the cart's ``attributes`` key by key (a face's own fields; it bounds them).
    attributes: dict[Annotated[str, Utf8Limit(64, min_bytes=1)], Any] | None = Field(
        default=None, max_length=MAX_ATTRIBUTES
    )

    def product_ids(self) -> frozenset[str]:
        return frozenset(line.product_id for line in self.lines or ())

    def codes(self) -> frozenset[str]:
        # Medusa trims codes, BLAZE does not: both forms are read, each rule looks up its own.
        given = [code for code in self.discount_codes or () if code]
        return frozenset(code.upper() for code in given) | frozenset(c.strip().upper() for c in given if c.strip())

    def gift_cards(self) -> frozenset[str]:
        return frozenset(code.upper() for code in self.gift_card_codes or () if code)

    def reads(self, caller: Caller, cart_id: str | None) -> ReadSet:
        """The one batched read these edits need: the cart and the products, codes and gift cards
        they name."""
        return ReadSet(
            caller.tenant_id,
            caller.location_id,
            cart_id,
            self.product_ids(),
            self.codes(),
            gift_card_codes=self.gift_cards(),
        )


class Carts(CartUseCases):
    # ----- reads -------------------------------------------------------------------------

    def active_cart(
        self,
        caller: Caller,
        guest_keys: Sequence[IdentityKey] = (),
        pricing_policy: PricingPolicyName | None = None,
    ) -> PricedCart:
        """The open cart of the caller's owner actor, else of the first of ``guest_keys``; created
        empty if it has none (priced by ``pricing_policy`` for good: the face's vendor's rounding)."""
        return self._uow.run(lambda work: self._active_cart_once(work, caller, guest_keys, CartEdits(), pricing_policy))

    def get_cart(self, caller: Caller, cart_id: str) -> PricedCart:
        """A cart the caller's actor sees."""
        snapshot = self._uow.once().read(ReadSet(caller.tenant_id, caller.location_id, cart_id))
        cart = require_cart(snapshot, cart_id, caller.actor, reading=True)
        return priced(cart, snapshot)

    def cart_by_public_key(self, caller: Caller, public_key: str) -> PricedCart:
        """The cart a public key names. The key is the capability (a shared link): whoever holds it
        reads the cart, whichever actor they are."""
        work = self._uow.once()
        cart_id = work.read_public_pointer(caller.tenant_id, public_key)
        if cart_id is None:
            raise NotFound(f"No cart has public key {public_key}")
        snapshot = work.read(ReadSet(caller.tenant_id, caller.location_id, cart_id))
        return priced(require_cart(snapshot, cart_id, None), snapshot)

    def consumer_history(self, caller: Caller, start: int, limit: int) -> tuple[list[PricedCart], int]:
        """The submitted orders of the caller's owner actor (a consumer or customer), newest first."""
        consumer_id = caller.actor.owner_id
        if consumer_id is None:
            raise Unauthorized("Order history is a consumer's own: the caller acts for no consumer")
        work = self._uow.once()
        carts, total = work.consumer_history(caller.tenant_id, caller.location_id, consumer_id, start, limit)
        # The regions of the page's carts are known now: one read with the location.
        region_ids = frozenset(cart.region_id for cart in carts if cart.region_id)
        snapshot = work.read(ReadSet(caller.tenant_id, caller.location_id, region_ids=region_ids))
        if snapshot.location is None:
            raise NotFound(f"Unknown location {caller.location_id}")
        return [priced(cart, snapshot) for cart in carts], total

    # ----- edits -------------------------------------------------------------------------

    def prepare(
        self,
        caller: Caller,
        guest_keys: Sequence[IdentityKey],
        edits: CartEdits,
        pricing_policy: PricingPolicyName | None = None,
    ) -> PricedCart:
        """Create or update the open cart ``active_cart`` finds with ``edits`` and price it."""
        return self._uow.run(lambda work: self._active_cart_once(work, caller, guest_keys, edits, pricing_policy))

    def update(self, caller: Caller, cart_id: str, edits: CartEdits) -> PricedCart:
        def change(cart: Cart, snapshot: Snapshot, work: Work) -> None:
            cart.require_editable()
            apply_edits(cart, edits, snapshot, self._clock())
            refresh_session_amounts(cart, snapshot)

        return self._mutate(caller, cart_id, change, edits.product_ids(), edits.codes(), edits.gift_cards())

    def set_shipping_methods(self, caller: Caller, cart_id: str, methods: list[ShippingMethod]) -> PricedCart:
        """Replace an editable cart's shipping methods. The face prices them from the store's options
        (a client never sets an amount)."""

        def change(cart: Cart, snapshot: Snapshot, work: Work) -> None:
            cart.require_editable()
            cart.set_shipping_methods(methods)

        return self._mutate(caller, cart_id, change)

    def set_finalized(self, caller: Caller, cart_id: str, line_id: str | None, finalized: bool) -> PricedCart:
        """Finalize one line (``line_id``) or, with ``line_id`` None, every line."""

        def change(cart: Cart, snapshot: Snapshot, work: Work) -> None:
            cart.require_editable()
            lines = cart.lines if line_id is None else [cart.line(line_id)]
            if lines == [None]:
                raise NotFound(f"Item {line_id} is not in cart {cart.cart_id}")
            for line in lines:
                assert line is not None
                line.finalized = finalized

        return self._mutate(caller, cart_id, change)

    # ----- carts made and edited line by line (Medusa's storefront) ---------------------------

    def create(
        self,
        caller: Caller,
        edits: CartEdits,
        region_id: str | None = None,
        pricing_policy: PricingPolicyName | None = None,
    ) -> PricedCart:
        """A new cart (no active-cart pointer: a storefront keeps its cart's id itself) in
        ``region_id`` (None: the location's default region), owned by the caller if it is an owner,
        with ``edits`` applied. A region the location does not offer: 400; one not stored: 404."""

        def attempt(work: Work) -> PricedCart:
            reads = edits.reads(caller, None)
            if region_id:
                reads = replace(reads, region_ids=frozenset({region_id}))
            snapshot = work.read(reads)
            location = require_location(snapshot, caller)
            region = target_region(snapshot, location, region_id)
            now = self._clock()
            cart = _new_cart(caller, region, pricing_policy, now)
            if caller.actor.owner_id:
                cart.set_identity(OWNER_KIND, caller.actor.owner_id)
            if "delivery_address" not in edits.model_fields_set and len(region.countries) == 1:
                # As Medusa: a region with one country ships there, so the address starts with it.
                cart.delivery_address = Address(country=region.countries[0])
            apply_edits(cart, edits, snapshot, now)
            staged = self._stage(work, cart, None, snapshot)
            work.commit()
            return staged

        return self._uow.run(attempt)

    def claim(self, caller: Caller, cart_id: str, *, keep_guest_access: bool = False) -> PricedCart:
        """A guest cart becomes the calling owner's (a signed-in storefront customer reading or
        editing it, as Medusa sets the cart's customer then). No merge and no pointer: the cart
        keeps being found by its id. A cart that is the caller's already is left as it is; another
        owner's is not reached (404). ``keep_guest_access``: guests keep reaching it (``Cart.
        guest_access``: Medusa's guest, who holds only the cart's id, is not locked out)."""
        owner = caller.actor.owner_id
        if owner is None:
            raise Unauthorized("Only a signed-in customer can claim a cart")

        def change(cart: Cart, snapshot: Snapshot, work: Work) -> bool:
            if cart.owner_id == owner:
                return False
            cart.set_identity(OWNER_KIND, owner)
            cart.guest_access = keep_guest_access
            return True

        return self._mutate(caller, cart_id, change)

    def add_line(
        self,
        caller: Caller,
        cart_id: str,
        product_id: str,
        quantity: int,
        *,
        clear_shipping: bool = False,
        metadata: dict[str, Any] | None = None,
    ) -> PricedCart:
        """Add ``quantity`` of a product: to the line that already has it (merged and re-priced, as
        Medusa merges a variant's lines), else as a new line; the other lines are left as they are.
        ``clear_shipping``: the shipping methods go (Medusa drops them whenever the lines change).
        Payment sessions take the new total. One read (the cart with the product), one write."""
        edit = LineEdit(product_id=product_id, quantity=quantity)
        wanted = dict(metadata or {})
        check_line_metadata(wanted)

        def change(cart: Cart, snapshot: Snapshot, work: Work) -> None:
            cart.require_editable()
            existing = next(
                (line for line in cart.lines if line.product_id == edit.product_id and line.metadata == wanted), None
            )
            if existing is None and len(cart.lines) >= MAX_LINES:
                raise InvalidRequest(f"A cart holds at most {MAX_LINES} lines")
            total = edit.quantity + (existing.quantity if existing else 0)
            if total > MAX_QUANTITY:
                raise InvalidRequest(f"A line holds at most {MAX_QUANTITY}")
            line = _priced_line(cart, LineEdit(product_id=edit.product_id, quantity=total), snapshot, self._clock())
            line.metadata = wanted
            _check_stock(cart, [line], snapshot)
            if existing is None:
                cart.lines = [*cart.lines, line]
            else:
                line.line_id, line.finalized, line.note = existing.line_id, existing.finalized, existing.note
                cart.lines = [line if old.line_id == existing.line_id else old for old in cart.lines]
            _after_line_change(cart, snapshot, clear_shipping)

        return self._mutate(caller, cart_id, change, frozenset({edit.product_id}))

    def set_line_quantity(
        self,
        caller: Caller,
        cart_id: str,
        line_ref: LineRef,
        quantity: int,
        *,
        clear_shipping: bool = False,
        metadata: dict[str, Any] | None = None,
    ) -> PricedCart:
        """Set one line's quantity at its price; 0 removes the line. A line the cart does not have:
        400 (Medusa's "Could not find the line item"), whatever the cart's state. One read, one write."""
        if not 0 <= quantity <= MAX_QUANTITY:
            raise InvalidRequest(f"A quantity is 0 to {MAX_QUANTITY}")

        def change(cart: Cart, snapshot: Snapshot, work: Work) -> None:
            line = _find_line(cart, line_ref)
            if line is None:
                raise InvalidRequest("Could not find the line item")
            cart.require_editable()
            if quantity == 0:
                cart.lines = [other for other in cart.lines if other.line_id != line.line_id]
            else:
                line.quantity = quantity
                if metadata:
                    line.metadata = merged_metadata(line.metadata, metadata)
                    check_line_metadata(line.metadata)
            _after_line_change(cart, snapshot, clear_shipping)

        return self._mutate(caller, cart_id, change)

    def remove_line(
        self, caller: Caller, cart_id: str, line_ref: LineRef, *, clear_shipping: bool = False
    ) -> PricedCart:
        """Remove one line; a line the cart does not have is a no-op (Medusa answers the cart), whatever
        the cart's state. One read, and one write if the line is there."""

        def change(cart: Cart, snapshot: Snapshot, work: Work) -> bool:
            gone = _find_line(cart, line_ref)
            if gone is None:
                return False
            cart.require_editable()
            cart.lines = [line for line in cart.lines if line.line_id != gone.line_id]
            _after_line_change(cart, snapshot, clear_shipping)
            return True

        return self._mutate(caller, cart_id, change)

    def _active_cart_once(
        self,
        work: Work,
        caller: Caller,
        guest_keys: Sequence[IdentityKey],
        edits: CartEdits,
        pricing_policy: PricingPolicyName | None = None,
    ) -> PricedCart:
        """Read the key's pointer, then (one batch) the cart it names with the location and what the
        edits need; create the cart if the pointer names no open cart of this key."""
        primary = primary_key(caller, guest_keys)
        if primary is None:
            raise InvalidRequest("Identify the cart: an owner or a guest key is required")
        pointer = PointerKey(caller.tenant_id, caller.location_id, primary.kind, primary.value)
        cart_id = work.read_pointer(pointer)
        snapshot = work.read(edits.reads(caller, cart_id))
        require_location(snapshot, caller)
        found = snapshot.cart
        # A pointer may be stale: the cart moved on, or it was claimed by a consumer, after which a
        # guest key must not reach it even if a pointer was left behind.
        cart = found if found and found.status is CartStatus.OPEN and answers_to(found, primary) else None
        if cart is None:
            region = snapshot.default_region
            if region is None:
                raise NotFound(f"The default region of location {caller.location_id} does not exist")
            cart = _new_cart(caller, region, pricing_policy, self._clock())
            cart.set_identity(primary.kind, primary.value)
            version = None
            # A pointer to a cart that expired or moved on is stale: take it over, conditionally.
            work.claim(Key.active(pointer), cart.cart_id, replaces=cart_id)
        else:
            version = cart.version
            if not edits.model_fields_set:
                return priced(cart, snapshot)
        apply_edits(cart, edits, snapshot, self._clock())
        staged = self._stage(work, cart, version, snapshot)
        work.commit()
        return staged


def _new_cart(caller: Caller, region: Region, pricing_policy: PricingPolicyName | None, now: float) -> Cart:
    """An empty open cart of the caller's location in ``region``, stamped by the injected clock."""
    return Cart(
        cart_id=InternalId.new(now).key,
        created_ms=int(now * 1000),
        modified_ms=int(now * 1000),
        tenant_id=caller.tenant_id,
        location_id=caller.location_id,
        # Pinned, so a later change of the location's default does not move an open cart
        # (None at a location stored before regions: its implicit region).
        region_id=None if region.implicit else region.region_id,
        currency=region.currency,
        pricing_policy=pricing_policy,
    )


def apply_edits(cart: Cart, edits: CartEdits, snapshot: Snapshot, now: float) -> None:
    """The fields ``edits`` set, checked against the snapshot's catalog (and ``now``, in seconds)."""
    fields = edits.model_fields_set
    if edits.expected_currency is not None and edits.expected_currency.upper() != cart.currency.upper():
        raise InvalidRequest(f"The currency of this store is {cart.currency}, not {edits.expected_currency}")
    if "lines" in fields and edits.lines is not None:
        before = _line_keys(cart.lines)
        cart.lines = _replace_lines(cart, edits.lines, snapshot, now)
        if cart.pricing_policy == "medusa_v1" and before != _line_keys(cart.lines):
            # Medusa deletes a cart's shipping methods whenever its lines change (the options'
            # requirements and profiles are judged again when the shopper chooses anew).
            cart.shipping_methods = []
    if "discount_codes" in fields:
        # The cart's vendor rule (cart_core.discounts): Medusa's one regular + one free-shipping
        # code, or every code stacked as BLAZE has it.
        apply_codes(cart, edits.discount_codes or (), snapshot.discounts, int(now * 1000), _region_id(cart, snapshot))
    if "gift_card_codes" in fields:
        cart.gift_cards = _gift_cards(cart, edits.gift_card_codes or [], snapshot, int(now * 1000))
    if "requested_time_ms" in fields and edits.requested_time_ms is not None:
        now_ms = int(now * 1000)
        if not now_ms - REQUESTED_TIME_PAST_MS <= edits.requested_time_ms <= now_ms + REQUESTED_TIME_FUTURE_MS:
            raise InvalidRequest(
                "The requested delivery or pickup time must be within 30 days before and 366 days after now"
            )
    for name in ("fulfillment", "requested_time_ms", "order_tags", "notes", "additional_notes"):
        if name in fields and getattr(edits, name) is not None:
            setattr(cart, name, getattr(edits, name))
    for name in ("delivery_address", "billing_address"):
        if name not in fields:
            continue
        given: Address | None = getattr(edits, name)
        current: Address | None = getattr(cart, name)
        if given is None and not edits.merge_addresses:
            continue  # BLAZE: an absent address leaves the cart's as it is
        if given is not None and edits.merge_addresses and current is not None:
            given = current.model_copy(update=given.model_dump(exclude_unset=True))
        setattr(cart, name, given)
    if "email" in fields:
        cart.email = edits.email
    if "guest_customer_id" in fields:
        cart.guest_customer_id = edits.guest_customer_id
    if "delivery_address" in fields and cart.delivery_address is not None and snapshot.location is not None:
        country = (cart.delivery_address.country or "").upper()
        region = region_of(cart, snapshot)
        if country and region.countries and country not in region.countries:
            raise InvalidRequest("Shipping country must be in the cart region")
    if "context" in fields and edits.context is not None:
        merged = {**cart.context, **edits.context}
        if len(merged) > MAX_CONTEXT_ENTRIES:
            raise InvalidRequest(f"A cart's context holds at most {MAX_CONTEXT_ENTRIES} entries")
        cart.context = merged
    if "attributes" in fields and edits.attributes is not None:
        attributes = {**cart.attributes, **edits.attributes}
        if len(attributes) > MAX_ATTRIBUTES:
            raise InvalidRequest(f"A cart carries at most {MAX_ATTRIBUTES} attributes")
        cart.attributes = attributes


def _line_keys(lines: list[LineItem]) -> list[tuple[str, str, int]]:
    return [(line.line_id, line.product_id, line.quantity) for line in lines]


def _region_id(cart: Cart, snapshot: Snapshot) -> str | None:
    """The stored region the cart is priced in (a cart stored before regions names none itself)."""
    return cart_region_id(snapshot.location, cart) if snapshot.location is not None else cart.region_id


def _gift_cards(cart: Cart, codes: list[str], snapshot: Snapshot, now_ms: int) -> list[AppliedGiftCard]:
    """The cards ``codes`` name, as the catalog has them now (each once, in the order given)."""
    applied: list[AppliedGiftCard] = []
    for code in dict.fromkeys(c.upper() for c in codes if c):
        card = snapshot.gift_cards.get(code)
        if card is None:
            raise NotFound(f"Gift card with code: {code} was not found")
        if problem := card.problem(cart.currency, now_ms, _region_id(cart, snapshot)):
            raise InvalidRequest(f"The gift card {code} {problem}")
        applied.append(AppliedGiftCard.of(card))
    return applied


def _replace_lines(cart: Cart, edits: list[LineEdit], snapshot: Snapshot, now: float) -> list[LineItem]:
    if len(edits) > MAX_LINES:
        raise InvalidRequest(f"A cart holds at most {MAX_LINES} lines")
    home = home_currency(snapshot, cart.currency)
    lines = []
    kept: set[str] = set()
    by_id: dict[str, LineItem] = {}
    for line in cart.lines:  # once, not a scan per edit: a partner sends every line back with its id
        by_id.setdefault(line.line_id, line)
    fresh_ids = iter(InternalId.new_keys(len(edits), now))  # one per edit at most
    for edit in edits:
        product = snapshot.products.get(edit.product_id)
        if product is None or not product.active:
            raise ProductNotFound(edit.product_id)
        # A line id names one line: a second edit naming it becomes a new line.
        existing = by_id.get(edit.line_id) if edit.line_id and edit.line_id not in kept else None
        if existing is not None and existing.product_id != product.product_id:
            existing = None  # the id named another product's line: this edit is a new line
        unit_price = product.price_in(cart.currency, home)
        if unit_price is None:
            raise InvalidRequest(f"Product {edit.product_id} has no price in {cart.currency}")
        line = LineItem(
            line_id=existing.line_id if existing is not None else next(fresh_ids),
            product_id=product.product_id,
            title=product.name,
            quantity=edit.quantity,
            unit_price_minor=unit_price,
            note=edit.note,
            **variant_fields(product),
        )
        if existing is not None:
            line.finalized = existing.finalized
            line.metadata = existing.metadata
            kept.add(existing.line_id)
        if edit.metadata is not None:
            line.metadata = edit.metadata
        lines.append(line)
    _check_stock(cart, lines, snapshot)
    return lines


def _priced_line(cart: Cart, edit: LineEdit, snapshot: Snapshot, now: float) -> LineItem:
    """A new line for ``edit``, priced from the snapshot's catalog in the cart's currency."""
    product = snapshot.products.get(edit.product_id)
    if product is None or not product.active:
        raise ProductNotFound(edit.product_id)
    unit_price = product.price_in(cart.currency, home_currency(snapshot, cart.currency))
    if unit_price is None:
        raise InvalidRequest(f"Product {edit.product_id} has no price in {cart.currency}")
    return LineItem(
        line_id=InternalId.new(now).key,
        product_id=product.product_id,
        title=product.name,
        quantity=edit.quantity,
        unit_price_minor=unit_price,
        note=edit.note,
        **variant_fields(product),
    )


def _after_line_change(cart: Cart, snapshot: Snapshot, clear_shipping: bool) -> None:
    if clear_shipping:
        cart.shipping_methods = []
    refresh_session_amounts(cart, snapshot)


def refresh_session_amounts(cart: Cart, snapshot: Snapshot) -> None:
    """Open payment sessions follow the cart's total (Medusa's setPaymentSessions after a change). A
    total of zero or less leaves nothing to pay: the sessions are dropped, as Medusa deletes them,
    and a change that brings the total back opens none (Medusa only re-sets sessions a cart has: the
    storefront opens them again, POST payment-sessions)."""
    if not cart.payment_sessions:
        return
    total = charged_total(cart, snapshot)
    if total <= 0:
        cart.payment_sessions = []
        return
    cart.payment_sessions = [session.model_copy(update={"amount_minor": total}) for session in cart.payment_sessions]


def variant_fields(product: Product) -> dict[str, Any]:
    """What a line keeps of its variant (``LineItem``), only where the variant has it: a product
    stored before variants makes exactly the line it always made."""
    fields: dict[str, Any] = {}
    if not product.discountable:
        fields["allow_discounts"] = False
    if product.group_id is not None:
        fields.update(group_id=product.group_id, variant_title=product.variant_title, sku=product.sku)
    if product.profile_id is not None:
        fields["profile_id"] = product.profile_id
    if product.manage_inventory:
        fields["stock"] = "backorder" if product.allow_backorder else "managed"
    return fields


def _check_stock(cart: Cart, lines: list[LineItem], snapshot: Snapshot) -> None:
    """Every variant whose quantity on the cart grows must have that many in stock (Medusa checks
    on add and update; a line left as it was is not checked again, so a cart whose stock fell keeps
    being editable elsewhere). Placement reserves the stock for good (checkout)."""
    before: dict[str, int] = {}
    for line in cart.lines:
        before[line.product_id] = before.get(line.product_id, 0) + line.quantity
    after: dict[str, int] = {}
    for line in lines:
        after[line.product_id] = after.get(line.product_id, 0) + line.quantity
    for product_id, quantity in after.items():
        product = snapshot.products.get(product_id)
        if product is not None and quantity > before.get(product_id, 0) and product.stock_problem(quantity):
            raise InsufficientInventory(product_id)
