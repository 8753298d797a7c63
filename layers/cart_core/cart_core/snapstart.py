"""Lambda SnapStart: nothing made before the snapshot is shared by the copies restored from it.

With SnapStart (template.yaml: the API functions), Lambda runs a function's init once, when a version
is published, snapshots the memory of that environment, and resumes every new execution environment
of the version from the snapshot. Whatever init left in memory is then the same in every copy, so
after a restore ``renew`` gives each copy its own:

- ``random``'s state, re-seeded from the OS (the unit of work's retry jitter, botocore's back-off:
  copies must not back off in step). ``secrets``, ``uuid4`` and ``os.urandom`` keep no state in
  the process (each call asks the kernel) and are called in invocations, never at init.
- the AWS clients and what they hold: credentials fetched at init (they belong to the snapshot's
  moment and may have expired since) and open connections (their sockets did not survive). The
  clients' botocore session (``store.clients``, and boto3's default one if a library made it) is
  replaced by a new one, which fetches its own credentials; it keeps the old one's data loader
  (parsed service models, no secrets), so rebuilding a client costs little. The
  ``cart_core.runtime`` builders forget what they built (``on_restore``) and build again when first
  called.
- per-process memos that must not be shared, registered with ``on_restore`` where they live (the
  authorizer's cold-start flag), and Powertools' cold-start flags: a restored copy's first invocation
  is its cold start, also when a priming invocation ran before the snapshot.

The hooks are registered with ``snapshot_restore_py``, the library Lambda's Python runtime ships
(AWS: "Lambda SnapStart runtime hooks for Python"), when it is importable; elsewhere (the tests, the
local cloud, a function without SnapStart) importing this module registers nothing and costs a
failed module lookup. Lambda runs only hooks registered by modules the handler's module imports:
``cart_core.runtime`` imports this one, and every function imports the runtime.
"""

from __future__ import annotations

import gc
import importlib.util
import logging
import random
import sys
from collections.abc import Callable

logger = logging.getLogger(__name__)

_renewals: list[Callable[[], None]] = []
_primers: list[Callable[[], object]] = []

# Powertools modules that keep a module-wide cold-start flag (Logger's cold_start key, the ColdStart
# metric, the Tracer's annotation); each is reset only if the function imported it.
POWERTOOLS_COLD_START_FLAGS = (
    "aws_lambda_powertools.logging.logger",
    "aws_lambda_powertools.metrics.provider.cold_start",
    "aws_lambda_powertools.tracing.tracer",
)


def on_restore(renewal: Callable[[], None]) -> Callable[[], None]:
    """Run ``renewal`` after every restore (in registration order, after the module's own renewals)."""
    _renewals.append(renewal)
    return renewal


def before_snapshot(primer: Callable[[], object]) -> Callable[[], object]:
    """Run ``primer`` before the snapshot is taken, so the snapshot holds what it imports and builds.
    A primer must not write anything anywhere; a failing one is logged and skipped (the snapshot is
    then just less warm)."""
    _primers.append(primer)
    return primer


def prime() -> None:
    """The before-snapshot hook: every registered primer, then what init left alive frozen out of the
    garbage collector's reach (``gc.freeze``: the imported modules, the clients' models), so full
    collections in the restored copies never scan it again."""
    for primer in _primers:
        try:
            primer()
        except Exception:  # a warm-up is an optimisation: it must never stop a version's publication
            logger.warning("SnapStart primer %s failed", getattr(primer, "__qualname__", primer), exc_info=True)
    gc.collect()
    gc.freeze()


def renew() -> None:
    """The after-restore hook (see the module's docstring)."""
    random.seed()  # no argument: from os.urandom
    _renew_aws_session()
    for name in POWERTOOLS_COLD_START_FLAGS:
        module = sys.modules.get(name)
        if module is not None:
            module.is_cold_start = True  # type: ignore[attr-defined]
    for renewal in _renewals:
        renewal()


def _renew_aws_session() -> None:
    """A new botocore session for the process's clients (``store.clients``), and a new boto3 default
    session if a library imported boto3 and made one; each keeps the old one's data loader. Nothing
    at all for what was never imported."""
    clients = sys.modules.get("cart_core.store.clients")
    if clients is not None:
        clients.renew_session()
    boto3 = sys.modules.get("boto3")
    if boto3 is None or boto3.DEFAULT_SESSION is None:
        return
    import botocore.session

    fresh = botocore.session.get_session()
    fresh.register_component("data_loader", boto3.DEFAULT_SESSION._session.get_component("data_loader"))
    boto3.setup_default_session(botocore_session=fresh)


def register() -> bool:
    """Register ``prime`` and ``renew`` with Lambda's runtime when it offers SnapStart hooks; whether
    it did. Called once, at this module's import."""
    if importlib.util.find_spec("snapshot_restore_py") is None:
        return False
    from snapshot_restore_py import register_after_restore, register_before_snapshot

    register_before_snapshot(prime)
    register_after_restore(renew)
    return True


registered = register()
