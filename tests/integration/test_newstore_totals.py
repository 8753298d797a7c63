"""NewStore's totals, price modifiers and shipping solutions, through DynamoDB (moto) with the demo
fixture: the core's use cases first, then the face (functions/newstore_shopping)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cart_core.actors import Actor, ActorKind
from cart_core.discounts import ManualDiscountEdit
from cart_core.errors import InvalidRequest
from cart_core.shipping import IN_STORE_HANDOVER
from cart_core.tenancy import Caller
from cart_core.usecases import compose
from cart_core.usecases.carts import CartEdits, LineEdit
from local.fixture import NS_PRODUCT, NYC, SO_ACME_STANDARD, SO_NYC_EXPRESS, SO_NYC_STANDARD, SO_US_STANDARD

ASSOCIATE = Actor(kind=ActorKind.ASSOCIATE, id="associate-1")


def _caller(tenant: str = "demo", location: str = NYC) -> Caller:
    return Caller(tenant_id=tenant, location_id=location, actor=ASSOCIATE)


def _seed_cart(store, caller: Caller | None = None, **edits):
    cases = compose(store)
    lines = [LineEdit(product_id=NS_PRODUCT, quantity=1), LineEdit(product_id=NS_PRODUCT, quantity=1)]
    made = cases.carts.create(caller or _caller(), CartEdits(lines=lines, **edits), pricing_policy="newstore")
    return cases, made


# ----- the core ---------------------------------------------------------------------------------


def test_the_seed_sample_at_the_new_york_store(store) -> None:
    # Given two items of 1000011 at the New York store (NY rates, tax excluded)
    _, made = _seed_cart(store)
    t = made.totals
    # Then 27.56 + 2.44 tax = 30.00, each item taxed 0.55 + 0.62 + 0.05
    assert (t.subtotal_minor, t.tax_total_minor, t.total_minor) == (2756, 244, 3000)
    assert [[tax.amount_minor for tax in line.taxes] for line in t.lines] == [[55, 62, 5], [55, 62, 5]]
    assert made.cart.pricing_policy == "newstore"


def test_solutions_are_the_stores_own_and_untaxed_until_chosen(store) -> None:
    cases, made = _seed_cart(store)
    cart_id = made.cart.cart_id
    # When the New York store's solutions are asked for
    current, options = cases.storefront.shipping_solutions(_caller(), cart_id)
    # Then its standard and express options, and nothing of the main store's region
    assert [o.option_id for o in options] == [SO_NYC_STANDARD, SO_NYC_EXPRESS]
    assert current.totals.shipping_total_minor == 0 and current.totals.tax_total_minor == 244
    # When express is chosen, it is taxed at the store's rates
    chosen = cases.carts.update(_caller(), cart_id, CartEdits(shipping_solution_id=SO_NYC_EXPRESS))
    t = chosen.totals
    assert t.shipping_total_minor == 1500
    assert t.shipping_tax_total_minor == 60 + 68 + 6  # 0.60, 0.675 → 0.68, 0.05625 → 0.06
    assert t.total_minor == 3000 + 1500 + 134


def test_an_unknown_or_foreign_solution_is_refused_and_nothing_changes(store) -> None:
    cases, made = _seed_cart(store)
    cart_id = made.cart.cart_id
    for solution in ("so_nope", SO_US_STANDARD, SO_ACME_STANDARD):
        with pytest.raises(InvalidRequest, match="Unknown shipping solution"):
            cases.carts.update(_caller(), cart_id, CartEdits(shipping_solution_id=solution))
    assert cases.carts.get_cart(_caller(), cart_id).cart.shipping_methods == []


def test_in_store_handover_is_refused_while_an_item_ships(store) -> None:
    cases, made = _seed_cart(store)
    with pytest.raises(InvalidRequest, match="in_store_handover"):
        cases.carts.update(_caller(), made.cart.cart_id, CartEdits(shipping_solution_id=IN_STORE_HANDOVER))


def test_manual_reductions_through_an_update(store) -> None:
    cases, made = _seed_cart(store)
    manual = [
        ManualDiscountEdit(kind="fixed", value=Decimal(378), line_index=0, reason="display model"),
        ManualDiscountEdit(kind="percentage", value=Decimal(10)),
    ]
    edited = cases.carts.update(_caller(), made.cart.cart_id, CartEdits(manual_discounts=manual))
    # Then item a costs 10.00, the order takes 10 % of 23.78 = 2.38 (1.00 / 1.38 by the items' prices)
    t = edited.totals
    assert t.discount_total_minor == 378 + 238
    assert [line.discount_minor for line in t.lines] == [378 + 100, 138]
    assert t.total_minor == 2756 - 616 + t.tax_total_minor
    # And removing them (an empty list) restores the sample
    cleared = cases.carts.update(_caller(), made.cart.cart_id, CartEdits(manual_discounts=[]))
    assert cleared.totals.total_minor == 3000


def test_acme_sees_its_own_product_price_and_options(store) -> None:
    caller = _caller("acme", "main")
    cases, made = _seed_cart(store, caller)
    assert made.totals.subtotal_minor == 2 * 9900
    _, options = cases.storefront.shipping_solutions(caller, made.cart.cart_id)
    assert [o.option_id for o in options] == [SO_ACME_STANDARD]
    # And demo's New York options are not acme's
    with pytest.raises(InvalidRequest, match="Unknown shipping solution"):
        cases.carts.update(caller, made.cart.cart_id, CartEdits(shipping_solution_id=SO_NYC_STANDARD))
