"""Provisioning: tenants, locations, credentials, products and discount codes.

    python -m cart_core.admin --table NAME [--endpoint-url URL] tenant demo "Demo Dispensary"
    python -m cart_core.admin --table NAME location demo main "Main St" --tax "State Tax:6.25:state"
    python -m cart_core.admin --table NAME blaze-keys demo main          # prints the keys once
    python -m cart_core.admin --table NAME loke-token demo               # a POS bearer token, once
    python -m cart_core.admin --table NAME product demo demo-flower 12.50 --name "Flower"
    python -m cart_core.admin --table NAME discount demo TENOFF percentage 10

Works against any endpoint (AWS, or the local cloud's emulator via --endpoint-url).
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from typing import Any

from cart_core import credentials
from cart_core.catalog import DiscountCode, DiscountKind, Product
from cart_core.money import from_decimal
from cart_core.store.dynamodb import DynamoStore
from cart_core.tenancy import Location, TaxRate, Tenant


def create_tenant(store: DynamoStore, tenant_id: str, name: str) -> Tenant:
    tenant = Tenant(tenant_id=tenant_id, name=name)
    store.put_tenant(tenant)
    return tenant


def create_location(store: DynamoStore, **fields: Any) -> Location:
    location = Location(**fields)
    store.put_location(location)
    return location


def create_blaze_keys(
    store: DynamoStore,
    tenant_id: str,
    location_id: str,
    partner_key: str | None = None,
    developer_key: str | None = None,
) -> dict[str, str]:
    """Store digests only; the returned plaintext is the one and only copy."""
    partner_key = partner_key or credentials.new_secret("pk")
    developer_key = developer_key or credentials.new_secret("dk")
    store.put_credential(
        credentials.digest(developer_key),
        {
            "scheme": "blaze",
            "tenant_id": tenant_id,
            "location_id": location_id,
            "partner_key_digest": credentials.digest(partner_key),
        },
    )
    return {"x-api-key": partner_key, "Authorization": developer_key}


def create_loke_token(store: DynamoStore, tenant_id: str, token: str | None = None) -> dict[str, str]:
    """A POS bearer token for one organization (tenant). Only its digest is stored."""
    token = token or credentials.new_secret("pos")
    store.put_credential(credentials.digest(token), {"scheme": "loke", "tenant_id": tenant_id})
    return {"Authorization": f"Bearer {token}"}


def create_product(
    store: DynamoStore, tenant_id: str, product_id: str, price: Decimal, currency: str = "USD", **fields: Any
) -> Product:
    product = Product(
        tenant_id=tenant_id,
        product_id=product_id,
        sku=fields.pop("sku", None) or product_id,
        name=fields.pop("name", None) or product_id,
        price_minor=from_decimal(price, currency),
        **fields,
    )
    store.put_product(product)
    return product


def create_discount(store: DynamoStore, tenant_id: str, code: str, kind: DiscountKind, value: Decimal) -> DiscountCode:
    discount = DiscountCode(tenant_id=tenant_id, code=code.upper(), kind=kind, value=value)
    store.put_discount(discount)
    return discount


def _tax(spec: str) -> TaxRate:
    name, percent, *kind = spec.split(":")
    return TaxRate(name=name, percent=Decimal(percent), kind=(kind or ["state"])[0])  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cart_core.admin", description=__doc__.splitlines()[0])
    parser.add_argument("--table", required=True)
    parser.add_argument("--endpoint-url")
    parser.add_argument("--region", default=None)
    commands = parser.add_subparsers(dest="command", required=True)

    tenant = commands.add_parser("tenant")
    tenant.add_argument("tenant_id")
    tenant.add_argument("name")

    location = commands.add_parser("location")
    location.add_argument("tenant_id")
    location.add_argument("location_id")
    location.add_argument("name")
    location.add_argument("--currency", default="USD")
    location.add_argument("--tax", action="append", default=[], help="NAME:PERCENT[:state|city|county|federal]")
    location.add_argument("--tax-inclusive", action="store_true")
    location.add_argument("--idle-ttl-seconds", type=int, default=7 * 86400)
    location.add_argument("--validation-timeout-seconds", type=int, default=600)

    keys = commands.add_parser("blaze-keys")
    keys.add_argument("tenant_id")
    keys.add_argument("location_id")

    pos_token = commands.add_parser("loke-token")
    pos_token.add_argument("tenant_id")

    product = commands.add_parser("product")
    product.add_argument("tenant_id")
    product.add_argument("product_id")
    product.add_argument("price", type=Decimal)
    product.add_argument("--name")
    product.add_argument("--sku")
    product.add_argument("--currency", default="USD")
    product.add_argument("--inactive", action="store_true")

    discount = commands.add_parser("discount")
    discount.add_argument("tenant_id")
    discount.add_argument("code")
    discount.add_argument("kind", choices=[k.value for k in DiscountKind])
    discount.add_argument("value", type=Decimal, help="percent, or an amount in currency units for fixed")
    discount.add_argument("--currency", default="USD")

    args = parser.parse_args(argv)
    import boto3

    store = DynamoStore(args.table, boto3.client("dynamodb", endpoint_url=args.endpoint_url, region_name=args.region))
    result: Any
    if args.command == "tenant":
        result = create_tenant(store, args.tenant_id, args.name).model_dump(mode="json")
    elif args.command == "location":
        result = create_location(
            store,
            tenant_id=args.tenant_id,
            location_id=args.location_id,
            name=args.name,
            currency=args.currency,
            tax_rates=tuple(_tax(t) for t in args.tax),
            tax_inclusive=args.tax_inclusive,
            idle_ttl_seconds=args.idle_ttl_seconds,
            validation_timeout_seconds=args.validation_timeout_seconds,
        ).model_dump(mode="json")
    elif args.command == "blaze-keys":
        result = create_blaze_keys(store, args.tenant_id, args.location_id)
        print("Store these now; they are not shown again.", file=sys.stderr)
    elif args.command == "loke-token":
        result = create_loke_token(store, args.tenant_id)
        print("Store this now; it is not shown again.", file=sys.stderr)
    elif args.command == "product":
        result = create_product(
            store, args.tenant_id, args.product_id, args.price, args.currency,
            name=args.name, sku=args.sku, active=not args.inactive,
        ).model_dump(mode="json")  # fmt: skip
    else:
        kind = DiscountKind(args.kind)
        value = args.value if kind is DiscountKind.PERCENTAGE else Decimal(from_decimal(args.value, args.currency))
        result = create_discount(store, args.tenant_id, args.code, kind, value).model_dump(mode="json")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
