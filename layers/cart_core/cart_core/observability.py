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
- **Tracer**: Powertools' X-Ray tracer around the handler, only when tracing is actually on
  (``tracing_on``): ``POWERTOOLS_TRACE_DISABLED`` is not true, the function runs on Lambda
  (``AWS_LAMBDA_FUNCTION_NAME``) with active tracing (Lambda sets ``AWS_XRAY_DAEMON_ADDRESS`` for
  ``Tracing: Active``), not under ``sam local`` (``AWS_SAM_LOCAL``), and the X-Ray SDK is
  importable. Otherwise neither the SDK nor Powertools' Tracer is imported: building a Tracer
  imports ``aws_xray_sdk`` even when it then disables itself, ~0.1 s of every cold start
  (docs/architecture.md, Import discipline). The layer does not ship the SDK (it pulls botocore
  into the layer: ~44 MB), so in AWS tracing is Lambda's own ``Tracing: Active`` segment per
  invocation plus API Gateway's; adding ``aws-xray-sdk`` to the layer turns the handler and boto3
  subsegments on with no code change.

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

from aws_lambda_powertools.logging.logger import Logger
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.metrics.provider import cold_start

NAMESPACE_ENV = "POWERTOOLS_METRICS_NAMESPACE"
DEFAULT_NAMESPACE = "CartService"

Handler = TypeVar("Handler", bound=Callable[..., Any])


TRUE_VALUES = frozenset({"1", "y", "yes", "t", "true", "on"})  # Powertools' own truthy values


def tracing_on() -> bool:
    """Whether this process traces (see the module's docstring): decided from the environment alone,
    so that deciding costs no import."""
    if os.getenv("POWERTOOLS_TRACE_DISABLED", "false").strip().lower() in TRUE_VALUES:
        return False
    if os.getenv("AWS_SAM_LOCAL") or not os.getenv("AWS_LAMBDA_FUNCTION_NAME"):
        return False
    return bool(os.getenv("AWS_XRAY_DAEMON_ADDRESS")) and importlib.util.find_spec("aws_xray_sdk") is not None


def _tracer(service: str | None) -> Any:
    """Powertools' Tracer when tracing is on, else None, and then nothing of X-Ray is imported."""
    if not tracing_on():
        return None
    from aws_lambda_powertools.tracing import Tracer

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
