"""Runs template.yaml's functions in this process, the way Lambda would invoke them.

Invocations run concurrently, as on Lambda: each function has its own bounded number of execution
slots (its ``ReservedConcurrentExecutions``, else ``LOCAL_FUNCTION_CONCURRENCY``, default 10), so
a hanging function holds up nothing but its own callers. An invocation that outlives the function's
``Timeout`` fails with "Task timed out", as Lambda reports it.

Lambda runs one invocation at a time in an execution environment and adds environments for
concurrent calls. Module-level state relies on that: a Powertools resolver keeps the current request
on the module's ``app``, a ``BatchProcessor`` its records. So each concurrent invocation here gets an
execution environment of its own: the first is the function's normal import, each further one (made
on demand, kept for reuse, like a warm Lambda environment) a private copy of the function's package
modules (``blaze_cart.*`` …). The layer (``cart_core``) stays shared: its clients are thread-safe.
Powertools' event handler goes further and keeps the current request on its ``BaseRouter`` class,
process-wide, so two resolver-based invocations can never overlap in one interpreter, whichever
faces they belong to: those are serialised by one lock (a warm call takes milliseconds), while the
authorizer, the workers and any other handler run concurrently. Waiting for that lock is this
emulator's cost, not the function's (Lambda would run each request in an environment of its own), so
a function's ``Timeout`` counts from when its handler starts; the wait is bounded by the same
``Timeout`` (then "Rate Exceeded", a 502 at the gateway like any invocation error).

All functions share one interpreter, so ``os.environ`` cannot be swapped around an invocation while
others run. Instead :class:`FunctionEnviron` replaces ``os.environ`` once: on a thread that is
running a function it answers from that function's variables first, then from the process's own.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import threading
import time
import uuid
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from local.template import FunctionSpec, Template, resolve

REGION = "us-east-1"
ACCOUNT = "123456789012"
DEFAULT_CONCURRENCY = 10

log = logging.getLogger("local.runtime")


class FunctionTimeout(Exception):
    """The invocation ran past the function's timeout (the function's thread is abandoned)."""


class FunctionThrottled(Exception):
    """Every execution slot of the function stayed busy for as long as the function's timeout."""


class FunctionEnviron(MutableMapping[str, str]):
    """``os.environ`` with a per-thread overlay: the variables of the function the thread is running.

    Outside an invocation it is the process environment (reads and writes go straight to it). Inside
    one, the function's variables shadow the process's, and what the function writes stays in its
    invocation's overlay.
    """

    def __init__(self, process: MutableMapping[str, str]) -> None:
        self.process = process
        self._local = threading.local()

    @property
    def overlay(self) -> dict[str, str] | None:
        return getattr(self._local, "overlay", None)

    @contextmanager
    def using(self, overlay: dict[str, str]) -> Iterator[None]:
        previous = self.overlay
        self._local.overlay = overlay
        try:
            yield
        finally:
            self._local.overlay = previous

    def __getitem__(self, key: str) -> str:
        overlay = self.overlay
        if overlay is not None and key in overlay:
            return overlay[key]
        return self.process[key]

    def __setitem__(self, key: str, value: str) -> None:
        overlay = self.overlay
        if overlay is not None:
            overlay[key] = value
        else:
            self.process[key] = value

    def __delitem__(self, key: str) -> None:
        overlay = self.overlay
        if overlay is not None and key in overlay:
            del overlay[key]
        else:
            del self.process[key]

    def __iter__(self) -> Iterator[str]:
        overlay = self.overlay or {}
        yield from overlay
        yield from (key for key in self.process if key not in overlay)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def copy(self) -> dict[str, str]:
        return dict(self)

    def __repr__(self) -> str:
        return f"FunctionEnviron({dict(self)!r})"


def function_environ() -> FunctionEnviron:
    """Install :class:`FunctionEnviron` as ``os.environ`` (once per process) and return it."""
    if not isinstance(os.environ, FunctionEnviron):
        # Replacing, not clearing, is the point: os.getenv and every later os.environ read see the overlay.
        os.environ = FunctionEnviron(os.environ)  # type: ignore[assignment]  # noqa: B003
    return os.environ  # type: ignore[return-value]


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
        self._environ = function_environ()
        self._import_lock = threading.Lock()
        self._handlers: dict[str, Any] = {}
        self._idle_environments: dict[str, list[Any]] = {}
        self._resolver_lock = threading.Lock()
        self._uses_resolver: dict[str, bool] = {}
        self._environment_count: dict[str, int] = {}
        self._slots_by_function: dict[str, threading.BoundedSemaphore] = {}
        self._slots_lock = threading.Lock()
        for path in [*template.layer_paths(), *{spec.code_uri for spec in self.specs.values()}]:
            if str(path) not in sys.path:
                sys.path.insert(0, str(path))

    def environment(self, spec: FunctionSpec) -> dict[str, str]:
        """The function's variables from the template. One taken from a template parameter can be
        overridden by setting the same variable in the local cloud's own environment."""
        env = {}
        process = self._environ.process
        for name, value in spec.environment.items():
            from_parameter = isinstance(value, dict) and value.get("Ref") in self._parameters
            if from_parameter and process.get(name) is not None:
                env[name] = process[name]
            else:
                env[name] = str(resolve(value, self.names, self._parameters))
        return env

    def concurrency(self, logical_id: str) -> int:
        reserved = self.specs[logical_id].reserved_concurrency
        default = int(self._environ.process.get("LOCAL_FUNCTION_CONCURRENCY", DEFAULT_CONCURRENCY))
        return reserved if reserved else default

    @contextmanager
    def _function_environment(self, spec: FunctionSpec) -> Iterator[None]:
        overlay = {**self.environment(spec), "AWS_LAMBDA_FUNCTION_NAME": self.names[spec.logical_id]}
        with self._environ.using(overlay):
            yield

    def handler(self, logical_id: str) -> Any:
        """The function's handler, its module imported once, under the function's own environment."""
        handler = self._handlers.get(logical_id)
        if handler is None:
            with self._import_lock:
                handler = self._handlers.get(logical_id)
                if handler is None:
                    spec = self.specs[logical_id]
                    module_name, function_name = spec.handler.rsplit(".", 1)
                    with self._function_environment(spec):
                        handler = getattr(importlib.import_module(module_name), function_name)
                    self._handlers[logical_id] = handler
        return handler

    def _take_environment(self, logical_id: str) -> Any:
        """An idle execution environment's handler, or a new environment's (a cold start)."""
        with self._slots_lock:
            idle = self._idle_environments.setdefault(logical_id, [])
            if idle:
                return idle.pop()
            created = self._environment_count.get(logical_id, 0)
            self._environment_count[logical_id] = created + 1
        return self.handler(logical_id) if created == 0 else self._private_import(logical_id)

    def uses_resolver(self, logical_id: str) -> bool:
        """Whether the function's module holds a Powertools resolver (see the module docstring)."""
        if logical_id not in self._uses_resolver:
            from aws_lambda_powertools.event_handler.api_gateway import BaseRouter

            module = sys.modules[self.handler(logical_id).__module__]
            self._uses_resolver[logical_id] = any(isinstance(v, BaseRouter) for v in vars(module).values())
        return self._uses_resolver[logical_id]

    def _return_environment(self, logical_id: str, handler: Any) -> None:
        with self._slots_lock:
            self._idle_environments[logical_id].append(handler)

    def _private_import(self, logical_id: str) -> Any:
        """The handler imported again into modules of its own, leaving sys.modules as it was."""
        spec = self.specs[logical_id]
        module_name, function_name = spec.handler.rsplit(".", 1)
        package = module_name.split(".")[0]

        def owned() -> dict[str, Any]:
            return {name: m for name, m in sys.modules.items() if name == package or name.startswith(f"{package}.")}

        with self._import_lock:
            shared = owned()
            for name in shared:
                del sys.modules[name]
            try:
                with self._function_environment(spec):
                    return getattr(importlib.import_module(module_name), function_name)
            finally:
                for name in owned():
                    del sys.modules[name]
                sys.modules.update(shared)

    def _slots(self, logical_id: str) -> threading.BoundedSemaphore:
        with self._slots_lock:
            if logical_id not in self._slots_by_function:
                self._slots_by_function[logical_id] = threading.BoundedSemaphore(self.concurrency(logical_id))
            return self._slots_by_function[logical_id]

    def invoke(self, logical_id: str, event: dict[str, Any]) -> Any:
        """Invoke synchronously and return the handler's result, or raise its error.

        Waits for one of the function's execution slots (at most the function's timeout, then
        :class:`FunctionThrottled`), runs the handler on its own thread and waits at most the
        timeout for it (then :class:`FunctionTimeout`). A timed-out handler cannot be killed inside
        one process: it keeps its slot until it returns, which is what bounds a hanging function.
        Its thread is a daemon, so it never keeps the local cloud from exiting.
        """
        spec = self.specs[logical_id]
        slots = self._slots(logical_id)
        if not slots.acquire(timeout=spec.timeout):
            raise FunctionThrottled(f"Rate Exceeded: {self.concurrency(logical_id)} invocations of {logical_id} busy")
        serialised = self._resolver_lock if self.uses_resolver(logical_id) else None
        context = self._context(spec)
        started, done = threading.Event(), threading.Event()
        outcome: dict[str, Any] = {}

        def run() -> None:
            # The faces' lock is this emulator's, not Lambda's (which gives each concurrent request
            # its own environment): the time spent waiting for it is not the function's, so the
            # timeout starts once the handler does. The wait itself is bounded the same way.
            locked = False
            try:
                if serialised is not None:
                    locked = serialised.acquire(timeout=spec.timeout)
                    if not locked:
                        raise FunctionThrottled(f"Rate Exceeded: the API faces stayed busy for {spec.timeout} s")
                started.set()
                handler = self._take_environment(logical_id)
                try:
                    with self._function_environment(spec):
                        outcome["result"] = handler(event, context)
                finally:
                    self._return_environment(logical_id, handler)
            except BaseException as error:  # handed to the caller, as Lambda returns a function error
                outcome["error"] = error
            finally:
                if locked:
                    assert serialised is not None
                    serialised.release()
                slots.release()
                started.set()
                done.set()

        threading.Thread(target=run, daemon=True, name=f"fn-{logical_id}-{context.aws_request_id[:8]}").start()
        started.wait()  # set within the timeout: the lock is waited for at most that long
        if not done.wait(spec.timeout):
            log.error("%s Task timed out after %.2f seconds", context.aws_request_id, spec.timeout)
            raise FunctionTimeout(f"Task timed out after {spec.timeout:.2f} seconds")
        if "error" in outcome:
            raise outcome["error"]
        return outcome["result"]

    def _context(self, spec: FunctionSpec) -> LambdaContext:
        name = self.names[spec.logical_id]
        return LambdaContext(
            function_name=name,
            memory_limit_in_mb=spec.memory,
            timeout_seconds=spec.timeout,
            aws_request_id=str(uuid.uuid4()),
            invoked_function_arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}",
        )
