"""The catalog routes' answers hold to the response models their OpenAPI document serves
(functions/medusa_store/responses.py: closed models, every key present)."""

from __future__ import annotations

from local.fixture import PROD_TEE, REG_EU, REG_US
from medusa_store import responses as out
from tests.integration.test_medusa_carts import medusa


def test_every_catalog_answer_matches_its_documented_model(api) -> None:
    # Given the demo storefront (two regions, products with variants, shipping options)
    # When each catalog route answers, with and without a region to price in
    # Then each body validates against its documented model (extra or missing keys fail)
    out.RegionsResponse.model_validate(medusa(api, "GET", "/regions").json())
    out.RegionResponse.model_validate(medusa(api, "GET", f"/regions/{REG_US}").json())
    out.ProductsResponse.model_validate(medusa(api, "GET", f"/products?region_id={REG_EU}").json())
    out.ProductsResponse.model_validate(medusa(api, "GET", "/products").json())
    out.ProductResponse.model_validate(medusa(api, "GET", f"/products/{PROD_TEE}?region_id={REG_US}").json())
    out.ProductResponse.model_validate(medusa(api, "GET", f"/products/{PROD_TEE}").json())
    cart = medusa(api, "POST", "/carts", {"items": [{"variant_id": "demo-flower", "quantity": 2}]}).json()["cart"]
    options = medusa(api, "GET", f"/shipping-options/{cart['id']}").json()
    out.ShippingOptionsResponse.model_validate(options)
    chosen = {"option_id": options["shipping_options"][0]["id"]}
    out.CartResponse.model_validate(medusa(api, "POST", f"/carts/{cart['id']}/shipping-methods", chosen).json())
