"""make bench: per BLAZE endpoint, DynamoDB calls and warm latency; cold import time per function;
and 50 concurrent commuting mutations on one cart (success rate, lost updates).

The BLAZE function runs in-process against moto, wired from template.yaml as in tests/, and is
invoked with the authorizer's context already set, so neither the authorizer's time nor its
DynamoDB lookup is included. Only figures are printed; nothing is asserted about them.
"""

from __future__ import annotations

import copy
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHONPATH = os.pathsep.join(str(ROOT / p) for p in ("", "functions", "layers/cart_core"))
BLAZE = "/api/v1/partner/store/cart"
FUNCTION = "BlazeCartFunction"
CALLER = {"tenantId": "demo", "locationId": "main"}
FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
IMPORTED_MODULES = ("blaze_cart.app", "authorizer.app", "boto3")
IMPORT_RUNS = 5
IMPORT_TABLE_NAME = "bench-table"  # any name: nothing is called at import, but settings need 3+ chars
IMPORT_PROBE = (
    "import importlib, sys, time\n"
    "start = time.perf_counter()\n"
    "importlib.import_module(sys.argv[1])\n"
    "print(time.perf_counter() - start)\n"
)


@dataclass(frozen=True)
class CartSize:
    label: str
    lines: int
    iterations: int

    def body(self, **fields: Any) -> dict[str, Any]:
        items = [{"productId": f"bench-{i}", "quantity": 1} for i in range(self.lines)]
        return {**fields, "cart": {"items": items}}


SIZES = (CartSize("1-line", 1, 200), CartSize("100-line", 100, 50))


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # relative to BLAZE, with its query string
    body: Any = None


class SetupError(Exception):
    pass


class Harness:
    """The BLAZE function behind the template's gateway, counting its DynamoDB calls."""

    def __init__(self, template: Any, names: dict[str, str]) -> None:
        import boto3

        from cart_core.runtime import store
        from local.gateway import Gateway
        from local.runtime import FunctionRuntime

        self.runtime = FunctionRuntime(template, names)
        self.gateway = Gateway(template, self.runtime)
        self.calls: Counter[str] = Counter()
        self.written: set[tuple[str, str]] = set()
        self.table_name = store().table_name
        self._untracked = boto3.client("dynamodb")  # not the function's client: neither counted nor recorded
        store().client.meta.events.register("before-call.dynamodb.*", self._count)
        store().client.meta.events.register("before-parameter-build.dynamodb.*", self._record_writes)

    def _count(self, model: Any, **_: Any) -> None:
        self.calls[model.name] += 1

    def _record_writes(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name == "PutItem":
            items = [params["Item"]]
        elif model.name == "TransactWriteItems":
            items = [op["Put"]["Item"] for op in params["TransactItems"] if "Put" in op]
        else:
            return
        self.written.update((item["pk"]["S"], item["sk"]["S"]) for item in items)

    def clean(self) -> None:
        """Delete every item requests have written, leaving the fixture and the bench products.

        moto's TransactWriteItems deep-copies the whole table once per item in the transaction, so
        without this its latency would grow with every cart the benchmark creates. Two more moto
        (5.2) leaks are undone through its internals: it keeps every model instance it ever made,
        those copies included, for its dashboard; and it keeps a partition whose last item is
        deleted (its item map is a defaultdict, so reading an absent key makes one too).
        """
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.core.model_instances import reset_model_data
        from moto.dynamodb.models import dynamodb_backends

        keys = [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in self.written]
        for offset in range(0, len(keys), 25):
            deletes = [{"DeleteRequest": {"Key": key}} for key in keys[offset : offset + 25]]
            self._untracked.batch_write_item(RequestItems={self.table_name: deletes})
        self.written.clear()
        reset_model_data()
        table = dynamodb_backends[DEFAULT_ACCOUNT_ID][FAKE_AWS["AWS_DEFAULT_REGION"]].get_table(self.table_name)
        for pk in [pk for pk, partition in table.items.items() if not partition]:
            del table.items[pk]

    def add_products(self, count: int) -> None:
        """bench-0 … bench-{count-1} in the demo tenant, at 1.00 each; kept by ``clean``."""
        from cart_core import admin
        from cart_core.store.dynamodb import DynamoStore

        untracked = DynamoStore(self.table_name, self._untracked)
        for i in range(count):
            admin.create_product(untracked, "demo", f"bench-{i}", Decimal("1.00"))

    def event(self, request: Request) -> tuple[str, dict[str, Any]]:
        built = self.gateway.proxy_event(
            request.method, BLAZE + request.path, {"Content-Type": "application/json"}, None
        )
        if built is None:
            raise SetupError(f"no route for {request.method} {request.path}")
        route, event = built
        event["requestContext"]["authorizer"] = dict(CALLER)
        if request.body is not None:
            event["body"] = json.dumps(request.body)
        return route.function, event

    def ok(self, request: Request) -> dict[str, Any]:
        """An untimed setup call's JSON body."""
        function, event = self.event(request)
        response = self.runtime.invoke(function, event)
        if response["statusCode"] >= 300:
            raise SetupError(f"{request.method} {request.path} -> {response['statusCode']} {response['body'][:200]}")
        return json.loads(response["body"])

    def prepare(self, size: CartSize, cuid: str | None = None, session: str | None = None) -> dict[str, Any]:
        body = size.body(sessionId=session) if session else size.body()
        return self.ok(Request("POST", f"/prepare?cuid={cuid}" if cuid else "/prepare", body))

    def submitted(self, size: CartSize, cuid: str) -> dict[str, Any]:
        cart_id = self.prepare(size, cuid)["id"]
        return self.ok(Request("POST", f"/submitCart/{cart_id}?cuid={cuid}"))


# A scenario does the untimed setup for one endpoint and cart size, and returns the request for
# iteration i; that callable may itself do untimed setup (a fresh cart) before returning.
NextRequest = Callable[[int], Request]
Scenario = Callable[[Harness, CartSize, str], NextRequest]


def _same(request: Request) -> NextRequest:
    return lambda _: request


def _history(h: Harness, size: CartSize, cuid: str) -> NextRequest:
    h.submitted(size, cuid)
    return _same(Request("GET", f"/history?cuid={cuid}"))


def _active(h: Harness, size: CartSize, cuid: str) -> NextRequest:
    h.prepare(size, cuid)
    return _same(Request("GET", f"/active?cuid={cuid}"))


def _prepare(h: Harness, size: CartSize, cuid: str) -> NextRequest:
    h.prepare(size, cuid)  # so that every measured call updates an existing open cart
    return _same(Request("POST", f"/prepare?cuid={cuid}", size.body()))


def _find_cost(h: Harness, size: CartSize, cuid: str) -> NextRequest:
    return _same(Request("POST", "/product/findCost", {"productId": "bench-0", "quantity": 3}))


def _public(h: Harness, size: CartSize, cuid: str) -> NextRequest:
    return _same(Request("GET", f"/public/{h.prepare(size, cuid)['publicKey']}"))


def _update(h: Harness, size: CartSize, cuid: str) -> NextRequest:
    cart_id = h.prepare(size, cuid)["id"]
    return _same(Request("POST", f"/updateCart/{cart_id}?cuid={cuid}", size.body()))


def _submit(h: Harness, size: CartSize, cuid: str) -> NextRequest:
    def fresh(i: int) -> Request:
        h.clean()
        cart_id = h.prepare(size, f"{cuid}-{i}")["id"]
        return Request("POST", f"/submitCart/{cart_id}?cuid={cuid}-{i}")

    return fresh


def _cancel(h: Harness, size: CartSize, cuid: str) -> NextRequest:
    def fresh(i: int) -> Request:
        h.clean()
        cart_id = h.submitted(size, f"{cuid}-{i}")["id"]
        return Request("DELETE", f"/cancelCart/{cart_id}?cuid={cuid}-{i}")

    return fresh


def _finalizing(action: str, one_line: bool) -> Scenario:
    def scenario(h: Harness, size: CartSize, cuid: str) -> NextRequest:
        cart = h.prepare(size, cuid)
        path = f"/item/{cart['cart']['items'][0]['id']}/{action}" if one_line else f"/items/{action}"
        return _same(Request("POST", f"{path}?cuid={cuid}", {"id": cart["id"]}))

    return scenario


def _get(h: Harness, size: CartSize, cuid: str) -> NextRequest:
    return _same(Request("GET", f"/{h.prepare(size, cuid)['id']}?cuid={cuid}"))


def _set_consumer(h: Harness, size: CartSize, cuid: str) -> NextRequest:
    def fresh(i: int) -> Request:
        h.clean()
        cart_id = h.prepare(size, session=f"{cuid}-guest-{i}")["id"]
        return Request("POST", f"/{cart_id}/setConsumerUser/{cuid}-{i}")

    return fresh


def _payments(h: Harness, size: CartSize, cuid: str) -> NextRequest:
    cart_id = h.prepare(size, cuid)["id"]
    return _same(Request("POST", f"/{cart_id}/payments?cuid={cuid}", {"paymentOption": "Cash", "paymentReceived": 500}))


# Keyed by the template's method and path (relative to BLAZE).
SCENARIOS: dict[tuple[str, str], Scenario] = {
    ("GET", "/history"): _history,
    ("GET", "/active"): _active,
    ("POST", "/prepare"): _prepare,
    ("POST", "/product/findCost"): _find_cost,
    ("GET", "/public/{publicKey}"): _public,
    ("POST", "/updateCart/{consumerCartId}"): _update,
    ("POST", "/submitCart/{consumerCartId}"): _submit,
    ("DELETE", "/cancelCart/{consumerCartId}"): _cancel,
    ("POST", "/item/{orderItemId}/finalize"): _finalizing("finalize", one_line=True),
    ("POST", "/item/{orderItemId}/unfinalize"): _finalizing("unfinalize", one_line=True),
    ("POST", "/items/finalize"): _finalizing("finalize", one_line=False),
    ("GET", "/{consumerCartId}"): _get,
    ("POST", "/{consumerCartId}/setConsumerUser/{consumerUserId}"): _set_consumer,
    ("POST", "/{consumerCartId}/payments"): _payments,
}


@dataclass
class Result:
    calls: list[Counter[str]] = field(default_factory=list)  # per request, the untimed first one included
    latencies_ms: list[float] = field(default_factory=list)
    error: str | None = None


def measure(h: Harness, scenario: Scenario, size: CartSize, tag: str) -> Result:
    result = Result()
    h.clean()
    try:
        next_request = scenario(h, size, tag)
        for i in range(size.iterations + 1):  # request 0 is the untimed warm-up
            function, event = h.event(next_request(i))
            h.calls.clear()
            start = time.perf_counter()
            response = h.runtime.invoke(function, event)
            elapsed_ms = (time.perf_counter() - start) * 1000
            if response["statusCode"] >= 300:
                result.error = f"request {i} -> {response['statusCode']} {response['body'][:200]}"
                return result
            result.calls.append(Counter(h.calls))
            if i:
                result.latencies_ms.append(elapsed_ms)
    except Exception as error:  # report it on the endpoint's line and go on with the others
        traceback.print_exc(file=sys.stderr)
        result.error = f"{type(error).__name__}: {error}"
    return result


@contextmanager
def moto_cart_table() -> Iterator[dict[str, str]]:
    """The template's tables in moto, loaded with the demo fixture."""
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        os.environ.pop(name, None)
    os.environ.update(FAKE_AWS)

    import boto3
    from moto import mock_aws

    from cart_core.runtime import store
    from local import fixture
    from local.template import Template, create_tables, physical_names

    template = Template.load()
    names = physical_names(template, "bench")
    # No stream: moto keeps every stream record forever and deep-copies them all on each transaction,
    # which would make each write slower than the last. The BLAZE function never reads the stream.
    tables = Template(copy.deepcopy(template.raw))
    for properties in tables.table_definitions().values():
        properties.pop("StreamSpecification", None)
    with mock_aws():
        create_tables(tables, boto3.client("dynamodb"), names)
        os.environ["TABLE_NAME"] = names["CartTable"]
        fixture.load(store())
        yield names


def blaze_routes(template: Any) -> list[tuple[str, str]]:
    events = template.functions()[FUNCTION].events.values()
    return [(e["Properties"]["Method"].upper(), e["Properties"]["Path"].removeprefix(BLAZE)) for e in events]


def run_endpoints() -> list[tuple[str, str, dict[str, Result]]]:
    from local.template import Template

    template = Template.load()
    routes = blaze_routes(template)
    results: dict[tuple[str, str], dict[str, Result]] = {route: {} for route in routes}
    with moto_cart_table() as names:
        h = Harness(template, names)
        # Size by size, with only the products that size uses: moto's transactions copy the whole
        # table, so 100 idle products would slow every 1-line transactional write several times over.
        for size in SIZES:
            h.add_products(size.lines)
            for n, route in enumerate(routes):
                scenario = SCENARIOS.get(route)
                if scenario is None:
                    results[route][size.label] = Result(error="no scenario in bench/run.py for this route")
                else:
                    results[route][size.label] = measure(h, scenario, size, f"bench-{n}-{size.label}")
    return [(method, path, results[method, path]) for method, path in routes]


# ----- contention: commuting mutations racing on one cart ---------------------------------------

CONTENDERS = 50
CONTENTION_TARGET = 0.95  # issue #6: at least 95 % succeed, none lost


@contextmanager
def serialised_moto_dynamodb() -> Iterator[None]:
    """One DynamoDB request at a time in moto. moto checks a write's condition and then writes,
    unlocked, so two racing writers could both pass; DynamoDB applies each item write atomically."""
    from moto.dynamodb.responses import DynamoHandler

    lock = threading.Lock()
    unlocked = DynamoHandler.call_action

    def call_action(self: Any) -> Any:
        with lock:
            return unlocked(self)

    DynamoHandler.call_action = call_action  # type: ignore[method-assign]
    try:
        yield
    finally:
        DynamoHandler.call_action = unlocked  # type: ignore[method-assign]


@dataclass
class Contention:
    name: str
    statuses: Counter[int] = field(default_factory=Counter)
    lost: int = 0
    wall_ms: float = 0.0
    error: str | None = None

    @property
    def success_rate(self) -> float:
        return self.statuses[200] / max(1, sum(self.statuses.values()))


def _race(changes: list[Callable[[], Any]]) -> tuple[list[int], float]:
    """Every change at once, each on its own thread, through the cart service the BLAZE function
    uses: 200 if it committed, 409 if it ran out of retries (what the face would answer). The
    handler itself is not called from threads: Powertools' resolver keeps the current request on
    the module's app object, and Lambda never runs two invocations in one environment at a time."""
    from cart_core.errors import ConcurrentModification

    start_line = threading.Barrier(len(changes))

    def send(change: Callable[[], Any]) -> int:
        start_line.wait()
        try:
            change()
        except ConcurrentModification:
            return 409
        return 200

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(changes)) as pool:
        statuses = list(pool.map(send, changes))
    return statuses, (time.perf_counter() - started) * 1000


def _tag_payments(h: Harness, result: Contention) -> None:
    """Each change records a payment carrying its own order tag: a lost update is a missing tag."""
    from cart_core.runtime import use_cases

    cuid = "contention-payments"
    items = [{"productId": "demo-flower", "quantity": 1}]
    cart_id = h.ok(Request("POST", f"/prepare?cuid={cuid}", {"cart": {"items": items}}))["id"]
    tags = [f"tag-{i}" for i in range(CONTENDERS)]
    checkout, caller = use_cases().checkout, _caller(cuid)

    def pay(tag: str) -> Callable[[], Any]:
        return lambda: checkout.record_payment(caller, cart_id, "Cash", Decimal(20), [tag])

    statuses, result.wall_ms = _race([pay(tag) for tag in tags])
    result.statuses.update(statuses)
    stored = set(h.ok(Request("GET", f"/{cart_id}?cuid={cuid}"))["orderTags"])
    result.lost = sum(1 for tag, status in zip(tags, statuses, strict=True) if status == 200 and tag not in stored)


def _finalize_lines(h: Harness, result: Contention) -> None:
    """Each change finalizes a different line of one cart: a lost update is a line left unflagged."""
    from cart_core.runtime import use_cases

    cuid = "contention-finalize"
    items = [{"productId": "demo-flower", "quantity": 1}] * CONTENDERS
    cart = h.ok(Request("POST", f"/prepare?cuid={cuid}", {"cart": {"items": items}}))
    lines = [item["id"] for item in cart["cart"]["items"]]
    carts, caller = use_cases().carts, _caller(cuid)

    def finalize(line: str) -> Callable[[], Any]:
        return lambda: carts.set_finalized(caller, cart["id"], line, True)

    statuses, result.wall_ms = _race([finalize(line) for line in lines])
    result.statuses.update(statuses)
    stored = {i["id"] for i in h.ok(Request("GET", f"/{cart['id']}?cuid={cuid}"))["cart"]["items"] if i["finalized"]}
    result.lost = sum(1 for line, status in zip(lines, statuses, strict=True) if status == 200 and line not in stored)


def _caller(cuid: str) -> Any:
    from cart_core.actors import Actor
    from cart_core.tenancy import Caller

    return Caller(tenant_id=CALLER["tenantId"], location_id=CALLER["locationId"], actor=Actor.consumer(cuid))


CONTENTION_SCENARIOS: dict[str, Callable[[Harness, Contention], None]] = {
    f"POST /{{id}}/payments, {CONTENDERS} distinct orderTags": _tag_payments,
    f"POST /item/{{line}}/finalize, {CONTENDERS} distinct lines": _finalize_lines,
}


def run_contention() -> list[Contention]:
    from local.template import Template

    results = []
    with moto_cart_table() as names, serialised_moto_dynamodb():
        h = Harness(Template.load(), names)
        for name, scenario in CONTENTION_SCENARIOS.items():
            result = Contention(name)
            try:
                scenario(h, result)
            except Exception as error:  # report it on the scenario's line and go on
                traceback.print_exc(file=sys.stderr)
                result.error = f"{type(error).__name__}: {error}"
            results.append(result)
    return results


def report_contention(results: list[Contention]) -> str:
    headers = [
        "scenario",
        "200",
        "409",
        "other",
        "success",
        "lost",
        "wall ms",
        f"target (>= {CONTENTION_TARGET:.0%}, 0 lost)",
    ]
    rows, errors = [], []
    for r in results:
        if r.error:
            rows.append([r.name, *["-"] * 6, "ERROR"])
            errors.append(f"ERROR {r.name}: {r.error}")
            continue
        other = sum(n for status, n in r.statuses.items() if status not in (200, 409))
        met = r.success_rate >= CONTENTION_TARGET and r.lost == 0
        rows.append(
            [r.name, str(r.statuses[200]), str(r.statuses[409]), str(other), f"{r.success_rate:.0%}", str(r.lost),
             f"{r.wall_ms:.0f}", "met" if met else "MISSED"]
        )  # fmt: skip
    return "\n".join([table(headers, rows), *errors])


def import_seconds(module: str) -> float:
    """Time to import ``module`` in a fresh interpreter, with the function's minimal environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= FAKE_AWS | {
        "TABLE_NAME": IMPORT_TABLE_NAME,
        "PYTHONPATH": PYTHONPATH,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE, module], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    if done.returncode:
        raise RuntimeError(_exception_text(done.stderr) or f"exit status {done.returncode}")
    return float(done.stdout.split()[-1])


def _exception_text(stderr: str) -> str:
    """The exception a traceback ends with, its message lines joined into one."""
    lines = stderr.strip().splitlines()
    frames = [i for i, line in enumerate(lines) if line.startswith("  File ")]
    tail = lines[frames[-1] + 1 :] if frames else lines
    start = next((i for i, line in enumerate(tail) if not line.startswith(" ")), 0)
    return " ".join(line.strip() for line in tail[start:])[:300]


def run_imports() -> dict[str, list[float] | str]:
    """Per module, import times in ms, or the error that stopped the import."""
    timings: dict[str, list[float] | str] = {}
    for module in IMPORTED_MODULES:
        try:
            import_seconds(module)  # discarded: writes the bytecode cache on a first run
            timings[module] = [import_seconds(module) * 1000 for _ in range(IMPORT_RUNS)]
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            timings[module] = str(error)
    return timings


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Plain-text table, first column left-aligned, the others right-aligned."""
    widths = [max(len(r[c]) for r in [headers, *rows]) for c in range(len(headers))]

    def line(cells: list[str]) -> str:
        first, *rest = cells
        return "  ".join([first.ljust(widths[0]), *(c.rjust(w) for c, w in zip(rest, widths[1:], strict=True))])

    return "\n".join([line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in rows)])


def percentile(samples: list[float], p: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[p - 1]


def calls_cell(result: Result) -> str:
    totals = [sum(c.values()) for c in result.calls]
    low, high = min(totals), max(totals)
    return str(low) if low == high else f"{low}-{high}"


def operations(calls: Counter[str]) -> str:
    return " ".join(name if n == 1 else f"{name}x{n}" for name, n in sorted(calls.items()))


def report_endpoints(rows: list[tuple[str, str, dict[str, Result]]]) -> str:
    headers = ["endpoint"]
    for size in SIZES:
        headers += [f"{size.label} calls", f"p50 ms (N={size.iterations})", "p99 ms"]
    cells, errors, ops = [], [], []
    for method, path, results in rows:
        name = f"{method:<6} {path}"
        line = [name]
        for size in SIZES:
            result = results[size.label]
            if result.error:
                line += ["ERROR", "-", "-"]
                errors.append(f"ERROR {name} [{size.label}]: {result.error}")
            else:
                samples = result.latencies_ms
                line += [calls_cell(result), f"{percentile(samples, 50):.2f}", f"{percentile(samples, 99):.2f}"]
        cells.append(line)
        seen = [operations(r.calls[0]) for r in results.values() if not r.error]
        ops.append([name, " / ".join(dict.fromkeys(seen))])
    parts = [table(headers, cells), "", "DynamoDB operations per request (1-line / 100-line where they differ):"]
    parts.append(table(["endpoint", "operations"], ops))
    if errors:
        parts += ["", *errors]
    return "\n".join(parts)


def report_imports(timings: dict[str, list[float] | str]) -> str:
    rows, errors = [], []
    for module, ms in timings.items():
        if isinstance(ms, str):
            rows.append([f"import {module}", "ERROR", "-", "-"])
            errors.append(f"ERROR import {module}: {ms}")
        else:
            rows.append([f"import {module}", f"{statistics.median(ms):.1f}", f"{min(ms):.1f}", f"{max(ms):.1f}"])
    return "\n".join([table(["module", "median ms", "min ms", "max ms"], rows), *errors])


def main() -> int:
    started = time.perf_counter()
    print(f"BLAZE cart benchmark: the {FUNCTION} routes under {BLAZE}")
    print(
        f"Python {platform.python_version()}, moto {version('moto')}, boto3 {version('boto3')}, {os.cpu_count()} CPUs"
    )
    print()
    print("Per endpoint, warm, handler invoked in-process with the authorizer's context preset.")
    print("Latency is our handler PLUS moto's in-process DynamoDB emulator: not real DynamoDB, no network.")
    print("calls = DynamoDB calls the BLAZE function makes for one request (the authorizer's are not counted).")
    print("Carts of 1 line and of 100 lines; submitCart, cancelCart and setConsumerUser get a fresh cart")
    print("(cancelCart: a submitted one) per request, prepared outside the timed section.")
    print("The table holds the demo fixture plus the products of the cart size, and has no stream: moto's")
    print("TransactWriteItems deep-copies the whole table, so transactional writes (submitCart, setConsumerUser)")
    print("cost more here than in DynamoDB, and more with 100 products in the table than with 1.")
    print()
    print(report_endpoints(run_endpoints()))
    print()
    print(f"Contention: {CONTENDERS} commuting mutations on one cart at once, one thread each, through the cart")
    print(
        "service the BLAZE function uses (200 = committed, 409 = out of retries). moto runs one DynamoDB request at a time,"
    )
    print("as DynamoDB applies each item write atomically. A version conflict is retried with full-jitter")
    print("back-off (cart_core.unit_of_work.UnitOfWork.run); 409 means a request ran out of its retry budget.")
    print("lost = requests answered 200 whose change is missing from the cart read afterwards.")
    print(report_contention(run_contention()))
    print()
    print(f"Cold import, fresh interpreter each run, median of {IMPORT_RUNS} (after one discarded run);")
    print(
        f"env TABLE_NAME={IMPORT_TABLE_NAME} AWS_DEFAULT_REGION=us-east-1, fake credentials. Includes building the clients"
    )
    print("that a module creates at import (blaze_cart.app builds the cart service).")
    print(report_imports(run_imports()))
    print()
    print(f"Total bench time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
