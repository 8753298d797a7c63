"""OAuth2 client credentials (RFC 6749 §4.4) for API clients of a tenant (NewStore's associate apps).

An API client is a record in the credential table: its id names it (the record's key is the digest
of ``client:<id>``, so one GetItem finds it), and it holds the tenant, the location (the client's
store) and only the SHA-256 digest of its secret (cart_core.credentials: the secrets are long random
strings). ``POST /shopping/token`` trades id and secret for a short-lived access token: an HS256 JWT
(PyJWT) whose issuer and audience are pinned, ``sub`` the client id, and the tenant and location as
claims. The authorizer verifies it with the same key (Secrets Manager in AWS, a published
development value in the local cloud: cart_core.runtime.client_token_key).

Pure functions over a key passed in; PyJWT is imported by cart_core.auth_tokens when a token is
made or read, never at import (the authorizer's cold start, issue #9).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cart_core import credentials
from cart_core.auth_tokens import ALGORITHM, TokenError, verify_jwt

SCHEME = "client_credentials"
ISSUER = "cart-service"
AUDIENCE = "newstore-shopping"
TOKEN_TTL_SECONDS = 3600  # short-lived: a client asks again (RFC 6749 §4.4.3: no refresh token)
MAX_CLIENT_ID_BYTES = 128
MAX_CLIENT_SECRET_BYTES = 256


@dataclass(frozen=True, slots=True)
class ClientClaims:
    client_id: str
    tenant_id: str
    location_id: str


def record_key(client_id: str) -> str:
    """The credential table key of a client's record (a digest, as every credential's key)."""
    return credentials.digest(f"client:{client_id}")


def new_record(client_id: str, secret: str, tenant_id: str, location_id: str) -> dict[str, str]:
    return {
        "scheme": SCHEME,
        "client_id": client_id,
        "tenant_id": tenant_id,
        "location_id": location_id,
        "secret_digest": credentials.digest(secret),
    }


def authenticate(record: dict[str, Any] | None, client_id: str, secret: str) -> ClientClaims | None:
    """The client ``record`` names, if ``secret`` is its secret (compared in constant time)."""
    if not record or record.get("scheme") != SCHEME or record.get("client_id") != client_id:
        return None
    if not credentials.matches(secret, str(record.get("secret_digest", ""))):
        return None
    return ClientClaims(client_id, str(record["tenant_id"]), str(record["location_id"]))


def issue(claims: ClientClaims, key: str, now: int, ttl_seconds: int = TOKEN_TTL_SECONDS) -> str:
    import jwt  # only the token route and the authorizer's newstore model pay for PyJWT

    payload = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": claims.client_id,
        "tenant": claims.tenant_id,
        "location": claims.location_id,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    return jwt.encode(payload, key, algorithm=ALGORITHM)


def verify(token: str, key: str, now: int) -> ClientClaims:
    """The claims of an unexpired token signed with ``key``; ``TokenError`` otherwise (forged, another
    algorithm or ``none``, another issuer or audience, a claim missing, expired)."""
    decoded = verify_jwt(token, key, now, audience=AUDIENCE, issuer=ISSUER, require=("exp", "iss", "aud", "sub"))
    fields = (decoded.get("sub"), decoded.get("tenant"), decoded.get("location"))
    if not all(isinstance(value, str) and value for value in fields):
        raise TokenError("token without its client, tenant or location")
    return ClientClaims(*fields)  # type: ignore[arg-type]
