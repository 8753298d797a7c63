"""Bounds on what a client may store, in UTF-8 bytes (what DynamoDB counts), shared by every face.

docs/input-limits.md lists each bound with the status and body a client gets past it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from annotated_types import GroupedMetadata, MaxLen, MinLen
from pydantic import AfterValidator, BaseModel, model_validator

ID_BYTES = 128
SHORT_TEXT_BYTES = 256
NOTE_BYTES = 2000
MAX_ORDER_TAGS = 50
# DynamoDB refuses an item over 400 KB; the cart document is checked against this before any write,
# leaving room for the item's other attributes.
MAX_CART_BYTES = 350_000
# A requested delivery or pickup time must fall inside this window around now.
REQUESTED_TIME_PAST_MS = 30 * 24 * 3600 * 1000
REQUESTED_TIME_FUTURE_MS = 366 * 24 * 3600 * 1000
# Epoch milliseconds of 9999-12-31T23:59:59.999Z: the last instant an ISO-8601 date can show.
LAST_ISO_MS = 253_402_300_799_999


def utf8_size(text: str) -> int:
    return len(text.encode("utf-8"))


def _within_utf8_bytes(max_bytes: int, value: str) -> str:
    try:
        size = utf8_size(value)
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (no lone surrogates)") from None
    if size > max_bytes:
        raise ValueError(f"must be at most {max_bytes} bytes of UTF-8 (it is {size})")
    return value


@dataclass(frozen=True, slots=True)
class Utf8Limit(GroupedMetadata):
    """``Annotated[str, Utf8Limit(n)]``: a string of at most ``n`` bytes once encoded as UTF-8 (an
    emoji is 4). A metadata object rather than a type, so type checkers read the field as ``str``.

    The character bounds it also sets are only a cheap first cut (a character is at least one
    byte), and also what the OpenAPI document shows."""

    max_bytes: int
    min_bytes: int = 0

    def __iter__(self) -> Iterator[object]:
        if self.min_bytes:
            yield MinLen(self.min_bytes)
        yield MaxLen(self.max_bytes)
        yield AfterValidator(partial(_within_utf8_bytes, self.max_bytes))


class JsonObject(BaseModel):
    """A model read from a JSON object only.

    Powertools validates bodies with ``from_attributes=True``, under which pydantic builds a model
    whose fields are all optional from any non-primitive value: ``{"deliveryAddress": 2.5}``, with
    floats parsed as Decimal, became an empty address and wiped the stored one."""

    @model_validator(mode="before")
    @classmethod
    def _only_objects(cls, data: Any) -> Any:
        if isinstance(data, dict | BaseModel):
            return data
        raise ValueError(f"must be a JSON object, not {_json_kind(data)}")

    def __repr__(self) -> str:
        """The model and the fields the client sent, without their values.

        Powertools' resolver formats each route's arguments into a debug message on every request,
        whatever the log level (``logger.debug(f"Calling API Route Handler: {route_args}")``): with
        pydantic's repr that walked the whole body (about 0.5 ms for a 100-line cart, proportional
        to it) and, at debug level, would write the client's data (addresses, notes) to the logs."""
        return f"{type(self).__name__}(sent: {', '.join(sorted(self.model_fields_set)) or 'nothing'})"


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    return "a number" if isinstance(value, int | float | Decimal) else type(value).__name__
