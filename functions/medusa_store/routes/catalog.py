"""/store/regions*, /store/products*, /store/shipping-options/{cart_id} and
POST /store/carts/{id}/shipping-methods (medusa-v1.md §3.2; Medusa's store routes of the same names).

Each route: the caller (the stage's or the publishable key's store, the customer or a guest),
Medusa's query check (its params class: any other parameter is 400 "property X should not exist"),
one core use case (``use_cases().storefront``), Medusa's entity shapes out (``_product``,
``_variant``, ``_shipping_option``; regions and carts as the cart routes render them)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.request import Request
from pydantic import BaseModel, ConfigDict, Field

from cart_core.catalog import Product
from cart_core.errors import NotAllowed
from cart_core.regions import Region
from cart_core.responses import documentation, documented
from cart_core.runtime import use_cases
from cart_core.shipping import ShippingOption
from cart_core.storefront import MAX_PAGE
from cart_core.tenancy import Caller
from cart_core.usecases.storefront import ProductFilter, ProductView
from medusa_store import find_params
from medusa_store.errors import MedusaError
from medusa_store.mapping import UNMODELLED_VARIANT_COLUMNS, _js_round, core_cart_id, derived_id, iso, medusa_region
from medusa_store.routes.carts import cart_body
from medusa_store.store import FIND_PARAMS, medusa_caller, only_query

router = Router()
# Response models are documentation only, imported when the OpenAPI document is generated (cart_core.responses).
out = documentation("medusa_store.responses")

PRICE_SELECTION = frozenset({"cart_id", "region_id", "currency_code"})
PAGING = frozenset({"offset", "limit"})
REGION_LIST_PARAMS = FIND_PARAMS | PAGING | {"created_at", "updated_at"}
PRODUCT_PARAMS = FIND_PARAMS | PRICE_SELECTION | {"sales_channel_id"}
PRODUCT_LIST_PARAMS = PRODUCT_PARAMS | PAGING | {"order", "id", "q", "handle", "title", "is_giftcard"}
MAX_REGION_PAGE = 100


def _caller(request: Request, allowed: frozenset[str]) -> Caller:
    only_query(request, allowed)
    return medusa_caller(request)


def plain_caller(request: Request) -> Caller:
    return _caller(request, FIND_PARAMS)


def region_list_caller(request: Request) -> Caller:
    return _caller(request, REGION_LIST_PARAMS)


def product_caller(request: Request) -> Caller:
    return _caller(request, PRODUCT_PARAMS)


def product_list_caller(request: Request) -> Caller:
    return _caller(request, PRODUCT_LIST_PARAMS)


@contextmanager
def medusa_refusals() -> Iterator[None]:
    """The core's ``NotAllowed`` (a state that forbids the request) as Medusa's 400 not_allowed,
    with its code when it has one (insufficient_inventory)."""
    try:
        yield
    except NotAllowed as error:
        raise MedusaError("not_allowed", error.message, error.code) from error


def _number(request: Request, name: str, default: int, maximum: int) -> int:
    """A paging parameter as class-validator checks it (``@Type(Number) @IsNumber``)."""
    raw = (request.query_parameters or {}).get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise MedusaError("invalid_data", f"{name} must be a number conforming to the specified constraints") from None
    if value < 0:
        raise MedusaError("invalid_data", f"{name} must not be less than 0")
    return min(value, maximum)


def _query(request: Request, name: str) -> str | None:
    value = (request.query_parameters or {}).get(name)
    return None if value is None else str(value)


# ----- regions ---------------------------------------------------------------------------------


@router.get("/regions", responses=documented(out.RegionsResponse))
def list_regions(request: Request, caller: Annotated[Caller, Depends(region_list_caller)]) -> dict[str, Any]:
    offset = _number(request, "offset", 0, 10_000)
    limit = _number(request, "limit", 100, MAX_REGION_PAGE)
    regions = use_cases().storefront.regions(caller)
    page = regions[offset : offset + limit]
    return {"regions": [medusa_region(r) for r in page], "count": len(regions), "offset": offset, "limit": limit}


@router.get("/regions/<region_id>", responses=documented(out.RegionResponse))
def get_region(region_id: str, caller: Annotated[Caller, Depends(plain_caller)]) -> dict[str, Any]:
    return {"region": medusa_region(use_cases().storefront.region(caller, region_id))}


# ----- products --------------------------------------------------------------------------------


def _price_context(request: Request, caller: Caller) -> tuple[str | None, str | None]:
    """(region id, currency) prices are asked in: the cart's region (``cart_id``), else ``region_id``,
    else ``currency_code`` (Medusa's PriceSelectionParams)."""
    cart_id = _query(request, "cart_id")
    if cart_id:
        region = use_cases().carts.get_cart(caller, core_cart_id(cart_id)).region
        return (None if region.implicit else region.region_id), region.currency
    return _query(request, "region_id"), _query(request, "currency_code")


def _filters(request: Request) -> ProductFilter:
    params = request.query_parameters or {}
    ids = params.get("id")
    giftcard = params.get("is_giftcard")
    if giftcard is not None and giftcard not in ("true", "false"):
        raise MedusaError("invalid_data", "is_giftcard must be a boolean value")
    return ProductFilter(
        ids=frozenset(str(ids).split(",")) if ids else frozenset(),
        handle=_query(request, "handle"),
        title=_query(request, "title"),
        q=_query(request, "q"),
        is_giftcard=None if giftcard is None else giftcard == "true",
    )


@router.get("/products", responses=documented(out.ProductsResponse))
def list_products(request: Request, caller: Annotated[Caller, Depends(product_list_caller)]) -> dict[str, Any]:
    offset = _number(request, "offset", 0, 10_000)
    limit = _number(request, "limit", 100, MAX_PAGE)
    region_id, currency = _price_context(request, caller)
    page = use_cases().storefront.products(caller, offset, limit, region_id, currency, _filters(request))
    return {
        "products": [_product(view) for view in page.products],
        "count": page.count,
        "offset": offset,
        "limit": limit,
    }


@router.get("/products/<product_id>", responses=documented(out.ProductResponse))
def get_product(
    request: Request, product_id: str, caller: Annotated[Caller, Depends(product_caller)]
) -> dict[str, Any]:
    config = find_params.checked(request.query_parameters, find_params.PRODUCT)
    region_id, currency = _price_context(request, caller)
    product = _product(use_cases().storefront.product(caller, product_id, region_id, currency))
    return {"product": find_params.narrow(product, config, find_params.PRODUCT)}


def _product(view: ProductView) -> dict[str, Any]:
    product = view.product
    at = iso(product.created_ms)
    updated = iso(product.updated_ms or product.created_ms)
    options = [
        {
            "id": _option_id(view, title),
            "title": title,
            "product_id": product.product_id,
            "values": [_option_value(view, title, variant) for variant in view.variants if title in variant.options],
            "metadata": None,
            "created_at": at,
            "updated_at": updated,
            "deleted_at": None,
        }
        for title in product.options
    ]
    return {
        "id": product.product_id,
        "title": product.title,
        "subtitle": product.subtitle,
        "status": "published",
        "external_id": None,
        "description": product.description,
        "handle": product.handle,
        "is_giftcard": product.is_giftcard,
        "discountable": product.discountable,
        "thumbnail": product.thumbnail,
        "profile_id": product.profile_id,
        "collection_id": None,
        "type_id": None,
        "weight": None,
        "length": None,
        "height": None,
        "width": None,
        "hs_code": None,
        "origin_country": None,
        "mid_code": None,
        "material": None,
        "created_at": at,
        "updated_at": updated,
        "deleted_at": None,
        "metadata": None,
        "variants": [_variant(view, variant, rank) for rank, variant in enumerate(view.variants)],
        "options": options,
        "images": [],
        "tags": [],
        "collection": None,
        "type": None,
        "profiles": [{"id": product.profile_id, "name": product.profile_id, "type": "default"}],
    }


def _option_id(view: ProductView, title: str) -> str:
    return derived_id("opt", view.product.tenant_id, view.product.product_id, title)


def _option_value(view: ProductView, title: str, variant: Product) -> dict[str, Any]:
    at = iso(view.product.created_ms)
    return {
        "id": derived_id("optval", view.product.tenant_id, variant.product_id, title),
        "value": variant.options[title],
        "option_id": _option_id(view, title),
        "variant_id": variant.product_id,
        "metadata": None,
        "created_at": at,
        "updated_at": at,
        "deleted_at": None,
    }


def _variant(view: ProductView, variant: Product, rank: int) -> dict[str, Any]:
    at = iso(view.product.created_ms)
    price = view.price_of(variant)
    region = view.region
    taxes: dict[str, Any] = {
        "original_price_incl_tax": None,
        "calculated_price_incl_tax": None,
        "original_tax": None,
        "calculated_tax": None,
        "tax_rates": None,
    }
    if region is not None and region.automatic_taxes:
        # Medusa's calculateTaxes: the rates summed, the tax on the price rounded once (none where the
        # region settles taxes at checkout: pricing.ts calculates them only with automatic_taxes).
        rate = sum(float(r.percent) / 100 for r in region.tax_rates)
        tax = None if price is None else _js_round(price * rate)
        taxes = {
            "original_price_incl_tax": None if price is None or tax is None else price + tax,
            "calculated_price_incl_tax": None if price is None or tax is None else price + tax,
            "original_tax": tax,
            "calculated_tax": tax,
            "tax_rates": [{"rate": _rate(r.percent), "name": r.name, "code": r.category} for r in region.tax_rates],
        }
    return {
        "id": variant.product_id,
        "title": variant.variant_title or variant.name,
        "product_id": view.product.product_id,
        "sku": variant.sku,
        "barcode": None,
        "ean": None,
        "upc": None,
        "variant_rank": rank,
        "inventory_quantity": variant.inventory_quantity,
        "allow_backorder": variant.allow_backorder,
        "manage_inventory": variant.manage_inventory,
        "purchasable": not variant.manage_inventory or variant.allow_backorder or variant.inventory_quantity > 0,
        **UNMODELLED_VARIANT_COLUMNS,
        "created_at": at,
        "updated_at": at,
        "deleted_at": None,
        "metadata": None,
        "prices": [
            {
                "id": derived_id("ma", view.product.tenant_id, variant.product_id, currency),
                "currency_code": currency.lower(),
                "amount": amount,
                "min_quantity": None,
                "max_quantity": None,
                "price_list_id": None,
                "region_id": None,
                "variant_id": variant.product_id,
                "created_at": at,
                "updated_at": at,
                "deleted_at": None,
            }
            for currency, amount in view.prices_of(variant).items()
        ],
        "options": [_option_value(view, title, variant) for title in view.product.options if title in variant.options],
        "original_price": price,
        "calculated_price": price,
        "calculated_price_type": None if price is None else "default",
        "original_price_includes_tax": None if price is None else False,
        "calculated_price_includes_tax": None if price is None else False,
        **taxes,
    }


def _rate(percent: Any) -> float | int:
    return int(percent) if percent == percent.to_integral_value() else float(percent)


# ----- shipping --------------------------------------------------------------------------------


@router.get("/shipping-options/<cart_id>", responses=documented(out.ShippingOptionsResponse))
def cart_shipping_options(cart_id: str, caller: Annotated[Caller, Depends(plain_caller)]) -> dict[str, Any]:
    priced, options = use_cases().storefront.shipping_options(caller, core_cart_id(cart_id))
    region = None if priced.region.implicit else priced.region
    return {"shipping_options": [_shipping_option(option, region) for option in options]}


def _shipping_option(option: ShippingOption, region: Region | None) -> dict[str, Any]:
    """Medusa's PricedShippingOption: the option with its requirements, and its price with the
    region's tax (pricing.getShippingOptionPricing: the rates summed, the tax rounded once)."""
    at = iso(option.created_ms)
    # The option's own rates, else its region's (tax-provider getRegionRatesForShipping); none where the
    # region settles taxes at checkout (getShippingOptionPricing: automatic_taxes).
    rates = (
        (region.tax_rates if option.tax_rates is None else option.tax_rates)
        if region is not None and region.automatic_taxes and option.taxable
        else ()
    )
    tax = _js_round(option.amount_minor * sum(float(r.percent) / 100 for r in rates))
    return {
        "id": option.option_id,
        "name": option.name,
        "region_id": option.region_id,
        "profile_id": option.profile_id,
        "provider_id": option.provider_id,
        "price_type": option.price_type,
        "amount": option.amount_minor,
        "is_return": option.is_return,
        "admin_only": option.admin_only,
        "data": dict(option.data),
        "metadata": None,
        "created_at": at,
        "updated_at": iso(option.updated_ms or option.created_ms),
        "deleted_at": None,
        "requirements": [
            {
                "id": requirement.requirement_id,
                "shipping_option_id": option.option_id,
                "type": requirement.type,
                "amount": requirement.amount_minor,
                "deleted_at": None,
            }
            for requirement in option.requirements
        ],
        "profile": {"id": option.profile_id, "name": option.profile_id, "type": "default"},
        "price_incl_tax": option.amount_minor + tax,
        "tax_rates": [{"rate": _rate(r.percent), "name": r.name, "code": r.category} for r in rates],
        "tax_amount": tax,
    }


class ShippingMethodIn(BaseModel):
    """Medusa's StorePostCartsCartShippingMethodReq."""

    # Built by its route's first request, not at every cold start (medusa_store/wire.py, Closed).
    model_config = ConfigDict(extra="forbid", defer_build=True)
    option_id: str = Field(max_length=128)
    data: dict[str, Any] = Field(default_factory=dict)


@router.post("/carts/<id>/shipping-methods", responses=documented(out.CartResponse))
def add_shipping_method(
    id: str, body: Annotated[ShippingMethodIn, Body()], caller: Annotated[Caller, Depends(plain_caller)]
) -> dict[str, Any]:
    with medusa_refusals():
        priced = use_cases().storefront.add_shipping_method(caller, core_cart_id(id), body.option_id, body.data)
    return {"cart": cart_body(priced)}
