"""What a signed-in customer carries between requests: a bearer JWT, or a signed session cookie.

- **JWT** (PyJWT): HS256 only, ``exp`` required, verified by the library with the algorithm pinned,
  so ``alg: none``, an RS/HS confusion or a token signed with another secret is refused, never
  trusted. The claims are the face's (Medusa: ``{customer_id, domain: "store"}``).
- **Signed cookie values** as Node's ``cookie-signature`` (used by express-session) makes them:
  ``<value>.<base64(HMAC-SHA256(secret, value)) without "=" padding>``; express-session prefixes
  ``s:``. Checked by recomputing and comparing in constant time.

Pure functions over a secret passed in: the secrets themselves come from the runtime
(``cart_core.runtime.auth_secrets``), never from this module.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

ALGORITHM = "HS256"
MAX_TOKEN_BYTES = 4096  # a JWT longer than this is not one we issued; refused before parsing


class TokenError(ValueError):
    """The token or cookie is missing, malformed, forged or expired."""


def issue_jwt(claims: dict[str, Any], secret: str, now: int, ttl_seconds: int) -> str:
    # Imported here: only the token route and a request carrying a bearer token need PyJWT.
    import jwt

    return jwt.encode({**claims, "iat": now, "exp": now + ttl_seconds}, secret, algorithm=ALGORITHM)


def verify_jwt(
    token: str,
    secret: str,
    now: int,
    *,
    audience: str | None = None,
    issuer: str | None = None,
    require: tuple[str, ...] = ("exp",),
) -> dict[str, Any]:
    """The claims of a token we signed that has not expired at ``now`` (and, when given, names
    ``audience`` and ``issuer`` and carries every claim in ``require``); ``TokenError`` otherwise."""
    import jwt

    if not token or len(token) > MAX_TOKEN_BYTES:
        raise TokenError("token missing or too long")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=issuer,
            # The library checks the signature, the algorithm (pinned) and that exp is present; the
            # times are judged below by the injected clock (cart_core.clock: the system clock on
            # Lambda), not by PyJWT's own reading of it, so tests with a frozen clock mean something.
            options={"require": list(require), "verify_exp": False, "verify_iat": False, "verify_nbf": False},
        )
    except jwt.PyJWTError as refused:
        raise TokenError(str(refused)) from None
    exp = claims.get("exp")
    if not isinstance(exp, int) or isinstance(exp, bool) or exp <= now:
        raise TokenError("token expired")
    return claims


def _signature(value: str, secret: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), value.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii").rstrip("=")


def sign_value(value: str, secret: str) -> str:
    """``value.signature`` (cookie-signature's ``sign``)."""
    return f"{value}.{_signature(value, secret)}"


def unsign_value(signed: str, secret: str) -> str | None:
    """The value if ``signed`` carries its valid signature (cookie-signature's ``unsign``), else None."""
    value, dot, signature = signed.rpartition(".")
    if not dot or not value:
        return None
    return value if hmac.compare_digest(signature.encode(), _signature(value, secret).encode()) else None
