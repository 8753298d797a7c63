"""One face invoked from many threads at once: each request gets its own answer.

Lambda never runs two invocations in one execution environment, and Powertools relies on it (the
resolver keeps the current request on the module's ``app``). The local runtime must give each
concurrent invocation an environment of its own, or requests read each other's parameters.
"""

from __future__ import annotations

import inspect
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.conftest import InProcessApi


def test_concurrent_requests_to_one_face_each_get_their_own_answer(api: InProcessApi) -> None:
    # Given 24 consumers asking the same face at the same moment (threads switching very often, so
    # a shared resolver would be caught between two requests)
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    consumers = [f"parallel-{i}" for i in range(24)]
    start = threading.Barrier(len(consumers))

    def active_cart(cuid: str) -> tuple[str, int, Any]:
        start.wait()
        response = api.blaze("GET", f"/active?cuid={cuid}")
        return cuid, response.status, response.json()

    # When every request runs concurrently
    try:
        with ThreadPoolExecutor(len(consumers)) as pool:
            answers = list(pool.map(active_cart, consumers))
    finally:
        sys.setswitchinterval(previous)

    # Then each answered 200 with its own consumer's cart, never another request's
    assert [(cuid, status) for cuid, status, _ in answers] == [(cuid, 200) for cuid in consumers]
    assert [body["consumerId"] for _, _, body in answers] == consumers
    assert len({body["id"] for _, _, body in answers}) == len(consumers)


def test_a_private_environment_leaves_the_shared_modules_in_place(api: InProcessApi) -> None:
    # Given the face's normal import
    primary = api.runtime.handler("BlazeCartFunction")
    modules_before = {name: id(m) for name, m in sys.modules.items() if name.startswith("blaze_cart")}

    # When a second execution environment is made
    private = api.runtime._private_import("BlazeCartFunction")

    # Then it is a separate copy, and sys.modules still holds the first one
    assert private is not primary
    assert inspect.unwrap(private).__globals__["app"] is not inspect.unwrap(primary).__globals__["app"]
    assert {name: id(m) for name, m in sys.modules.items() if name.startswith("blaze_cart")} == modules_before


def test_the_runtime_sees_every_face_as_a_resolver(api: InProcessApi) -> None:
    # Given every registered face (its handler built by the face kit, in the face's own module)
    from cart_core.faces import faces

    # Then the local runtime finds its Powertools resolver there, so the faces take one request at a
    # time among them (Powertools keeps the current request process-wide); the workers are not faces
    assert all(api.runtime.uses_resolver(face.function) for face in faces())
    assert not api.runtime.uses_resolver("StreamOutboxFunction")
