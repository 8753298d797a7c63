"""Gift cards at order placement: what the order spends from each applied card, staged as bounded
``Add`` intents on the placing write, so a balance is taken in the same transaction as the order and
can never go below zero.

The placing use case (checkout) calls, inside its attempt:

    reads = ReadSet(..., gift_card_codes=gift_card_reads(cart))   # in its one batched read
    totals = redeem_gift_cards(work, cart, snapshot, location, now_ms)

A card spent by someone else between the read and the commit fails that ``Add``'s condition: the
unit of work retries the whole attempt from the read, which sees the lower balance and prices the
order with it. A card that is gone, disabled or expired by then is a ``Conflict``.
"""

from __future__ import annotations

from cart_core.cart import AppliedGiftCard, Cart
from cart_core.errors import Conflict
from cart_core.ports import GIFT_CARD_BALANCE, Key, Snapshot
from cart_core.pricing import GiftCardUse, RateSet, Totals, gift_card_uses, price
from cart_core.regions import cart_region_id
from cart_core.unit_of_work import Work


def gift_card_reads(cart: Cart) -> frozenset[str]:
    """The gift cards to read with the cart when placing its order."""
    return frozenset(card.code.upper() for card in cart.gift_cards)


def refresh_gift_cards(cart: Cart, snapshot: Snapshot, now_ms: int) -> None:
    """The applied cards as the store has them now (balances move while a cart is open)."""
    refreshed = []
    for applied in cart.gift_cards:
        card = snapshot.gift_cards.get(applied.code.upper())
        if card is None:
            raise Conflict(f"Gift card with code: {applied.code} was not found")
        if problem := card.problem(
            cart.currency, now_ms, cart_region_id(snapshot.location, cart) if snapshot.location else None
        ):
            raise Conflict(f"The gift card {applied.code} {problem}")
        refreshed.append(AppliedGiftCard.of(card))
    cart.gift_cards = refreshed


def stage_gift_card_redemptions(work: Work, cart: Cart, totals: Totals) -> list[GiftCardUse]:
    """Stage, on ``work``, taking what the order spends from each card (never below zero)."""
    uses = gift_card_uses(cart, totals)
    for use in uses:
        work.add(Key.gift_card(cart.tenant_id, use.code), GIFT_CARD_BALANCE, -use.amount_minor, minimum=0)
    return uses


def redeem_gift_cards(work: Work, cart: Cart, snapshot: Snapshot, location: RateSet, now_ms: int) -> Totals:
    """Refresh the cart's cards from ``snapshot``, price it, and stage the balances' decrements:
    the totals the order is placed with."""
    if cart.gift_cards:
        refresh_gift_cards(cart, snapshot, now_ms)
    totals = price(cart, location, force_taxes=True)  # what the order is charged
    stage_gift_card_redemptions(work, cart, totals)
    return totals
