"""Which store a request is for, and who is calling (docs/medusa.md, Tenancy).

Medusa's /store routes are public: no authorizer stands in front of them. The store (tenant and
location, Medusa's store and sales channel) is the API stage's: its stage variables ``tenantId`` and
``locationId`` (template.yaml, MedusaApi), so one deployment of the API serves one tenant's
storefront. A publishable API key (``x-publishable-api-key``), when a storefront sends one that the
tenant issued (``admin.create_medusa_publishable_key``), names its own store instead; an unknown key
is ignored as Medusa ignores it (it has no sales-channel scopes).

The actor: the signed-in customer (``session.customer_of``: the cookie or the Bearer JWT) reaches
their own carts and guest carts; a guest (``shopper``) reaches guest carts. A cart the actor does not
reach is answered as missing (404), as every face does.
"""

from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.event_handler.request import Request

from cart_core.actors import Actor, ActorKind
from cart_core.errors import NotFound
from cart_core.tenancy import Caller
from medusa_store import session
from medusa_store.errors import MedusaError

PUBLISHABLE_KEY_HEADER = "x-publishable-api-key"
PUBLISHABLE_KEY_SCHEME = "medusa_publishable"
STAGE_TENANT = "tenantId"
STAGE_LOCATION = "locationId"


def _header(headers: Mapping[str, Any], name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return str(value) if value is not None else None
    return None


def store_of(event: Mapping[str, Any]) -> tuple[str, str]:
    """(tenant, location) this request is for: the publishable key's store, else the stage's."""
    key = _header(event.get("headers") or {}, PUBLISHABLE_KEY_HEADER)
    if key and len(key) <= 256:
        found = _key_store(key)
        if found is not None:
            return found
    variables = event.get("stageVariables") or {}
    tenant, location = variables.get(STAGE_TENANT), variables.get(STAGE_LOCATION)
    if not tenant or not location:
        # A stage deployed without its store: nothing to serve (a deployment error, not the client's).
        raise NotFound("This API stage names no store (stage variables tenantId and locationId)")
    return str(tenant), str(location)


# A storefront sends the same key on every call: its store is remembered for a minute per process,
# sparing a read per request (a revoked key stops working within that minute). Bounded.
KEY_CACHE_SECONDS = 60.0
_KEY_CACHE_SIZE = 64
_keys: dict[str, tuple[float, tuple[str, str] | None]] = {}


def _key_store(key: str) -> tuple[str, str] | None:
    """The store (tenant, location) a publishable key names, or None for a key no tenant issued."""
    from cart_core import credentials  # hashlib only; a request without a key never needs it
    from cart_core.runtime import clock, store

    digest = credentials.digest(key)
    now = clock()()
    cached = _keys.get(digest)
    if cached is not None and cached[0] > now:
        return cached[1]
    record = store().get_credential(digest)
    found = None
    if record and record.get("scheme") == PUBLISHABLE_KEY_SCHEME:
        found = (str(record["tenant_id"]), str(record["location_id"]))
    if len(_keys) >= _KEY_CACHE_SIZE:
        _keys.clear()
    _keys[digest] = (now + KEY_CACHE_SECONDS, found)
    return found


def medusa_caller(request: Request) -> Caller:
    """The request's store and its actor: the signed-in customer, else a guest shopper."""
    event = request.resolved_event.raw_event
    tenant_id, location_id = store_of(event)
    customer_id = session.customer_of(event, tenant_id, location_id)
    actor = Actor(kind=ActorKind.CUSTOMER, id=customer_id) if customer_id else Actor(kind=ActorKind.SHOPPER)
    return Caller(tenant_id=tenant_id, location_id=location_id, actor=actor)


FIND_PARAMS = frozenset({"expand", "fields"})


def only_query(request: Request, allowed: frozenset[str] = FIND_PARAMS) -> None:
    """Medusa validates every cart route's query against ``FindParams {expand?, fields?}``
    (forbidNonWhitelisted): any other parameter is 400 "property X should not exist"."""
    for name in request.query_parameters or {}:
        if name not in allowed:
            raise MedusaError("invalid_data", f"property {name} should not exist")
