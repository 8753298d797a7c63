"""Customers of a tenant's storefront: accounts (an e-mail and a password) and guests (an e-mail).

Vendor-neutral: Medusa's customers today, NewStore's and Fluid Pay's shoppers later.

- **Id**: ``cus_`` + a ULID (python-ulid), the form Medusa shows; stored as is.
- **E-mail**: lower-cased and unique per tenant *per kind*: at most one account and one guest per
  e-mail, as Medusa v1's unique index on ``(email, has_account)``. Registering an e-mail a guest
  already has creates the account beside the guest (a new id), as Medusa does; the guest's orders stay
  the guest's, so whoever registers an e-mail does not see orders placed by someone who typed it at
  checkout (nothing here proves the e-mail is theirs). Uniqueness is a claim item written in the same
  transaction as the customer (``ports.Key.customer_email``).
- **Password**: only its scrypt hash (``cart_core.passwords``), never returned by any face.
- **Session**: an opaque random id naming a customer until its ``expires_at`` (a claim item with a
  TTL, ``ports.Key.session``); the face decides how the id travels (Medusa: a signed cookie).
- **Addresses**: a customer's saved shipping addresses (``addr_`` ULIDs) and billing address live in
  the customer's own record (one conditional write changes them; at most ``MAX_ADDRESSES``), so no
  other customer's address can ever be named by id.
- **Password reset**: a random token, stored only as its SHA-256 in a claim item with a TTL
  (``ports.Key.password_token``) naming the customer and a fingerprint of the password hash it was
  issued under: it works once (the reset releases it in the transaction that changes the hash) and
  dies with any password change (the fingerprint no longer matches).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cart_core.cart import Address
from cart_core.tenancy import ID_PATTERN

CUSTOMER_PREFIX = "cus_"
MAX_EMAIL_BYTES = 254  # RFC 5321's path limit; validator.js' isEmail (Medusa's IsEmail) refuses longer
MAX_NAME_BYTES = 255
MAX_PHONE_BYTES = 64
CUSTOMER_ID_PATTERN = r"^cus_[0-9A-HJKMNP-TV-Z]{26}$"
ADDRESS_PREFIX = "addr_"
ADDRESS_ID_PATTERN = r"^addr_[0-9A-HJKMNP-TV-Z]{26}$"
# Saved shipping addresses per customer (Medusa sets none; every input of the service is bounded,
# and they share the customer's item with its other fields: docs/input-limits.md).
MAX_ADDRESSES = 20
# A customer's or an address's metadata, serialised (JSON, UTF-8).
MAX_METADATA_BYTES = 4096
EmailKind = Literal["account", "guest"]


def new_customer_id(now: float) -> str:
    """``cus_`` + a ULID stamped with ``now`` (the injected clock's), random in its other 80 bits."""
    from ulid import ULID

    return CUSTOMER_PREFIX + str(ULID.from_timestamp(now))


def new_address_id(now: float) -> str:
    from ulid import ULID

    return ADDRESS_PREFIX + str(ULID.from_timestamp(now))


def is_address_id(value: object) -> bool:
    return isinstance(value, str) and re.fullmatch(ADDRESS_ID_PATTERN, value) is not None


def _bounded_metadata(metadata: dict[str, Any] | None) -> dict[str, Any] | None:
    if metadata is None:
        return None
    try:
        size = len(json.dumps(metadata, ensure_ascii=False).encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate from a JSON "\ud800" escape: not storable text
        raise ValueError("metadata must be valid Unicode text") from None
    if size > MAX_METADATA_BYTES:
        raise ValueError(f"metadata must be at most {MAX_METADATA_BYTES} bytes of JSON")
    return metadata


class SavedAddress(Address):
    """An address a customer keeps (a shipping address of their book, or their billing address):
    the cart's address fields plus its own id, metadata and dates."""

    address_id: str = Field(pattern=ADDRESS_ID_PATTERN)  # required here
    metadata: dict[str, Any] | None = None
    created_ms: int
    updated_ms: int

    @field_validator("metadata")
    @classmethod
    def _metadata(cls, metadata: dict[str, Any] | None) -> dict[str, Any] | None:
        return _bounded_metadata(metadata)


def is_customer_id(value: object) -> bool:
    return isinstance(value, str) and re.fullmatch(CUSTOMER_ID_PATTERN, value) is not None


def normalize_email(email: str) -> str:
    """The stored and compared form: trimmed of nothing, lower-cased (Medusa's ``toLowerCase``)."""
    return email.lower()


class Customer(BaseModel):
    """One customer record. ``version`` is the stored version (writes are conditional on it)."""

    model_config = ConfigDict(validate_assignment=True)

    tenant_id: str = Field(pattern=ID_PATTERN)
    customer_id: str = Field(pattern=CUSTOMER_ID_PATTERN)
    email: str = Field(min_length=3, max_length=MAX_EMAIL_BYTES)
    first_name: str | None = Field(default=None, max_length=MAX_NAME_BYTES)
    last_name: str | None = Field(default=None, max_length=MAX_NAME_BYTES)
    phone: str | None = Field(default=None, max_length=MAX_PHONE_BYTES)
    has_account: bool = False
    password_hash: str | None = Field(default=None, max_length=512)
    metadata: dict[str, Any] | None = None
    # Saved shipping addresses, oldest first, and the billing address (absent on records stored
    # before addresses: empty).
    addresses: list[SavedAddress] = Field(default_factory=list, max_length=MAX_ADDRESSES)
    billing_address: SavedAddress | None = None
    created_ms: int
    updated_ms: int
    version: int | None = None

    @field_validator("metadata")
    @classmethod
    def _metadata(cls, metadata: dict[str, Any] | None) -> dict[str, Any] | None:
        return _bounded_metadata(metadata)

    @field_validator("email")
    @classmethod
    def _lower(cls, email: str) -> str:
        if email != normalize_email(email):
            raise ValueError("a customer's e-mail is stored lower-cased")
        return email

    @property
    def email_kind(self) -> EmailKind:
        return "account" if self.has_account else "guest"


def password_fingerprint(password_hash: str | None) -> str:
    """A short digest of the password hash a reset token was issued under (tokens die with it)."""
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:32]


class SessionRecord(BaseModel):
    """A sign-in session: what a claim item stores with its TTL (``expires_at``, Unix seconds)."""

    session_id: str
    customer_id: str
    expires_at: int
