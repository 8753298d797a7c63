"""A function's init (its imports, its settings, its clients) runs without the cyclic garbage collector.

Every function's ``app.py`` wraps its imports and module-level setup in ``with init_phase():``
(docs/architecture.md, Import discipline). Init allocates some 130,000 objects (the modules, the
pydantic validators, botocore's service model) and nearly all of them live as long as the process:
the collector, run every 700 allocations, walks them again and again and finds almost nothing (about
a thousand objects of a cold start's garbage are cycles). That was 30-60 ms of a face's cold start,
more than any single module. At the end of init everything built is moved to the permanent
generation (``gc.freeze``), so later collections during invocations skip it too, and the collector
is switched back on for the invocations.

This module imports nothing but ``gc`` and ``contextlib``: it runs before everything else.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def init_phase() -> Iterator[None]:
    """Run the body with the collector off; then freeze what it built and switch the collector on.

    Re-entrant and polite: when the collector is already off (an init inside another, as the local
    cloud may import a function while importing another, or a host that switched it off), it is
    left as found. If init fails the collector is switched back on all the same (the tests and the
    local cloud go on in the same process)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        gc.enable()
