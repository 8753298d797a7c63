"""The demo fixture every README example and end-to-end test relies on. Dev-only published keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from cart_core import admin
from cart_core.catalog import DiscountKind
from cart_core.store.dynamodb import DynamoStore
from cart_core.tenancy import TaxRate

RATES = (
    TaxRate(name="State Tax", percent=Decimal("6.25"), category="regional"),
    TaxRate(name="City Tax", percent=Decimal("2.00"), category="municipal"),
)

DEMO_BLAZE_HEADERS = {"x-api-key": "demo-partner-key", "Authorization": "demo-developer-key"}
ACME_BLAZE_HEADERS = {"x-api-key": "acme-partner-key", "Authorization": "acme-developer-key"}
DEMO_POS_HEADERS = {"Authorization": "Bearer demo-pos-token"}
ACME_POS_HEADERS = {"Authorization": "Bearer acme-pos-token"}


@dataclass(frozen=True)
class FaceDemo:
    """How the harness calls a face as the demo tenant: its credentials, and the values of path
    parameters that name the tenant itself (fuzzing them would only ever meet 404)."""

    headers: dict[str, str]
    path_parameters: dict[str, str] = field(default_factory=dict)


# One entry per API function in template.yaml; the schemathesis pass (tests/e2e/test_schemathesis.py)
# fails for a face without one. A new face adds its demo credentials here.
FACES = {
    "BlazeCartFunction": FaceDemo(DEMO_BLAZE_HEADERS),
    "LokeCartFunction": FaceDemo(DEMO_POS_HEADERS, {"organizationId": "demo", "locationId": "main"}),
}


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
