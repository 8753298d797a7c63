"""Identity and merge: who a cart belongs to (a consumer, or a guest known by one of the partner's
keys), finding the cart a request means, and a guest cart becoming a consumer's."""

from __future__ import annotations

from collections.abc import Sequence

from cart_core.actors import OWNER_KIND, IdentityKey, identity_keys
from cart_core.cart import MAX_LINES, MAX_QUANTITY, Cart, LineItem
from cart_core.errors import Conflict, InvalidRequest, NotFound, Unauthorized
from cart_core.lifecycle import CartStatus
from cart_core.ports import Key, PointerKey, ReadSet
from cart_core.tenancy import Caller
from cart_core.unit_of_work import Work
from cart_core.usecases.shared import CartUseCases, PricedCart, priced, require_cart


def primary_key(caller: Caller, guest_keys: Sequence[IdentityKey] = ()) -> IdentityKey | None:
    """The key a request's open cart is found by: the caller's own (an owner actor's), else the first
    guest key the face was given (in the order the face prefers its kinds)."""
    return caller.actor.owner_key or next((key for key in guest_keys if key.value), None)


class Identity(CartUseCases):
    def resolve_cart_id(self, caller: Caller, cart_id: str | None, guest_keys: Sequence[IdentityKey] = ()) -> str:
        """The cart a request names, or else the open cart ``primary_key`` finds."""
        if cart_id:
            return cart_id
        primary = primary_key(caller, guest_keys)
        found = primary and self._uow.once().read_pointer(
            PointerKey(caller.tenant_id, caller.location_id, primary.kind, primary.value)
        )
        if not found:
            raise NotFound("No cart id given and no open cart for this consumer")
        return found

    def assign_consumer(self, caller: Caller, cart_id: str, consumer_id: str) -> PricedCart:
        """A guest cart becomes the consumer's open cart; their previous open cart is merged in.

        Only the consumer may ask (the caller's actor is that owner): the merge cancels their open
        cart, so no one else may reach it (401 for an actor that is no owner, 404 for another one)."""
        acting = caller.actor.owner_id
        if not acting:
            raise Unauthorized("Only the consumer can claim a cart")
        if acting != consumer_id:
            raise NotFound(f"Consumer user {consumer_id} not found")
        return self._uow.run(lambda work: self._assign_consumer_once(work, caller, cart_id, consumer_id))

    def _assign_consumer_once(self, work: Work, caller: Caller, cart_id: str, consumer_id: str) -> PricedCart:
        """One read (the guest cart and the consumer's pointer; their open cart is a second read only
        if there is one), one transaction: the guest cart, the merged-and-closed previous cart, the
        consumer's pointer and the released guest pointers."""
        pointer = PointerKey(caller.tenant_id, caller.location_id, OWNER_KIND, consumer_id)
        snapshot = work.read(ReadSet(caller.tenant_id, caller.location_id, cart_id, pointers=(pointer,)))
        guest = require_cart(snapshot, cart_id, None)  # who may act is checked above and below
        if guest.owner_id == consumer_id:
            return priced(guest, snapshot)  # a retry: already done
        if guest.owner_id is not None:
            raise NotFound(f"Cart {cart_id} belongs to another consumer")
        guest.require_editable()
        guest_version = guest.version
        previous_id = snapshot.pointers.get(pointer)
        # The previous cart's own read: it carries that cart's region, which its stamp prices in.
        previous_read = work.read(ReadSet(caller.tenant_id, caller.location_id, previous_id)) if previous_id else None
        previous = previous_read.cart if previous_read else None
        if previous is not None and previous.status is CartStatus.OPEN and previous.cart_id != guest.cart_id:
            assert previous_read is not None
            if previous.currency != guest.currency:  # lines carry prices in their cart's currency
                raise Conflict(
                    f"The consumer's open cart is in {previous.currency} and this one in {guest.currency}: "
                    "move one to the other's region first"
                )
            previous_version = previous.version
            merge_lines(guest, previous.lines)
            if len(guest.lines) > MAX_LINES:
                raise InvalidRequest(f"Merging the carts would exceed {MAX_LINES} lines")
            previous.transition(CartStatus.CANCELED, self._now_ms())
            previous.canceled_by = "store"
            previous.reason = f"Merged into cart {guest.cart_id}"
            self._stage(work, previous, previous_version, previous_read)
        # The guest's keys stop reaching the cart once it is the consumer's (in the same transaction).
        for key in pointer_keys(guest):
            work.release(Key.active(key), guest.cart_id)
        guest.set_identity(OWNER_KIND, consumer_id)
        work.claim(Key.active(pointer), guest.cart_id, replaces=previous_id)
        staged = self._stage(work, guest, guest_version, snapshot)
        work.commit()
        return staged


def pointer_keys(cart: Cart) -> list[PointerKey]:
    """The active-cart pointers that may name ``cart``: one per identity key it carries."""
    return [PointerKey(cart.tenant_id, cart.location_id, key.kind, key.value) for key in identity_keys(cart)]


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
