"""The face's price_modifiers → core edits (functions/newstore_shopping/price_modifiers.py)."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from cart_core.errors import InvalidRequest
from newstore_shopping.price_modifiers import price_modifier_edits


@dataclass
class Coupon:
    code: str


@dataclass
class Manual:
    type: str
    value: Decimal
    reason: str | None = None


def test_a_coupon_and_both_manual_scopes_map_to_one_edit() -> None:
    edits = price_modifier_edits(
        [Coupon("DEMO10")],
        Manual("percentage", Decimal("12.5"), "loyal customer"),
        [None, Manual("fixed", Decimal("1.50"))],
        "USD",
        "associate-1",
        modifiers_given=True,
    )
    assert edits["discount_codes"] == ["DEMO10"]
    order, item = edits["manual_discounts"]
    assert (order.kind, order.value, order.line_index, order.reason, order.given_by) == (
        "percentage", Decimal("12.5"), None, "loyal customer", "associate-1",
    )  # fmt: skip
    assert (item.kind, item.value, item.line_index) == ("fixed", Decimal(150), 1)  # minor units
    assert edits["manual_discount_scopes"] == ("order", "item")


def test_absent_modifiers_leave_the_carts_and_products_alone_replace_item_ones() -> None:
    assert price_modifier_edits(None, None, None, "USD", None, modifiers_given=False) == {}
    only_items = price_modifier_edits(None, None, [None], "USD", None, modifiers_given=False)
    assert only_items == {"manual_discounts": [], "manual_discount_scopes": ("item",)}


@pytest.mark.parametrize(
    ("coupons", "manual", "message"),
    [
        ([Coupon("A"), Coupon("B")], None, "At most one discount coupon"),
        ([], Manual("fixed", Decimal("1.005")), "more decimals"),
        ([], Manual("fixed", Decimal(0)), "above zero"),
        ([], Manual("surcharge", Decimal(1)), "fixed or percentage"),
    ],
)
def test_past_the_limits_is_400(coupons, manual, message) -> None:
    with pytest.raises(InvalidRequest, match=message):
        price_modifier_edits(coupons, manual, None, "USD", None, modifiers_given=True)
