"""boto3 clients for the adapters: bounded timeouts and retries, and one place where throttling and
outages become ``ServiceUnavailable`` (which every face answers with 503 + Retry-After).

The budget: a Lambda has 10 s. Two attempts with a 1 s connect and 3 s read timeout, plus the
standard mode's jittered back-off (under 1 s before the second attempt), end a call to an unreachable
or hanging endpoint within about 7 s, so the function can still answer instead of timing out.

The clients are botocore's, made on one botocore session per process (``session``), not through
boto3: the adapters use clients only (no resources, no transfer manager), and importing boto3 also
imports s3transfer and builds boto3's own session around botocore's, ~18 ms of every cold start
(docs/performance.md, Cold start). The client is the same object ``boto3.client`` returns.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import botocore.session
from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from cart_core.errors import ServiceUnavailable

CLIENT_CONFIG = Config(
    connect_timeout=1,
    read_timeout=3,
    retries={"mode": "standard", "max_attempts": 2},
)

# Answered by AWS when we send too much: the client should come back in a second.
THROTTLING_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
        "RequestLimitExceeded",
        "TooManyRequestsException",
    }
)
# Answered when the service itself is in trouble.
OUTAGE_CODES = frozenset({"InternalServerError", "InternalFailure", "ServiceUnavailable", "InternalError"})
# Reasons inside a TransactionCanceledException that are throttling, not a condition we lost.
THROTTLING_REASONS = frozenset({"ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"})
UNREACHABLE = (EndpointConnectionError, ConnectionClosedError, ConnectTimeoutError, ReadTimeoutError)

THROTTLED_RETRY_AFTER_SECONDS = 1
OUTAGE_RETRY_AFTER_SECONDS = 5


def unavailable(error: Exception) -> ServiceUnavailable | None:
    """The ``ServiceUnavailable`` an AWS error amounts to, or None when it is the caller's problem
    (a condition that failed, a validation error, a missing resource)."""
    if isinstance(error, UNREACHABLE):
        return ServiceUnavailable(retry_after=OUTAGE_RETRY_AFTER_SECONDS)
    if not isinstance(error, ClientError):
        return None
    code = error.response.get("Error", {}).get("Code", "")
    if code in THROTTLING_CODES:
        return ServiceUnavailable(retry_after=THROTTLED_RETRY_AFTER_SECONDS)
    if code in OUTAGE_CODES:
        return ServiceUnavailable(retry_after=OUTAGE_RETRY_AFTER_SECONDS)
    if code == "TransactionCanceledException":
        reasons = {r.get("Code") for r in error.response.get("CancellationReasons", [])} - {None, "None"}
        if reasons and reasons <= THROTTLING_REASONS:
            return ServiceUnavailable(retry_after=THROTTLED_RETRY_AFTER_SECONDS)
    return None


class OutageTranslatingClient:
    """A boto3 client whose API calls raise ``ServiceUnavailable`` for throttling and outages.

    Everything else (``meta``, ``exceptions``, paginators, other errors) is the wrapped client's, so
    event hooks and botocore's Stubber attach to ``client.meta.events`` as usual.
    """

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        return _translating(attribute) if callable(attribute) and not name.startswith("_") else attribute


def _translating(call: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(call)
    def translated(*args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        except Exception as error:
            replacement = unavailable(error)
            if replacement is None:
                raise
            raise replacement from error

    return translated


_session: botocore.session.Session | None = None


def session() -> botocore.session.Session:
    """The process's botocore session, made on first use (credentials from the usual chain, read when
    a client first signs a request); every client of the process is made on it."""
    global _session
    if _session is None:
        _session = botocore.session.get_session()
    return _session


def renew_session() -> None:
    """A new session (no credentials, no connections yet) keeping the old one's data loader (parsed
    service models and endpoint rules, no secrets), so clients made after it cost little to rebuild;
    nothing when no session was made yet. SnapStart's after-restore hook (cart_core.snapstart)."""
    global _session
    if _session is None:
        return
    fresh = botocore.session.get_session()
    fresh.register_component("data_loader", _session.get_component("data_loader"))
    _session = fresh


def new_client(service_name: str) -> Any:
    return session().create_client(service_name, config=CLIENT_CONFIG)


def bare_client(service_name: str) -> Any:
    """A client with the bounded config, without the outage translation, for a library that handles
    botocore's errors itself (Powertools' idempotency layer). Made on the process's session, as
    ``aws_client``'s are: a library left to build its own makes a second session, which loads the
    service model and endpoint rules again (~45 ms of a worker's cold start)."""
    return new_client(service_name)


def aws_client(service_name: str, client: Any = None) -> Any:
    """``client`` (or a new one for ``service_name`` with the bounded config), translating outages."""
    if isinstance(client, OutageTranslatingClient):
        return client
    return OutageTranslatingClient(client or new_client(service_name))
