"""Medusa's ``Idempotency-Key`` (medusa-v1.md §0.4) on line-items add, payment-sessions, taxes and
complete: the first request with a key records its answer; the same key on the same request replays
it; the same key on another request (another route, cart or body), or while the first is still
running, is Medusa's 409 ``conflict``.

Built on Powertools Idempotency with the service's record store (cart_core.idempotency: records in
the cart table under ``IDEMPOTENCY#MedusaStoreFunction``, expiring through its TTL). A key is scoped
to its store (tenant): two tenants' storefronts never share one. Unlike Medusa, a request without the
header is not recorded (medusa-js sends one only with ``maxRetries > 0``): the storefront's hot calls
then cost no extra writes. Imported by those four routes only when a key is sent.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)

from cart_core import idempotency
from cart_core.tenancy import Caller
from medusa_store.errors import respond

HEADER = "Idempotency-Key"
MAX_KEY_BYTES = 256
RECORD_SECONDS = 24 * 3600


@cache
def _persistence() -> Any:
    return idempotency.persistence("MedusaStoreFunction")


@cache
def _config() -> IdempotencyConfig:
    return IdempotencyConfig(
        event_key_jmespath="key", payload_validation_jmespath="request", expires_after_seconds=RECORD_SECONDS
    )


def recorded(
    key: str, caller: Caller, method: str, path: str, body: Any, run: Callable[[], Any], lambda_context: Any = None
) -> Response[dict[str, Any]]:
    """``run()``'s answer under ``key``: computed and recorded once, replayed after. The Lambda
    context bounds how long a record stays "in progress" (a crashed request's key frees then)."""
    if lambda_context is not None and hasattr(lambda_context, "get_remaining_time_in_millis"):
        _config().register_lambda_context(lambda_context)
    request = hashlib.sha256(json.dumps([method, path, body], sort_keys=True, default=str).encode()).hexdigest()
    # Scoped to the caller as well as the tenant: a replay answers without running the route's access
    # check, so another caller sending the same key must get a record of its own (and the check).
    who = caller.actor.owner_id or "guest"
    call = {"key": f"{caller.tenant_id}#{who}#{key}", "request": request}

    @idempotent_function(data_keyword_argument="call", persistence_store=_persistence(), config=_config())
    def answer(call: dict[str, Any]) -> Any:
        return run()

    headers = {HEADER: key, "Access-Control-Expose-Headers": HEADER}
    try:
        body_out = answer(call=call)
    except (IdempotencyValidationError, IdempotencyAlreadyInProgressError):
        refused = respond("conflict", "conflict")
        refused.headers.update(headers)
        return refused
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=body_out, headers=headers)
