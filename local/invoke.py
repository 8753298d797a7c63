"""``make invoke FN=<LogicalId> EVENT=events/<folder>/<file>.json``: one function, one event.

The Docker-free twin of ``sam local invoke``, against a fully provisioned local environment: the AWS
emulator (local/aws.py) with everything template.yaml declares (tables, event bus and rules, queues
and dead-letter queues, KMS key; local/resources.py), the demo fixture, and, for a sample in events/,
the records it names seeded in the state it needs (local/samples.py). The function runs with its
environment from template.yaml. It prints the function's answer (JSON) on stdout and, last on stderr,
one line: what was seeded and whether the answer is the one the sample is named for (exit 0 when it
is, 1 when not). ``make invoke`` alone lists every function and its samples; ``EVENT`` alone infers
``FN`` from the sample's folder.

tests/integration/test_sample_events.py runs every sample through ``LocalEnvironment.run_sample``,
the same path.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local.samples import (
    LOCATION,
    SAMPLE_CART,
    TENANT,
    WEBHOOK_SECRET,
    Expect,
    Sample,
    Seeding,
    describe,
    function_of,
    key_of,
    samples,
)
from local.template import ROOT, Template
from local.webhook_receiver import WebhookReceiver

STACK = "cart-local"
_MISSING = object()


@contextlib.contextmanager
def offline_dns(answers: dict[str, str]) -> Iterator[None]:
    """Resolve the hosts in ``answers`` (filled by the seeds) without the network; others as usual."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port or 0))]
        return real(host, port, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]
    try:
        yield
    finally:
        socket.getaddrinfo = real  # type: ignore[assignment]


@contextlib.contextmanager
def process_environment(values: dict[str, str | None]) -> Iterator[None]:
    """Set (or, for None, remove) process variables for one run and put the old values back."""
    import os

    def apply(settings: dict[str, str | None]) -> None:
        for name, value in settings.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    previous = {name: os.environ.get(name) for name in values}
    try:
        apply(values)
        yield
    finally:
        apply(previous)


def _clear_process_caches() -> None:
    """A run provisions afresh: clients and settings cached by the core are rebuilt (as on a cold start)."""
    from cart_core import config, runtime

    config.settings.cache_clear()
    for cached in (runtime.store, runtime._table, runtime.use_cases, runtime._subscription_service, runtime.event_bus):
        cached.cache_clear()
    runtime.work_queue.cache_clear()


def _at(value: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return _MISSING
    return value


@dataclass
class Outcome:
    function: str
    event: str
    answer: Any
    seeded: str
    expected: Expect | None  # None: not a sample in events/, so no named answer
    problems: list[str] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return self.expected is not None and not self.problems

    def summary(self) -> str:
        if self.expected is None:
            verdict = "not a sample in events/, so no named answer to compare"
            if self.problems:
                verdict += f"; {'; '.join(self.problems)}"
        elif self.matches:
            verdict = f"matches the named answer ({describe(self.expected)})"
        else:
            verdict = f"DOES NOT MATCH the named answer ({describe(self.expected)}): {'; '.join(self.problems)}"
        return " ".join(f"{self.function} {self.event}: seeded {self.seeded}; {verdict}".split())  # one line


class LocalEnvironment:
    """The AWS emulator, provisioned afresh from template.yaml for each run.

    ``endpoint``: an emulator already running (the tests' session emulator); otherwise one is started
    in this process. ``stack`` prefixes physical names; within one process keep it fixed, since a
    function module binds some names when first imported, as a warm Lambda does.
    """

    def __init__(self, endpoint: str | None = None, stack: str = STACK, template: Template | None = None) -> None:
        self.template = template or Template.load()
        self.stack = stack
        self.endpoint = endpoint
        self._emulator: Any = None

    def __enter__(self) -> LocalEnvironment:
        if self.endpoint is None:
            from local.aws import AwsEmulator

            self._emulator = AwsEmulator().start()
            self.endpoint = self._emulator.endpoint
        return self

    def __exit__(self, *exc: object) -> None:
        if self._emulator is not None:
            self._emulator.stop()

    def run_sample(self, path: Path, seed: bool = True) -> Outcome:
        """Run a sample in events/ with its function, seeded as the sample needs (``seed=False``: the
        demo fixture only, which shows the named answer depends on the seed)."""
        key = key_of(path)
        if key is None or key not in samples():
            raise KeyError(f"{path} is not a sample in events/ (local/samples.py: samples())")
        function = function_of(key)
        assert function is not None
        return self.run(function, path, samples()[key], seed)

    def run(self, function: str, path: Path, sample: Sample | None, seed: bool = True) -> Outcome:
        event = json.loads(path.read_text())
        assert self.endpoint is not None, "use LocalEnvironment as a context manager"
        aws: dict[str, str | None] = {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_PROFILE": None,
            # As in the local cloud: webhook receivers on this machine (the run's receiver).
            "ALLOW_LOOPBACK_WEBHOOK_URLS": "true",
        }
        with process_environment(aws):
            import requests

            from local.resources import provision
            from local.runtime import FunctionRuntime

            requests.post(f"{self.endpoint}/moto-api/reset", timeout=10)
            names = provision(self.template, self.stack)
            runtime = FunctionRuntime(self.template, names)  # puts the layer on sys.path
            keys = [names[logical_id] for logical_id in self.template.of_type("AWS::KMS::Key")]
            # What the seeds need of the functions' configuration: the table, and the key that seals secrets.
            core = {"TABLE_NAME": names["CartTable"], "WEBHOOK_SECRET_KEY_ID": keys[0] if keys else None}
            with process_environment(core):
                _clear_process_caches()
                try:
                    return self._run(runtime, names, function, path, event, sample, seed)
                finally:
                    _clear_process_caches()

    def _run(
        self,
        runtime: Any,
        names: dict[str, str],
        function: str,
        path: Path,
        event: Any,
        sample: Sample | None,
        seed: bool,
    ) -> Outcome:
        from cart_core.runtime import store, subscription_service, use_cases
        from local.fixture import load

        load(store())
        dns: dict[str, str] = {}
        receivers: list[WebhookReceiver] = []

        def receiver_url() -> str:
            receivers.append(WebhookReceiver())
            return receivers[-1].url

        seeding = Seeding(store(), use_cases(), subscription_service(), dns, receiver_url)
        seeded = "the demo fixture only"
        if sample is not None and seed:
            seeded = sample.scenario.description
        shown = _shown(path)
        error: BaseException | None = None
        try:
            with offline_dns(dns):
                if sample is not None and seed:
                    try:
                        sample.scenario.seed(seeding)
                    except Exception as failed:  # the core refused the scenario: say so, invoke nothing
                        problem = f"seeding failed, so {function} was not invoked: {_first_line(failed)}"
                        return Outcome(function, shown, None, seeded, sample.expect, [problem])
                try:
                    answer = runtime.invoke(function, event)
                except Exception as raised:  # a function error, reported as Lambda reports it
                    error = raised
                    answer = {"errorType": type(raised).__name__, "errorMessage": str(raised)}
            outcome = Outcome(function, shown, answer, seeded, sample.expect if sample else None)
            if sample is None:
                if error is not None:
                    outcome.problems.append(f"the function raised {_first_line(error)}")
            else:
                outcome.problems = self._check(sample.expect, answer, error, names, receivers)
            return outcome
        finally:
            for receiver in receivers:
                receiver.close()

    def _check(
        self,
        expect: Expect,
        answer: Any,
        error: BaseException | None,
        names: dict[str, str],
        receivers: list[WebhookReceiver],
    ) -> list[str]:
        problems = []
        if error is not None:
            return [f"the function raised {_first_line(error)}"]
        subject = answer
        if expect.status is not None:
            status = answer.get("statusCode") if isinstance(answer, dict) else None
            if status != expect.status:
                problems.append(f"status {status}, body {answer.get('body') if isinstance(answer, dict) else answer}")
            subject = _body_of(answer)
        for fact_path, want in expect.facts.items():
            got = _at(subject, fact_path)
            if got is _MISSING or got != want:
                problems.append(f"{fact_path} is {'missing' if got is _MISSING else repr(got)}")
        if expect.cart:
            from cart_core.runtime import store

            cart = store().load(TENANT, LOCATION, SAMPLE_CART).cart
            document = cart.model_dump(mode="json") if cart else None
            for fact_path, want in expect.cart.items():
                got = _at(document, fact_path) if document else _MISSING
                if got is _MISSING or got != want:
                    problems.append(f"cart {fact_path} is {'missing' if got is _MISSING else repr(got)}")
        if expect.published and not self._routed(expect.published, names):
            problems.append(f"no {expect.published} for {SAMPLE_CART} reached the queues its rules target")
        if expect.delivered:
            problems += _delivery_problems(receivers)
        return problems

    def _routed(self, event_type: str, names: dict[str, str]) -> bool:
        """Whether the bus delivered ``event_type`` for the sample cart to every queue the template's
        rules for it target (the rule, the target and the bus are all exercised)."""
        import boto3

        from local.resources import queue_url_for_arn
        from local.template import resolve

        sqs = boto3.client("sqs")
        targets = [
            resolve(target["Arn"], names, self.template.parameter_defaults())
            for rule in self.template.of_type("AWS::Events::Rule").values()
            if event_type in rule["Properties"]["EventPattern"].get("detail-type", [])
            for target in rule["Properties"]["Targets"]
        ]
        for arn in targets:
            url = queue_url_for_arn(names, arn)
            bodies = [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])]
            envelopes = [json.loads(body) for body in bodies]
            if not any(e["detail-type"] == event_type and e["detail"]["cart_id"] == SAMPLE_CART for e in envelopes):
                return False
        return bool(targets)


def _delivery_problems(receivers: list[WebhookReceiver]) -> list[str]:
    from cart_core import webhooks

    requests = [request for receiver in receivers for request in receiver.received]
    if len(requests) != 1:
        return [f"the local receiver got {len(requests)} webhooks, not 1"]
    headers, body = requests[0]
    problems = []
    if not webhooks.verify_standard(WEBHOOK_SECRET, headers, body):
        problems.append("the webhook's signature does not verify")
    if json.loads(body).get("cart", {}).get("id") != SAMPLE_CART:
        problems.append("the webhook is not about the sample cart")
    return problems


def _body_of(answer: Any) -> Any:
    """An API answer's body: its JSON, or its text when it is not JSON (Medusa's plain-text "OK")."""
    body = answer.get("body") if isinstance(answer, dict) else None
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return body


def _first_line(error: BaseException) -> str:
    return f"{type(error).__name__}: {(str(error).strip().splitlines() or [''])[0]}"


def _shown(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return path.resolve().relative_to(ROOT).as_posix()
    return str(path)


# ----- the command line ----------------------------------------------------------------------


def listing(template: Template) -> str:
    lines = ["Functions and their sample events; run one with the command shown:", ""]
    by_function: dict[str, list[str]] = {}
    for key in sorted(samples()):
        by_function.setdefault(function_of(key), []).append(key)
    for function in template.functions():
        lines.append(function)
        keys = by_function.get(function, [])
        lines += [f"  make invoke FN={function} EVENT=events/{key}" for key in keys] or ["  (no samples)"]
    lines += ["", "EVENT alone also works (FN is the sample folder's function); any other event file needs FN."]
    return "\n".join(lines)


def _refuse(message: str, template: Template) -> int:
    print(f"make invoke: {message}", file=sys.stderr)
    print(listing(template), file=sys.stderr)
    return 2


def main(argv: list[str]) -> int:
    template = Template.load()
    args = [a for a in argv if a]
    if not args:
        print(listing(template))
        return 0
    if len(args) > 2:
        return _refuse(f"expected FN and EVENT, got {' '.join(args)}", template)
    function: str | None = None
    if len(args) == 1 and not (args[0].endswith(".json") or "/" in args[0]):
        function, event_arg = args[0], None
    elif len(args) == 1:
        event_arg = args[0]
    else:
        function, event_arg = args
    if function is not None and function not in template.functions():
        return _refuse(f"unknown function {function!r} (FN is a function's logical id in template.yaml)", template)
    if event_arg is None:
        return _refuse(f"no EVENT given for {function}", template)
    path = Path(event_arg)
    if not path.is_file():
        return _refuse(f"no such event file: {event_arg}", template)
    key = key_of(path)
    sample = samples().get(key) if key else None
    owner = function_of(key) if key else None
    if function is None:
        if owner is None:
            return _refuse(f"cannot tell which function {event_arg} is for: give FN=<LogicalId>", template)
        function = owner
    elif sample is not None and owner != function:
        return _refuse(f"{event_arg} is a sample for {owner}, not {function}", template)
    try:
        json.loads(path.read_text())
    except ValueError as error:
        return _refuse(f"{event_arg} is not JSON: {error}", template)

    # Functions log (Powertools JSON) to stdout, as on Lambda; here their logs go to stderr so that
    # stdout carries only the answer, as with `sam local invoke`. Set before any function is imported.
    answer_out, sys.stdout = sys.stdout, sys.stderr
    try:
        with LocalEnvironment(template=template) as environment:
            outcome = environment.run(function, path, sample)
    finally:
        sys.stdout = answer_out
    print(json.dumps(outcome.answer, indent=2))
    sys.stdout.flush()
    print(outcome.summary(), file=sys.stderr)
    if sample is None:
        return 0 if not outcome.problems else 1
    return 0 if outcome.matches else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
