"""Regions apart from locations: a location stored before regions is its own implicit region and
prices as before; a region's fields are bounded; catalog prices per currency."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from cart_core.cart import Cart, LineItem
from cart_core.catalog import Product
from cart_core.checkout_configuration import CheckoutConfiguration, CheckoutSettings, parse_hash_owner
from cart_core.ports import Snapshot
from cart_core.pricing import PricingTerms, price
from cart_core.regions import MAX_COUNTRIES, Region, allowed_at, cart_region_id, implicit_region, region_ids_needed
from cart_core.tenancy import Location, TaxRate

RATES = (
    TaxRate(name="State", percent=Decimal("6.25")),
    TaxRate(name="City", percent=Decimal("2"), category="municipal"),
)
LEGACY = Location(tenant_id="t", location_id="l", name="Main", currency="USD", tax_rates=RATES, delivery_fee_minor=300)
US = Region(tenant_id="t", region_id="us", name="US", currency="USD", countries=("US",), tax_rates=RATES)
CA = Region(
    tenant_id="t", region_id="ca", name="Canada", currency="CAD", countries=("CA",),
    tax_rates=(TaxRate(name="GST", percent=Decimal("5"), category="national"),), payment_providers=("test-card",),
)  # fmt: skip
MODERN = Location(tenant_id="t", location_id="l", name="Main", default_region_id="us", region_ids=("ca",))


def _cart(**fields) -> Cart:
    lines = [LineItem(product_id="p", quantity=2, unit_price_minor=1250)]
    return Cart(tenant_id="t", location_id="l", currency="USD", lines=lines, **fields)


def test_a_location_stored_before_regions_prices_exactly_as_its_own_terms() -> None:
    # Given a location with its own currency and rates (no region) and a cart there
    cart = _cart()
    # When it is priced through its implicit region, and as before through the location itself
    through_region = price(cart, PricingTerms.of(implicit_region(LEGACY), LEGACY))
    as_before = price(cart, LEGACY)
    # Then both are the same totals, taxes and delivery fee
    assert through_region == as_before
    assert as_before.tax_total_minor == 156 + 50 and as_before.delivery_fee_minor == 300


def test_the_implicit_region_carries_the_locations_terms_and_every_provider() -> None:
    region = implicit_region(LEGACY)
    assert (region.currency, region.tax_rates, region.implicit) == ("USD", RATES, True)
    assert region.allows_provider("manual") and region.allows_provider("test-card")


def test_a_location_document_stored_before_regions_reads_without_a_default_region() -> None:
    # Given the document a location was stored as before regions
    doc = {"tenant_id": "t", "location_id": "l", "name": "Main", "currency": "EUR", "tax_rates": [
        {"name": "VAT", "percent": "20", "kind": "federal"}], "tax_inclusive": True}  # fmt: skip
    # When it is read
    location = Location.model_validate(doc)
    # Then it has no region of its own: its implicit region is its terms
    assert location.default_region_id is None and location.region_ids == ()
    assert implicit_region(location).tax_rates[0].category == "national"


def test_a_region_stored_before_checkout_taxes_taxes_every_read() -> None:
    # Given a region document stored before regions could settle taxes at checkout
    doc = US.model_dump(mode="json")
    del doc["automatic_taxes"]
    # When it is read / Then it taxes every read of a cart, as it did
    region = Region.model_validate(doc)
    assert region.automatic_taxes and implicit_region(LEGACY).automatic_taxes
    assert price(_cart(), PricingTerms.of(region, MODERN)).tax_total_minor == 156 + 50


def test_a_region_that_settles_taxes_at_checkout_prices_them_only_when_asked() -> None:
    # Given a region whose taxes are settled at checkout, and an open cart there
    manual = US.model_copy(update={"automatic_taxes": False})
    terms = PricingTerms.of(manual, MODERN)
    # When the cart is read, and when checkout asks for its taxes
    read, asked = price(_cart(), terms), price(_cart(), terms, force_taxes=True)
    # Then the read shows none, and checkout the region's rates
    assert (read.tax_total_minor, asked.tax_total_minor) == (0, 156 + 50)


def test_a_location_with_a_default_region_is_not_priced_through_its_own_fields() -> None:
    with pytest.raises(ValueError, match="region"):
        price(_cart(), MODERN)


def test_a_carts_region_is_its_own_else_its_locations_default() -> None:
    assert cart_region_id(MODERN, _cart()) == "us"
    assert cart_region_id(MODERN, _cart(region_id="ca")) == "ca"
    assert cart_region_id(LEGACY, _cart()) is None
    assert region_ids_needed(MODERN, _cart(region_id="ca")) == {"ca", "us"}
    assert region_ids_needed(LEGACY, None) == frozenset()


def test_the_snapshot_finds_the_carts_region_and_the_default() -> None:
    snapshot = Snapshot(cart=_cart(region_id="ca"), location=MODERN, regions={"us": US, "ca": CA})
    assert snapshot.region == CA and snapshot.default_region == US
    legacy = Snapshot(cart=_cart(), location=LEGACY)
    assert legacy.region == implicit_region(LEGACY) == legacy.default_region


def test_a_location_offers_its_default_and_listed_regions_only() -> None:
    assert allowed_at(MODERN, None) and allowed_at(MODERN, "us") and allowed_at(MODERN, "ca")
    assert not allowed_at(MODERN, "eu")
    assert not allowed_at(LEGACY, "us")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("countries", ("us",)),
        ("countries", ("USA",)),
        ("countries", ("US", "US")),
        ("countries", tuple(f"{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(MAX_COUNTRIES + 1))),
        ("payment_providers", ("paypal",)),
        ("currency", "usd"),
        ("region_id", "a#b"),
        ("tax_rates", (RATES[0],) * 11),
    ],
)
def test_a_region_refuses_out_of_bounds_fields(field: str, value: object) -> None:
    fields = US.model_dump() | {field: value}
    with pytest.raises(ValidationError):
        Region(**fields)


def test_a_location_refuses_more_regions_than_the_bound_or_a_bad_region_id() -> None:
    with pytest.raises(ValidationError):
        Location(tenant_id="t", location_id="l", name="L", region_ids=tuple(f"r{i}" for i in range(21)))
    with pytest.raises(ValidationError):
        Location(tenant_id="t", location_id="l", name="L", region_ids=("a#b",))


def test_a_product_has_a_price_in_its_currency_in_its_further_prices_and_nowhere_else() -> None:
    # Given a product stored before regions (no currency) and one with a price per currency
    legacy = Product(tenant_id="t", product_id="p", sku="p", name="P", price_minor=1250)
    modern = Product(tenant_id="t", product_id="p", sku="p", name="P", price_minor=1250, currency="USD",
                     prices={"CAD": 1699})  # fmt: skip
    # Then the legacy price is in the home currency only, the modern one where it says
    assert legacy.price_in("USD", "USD") == 1250 and legacy.price_in("CAD", "USD") is None
    assert modern.price_in("CAD", "USD") == 1699 and modern.price_in("USD", "CAD") == 1250
    assert modern.price_in("EUR", "USD") is None


def test_a_checkout_configuration_is_bounded_and_its_hash_names_tenant_location_and_id() -> None:
    configuration = CheckoutConfiguration(
        name="Donate", tenant_id="t", location_id="l", configuration_id="0" * 24, payments=["card", "card"]
    )
    assert configuration.payments == ["card"]
    assert parse_hash_owner(configuration.hash_owner) == ("t", "l", "0" * 24)
    for bad in ({"name": ""}, {"name": "x" * 101}, {"success_url": "javascript:alert(1)"},
                {"success_url": "https://?"}, {"cancel_url": "https://user:pw@evil.example/"},
                {"success_url": "https://shop.example/\u200bok"}, {"success_url": "https://shop.example/\x7f"},
                {"card_processor_id": "X" * 20}, {"product_ids": ["p"] * 101}, {"type": "other"}):  # fmt: skip
        with pytest.raises(ValidationError):
            CheckoutSettings(**({"name": "n"} | bad))
    with pytest.raises(ValidationError):
        CheckoutConfiguration(name="n", tenant_id="t", location_id="l", configuration_id="0" * 24, public_hash="x")


def test_a_cart_document_stored_before_regions_reads_in_its_locations_default_region() -> None:
    # Given a cart document written before carts had a region
    doc = _cart().model_dump(mode="json")
    del doc["region_id"]
    # When it is read / Then it names no region: its location's default (or implicit) one applies
    cart = Cart.model_validate(doc)
    assert cart.region_id is None
    assert cart_region_id(MODERN, cart) == "us" and cart_region_id(LEGACY, cart) is None


def test_a_location_stored_before_regions_prices_even_past_a_regions_bounds() -> None:
    # Given a legacy location with more rates than a stored region may hold, and a long name
    rates = tuple(TaxRate(name=f"T{i}", percent=Decimal(1)) for i in range(12))
    location = Location(tenant_id="t", location_id="l", name="N" * 300, tax_rates=rates)
    # When its implicit region prices a cart / Then every rate applies, as before regions
    region, cart = implicit_region(location), _cart()
    assert len(region.tax_rates) == 12
    assert price(cart, PricingTerms.of(region, location)) == price(cart, location)
