"""One internal id, a reversible codec per face: every face reads every cart, and nothing else."""

import re
import uuid

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from cart_core.ids import CODECS, CROCKFORD, IdError, InternalId, codec, new_id

FACES = sorted(CODECS)
internal_ids = st.binary(min_size=12, max_size=12).map(InternalId)
faces = st.sampled_from(FACES)

# The vendors' id shapes, written independently of the codecs.
VENDOR_SHAPES = {
    "blaze": r"[0-9a-f]{24}",  # a MongoDB ObjectId as BLAZE prints it
    "loke": r"[0-9a-f]{24}",
    "medusa": r"cart_[0-7][0-9A-HJKMNP-TV-Z]{25}",  # prefix + ULID (Crockford base32, upper case)
    "newstore": r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    "fluidpay": r"[0-9a-v]{20}",  # xid
}
CASE_INSENSITIVE = {"newstore"}  # NewStore's published path pattern is [0-9a-fA-F]


def canonical(face: str, wire: str) -> str:
    return wire.lower() if face in CASE_INSENSITIVE else wire


# ----- round trips ------------------------------------------------------------------------------


@given(internal=internal_ids, face=faces)
def test_every_face_encodes_every_id_in_its_vendors_shape_and_reads_it_back(internal: InternalId, face: str) -> None:
    # Given any internal id / When a face renders it
    wire = codec(face).encode(internal)
    # Then it has the vendor's shape, and reading it gives the same id
    assert re.fullmatch(VENDOR_SHAPES[face], wire), wire
    assert codec(face).decode(wire) == internal


@given(internal=internal_ids, creator=faces, reader=faces)
def test_an_id_created_by_one_face_round_trips_through_every_other(
    internal: InternalId, creator: str, reader: str
) -> None:
    # Given a cart id as the creating face handed it out
    created = codec(creator).encode(internal)
    # When another face reads the same cart, and the creator reads it back from that face's id
    seen = codec(reader).encode(codec(creator).decode(created))
    back = codec(creator).encode(codec(reader).decode(seen))
    # Then both faces name the same cart, and the creator's id is unchanged
    assert codec(reader).decode(seen) == codec(creator).decode(created) == internal
    assert back == created


@given(internal=internal_ids)
def test_the_storage_key_is_the_blaze_id_so_existing_carts_keep_their_ids(internal: InternalId) -> None:
    assert internal.key == codec("blaze").encode(internal) == codec("loke").encode(internal)
    assert InternalId.from_key(internal.key) == internal


def test_known_ids_render_the_same_forever() -> None:
    # Given an existing ObjectId-shaped cart id / Then its other faces' ids are pinned: changing the
    # embedding would orphan every id already handed out.
    internal = InternalId.from_key("5f1d7c2e9a0b4c3d2e1f0a9b")
    assert {face: c.encode(internal) for face, c in CODECS.items()} == {
        "blaze": "5f1d7c2e9a0b4c3d2e1f0a9b",
        "loke": "5f1d7c2e9a0b4c3d2e1f0a9b",
        "medusa": "cart_01EE5JT4XGS8KSM2TC7MQ1Y2MV",
        "newstore": "5f1d7c2e-9a0b-8ca2-aa17-4c3d2e1f0a9b",
        "fluidpay": "bsenobkq1d63qbgv1adg",
    }


def test_the_xid_form_matches_rs_xid() -> None:
    # rs/xid's own test vector: these 12 bytes are "9m4e2mr0ui3e8a215n4g", created at 1300816219 s
    internal = InternalId(bytes([0x4D, 0x88, 0xE1, 0x5B, 0x60, 0xF4, 0x86, 0xE4, 0x28, 0x41, 0x2D, 0xC9]))
    assert codec("fluidpay").encode(internal) == "9m4e2mr0ui3e8a215n4g"
    assert internal.created_s == 1300816219


@given(internal=internal_ids)
def test_the_ulid_time_and_uuid_version_stay_meaningful(internal: InternalId) -> None:
    # ULID: the first 10 characters are the milliseconds, read here through base32hex's alphabet
    ulid = codec("medusa").encode(internal).removeprefix("cart_")
    as_base32hex = ulid[:10].translate(str.maketrans(CROCKFORD, "0123456789abcdefghijklmnopqrstuv"))
    assert int(as_base32hex, 32) == internal.created_s * 1000
    # UUID: an RFC 9562 version-8 (vendor-specific) UUID that sorts by creation second like the others
    parsed = uuid.UUID(codec("newstore").encode(internal))
    assert parsed.version == 8 and parsed.variant == uuid.RFC_4122
    assert parsed.bytes[:4] == internal.raw[:4]


def test_ids_made_in_a_batch_are_new_ids_each() -> None:
    # Given a request that makes 100 lines at one moment
    keys = InternalId.new_keys(100, now=1_700_000_000.5)
    # Then each is a distinct storage key carrying that second, as InternalId.new(now).key would be
    assert len(set(keys)) == 100
    assert all(re.fullmatch(r"[0-9a-f]{24}", k) and InternalId.from_key(k).created_s == 1_700_000_000 for k in keys)
    assert InternalId.new_keys(0) == []


def test_new_ids_carry_their_creation_second() -> None:
    first, second = new_id(1_700_000_000.9), new_id(1_700_000_000.2)
    assert first.created_s == second.created_s == 1_700_000_000
    assert first != second and re.fullmatch(r"[0-9a-f]{24}", first.key)
    assert new_id().created_s > 1_700_000_000
    with pytest.raises(ValueError):
        new_id(2.0**32)


# ----- rejections -------------------------------------------------------------------------------


def _decodes(face: str, wire: object) -> InternalId | None:
    """The id, or None for the codec's own refusal; any other exception fails the test."""
    try:
        return codec(face).decode(wire)  # type: ignore[arg-type]
    except IdError:
        return None


@given(
    face=faces,
    wire=st.one_of(st.text(), st.text(alphabet="0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHJKMNPQRSTVWXYZ_-")),
)
def test_decoding_any_string_gives_our_id_only_for_its_canonical_form(face: str, wire: str) -> None:
    # Given any string at all / When a face decodes it
    decoded = _decodes(face, wire)
    # Then it is refused with IdError, or it is exactly the string the face renders for that id
    if decoded is not None:
        assert codec(face).encode(decoded) == canonical(face, wire)


@given(internal=internal_ids, face=faces, data=st.data())
def test_a_mutated_id_is_refused_or_names_a_different_cart_in_canonical_form(
    internal: InternalId, face: str, data: st.DataObject
) -> None:
    wire = codec(face).encode(internal)
    position = data.draw(st.integers(0, len(wire) - 1))
    replacement = data.draw(st.characters(codec="utf-8").filter(lambda c: c != wire[position]))
    mutated = wire[:position] + replacement + wire[position + 1 :]
    assume(canonical(face, mutated) != canonical(face, wire))
    decoded = _decodes(face, mutated)
    assert decoded is None or (decoded != internal and codec(face).encode(decoded) == canonical(face, mutated))


@given(internal=internal_ids, face=faces, extra=st.text(min_size=1))
def test_too_long_truncated_or_padded_ids_are_refused(internal: InternalId, face: str, extra: str) -> None:
    wire = codec(face).encode(internal)
    for bad in (wire + extra, extra + wire, wire[:-1], wire[1:], f" {wire}", f"{wire}\n", wire * 2, ""):
        assert _decodes(face, bad) is None, bad


@given(internal=internal_ids, face=st.sampled_from(["blaze", "loke", "medusa", "fluidpay"]))
def test_case_changed_ids_are_refused_where_the_vendor_compares_exactly(internal: InternalId, face: str) -> None:
    wire = codec(face).encode(internal)
    for other in (wire.upper(), wire.lower(), wire.swapcase()):
        if other != wire:
            assert _decodes(face, other) is None, other


@given(internal=internal_ids)
def test_newstore_reads_upper_case_hex_and_renders_lower_case(internal: InternalId) -> None:
    wire = codec("newstore").encode(internal)
    assert codec("newstore").decode(wire.upper()) == internal
    assert codec("newstore").encode(codec("newstore").decode(wire.upper())) == wire


@given(internal=internal_ids, creator=faces, reader=faces)
def test_a_face_refuses_another_faces_form(internal: InternalId, creator: str, reader: str) -> None:
    # BLAZE and LOKE share the ObjectId form; every other pair of forms is disjoint, so an id is
    # never read as a different cart because it was sent to the wrong face.
    assume({creator, reader} != {"blaze", "loke"} and creator != reader)
    assert _decodes(reader, codec(creator).encode(internal)) is None


@given(value=st.integers(0, 2**128 - 1))
def test_foreign_uuids_and_ulids_are_not_ours(value: int) -> None:
    # Given a random UUID v4 (what NewStore itself issues): never ours, whatever its bits
    assert _decodes("newstore", str(uuid.UUID(int=value, version=4))) is None
    # Given a ULID whose time is not a whole second (e.g. one Medusa made) or whose marker differs
    millis = value >> 80
    ours_by_chance = millis % 1000 == 0 and (value >> 64) & 0xFFFF == 0xCA27
    assume(not ours_by_chance)
    chars = "".join(CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(26)))
    assert _decodes("medusa", "cart_" + chars) is None


def test_real_foreign_ids_are_refused() -> None:
    assert _decodes("medusa", "cart_01ARZ3NDEKTSV4RRFFQ69G5FAV") is None  # the ULID spec's example
    assert _decodes("medusa", "cart_01ARZ3NDEKTSV4RRFFQ69G5FAV".lower()) is None
    assert _decodes("medusa", "item_01EE5JT4XGS8KSM2TC7MQ1Y2MV") is None  # a line item's prefix
    assert _decodes("medusa", "cart_01EE5JT4XGS8KSM2TC7MQ1Y2MI") is None  # I is not Crockford
    assert _decodes("medusa", "cart_81EE5JT4XGS8KSM2TC7MQ1Y2MV") is None  # over 128 bits
    assert _decodes("newstore", "5f1d7c2e9a0b8ca2aa174c3d2e1f0a9b") is None  # no hyphens
    assert _decodes("newstore", "{5f1d7c2e-9a0b-8ca2-aa17-4c3d2e1f0a9b}") is None
    assert _decodes("newstore", "urn:uuid:5f1d7c2e-9a0b-8ca2-aa17-4c3d2e1f0a9b") is None
    assert _decodes("fluidpay", "bsenobkq1d63qbgv1adh") is None  # nonzero padding bits
    assert _decodes("fluidpay", "bsenobkq1d63qbgv1adw") is None  # w is past base32hex
    assert _decodes("blaze", "5f1d7c2e9a0b4c3d2e1f0a9٣") is None  # an Arabic-Indic digit
    assert _decodes("blaze", "5f1d7c2e9a0b4c3d2e1f0a9b\n") is None


@pytest.mark.parametrize("value", [None, 123, b"5f1d7c2e9a0b4c3d2e1f0a9b", ["x"], "x" * 1_000_000])
@pytest.mark.parametrize("face", FACES)
def test_non_strings_and_huge_strings_are_refused_with_the_codecs_error(face: str, value: object) -> None:
    with pytest.raises(IdError):
        codec(face).decode(value)  # type: ignore[arg-type]
