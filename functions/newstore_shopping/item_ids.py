"""Item ids: each unit of a product line is an item with its own UUID, stable, and nothing stored.
The derivation lives in the core (``cart_core.returns``), where returns locate an order's unit; it is
re-exported here for the face.

An item id is the line's core id (12 bytes: cart_core.ids.InternalId) and the unit's index, laid out
as an RFC 9562 version-8 UUID the way the cart ids are (cart_core.ids.NewStoreCodec): bytes 0-5 of
the line id in custom_a, the unit index (0-4095) in custom_b, a 14-bit marker and bytes 6-11 in
custom_c. So the face turns an item id the client sends back (a product line's ``item_ids``, a
return's ``item_id``) into its line and unit without reading anything, and the same line always
shows the same ids. A line id that is not an internal id (none is made so today) gets name-based
UUIDs (uuid5 of the cart and line), which read back as no line.
"""

from __future__ import annotations

from cart_core.returns import ITEM_MARKER as MARKER
from cart_core.returns import MAX_UNITS, item_id, item_ids, line_of

__all__ = ["MARKER", "MAX_UNITS", "item_id", "item_ids", "line_of"]
