"""The demo fixture every README example and end-to-end test relies on. Dev-only published keys."""

from __future__ import annotations

from decimal import Decimal

from cart_core import admin
from cart_core.catalog import DiscountKind, GiftCard
from cart_core.faces import faces
from cart_core.store.dynamodb import DynamoStore
from cart_core.tenancy import TaxRate

RATES = (
    TaxRate(name="State Tax", percent=Decimal("6.25"), category="regional"),
    TaxRate(name="City Tax", percent=Decimal("2.00"), category="municipal"),
)

# How the harness calls each face as tenant demo or acme: load() creates every registered face's
# credentials (its demo_headers / acme_headers, through its issue_credentials: functions/<face>/face.py).


# The demo tenant's storefront (Medusa's regions, products with variants, shipping options, codes
# and a gift card). Fixed ids, so tests, samples and the README can name them.
REG_US = "reg_01KBBKB100HBJYP866C4EYBP84"
REG_EU = "reg_01KBBKB1Z8NS8TP2KTS8XX4FMH"
# Taxes settled at checkout (Region.automatic_taxes False): a cart here shows no tax until checkout
# asks for it (Medusa's POST /taxes, payment sessions, complete).
REG_FR = "reg_01KBBKBHK9HBWD5JW4NFEMZ99J"
PROD_TEE = "prod_01KBBKB2YGPZTFRDTS3ZR4CQ67"
PROD_MUG = "prod_01KBBKB3XRFSB3RHVH56BQJ5V2"
PROD_GIFT = "prod_01KBBKB4X0KHNN5KAVZX4G4PFN"
VARIANT_TEE_S = "variant_01KBBKB5W8XPK7SFT223S1MGD0"
VARIANT_TEE_M = "variant_01KBBKB6VG5TG2C4PDAK20VSDZ"
VARIANT_TEE_L = "variant_01KBBKB7TRVTT6YF7SVMV2F6CN"
VARIANT_MUG = "variant_01KBBKB8T05ZS82ZT5241DMGD7"
VARIANT_GIFT = "variant_01KBBKB9S83AG47XJ2Q20V3WG5"
SO_US_STANDARD = "so_01KBBKBARGDM6SKGYBWR0AG7EJ"
SO_US_EXPRESS = "so_01KBBKBBQREG8491C35G5VN3XS"
SO_EU_STANDARD = "so_01KBBKBCQ0BMWKY9Z4GBTKH41N"
SO_EU_EXPRESS = "so_01KBBKBDP8GR6R9HCCDKAG412D"
SO_FR_STANDARD = "so_01KBBKBHKAM3Q5VSM6PS9J6EPT"
DISC_10 = "disc_01KBBKBENGJRJ355M9P9TTEB4X"
DISC_FIXED = "disc_01KBBKBFMRG2CMHKHAMK5KCFTT"
DISC_FREE = "disc_01KBBKBGM0MRH3DC5XCKC6PW9R"
GIFT_DEMO = "gift_01KBBKBHK8JK4VWF1570Z75Z1K"
# The tee's large size is nearly sold out (stock 3), so inventory errors can be exercised.
TEE_L_STOCK = 3
EU_RATES = (TaxRate(name="VAT", percent=Decimal("19"), category="national"),)
FR_RATES = (TaxRate(name="TVA", percent=Decimal("20"), category="national"),)
# Express shipping in Europe is taxed at a rate of its own (a tax rate that targets a shipping option).
EU_EXPRESS_RATES = (TaxRate(name="Reduced VAT", percent=Decimal("7"), category="national"),)

# NewStore (issue #11). Store ``main`` offers NewStore carts the US options above (standard, and
# express from 30.00); a second store, New York, has the NY rates the seed's sample is priced at and
# options of its own. It is priced by its own terms (no stored region: Medusa's region list stays
# as it is), so its options are filed under its location id (cart_core.shipping, solutions).
NYC = "nyc"
NY_RATES = (
    TaxRate(name="NY STATE TAX", percent=Decimal("4"), category="regional"),
    TaxRate(name="NY CITY TAX", percent=Decimal("4.5"), category="municipal"),
    TaxRate(name="NY SPECIAL TAX", percent=Decimal("0.375"), category="district"),
)
NS_PRODUCT = "1000011"  # the seed's product: 13.78 in every demo store's currency (USD)
NYC_CLIENT_ID, NYC_CLIENT_SECRET = "demo-newstore-nyc-client", "demo-newstore-nyc-secret"  # dev-only
SO_NYC_STANDARD = "so_01KBBKBJJ0NYCSTANDARD0000A"
SO_NYC_EXPRESS = "so_01KBBKBKH8NYCEXPRESS00000B"
SO_ACME_STANDARD = "so_01KBBKBMG0ACMESTANDARD000C"


def load(store: DynamoStore) -> None:
    admin.create_tenant(store, "demo", "Demo Dispensary")
    # The demo location's terms are its region REG_US's (the same currency and rates it always had,
    # so BLAZE and LOKE answer as before); carts there may move to REG_EU or REG_FR.
    admin.create_region(
        store, tenant_id="demo", region_id=REG_US, name="United States", currency="USD", countries=("US",),
        tax_rates=RATES,
    )  # fmt: skip
    admin.create_region(
        store, tenant_id="demo", region_id=REG_EU, name="Europe", currency="EUR", countries=("DE",),
        tax_rates=EU_RATES,
    )  # fmt: skip
    admin.create_region(
        store, tenant_id="demo", region_id=REG_FR, name="France", currency="EUR", countries=("FR",),
        tax_rates=FR_RATES, automatic_taxes=False,
    )  # fmt: skip
    admin.create_location(
        store, tenant_id="demo", location_id="main", name="Demo Main Street", currency="USD", tax_rates=RATES,
        default_region_id=REG_US, region_ids=(REG_EU, REG_FR),
    )  # fmt: skip
    _storefront(store)
    _issue_credentials(store, "demo", "main", "demo_headers")
    for product_id, price, name in (
        ("demo-flower", "12.50", "Demo Flower 3.5g"),
        ("demo-edible", "8.00", "Demo Gummies"),
        ("demo-vape", "35.00", "Demo Vape Cartridge"),
    ):
        admin.create_product(store, "demo", product_id, Decimal(price), name=name)
    admin.create_discount(store, "demo", "TENOFF", DiscountKind.PERCENTAGE, Decimal(10))
    _newstore(store)

    admin.create_tenant(store, "acme", "Acme Cannabis Co")
    admin.create_location(
        store, tenant_id="acme", location_id="main", name="Acme Main", currency="USD", tax_rates=RATES
    )
    _issue_credentials(store, "acme", "main", "acme_headers")
    admin.create_product(store, "acme", "acme-widget", Decimal("5.00"), name="Acme Widget")
    # Acme's NewStore equivalent, for isolation: the seed's product id at another price, one option.
    admin.create_product(store, "acme", NS_PRODUCT, Decimal("99.00"), name="Acme Sample", sku=NS_PRODUCT)
    admin.create_shipping_option(store, "acme", SO_ACME_STANDARD, "main", "Acme Standard", Decimal("7.00"), "USD")


def _issue_credentials(store: DynamoStore, tenant_id: str, location_id: str, which: str) -> None:
    for face in faces():
        if face.issue_credentials is None:
            raise LookupError(f"face {face.name} declares no issue_credentials: the fixture cannot make its {which}")
        face.issue_credentials(store, tenant_id, location_id, getattr(face, which))


def _storefront(store: DynamoStore) -> None:
    """Demo's storefront: products with variants priced in the regions' currencies, two shipping
    options in the US and Europe (express needs a minimum subtotal in the US; in Europe it has a tax
    rate of its own) and one in France, three Medusa codes and a card."""
    usd_eur = lambda usd, eur: {"USD": Decimal(usd), "EUR": Decimal(eur)}  # noqa: E731
    tee = admin.VariantSpec
    admin.create_store_product(
        store, "demo", PROD_TEE, "Demo Tee",
        [
            tee(VARIANT_TEE_S, "S", "DEMO-TEE-S", usd_eur("20.00", "18.00"), {"Size": "S"}, True, False, 100),
            tee(VARIANT_TEE_M, "M", "DEMO-TEE-M", usd_eur("20.00", "18.00"), {"Size": "M"}, True, True, 0),
            tee(VARIANT_TEE_L, "L", "DEMO-TEE-L", usd_eur("22.00", "20.00"), {"Size": "L"}, True, False, TEE_L_STOCK),
        ],
        handle="demo-tee", description="A soft cotton tee.", options=("Size",),
    )  # fmt: skip
    admin.create_store_product(
        store, "demo", PROD_MUG, "Demo Mug",
        [tee(VARIANT_MUG, "Default", "DEMO-MUG", usd_eur("10.00", "9.00"))],
        handle="demo-mug", description="A mug that holds coffee.",
    )  # fmt: skip
    admin.create_store_product(
        store, "demo", PROD_GIFT, "Demo Gift Card",
        [tee(VARIANT_GIFT, "25", "DEMO-GIFT-25", usd_eur("25.00", "25.00"))],
        handle="demo-gift-card", is_giftcard=True, discountable=False,
    )  # fmt: skip
    for option_id, region, name, amount, currency, minimum, rates in (
        (SO_US_STANDARD, REG_US, "Standard Shipping", "5.00", "USD", None, None),
        (SO_US_EXPRESS, REG_US, "Express Shipping", "15.00", "USD", Decimal("30.00"), None),
        (SO_EU_STANDARD, REG_EU, "Standard Shipping", "4.50", "EUR", None, None),
        (SO_EU_EXPRESS, REG_EU, "Express Shipping", "12.00", "EUR", None, EU_EXPRESS_RATES),
        (SO_FR_STANDARD, REG_FR, "Standard Shipping", "5.00", "EUR", None, None),
    ):
        admin.create_shipping_option(
            store, "demo", option_id, region, name, Decimal(amount), currency, min_subtotal=minimum, tax_rates=rates
        )
    admin.create_discount(
        store, "demo", "DEMO10", DiscountKind.PERCENTAGE, Decimal(10), discount_id=DISC_10,
        description="10 % off the order",
    )  # fmt: skip
    admin.create_discount(
        store, "demo", "DEMO5OFF", DiscountKind.FIXED, Decimal(500), discount_id=DISC_FIXED,
        description="5.00 off the order (US)", region_ids=(REG_US,),
    )  # fmt: skip
    admin.create_discount(
        store, "demo", "FREESHIP", DiscountKind.FREE_SHIPPING, Decimal(0), discount_id=DISC_FREE,
        description="Free shipping",
    )  # fmt: skip
    store.put_gift_card(
        GiftCard(
            tenant_id="demo", code="DEMO-GIFT-50", currency="USD", balance_minor=5000, region_id=REG_US,
            gift_card_id=GIFT_DEMO,
        )
    )  # fmt: skip


def _newstore(store: DynamoStore) -> None:
    """Demo's New York store (the seed's sample: NY rates, product 1000011 at 13.78) with a standard
    and an express shipping solution."""
    admin.create_location(
        store, tenant_id="demo", location_id=NYC, name="New York Flagship", currency="USD", tax_rates=NY_RATES
    )
    admin.create_product(store, "demo", NS_PRODUCT, Decimal("13.78"), name="Sample Tee", sku=NS_PRODUCT)
    for option_id, name, amount in (
        (SO_NYC_STANDARD, "Standard Shipping", "5.00"),
        (SO_NYC_EXPRESS, "Express Shipping", "15.00"),
    ):
        admin.create_shipping_option(store, "demo", option_id, NYC, name, Decimal(amount), "USD")
    # The New York store's own API client (a NewStore client belongs to one store: its carts are there).
    admin.create_api_client(store, "demo", NYC, NYC_CLIENT_ID, NYC_CLIENT_SECRET)
