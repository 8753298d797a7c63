"""How the Medusa face reads its connect.sid cookie (medusa_store.session): as Node's cookie.parse
and express-session read it, so a storefront's browser or a Node harness is understood, and nothing
unsigned or forged passes."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from cart_core.auth_tokens import sign_value
from medusa_store.session import session_id_of

SECRET = "cookie secret for these tests only"
SIGNED = quote("s:" + sign_value("abc123", SECRET), safe="-_.!~*'()")


@pytest.mark.parametrize(
    "header",
    [
        f"connect.sid={SIGNED}",
        f"theme=dark; connect.sid={SIGNED}; other=1",
        f'connect.sid="{SIGNED}"',
        f"connect.sid={SIGNED}; Path=/; Expires=Tue, 24 Nov 2026 02:00:00 GMT; HttpOnly",  # a Set-Cookie echoed
        f"bad cookie without equals; connect.sid={SIGNED}",
    ],
)
def test_the_session_id_is_read_from_a_signed_cookie(header: str) -> None:
    assert session_id_of(header, SECRET) == "abc123"


def test_the_first_connect_sid_wins_as_in_node() -> None:
    other = quote("s:" + sign_value("other", SECRET), safe="")
    assert session_id_of(f"connect.sid={other}; connect.sid={SIGNED}", SECRET) == "other"


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "connect.sid=abc123",  # unsigned: express-session ignores it
        f"connect.sid={quote('s:' + sign_value('abc123', 'another secret'), safe='')}",
        f"connect.sid={SIGNED}x",
        "connect.sid=s%3A%FF%FE.sig",  # not UTF-8
        "xconnect.sid=" + SIGNED,
        f"connect.sid={SIGNED}; " + "x" * 9000,  # an oversized header is not read
    ],
)
def test_nothing_unsigned_forged_or_oversized_passes(header: str | None) -> None:
    assert session_id_of(header, SECRET) is None
