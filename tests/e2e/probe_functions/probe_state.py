"""The probe's shared state, outside its package: concurrent invocations run in separate execution
environments (private copies of ``local_cloud_probe``), as on Lambda, so what they share must live
elsewhere, as a real function's would live in a store."""

from __future__ import annotations

import threading
from collections import defaultdict

releases: defaultdict[str, threading.Event] = defaultdict(threading.Event)
holding: set[str] = set()
