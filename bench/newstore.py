"""The NewStore face's hot calls, warm and in-process against moto, beside the bare boto3 baseline.

GET a cart, PATCH its products, PATCH its payments, at 1, 10 and 100 lines: the NewStore function
wired from template.yaml as the BLAZE endpoints are (bench/endpoints.py: the same harness, the same
interleaved measurement, the same baseline replaying the calls our request made), called directly
with the authorizer's context already set (a NewStore client of demo's ``main`` store).
"""

from __future__ import annotations

from typing import Any

from bench.common import Budget, CartSize, percentile, ratio_cells, table
from bench.endpoints import (
    WARM_TARGET,
    Harness,
    NextRequest,
    Request,
    Result,
    measure,
    moto_cart_table,
    operations,
)

FUNCTION = "NewstoreShoppingFunction"
CARTS = "/shopping/carts"
CALLER = {"tenantId": "demo", "locationId": "main", "scheme": "newstore", "clientId": "demo-newstore-client"}


def products(size: CartSize) -> list[dict[str, Any]]:
    return [
        {"product_id": f"bench-{i}", "quantity": 1, "fulfillment_group": {"type": "IN_STORE_HANDOVER"}}
        for i in range(size.lines)
    ]


class NewstoreHarness(Harness):
    """The harness of bench/endpoints.py, with NewStore's paths and authorizer context."""

    base_path = ""
    caller = CALLER

    def created(self, size: CartSize) -> str:
        return str(self.ok(Request("POST", CARTS, {"products": products(size)}))["id"])


def _get(h: Harness, size: CartSize, tag: str) -> NextRequest:
    assert isinstance(h, NewstoreHarness)
    request = Request("GET", f"{CARTS}/{h.created(size)}")
    return lambda _: request


def _patch_products(h: Harness, size: CartSize, tag: str) -> NextRequest:
    assert isinstance(h, NewstoreHarness)
    cart_id = h.created(size)
    # The first product's fulfillment group alternates, so each request changes the cart (one
    # conditional write every time) within the 100-item limit.
    groups = ("SHIPPING", "IN_STORE_HANDOVER")

    def request(i: int) -> Request:
        lines = products(size)
        lines[0] = {**lines[0], "fulfillment_group": {"type": groups[i % 2]}}
        return Request("PATCH", f"{CARTS}/{cart_id}", {"products": lines})

    return request


def _patch_payments(h: Harness, size: CartSize, tag: str) -> NextRequest:
    assert isinstance(h, NewstoreHarness)
    cart_id = h.created(size)
    # A captured payment (recorded at the client's word: no processor call) whose amount alternates.
    return lambda i: Request(
        "PATCH",
        f"{CARTS}/{cart_id}",
        {"payments": {"cap_bench": {"type": "captured", "amount": 1 + i % 2, "method": "cash"}}},
    )


CALLS = {"GET cart": _get, "PATCH products": _patch_products, "PATCH payments": _patch_payments}
Rows = list[tuple[str, dict[str, Result]]]


def run_newstore(budget: Budget) -> Rows:
    from local.template import Template

    template = Template.load()
    results: dict[str, dict[str, Result]] = {name: {} for name in CALLS}
    with moto_cart_table() as names:
        h = NewstoreHarness(template, names)
        added = 0
        for size in budget.sizes:  # smallest first, with only the products that size uses
            h.add_products(added, size.lines)
            added = max(added, size.lines)
            for n, (name, scenario) in enumerate(CALLS.items()):
                results[name][size.label] = measure(h, scenario, size, f"ns-{n}-{size.label}")
    return [(name, results[name]) for name in CALLS]


def report_newstore(rows: Rows, budget: Budget) -> str:
    headers = [
        "call",
        "lines",
        "N",
        "p50 ms",
        "p99 ms",
        "bare p50",
        "bare p99",
        "p50 ratio",
        "target",
        "",
        "operations",
    ]
    cells, errors = [], []
    for name, results in rows:
        for size in budget.sizes:
            r = results[size.label]
            if r.error:
                cells.append([name, str(size.lines), *["-"] * 7, "ERROR", ""])
                errors.append(f"ERROR {name} [{size.label}]: {r.error}")
                continue
            p50, p99 = percentile(r.latencies_ms, 50), percentile(r.latencies_ms, 99)
            b50, b99 = percentile(r.bare_ms, 50), percentile(r.bare_ms, 99)
            cells.append(
                [name, str(size.lines), str(size.iterations), f"{p50:.2f}", f"{p99:.2f}", f"{b50:.2f}", f"{b99:.2f}",
                 *ratio_cells(p50, b50, WARM_TARGET), operations(r.calls[-1])]
            )  # fmt: skip
    return "\n".join([table(headers, cells), *errors])
