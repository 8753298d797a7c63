"""``make local``: the whole service on http://127.0.0.1:3000 without Docker.

AWS services come from moto's server on a loopback port (DynamoDB serialised, see local/aws.py);
tables are created from template.yaml; API routes, the authorizer and each function's environment
are read from template.yaml too. How it works: docs/local-cloud.md.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
import threading
from pathlib import Path
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
        self._aws: Any = None
        self._http: Any = None
        self._threads: list[Any] = []

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start_aws(self) -> str:
        """Start the AWS emulator and point every boto3 client in this process at it."""
        from local.aws import AwsEmulatorProcess

        self._aws = AwsEmulatorProcess().start()
        endpoint = self._aws.endpoint
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
        from local.server import ApiDocs, HttpServer, wsgi_app

        self.docs = ApiDocs(self.template, self.runtime)
        threads = int(os.environ.get("LOCAL_HTTP_THREADS", "64"))
        self._http = HttpServer(wsgi_app(self.gateway, self.docs), self.host, self.port, threads=threads).start()
        self.port = self._http.port
        return self

    def stop(self) -> None:
        for thread in self._threads:
            thread.stopping.set()
        if self._http:
            self._http.stop()
        for thread in self._threads:  # a poller mid-batch ends it before the emulator it calls goes away
            thread.join(timeout=5)
        if self._aws:
            self._aws.stop()


def _examples(url: str, aws_endpoint: str, faces: list[str]) -> str:
    auth = "-H 'x-api-key: demo-partner-key' -H 'Authorization: demo-developer-key'"
    base = f"{url}/api/v1/partner/store/cart"
    body = json.dumps({"cart": {"items": [{"productId": "demo-flower", "quantity": 2}], "promoCode": "TENOFF"}})
    docs = "\n".join(f"  {url}/_docs/{face}   ({url}/_openapi/{face}.json)" for face in faces)
    aws_cli = f"AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws --endpoint-url {aws_endpoint}"
    return f"""
Local cloud ready on {url}  (Ctrl-C stops it; state lives in memory)
AWS emulator: {aws_endpoint}  ({aws_cli} sqs list-queues)
Demo tenant 'demo' / shop 'main'; products demo-flower 12.50, demo-edible 8.00, demo-vape 35.00; code TENOFF.
POS (LOKE): Authorization: Bearer demo-pos-token

API docs (Swagger UI, OpenAPI): {url}/_docs
{docs}

  curl -s {auth} '{base}/active?cuid=alice'
  curl -s {auth} -H 'Content-Type: application/json' -d '{body}' '{base}/prepare?cuid=alice'
  curl -s {auth} -X POST '{base}/submitCart/<cartId>?cuid=alice'
  curl -s {auth} '{base}/history?cuid=alice'
  curl -s -H 'Authorization: Bearer demo-pos-token' '{url}/organizations/demo/locations/main/cart/<cartId>'
"""


def configure_logging() -> None:
    """One access line per request on stderr (``LOCAL_CLOUD_QUIET=1`` silences it), never a secret:
    every handler gets the filter that redacts credential-like query parameters."""
    from local.server import RedactSecrets

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    handler.addFilter(RedactSecrets())
    logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)
    logging.getLogger("local").setLevel(logging.INFO)
    if os.environ.get("LOCAL_CLOUD_QUIET") == "1":
        logging.getLogger("local.access").setLevel(logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)


def main() -> None:
    configure_logging()
    # A test or a developer can serve another template (e.g. one with test-only functions).
    custom = os.environ.get("LOCAL_CLOUD_TEMPLATE")
    template = Template.load(Path(custom)) if custom else None
    cloud = LocalCloud(port=int(os.environ.get("PORT", "3000")), template=template).start()
    print(_examples(cloud.url, cloud.aws_endpoint, cloud.docs.faces), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        cloud.stop()


if __name__ == "__main__":
    main()
