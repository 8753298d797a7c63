"""The authorizer's logs and its one metric, on the standard library alone.

Every face's request waits for the authorizer's cold start before its own (ReauthorizeEvery: 0), and
importing Powertools' Logger and Metrics cost ~30 ms of it (issue #9: at most 1.2x a bare boto3
function). So this writes what ``cart_core.observability`` writes, in the same shapes, without them:

- log lines: Powertools Logger's JSON keys (``level``, ``location``, ``message``, ``timestamp``,
  ``service``, ``cold_start``, ``function_name``, ``function_memory_size``, ``function_arn``,
  ``function_request_id``, ``correlation_id``, then ``extra``, then ``xray_trace_id``), on the logger named
  after the service (``POWERTOOLS_SERVICE_NAME``), level ``POWERTOOLS_LOG_LEVEL``;
- the ``ColdStart`` metric on an execution environment's first invocation, as the CloudWatch EMF
  document Powertools' ``add_cold_start_metric`` prints (namespace ``POWERTOOLS_METRICS_NAMESPACE``,
  dimensions ``function_name`` and ``service``). The authorizer records no other metric.

And one cold-start saving Powertools does not offer: in the function's own process (``pause_gc``),
the cyclic garbage collector waits until the first invocation has answered. Importing boto3 and
building its client allocate ~60 000 long-lived objects, and the full collections that triggers scan
them all for nothing (~15-20 ms each, measured here); after the first invocation the collector runs
again, with what init built frozen (``gc.freeze``) so later full collections skip it.

tests/unit/test_authorizer_telemetry.py holds these equal to Powertools' own output.
"""

from __future__ import annotations

import functools
import gc
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

Handler = TypeVar("Handler", bound=Callable[..., Any])

DEFAULT_NAMESPACE = "CartService"  # cart_core.observability's, when the template sets none
SHARED_HANDLER = "authorizer_telemetry"  # marks the handler Telemetry put on its service's logger
# LogRecord's own attributes: anything else on a record came from ``extra`` and is logged as a key.
_RECORD_KEYS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line, keys in Powertools Logger's order."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service
        # The invocation's keys, set by ``Telemetry.handler``; per thread, as the local cloud runs
        # concurrent invocations of one function in one process.
        self._invocation = threading.local()

    @property
    def context(self) -> dict[str, Any]:
        return getattr(self._invocation, "keys", {})

    @context.setter
    def context(self, keys: dict[str, Any]) -> None:
        self._invocation.keys = keys

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "level": record.levelname,
            "location": f"{record.funcName}:{record.lineno}",
            "message": record.getMessage(),
            "timestamp": _timestamp(record.created),
            "service": self.service,
            **self.context,
        }
        line.update((k, v) for k, v in vars(record).items() if k not in _RECORD_KEYS)
        trace = _xray_trace_id()
        if trace:
            line["xray_trace_id"] = trace
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
            line["exception_name"] = record.exc_info[0].__name__ if record.exc_info[0] else ""
        return json.dumps(line, default=str, separators=(",", ":"))


def _timestamp(created: float) -> str:
    """Powertools' format: ``2026-11-23 15:40:17,269+0000`` (UTC on Lambda)."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(created)) + f",{int(created * 1000) % 1000:03d}+0000"


def _xray_trace_id() -> str | None:
    """The Root of Lambda's ``_X_AMZN_TRACE_ID`` (set per invocation when tracing is active)."""
    for part in os.environ.get("_X_AMZN_TRACE_ID", "").split(";"):
        name, _, value = part.partition("=")
        if name == "Root":
            return value
    return None


class Telemetry:
    """The authorizer's logger and its ColdStart metric; ``handler`` wraps the Lambda handler."""

    def __init__(self, pause_gc: bool = False) -> None:
        self.gc_paused = pause_gc and gc.isenabled()
        if self.gc_paused:
            gc.disable()
        self.service = os.environ.get("POWERTOOLS_SERVICE_NAME") or "service_undefined"
        self.namespace = os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or DEFAULT_NAMESPACE
        self.logger = logging.getLogger(self.service)
        self.logger.setLevel(os.environ.get("POWERTOOLS_LOG_LEVEL", "INFO").upper())
        self.logger.propagate = False  # Lambda's root handler would print each line a second time
        # The local cloud imports a function again for each concurrent execution environment: those
        # copies share the std logger, so they share its one handler and formatter (whose keys are
        # per thread), as Powertools' Loggers of one service do.
        shared = next((h for h in self.logger.handlers if getattr(h, SHARED_HANDLER, False)), None)
        if shared is not None:
            self.formatter = cast(JsonFormatter, shared.formatter)
        else:
            self.formatter = JsonFormatter(self.service)
            handler = logging.StreamHandler(sys.stdout)
            handler.setFormatter(self.formatter)
            setattr(handler, SHARED_HANDLER, True)
            self.logger.addHandler(handler)
        self.cold_start = True  # until the first invocation

    def renew(self) -> None:
        """After a SnapStart restore (cart_core.snapstart): the restored copy has not been invoked yet."""
        self.cold_start = True

    def handler(self, function: Handler) -> Handler:
        """Context and correlation id (API Gateway's request id) on every line of the invocation, and
        the ColdStart metric first when this environment has not been invoked yet."""

        @functools.wraps(function)
        def observed(event: Any, context: Any) -> Any:
            cold, self.cold_start = self.cold_start, False
            if cold:
                self.print_cold_start_metric(context.function_name)
            request_context = event.get("requestContext") if isinstance(event, dict) else None
            self.formatter.context = {
                "cold_start": cold,
                "function_name": context.function_name,
                "function_memory_size": int(context.memory_limit_in_mb),
                "function_arn": context.invoked_function_arn,
                "function_request_id": context.aws_request_id,
                "correlation_id": (request_context or {}).get("requestId"),
            }
            try:
                return function(event, context)
            finally:
                self.formatter.context = {}
                if self.gc_paused:
                    self.gc_paused = False
                    gc.freeze()
                    gc.enable()

        return observed  # type: ignore[return-value]  # the wrapper keeps the handler's signature

    def print_cold_start_metric(self, function_name: str) -> None:
        document = {
            "_aws": {
                "Timestamp": int(time.time() * 1000),
                "CloudWatchMetrics": [
                    {
                        "Namespace": self.namespace,
                        "Dimensions": [["function_name", "service"]],
                        "Metrics": [{"Name": "ColdStart", "Unit": "Count"}],
                    }
                ],
            },
            "function_name": function_name,
            "service": self.service,
            "ColdStart": [1.0],
        }
        print(json.dumps(document, separators=(",", ":")), flush=True)
