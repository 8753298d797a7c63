"""The local runtime's per-thread environment: functions running at once each see their own."""

from __future__ import annotations

import os
import threading

from local.runtime import function_environ


def test_concurrent_invocations_each_read_their_own_functions_variables() -> None:
    """Given two functions whose TABLE_NAME differ, running at the same moment on two threads
    When each reads its environment (os.environ and os.getenv) and writes a variable
    Then each sees its own value, writes stay with the writer, and the process environment is untouched."""
    environ = function_environ()
    both_inside = threading.Barrier(2)
    seen: dict[str, tuple] = {}

    def invocation(function: str) -> None:
        with environ.using({"TABLE_NAME": f"table-of-{function}"}):
            both_inside.wait()
            os.environ["SCRATCH"] = function
            both_inside.wait()
            seen[function] = (os.environ["TABLE_NAME"], os.getenv("TABLE_NAME"), os.environ["SCRATCH"])

    threads = [threading.Thread(target=invocation, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert seen == {"a": ("table-of-a", "table-of-a", "a"), "b": ("table-of-b", "table-of-b", "b")}
    assert "SCRATCH" not in os.environ
    assert os.environ.get("PATH") == environ.process.get("PATH")  # the process's variables show through
