"""Runs template.yaml's functions in this process, the way Lambda would invoke them.

All functions share one interpreter (no containers here), so invocations are serialised and each
one runs with its own function's environment variables, as resolved from the template.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from local.template import FunctionSpec, Template, resolve

REGION = "us-east-1"
ACCOUNT = "123456789012"


@dataclass
class LambdaContext:
    function_name: str
    memory_limit_in_mb: int
    timeout_seconds: int
    aws_request_id: str
    invoked_function_arn: str
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = ""

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class FunctionRuntime:
    def __init__(self, template: Template, physical_names: dict[str, str]) -> None:
        self.template = template
        self.names = physical_names
        self.specs = template.functions()
        self._parameters = template.parameter_defaults()
        self._lock = threading.RLock()
        self._handlers: dict[str, Any] = {}
        for path in [*template.layer_paths(), *{spec.code_uri for spec in self.specs.values()}]:
            if str(path) not in sys.path:
                sys.path.insert(0, str(path))

    def environment(self, spec: FunctionSpec) -> dict[str, str]:
        """The function's variables from the template. One taken from a template parameter can be
        overridden by setting the same variable in the local cloud's own environment."""
        env = {}
        for name, value in spec.environment.items():
            from_parameter = isinstance(value, dict) and value.get("Ref") in self._parameters
            if from_parameter and os.environ.get(name) is not None:
                env[name] = os.environ[name]
            else:
                env[name] = str(resolve(value, self.names, self._parameters))
        return env

    @contextmanager
    def _function_environment(self, spec: FunctionSpec) -> Iterator[None]:
        env = {**self.environment(spec), "AWS_LAMBDA_FUNCTION_NAME": self.names[spec.logical_id]}
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            yield
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v

    def handler(self, logical_id: str) -> Any:
        if logical_id not in self._handlers:
            spec = self.specs[logical_id]
            module_name, function_name = spec.handler.rsplit(".", 1)
            with self._function_environment(spec):
                self._handlers[logical_id] = getattr(importlib.import_module(module_name), function_name)
        return self._handlers[logical_id]

    def invoke(self, logical_id: str, event: dict[str, Any]) -> Any:
        spec = self.specs[logical_id]
        name = self.names[logical_id]
        context = LambdaContext(
            function_name=name,
            memory_limit_in_mb=spec.memory,
            timeout_seconds=spec.timeout,
            aws_request_id=str(uuid.uuid4()),
            invoked_function_arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}",
        )
        with self._lock:
            handler = self.handler(logical_id)
            with self._function_environment(spec):
                return handler(event, context)
