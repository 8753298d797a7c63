"""Item ids: each unit of a product line is an item with its own UUID, stable, and nothing stored.

An item id is the line's core id (12 bytes: cart_core.ids.InternalId) and the unit's index, laid out
as an RFC 9562 version-8 UUID the way the cart ids are (cart_core.ids.NewStoreCodec): bytes 0-5 of
the line id in custom_a, the unit index (0-4095) in custom_b, a 14-bit marker and bytes 6-11 in
custom_c. So the face turns an item id the client sends back (a product line's ``item_ids``, a
return's ``item_id``) into its line and unit without reading anything, and the same line always
shows the same ids. A line id that is not an internal id (none is made so today) gets name-based
UUIDs (uuid5 of the cart and line), which read back as no line.
"""

from __future__ import annotations

import re
import uuid

MARKER = 0x1E75  # 14 bits: an item id of ours, not a cart id (cart_core.ids uses 0x2A17)
MAX_UNITS = 4096
_HEX24 = re.compile(r"[0-9a-f]{24}")
_NAMESPACE = uuid.UUID("6f0a3c1e-52b4-4d0e-9b7c-2f1d8e4a9c30")  # fixed: the fallback's uuid5 namespace


def item_id(cart_id: str, line_id: str, unit: int) -> str:
    """The id of unit ``unit`` (0-based) of line ``line_id`` of cart ``cart_id``."""
    if not 0 <= unit < MAX_UNITS:
        raise ValueError(f"unit {unit} out of range")
    if not _HEX24.fullmatch(line_id):
        return str(uuid.uuid5(_NAMESPACE, f"{cart_id}/{line_id}/{unit}"))
    raw = bytes.fromhex(line_id)
    head, tail = int.from_bytes(raw[:6], "big"), int.from_bytes(raw[6:], "big")
    value = head << 80 | 8 << 76 | unit << 64 | 0b10 << 62 | MARKER << 48 | tail
    return str(uuid.UUID(int=value))


def item_ids(cart_id: str, line_id: str, quantity: int) -> list[str]:
    return [item_id(cart_id, line_id, unit) for unit in range(quantity)]


def line_of(item: str) -> tuple[str, int] | None:
    """The line id and unit an item id names, or None for a string that is not one of our item ids."""
    try:
        value = uuid.UUID(item).int
    except (ValueError, AttributeError, TypeError):
        return None
    if (value >> 76) & 0xF != 8 or (value >> 62) & 0b11 != 0b10 or (value >> 48) & 0x3FFF != MARKER:
        return None
    raw = (value >> 80).to_bytes(6, "big") + (value & (2**48 - 1)).to_bytes(6, "big")
    return raw.hex(), (value >> 64) & 0xFFF
