"""Regions through DynamoDB (moto): a location priced through its default region, an open cart moved
to another region (currency, catalog prices, codes), the rules on which regions, the version race,
and the read budget (the cart's regions come in the same one batch once this process has seen them)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cart_core import admin
from cart_core.actors import Actor, IdentityKey
from cart_core.cart import Address, AppliedGiftCard, PaymentSession, ShippingMethod
from cart_core.catalog import DiscountKind
from cart_core.errors import Conflict, InvalidRequest, NotFound
from cart_core.ports import Put, ReadSet
from cart_core.store.dynamodb import DynamoStore
from cart_core.tenancy import Caller, TaxRate
from cart_core.usecases import compose
from cart_core.usecases.carts import CartEdits, LineEdit
from local.fixture import RATES

GST = (TaxRate(name="GST", percent=Decimal("5"), category="national"),)
ALICE = Caller(tenant_id="demo", location_id="north", actor=Actor.consumer("alice"))


@pytest.fixture
def regions(store):
    """Demo's regions: us (USD, the fixture's rates), ca (CAD, GST, serves CA), eu (not offered at north); acme's
    own region "acme-only"; location north (default us, may switch to ca and acme-only)."""
    admin.create_region(store, tenant_id="demo", region_id="us", name="US", currency="USD", tax_rates=RATES)
    admin.create_region(
        store, tenant_id="demo", region_id="ca", name="Canada", currency="CAD", tax_rates=GST, countries=("CA",)
    )
    admin.create_region(store, tenant_id="demo", region_id="eu", name="EU", currency="EUR")
    admin.create_region(store, tenant_id="acme", region_id="acme-only", name="Acme", currency="CAD")
    admin.create_location(
        store, tenant_id="demo", location_id="north", name="North", default_region_id="us",
        region_ids=("ca", "acme-only"),
    )  # fmt: skip
    admin.create_product(store, "demo", "maple", Decimal("10.00"), "USD", {"CAD": Decimal("13.00")}, name="Maple")
    admin.create_discount(store, "demo", "FIVE", DiscountKind.FIXED, Decimal(500))
    return store


def _open(use_cases, *lines: tuple[str, int], codes=("TENOFF",)):
    edits = CartEdits(lines=[LineEdit(product_id=p, quantity=q) for p, q in lines], discount_codes=list(codes))
    return use_cases.carts.prepare(ALICE, (), edits)


def test_a_cart_at_a_location_with_a_default_region_is_pinned_to_it_and_priced_by_it(regions) -> None:
    # Given location north, whose own fields carry no rates, and default region us with the fixture's
    use_cases = compose(regions)
    # When alice opens a cart there
    priced = _open(use_cases, ("maple", 2))
    # Then the cart is in us, in USD, taxed at us's rates (6.25 % + 2 % of 20.00 − 10 %)
    assert priced.cart.region_id == "us" and priced.cart.currency == "USD"
    assert priced.region.region_id == "us"
    assert (priced.totals.subtotal_minor, priced.totals.discount_total_minor) == (2000, 200)
    assert priced.totals.tax_total_minor == 113 + 36
    again = use_cases.carts.get_cart(ALICE, priced.cart.cart_id)
    assert again.totals == priced.totals


def test_moving_a_cart_to_a_region_in_another_currency_reprices_its_lines_and_drops_fixed_codes(regions) -> None:
    # Given an open USD cart with a percentage and a fixed-amount code
    use_cases = compose(regions)
    cart = _open(use_cases, ("maple", 2), codes=("TENOFF", "FIVE")).cart
    # When it moves to ca
    moved = use_cases.regions.change_region(ALICE, cart.cart_id, "ca")
    # Then it is in CAD, its line at the catalog's CAD price, the fixed code gone, GST applied
    assert moved.cart.region_id == "ca" and moved.cart.currency == "CAD" and moved.totals.currency == "CAD"
    assert moved.cart.lines[0].unit_price_minor == 1300
    assert [d.code for d in moved.cart.discounts] == ["TENOFF"]
    assert moved.totals.tax_total_minor == 117  # 5 % of 2600 − 260
    # and it reads back so, and moves back to its location's default with region None
    assert use_cases.carts.get_cart(ALICE, cart.cart_id).totals == moved.totals
    back = use_cases.regions.change_region(ALICE, cart.cart_id, None)
    assert (back.cart.region_id, back.cart.currency, back.cart.lines[0].unit_price_minor) == ("us", "USD", 1000)


def test_a_product_without_a_price_in_the_new_currency_refuses_the_move_and_changes_nothing(regions) -> None:
    # Given a cart with demo-flower, stored before regions: priced in the home currency (USD) only
    use_cases = compose(regions)
    cart = _open(use_cases, ("maple", 1), ("demo-flower", 1)).cart
    # When it is asked to move to ca / Then it is refused, naming the product
    with pytest.raises(InvalidRequest, match="demo-flower has no price in CAD"):
        use_cases.regions.change_region(ALICE, cart.cart_id, "ca")
    after = use_cases.carts.get_cart(ALICE, cart.cart_id).cart
    assert (after.region_id, after.currency, after.version) == ("us", "USD", cart.version)


def test_lines_added_after_a_move_are_priced_in_the_new_currency(regions) -> None:
    use_cases = compose(regions)
    cart = _open(use_cases, ("maple", 1)).cart
    use_cases.regions.change_region(ALICE, cart.cart_id, "ca")
    updated = use_cases.carts.update(ALICE, cart.cart_id, CartEdits(lines=[LineEdit(product_id="maple", quantity=3)]))
    assert updated.cart.lines[0].unit_price_minor == 1300
    with pytest.raises(InvalidRequest, match="no price in CAD"):
        use_cases.carts.update(ALICE, cart.cart_id, CartEdits(lines=[LineEdit(product_id="demo-flower", quantity=1)]))


def test_only_regions_the_location_offers_and_the_tenant_owns_are_accepted(regions) -> None:
    use_cases = compose(regions)
    cart = _open(use_cases, ("maple", 1)).cart
    # A region of the tenant the location does not offer
    with pytest.raises(InvalidRequest, match="not offered"):
        use_cases.regions.change_region(ALICE, cart.cart_id, "eu")
    # A region id the location lists, but stored only under another tenant
    with pytest.raises(NotFound):
        use_cases.regions.change_region(ALICE, cart.cart_id, "acme-only")
    # Another consumer's cart
    bob = Caller(tenant_id="demo", location_id="north", actor=Actor.consumer("bob"))
    with pytest.raises(NotFound):
        use_cases.regions.change_region(bob, cart.cart_id, "ca")


def test_a_submitted_cart_or_one_holding_a_payment_cannot_change_currency(regions) -> None:
    use_cases = compose(regions)
    paid = _open(use_cases, ("maple", 1)).cart
    use_cases.checkout.record_payment(ALICE, paid.cart_id, "Cash", Decimal("5"))
    with pytest.raises(Conflict, match="payments"):
        use_cases.regions.change_region(ALICE, paid.cart_id, "ca")
    use_cases.checkout.submit(ALICE, paid.cart_id, CartEdits())
    with pytest.raises(Conflict):
        use_cases.regions.change_region(ALICE, paid.cart_id, "ca")


def test_a_location_stored_before_regions_keeps_its_implicit_region(store) -> None:
    # Given acme's main location (no regions; demo's has its storefront regions) and a cart there
    use_cases = compose(store)
    main = Caller(tenant_id="acme", location_id="main", actor=Actor.consumer("alice"))
    cart = use_cases.carts.prepare(main, (), CartEdits(lines=[LineEdit(product_id="acme-widget", quantity=2)])).cart
    # Then the cart names no region, and moving it to its default changes nothing; no other is offered
    assert cart.region_id is None
    same = use_cases.regions.change_region(main, cart.cart_id, None)
    assert same.cart.version == cart.version and same.region.implicit
    with pytest.raises(InvalidRequest):
        use_cases.regions.change_region(main, cart.cart_id, "us")


class RacingStore:
    """The real store, but just before its first write another request changes the same cart."""

    def __init__(self, store: DynamoStore, interloper) -> None:
        self._store, self._interloper, self.writes = store, interloper, 0

    def __getattr__(self, name):
        return getattr(self._store, name)

    def write(self, intents) -> None:
        self.writes += 1
        if self.writes == 1:
            self._interloper()
        self._store.write(intents)


def test_a_move_that_loses_the_version_race_is_read_again_and_keeps_the_other_change(regions) -> None:
    # Given an open cart, and another request that sets its quantity to 5 while the move is under way
    plain = compose(regions)
    cart = _open(plain, ("maple", 1)).cart
    edit = CartEdits(lines=[LineEdit(product_id="maple", quantity=5, line_id=cart.lines[0].line_id)])
    racing = RacingStore(regions, lambda: plain.carts.update(ALICE, cart.cart_id, edit))
    # When the move's first write loses to it
    moved = compose(racing, sleep=lambda _: None).regions.change_region(ALICE, cart.cart_id, "ca")
    # Then the move was tried again on the changed cart: both changes stand, priced in CAD
    assert racing.writes == 2
    stored = plain.carts.get_cart(ALICE, cart.cart_id)
    assert stored.cart.lines[0].quantity == 5 and stored.cart.currency == "CAD"
    assert stored.cart.lines[0].unit_price_minor == 1300 and stored.totals == moved.totals
    assert stored.cart.version == cart.version + 2


def test_a_carts_regions_come_in_the_one_batch_once_the_process_has_seen_them(regions, dynamo_calls) -> None:
    use_cases = compose(regions)
    cart = _open(use_cases, ("maple", 1)).cart
    use_cases.regions.change_region(ALICE, cart.cart_id, "ca")
    reads = ReadSet("demo", "north", cart.cart_id)
    # When this process reads the cart again / Then one BatchGetItem brings the cart and both regions
    dynamo_calls.reset()
    snapshot = regions.read(reads)
    assert dict(dynamo_calls.calls) == {"BatchGetItem": 1}
    assert snapshot.region.region_id == "ca" and snapshot.default_region.region_id == "us"
    # A fresh process (no hints yet) needs one more batch, for the regions, the first time only
    cold = DynamoStore(regions.table_name, regions.client)
    dynamo_calls.reset()
    assert cold.read(reads).region.region_id == "ca"
    assert dict(dynamo_calls.calls) == {"BatchGetItem": 2}
    dynamo_calls.reset()
    cold.read(reads)
    assert dict(dynamo_calls.calls) == {"BatchGetItem": 1}


def test_the_faces_price_a_cart_at_a_region_location_through_its_region(api, regions) -> None:
    # Given BLAZE keys for north (default region us, the fixture's rates; north's own fields have none)
    headers = admin.create_blaze_keys(regions, "demo", "north")
    body = {"cart": {"items": [{"productId": "maple", "quantity": 2}], "promoCode": "TENOFF"}}
    # When a consumer prepares a cart there
    response = api.request("POST", "/api/v1/partner/store/cart/prepare?cuid=alice", headers, body)
    # Then it is taxed at the region's rates
    assert response.status == 200, response.text
    cart = response.json()["cart"]
    assert cart["taxResult"]["totalStateTax"] == 1.13 and cart["taxResult"]["totalCityTax"] == 0.36


def test_the_admin_cli_creates_and_lists_regions_and_a_location_in_one(aws, capsys) -> None:
    import json

    table = aws["CartTable"]

    def run(*args: str):
        assert admin.main(["--table", table, *args]) == 0
        return json.loads(capsys.readouterr().out)

    # When a region, a location in it and a product priced in two currencies are provisioned
    region = run("region", "shop9", "ca", "Canada", "--currency", "CAD", "--country", "CA", "--tax", "GST:5:national",
                 "--provider", "test-card", "--taxes-at-checkout")  # fmt: skip
    location = run("location", "shop9", "north", "North", "--default-region", "ca", "--other-region", "us")
    product = run("product", "shop9", "tea", "4.40", "--currency", "USD", "--price", "CAD:5.99")
    # Then they read back as given, and the tenant's regions list them
    assert region["countries"] == ["CA"] and region["payment_providers"] == ["test-card"]
    assert region["automatic_taxes"] is False
    assert location["default_region_id"] == "ca" and location["region_ids"] == ["us"]
    assert product["prices"] == {"CAD": 599} and product["currency"] == "USD"
    assert [r["region_id"] for r in run("regions", "shop9")] == ["ca"]
    # and a bad country is one line on stderr
    assert admin.main(["--table", table, "region", "shop9", "x", "X", "--currency", "EUR", "--country", "eu"]) == 1
    assert "countries" in capsys.readouterr().err


def test_the_services_own_validation_checks_prices_in_the_carts_currency(regions) -> None:
    # Given a cart moved to ca (its line at the catalog's CAD price) and submitted
    use_cases = compose(regions)
    cart = _open(use_cases, ("maple", 1)).cart
    use_cases.regions.change_region(ALICE, cart.cart_id, "ca")
    use_cases.checkout.submit(ALICE, cart.cart_id, CartEdits())
    # When the service validates it / Then the CAD price is the catalog's: accepted
    validated = use_cases.pos_validation.self_validate(Caller.system("demo", "north"), cart.cart_id)
    assert validated.cart.status.value == "validated", validated.cart.reason


def test_a_guest_cart_is_not_merged_into_a_consumers_cart_in_another_currency(regions) -> None:
    # Given alice's open cart moved to ca (CAD), and a guest cart in us (USD) at the same location
    use_cases = compose(regions)
    mine = _open(use_cases, ("maple", 1)).cart
    use_cases.regions.change_region(ALICE, mine.cart_id, "ca")
    guest_caller = Caller(tenant_id="demo", location_id="north", actor=Actor.partner())
    guest = use_cases.carts.prepare(
        guest_caller, (IdentityKey("session", "s-1"),), CartEdits(lines=[LineEdit(product_id="maple", quantity=1)])
    ).cart
    # When alice claims the guest cart / Then it is refused: lines would mix currencies
    with pytest.raises(Conflict, match="CAD"):
        use_cases.identity.assign_consumer(ALICE, guest.cart_id, "alice")
    assert use_cases.carts.get_cart(ALICE, mine.cart_id).cart.status.value == "open"


def test_merging_a_consumers_cart_in_another_region_of_the_same_currency_prices_each_in_its_own(regions) -> None:
    # Given a USD region "us2" with no tax offered at north, alice's cart moved there, and a guest cart in us
    admin.create_region(regions, tenant_id="demo", region_id="us2", name="US untaxed", currency="USD")
    admin.create_location(
        regions, tenant_id="demo", location_id="north", name="North", default_region_id="us",
        region_ids=("ca", "us2"),
    )  # fmt: skip
    use_cases = compose(DynamoStore(regions.table_name, regions.client))  # a process with no hints yet
    mine = _open(use_cases, ("maple", 1)).cart
    use_cases.regions.change_region(ALICE, mine.cart_id, "us2")
    guest_caller = Caller(tenant_id="demo", location_id="north", actor=Actor.partner())
    guest = use_cases.carts.prepare(
        guest_caller, (IdentityKey("session", "s-2"),), CartEdits(lines=[LineEdit(product_id="maple", quantity=1)])
    ).cart
    # When alice claims it / Then the lines merge into the guest cart, priced in us (taxed)
    merged = compose(DynamoStore(regions.table_name, regions.client)).identity.assign_consumer(
        ALICE, guest.cart_id, "alice"
    )
    assert merged.cart.lines[0].quantity == 2 and merged.totals.tax_total_minor > 0


def test_a_region_change_removes_shipping_gift_cards_and_payment_sessions_and_fits_the_address(regions) -> None:
    # Given an open cart with a shipping method, a gift card, a payment session and a US address
    use_cases = compose(regions)
    cart = _open(use_cases, ("maple", 1)).cart
    edits = CartEdits(delivery_address=Address(city="Austin", country="US"))
    use_cases.carts.update(ALICE, cart.cart_id, edits)
    stored = regions.read(ReadSet("demo", "north", cart.cart_id)).cart
    version = stored.version
    stored.shipping_methods = [ShippingMethod(method_id="std", name="Standard", amount_minor=500)]
    stored.gift_cards = [AppliedGiftCard(code="GC1", balance_minor=1000)]
    stored.payment_sessions = [PaymentSession(provider_id="manual", amount_minor=1000)]
    regions.write([Put(stored, version)])
    # When it moves to ca (which serves only CA)
    moved = use_cases.regions.change_region(ALICE, cart.cart_id, "ca").cart
    # Then shipping, gift cards and payment sessions are gone, and the address is in the region's one country
    assert moved.shipping_methods == [] and moved.gift_cards == [] and moved.payment_sessions == []
    assert moved.delivery_address.country == "CA" and moved.delivery_address.city == "Austin"


def test_payment_sessions_default_to_the_region_s_providers_and_refuse_others(regions) -> None:
    # Given region us offering only pay at pickup (manual), and alice's cart there
    admin.create_region(
        regions, tenant_id="demo", region_id="us", name="US", currency="USD", tax_rates=RATES,
        payment_providers=("manual",),
    )  # fmt: skip
    use_cases = compose(regions)
    cart_id = _open(use_cases, ("maple", 1)).cart.cart_id
    # When sessions are opened without naming providers / Then they are the region's, the one selected
    sessions = use_cases.payments.init_payment_sessions(ALICE, cart_id).cart.payment_sessions
    assert [(s.provider_id, s.is_selected) for s in sessions] == [("manual", True)]
    # When a provider the region does not offer is asked for / Then 400, and the sessions stay
    with pytest.raises(InvalidRequest, match="test-card is not offered in region us"):
        use_cases.payments.init_payment_sessions(ALICE, cart_id, ["test-card"])
    assert use_cases.carts.get_cart(ALICE, cart_id).cart.payment_sessions == sessions


def test_a_card_the_region_does_not_offer_is_not_authorized_at_submit(regions) -> None:
    # Given region us offering only pay at pickup, and a cart paying by test card
    admin.create_region(
        regions, tenant_id="demo", region_id="us", name="US", currency="USD", tax_rates=RATES,
        payment_providers=("manual",),
    )  # fmt: skip
    use_cases = compose(regions)
    cart_id = _open(use_cases, ("maple", 1)).cart.cart_id
    use_cases.checkout.record_payment(ALICE, cart_id, "Credit", Decimal("20"), card_token="tok_visa")
    # When it is submitted / Then it is refused and the cart stays open, nothing held
    with pytest.raises(InvalidRequest, match="test-card is not offered in region us"):
        use_cases.checkout.submit(ALICE, cart_id, CartEdits())
    cart = use_cases.carts.get_cart(ALICE, cart_id).cart
    assert cart.status.value == "open" and cart.payments[0].status == "recorded"
