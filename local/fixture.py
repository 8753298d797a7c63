"""The demo fixture every README example and end-to-end test relies on. Dev-only published keys."""

from __future__ import annotations

from decimal import Decimal

from cart_core import admin
from cart_core.catalog import DiscountKind
from cart_core.faces import faces
from cart_core.store.dynamodb import DynamoStore
from cart_core.tenancy import TaxRate

RATES = (
    TaxRate(name="State Tax", percent=Decimal("6.25"), category="regional"),
    TaxRate(name="City Tax", percent=Decimal("2.00"), category="municipal"),
)

# How the harness calls each face as tenant demo or acme: load() creates every registered face's
# credentials (its demo_headers / acme_headers, through its issue_credentials: functions/<face>/face.py).


def load(store: DynamoStore) -> None:
    admin.create_tenant(store, "demo", "Demo Dispensary")
    admin.create_location(
        store, tenant_id="demo", location_id="main", name="Demo Main Street", currency="USD", tax_rates=RATES
    )
    _issue_credentials(store, "demo", "main", "demo_headers")
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
    _issue_credentials(store, "acme", "main", "acme_headers")
    admin.create_product(store, "acme", "acme-widget", Decimal("5.00"), name="Acme Widget")


def _issue_credentials(store: DynamoStore, tenant_id: str, location_id: str, which: str) -> None:
    for face in faces():
        if face.issue_credentials is None:
            raise LookupError(f"face {face.name} declares no issue_credentials: the fixture cannot make its {which}")
        face.issue_credentials(store, tenant_id, location_id, getattr(face, which))
