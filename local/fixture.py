"""The demo fixture every README example and end-to-end test relies on. Dev-only published keys."""

from __future__ import annotations

from decimal import Decimal

from cart_core import admin
from cart_core.catalog import DiscountKind
from cart_core.faces import by_name
from cart_core.store.dynamodb import DynamoStore
from cart_core.tenancy import TaxRate

RATES = (
    TaxRate(name="State Tax", percent=Decimal("6.25"), category="regional"),
    TaxRate(name="City Tax", percent=Decimal("2.00"), category="municipal"),
)

# How the harness calls each face as tenant demo or acme: the credentials below are the ones load()
# creates, declared by each face in its registry entry (functions/<face>/face.py, cart_core.faces).
_BLAZE, _LOKE = by_name("blaze"), by_name("loke")
DEMO_BLAZE_HEADERS, ACME_BLAZE_HEADERS = dict(_BLAZE.demo_headers), dict(_BLAZE.acme_headers)
DEMO_POS_HEADERS, ACME_POS_HEADERS = dict(_LOKE.demo_headers), dict(_LOKE.acme_headers)


def load(store: DynamoStore) -> None:
    admin.create_tenant(store, "demo", "Demo Dispensary")
    admin.create_location(
        store, tenant_id="demo", location_id="main", name="Demo Main Street", currency="USD", tax_rates=RATES
    )
    admin.create_blaze_keys(store, "demo", "main", "demo-partner-key", "demo-developer-key")
    admin.create_loke_token(store, "demo", "demo-pos-token")
    for product_id, price, name in (
        ("demo-flower", "12.50", "Demo Flower 3.5g"),
        ("demo-edible", "8.00", "Demo Gummies"),
        ("demo-vape", "35.00", "Demo Vape Cartridge"),
    ):
        admin.create_product(store, "demo", product_id, Decimal(price), name=name)
    admin.create_discount(store, "demo", "TENOFF", DiscountKind.PERCENTAGE, Decimal(10))

    admin.create_tenant(store, "acme", "Acme Cannabis Co")
    admin.create_location(
        store, tenant_id="acme", location_id="main", name="Acme Main", currency="USD", tax_rates=RATES
    )
    admin.create_blaze_keys(store, "acme", "main", "acme-partner-key", "acme-developer-key")
    admin.create_loke_token(store, "acme", "acme-pos-token")
    admin.create_product(store, "acme", "acme-widget", Decimal("5.00"), name="Acme Widget")
