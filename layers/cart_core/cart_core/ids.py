"""One internal cart id, and a reversible codec per face.

The internal id is the 12 bytes behind the ObjectId-shaped ids carts have always had: 4 bytes of
Unix seconds (big-endian, so ids sort by creation second) and 8 random bytes. Its storage form
(``InternalId.key``, the cart's key in DynamoDB and the ``cart_id`` in events) is those 12 bytes as
24 lowercase hex characters, so every cart already stored keeps its id.

Each face shows the same 96 bits in its vendor's id shape and reads them back:

========  ==========================================  ============================================
face      wire form                                   embedding of the 96 bits
========  ==========================================  ============================================
blaze     ``5f1d7c2e9a0b4c3d2e1f0a9b`` (24 hex)        the storage form itself (an ObjectId)
loke      same as BLAZE                                the storage form itself
medusa    ``cart_`` + ULID (26 Crockford base32,        ULID time = seconds × 1000 (ms), so ULID tools
          upper case)                                  show the creation second; then a 16-bit marker;
                                                       then the 8 random bytes
newstore  UUID, canonical lower case 8-4-4-4-12         RFC 9562 version 8 (vendor-specific): bytes
                                                       0-5 in custom_a, a 12-bit marker in custom_b,
                                                       a 14-bit marker and bytes 6-11 in custom_c
fluidpay  xid: 20 chars ``[0-9a-v]``                    the 12 bytes as an xid (base32hex, lower
                                                       case); an xid is 4 bytes of seconds + 8 more
========  ==========================================  ============================================

Every internal id encodes in every face and decodes back to itself, so an id created through one
face reads through every other. ``decode`` accepts only the canonical string ``encode`` would give
(one wire string per cart: logs, caches and idempotency keys never see two spellings of one cart);
the one exception is NewStore, whose published path pattern accepts upper-case hex digits. Anything
else raises ``IdError``, and nothing else: a face turns it into its own 404 or 400, never a 500.
The markers make foreign ULIDs and UUIDs recognisably not ours (a random ULID passes with odds
about 1 in 6.5e7, since its milliseconds must also be a whole second; a UUID must be version 8 with
26 marker bits right). An xid has no spare bits: a foreign but well-formed xid decodes to an id no
cart has, which the face answers like any unknown cart.
"""

from __future__ import annotations

import base64
import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Final, Protocol

from cart_core.clock import system_clock

ID_BYTES: Final = 12
_MAX_SECONDS: Final = 2**32 - 1


class IdError(ValueError):
    """The string is not an id of ours in this face's form (malformed, non-canonical or foreign)."""


@dataclass(frozen=True, slots=True, order=True)
class InternalId:
    raw: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.raw, bytes) or len(self.raw) != ID_BYTES:
            raise IdError(f"an internal id is {ID_BYTES} bytes")

    @classmethod
    def new(cls, now: float | None = None) -> InternalId:
        """A fresh id: the creation second, then 8 random bytes (2^64 per second: collisions are
        not a practical concern, and the conditional put of a new cart would refuse one anyway)."""
        seconds = int(system_clock() if now is None else now)
        if not 0 <= seconds <= _MAX_SECONDS:
            raise ValueError(f"{seconds} is outside the 32-bit seconds an id can carry")
        return cls(seconds.to_bytes(4, "big") + secrets.token_bytes(8))

    @classmethod
    def new_keys(cls, count: int, now: float | None = None) -> list[str]:
        """``count`` fresh ids' storage keys (``new(now).key`` each): the random bytes drawn at once,
        for a request that makes a line per edit (a 100-line cart: one system call, not 100)."""
        prefix = cls.new(now).raw[:4]
        randoms = secrets.token_bytes(8 * count)
        return [(prefix + randoms[8 * i : 8 * i + 8]).hex() for i in range(count)]

    @classmethod
    def from_key(cls, key: str) -> InternalId:
        """The id behind a storage key (24 lowercase hex characters)."""
        return HEX.decode(key)

    @property
    def key(self) -> str:
        """The storage form: the cart's key in DynamoDB, ``cart_id`` in the core and in events."""
        return self.raw.hex()

    @property
    def created_s(self) -> int:
        return int.from_bytes(self.raw[:4], "big")

    @property
    def as_int(self) -> int:
        return int.from_bytes(self.raw, "big")

    @classmethod
    def from_int(cls, value: int) -> InternalId:
        return cls(value.to_bytes(ID_BYTES, "big"))

    def __str__(self) -> str:
        return self.key


class IdCodec(Protocol):
    # Read-only members: the codecs are frozen dataclasses.
    @property
    def name(self) -> str: ...

    @property
    def max_length(self) -> int: ...

    def encode(self, internal: InternalId) -> str: ...

    def decode(self, wire: str) -> InternalId:
        """The internal id, or ``IdError``; never another exception, whatever ``wire`` is."""
        ...


def _checked(wire: object, max_length: int) -> str:
    # Length first: a hostile 1 MB string costs one len(), not a regex pass.
    if not isinstance(wire, str):
        raise IdError("an id is a string")
    if len(wire) > max_length:
        raise IdError(f"an id is at most {max_length} characters")
    return wire


@dataclass(frozen=True, slots=True)
class HexCodec:
    """24 lowercase hex characters: the storage form, and BLAZE's / LOKE's ObjectId shape."""

    name: str
    max_length: int = 2 * ID_BYTES
    _shape = re.compile(r"[0-9a-f]{24}")

    def encode(self, internal: InternalId) -> str:
        return internal.raw.hex()

    def decode(self, wire: str) -> InternalId:
        if not self._shape.fullmatch(_checked(wire, self.max_length)):
            raise IdError("not 24 lowercase hex characters")
        return InternalId(bytes.fromhex(wire))


CROCKFORD: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CROCKFORD_VALUE: Final = {c: i for i, c in enumerate(CROCKFORD)}


@dataclass(frozen=True, slots=True)
class MedusaCodec:
    """``cart_`` + ULID, as Medusa v1's ``generateEntityId`` makes them (the ``ulid`` package:
    upper-case Crockford base32). Decoding is exact, not the ULID spec's case-insensitive reading:
    Medusa looks ids up as strings, so ``cart_01h…`` is a 404 there too."""

    name: str = "medusa"
    prefix: str = "cart_"
    # 16 bits between the ULID's time and our 8 random bytes; fixed, so foreign ULIDs are not ours.
    marker: int = 0xCA27
    max_length: int = len("cart_") + 26
    _shape = re.compile(r"[0-7][0-9A-HJKMNP-TV-Z]{25}")

    def encode(self, internal: InternalId) -> str:
        value = (internal.created_s * 1000) << 80 | self.marker << 64 | int.from_bytes(internal.raw[4:], "big")
        chars = []
        for _ in range(26):
            chars.append(CROCKFORD[value & 31])
            value >>= 5
        return self.prefix + "".join(reversed(chars))

    def decode(self, wire: str) -> InternalId:
        _checked(wire, self.max_length)
        ulid = wire[len(self.prefix) :]
        if not wire.startswith(self.prefix) or not self._shape.fullmatch(ulid):
            raise IdError(f"not {self.prefix} followed by an upper-case ULID")
        value = 0
        for char in ulid:
            value = value << 5 | _CROCKFORD_VALUE[char]
        millis, marker, tail = value >> 80, (value >> 64) & 0xFFFF, value & (2**64 - 1)
        if marker != self.marker or millis % 1000 or millis // 1000 > _MAX_SECONDS:
            raise IdError("a ULID that is not one of our carts")
        return InternalId((millis // 1000).to_bytes(4, "big") + tail.to_bytes(8, "big"))


@dataclass(frozen=True, slots=True)
class NewStoreCodec:
    """A version-8 UUID (RFC 9562's vendor-specific layout) in canonical 8-4-4-4-12 form.

    Bits, most significant first: 48 of custom_a = internal bytes 0-5 (seconds first, so UUIDs sort
    by creation like the others), 4 of version (8), 12 of custom_b = ``marker_b``, 2 of variant
    (0b10), 62 of custom_c = 14-bit ``marker_c`` + internal bytes 6-11. Rendered lower case (RFC
    9562); read in either case, as NewStore's path pattern ``[0-9a-fA-F]`` allows."""

    name: str = "newstore"
    marker_b: int = 0xCA2
    marker_c: int = 0x2A17
    max_length: int = 36
    _shape = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

    def encode(self, internal: InternalId) -> str:
        head, tail = int.from_bytes(internal.raw[:6], "big"), int.from_bytes(internal.raw[6:], "big")
        value = head << 80 | 8 << 76 | self.marker_b << 64 | 0b10 << 62 | self.marker_c << 48 | tail
        return str(uuid.UUID(int=value))

    def decode(self, wire: str) -> InternalId:
        if not self._shape.fullmatch(_checked(wire, self.max_length)):
            raise IdError("not a UUID in 8-4-4-4-12 form")
        value = int(wire.replace("-", ""), 16)
        version, marker_b = (value >> 76) & 0xF, (value >> 64) & 0xFFF
        variant, marker_c = (value >> 62) & 0b11, (value >> 48) & 0x3FFF
        if (version, marker_b, variant, marker_c) != (8, self.marker_b, 0b10, self.marker_c):
            raise IdError("a UUID that is not one of our carts")
        head, tail = value >> 80, value & (2**48 - 1)
        return InternalId(head.to_bytes(6, "big") + tail.to_bytes(6, "big"))


@dataclass(frozen=True, slots=True)
class XidCodec:
    """An xid (github.com/rs/xid): the 12 bytes in base32hex, lower case, unpadded, 20 characters.
    The last character carries one bit and four zero bits, so only ``0`` or ``g`` may end an id."""

    name: str = "fluidpay"
    max_length: int = 20
    _shape = re.compile(r"[0-9a-v]{19}[0g]")

    def encode(self, internal: InternalId) -> str:
        return base64.b32hexencode(internal.raw).decode("ascii").rstrip("=").lower()

    def decode(self, wire: str) -> InternalId:
        if not self._shape.fullmatch(_checked(wire, self.max_length)):
            raise IdError("not a 20-character xid")
        return InternalId(base64.b32hexdecode(wire.upper() + "===="))


HEX: Final = HexCodec("blaze")
CODECS: Final[dict[str, IdCodec]] = {
    "blaze": HEX,
    "loke": HexCodec("loke"),
    "medusa": MedusaCodec(),
    "newstore": NewStoreCodec(),
    "fluidpay": XidCodec(),
}


def codec(face: str) -> IdCodec:
    return CODECS[face]


def wire_form(codec: IdCodec, key: str) -> str:
    """The face's id for the record stored under ``key``."""
    return codec.encode(InternalId.from_key(key))


def stored_key_or_as_sent(codec: IdCodec, wire: str) -> str:
    """The stored key a face's id names. An id the codec does not read is passed on as it came —
    only for faces whose wire form is the storage form (BLAZE, LOKE): no record has it as its key,
    so the core answers its own 404 after the checks that come first, exactly as before codecs."""
    try:
        return codec.decode(wire).key
    except IdError:
        return wire


def new_id(now: float | None = None) -> InternalId:
    return InternalId.new(now)


def prefixed_id(prefix: str, now: float | None = None) -> str:
    """A new id of a record that is only ever named by its id (a shipping method, an option, a
    region, a variant): ``prefix_`` + a ULID at ``now`` (Unix seconds; the system clock if None),
    as Medusa's ``generateEntityId`` makes them (python-ulid: upper-case Crockford base32)."""
    from ulid import ULID  # only the paths that make such ids pay for the import

    return f"{prefix}_{ULID() if now is None else ULID.from_timestamp(float(now))}"  # an int would read as ms
