"""A placed cart's document, and mailing it (NewStore's ``GET …/document`` and ``POST …/document/send``).

Not twice to one address: each send is recorded as a claim (``Key.document_sent``: tenant, cart,
SHA-256 of the lower-cased address) written with ``attribute_not_exists`` BEFORE the mail goes out,
so of two concurrent sends one wins the write and mails, the other finds the record and mails
nothing. When the mail service fails the record is removed again (only if it is still this send's),
so a retry sends. ``force`` mails even if the document was sent before, and records the send.

The record lives as long as an order is kept (``order_retention_days``), then TTL removes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cart_core.documents import Document, document
from cart_core.errors import InvalidRequest, ServiceUnavailable
from cart_core.mail import MAX_EMAIL_LENGTH, valid_email
from cart_core.ports import Key, VersionConflict
from cart_core.usecases.shared import CartUseCases

if TYPE_CHECKING:
    from cart_core.mail import Mailer, MailMessage
    from cart_core.tenancy import Caller
    from cart_core.unit_of_work import UnitOfWork
    from cart_core.usecases.carts import Carts

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SendLife:
    """What a send's record keeps besides its owner: its TTL."""

    expires_at: int


class _AlreadySent(Exception):
    """The record of an earlier send of this document to this address is there."""


def email_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


class Documents(CartUseCases):
    def __init__(self, uow: UnitOfWork, carts: Carts, order_retention_days: int = 365) -> None:
        super().__init__(uow, order_retention_days)
        self._carts = carts

    def document(self, caller: Caller, cart_id: str) -> Document:
        """The cart's document (``NoDocument`` before it is placed; ``CartNotFound`` as any read)."""
        return document(self._carts.get_cart(caller, cart_id))

    def send(
        self,
        caller: Caller,
        cart_id: str,
        email: str,
        mailer: Mailer | None,
        render: Callable[[Document, str], MailMessage],
        *,
        force: bool = False,
    ) -> bool:
        """Mail the cart's document to ``email`` (``render`` makes the message); False when it was
        sent there before and ``force`` is off (nothing mailed)."""
        if not valid_email(email):
            raise InvalidRequest(f"email must be an e-mail address of at most {MAX_EMAIL_LENGTH} characters")
        doc = self.document(caller, cart_id)
        if mailer is None:
            # A function deployed without a sender: nothing the caller can do about it but wait.
            raise ServiceUnavailable("Mail is not configured; retry later", retry_after=60)
        message = render(doc, email)
        key = Key.document_sent(caller.tenant_id, cart_id, email_digest(email))
        owner = secrets.token_hex(12)
        life = SendLife(expires_at=int(self._clock()) + self._retention_seconds)
        previous = self._record(key, owner, life, force)
        if previous is False:
            return False
        try:
            mailer.send(message)
        except Exception:
            self._undo(key, owner, previous if isinstance(previous, str) else None, life)
            raise
        return True

    def _record(self, key: Key, owner: str, life: SendLife, force: bool) -> str | bool | None:
        """Write this send's record; False when an earlier send's is there (and not ``force``).
        Forced: the earlier record's owner (put back if the mail fails), None when there was none."""
        work = self._uow.once()
        if not force:
            work.claim(key, owner, expires_with=life, conflict=_AlreadySent)
            try:
                work.commit()
            except _AlreadySent:
                return False
            return None
        previous = work.read_claim(key)
        work.claim(key, owner, replaces=previous, expires_with=life)
        # Another send may record itself in between (VersionConflict): forced, this one mails anyway.
        with contextlib.suppress(VersionConflict):
            work.commit()
        return previous

    def _undo(self, key: Key, owner: str, previous: str | None, life: SendLife) -> None:
        """The mail did not go out: take this send's record back (put back the earlier one's when
        forced), only if it is still ours, so a retry sends. Best effort: a store outage here leaves
        the record, and the address gets the document on a ``force_send``."""
        work = self._uow.once()
        if previous is None:
            work.release(key, owner)
        else:
            work.claim(key, previous, replaces=owner, expires_with=life)
        try:
            work.commit()
        except (VersionConflict, ServiceUnavailable):
            logger.warning("document send record left after a failed send", extra={"owner": owner})
