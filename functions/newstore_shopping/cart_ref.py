"""The cart a NewStore path names: its id (a UUID, the ``newstore`` codec of cart_core.ids) or a
cart token (cart_core.cart_tokens) sealed for the caller's tenant. Every route that takes ``{id}``
resolves it here, so wherever an id is accepted a token is accepted too.

Anything else — a malformed id, a tampered, truncated or foreign token, a token of another tenant —
is an unknown cart: ``CartNotFound`` (404 in NewStore's error body), never a 500. A UUID costs no
cryptography: the token cipher and its key are loaded on the first token a process sees.
"""

from __future__ import annotations

from cart_core.errors import CartNotFound
from cart_core.ids import IdError, codec
from cart_core.tenancy import Caller

NEWSTORE = codec("newstore")
# A token is at most cart_tokens.MAX_TOKEN_CHARS (124): checked here too, so a long path never
# reaches the cipher module's import.
MAX_REF_CHARS = 124
SHOWN_CHARS = 64  # of a reference in an error message


def cart_key(caller: Caller, ref: str) -> str:
    """The stored key of the cart ``ref`` names for the caller's tenant, or ``CartNotFound``."""
    try:
        return NEWSTORE.decode(ref).key
    except IdError:
        pass
    if not ref or len(ref) > MAX_REF_CHARS:  # not a token's length
        raise CartNotFound(ref[:SHOWN_CHARS])
    from cart_core.cart_tokens import CartTokenError, open_token
    from cart_core.runtime import cart_token_keys

    try:
        return open_token(cart_token_keys(), caller.tenant_id, ref)
    except CartTokenError:
        raise CartNotFound(ref[:SHOWN_CHARS]) from None


def seal(caller: Caller, key: str) -> str:
    """A new token for the caller's tenant's cart ``key``."""
    from cart_core.cart_tokens import seal as seal_key
    from cart_core.runtime import cart_token_keys

    return seal_key(cart_token_keys(), caller.tenant_id, key)
