"""Identity and merge: who a cart belongs to (a consumer, or a guest known by one of the partner's
keys), finding the cart a request means, and a guest cart becoming a consumer's."""

from __future__ import annotations

from pydantic import BaseModel

from cart_core.cart import MAX_LINES, MAX_QUANTITY, Cart, LineItem
from cart_core.errors import InvalidRequest, NotFound, Unauthorized
from cart_core.lifecycle import CartStatus
from cart_core.ports import Key, PointerKey, ReadSet
from cart_core.tenancy import Caller
from cart_core.unit_of_work import Work
from cart_core.usecases.shared import CartUseCases, PricedCart, priced, require_cart

POINTER_KINDS = ("consumer", "session", "external", "transaction")


class CartIdentity(BaseModel):
    """Who a cart belongs to: a known consumer, or a guest known by one of the partner's keys."""

    consumer_id: str | None = None
    session_id: str | None = None
    external_id: str | None = None
    transaction_id: str | None = None

    def primary(self) -> tuple[str, str] | None:
        for kind in POINTER_KINDS:
            value = getattr(self, f"{kind}_id")
            if value:
                return kind, value
        return None


class Identity(CartUseCases):
    def resolve_cart_id(self, caller: Caller, cart_id: str | None, identity: CartIdentity) -> str:
        """The cart a request names, or else the identity's open cart."""
        if cart_id:
            return cart_id
        primary = identity.primary()
        found = primary and self._uow.once().read_pointer(PointerKey(caller.tenant_id, caller.location_id, *primary))
        if not found:
            raise NotFound("No cart id given and no open cart for this consumer")
        return found

    def assign_consumer(
        self, caller: Caller, cart_id: str, consumer_id: str, *, acting_consumer_id: str | None
    ) -> PricedCart:
        """A guest cart becomes the consumer's open cart; their previous open cart is merged in.

        Only the consumer may ask (``acting_consumer_id``, e.g. BLAZE's cuid): the merge cancels their
        open cart, so a guest naming someone else must not reach it (401 without, 404 for another)."""
        if not acting_consumer_id:
            raise Unauthorized("Only the consumer can claim a cart: send their cuid")
        if acting_consumer_id != consumer_id:
            raise NotFound(f"Consumer user {consumer_id} not found")
        return self._uow.run(lambda work: self._assign_consumer_once(work, caller, cart_id, consumer_id))

    def _assign_consumer_once(self, work: Work, caller: Caller, cart_id: str, consumer_id: str) -> PricedCart:
        """One read (the guest cart and the consumer's pointer; their open cart is a second read only
        if there is one), one transaction: the guest cart, the merged-and-closed previous cart, the
        consumer's pointer and the released guest pointers."""
        pointer = PointerKey(caller.tenant_id, caller.location_id, "consumer", consumer_id)
        snapshot = work.read(ReadSet(caller.tenant_id, caller.location_id, cart_id, pointers=(pointer,)))
        guest = require_cart(snapshot, cart_id)
        if guest.consumer_id == consumer_id:
            return priced(guest, snapshot)  # a retry: already done
        if guest.consumer_id is not None:
            raise NotFound(f"Cart {cart_id} belongs to another consumer")
        guest.require_editable()
        guest_version = guest.version
        previous_id = snapshot.pointers.get(pointer)
        previous = work.read(ReadSet(caller.tenant_id, caller.location_id, previous_id)).cart if previous_id else None
        if previous is not None and previous.status is CartStatus.OPEN and previous.cart_id != guest.cart_id:
            previous_version = previous.version
            merge_lines(guest, previous.lines)
            if len(guest.lines) > MAX_LINES:
                raise InvalidRequest(f"Merging the carts would exceed {MAX_LINES} lines")
            previous.transition(CartStatus.CANCELED, self._now_ms())
            previous.canceled_by = "store"
            previous.reason = f"Merged into cart {guest.cart_id}"
            self._stage(work, previous, previous_version, snapshot)
        # The guest's keys stop reaching the cart once it is the consumer's (in the same transaction).
        for key in pointer_keys(guest):
            work.release(Key.active(key), guest.cart_id)
        guest.consumer_id = consumer_id
        work.claim(Key.active(pointer), guest.cart_id, replaces=previous_id)
        self._stage(work, guest, guest_version, snapshot)
        work.commit()
        return priced(guest, snapshot)


def answers_to(cart: Cart, kind: str, value: str) -> bool:
    """Whether an active-cart key (``kind``, ``value``) still names ``cart``: its own key, and a guest
    key only while no consumer has claimed the cart."""
    return getattr(cart, f"{kind}_id") == value and (kind == "consumer" or cart.consumer_id is None)


def pointer_keys(cart: Cart) -> list[PointerKey]:
    """The active-cart pointers that may name ``cart``: one per identity key it carries."""
    return [
        PointerKey(cart.tenant_id, cart.location_id, kind, value)
        for kind in POINTER_KINDS
        if (value := getattr(cart, f"{kind}_id"))
    ]


def merge_lines(into: Cart, lines: list[LineItem]) -> None:
    by_product = {line.product_id: line for line in into.lines}
    for line in lines:
        if line.product_id in by_product:
            merged = by_product[line.product_id]
            if merged.quantity + line.quantity > MAX_QUANTITY:
                raise InvalidRequest(
                    f"Merging the carts would put more than {MAX_QUANTITY} of {merged.title} in one line"
                )
            merged.quantity += line.quantity
        else:
            into.lines.append(line.model_copy(deep=True))
