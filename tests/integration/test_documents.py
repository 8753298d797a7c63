"""A placed cart's document mailed through SES (moto) once per address (usecases/documents.py):
the send is recorded with a conditional write before the mail goes out, taken back when the mail
service fails, and two concurrent sends mail once."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import boto3
import pytest

from cart_core import runtime
from cart_core.actors import Actor, ActorKind
from cart_core.documents import NoDocument
from cart_core.errors import InvalidRequest, NotFound, ServiceUnavailable
from cart_core.mail import MailMessage
from cart_core.receipts import receipt_mail
from cart_core.tenancy import Caller
from cart_core.usecases.carts import CartEdits, LineEdit

ASSOCIATE = Caller(tenant_id="demo", location_id="main", actor=Actor(kind=ActorKind.ASSOCIATE, id="assoc-7"))
OTHER_TENANT = Caller(tenant_id="acme", location_id="main", actor=Actor(kind=ActorKind.ASSOCIATE, id="assoc-9"))


def sent_by_ses() -> int:
    return int(boto3.client("ses").get_send_quota()["SentLast24Hours"])


def draft() -> str:
    edits = CartEdits(lines=[LineEdit(product_id="demo-flower", quantity=2)], email="john@example.com")
    return runtime.use_cases().carts.create(ASSOCIATE, edits).cart.cart_id


def placed() -> str:
    cart_id = draft()
    runtime.use_cases().checkout.submit(ASSOCIATE, cart_id, CartEdits())
    return cart_id


def send(cart_id: str, email: str = "john@example.com", *, force: bool = False, mailer: Any = None) -> bool:
    return runtime.use_cases().documents.send(
        ASSOCIATE, cart_id, email, mailer or runtime.mailer(), receipt_mail, force=force
    )


class Down:
    """SES unreachable: the adapter's ServiceUnavailable."""

    def __init__(self) -> None:
        self.calls = 0

    def send(self, message: MailMessage) -> str:
        self.calls += 1
        raise ServiceUnavailable("The mail service did not take the message; retry shortly", retry_after=5)


@pytest.fixture
def mail(store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The functions' mail configuration: template.yaml's sender (verified in the emulator)."""
    from tests.conftest import TEMPLATE

    monkeypatch.setenv("MAIL_SENDER", TEMPLATE.parameter_defaults()["MailSender"])
    runtime._mailer.cache_clear()


def test_a_placed_carts_document_is_its_sales_receipt(mail: None) -> None:
    doc = runtime.use_cases().documents.document(ASSOCIATE, placed())
    assert doc.document_type == "sales_receipt" and doc.lines[0].quantity == 2 and doc.grand_total_minor > 0


def test_a_draft_has_no_document_and_another_tenant_has_no_cart(mail: None) -> None:
    cart_id = draft()
    with pytest.raises(NoDocument):
        runtime.use_cases().documents.document(ASSOCIATE, cart_id)
    with pytest.raises(NotFound):
        runtime.use_cases().documents.document(OTHER_TENANT, placed())


def test_the_document_is_sent_once_to_an_address_then_again_only_when_forced(mail: None) -> None:
    # Given a placed cart
    cart_id = placed()
    before = sent_by_ses()
    # When its document is sent to John twice, then to him in capitals, then forced
    first, second = send(cart_id), send(cart_id)
    same_address = send(cart_id, "John@Example.com")
    forced = send(cart_id, force=True)
    # Then SES mailed it the first time and the forced time only
    assert (first, second, same_address, forced) == (True, False, False, True)
    assert sent_by_ses() == before + 2
    # And another address gets it
    assert send(cart_id, "jane@example.com") is True


def test_two_concurrent_sends_mail_once(mail: None) -> None:
    # Given a placed cart and two sends started together
    cart_id = placed()
    before = sent_by_ses()
    results: list[bool] = []
    start = threading.Barrier(2)

    def racer() -> None:
        start.wait()
        results.append(send(cart_id))

    threads = [threading.Thread(target=racer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then exactly one mailed it
    assert sorted(results) == [False, True]
    assert sent_by_ses() == before + 1


def test_a_mail_outage_is_503_and_the_retry_sends(mail: None) -> None:
    # Given a placed cart and SES down
    cart_id = placed()
    before = sent_by_ses()
    down = Down()
    # When the document is sent / Then the outage is the caller's 503 and nothing was sent
    with pytest.raises(ServiceUnavailable):
        send(cart_id, mailer=down)
    assert down.calls == 1 and sent_by_ses() == before
    # When SES is back and the client retries / Then the document is sent (the record was taken back)
    assert send(cart_id) is True and sent_by_ses() == before + 1


def test_a_failed_forced_send_keeps_the_earlier_record(mail: None) -> None:
    # Given a document sent once, then a forced send that fails
    cart_id = placed()
    assert send(cart_id) is True
    with pytest.raises(ServiceUnavailable):
        send(cart_id, force=True, mailer=Down())
    # Then a plain send still finds the first send's record
    assert send(cart_id) is False


@pytest.mark.parametrize("email", ["", "nope", "a@b", "x" * 300 + "@example.com", "a@example.com\nBcc: b@example.com"])
def test_a_bad_address_is_refused_before_anything(mail: None, email: str) -> None:
    cart_id = placed()
    with pytest.raises(InvalidRequest):
        send(cart_id, email)


def test_the_mail_folder_gets_the_receipt(mail: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given the local cloud's mail folder (cloud.py sets MAIL_FOLDER)
    monkeypatch.setenv("MAIL_FOLDER", str(tmp_path))
    runtime._mailer.cache_clear()
    # When a document is sent
    assert send(placed()) is True
    # Then the folder holds the mail and the receipt page
    (eml,) = tmp_path.glob("*.eml")
    (page,) = tmp_path.glob("*.html")
    assert b"Sales receipt" in eml.read_bytes() and "Demo Flower" in page.read_text()
