"""Who the storefront customer is: Medusa authenticates every /store route optionally, from the
``connect.sid`` session cookie first, then a Bearer JWT (``{customer_id, domain: "store"}``); a
missing, forged, expired or unknown one makes the request a guest's, never a 401. The routes that
require a customer (``GET /store/auth``, ``/store/customers/me*``) answer 401 themselves
(``require_customer``).

**The cookie** is express-session's: ``connect.sid=s%3A<session id>.<signature>`` where the
signature is cookie-signature's HMAC-SHA256 of the id with the cookie secret
(``cart_core.auth_tokens.sign_value``), the whole value URI-encoded as Node's ``cookie`` module
does. HttpOnly, ``Path=/``, ``Expires`` = the session's end (Medusa's 10 h ``maxAge``); ``Secure``
and ``SameSite=None`` when ``SECURE_COOKIES`` (on in AWS, as Medusa's production setting; off in
the local cloud's plain http). The session id is opaque and random; the session itself is a
DynamoDB item with a TTL (``Customers.start_session``). Only a signed-in request gets a cookie
(express-session's ``saveUninitialized`` would also give every anonymous request one, and a write;
a storefront never needs an anonymous session here, so none is made).

The cookie header is read as Node's ``cookie.parse`` reads it (pairs split on ``;``, the first
``connect.sid`` wins, values URI-decoded), by hand rather than with ``http.cookies``, whose parser
stops at the first pair it dislikes (another site's cookie could sign the customer out), and which
would also refuse the whole ``Set-Cookie`` line that Node test harnesses echo back as ``Cookie``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote

from aws_lambda_powertools.shared.cookies import Cookie, SameSite

from cart_core.auth_tokens import TokenError, sign_value, unsign_value, verify_jwt
from cart_core.customers import is_customer_id
from cart_core.runtime import auth_secrets, clock, settings, use_cases
from cart_core.tenancy import Caller

COOKIE_NAME = "connect.sid"
SIGNED_PREFIX = "s:"
MAX_COOKIE_HEADER = 8192  # bigger than any browser sends for one site; longer ones are not read
JWT_DOMAIN = "store"


def _header(headers: Mapping[str, Any] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return str(value) if value is not None else None
    return None


def session_id_of(cookie_header: str | None, secret: str) -> str | None:
    """The session id a ``Cookie`` header's ``connect.sid`` carries, if its signature is ours."""
    if not cookie_header or len(cookie_header) > MAX_COOKIE_HEADER:
        return None
    for pair in cookie_header.split(";"):
        name, equals, value = pair.partition("=")
        if not equals or name.strip() != COOKIE_NAME:
            continue
        value = value.strip()
        if len(value) > 1 and value[0] == value[-1] == '"':
            value = value[1:-1]
        try:
            value = unquote(value, errors="strict")
        except UnicodeDecodeError:
            return None
        if not value.startswith(SIGNED_PREFIX):
            return None
        return unsign_value(value[len(SIGNED_PREFIX) :], secret)
    return None


def session_cookie(session_id: str, expires_at: int) -> Cookie:
    """The ``Set-Cookie`` that carries ``session_id`` until ``expires_at`` (Unix seconds)."""

    signed = SIGNED_PREFIX + sign_value(session_id, auth_secrets().cookie_secret)
    secure = settings().secure_cookies
    cookie = Cookie(
        name=COOKIE_NAME,
        value=quote(signed, safe="-_.!~*'()"),  # encodeURIComponent's set, as Node's cookie module
        path="/",
        secure=secure,
        http_only=True,
        expires=datetime.datetime.fromtimestamp(expires_at, datetime.UTC),
        same_site=SameSite.NONE_MODE if secure else None,
    )
    return cookie


def session_id(event: Mapping[str, Any]) -> str | None:
    """The request's session id (signature checked), or None."""
    cookie_header = _header(event.get("headers"), "cookie")
    if not cookie_header:
        return None
    return session_id_of(cookie_header, auth_secrets().cookie_secret)


def bearer_customer(event: Mapping[str, Any], tenant_id: str) -> str | None:
    """The customer a valid store JWT in ``Authorization: Bearer`` names for ``tenant_id``, or None
    (a token issued in another tenant's store names no one here)."""
    authorization = _header(event.get("headers"), "authorization")
    if not authorization or authorization[:7].lower() != "bearer ":
        return None
    try:
        claims = verify_jwt(authorization[7:].strip(), auth_secrets().jwt_secret, int(clock()()))
    except TokenError:
        return None
    customer_id = claims.get("customer_id")
    if claims.get("domain") != JWT_DOMAIN or claims.get("tenant_id") != tenant_id or not is_customer_id(customer_id):
        return None
    return str(customer_id)


def customer_of(event: Mapping[str, Any], tenant_id: str, location_id: str) -> str | None:
    """The signed-in customer's id (``cus_…``) of this request in this store, or None for a guest:
    the session's (one GetItem), else the bearer token's (no read: a token is self-contained, and a
    customer it names that this tenant does not have is answered 404 where it is looked up, as
    Medusa answers it)."""
    sid = session_id(event)
    if sid is not None:
        caller = Caller.system(tenant_id, location_id)
        customer_id = use_cases().customers.session_customer(caller, sid)
        if customer_id is not None:
            return customer_id
    return bearer_customer(event, tenant_id)
