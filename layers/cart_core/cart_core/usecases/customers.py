"""Customers and their sign-in: register, guests from an e-mail, authenticate, sessions, the customer
a session or token names, and a customer's orders. Vendor-neutral (cart_core.customers); a face maps
its wire onto these and decides how a session id or token travels.

Every write is one attempt of the unit of work: a new customer is one transaction of its record and
the claim of its e-mail (kind ``account`` or ``guest``), so two registrations of one e-mail cannot
both succeed (the loser's claim fails: ``DuplicateCustomer``, not retried); a session is one claim
item with a TTL naming the customer, and a logout releases it only if it still names that customer.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from cart_core.actors import Actor, ActorKind
from cart_core.customers import (
    MAX_EMAIL_BYTES,
    Customer,
    EmailKind,
    SessionRecord,
    is_customer_id,
    new_customer_id,
    normalize_email,
)
from cart_core.errors import Conflict, InvalidRequest, NotFound
from cart_core.passwords import burn_decoy, hash_password, verify_password
from cart_core.ports import Key, ReadSet
from cart_core.tenancy import Caller
from cart_core.unit_of_work import UnitOfWork, Work
from cart_core.usecases.carts import Carts
from cart_core.usecases.shared import CartUseCases, PricedCart

# Medusa's express-session cookie lives 10 hours (maxAge); the session item lives as long.
SESSION_TTL_SECONDS = 10 * 3600
SESSION_ID_BYTES = 24  # uid-safe(24), as express-session draws its ids: 32 base64url characters
MAX_SESSION_ID_CHARS = 64


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

    def orders(self, caller: Caller, customer_id: str, offset: int, limit: int) -> tuple[list[PricedCart], int]:
        """The customer's placed carts at the caller's location, newest first, a page and the total
        (the consumer-history index: one Query, no Scan)."""
        as_customer = caller.model_copy(update={"actor": Actor(kind=ActorKind.CUSTOMER, id=customer_id)})
        return self._carts.consumer_history(as_customer, offset, limit)

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


def _checked_email(email: str) -> str:
    normalized = normalize_email(email)
    if not 3 <= len(normalized.encode("utf-8")) <= MAX_EMAIL_BYTES or "@" not in normalized:
        raise InvalidRequest("email must be an email")
    return normalized
