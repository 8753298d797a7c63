"""The mail port end to end: SES (moto, the sender verified as template.yaml's MailSender) and the
local cloud's mail folder; Medusa's password-reset token goes through it."""

from __future__ import annotations

from email import message_from_bytes
from pathlib import Path
from typing import Any

import boto3
import pytest

from cart_core.errors import ServiceUnavailable
from cart_core.mail import MailMessage
from cart_core.store.ses import SesMailer
from tests.conftest import TEMPLATE, InProcessApi
from tests.integration.test_medusa_auth import medusa, register

SENDER = TEMPLATE.parameter_defaults()["MailSender"]


def sent_by_ses() -> int:
    """How many messages the emulator's SES took (its quota counts them)."""
    return int(boto3.client("ses").get_send_quota()["SentLast24Hours"])


@pytest.fixture
def mail_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The local cloud's mail folder (cloud.py sets MAIL_FOLDER; here a test's own)."""
    from cart_core import runtime

    folder = tmp_path / "mail"
    monkeypatch.setenv("MAIL_FOLDER", str(folder))
    runtime._mailer.cache_clear()
    yield folder
    runtime._mailer.cache_clear()


def test_ses_sends_from_the_verified_sender(aws: dict[str, str]) -> None:
    # Given the template's sender, verified when the resources were made
    before = sent_by_ses()
    # When a message is sent through the SES adapter
    message_id = SesMailer(SENDER).send(MailMessage(to="john@example.com", subject="Hi", text="plain", html="<p>x</p>"))
    # Then SES took it
    assert message_id and sent_by_ses() == before + 1


def test_an_unverified_sender_is_503_not_500(aws: dict[str, str]) -> None:
    # SES refuses a sender it has not verified (a misconfiguration): the caller gets 503, never a crash.
    with pytest.raises(ServiceUnavailable):
        SesMailer("someone@elsewhere.example").send(MailMessage(to="john@example.com", subject="Hi", text="x"))


def test_ses_throttling_is_503(aws: dict[str, str]) -> None:
    from botocore.exceptions import ClientError

    client: Any = boto3.client("ses")

    def throttled(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "Throttling", "Message": "Maximum sending rate exceeded."}}, "SendEmail")

    client.send_email = throttled
    with pytest.raises(ServiceUnavailable):
        SesMailer(SENDER, client).send(MailMessage(to="john@example.com", subject="Hi", text="x"))


def test_a_password_reset_token_is_mailed_through_ses_and_lands_in_the_mail_folder(
    api: InProcessApi, mail_folder: Path
) -> None:
    # Given an account at the Medusa store
    register(api)
    before = sent_by_ses()
    # When Ada asks for a password token
    response = medusa(api, "POST", "/customers/password-token", {"email": "ada@example.com"})
    # Then the answer is as always, SES sent one mail, and the mail folder has it with the token
    assert response.status == 204
    assert sent_by_ses() == before + 1
    (eml,) = mail_folder.glob("*.eml")
    mail = message_from_bytes(eml.read_bytes())
    assert (mail["To"], mail["From"], mail["Subject"]) == ("ada@example.com", SENDER, "Reset your password")
    text = mail.get_payload()[0].get_payload(decode=True).decode()
    token = text.split("Your reset token is:")[1].split()[0]
    # And the token in the mail resets the password
    reset = {"email": "ada@example.com", "token": token, "password": "brand new pass"}
    assert medusa(api, "POST", "/customers/password-reset", reset).status == 200
