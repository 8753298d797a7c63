"""Medusa's ``Idempotency-Key`` (medusa-v1.md §0.4) on line-items add, payment-sessions, taxes and
complete: the first request with a key records its answer; the same key on the same request replays
it; the same key on another request (another route, cart or body), or while the first is still
running, is Medusa's 409 ``conflict``.

Built on Powertools Idempotency with the service's record store (cart_core.idempotency: records in
the cart table under ``IDEMPOTENCY#MedusaStoreFunction``, expiring through its TTL). A key is scoped
to its store (tenant) and caller: two storefronts, or a guest and a customer, never share one.

A request without the header gets a key minted here (a uuid4, as Medusa's ``initializeRequest``),
answered in the header and recorded with the answer once the work is done (``minted``): a client
that retries with it (after a lost answer, or Medusa's 409 "You may retry the request with the
provided Idempotency-Key") gets the recorded answer. That record is one conditional PutItem
(``RecordStore.save_new_success``), not Powertools' two writes: nobody else can hold a key minted
after the work, so there is nothing to mark in progress.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
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
from cart_core.errors import ServiceUnavailable
from cart_core.tenancy import Caller
from medusa_store.errors import respond

HEADER = "Idempotency-Key"
MAX_KEY_BYTES = 256
RECORD_SECONDS = 24 * 3600
# The name Powertools gives the records of ``recorded``'s function (its module and qualified name):
# a minted key's record must be found under it when the client sends that key back.
RECORDS_OF = "medusa_store.idempotency.recorded.<locals>.answer"

logger = logging.getLogger(__name__)


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
    call = _call(key, caller, method, path, body)

    @idempotent_function(data_keyword_argument="call", persistence_store=_persistence(), config=_config())
    def answer(call: dict[str, Any]) -> Any:
        return run()

    try:
        body_out = answer(call=call)
    except (IdempotencyValidationError, IdempotencyAlreadyInProgressError):
        refused = respond("conflict", "conflict")
        refused.headers.update(_headers(key))
        return refused
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=body_out, headers=_headers(key))


def minted(caller: Caller, method: str, path: str, body: Any, run: Callable[[], Any]) -> Response[dict[str, Any]]:
    """``run()``'s answer under a key minted for this request (it sent none), recorded after the
    work so that key replays it. A failed request records nothing (its key would run it again, as a
    Medusa key left at ``started`` does) and its error carries no key. A record that cannot be
    written leaves the answer without the header: the work is done, and no client may hold a key
    that replays nothing."""
    answer = run()
    key = str(uuid.uuid4())
    persistence = _persistence()
    persistence.configure(_config(), function_name=RECORDS_OF)
    try:
        persistence.save_new_success(_call(key, caller, method, path, body), answer)
    except ServiceUnavailable:  # a done change must not become an error the client retries
        logger.warning("The minted Idempotency-Key could not be recorded; answered without it", exc_info=True)
        return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=answer)
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=answer, headers=_headers(key))


def _call(key: str, caller: Caller, method: str, path: str, body: Any) -> dict[str, str]:
    """What a record is keyed and checked by: the key, scoped to the tenant and the caller (a replay
    answers without running the route's access check, so another caller sending the same key must
    get a record of its own, and the check), and the request it answered (method, path, body)."""
    request = hashlib.sha256(json.dumps([method, path, body], sort_keys=True, default=str).encode()).hexdigest()
    who = caller.actor.owner_id or "guest"
    return {"key": f"{caller.tenant_id}#{who}#{key}", "request": request}


def _headers(key: str) -> dict[str, str]:
    return {HEADER: key, "Access-Control-Expose-Headers": HEADER}
