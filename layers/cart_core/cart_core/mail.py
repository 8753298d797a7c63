"""The mail port: what the core sends (a ``MailMessage``) and who sends it (a ``Mailer``).

Vendor-neutral: the use cases build messages and hand them to a ``Mailer``; which one is the
runtime's choice (``cart_core.runtime.mailer``): SES in AWS (``cart_core.store.ses.SesMailer``),
and in the local cloud SES (moto) plus ``FolderMailer``, which writes each message where a developer
can open it (``.local/mail``, docs/local-cloud.md). A mailer raises ``ServiceUnavailable`` when its
service cannot take the message (the face answers 503; nothing was sent).
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from email.message import EmailMessage

MAX_EMAIL_LENGTH = 254  # RFC 5321's path limit, less the brackets
# Deliberately plain: one @, no spaces or angle brackets or quotes, a dotted domain. It bounds what
# reaches the mail service (and a header); deliverability is the mail service's question.
_EMAIL = re.compile(r"[^@\s<>\"',;()\\]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,63}")


def valid_email(value: object) -> bool:
    return isinstance(value, str) and len(value) <= MAX_EMAIL_LENGTH and _EMAIL.fullmatch(value) is not None


@dataclass(frozen=True, slots=True)
class MailMessage:
    to: str
    subject: str
    text: str
    html: str | None = None


class Mailer(Protocol):
    def send(self, message: MailMessage) -> str:
        """Send ``message``; the mail service's message id. ``ServiceUnavailable`` when it cannot."""
        ...


def as_mime(message: MailMessage, sender: str, message_id: str | None = None) -> EmailMessage:
    """The message as an RFC 5322 e-mail (text, plus an HTML alternative when it has one)."""
    # Imported here: the face routes that only validate an address import this module at init.
    from email.message import EmailMessage

    mime = EmailMessage()
    mime["From"] = sender
    mime["To"] = message.to
    mime["Subject"] = message.subject
    if message_id:
        mime["Message-ID"] = f"<{message_id}>"
    mime.set_content(message.text)
    if message.html is not None:
        mime.add_alternative(message.html, subtype="html")
    return mime


_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9@._+-]")


class FolderMailer:
    """The local cloud's mailbox: each message becomes ``<folder>/<UTC time>-<to>.eml`` (open it
    in a mail client) and, when it has HTML, ``….html`` beside it (open it in a browser)."""

    def __init__(self, folder: str | Path, sender: str) -> None:
        self.folder = Path(folder)
        self.sender = sender

    def send(self, message: MailMessage) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        now = time.time()
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now)) + f"{int(now % 1 * 1e6):06d}Z"
        name = f"{stamp}-{_UNSAFE_IN_NAME.sub('_', message.to)[:80]}"
        (self.folder / f"{name}.eml").write_bytes(bytes(as_mime(message, self.sender)))
        if message.html is not None:
            (self.folder / f"{name}.html").write_text(message.html, encoding="utf-8")
        return name


class CopyingMailer:
    """Sends through ``primary`` and, once it took the message, files a copy with ``copy`` (the local
    cloud: SES in the emulator, then the mail folder)."""

    def __init__(self, primary: Mailer, copy: Mailer) -> None:
        self.primary = primary
        self.copy = copy

    def send(self, message: MailMessage) -> str:
        message_id = self.primary.send(message)
        try:
            self.copy.send(message)
        except OSError:
            # The mail went out; a copy that could not be filed (a full disk, a folder without
            # write access) must not make the sender believe it did not.
            logging.getLogger(__name__).warning("sent mail not copied to the mail folder", exc_info=True)
        return message_id
