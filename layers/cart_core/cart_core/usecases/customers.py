"""Customers and their sign-in: register, guests from an e-mail, authenticate, sessions, the customer
a session or token names, and a customer's orders. Vendor-neutral (cart_core.customers); a face maps
its wire onto these and decides how a session id or token travels.

Every write is one attempt of the unit of work: a new customer is one transaction of its record and
the claim of its e-mail (kind ``account`` or ``guest``), so two registrations of one e-mail cannot
both succeed (the loser's claim fails: ``DuplicateCustomer``, not retried); a session is one claim
item with a TTL naming the customer, and a logout releases it only if it still names that customer.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from cart_core.actors import Actor, ActorKind
from cart_core.cart import Address
from cart_core.customers import (
    MAX_ADDRESSES,
    MAX_EMAIL_BYTES,
    Customer,
    EmailKind,
    SavedAddress,
    SessionRecord,
    is_customer_id,
    new_address_id,
    new_customer_id,
    normalize_email,
    password_fingerprint,
)
from cart_core.errors import Conflict, InvalidRequest, NotFound, Unauthorized
from cart_core.passwords import burn_decoy, hash_password, verify_password
from cart_core.ports import Key, ReadSet
from cart_core.tenancy import Caller
from cart_core.unit_of_work import UnitOfWork, Work
from cart_core.usecases.carts import Carts
from cart_core.usecases.shared import CartUseCases, PricedCart

if TYPE_CHECKING:
    from cart_core.mail import MailMessage

# Medusa's express-session cookie lives 10 hours (maxAge); the session item lives as long.
SESSION_TTL_SECONDS = 10 * 3600
SESSION_ID_BYTES = 24  # uid-safe(24), as express-session draws its ids: 32 base64url characters
MAX_SESSION_ID_CHARS = 64
# A password-reset token lives 15 minutes (Medusa's), and is 32 random bytes (43 base64url chars).
PASSWORD_TOKEN_TTL_SECONDS = 15 * 60
PASSWORD_TOKEN_BYTES = 32
MAX_PASSWORD_TOKEN_CHARS = 512
# Order filters look at the customer's newest orders only (one Query, decoded and filtered in memory).
FILTERED_ORDERS_WINDOW = 200
INVALID_RESET_TOKEN = "Invalid or expired password reset token"  # noqa: S105 (a message, not a secret)


class DuplicateCustomer(Conflict):
    """The e-mail already has an account (or a guest, for a guest) in this tenant."""


@dataclass(frozen=True, slots=True)
class NewCustomer:
    """What registering takes. ``password`` None makes a guest (no account)."""

    email: str
    password: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None


class CustomerChanges(BaseModel):
    """What a customer changes about themselves: only the fields set (``model_fields_set``) change.
    ``billing_address``: an address (its set fields merge into the billing address, or make one),
    the id of one of the customer's addresses (copied), or None (no billing address). ``metadata``
    merges, a key set to "" is removed; ``password`` None or "" changes nothing (Medusa's rules)."""

    model_config = ConfigDict(frozen=True)

    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    email: str | None = None
    password: str | None = None
    metadata: dict[str, Any] | None = None
    billing_address: Address | str | None = None
    billing_address_metadata: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class PasswordReset:
    """A reset token just issued, for the notification that carries it to the customer's inbox
    (``token`` is shown nowhere else: the store keeps only its digest)."""

    tenant_id: str
    customer_id: str
    email: str
    first_name: str | None
    last_name: str | None
    token: str
    expires_at: int


class ResetTokenLife(BaseModel):
    """What a token's claim records besides its TTL (the claim's owner string is built from it)."""

    expires_at: int


def _log_password_reset(reset: PasswordReset) -> None:
    """The default hook: no mailer is configured. The fact is logged (never the token) so an operator
    sees requests that went nowhere; docs/medusa-auth.md says how to plug a mailer in."""
    logging.getLogger(__name__).info(
        "customer.password_reset issued (no mailer configured)",
        extra={"tenant_id": reset.tenant_id, "customer_id": reset.customer_id, "expires_at": reset.expires_at},
    )


def password_reset_mail(reset: PasswordReset) -> MailMessage:
    """The e-mail that carries a reset token to the customer (text, and the same as HTML)."""
    from datetime import UTC, datetime
    from html import escape

    from cart_core.mail import MailMessage

    name = " ".join(part for part in (reset.first_name, reset.last_name) if part) or "there"
    until = datetime.fromtimestamp(reset.expires_at, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = (
        f"Hello {name},\n\nSomeone asked to reset the password of the account {reset.email}.\n"
        f"Your reset token is:\n\n    {reset.token}\n\nIt works once, until {until}. "
        "If you did not ask for it, ignore this e-mail: your password stays as it is.\n"
    )
    html = (
        f"<p>Hello {escape(name)},</p><p>Someone asked to reset the password of the account "
        f"{escape(reset.email)}. Your reset token is:</p><p><code>{escape(reset.token)}</code></p>"
        f"<p>It works once, until {until}. If you did not ask for it, ignore this e-mail: your "
        "password stays as it is.</p>"
    )
    return MailMessage(to=reset.email, subject="Reset your password", text=text, html=html)


def _mail_password_reset(reset: PasswordReset) -> None:
    """The default hook: the reset token by e-mail through the process's mailer (SES in AWS, the
    mail folder too in the local cloud); logged only when the function has no sender configured."""
    from cart_core import runtime

    mailer = runtime.mailer()
    if mailer is None:
        _log_password_reset(reset)
        return
    mailer.send(password_reset_mail(reset))


# The notification hook (Medusa: the ``customer.password_reset`` event a notification plugin sends):
# the mail port (cart_core.mail) by default; tests replace it to read the token.
password_reset_hook: Callable[[PasswordReset], None] = _mail_password_reset


class Customers(CartUseCases):
    def __init__(self, uow: UnitOfWork, carts: Carts, order_retention_days: int = 365) -> None:
        super().__init__(uow, order_retention_days)
        self._carts = carts

    # ----- customers -----------------------------------------------------------------------

    def register(self, caller: Caller, new: NewCustomer) -> Customer:
        """A customer with an account: one transaction of the record and its e-mail's account claim.
        An e-mail that only a guest has gets its account beside the guest (Medusa v1's rule: the
        guest and its orders are kept apart, cart_core.customers)."""
        return self.register_and_sign_in(caller, new, sign_in=False)[0]

    def register_and_sign_in(
        self, caller: Caller, new: NewCustomer, sign_in: bool = True
    ) -> tuple[Customer, SessionRecord | None]:
        """``register``, and (``sign_in``) a session for the new customer in the same transaction:
        a registration never leaves an account without the session its answer promised, nor a
        session without its account."""
        if new.password is None:
            raise InvalidRequest("An account needs a password")
        password_hash = hash_password(new.password)  # once, outside the retried attempt (scrypt is slow on purpose)
        return self._create(caller, new, "account", password_hash, sign_in)

    def guest(self, caller: Caller, email: str) -> Customer:
        """The tenant's guest customer for ``email``, created on first use (a cart's e-mail at
        checkout): one GetItem of the guest claim, then the record, or one transaction creating both."""
        normalized = _checked_email(email)
        work = self._uow.once()
        owner = work.read_claim(Key.customer_email(caller.tenant_id, "guest", normalized))
        if owner is not None:
            found = self._read(work, caller, owner)
            if found is not None:
                return found
        try:
            return self._create(caller, NewCustomer(email=normalized), "guest", None)[0]
        except DuplicateCustomer:  # another request created it between our read and write
            owner = self._uow.once().read_claim(Key.customer_email(caller.tenant_id, "guest", normalized))
            found = self._read(self._uow.once(), caller, owner) if owner else None
            if found is None:
                raise
            return found

    def _create(
        self, caller: Caller, new: NewCustomer, kind: EmailKind, password_hash: str | None, sign_in: bool = False
    ) -> tuple[Customer, SessionRecord | None]:
        email = _checked_email(new.email)

        def attempt(work: Work) -> tuple[Customer, SessionRecord | None]:
            now_ms = self._now_ms()
            customer = Customer(
                tenant_id=caller.tenant_id,
                customer_id=new_customer_id(self._clock()),
                email=email,
                first_name=new.first_name,
                last_name=new.last_name,
                phone=new.phone,
                has_account=kind == "account",
                password_hash=password_hash,
                created_ms=now_ms,
                updated_ms=now_ms,
            )
            work.put(customer, None)
            work.claim(
                Key.customer_email(caller.tenant_id, kind, email),
                customer.customer_id,
                conflict=lambda: DuplicateCustomer(
                    "A customer with the given email already has an account. Log in instead"
                    if kind == "account"
                    else "Guest customer with email already exists"
                ),
            )
            session = self._stage_session(work, caller, customer.customer_id) if sign_in else None
            work.commit()
            return customer, session

        return self._uow.run(attempt)

    def exists(self, caller: Caller, email: str) -> bool:
        """Whether ``email`` has an account in this tenant (one GetItem of its claim). A malformed
        or oversized e-mail simply has none."""
        try:
            normalized = _checked_email(email)
        except InvalidRequest:
            return False
        return self._uow.once().read_claim(Key.customer_email(caller.tenant_id, "account", normalized)) is not None

    def authenticate(self, caller: Caller, email: str, password: str) -> Customer | None:
        """The account ``email`` and ``password`` name, or None (unknown e-mail, a guest, a wrong
        password: the face answers all alike). An unknown e-mail still costs one scrypt."""
        try:
            normalized = _checked_email(email)
        except InvalidRequest:
            normalized = None
        work = self._uow.once()
        owner = work.read_claim(Key.customer_email(caller.tenant_id, "account", normalized)) if normalized else None
        customer = self._read(work, caller, owner) if owner else None
        if customer is None or not customer.has_account:
            burn_decoy(password)
            return None
        return customer if verify_password(password, customer.password_hash) else None

    def get(self, caller: Caller, customer_id: str) -> Customer:
        """The customer (404 when it is not one of this tenant's)."""
        customer = self._read(self._uow.once(), caller, customer_id)
        if customer is None:
            raise NotFound(f"Customer with id: {customer_id} was not found")
        return customer

    def find(self, caller: Caller, customer_id: str) -> Customer | None:
        return self._read(self._uow.once(), caller, customer_id)

    def orders(
        self,
        caller: Caller,
        customer_id: str,
        offset: int,
        limit: int,
        where: Callable[[PricedCart], bool] | None = None,
    ) -> tuple[list[PricedCart], int]:
        """The customer's placed carts at the caller's location, newest first, a page and the total
        (the consumer-history index: one Query, no Scan). ``where``: only the orders it keeps, among
        the customer's newest ``FILTERED_ORDERS_WINDOW`` (decoded and filtered in memory)."""
        as_customer = caller.model_copy(update={"actor": Actor(kind=ActorKind.CUSTOMER, id=customer_id)})
        if where is None:
            return self._carts.consumer_history(as_customer, offset, limit)
        newest, _ = self._carts.consumer_history(as_customer, 0, FILTERED_ORDERS_WINDOW)
        kept = [order for order in newest if where(order)]
        return kept[offset : offset + limit], len(kept)

    # ----- the signed-in customer's own changes ----------------------------------------------

    def update(self, caller: Caller, customer_id: str, changes: CustomerChanges) -> Customer:
        """Apply ``changes`` in one conditional write; a new e-mail's account claim is taken and the
        old one released in the same transaction (a taken e-mail: ``DuplicateCustomer``)."""
        sent = changes.model_fields_set
        email = _checked_email(changes.email) if "email" in sent and changes.email is not None else None
        if "email" in sent and changes.email is None:
            raise InvalidRequest("email must be an email")
        # Hashed once, outside the retried attempt (scrypt is slow on purpose).
        new_hash = hash_password(changes.password) if changes.password else None

        def change(customer: Customer, work: Work, now_ms: int) -> None:
            for name in ("first_name", "last_name", "phone"):
                if name in sent:
                    setattr(customer, name, getattr(changes, name))
            if "metadata" in sent and changes.metadata:
                customer.metadata = _merged_metadata(customer.metadata, changes.metadata)
            if "billing_address" in sent:
                customer.billing_address = self._billing(customer, changes, now_ms)
            if new_hash is not None:
                customer.password_hash = new_hash
            if email is not None and email != customer.email:
                work.claim(
                    Key.customer_email(caller.tenant_id, customer.email_kind, email),
                    customer.customer_id,
                    conflict=lambda: DuplicateCustomer(f"Customer with email, has_account {email}, t already exists."),
                )
                work.release(
                    Key.customer_email(caller.tenant_id, customer.email_kind, customer.email), customer.customer_id
                )
                customer.email = email

        return self._change(caller, customer_id, change)

    def _billing(self, customer: Customer, changes: CustomerChanges, now_ms: int) -> SavedAddress | None:
        given = changes.billing_address
        if given is None:
            return None
        if isinstance(given, str):  # one of the customer's own addresses, by id (never another's)
            for own in [*customer.addresses, customer.billing_address]:
                if own is not None and own.address_id == given:
                    return own.model_copy(update={"updated_ms": now_ms})
            raise NotFound(f"Address with id {given[:64]} was not found")
        current = customer.billing_address
        if current is None:
            return _saved(given, changes.billing_address_metadata, now_ms, self._clock())
        merged = current.model_copy(update={**given.model_dump(exclude_unset=True), "updated_ms": now_ms})
        if changes.billing_address_metadata is not None:
            merged.metadata = changes.billing_address_metadata
        return SavedAddress.model_validate(merged.model_dump())

    def add_address(
        self, caller: Caller, customer_id: str, address: Address, metadata: dict[str, Any] | None = None
    ) -> Customer:
        """Save a shipping address, unless the customer has one with the same fields (Medusa's rule).
        At most ``MAX_ADDRESSES``."""

        def change(customer: Customer, work: Work, now_ms: int) -> None:
            if any(_same_place(own, address) for own in customer.addresses):
                return
            if len(customer.addresses) >= MAX_ADDRESSES:
                raise InvalidRequest(f"A customer has at most {MAX_ADDRESSES} addresses")
            customer.addresses = [*customer.addresses, _saved(address, metadata, now_ms, self._clock())]

        return self._change(caller, customer_id, change)

    def update_address(
        self,
        caller: Caller,
        customer_id: str,
        address_id: str,
        address: Address,
        metadata: dict[str, Any] | None = None,
        metadata_given: bool = False,
    ) -> Customer:
        """Change the fields ``address`` sets of one of the customer's addresses (an id that is not
        one of theirs: ``InvalidRequest``, as Medusa's "Could not find address for customer")."""

        def change(customer: Customer, work: Work, now_ms: int) -> None:
            for index, own in enumerate(customer.addresses):
                if own.address_id == address_id:
                    updated = own.model_copy(update={**address.model_dump(exclude_unset=True), "updated_ms": now_ms})
                    if metadata_given:
                        updated.metadata = metadata
                    addresses = list(customer.addresses)
                    addresses[index] = SavedAddress.model_validate(updated.model_dump())
                    customer.addresses = addresses
                    return
            raise InvalidRequest("Could not find address for customer")

        return self._change(caller, customer_id, change)

    def remove_address(self, caller: Caller, customer_id: str, address_id: str) -> Customer:
        """Forget one of the customer's addresses; an unknown id changes nothing (no write)."""

        def change(customer: Customer, work: Work, now_ms: int) -> None:
            customer.addresses = [own for own in customer.addresses if own.address_id != address_id]

        return self._change(caller, customer_id, change)

    def _change(self, caller: Caller, customer_id: str, change: Callable[[Customer, Work, int], None]) -> Customer:
        def attempt(work: Work) -> Customer:
            customer = self._read(work, caller, customer_id)
            if customer is None or not customer.has_account:
                raise NotFound(f"Customer with id: {customer_id} was not found")
            before = customer.model_dump()
            now_ms = self._now_ms()
            change(customer, work, now_ms)
            if customer.model_dump() == before and not work.intents:
                return customer  # nothing changed: no write (a duplicate address, an unknown id)
            customer.updated_ms = now_ms
            customer = Customer.model_validate(customer.model_dump())  # every bound, once more
            work.put(customer, before["version"])
            work.commit()
            return customer

        return self._uow.run(attempt)

    # ----- password reset --------------------------------------------------------------------

    def request_password_reset(self, caller: Caller, email: str) -> PasswordReset | None:
        """A reset token for the account ``email`` names, handed to ``password_reset_hook``; None
        (and nothing written) for an e-mail without an account. The face answers both alike."""
        try:
            normalized = _checked_email(email)
        except InvalidRequest:
            return None
        work = self._uow.once()
        owner = work.read_claim(Key.customer_email(caller.tenant_id, "account", normalized))
        customer = self._read(work, caller, owner) if owner else None
        if customer is None or not customer.has_account:
            return None
        token = secrets.token_urlsafe(PASSWORD_TOKEN_BYTES)
        expires_at = int(self._clock()) + PASSWORD_TOKEN_TTL_SECONDS

        def attempt(work: Work) -> None:
            work.claim(
                Key.password_token(caller.tenant_id, _digest(token)),
                _token_owner(customer),
                expires_with=ResetTokenLife(expires_at=expires_at),
            )
            work.commit()

        self._uow.run(attempt)
        reset = PasswordReset(
            tenant_id=caller.tenant_id,
            customer_id=customer.customer_id,
            email=customer.email,
            first_name=customer.first_name,
            last_name=customer.last_name,
            token=token,
            expires_at=expires_at,
        )
        try:
            password_reset_hook(reset)
        except Exception:
            # A mailer outage must not answer differently for an e-mail with an account than for
            # one without (the route is 204 either way): logged, without the token.
            logging.getLogger(__name__).exception(
                "customer.password_reset not delivered", extra={"customer_id": customer.customer_id}
            )
        return reset

    def reset_password(self, caller: Caller, email: str, token: str, password: str) -> Customer:
        """Set a new password with a token ``request_password_reset`` issued for this e-mail's account:
        the token's claim is released in the same transaction as the new hash, so it works once; a
        wrong, used, expired or superseded token (the password changed since) is ``Unauthorized``."""
        new_hash = hash_password(password)  # outside the attempt (slow on purpose); paid on every path
        try:
            normalized = _checked_email(email)
        except InvalidRequest:
            raise Unauthorized(INVALID_RESET_TOKEN) from None
        if not token or len(token) > MAX_PASSWORD_TOKEN_CHARS:
            raise Unauthorized(INVALID_RESET_TOKEN)
        token_key = Key.password_token(caller.tenant_id, _digest(token))

        def attempt(work: Work) -> Customer:
            owner = work.read_claim(Key.customer_email(caller.tenant_id, "account", normalized))
            customer = self._read(work, caller, owner) if owner else None
            named = work.read_claim(token_key)
            if customer is None or named is None or not hmac.compare_digest(named, _token_owner(customer)):
                raise Unauthorized(INVALID_RESET_TOKEN)
            version = customer.version
            customer.password_hash = new_hash
            customer.updated_ms = self._now_ms()
            work.release(token_key, named)
            work.put(customer, version)
            work.commit()
            return customer

        return self._uow.run(attempt)

    def _read(self, work: Work, caller: Caller, customer_id: str | None) -> Customer | None:
        if not is_customer_id(customer_id):
            return None
        return work.read(ReadSet(caller.tenant_id, caller.location_id, customer_id=customer_id)).customer

    # ----- sessions ------------------------------------------------------------------------

    def start_session(self, caller: Caller, customer_id: str) -> SessionRecord:
        """A new session naming the customer for ``SESSION_TTL_SECONDS``: one conditional PutItem
        (a fresh random id; a taken one, odds 2^-192, is a race that draws another)."""

        def attempt(work: Work) -> SessionRecord:
            session = self._stage_session(work, caller, customer_id)
            work.commit()
            return session

        return self._uow.run(attempt)

    def _stage_session(self, work: Work, caller: Caller, customer_id: str) -> SessionRecord:
        session = SessionRecord(
            session_id=secrets.token_urlsafe(SESSION_ID_BYTES),
            customer_id=customer_id,
            expires_at=int(self._clock()) + SESSION_TTL_SECONDS,
        )
        work.claim(Key.session(caller.tenant_id, session.session_id), customer_id, expires_with=session)
        return session

    def session_customer(self, caller: Caller, session_id: str) -> str | None:
        """The customer a live session names (one GetItem; an item past its TTL is gone)."""
        if not is_session_id(session_id):
            return None
        return self._uow.once().read_claim(Key.session(caller.tenant_id, session_id))

    def end_session(self, caller: Caller, session_id: str) -> None:
        """Delete the session if it exists (one conditional DeleteItem on the customer it names)."""
        customer_id = self.session_customer(caller, session_id)
        if customer_id is None:
            return

        def attempt(work: Work) -> None:
            work.release(Key.session(caller.tenant_id, session_id), customer_id)
            work.commit()

        self._uow.run(attempt)


def is_session_id(value: object) -> bool:
    """A string that could be one of our session ids (base64url, bounded) before it is looked up."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= MAX_SESSION_ID_CHARS
        and all(c.isascii() and (c.isalnum() or c in "-_") for c in value)
    )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _token_owner(customer: Customer) -> str:
    """The customer and the password hash the token was issued under (a later change kills it)."""
    return f"{customer.customer_id}#{password_fingerprint(customer.password_hash)}"


def _merged_metadata(current: dict[str, Any] | None, changes: dict[str, Any]) -> dict[str, Any] | None:
    """Medusa's setMetadata: each key is set, a key given "" is removed."""
    merged = dict(current or {})
    for key, value in changes.items():
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


_PLACE_FIELDS = ("country", "address", "address_2", "city", "phone", "zip_code", "state", "first_name", "last_name")


def _same_place(own: Address, given: Address) -> bool:
    """Medusa's duplicate check on adding an address (country compared case-blind)."""
    return all(
        (getattr(own, f) or "").upper() == (getattr(given, f) or "").upper()
        if f == "country"
        else getattr(own, f) == getattr(given, f)
        for f in _PLACE_FIELDS
    )


def _saved(address: Address, metadata: dict[str, Any] | None, now_ms: int, now: float) -> SavedAddress:
    fields = address.model_dump(exclude={"address_id"})
    return SavedAddress(
        **fields, address_id=new_address_id(now), metadata=metadata, created_ms=now_ms, updated_ms=now_ms
    )


def _checked_email(email: str) -> str:
    normalized = normalize_email(email)
    if not 3 <= len(normalized.encode("utf-8")) <= MAX_EMAIL_BYTES or "@" not in normalized:
        raise InvalidRequest("email must be an email")
    return normalized
