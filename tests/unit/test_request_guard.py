"""The face kit's size limit is exact at its boundary, whether it refuses from the length alone or
after decoding (cart_core.http.guard_request)."""

from __future__ import annotations

import base64
import json
from http import HTTPStatus

import pytest

from cart_core.http import guard_request

LIMIT = 1000


def error_body(status: HTTPStatus, message: str) -> dict:
    return {"message": message}


def event(payload: bytes, *, as_base64: bool) -> dict:
    body = base64.b64encode(payload).decode() if as_base64 else payload.decode("utf-8")
    return {"body": body, "isBase64Encoded": as_base64, "headers": {"Content-Type": "application/json"}}


def json_of(size: int, filler: str = "x") -> bytes:
    """A JSON object of exactly ``size`` UTF-8 bytes (``filler`` a 1- or 4-byte character)."""
    shell = len(b'{"memo": ""}')
    count, rest = divmod(size - shell, len(filler.encode()))
    payload = ('{"memo": "' + filler * count + " " * rest + '"}').encode()
    assert len(payload) == size
    return payload


@pytest.mark.parametrize("as_base64", [False, True])
@pytest.mark.parametrize("filler", ["x", "\U0001f600"])
def test_a_body_of_exactly_the_limit_is_routed(as_base64: bool, filler: str) -> None:
    # Given a body of exactly LIMIT bytes / When guarded / Then it is routed (None)
    assert guard_request(event(json_of(LIMIT, filler), as_base64=as_base64), error_body, max_bytes=LIMIT) is None


@pytest.mark.parametrize("as_base64", [False, True])
@pytest.mark.parametrize("filler", ["x", "\U0001f600"])
@pytest.mark.parametrize("extra", [1, 4, 10 * LIMIT])
def test_a_body_past_the_limit_is_413(as_base64: bool, filler: str, extra: int) -> None:
    # Given a body over LIMIT bytes, just or far / When guarded / Then 413 naming the limit
    refused = guard_request(event(json_of(LIMIT + extra, filler), as_base64=as_base64), error_body, max_bytes=LIMIT)
    assert refused is not None and refused["statusCode"] == 413
    assert str(LIMIT) in json.loads(refused["body"])["message"]


@pytest.mark.parametrize("as_base64", [False, True])
def test_the_resolver_gets_the_document_the_guard_parsed_instead_of_parsing_it_again(as_base64) -> None:
    from cart_core.http import _parsed_once, json_loads

    parsed: list[str] = []
    strict = json_loads()

    def loads(text):
        parsed.append(text)
        return strict(text)

    deserialize = _parsed_once(loads)
    # Given a body the guard let through, having parsed it with the face's parser
    assert guard_request(event(b'{"memo": "once"}', as_base64=as_base64), error_body, loads=loads) is None
    # When the resolver deserializes that text, then another
    first = deserialize('{"memo": "once"}')
    second = deserialize('{"memo": "once"}')
    other = deserialize('{"memo": "other"}')
    # Then the first is the guard's document, handed over once; the rest are parsed as usual
    assert first == second == {"memo": "once"} and other == {"memo": "other"}
    assert parsed == ['{"memo": "once"}', '{"memo": "once"}', '{"memo": "other"}']
