"""README.md's walkthroughs, run as written against a local cloud, so the README cannot drift from the
service.

The test reads README.md, takes every ``sh`` block under a heading that says "walkthrough", and runs its
commands in order with bash and the real curl: the variable assignments (``H=(…)``, ``B=…``, ``P=…``,
``L=…``) as a prelude, then each curl command exactly as written (continuation lines included). Only
these are rewritten: the base URL's ``127.0.0.1:3000`` becomes this test's cloud, the example POS
receiver ``http://127.0.0.1:9000/hooks`` becomes a receiver the test starts, and ``<id>`` becomes the
id of the response the README marks "note the id". Each command must answer 2xx, and the expectation
in its comment must hold. The grammar of those comments is in docs/testing.md ("README walkthroughs").

Asynchronous steps (self-validation, the payment worker, the webhook) are waited for by re-running a
GET until its expectation holds, within ``SETTLE_SECONDS``: reads are safe to repeat, as a person
following the README would do. Commands that change something run once.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pytest

from cart_core import webhooks
from local.webhook_receiver import WebhookReceiver
from tests.e2e.conftest import ROOT, start_cloud, stop_cloud

pytestmark = pytest.mark.e2e

README = ROOT / "README.md"
README_BASE = "http://127.0.0.1:3000"
README_RECEIVER = "http://127.0.0.1:9000/hooks"
ID_PLACEHOLDER = "<id>"
# The bound on waiting for an asynchronous step: locally each settles within about a second (stream and
# queue pollers every 0.2–1 s); the bound is generous for a loaded CI machine and only stops a hang.
SETTLE_SECONDS = 30.0
POLL_EVERY_SECONDS = 0.25
CURL_SECONDS = 30
# curl as the README calls it, plus the status on a line of its own after the body (and a bound).
CURL_PRELUDE = (
    f"curl() {{ command curl --show-error --max-time {CURL_SECONDS} --write-out '\\n%{{http_code}}' \"$@\"; }}"
)
EXPECTATION_MARK = "→"
CLOUD_LOG: list[str] = []  # the cloud's output, shown when a step fails


# ----- reading the README -------------------------------------------------------------------------


@dataclass
class Step:
    line: int  # where the command starts in README.md
    command: str  # as written, continuation lines included
    expect: str = ""  # the comment that says what comes back ("" = only a 2xx)

    @property
    def method(self) -> str:
        explicit = re.search(r"\s-X\s+([A-Z]+)", self.command)
        if explicit:
            return explicit.group(1)
        return "POST" if re.search(r"\s(-d|--data\S*)\s", self.command) else "GET"


@dataclass
class Walkthrough:
    title: str
    line: int
    items: list[str | Step] = field(default_factory=list)  # assignments (str) and commands, in order


ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def trailing_comment(line: str) -> tuple[str, str]:
    """(code, comment) for one shell line: the comment is a ``#`` outside quotes, after a blank."""
    quote = None
    for i, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip(), line[i + 1 :].strip()
    return line.rstrip(), ""


def walkthroughs(text: str) -> list[Walkthrough]:
    """Every ``sh`` block under a heading containing "walkthrough", in README order."""
    found: list[Walkthrough] = []
    lines = text.splitlines()
    heading, i = "", 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#") and not line.startswith("#!") and re.match(r"#+ ", line):
            heading = line.lstrip("#").strip()
        if line.strip() == "```sh" and "walkthrough" in heading.lower():
            walk = Walkthrough(heading, i + 1)
            i += 1
            while lines[i].strip() != "```":
                i = _read_item(lines, i, walk)
            found.append(walk)
        i += 1
    return found


def _read_item(lines: list[str], i: int, walk: Walkthrough) -> int:
    """Reads the item starting at ``lines[i]`` into ``walk``; returns the index after it."""
    stripped = lines[i].strip()
    if not stripped:
        return i + 1
    if stripped.startswith("#"):
        comment = stripped.lstrip("#").strip()
        last = walk.items[-1] if walk.items else None
        if comment.startswith(EXPECTATION_MARK):
            # "# → …" on its own line: the expectation of the command just above it.
            assert isinstance(last, Step) and not last.expect and _ends_just_above(lines, i, last), (
                f"README.md:{i + 1}: a '# {EXPECTATION_MARK}' line must follow the command it describes"
            )
            last.expect = comment[len(EXPECTATION_MARK) :].strip()
        return i + 1  # otherwise narration
    if ASSIGNMENT.match(stripped):
        walk.items.append(stripped)
        return i + 1
    assert stripped.startswith("curl "), f"README.md:{i + 1}: the walkthrough test runs only curl and assignments"
    start, parts = i, []
    while True:
        code, comment = trailing_comment(lines[i])
        parts.append(code)
        if not code.endswith("\\"):
            break
        assert not comment, f"README.md:{i + 1}: a comment cannot follow a continuation"
        i += 1
    walk.items.append(Step(start + 1, "\n".join(parts), comment))
    return i + 1


def _ends_just_above(lines: list[str], i: int, step: Step) -> bool:
    return step.line - 1 + step.command.count("\n") == i - 1


# ----- the expectation grammar ---------------------------------------------------------------------

MISSING = object()


@dataclass
class Scope:
    """Where the previous clause's field was found: later clauses look there first, then outward."""

    chain: list[Any]


def _lookup(node: Any, keys: list[str]) -> tuple[Any, list[Any]]:
    parents = []
    for key in keys:
        parents.append(node)
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return MISSING, []
    return node, parents


def _walk(node: Any, chain: list[Any]) -> Iterator[tuple[Any, list[Any]]]:
    yield node, chain
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        if isinstance(child, dict | list):
            yield from _walk(child, [*chain, node])


def resolve(document: Any, path: str, scope: Scope) -> Any:
    """``path`` (dot-separated keys, list indices as numbers) from the innermost object of the scope
    outwards to the root; else the one place in the document where it exists (MISSING if none, or if
    it is ambiguous)."""
    keys = path.split(".")
    for depth in range(len(scope.chain) - 1, -1, -1):
        value, parents = _lookup(scope.chain[depth], keys)
        if value is not MISSING:
            scope.chain = [*scope.chain[:depth], *parents]
            return value
    matches = []
    for node, chain in _walk(document, []):
        value, parents = _lookup(node, keys)
        if value is not MISSING:
            matches.append((value, [*chain, *parents]))
    if len(matches) != 1:
        return MISSING
    scope.chain = matches[0][1]
    return matches[0][0]


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _equals(actual: Any, written: str) -> bool:
    if written in ("true", "false"):
        return actual is (written == "true")
    if written == "null":
        return actual is None
    if written.endswith(("…", "...")):
        return isinstance(actual, str) and actual.startswith(written.rstrip(".…"))
    try:
        number = Decimal(written)
    except InvalidOperation:
        return actual == written
    return isinstance(actual, int | float) and not isinstance(actual, bool) and Decimal(str(actual)) == number


def check(document: Any, expectation: str) -> tuple[list[str], str | None]:
    """The clauses of ``expectation`` that do not hold (with why), and the id it asks to note."""
    failures, noted = [], None
    scope = Scope([document])
    for clause in (c.strip() for c in expectation.split(", ") if c.strip()):
        words = clause.split()
        if re.fullmatch(r'note the "?id"?', clause):
            noted = document.get("id") if isinstance(document, dict) else None
            if not noted:
                failures.append(f"{clause}: no id in the response")
        elif words[0] == "not" and len(words) == 2:
            value = resolve(document, words[1], scope)
            if value is MISSING or not (value is False or value is None or value in ("", [], {})):
                failures.append(f"{clause}: {words[1]} is {_show(value)}")
        elif len(words) == 2:
            value = resolve(document, words[0], scope)
            if value is MISSING or not _equals(value, words[1]):
                failures.append(f"{clause}: {words[0]} is {_show(value)}")
        elif len(words) == 1:
            value = resolve(document, words[0], scope)
            if value is MISSING:
                if words[0] not in set(_strings(document)):
                    failures.append(f"{clause}: neither a field nor a value in the response")
            elif value is False or value in (None, "", [], {}):
                failures.append(f"{clause}: {words[0]} is {_show(value)}")
        else:
            failures.append(f"{clause}: not in the grammar (docs/testing.md, README walkthroughs)")
    return failures, noted


def _show(value: Any) -> str:
    return "missing (or ambiguous)" if value is MISSING else json.dumps(value)


# ----- running them --------------------------------------------------------------------------------


@dataclass
class Outcome:
    status: int
    body: str

    @property
    def document(self) -> Any:
        return json.loads(self.body) if self.body.strip() else None


def run(prelude: list[str], command: str) -> Outcome:
    script = "\n".join([CURL_PRELUDE, *prelude, command])
    done = subprocess.run(  # bash runs the README's own commands, against loopback only
        ["bash", "-c", script], capture_output=True, text=True, timeout=CURL_SECONDS + 10, check=False
    )
    assert done.returncode == 0, f"bash/curl failed ({done.returncode}): {done.stderr}\n{command}"
    body, _, status = done.stdout.rpartition("\n")
    return Outcome(int(status), body)


@dataclass
class Pos:
    """The POS the checkout walkthrough subscribes: the test's receiver, and the secret it was given."""

    receiver: WebhookReceiver
    secret: str | None = None

    def got(self, event: str, cart_id: str | None) -> str | None:
        """Why the POS has not (yet) got ``event`` for ``cart_id``, correctly signed; None once it has."""
        if self.secret is None:
            return f"webhook {event}: no POS subscribed the example receiver before this step"
        for headers, body in list(self.receiver.received):
            payload = json.loads(body)
            if payload.get("event") == event and payload.get("cart", {}).get("id") == cart_id:
                if not webhooks.verify(self.secret, body, headers["X-Event-Signature"]):
                    return f"webhook {event}: X-Event-Signature does not verify with the subscription's secret"
                if not webhooks.verify_standard(self.secret, headers, body):
                    return f"webhook {event}: webhook-signature does not verify with the subscription's secret"
                return None
        got = [json.loads(body).get("event") for _headers, body in self.receiver.received]
        return f"webhook {event}: the POS has not received it for cart {cart_id} (it got {got})"


def run_step(prelude: list[str], step: Step, command: str, noted: str | None, pos: Pos) -> str | None:
    """Run once; a GET is re-run until its expectation holds (the asynchronous steps), within a bound.
    A ``webhook EVENT`` clause waits, within the same bound, for the POS to get it. Returns the id
    the step notes, if it notes one."""
    clauses = [c.strip() for c in step.expect.split(", ") if c.strip()]
    hooks = [c.split()[1] for c in clauses if c.startswith("webhook ") and len(c.split()) == 2]
    expect = ", ".join(c for c in clauses if not (c.startswith("webhook ") and len(c.split()) == 2))
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        outcome = run(prelude, command)
        failures = [f"HTTP {outcome.status}"] if not 200 <= outcome.status < 300 else []
        newly_noted = None
        if not failures and expect:
            try:
                failures, newly_noted = check(outcome.document, expect)
            except json.JSONDecodeError:
                failures = ["the response is not JSON"]
        if not failures or step.method != "GET" or time.monotonic() > deadline:
            break
        time.sleep(POLL_EVERY_SECONDS)
    while hooks and not failures:
        waiting = [why for event in hooks if (why := pos.got(event, newly_noted or noted))]
        if not waiting:
            break
        if time.monotonic() > deadline:
            failures = waiting
        time.sleep(POLL_EVERY_SECONDS)
    if failures:
        pytest.fail(
            f"README.md:{step.line} does not do what its comment says ({step.expect or '2xx'}):\n"
            f"  {'; '.join(failures)}\n  command: {command}\n  response {outcome.status}: {outcome.body[:2000]}\n"
            f"  the cloud's last lines:\n{''.join(CLOUD_LOG[-20:])}"
        )
    return newly_noted


@pytest.fixture(scope="module")
def readme_cloud() -> Iterator[str]:
    """A cloud of its own, fresh as after `make local`: the walkthroughs subscribe a POS for the demo
    organization and use the consumers alice and bob, which must not meet the other tests' state. The
    POS deadline is the location's 10 minutes, as in `make local`, not the other tests' 3 s."""
    cloud, process = start_cloud({"CART_VALIDATION_TIMEOUT_SECONDS": "600"}, CLOUD_LOG)
    try:
        yield cloud.url
    finally:
        stop_cloud(process)


def test_readme_walkthroughs_parse_into_steps_with_expectations() -> None:
    # Given README.md; Then it has the three walkthroughs, and every comment on a command is in the grammar
    walks = walkthroughs(README.read_text())
    assert len(walks) == 3  # the BLAZE walkthrough, the POS checkout walkthrough, the NewStore associate walkthrough
    steps = [item for walk in walks for item in walk.items if isinstance(item, Step)]
    assert len(steps) >= 10 and any("note the" in step.expect for step in steps)
    for step in steps:
        for clause in (c for c in step.expect.split(", ") if c):
            assert len(clause.split()) <= 2 or re.fullmatch(r'note the "?id"?', clause), (step.line, clause)


def test_the_expectation_grammar() -> None:
    document = {"id": "c1", "accepted": True, "prepaid": False, "chargeId": "ch_1", "orderNo": "123",
                "cart": {"total": 24.36, "taxResult": {"totalCityTax": 0.45}, "changeDue": 5.64},
                "values": [{"accepted": True, "prepaid": False, "chargeId": None}], "cartStatus": "CanceledByConsumer"}  # fmt: skip
    assert check(document, 'note the "id"') == ([], "c1")
    assert check(document, "cart.total 24.36, taxResult.totalCityTax 0.45, total 24.36, changeDue 5.64") == ([], None)
    assert check(document, "accepted, orderNo, not prepaid, chargeId ch_…, CanceledByConsumer") == ([], None)
    assert check(document, "values.0.accepted, not prepaid, chargeId null") == ([], None)
    # And each kind of clause can fail
    assert len(check(document, "prepaid, not accepted, cart.total 24.35, chargeId manual_…, Paid")[0]) == 5
    assert len(check(document, "total 1, a b c")[0]) == 2  # 24.36, and not a clause


def test_the_readme_walkthroughs_do_what_they_say(readme_cloud: str) -> None:
    assert shutil.which("curl") and shutil.which("bash"), "the README walkthroughs need bash and curl"
    pos = Pos(WebhookReceiver())
    try:
        text = README.read_text().replace(README_BASE, readme_cloud).replace(README_RECEIVER, pos.receiver.url)
        prelude: list[str] = []
        noted: str | None = None
        for walk in walkthroughs(text):
            for item in walk.items:
                if isinstance(item, str):
                    prelude.append(item)  # assignments carry over, as in one terminal
                    continue
                if ID_PLACEHOLDER in item.command:
                    assert noted, f"README.md:{item.line} uses <id> before any response was marked 'note the id'"
                command = item.command.replace(ID_PLACEHOLDER, noted or "")
                if pos.receiver.url in command:  # the POS subscribes: remember the secret it chose
                    found = re.search(r'"secret"\s*:\s*"([^"]+)"', command)
                    pos.secret = found.group(1) if found else None
                noted = run_step(prelude, item, command, noted, pos) or noted
        # Then the checkout walkthrough did have a POS listening
        assert pos.secret, "the checkout walkthrough subscribes the example receiver with a secret"
    finally:
        pos.receiver.close()
