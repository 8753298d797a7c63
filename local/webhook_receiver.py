"""A webhook endpoint on this machine, for whatever needs a POS to deliver to: `make invoke`'s
webhook sample, `make fuzz`'s seeded subscriptions and the tests.

It listens on loopback (an ephemeral port, plain http: only allowed with
ALLOW_LOOPBACK_WEBHOOK_URLS), records every request and answers each with ``status``, adding a
``Location`` header when ``location`` is given (to play a redirecting receiver).
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAX_BODY_BYTES = 1 << 20  # far above any webhook body the service sends (a cart is at most 350 kB)


class WebhookReceiver:
    def __init__(self, status: int = 200, location: str | None = None, path: str = "/hooks") -> None:
        self.status, self.location = status, location
        self.received: list[tuple[dict[str, str], bytes]] = []  # (headers, body) in arrival order
        self.methods: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                try:  # a test tool still refuses what it cannot hold: a bad or huge length reads nothing
                    length = int(self.headers.get("Content-Length") or 0)
                except ValueError:
                    length = -1
                body = self.rfile.read(length) if 0 <= length <= MAX_BODY_BYTES else b""
                receiver.methods.append(self.command)
                receiver.received.append((dict(self.headers.items()), body))
                self.send_response(receiver.status)
                if receiver.location is not None:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_POST = do_GET = do_PUT = _any

            def log_message(self, *args: Any) -> None:  # quiet: callers report what arrived
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}{path}"
        threading.Thread(target=self._server.serve_forever, daemon=True, name="webhook-receiver").start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
