"""Warm BLAZE endpoints in-process against moto: our handler beside the bare boto3 baseline
(bench/baseline.py) making the same DynamoDB calls, and the same endpoints at 1, 10 and 100 lines.

The BLAZE function is wired from template.yaml as in tests/ and called directly (no thread hand-off)
with the authorizer's context already set, so neither the authorizer's time nor its lookup counts.
The baseline handler is called the same way, on the same moto, in the same run.
"""

from __future__ import annotations

import copy
import gc
import json
import os
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bench import baseline
from bench.common import BLAZE, CALLER, FAKE_AWS, FUNCTION, Budget, CartSize, percentile, ratio_cells, table

WARM_TARGET = 1.3  # issue #9: our warm p50 at most 1.3 x the bare baseline's
SCALING_TARGET = 3.0  # issue #9: a 100-line cart's p99 at most 3 x the 1-line cart's


def cart_body(size: CartSize, **fields: Any) -> dict[str, Any]:
    items = [{"productId": f"bench-{i}", "quantity": 1} for i in range(size.lines)]
    return {**fields, "cart": {"items": items}}


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # relative to BLAZE, with its query string
    body: Any = None


class SetupError(Exception):
    pass


class Harness:
    """The BLAZE function behind the template's gateway, counting and recording its DynamoDB calls.
    Another face's harness names its own paths' prefix and authorizer context (bench/newstore.py)."""

    base_path = BLAZE
    caller: dict[str, str] = CALLER

    def __init__(self, template: Any, names: dict[str, str]) -> None:
        import boto3

        from cart_core.runtime import store
        from local.gateway import Gateway
        from local.runtime import FunctionRuntime

        self.runtime = FunctionRuntime(template, names)
        self.gateway = Gateway(template, self.runtime)
        self.calls: Counter[str] = Counter()
        self.recorded: list[baseline.Call] = []  # the last request's calls with their parameters
        self.written: set[tuple[str, str]] = set()
        self.table_name = store().table_name
        self._untracked = boto3.client("dynamodb")  # not the function's client: neither counted nor recorded
        self.bare_client = boto3.client("dynamodb")  # the baseline's own
        store().client.meta.events.register("before-call.dynamodb.*", self._count)
        store().client.meta.events.register("before-parameter-build.dynamodb.*", self._record)

    def _count(self, model: Any, **_: Any) -> None:
        self.calls[model.name] += 1

    def _record(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.recorded.append((model.name, copy.deepcopy(params)))
        if model.name == "PutItem":
            items = [params["Item"]]
        elif model.name == "TransactWriteItems":
            items = [op["Put"]["Item"] for op in params["TransactItems"] if "Put" in op]
        else:
            return
        self.written.update((item["pk"]["S"], item["sk"]["S"]) for item in items)

    def call(self, function: str, event: dict[str, Any], handler: Any = None) -> Any:
        """One invocation on this thread, under the function's environment, as Lambda calls it
        (``handler``: another handler in its place, the baseline)."""
        spec = self.runtime.specs[function]
        handler = handler or self.runtime.handler(function)
        with self.runtime._function_environment(spec):
            return handler(event, self.runtime._context(spec))

    def clean(self) -> None:
        """Delete every item requests have written, leaving the fixture and the bench products.

        moto's reads and scans of a partition, and its transactions' own bookkeeping, grow with the
        table, so without this its latency would grow with every cart the benchmark creates. Two more moto
        (5.2) leaks are undone through its internals: it keeps every model instance it ever made,
        those copies included, for its dashboard; and it keeps a partition whose last item is
        deleted (its item map is a defaultdict, so reading an absent key makes one too).

        Last, everything alive is collected and frozen out of the garbage collector's reach: moto's
        table lives in this process, so a full collection during a timed request would walk moto's
        heap as well (100-160 ms seen at 100 lines, most of a p99), which DynamoDB's heap never
        costs a Lambda function. Both sides are measured after the same freeze; the objects their
        requests make are still collected as usual.
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
        table_ = dynamodb_backends[DEFAULT_ACCOUNT_ID][FAKE_AWS["AWS_DEFAULT_REGION"]].get_table(self.table_name)
        for pk in [pk for pk, partition in table_.items.items() if not partition]:
            del table_.items[pk]
        gc.collect()
        gc.freeze()

    def add_products(self, first: int, count: int) -> None:
        """bench-{first} … bench-{count-1} in the demo tenant, at 1.00 each; kept by ``clean``."""
        from cart_core import admin
        from cart_core.store.dynamodb import DynamoStore

        untracked = DynamoStore(self.table_name, self._untracked)
        for i in range(first, count):
            admin.create_product(untracked, "demo", f"bench-{i}", Decimal("1.00"))

    def event(self, request: Request) -> tuple[str, dict[str, Any]]:
        built = self.gateway.proxy_event(
            request.method, self.base_path + request.path, {"Content-Type": "application/json"}, None
        )
        if built is None:
            raise SetupError(f"no route for {request.method} {request.path}")
        route, event = built
        event["requestContext"]["authorizer"] = dict(self.caller)
        if request.body is not None:
            event["body"] = json.dumps(request.body)
        return route.function, event

    def ok(self, request: Request) -> dict[str, Any]:
        """An untimed setup call's JSON body."""
        function, event = self.event(request)
        response = self.call(function, event)
        if response["statusCode"] >= 300:
            raise SetupError(f"{request.method} {request.path} -> {response['statusCode']} {response['body'][:200]}")
        return json.loads(response["body"])

    def prepare(self, size: CartSize, cuid: str | None = None, session: str | None = None) -> dict[str, Any]:
        body = cart_body(size, sessionId=session) if session else cart_body(size)
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
    return _same(Request("POST", f"/prepare?cuid={cuid}", cart_body(size)))


def _find_cost(h: Harness, size: CartSize, cuid: str) -> NextRequest:
    return _same(Request("POST", "/product/findCost", {"productId": "bench-0", "quantity": 3}))


def _public(h: Harness, size: CartSize, cuid: str) -> NextRequest:
    return _same(Request("GET", f"/public/{h.prepare(size, cuid)['publicKey']}"))


def _update(h: Harness, size: CartSize, cuid: str) -> NextRequest:
    cart_id = h.prepare(size, cuid)["id"]
    return _same(Request("POST", f"/updateCart/{cart_id}?cuid={cuid}", cart_body(size)))


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
        return Request("POST", f"/{cart_id}/setConsumerUser/{cuid}-{i}?cuid={cuid}-{i}")

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
    bare_ms: list[float] = field(default_factory=list)  # the baseline's, same number of requests
    body_length: int = 0
    error: str | None = None


def _bare(h: Harness, result: Result, function: str, event: dict[str, Any]) -> float:
    """The baseline for the request just measured: its recorded calls replayed once, in ms."""
    handler = baseline.make_handler(h.bare_client, h.recorded, result.body_length)
    start = time.perf_counter()
    response = h.call(function, event, handler)
    elapsed_ms = (time.perf_counter() - start) * 1000
    if response["statusCode"] != 200:
        raise SetupError("the baseline failed")
    return elapsed_ms


def measure(h: Harness, scenario: Scenario, size: CartSize, tag: str) -> Result:
    """Each request measured with our handler, then at once with the bare one replaying its calls:
    interleaved, so both see the same table and the same machine load."""
    result = Result()
    h.clean()
    try:
        next_request = scenario(h, size, tag)
        for i in range(size.iterations + 1):  # request 0 is the untimed warm-up
            function, event = h.event(next_request(i))
            h.calls.clear()
            h.recorded.clear()
            start = time.perf_counter()
            response = h.call(function, event)
            elapsed_ms = (time.perf_counter() - start) * 1000
            if response["statusCode"] >= 300:
                result.error = f"request {i} -> {response['statusCode']} {response['body'][:200]}"
                return result
            result.calls.append(Counter(h.calls))
            result.body_length = len(response["body"])
            bare_ms = _bare(h, result, function, event)
            if i:
                result.latencies_ms.append(elapsed_ms)
                result.bare_ms.append(bare_ms)
    except Exception as error:  # report it on the endpoint's line and go on with the others
        traceback.print_exc(file=sys.stderr)
        result.error = f"{type(error).__name__}: {error}"
    return result


@contextmanager
def moto_cart_table() -> Iterator[dict[str, str]]:
    """The template's tables in moto, loaded with the demo fixture; the process environment and the
    core's cached clients are put back afterwards (the smoke test runs this inside pytest)."""
    saved = dict(os.environ)
    try:
        yield from _moto_cart_table()
    finally:
        os.environ.clear()
        os.environ.update(saved)
        from local.invoke import _clear_process_caches

        _clear_process_caches()


def _moto_cart_table() -> Iterator[dict[str, str]]:
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
    with mock_aws(), item_level_transaction_rollback():
        # moto intercepts through a handler every botocore session made after its import gets: a
        # session made earlier in this process (the core's, boto3's default) would reach real AWS.
        from cart_core.store import clients

        clients.renew_session()
        boto3.setup_default_session()
        create_tables(tables, boto3.client("dynamodb"), names)
        os.environ["TABLE_NAME"] = names["CartTable"]
        store.cache_clear()  # a client bound to an earlier moto (an earlier section) would miss this table
        fixture.load(store())
        yield names


@contextmanager
def item_level_transaction_rollback() -> Iterator[None]:
    """moto's TransactWriteItems keeps a deep copy of every table it touches, taken once per item of
    the transaction, to roll back a failed one: its cost grows with everything in the table (the
    products, the carts, the price book), not with what the transaction writes, and a 100-line run
    (100 more products in the table) paid several times a 1-line run's for the same write. DynamoDB
    pays nothing like it. Here, for our handler and the bare one alike, the rollback keeps a copy of
    the items the transaction names instead, and puts them back if it fails; moto's own copy is
    skipped (its ``copy.deepcopy`` of a table, for the call's duration, returns the table itself)."""
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    original = DynamoDBBackend.transact_write_items
    deepcopy = copy.deepcopy

    def table_kept(value: Any, memo: Any = None) -> Any:
        return value if isinstance(value, Table) else deepcopy(value, memo)

    def transact_write_items(backend: Any, transact_items: list[dict[str, Any]]) -> None:
        saved = []
        for entry in transact_items:
            op = next(iter(entry.values()))
            table_ = backend.get_table(op["TableName"])
            key = op.get("Item") or op["Key"]
            hash_key = DynamoType(key[table_.hash_key_attr])
            range_key = DynamoType(key[table_.range_key_attr]) if table_.range_key_attr else None
            saved.append((table_, hash_key, range_key, deepcopy(table_.get_item(hash_key, range_key))))
        copy.deepcopy = table_kept
        try:
            original(backend, transact_items)
        except Exception:
            for table_, hash_key, range_key, item in saved:
                where, name = (table_.items[hash_key], range_key) if range_key else (table_.items, hash_key)
                if item is None:
                    where.pop(name, None)
                else:
                    where[name] = item
            raise
        finally:
            copy.deepcopy = deepcopy

    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    try:
        yield
    finally:
        DynamoDBBackend.transact_write_items = original  # type: ignore[method-assign]


def blaze_routes(template: Any) -> list[tuple[str, str]]:
    events = template.functions()[FUNCTION].events.values()
    return [(e["Properties"]["Method"].upper(), e["Properties"]["Path"].removeprefix(BLAZE)) for e in events]


Rows = list[tuple[str, str, dict[str, Result]]]


def run_endpoints(budget: Budget) -> Rows:
    from local.template import Template

    template = Template.load()
    routes = blaze_routes(template)
    results: dict[tuple[str, str], dict[str, Result]] = {route: {} for route in routes}
    with moto_cart_table() as names:
        h = Harness(template, names)
        # Size by size, with only the products that size uses, so a smaller size never pays for a
        # larger one's table (moto's costs grow with it: see item_level_transaction_rollback).
        added = 0
        for size in budget.sizes:  # smallest first
            h.add_products(added, size.lines)
            added = max(added, size.lines)
            for n, route in enumerate(routes):
                scenario = SCENARIOS.get(route)
                if scenario is None:
                    results[route][size.label] = Result(error="no scenario in bench/endpoints.py for this route")
                else:
                    results[route][size.label] = measure(h, scenario, size, f"bench-{n}-{size.label}")
    return [(method, path, results[method, path]) for method, path in routes]


def calls_cell(result: Result) -> str:
    totals = [sum(c.values()) for c in result.calls]
    low, high = min(totals), max(totals)
    return str(low) if low == high else f"{low}-{high}"


def operations(calls: Counter[str]) -> str:
    return " ".join(name if n == 1 else f"{name}x{n}" for name, n in sorted(calls.items()))


def report_baseline(rows: Rows, budget: Budget) -> str:
    """Per endpoint and cart size: ours beside the bare baseline, and the p50 ratio with its target."""
    headers = ["endpoint", "lines", "N", "p50 ms", "p99 ms", "bare p50", "bare p99", "overhead p50 ms", "p50 ratio",
               "target", ""]  # fmt: skip
    cells, errors = [], []
    for method, path, results in rows:
        name = f"{method:<6} {path}"
        for size in budget.sizes:
            r = results[size.label]
            if r.error:
                cells.append([name, str(size.lines), *["-"] * 8, "ERROR"])
                errors.append(f"ERROR {name} [{size.label}]: {r.error}")
                continue
            p50, p99 = percentile(r.latencies_ms, 50), percentile(r.latencies_ms, 99)
            b50, b99 = percentile(r.bare_ms, 50), percentile(r.bare_ms, 99)
            cells.append(
                [name, str(size.lines), str(size.iterations), f"{p50:.2f}", f"{p99:.2f}", f"{b50:.2f}", f"{b99:.2f}",
                 f"{p50 - b50:.2f}", *ratio_cells(p50, b50, WARM_TARGET)]
            )  # fmt: skip
    return "\n".join([table(headers, cells), *errors])


def report_scaling(rows: Rows, budget: Budget) -> str:
    """Per endpoint: calls and p99 at each size, and the largest cart's p99 over the smallest's."""
    small, large = budget.sizes[0], budget.sizes[-1]
    headers = ["endpoint"]
    headers += [f"calls {s.lines}" for s in budget.sizes] + [f"p99 ms {s.lines}" for s in budget.sizes]
    headers += [f"p99 {large.lines}/{small.lines}", "target", ""]
    cells, ops = [], []
    for method, path, results in rows:
        name = f"{method:<6} {path}"
        if any(results[s.label].error for s in budget.sizes):
            cells.append([name, *["-"] * (2 * len(budget.sizes) + 2), "ERROR"])
            continue
        p99 = [percentile(results[s.label].latencies_ms, 99) for s in budget.sizes]
        cells.append(
            [name, *(calls_cell(results[s.label]) for s in budget.sizes), *(f"{p:.2f}" for p in p99),
             *ratio_cells(p99[-1], p99[0], SCALING_TARGET)]
        )  # fmt: skip
        seen = [operations(results[s.label].calls[0]) for s in budget.sizes]
        ops.append([name, " / ".join(dict.fromkeys(seen))])
    parts = [table(headers, cells), "", "DynamoDB operations per request (by cart size where they differ):"]
    parts.append(table(["endpoint", "operations"], ops))
    return "\n".join(parts)
