"""A checkout configuration: a reusable hosted-checkout setup (Fluid Pay's "cart"), not a cart.

A tenant names a set of products and payment settings once; a public checkout page, reached by the
configuration's ``public_hash`` (a UUID safe to publish), shows those products and opens a cart for
each shopper at the configuration's location. It is its own versioned record (tenant-scoped id,
written conditionally on its version like a cart), and its hash is a global claim
(``ports.Key.checkout_hash``) naming tenant, location and configuration, because the page that
resolves it is unauthenticated and knows nothing but the hash.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cart_core.limits import ID_BYTES, SHORT_TEXT_BYTES, Utf8Limit
from cart_core.tenancy import ID_PATTERN

MAX_PRODUCTS = 100
MAX_SETTINGS = 20
DESCRIPTION_BYTES = 1000
URL_BYTES = 2048
PROCESSOR_ID = r"^[0-9a-v]{20}$"  # Fluid Pay's processor ids (xid)

CheckoutType = Literal["normal", "donation"]
CheckoutPayment = Literal["card", "ach"]


class CheckoutSettings(BaseModel):
    """The fields a tenant sets (create and update); an update applies only the fields it sets."""

    # Built when first used, not at import: every function imports this module (ports, the store),
    # few ever read a configuration (docs/architecture.md, Import discipline). Inherited by
    # CheckoutConfiguration.
    model_config = ConfigDict(defer_build=True)
    name: Annotated[str, Utf8Limit(100, min_bytes=1)]
    description: Annotated[str, Utf8Limit(DESCRIPTION_BYTES)] = ""
    type: CheckoutType = "normal"
    custom_fields_group: Annotated[str, Utf8Limit(SHORT_TEXT_BYTES - 2)] = ""  # Fluid Pay: less than 255 characters
    card_processor_id: str | None = Field(default=None, pattern=PROCESSOR_ID)
    ach_processor_id: str | None = Field(default=None, pattern=PROCESSOR_ID)
    product_ids: list[Annotated[str, Utf8Limit(ID_BYTES, min_bytes=1)]] = Field(
        default_factory=list, max_length=MAX_PRODUCTS
    )
    show_available_products: bool = False
    require_shipping_details: bool = False
    email_receipt: bool = False
    payments: list[CheckoutPayment] = Field(default_factory=list, max_length=2)
    success_url: Annotated[str, Utf8Limit(URL_BYTES)] = ""
    cancel_url: Annotated[str, Utf8Limit(URL_BYTES)] = ""
    settings: dict[Annotated[str, Utf8Limit(64, min_bytes=1)], Annotated[str, Utf8Limit(SHORT_TEXT_BYTES)]] | None = (
        Field(default=None, max_length=MAX_SETTINGS)
    )

    @field_validator("success_url", "cancel_url")
    @classmethod
    def _url(cls, url: str) -> str:
        """Empty, or an absolute http(s) URL with a host and no credentials: the page redirects the
        shopper's browser to it. Printable ASCII only (a non-ASCII host is sent in its punycode
        form), so no invisible or look-alike character can hide where the shopper is sent."""
        if not url:
            return url
        if any(not 0x21 <= ord(c) <= 0x7E for c in url):
            raise ValueError("must be printable ASCII: no whitespace, control or non-ASCII characters")
        try:
            parts = urlsplit(url)
            host = parts.hostname
        except ValueError:
            raise ValueError("must be an absolute http or https URL, or empty") from None
        if parts.scheme not in ("https", "http") or not host:
            raise ValueError("must be an absolute http or https URL, or empty")
        if parts.username is not None or parts.password is not None:
            raise ValueError("must not carry credentials")
        return url

    @field_validator("payments", "product_ids")
    @classmethod
    def _distinct(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(values))


class CheckoutConfiguration(CheckoutSettings):
    tenant_id: str = Field(pattern=ID_PATTERN)
    configuration_id: str = Field(pattern=r"^[0-9a-f]{24}$")  # an InternalId's storage form
    location_id: str = Field(pattern=ID_PATTERN)  # where carts opened from its page live
    public_hash: str = Field(default_factory=lambda: str(uuid.uuid4()))
    created_ms: int = 0
    updated_ms: int = 0
    deleted_ms: int | None = None  # deleted: kept (Fluid Pay shows deleted_at), its hash released
    version: int = 0

    @field_validator("public_hash")
    @classmethod
    def _canonical_uuid(cls, value: str) -> str:
        if not is_public_hash(value):
            raise ValueError("a public hash is a canonical lower-case UUID")
        return value

    @property
    def hash_owner(self) -> str:
        """What the global hash claim names: ids contain no "#" (ID_PATTERN, hex)."""
        return f"{self.tenant_id}#{self.location_id}#{self.configuration_id}"


def is_public_hash(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except (ValueError, AttributeError, TypeError):
        return False


def parse_hash_owner(owner: str) -> tuple[str, str, str] | None:
    """(tenant id, location id, configuration id) from a hash claim's owner; None if malformed."""
    parts = owner.split("#")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 and all(parts) else None
