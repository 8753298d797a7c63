"""Medusa's ``?fields=`` and ``?expand=`` on a retrieval (``FindParams``; medusa-v1.md §3.2 GET
cart; Medusa's ``prepareRetrieveQuery`` and ``retrieveWithTotals``).

Medusa turns them into the query it runs: ``fields`` is the columns selected (``id`` always; a name
prefixed ``-`` is left out), ``expand`` the relations loaded instead of the route's defaults. The
service renders the whole answer and then keeps what the query would have loaded:

- ``fields``: the entity's columns narrowed to ``id`` and the named ones; the relations in effect and
  the totals stay (Medusa computes totals on every retrieval, whatever was selected).
- ``expand``: the relations narrowed to the named ones, plus those a route always loads (a cart
  always loads what its totals need: items with their variant and product, adjustments and tax
  lines, discounts with their rule, gift cards, shipping methods with their tax lines, the shipping
  address, the region with its tax rates). ``expand=`` (empty) loads only those. A nested name
  (``region.countries``) keeps that part of a relation; without it, a part the route does not always
  load is dropped.

A name the entity does not have is refused before anything is read: 400 ``invalid_data``
"Requested fields [a, b] are not valid" (Medusa's wording where a route lists what it allows).
Routes without these parameters answer as before, key for key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from medusa_store.errors import MedusaError

# A query value is bounded like every input: this many names, each this long.
MAX_NAMES = 50
MAX_NAME_LENGTH = 64


@dataclass(frozen=True, slots=True)
class Shape:
    """What an entity's answer is made of: its relations (top-level keys holding records), the
    nested parts of them that are relations of their own (``region.countries``: the key under the
    relation), those a route always loads, and keys that are always there (totals, ``object``)."""

    model: str  # the answer's response model in medusa_store.responses
    relations: frozenset[str]
    nested: Mapping[str, frozenset[str]]  # relation → its optional parts (keys under it)
    always: frozenset[str] = frozenset()  # relations (and ``relation.part``) always loaded
    fixed: frozenset[str] = frozenset()  # keys always present (totals, ``object``)
    # Relations that only ``expand`` adds (not in the default answer): name → how to add it.
    extra: frozenset[str] = frozenset()
    # Parts of relations deeper down that ``expand`` may name (accepted; always rendered whole).
    deep: frozenset[str] = frozenset()

    @property
    def columns(self) -> frozenset[str]:
        """The model's keys (the closed response model: every key the answer has) that are not
        relations, totals or computed."""
        return _columns(self.model, self.relations | self.extra | self.fixed)


@cache
def _columns(model: str, named: frozenset[str]) -> frozenset[str]:
    # Response models are documentation, left out of a Lambda's cold start (cart_core.responses):
    # imported on the first request that names fields or expand.
    from medusa_store import responses

    return frozenset(getattr(responses, model).model_fields) - named - {"payment_session"}


@dataclass(frozen=True, slots=True)
class FindConfig:
    fields: tuple[str, ...] | None = None
    expand: tuple[str, ...] | None = None

    @property
    def given(self) -> bool:
        return self.fields is not None or self.expand is not None

    def expands(self, relation: str) -> bool:
        return self.expand is not None and relation in self.expand


def _names(raw: Any) -> tuple[str, ...]:
    names = tuple(name.strip() for name in str(raw).split(",") if name.strip())
    if len(names) > MAX_NAMES or any(len(name) > MAX_NAME_LENGTH for name in names):
        raise MedusaError("invalid_data", f"Requested fields are at most {MAX_NAMES} names of {MAX_NAME_LENGTH}")
    return names


def find_config(query: Mapping[str, Any] | None) -> FindConfig:
    query = query or {}
    fields = _names(query["fields"]) if query.get("fields") is not None else None
    expand = _names(query["expand"]) if query.get("expand") is not None else None
    return FindConfig(fields, expand)


def checked(query: Mapping[str, Any] | None, shape: Shape) -> FindConfig:
    """The request's ``fields`` and ``expand``, refused if they name what the entity does not have
    (before any read: a bad query changes nothing)."""
    config = find_config(query)
    unknown: list[str] = []
    for name in config.fields or ():
        bare = name.lstrip("+-")
        if bare not in shape.columns and bare not in shape.fixed:
            unknown.append(name)
    known_relations = shape.relations | shape.extra | shape.deep
    known_relations |= {f"{relation}.{part}" for relation, parts in shape.nested.items() for part in parts}
    unknown += [name for name in config.expand or () if name not in known_relations]
    if unknown:
        raise MedusaError("invalid_data", f"Requested fields [{', '.join(unknown)}] are not valid")
    return config


def narrow(body: dict[str, Any], config: FindConfig, shape: Shape) -> dict[str, Any]:
    """``body`` (the route's default answer, plus any ``extra`` relation ``expand`` asked for) as
    Medusa's query would have loaded it."""
    if not config.given:
        return body
    columns = shape.columns
    keep_columns = columns
    if config.fields is not None:
        dropped = {name[1:] for name in config.fields if name.startswith("-")}
        named = {name.lstrip("+") for name in config.fields if not name.startswith("-")}
        keep_columns = frozenset(({"id"} | named) - (dropped - {"id"})) & columns
    loaded: set[str]
    if config.expand is None:
        loaded = set(shape.relations) | {f"{r}.{p}" for r, parts in shape.nested.items() for p in parts}
    else:
        loaded = set(shape.always) | set(config.expand)
        # A nested name loads its relation too (TypeORM joins the path).
        loaded |= {name.split(".", 1)[0] for name in config.expand}
    out: dict[str, Any] = {}
    for key, value in body.items():
        if key in shape.fixed or key in keep_columns:
            out[key] = value
        elif key in shape.relations or key in shape.extra:
            if key in loaded:
                out[key] = _parts(key, value, shape, loaded)
        elif key == "payment_session" and "payment_sessions" in loaded:
            out[key] = value  # set after load from the loaded sessions
    return out


def _parts(relation: str, value: Any, shape: Shape, loaded: set[str]) -> Any:
    parts = shape.nested.get(relation, frozenset())
    dropped = {part for part in parts if f"{relation}.{part}" not in loaded}
    if not dropped:
        return value
    if isinstance(value, list):
        return [{k: v for k, v in item.items() if k not in dropped} for item in value]
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k not in dropped}
    return value


# ----- the entities ------------------------------------------------------------------------------

CART_TOTALS = frozenset(
    {
        "subtotal",
        "discount_total",
        "item_tax_total",
        "shipping_total",
        "shipping_tax_total",
        "tax_total",
        "gift_card_total",
        "gift_card_tax_total",
        "total",
        "object",
    }
)


CART = Shape(
    "Cart",
    relations=frozenset(
        {
            "billing_address",
            "shipping_address",
            "items",
            "region",
            "discounts",
            "gift_cards",
            "payment_sessions",
            "payment",
            "shipping_methods",
            "sales_channel",
        }
    ),
    nested={
        "region": frozenset({"countries", "payment_providers", "tax_rates"}),
        "shipping_methods": frozenset({"shipping_option", "tax_lines"}),
        "items": frozenset({"variant", "adjustments", "tax_lines"}),
        "discounts": frozenset({"rule"}),
    },
    # Medusa's getTotalsRelations: loaded on every cart retrieval with totals.
    always=frozenset(
        {
            "items",
            "items.variant",
            "items.adjustments",
            "items.tax_lines",
            "gift_cards",
            "discounts",
            "discounts.rule",
            "shipping_methods",
            "shipping_methods.tax_lines",
            "shipping_address",
            "region",
            "region.tax_rates",
        }
    ),
    fixed=CART_TOTALS,
    extra=frozenset({"customer"}),
    deep=frozenset({"items.variant.product", "items.variant.product.profiles"}),
)

ORDER = Shape(
    "Order",
    relations=frozenset(
        {
            "billing_address",
            "shipping_address",
            "items",
            "region",
            "discounts",
            "gift_cards",
            "payments",
            "shipping_methods",
            "fulfillments",
            "returns",
            "refunds",
            "claims",
            "swaps",
        }
    ),
    nested={
        "region": frozenset({"countries", "payment_providers", "tax_rates"}),
        "shipping_methods": frozenset({"shipping_option", "tax_lines"}),
        "items": frozenset({"variant", "adjustments", "tax_lines"}),
        "discounts": frozenset({"rule"}),
    },
    fixed=CART_TOTALS | {"refunded_total", "paid_total", "refundable_amount"},
    deep=frozenset({"items.variant.product", "fulfillments.tracking_links"}),
)

PRODUCT = Shape(
    "StoreProduct",
    relations=frozenset({"variants", "options", "images", "tags", "collection", "type", "profiles"}),
    nested={
        "variants": frozenset({"prices", "options"}),
        "options": frozenset({"values"}),
    },
)
