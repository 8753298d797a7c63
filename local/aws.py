"""The AWS emulator: moto's server, with its DynamoDB made atomic.

moto's DynamoDB backend is not safe under concurrent requests: a conditional write checks, then
writes, with other request threads free to run in between, so two version-checked writes can both
succeed and one acknowledged update is lost; a transaction snapshots and restores whole tables,
silently undoing writes that ran beside it. DynamoDB itself is atomic per item and per transaction,
and the service's tests of contention only mean something if the emulator is too. So every
DynamoDB and DynamoDB Streams request (and moto's own reset) runs under one lock. SQS is left
alone: a long-poll ``ReceiveMessage`` waits for up to 20 s and must not hold anyone else up.

It also gives EventBridge targets the whole event envelope AWS sends (see :func:`complete_event_envelope`).
"""

from __future__ import annotations

import contextlib
import logging
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

SERIALISED_TARGETS = ("DynamoDB_20120810.", "DynamoDBStreams_20120810.")

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def serialise_dynamodb(app: Wsgi, lock: threading.Lock | None = None) -> Wsgi:
    """WSGI middleware: DynamoDB, Streams and ``/moto-api/`` requests run one at a time."""
    lock = lock or threading.Lock()

    def serialised(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if not (target.startswith(SERIALISED_TARGETS) or environ.get("PATH_INFO", "").startswith("/moto-api/")):
            return app(environ, start_response)
        with lock:
            # The whole response is produced under the lock: moto does its work while building it.
            result = app(environ, start_response)
            try:
                return [b"".join(result)]
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()

    return serialised


def list_moto_modules_once() -> None:
    """moto's server lists its own package directory (a listdir and a stat per entry, ~60) twice for
    every request to find the service a host names; the list never changes while it runs, so it is
    taken once (~0.3 ms of each emulated call, which every local figure would otherwise include)."""
    from moto import backends

    listed = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: listed


def complete_event_envelope() -> None:
    """moto 5.2.5 hands an SQS target the event without its ``account`` key (its default target
    template leaves it out, though its path map reads it). AWS always sends it, and the workers'
    Parser model (EventBridgeModel) requires it, so the emulator's template gets it back."""
    from moto.events.utils import EventTemplateParser

    template = EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE
    if '"account"' not in template:
        EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE = template.replace(
            '"source": "<source>",', '"source": "<source>", "account": "<account>",'
        )


class AwsEmulator:
    """moto's server on a loopback port, with :func:`serialise_dynamodb` in front of it.

    The same pieces ``moto.server.ThreadedMotoServer`` assembles (its backend dispatcher and request
    handler in werkzeug's threaded server), with the middleware added.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host, self.port = host, port
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> AwsEmulator:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
        from werkzeug.serving import make_server

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        complete_event_envelope()
        list_moto_modules_once()
        app = serialise_dynamodb(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(self.host, self.port, app, threaded=True, request_handler=MotoRequestHandler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="aws-emulator")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()


class AwsEmulatorProcess:
    """:class:`AwsEmulator` in a child process (``python -m local.aws PORT``), so moto's work runs on
    another core than the functions' instead of sharing this interpreter's GIL with them."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host, self.port = host, port
        self._process: subprocess.Popen[str] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 30) -> AwsEmulatorProcess:
        self._process = subprocess.Popen(  # noqa: S603 - this interpreter running this module
            [sys.executable, "-m", "local.aws", self.host, str(self.port)],
            stdin=subprocess.PIPE,  # the child exits when this pipe closes: when this process ends, however
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        ready = self._process.stdout.readline()  # the child prints its port once it is listening
        if not ready.strip().isdigit():
            self.stop()
            raise RuntimeError(f"the AWS emulator did not start: {ready!r}")
        self.port = int(ready)
        return self

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=10)
        for pipe in (self._process.stdin, self._process.stdout) if self._process else ():
            if pipe is not None:
                pipe.close()


def main() -> None:
    """Serve until standard input closes (the parent ended or let go) or Ctrl-C."""
    host, port = sys.argv[1], int(sys.argv[2])
    emulator = AwsEmulator(host, port).start()
    print(emulator.port, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        sys.stdin.read()
    emulator.stop()


if __name__ == "__main__":
    main()
