"""Logs, metrics and traces for every function, wired once (docs/operations.md, Metrics and traces).

Each function module makes one ``Observability`` at import, under its own environment, and wraps
its handler with ``handler``:

    observed = Observability()
    logger = observed.logger

    @observed.handler(correlation_id_path=correlation_paths.API_GATEWAY_REST)  # a face / the authorizer
    def lambda_handler(event, context): ...

- **Logger**: Powertools' JSON logger, service ``POWERTOOLS_SERVICE_NAME`` (per function in
  template.yaml), the Lambda context on every line, and the correlation id: API Gateway's request id
  for the faces and the authorizer (``correlation_id_path``); the workers set theirs per record.
- **Metrics**: CloudWatch EMF lines, namespace ``POWERTOOLS_METRICS_NAMESPACE`` (template Globals;
  ``DEFAULT_NAMESPACE`` without it), dimension ``service``; a ``ColdStart`` metric on an execution
  environment's first invocation; flushed after every invocation, also when it raises. Business
  metrics are counted where they happen, in the functions (``count``): the core stays pure.
- **Tracer**: Powertools' X-Ray tracer around the handler, when the X-Ray SDK is importable. The
  layer does not ship it (aws-xray-sdk pulls botocore into the layer: ~44 MB, and building a
  Tracer costs 0.3-0.4 s of cold start), so in AWS tracing is Lambda's own ``Tracing: Active``
  segment per invocation plus API Gateway's; adding ``aws-xray-sdk`` to the layer turns the
  handler and boto3 subsegments on with no code change. ``POWERTOOLS_TRACE_DISABLED=true``
  (the tests) or running outside Lambda disables it either way.

Metrics are per ``Observability`` (Powertools' ``EphemeralMetrics``), not the class-wide set of
``Metrics``: the local cloud runs every function in one interpreter, and a shared set would flush
one function's metrics under another's service.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from collections.abc import Callable
from typing import Any, TypeVar, cast

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.metrics.provider import cold_start

NAMESPACE_ENV = "POWERTOOLS_METRICS_NAMESPACE"
DEFAULT_NAMESPACE = "CartService"

Handler = TypeVar("Handler", bound=Callable[..., Any])


def _tracer(service: str | None) -> Any:
    """Powertools' Tracer when the X-Ray SDK is importable, else None (see the module's docstring)."""
    if importlib.util.find_spec("aws_xray_sdk") is None:
        return None
    from aws_lambda_powertools import Tracer

    return Tracer(service=service)


class Observability:
    """One function's logger, metrics and tracer."""

    def __init__(self, service: str | None = None) -> None:
        self.logger = Logger(service=service)
        self.service = self.logger.service
        self.metrics = EphemeralMetrics(namespace=os.getenv(NAMESPACE_ENV) or DEFAULT_NAMESPACE, service=self.service)
        self.tracer = _tracer(self.service)

    def count(self, name: str, value: int = 1) -> None:
        """A business metric (a Count), flushed with this invocation's metrics."""
        self.metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)

    def handler(self, correlation_id_path: str | None = None) -> Callable[[Handler], Handler]:
        """Wrap a Lambda handler: context and correlation id on every log line, metrics flushed
        (ColdStart included) after each invocation, the invocation traced when tracing is on."""

        def wrap(function: Handler) -> Handler:
            logged: Any = self.logger.inject_lambda_context(correlation_id_path=correlation_id_path)(function)

            @functools.wraps(function)
            def measured(event: Any, context: Any) -> Any:
                # Powertools' log_metrics, except that an invocation with no metric prints nothing and
                # warns nothing (most face invocations record none).
                try:
                    response = logged(event, context)
                    if cold_start.is_cold_start:
                        cold_start.is_cold_start = False
                        self.metrics.add_cold_start_metric(context)  # printed at once, as its own document
                finally:
                    self.flush()
                return response

            traced = self.tracer.capture_lambda_handler(measured) if self.tracer is not None else measured
            return cast(Handler, traced)  # the wrappers keep the handler's signature

        return wrap

    def flush(self) -> None:
        """Print this invocation's metrics as one EMF document, if it recorded any."""
        if self.metrics.metric_set:
            self.metrics.flush_metrics()
