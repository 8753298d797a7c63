"""``make local``: the whole service on http://127.0.0.1:3000 without Docker.

AWS services come from moto's server on a loopback port (DynamoDB serialised, see local/aws.py);
tables are created from template.yaml; API routes, the authorizer and each function's environment
are read from template.yaml too. How it works: docs/local-cloud.md.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
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
ROOT = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
# The emulator accepts any key; these are what the banner and the discovery file tell clients to use.
DUMMY_CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}
DISCOVERY_FILE = ".local-cloud.json"  # also read by cart_core.admin (its find_local_cloud)


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
            AWS_ACCESS_KEY_ID=DUMMY_CREDENTIALS["aws_access_key_id"],
            AWS_SECRET_ACCESS_KEY=DUMMY_CREDENTIALS["aws_secret_access_key"],
            AWS_DEFAULT_REGION=REGION,
        )
        os.environ.pop("AWS_PROFILE", None)
        # Webhook receivers on the developer's machine (http, loopback); production refuses both.
        os.environ.setdefault("ALLOW_LOOPBACK_WEBHOOK_URLS", "true")
        # The local cloud serves plain http on localhost: a Secure cookie would never come back.
        os.environ.setdefault("SECURE_COOKIES", "false")
        # Every mail the functions send (through SES in the emulator) is also written here, for a
        # developer to open (cart_core.mail.FolderMailer; docs/local-cloud.md, The mail folder).
        os.environ.setdefault("MAIL_FOLDER", str(mail_folder()))
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
                reports = "ReportBatchItemFailures" in source.get("FunctionResponseTypes", [])
                poller: Any = SqsPoller(self.runtime, source["function"], url, source["Queue"], batch_size, reports)
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


def mail_folder() -> Path:
    """Where the local cloud's sent mail goes: ``$MAIL_FOLDER``, else ``.local/mail`` in the project
    root (gitignored)."""
    configured = os.environ.get("MAIL_FOLDER")
    return Path(configured) if configured else ROOT / ".local" / "mail"


def discovery_path() -> Path | None:
    """Where the running cloud announces itself: ``.local-cloud.json`` in the project root, or
    ``$LOCAL_CLOUD_DISCOVERY_FILE`` (empty: nowhere; the tests' clouds must not replace the file of
    the one a developer is running)."""
    configured = os.environ.get("LOCAL_CLOUD_DISCOVERY_FILE")
    if configured is None:
        return ROOT / DISCOVERY_FILE
    return Path(configured) if configured else None


def write_discovery(cloud: LocalCloud, path: Path | None) -> None:
    """What a client needs to reach this cloud (``make admin`` reads it): no secret in it, the
    credentials are the emulator's dummies. Written atomically so a reader never sees half of it."""
    if path is None:
        return
    content = {
        "url": cloud.url,
        "aws_endpoint": cloud.aws_endpoint,
        "region": REGION,
        "credentials": DUMMY_CREDENTIALS,
        "pid": os.getpid(),
        "stack": STACK,
        "resources": cloud.names,
    }
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps(content, indent=2) + "\n")
    partial.replace(path)


def remove_discovery(path: Path | None) -> None:
    """Only our own file: a second cloud started since (another PORT) owns it now."""
    if path is None:
        return
    try:
        if json.loads(path.read_text()).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass


def _shown(path: Path) -> str:
    """A path as short as it can be printed: relative to the current directory when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _python() -> str:
    """The interpreter running the cloud (the project's .venv), as short as it can be printed."""
    return _shown(Path(sys.executable))


def _face_lines(url: str) -> tuple[str, str]:
    """Each face's lines of the banner, in registry order, from its devkit (functions/<package>/devkit.py):
    ``banner_notes(url)`` (how to call it, under the demo fixture's line) and ``walkthrough(url)``
    (commands; a face's may use the variables an earlier face's set, e.g. LOKE reads BLAZE's ``$ID``)."""
    from cart_core.faces import devkit, faces

    kits = [devkit(face) for face in faces() if face.devkit_module is not None]
    notes = [line for kit in kits if hasattr(kit, "banner_notes") for line in kit.banner_notes(url)]
    walkthrough = [f"  {line}" for kit in kits if hasattr(kit, "walkthrough") for line in kit.walkthrough(url)]
    return "\n".join(notes), "\n".join(walkthrough)


def _examples(
    url: str,
    aws_endpoint: str,
    faces: list[str],
    aws_cli: bool | None = None,
    discovery: Path | None = None,
    table: str = f"{STACK}-CartTable",
) -> str:
    """The startup banner. Every indented command runs as printed, in order, in bash or zsh from the
    project root (tests/e2e/test_banner.py runs them); later ones use the variables earlier ones set.
    ``aws_cli``: whether the AWS CLI is on PATH (looked up if None); ``discovery``: the file `make
    admin` finds this cloud through (None: no file, so the admin line names the target itself)."""
    if aws_cli is None:
        aws_cli = shutil.which("aws") is not None
    notes, walkthrough = _face_lines(url)
    docs = "\n".join(f"  {url}/_docs/{face}   ({url}/_openapi/{face}.json)" for face in faces)
    keys = f"AWS_ACCESS_KEY_ID={DUMMY_CREDENTIALS['aws_access_key_id']} AWS_SECRET_ACCESS_KEY={DUMMY_CREDENTIALS['aws_secret_access_key']}"
    if aws_cli:
        inspect = f"  {keys} AWS_DEFAULT_REGION={REGION} aws --endpoint-url {aws_endpoint} sqs list-queues"
    else:  # the AWS CLI is optional (make install does not install it); boto3 is in the .venv
        inspect = (
            f"  {keys} AWS_DEFAULT_REGION={REGION} AWS_ENDPOINT_URL={aws_endpoint} {_python()} -c "
            "\"import boto3; print(*boto3.client('sqs').list_queues()['QueueUrls'], sep='\\n')\""
            "   # or the AWS CLI, if you install it"
        )
    if discovery is not None:
        found = f"`make admin` finds it through {_shown(discovery)}"
        admin = "make admin ARGS='product demo demo-tea 4.40 --name Tea'"
    else:
        found = "no discovery file: name it to `make admin`"
        admin = (
            f"{keys} make admin ARGS='--table {table} --endpoint-url {aws_endpoint} --region {REGION} "
            "product demo demo-tea 4.40 --name Tea'"
        )
    return f"""
Local cloud ready on {url}  (Ctrl-C stops it; state lives in memory)
AWS emulator: {aws_endpoint}  (region {REGION}, any credentials; {found})
Demo tenant 'demo' / shop 'main'; products demo-flower 12.50, demo-edible 8.00, demo-vape 35.00; code TENOFF.
Mail the functions send (receipts, password resets) lands in {_shown(mail_folder())}/ (.eml and .html per mail).
{notes}

API docs (Swagger UI, OpenAPI): {url}/_docs
{docs}

Try it (bash or zsh, in this order: later lines use the variables earlier ones set):
{walkthrough}

Provision and inspect (from the project root):
  {admin}
{inspect}
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
    discovery = discovery_path()

    def terminate(signum: int, frame: Any) -> None:  # `kill` / a test's terminate(): clean up as Ctrl-C does
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    try:
        write_discovery(cloud, discovery)
        banner = _examples(cloud.url, cloud.aws_endpoint, cloud.docs.faces, None, discovery, cloud.names["CartTable"])
        print(banner, flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        remove_discovery(discovery)
        cloud.stop()


if __name__ == "__main__":
    main()
