"""The probes' shared state, outside their package: concurrent invocations run in separate execution
environments (private copies of ``local_cloud_probe``), as on Lambda, so what they share must live
elsewhere, as a real function's would live in a store."""

from __future__ import annotations

import threading
from collections import defaultdict

releases: defaultdict[str, threading.Event] = defaultdict(threading.Event)
holding: set[str] = set()

lock = threading.Lock()
authorizer_calls: list[dict] = []  # each call of the probe authorizer: its type, identity and method ARN
stream_batches: list[list[str]] = []  # the keys of each batch the stream probe was given, in order
sqs_receipts: list[dict] = []  # each message the queue probe was given: body, receive count, time
