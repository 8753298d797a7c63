"""The stored cart document: what a cart is written as, and read back from (cart_core.cart)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from cart_core.cart import Cart, LineItem

texts = st.one_of(st.none(), st.text(max_size=5))
lines = st.builds(
    LineItem,
    product_id=st.text(min_size=1, max_size=5),
    title=st.text(max_size=5),
    quantity=st.integers(1, 10),
    unit_price_minor=st.integers(0, 10_000),
    note=texts,
    finalized=st.booleans(),
    metadata=st.one_of(st.just({}), st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2)),
    allow_discounts=st.booleans(),
    group_id=texts,
    variant_title=texts,
    sku=texts,
    profile_id=texts,
    stock=st.sampled_from([None, "managed", "backorder"]),
)


@given(st.lists(lines, max_size=5))
def test_a_cart_reads_back_from_its_document_as_it_was(cart_lines: list[LineItem]) -> None:
    # Given a cart whose lines keep or change any of their defaults ("" and None notes both)
    cart = Cart(tenant_id="t", location_id="l", currency="USD", lines=cart_lines, version=3)
    # When it is stored and read back / Then every line is as it was (the version is stored beside it)
    assert Cart.model_validate_json(cart.document()) == cart.model_copy(update={"version": 0})


def test_a_lines_defaults_are_left_out_of_the_document() -> None:
    # Given a line as BLAZE makes them: a product, a title, a quantity and a price
    cart = Cart(tenant_id="t", location_id="l", currency="USD")
    cart.lines = [LineItem(line_id="l1", product_id="p", title="Flower", quantity=2, unit_price_minor=1500)]
    # When the cart is written / Then the line carries those fields only
    stored = json.loads(cart.document())["lines"]
    assert stored == [{"line_id": "l1", "product_id": "p", "title": "Flower", "quantity": 2, "unit_price_minor": 1500}]


def test_documents_written_with_every_field_still_read() -> None:
    # Given a line stored before defaults were left out (every field present)
    legacy = {"line_id": "l1", "product_id": "p", "title": "", "quantity": 1, "unit_price_minor": 0, "options": [],
              "note": None, "finalized": False, "metadata": {}, "allow_discounts": True, "group_id": None,
              "variant_title": None, "sku": None, "profile_id": None, "stock": None}  # fmt: skip
    doc = {"tenant_id": "t", "location_id": "l", "currency": "USD", "lines": [legacy]}
    # When it is read / Then it is the line it was
    assert Cart.model_validate(doc).lines == [LineItem(line_id="l1", product_id="p", quantity=1)]
