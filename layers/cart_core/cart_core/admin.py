"""Provisioning: tenants, locations, credentials, products, discount codes and gift cards.

    python -m cart_core.admin tenant demo "Demo Dispensary"          # the running local cloud
    python -m cart_core.admin location demo main "Main St" --tax "State Tax:6.25:regional"
    python -m cart_core.admin region demo ca "Canada" --currency CAD --country CA --tax "GST:5:national"
    python -m cart_core.admin location demo north "North" --default-region us --other-region ca
    python -m cart_core.admin regions demo                           # a tenant's regions
    python -m cart_core.admin blaze-keys demo main                   # prints the keys once
    python -m cart_core.admin loke-token demo                        # a POS bearer token, once
    python -m cart_core.admin api-client demo main                   # an OAuth2 client (NewStore), once
    python -m cart_core.admin product demo demo-flower 12.50 --name "Flower" --price CAD:16.99
    python -m cart_core.admin discount demo TENOFF percentage 10
    python -m cart_core.admin gift-card demo GIFT-25 25.00 --tax-rate 8.25
    python -m cart_core.admin discount demo SPRING percentage 15 --id disc_01… --usage-limit 100 --region reg_…
    python -m cart_core.admin shipping-option demo so_01… reg_… "Express" 15.00 --min-subtotal 30.00
    python -m cart_core.admin shipping-option demo so_01… reg_… "Express" 12.00 --tax "Reduced VAT:7:national"
    python -m cart_core.admin region demo fr "France" --currency EUR --country FR --tax "TVA:20:national" --taxes-at-checkout
    python -m cart_core.admin --table NAME [--region R] [--endpoint-url URL] tenant ...   # AWS, or any endpoint

Which table, where (first match wins):
  1. --local: the running local cloud (``make local``), whatever else is set.
  2. Any of --table, --endpoint-url, --region, or AWS_PROFILE / AWS_ACCESS_KEY_ID / AWS_ENDPOINT_URL
     in the environment: that target, with boto3's usual credential chain; --table is required.
  3. Nothing given: the running local cloud, found through the discovery file it writes on start
     (``.local-cloud.json`` in the project root, or $LOCAL_CLOUD_DISCOVERY_FILE): its emulator
     endpoint, region, table and dummy credentials.
Every error is one line on stderr and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError

from cart_core import credentials
from cart_core.catalog import DiscountAllocation, DiscountCode, DiscountKind, GiftCard, Product
from cart_core.errors import DomainError, ServiceUnavailable
from cart_core.money import from_decimal
from cart_core.regions import Region
from cart_core.shipping import ShippingOption, ShippingRequirement
from cart_core.store.dynamodb import DynamoStore
from cart_core.storefront import StoreProduct
from cart_core.tenancy import LEGACY_TAX_KINDS, Location, TaxRate, Tenant


def create_tenant(store: DynamoStore, tenant_id: str, name: str) -> Tenant:
    tenant = Tenant(tenant_id=tenant_id, name=name)
    store.put_tenant(tenant)
    return tenant


def create_location(store: DynamoStore, **fields: Any) -> Location:
    location = Location(**fields)
    store.put_location(location)
    return location


def create_region(store: DynamoStore, **fields: Any) -> Region:
    region = Region(**fields)
    store.put_region(region)
    return region


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


def create_api_client(
    store: DynamoStore, tenant_id: str, location_id: str, client_id: str | None = None, secret: str | None = None
) -> dict[str, str]:
    """An OAuth2 client (client credentials, cart_core.client_tokens) of one store of a tenant: NewStore's
    associate apps trade its id and secret for access tokens at ``POST /shopping/token``. Only the
    secret's digest is stored; the secret is shown here, once."""
    from cart_core import client_tokens

    client_id = client_id or credentials.new_secret("cli")[:40]
    secret = secret or credentials.new_secret("cs")
    store.put_credential(
        client_tokens.record_key(client_id), client_tokens.new_record(client_id, secret, tenant_id, location_id)
    )
    return {"client_id": client_id, "client_secret": secret}


def create_medusa_publishable_key(
    store: DynamoStore, tenant_id: str, location_id: str, key: str | None = None
) -> dict[str, str]:
    """A Medusa publishable API key naming one store (tenant and location: Medusa's sales channel).
    Only its digest is stored. A storefront sends it as ``x-publishable-api-key``; it is optional."""
    key = key or credentials.new_secret("pk")
    record = {"scheme": "medusa_publishable", "tenant_id": tenant_id, "location_id": location_id}
    store.put_credential(credentials.digest(key), record)
    return {"x-publishable-api-key": key}


def create_product(
    store: DynamoStore,
    tenant_id: str,
    product_id: str,
    price: Decimal,
    currency: str | None = None,
    prices: Mapping[str, Decimal] | None = None,
    **fields: Any,
) -> Product:
    """``currency``: what ``price`` is in; None, the home currency of the locations selling it (as
    before regions; its minor units are taken as USD's two decimals). ``prices``: further currencies."""
    product = Product(
        tenant_id=tenant_id,
        product_id=product_id,
        sku=fields.pop("sku", None) or product_id,
        name=fields.pop("name", None) or product_id,
        price_minor=from_decimal(price, currency or "USD"),
        currency=currency,
        prices={code: from_decimal(amount, code) for code, amount in (prices or {}).items()},
        **fields,
    )
    store.put_product(product)
    return product


def create_discount(
    store: DynamoStore,
    tenant_id: str,
    code: str,
    kind: DiscountKind,
    value: Decimal,
    allocation: DiscountAllocation = "total",
    **fields: Any,
) -> DiscountCode:
    """``fields``: Medusa's terms (``discount_id``, ``usage_limit``, ``starts_ms``, ``ends_ms``,
    ``region_ids``, ``description``); a code with an id has its uses counted at placement, so a
    usage limit needs an id (without one, nothing would count the uses the limit bounds)."""
    if fields.get("usage_limit") is not None and not fields.get("discount_id"):
        raise AdminError("A discount code with a usage limit needs an id (--id disc_…): its uses are counted by it")
    discount = DiscountCode(
        tenant_id=tenant_id, code=code.upper(), kind=kind, value=value, allocation=allocation, **fields
    )
    store.put_discount(discount)
    return discount


@dataclass(frozen=True)
class VariantSpec:
    """One variant of ``create_store_product``: prices in currency units by currency."""

    variant_id: str
    title: str
    sku: str
    prices: Mapping[str, Decimal]
    options: Mapping[str, str] = field(default_factory=dict)
    manage_inventory: bool = False
    allow_backorder: bool = False
    inventory_quantity: int = 0


def create_store_product(
    store: DynamoStore,
    tenant_id: str,
    product_id: str,
    title: str,
    variants: list[VariantSpec],
    **fields: Any,
) -> StoreProduct:
    """A storefront product and its variants (each a sellable ``Product`` whose ``name`` is the
    product's title and which copies its discountable / gift-card flags and shipping profile).
    ``fields``: StoreProduct's other fields (description, handle, thumbnail, is_giftcard, ...)."""
    product = StoreProduct(
        tenant_id=tenant_id, product_id=product_id, title=title, variant_ids=tuple(v.variant_id for v in variants),
        **fields,
    )  # fmt: skip
    for spec in variants:
        first, *_ = spec.prices.items()
        store.put_product(
            Product(
                tenant_id=tenant_id,
                product_id=spec.variant_id,
                sku=spec.sku,
                name=title,
                price_minor=from_decimal(first[1], first[0]),
                currency=first[0],
                prices={code: from_decimal(amount, code) for code, amount in spec.prices.items()},
                group_id=product_id,
                variant_title=spec.title,
                options=dict(spec.options),
                discountable=product.discountable and not product.is_giftcard,
                is_giftcard=product.is_giftcard,
                profile_id=product.profile_id,
                manage_inventory=spec.manage_inventory,
                allow_backorder=spec.allow_backorder,
                inventory_quantity=spec.inventory_quantity,
            )
        )
    store.put_store_product(product)
    return product


def create_shipping_option(
    store: DynamoStore,
    tenant_id: str,
    option_id: str,
    region_id: str,
    name: str,
    amount: Decimal,
    currency: str,
    min_subtotal: Decimal | None = None,
    max_subtotal: Decimal | None = None,
    **fields: Any,
) -> ShippingOption:
    """A flat-rate option of a region; amounts in the region's currency units."""
    requirements = []
    for kind, bound in (("min_subtotal", min_subtotal), ("max_subtotal", max_subtotal)):
        if bound is not None:
            requirements.append(
                ShippingRequirement(
                    requirement_id=f"sor_{option_id.rpartition('_')[2]}{kind[:3].upper()}",
                    type=kind,
                    amount_minor=from_decimal(bound, currency),
                )
            )
    option = ShippingOption(
        tenant_id=tenant_id, option_id=option_id, region_id=region_id, name=name,
        amount_minor=from_decimal(amount, currency), requirements=tuple(requirements), **fields,
    )  # fmt: skip
    store.put_shipping_option(option)
    return option


DISCOVERY_FILE = ".local-cloud.json"
# Environment variables that say "I mean a real AWS account (or this endpoint)": their presence
# turns discovery off, so a developer with a profile never provisions the wrong place by accident.
EXPLICIT_ENV = ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB")


class AdminError(Exception):
    """Ends the CLI with this one line on stderr (exit status 1)."""


class _Parser(argparse.ArgumentParser):
    """argparse, but an error is one line (with where to find the usage), not usage plus error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (--help for usage)\n")


def _tax(spec: str) -> TaxRate:
    name, _, rest = spec.partition(":")
    percent, _, category = rest.partition(":")
    try:
        # The old names (state, city, county, federal) still read, as their neutral categories.
        category = LEGACY_TAX_KINDS.get(category, category) or "regional"
        return TaxRate(name=name, percent=Decimal(percent), category=category)
    except (InvalidOperation, ValidationError):
        raise argparse.ArgumentTypeError(
            f"{spec!r} is not NAME:PERCENT[:national|regional|district|municipal]"
        ) from None


def _currency_price(spec: str) -> tuple[str, Decimal]:
    code, _, amount = spec.partition(":")
    if len(code) != 3 or not code.isalpha() or not code.isupper():
        raise argparse.ArgumentTypeError(f"{spec!r} is not CUR:AMOUNT (e.g. CAD:16.99)")
    return code, _amount(amount)


def _amount(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"{text!r} is not a number")
    return value


# ----- where to write: explicit target, or the running local cloud (a developer's machine only) -----


def find_local_cloud(start: Path | None = None) -> Path | None:
    """The local cloud's discovery file: $LOCAL_CLOUD_DISCOVERY_FILE, else ``.local-cloud.json`` in
    the current directory or a parent (``make admin`` runs from the project root)."""
    configured = os.environ.get("LOCAL_CLOUD_DISCOVERY_FILE")
    if configured:
        return Path(configured) if Path(configured).is_file() else None
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        if (directory / DISCOVERY_FILE).is_file():
            return directory / DISCOVERY_FILE
    return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def local_cloud_target() -> dict[str, Any]:
    """Endpoint, region, table and credentials of the running local cloud, or an AdminError saying
    why there is none. Only the CLI calls this; no Lambda handler imports this module."""
    path = find_local_cloud()
    if path is None:
        raise AdminError(
            "no running local cloud found (no .local-cloud.json): start one with `make local`, "
            "or pass --table NAME (and --endpoint-url URL) to provision another target"
        )
    try:
        found = json.loads(path.read_text())
        target = {
            "table": found["resources"]["CartTable"],
            "endpoint_url": found["aws_endpoint"],
            "region": found["region"],
            "credentials": found["credentials"],
        }
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise AdminError(f"{path} is not a local cloud discovery file ({error!r}); delete it") from None
    pid = found.get("pid")
    if isinstance(pid, int) and not _pid_alive(pid):
        raise AdminError(f"the local cloud in {path} (pid {pid}) is not running any more: start it with `make local`")
    return target


def resolve_target(args: argparse.Namespace, environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Where this command writes; the precedence is in the module docstring."""
    if args.local:
        return local_cloud_target()
    explicit = [flag for flag in ("table", "endpoint_url", "region") if getattr(args, flag)]
    explicit_env = [name for name in EXPLICIT_ENV if environ.get(name)]
    if not explicit and not explicit_env:
        return local_cloud_target()
    if not args.table:
        told = ", ".join([f"--{f.replace('_', '-')}" for f in explicit] + explicit_env)
        raise AdminError(f"--table is required when a target is given ({told}); --local uses the running local cloud")
    return {"table": args.table, "endpoint_url": args.endpoint_url, "region": args.region, "credentials": None}


def _client(target: dict[str, Any]) -> Any:
    import boto3
    from botocore.exceptions import NoRegionError

    from cart_core.store.clients import CLIENT_CONFIG

    credentials_ = target["credentials"] or {}
    try:
        # A session of its own: credentials and region resolved now, from this environment.
        return boto3.session.Session().client(
            "dynamodb",
            endpoint_url=target["endpoint_url"],
            region_name=target["region"],
            aws_access_key_id=credentials_.get("aws_access_key_id"),
            aws_secret_access_key=credentials_.get("aws_secret_access_key"),
            config=CLIENT_CONFIG,
        )
    except NoRegionError:
        raise AdminError(
            "no AWS region: pass --region or set AWS_DEFAULT_REGION (or AWS_PROFILE with a region)"
        ) from None


def _where(target: dict[str, Any]) -> str:
    return (
        f"at {target['endpoint_url']}" if target["endpoint_url"] else f"in {target['region'] or 'the default region'}"
    )


def explain(error: BaseException, target: dict[str, Any]) -> str:
    """One line for an error from AWS (or the emulator): what went wrong and what to do about it."""
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        NoCredentialsError,
        PartialCredentialsError,
        ProfileNotFound,
    )

    cause = error.__cause__ if isinstance(error, ServiceUnavailable) and error.__cause__ else error
    table, where = target["table"], _where(target)
    if isinstance(cause, ProfileNotFound):
        return f"{cause}: check AWS_PROFILE (`aws configure list-profiles`)"
    if isinstance(cause, NoCredentialsError | PartialCredentialsError):
        return f"no AWS credentials for {where}: set AWS_PROFILE (or run `aws configure`), or start `make local`"
    if isinstance(cause, ClientError):
        code = cause.response.get("Error", {}).get("Code", "")
        message = cause.response.get("Error", {}).get("Message", "")
        if code == "ResourceNotFoundException":
            return f"table {table!r} not found {where}: check --table (the stack output CartTableName)"
        if code in ("AccessDenied", "AccessDeniedException"):
            return (
                f"access denied writing to {table!r} {where}: the credentials need dynamodb:PutItem on it ({message})"
            )
        if code in ("UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException",
                    "ExpiredToken", "InvalidClientTokenId"):  # fmt: skip
            return f"AWS refused the credentials ({code}): refresh them (aws sso login, AWS_PROFILE)"
        if code == "ValidationException":
            return f"DynamoDB refused the write to {table!r}: {message}"
        if isinstance(error, ServiceUnavailable):
            return f"{where[3:]} is throttling or failing ({code}); try again shortly"
        return f"AWS error {code} {where}: {message}"
    if isinstance(cause, BotoCoreError):
        hint = " (is the local cloud still running? `make local`)" if target["credentials"] else ""
        return f"cannot reach DynamoDB {where}: {cause}{hint}"
    return f"{type(cause).__name__}: {cause}"


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m cart_core.admin",
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--local", action="store_true", help="the running local cloud (make local), whatever else is set"
    )
    parser.add_argument("--table", help="the CartTable's physical name (stack output CartTableName)")
    parser.add_argument("--endpoint-url", help="a DynamoDB endpoint other than AWS's")
    parser.add_argument("--region", default=None)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    tenant = commands.add_parser("tenant", help="create or replace a tenant")
    tenant.add_argument("tenant_id")
    tenant.add_argument("name")

    location = commands.add_parser("location", help="a tenant's shop: currency, taxes, timeouts")
    location.add_argument("tenant_id")
    location.add_argument("location_id")
    location.add_argument("name")
    location.add_argument("--currency", default="USD")
    location.add_argument(
        "--tax",
        action="append",
        default=[],
        type=_tax,
        help="NAME:PERCENT[:national|regional|district|municipal] (or the old state|city|county|federal)",
    )
    location.add_argument("--tax-inclusive", action="store_true")
    location.add_argument("--idle-ttl-seconds", type=int, default=7 * 86400)
    location.add_argument("--validation-timeout-seconds", type=int, default=600)
    location.add_argument("--default-region", help="the region its carts start in (else its own terms above)")
    location.add_argument(
        "--other-region", dest="other_regions", action="append", default=[],
        help="a further region its carts may switch to (repeatable)",
    )  # fmt: skip

    region = commands.add_parser("region", help="create or replace a region: currency, countries, taxes, providers")
    region.add_argument("tenant_id")
    region.add_argument("region_id")
    region.add_argument("name")
    region.add_argument("--currency", required=True)
    region.add_argument("--country", action="append", default=[], help="ISO 3166-1 alpha-2, repeatable")
    region.add_argument(
        "--tax", action="append", default=[], type=_tax, help="NAME:PERCENT[:national|regional|district|municipal]"
    )
    region.add_argument("--tax-inclusive", action="store_true")
    region.add_argument(
        "--taxes-at-checkout",
        action="store_true",
        help="an open cart shows no tax until checkout (automatic_taxes off)",
    )
    region.add_argument("--provider", action="append", default=[], help="a payment provider (default: every one)")

    regions = commands.add_parser("regions", help="list a tenant's regions")
    regions.add_argument("tenant_id")

    keys = commands.add_parser("blaze-keys", help="a BLAZE partner + developer key pair, printed once")
    keys.add_argument("tenant_id")
    keys.add_argument("location_id")

    pos_token = commands.add_parser("loke-token", help="a LOKE POS bearer token, printed once")
    pos_token.add_argument("tenant_id")

    client = commands.add_parser("api-client", help="an OAuth2 API client of a store (NewStore), printed once")
    client.add_argument("tenant_id")
    client.add_argument("location_id")
    client.add_argument("--client-id", help="the client's id (default: a random one)")

    product = commands.add_parser("product", help="create or replace a product")
    product.add_argument("tenant_id")
    product.add_argument("product_id")
    product.add_argument("price", type=_amount)
    product.add_argument("--name")
    product.add_argument("--sku")
    product.add_argument("--currency", help="what PRICE is in (default: the selling location's home currency)")
    product.add_argument(
        "--price", dest="price_in", action="append", default=[], type=_currency_price, help="CUR:AMOUNT, repeatable"
    )
    product.add_argument("--inactive", action="store_true")

    discount = commands.add_parser("discount", help="a discount code")
    discount.add_argument("tenant_id")
    discount.add_argument("code")
    discount.add_argument("kind", choices=[k.value for k in DiscountKind])
    discount.add_argument("value", type=_amount, help="percent, or an amount in currency units for fixed")
    discount.add_argument("--currency", default="USD")
    discount.add_argument(
        "--allocation", choices=["total", "item"], default="total", help="fixed: once per order, or per unit"
    )
    discount.add_argument("--id", dest="discount_id", help="Medusa's disc_… id (its uses are then counted)")
    discount.add_argument("--usage-limit", type=int, help="at most this many orders")
    discount.add_argument("--starts-ms", type=int, help="epoch ms before which it does not apply")
    discount.add_argument("--ends-ms", type=int, help="epoch ms after which it no longer applies")
    discount.add_argument("--region", dest="region_ids", action="append", default=[], help="valid in; repeatable")
    discount.add_argument("--disabled", action="store_true")

    option = commands.add_parser("shipping-option", help="create or replace a region's flat-rate shipping option")
    option.add_argument("tenant_id")
    option.add_argument("option_id", help="so_ + ULID")
    option.add_argument("region_id")
    option.add_argument("name")
    option.add_argument("amount", type=_amount, help="in the region's currency units")
    option.add_argument("--currency", default="USD", help="the region's currency")
    option.add_argument("--min-subtotal", type=_amount)
    option.add_argument("--max-subtotal", type=_amount)
    option.add_argument("--profile", default="default")
    option.add_argument(
        "--tax", action="append", type=_tax, help="its own rate instead of the region's, NAME:PERCENT[:category]"
    )

    gift_card = commands.add_parser("gift-card", help="issue or reload a gift card (sets its balance)")
    gift_card.add_argument("tenant_id")
    gift_card.add_argument("code")
    gift_card.add_argument("balance", type=_amount, help="in currency units")
    gift_card.add_argument("--currency", default="USD")
    gift_card.add_argument("--tax-rate", type=_amount, help="percent of tax the card pays when spent (Medusa)")
    gift_card.add_argument("--ends-ms", type=int, help="epoch ms after which it no longer applies")
    gift_card.add_argument("--region", help="the only region it may be spent in")
    return parser


def _run(args: argparse.Namespace, store: DynamoStore) -> Any:
    if args.command == "tenant":
        return create_tenant(store, args.tenant_id, args.name).model_dump(mode="json")
    if args.command == "location":
        return create_location(
            store,
            tenant_id=args.tenant_id,
            location_id=args.location_id,
            name=args.name,
            currency=args.currency,
            tax_rates=tuple(args.tax),
            tax_inclusive=args.tax_inclusive,
            idle_ttl_seconds=args.idle_ttl_seconds,
            validation_timeout_seconds=args.validation_timeout_seconds,
            default_region_id=args.default_region,
            region_ids=tuple(args.other_regions),
        ).model_dump(mode="json")
    if args.command == "region":
        return create_region(
            store,
            tenant_id=args.tenant_id,
            region_id=args.region_id,
            name=args.name,
            currency=args.currency,
            countries=tuple(args.country),
            tax_rates=tuple(args.tax),
            tax_inclusive=args.tax_inclusive,
            automatic_taxes=not args.taxes_at_checkout,
            payment_providers=tuple(args.provider),
        ).model_dump(mode="json")
    if args.command == "regions":
        return [region.model_dump(mode="json") for region in store.regions(args.tenant_id)]
    if args.command == "blaze-keys":
        result = create_blaze_keys(store, args.tenant_id, args.location_id)
        print("Store these now; they are not shown again.", file=sys.stderr)
        return result
    if args.command == "loke-token":
        result = create_loke_token(store, args.tenant_id)
        print("Store this now; it is not shown again.", file=sys.stderr)
        return result
    if args.command == "api-client":
        result = create_api_client(store, args.tenant_id, args.location_id, args.client_id)
        print("Store the secret now; it is not shown again.", file=sys.stderr)
        return result
    if args.command == "product":
        return create_product(
            store, args.tenant_id, args.product_id, args.price, args.currency, dict(args.price_in),
            name=args.name, sku=args.sku, active=not args.inactive,
        ).model_dump(mode="json")  # fmt: skip
    if args.command == "gift-card":
        card = GiftCard(
            tenant_id=args.tenant_id, code=args.code.upper(), currency=args.currency,
            balance_minor=from_decimal(args.balance, args.currency), tax_rate=args.tax_rate, ends_ms=args.ends_ms,
            region_id=args.region,
        )  # fmt: skip
        store.put_gift_card(card)
        return card.model_dump(mode="json")
    if args.command == "shipping-option":
        return create_shipping_option(
            store, args.tenant_id, args.option_id, args.region_id, args.name, args.amount, args.currency,
            args.min_subtotal, args.max_subtotal, profile_id=args.profile,
            tax_rates=None if args.tax is None else tuple(args.tax),
        ).model_dump(mode="json")  # fmt: skip
    kind = DiscountKind(args.kind)
    value = args.value if kind is DiscountKind.PERCENTAGE else Decimal(from_decimal(args.value, args.currency))
    return create_discount(
        store, args.tenant_id, args.code, kind, value, args.allocation, discount_id=args.discount_id,
        usage_limit=args.usage_limit, starts_ms=args.starts_ms, ends_ms=args.ends_ms,
        region_ids=tuple(args.region_ids), active=not args.disabled,
    ).model_dump(mode="json")  # fmt: skip


def _validation_line(error: ValidationError) -> str:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or error.title
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"invalid {error.title.lower()}: {field}: {first['msg']}{more}"


def main(argv: list[str] | None = None) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    parser = _build_parser()
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # `make admin` without ARGS: how to use it, not an error
        parser.print_help()
        return 0
    args = parser.parse_args(argv)
    target: dict[str, Any] = {"table": args.table, "endpoint_url": args.endpoint_url, "region": args.region,
                              "credentials": None}  # fmt: skip
    try:
        target = resolve_target(args)
        if target["credentials"]:  # the local cloud: a developer's AWS_PROFILE must not get in the way
            os.environ.pop("AWS_PROFILE", None)
        client = _client(target)
        # Where the calls really go (AWS_ENDPOINT_URL, the profile's region…), for the error lines.
        target = {**target, "endpoint_url": client.meta.endpoint_url, "region": client.meta.region_name}
        result = _run(args, DynamoStore(target["table"], client))
    except AdminError as error:
        return _fail(str(error))
    except ValidationError as error:
        return _fail(_validation_line(error))
    except (ServiceUnavailable, ClientError, BotoCoreError) as error:
        return _fail(explain(error, target))
    except DomainError as error:  # e.g. an amount finer than the currency allows
        return _fail(error.message)
    print(json.dumps(result, indent=2))
    return 0


def _fail(line: str) -> int:
    print(f"admin: {line}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
