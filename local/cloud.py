"""``make local``: the whole service on http://127.0.0.1:3000 without Docker.

AWS services come from moto's server on a loopback port; tables are created from template.yaml;
API routes, the authorizer and each function's environment are read from template.yaml too.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from local.pollers import SqsPoller, StreamPoller
from local.resources import event_sources, provision, queue_url_for_arn
from local.template import Template, physical_names
from local.ttl_reaper import TtlReaper

STACK = "cart-local"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalCloud:
    def __init__(self, port: int = 3000, host: str = "127.0.0.1", template: Template | None = None) -> None:
        self.template = template or Template.load()
        self.host, self.port = host, port
        self.names = physical_names(self.template, STACK)
        self._moto: Any = None
        self._http: ThreadingHTTPServer | None = None
        self._threads: list[Any] = []

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start_aws(self) -> str:
        """Start the AWS emulator and point every boto3 client in this process at it."""
        import logging

        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)

        aws_port = free_port()
        self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=aws_port, verbose=False)
        self._moto.start()
        endpoint = f"http://127.0.0.1:{aws_port}"
        os.environ.update(
            AWS_ENDPOINT_URL=endpoint,
            AWS_ACCESS_KEY_ID="local",
            AWS_SECRET_ACCESS_KEY="local",  # noqa: S106 - the emulator accepts any key
            AWS_DEFAULT_REGION="us-east-1",
        )
        os.environ.pop("AWS_PROFILE", None)
        # Webhook receivers on the developer's machine (http, loopback); production refuses both.
        os.environ.setdefault("ALLOW_LOOPBACK_WEBHOOK_URLS", "true")
        self.names = provision(self.template, STACK)
        self.aws_endpoint = endpoint
        return endpoint

    def load_fixture(self) -> None:
        """Needs the runtime first: it puts the layer on sys.path."""
        from cart_core.store.dynamodb import DynamoStore
        from local.fixture import load

        load(DynamoStore(self.names["CartTable"]))

    def start_event_sources(self) -> None:
        """Stream and queue pollers, as Lambda's event source mappings, and the TTL emulator."""
        for source in event_sources(self.template, self.names):
            if source["type"] == "SQS":
                url = queue_url_for_arn(self.names, source["Queue"])
                batch_size = int(source.get("BatchSize", 10))
                poller: Any = SqsPoller(self.runtime, source["function"], url, source["Queue"], batch_size)
            else:
                poller = StreamPoller(self.runtime, source["function"], source)
            poller.start()
            self._threads.append(poller)
        for logical_id, table in self.template.table_definitions().items():
            ttl = table.get("TimeToLiveSpecification", {})
            if ttl.get("Enabled"):
                reaper = TtlReaper(self.names[logical_id], ttl["AttributeName"])
                reaper.start()
                self._threads.append(reaper)

    def start(self) -> LocalCloud:
        from local.gateway import Gateway
        from local.runtime import FunctionRuntime

        self.start_aws()
        self.runtime = FunctionRuntime(self.template, self.names)
        self.load_fixture()
        self.gateway = Gateway(self.template, self.runtime)
        self.start_event_sources()
        gateway = self.gateway

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, headers, payload = gateway.handle(self.command, self.path, dict(self.headers.items()), body)
                self.send_response(status)
                for name, value in headers.items():
                    if name.lower() != "content-length":
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def __getattr__(self, name: str) -> Any:
                # Every method reaches the gateway, which answers undeclared ones as API Gateway does.
                if name.startswith("do_"):
                    return self._serve
                raise AttributeError(name)

            def log_message(self, format: str, *args: Any) -> None:
                if os.environ.get("LOCAL_CLOUD_QUIET") != "1":
                    sys.stderr.write(f"{self.command} {self.path} -> {args[1] if len(args) > 1 else ''}\n")

        self._http = ThreadingHTTPServer((self.host, self.port), Handler)
        self.port = self._http.server_address[1]
        threading.Thread(target=self._http.serve_forever, daemon=True, name="local-api").start()
        return self

    def stop(self) -> None:
        for thread in self._threads:
            thread.stopping.set()
        if self._http:
            self._http.shutdown()
            self._http.server_close()
        if self._moto:
            self._moto.stop()


def _examples(url: str, aws_endpoint: str) -> str:
    auth = "-H 'x-api-key: demo-partner-key' -H 'Authorization: demo-developer-key'"
    base = f"{url}/api/v1/partner/store/cart"
    body = json.dumps({"cart": {"items": [{"productId": "demo-flower", "quantity": 2}], "promoCode": "TENOFF"}})
    return f"""
Local cloud ready on {url}  (Ctrl-C stops it; state lives in memory)
AWS emulator: {aws_endpoint}  (aws --endpoint-url {aws_endpoint} sqs list-queues)
Demo tenant 'demo' / shop 'main'; products demo-flower 12.50, demo-edible 8.00, demo-vape 35.00; code TENOFF.
POS (LOKE): Authorization: Bearer demo-pos-token

  curl -s {auth} '{base}/active?cuid=alice'
  curl -s {auth} -H 'Content-Type: application/json' -d '{body}' '{base}/prepare?cuid=alice'
  curl -s {auth} -X POST '{base}/submitCart/<cartId>?cuid=alice'
  curl -s {auth} '{base}/history?cuid=alice'
  curl -s -H 'Authorization: Bearer demo-pos-token' '{url}/organizations/demo/locations/main/cart/<cartId>'
"""


def main() -> None:
    cloud = LocalCloud(port=int(os.environ.get("PORT", "3000"))).start()
    print(_examples(cloud.url, cloud.aws_endpoint), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        cloud.stop()


if __name__ == "__main__":
    main()
