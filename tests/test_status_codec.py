"""Bitstring Status List codec: spec examples, the 1EdTech list, bit order, malformed input."""

from __future__ import annotations

import base64
import gzip
import hashlib
import zlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mbo_vc.errors import (
    LimitExceededError,
    StatusCompressionError,
    StatusEncodingError,
    StatusEntryError,
    StatusIndexError,
    StatusListError,
    StatusListTooLargeError,
    StatusListTooShortError,
)
from mbo_vc.status import (
    MIN_ENTRIES,
    Bitstring,
    decode_list,
    encode_list,
    parse_status_entry,
    parse_status_list_credential,
)
from tests.helpers import load_vector

SPEC = load_vector("bitstring-status-list/spec-examples.json")
ONETECH = load_vector("bitstring-status-list/1edtech-testlist.json")


def _u(raw: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.mark.parametrize("item", SPEC["lists"], ids=lambda i: f"example-{i['example']}")
def test_spec_example_lists_decode_to_the_documented_bits(item: dict[str, Any]) -> None:
    encoded = item["credential"]["credentialSubject"]["encodedList"]
    raw = decode_list(encoded)
    assert raw == bytes(16384)  # 131,072 entries, none set
    assert hashlib.sha256(raw).hexdigest() == item["expected"]["decompressed_sha256"]
    bits = Bitstring.from_bytes(raw)
    assert bits.length == item["expected"]["length_bits"] == MIN_ENTRIES
    assert list(bits.set_bits()) == item["expected"]["set_bits"] == []
    parsed = parse_status_list_credential(item["credential"])
    assert parsed.purposes == ("revocation",)
    assert parsed.id == item["credential"]["id"]


def test_encoding_the_spec_example_reproduces_it_byte_for_byte() -> None:
    published = SPEC["lists"][0]["credential"]["credentialSubject"]["encodedList"]
    assert Bitstring(MIN_ENTRIES).encode() == published


@pytest.mark.parametrize("item", SPEC["entries"], ids=lambda i: f"example-{i['example']}")
def test_spec_example_entries_parse(item: dict[str, Any]) -> None:
    raw = item["credential"]["credentialStatus"]
    raw = raw if isinstance(raw, list) else [raw]
    got = [parse_status_entry(e) for e in raw]
    assert [(e.purpose, e.index, e.list_credential) for e in got] == [
        (x["statusPurpose"], x["index"], x["statusListCredential"]) for x in item["expected"]
    ]
    assert [e.to_json() for e in got] == raw  # round trip, member for member


def test_1edtech_testlist_has_exactly_bit_23_set() -> None:
    encoded = ONETECH["list_credential"]["credentialSubject"]["encodedList"]
    raw = decode_list(encoded)
    # Index 0 is the most significant bit of byte 0, so bit 23 is the lowest bit of byte 2.
    assert raw == bytes(2) + b"\x01" + bytes(16384 - 3)
    assert raw[2:3].hex() == ONETECH["expected"]["byte_2_hex"]
    bits = Bitstring.from_bytes(raw)
    assert list(bits.set_bits()) == ONETECH["expected"]["set_bits"] == [23]
    assert bits.get(23) == 1 and bits.get(22) == 0 and bits.get(24) == 0


def test_1edtech_index_is_a_json_number_strict_and_lenient() -> None:
    entry = ONETECH["revoked_credential"]["credentialStatus"]
    assert entry["statusListIndex"] == 23
    with pytest.raises(StatusEntryError) as exc:
        parse_status_entry(entry)
    assert exc.value.code == "malformed_status_entry"
    assert "base-10 string" in exc.value.message
    assert parse_status_entry(entry, lenient_index=True).index == 23


def test_bit_order_and_multi_bit_values() -> None:
    bits = Bitstring(MIN_ENTRIES)
    bits.set(0, 1)
    bits.set(9, True)
    assert bits.to_bytes()[:2] == b"\x80\x40"
    bits.set(0, 0)
    assert bits.to_bytes()[0] == 0
    # statusSize 2: entry 5 occupies bits 10 and 11, read big-endian.
    bits.set(5, 0b10, size=2)
    assert bits.get(10) == 1 and bits.get(11) == 0 and bits.get(5, size=2) == 2
    bits.set(5, 0b01, size=2)
    assert bits.get(10) == 0 and bits.get(11) == 1 and bits.get(5, size=2) == 1
    with pytest.raises(StatusListError):
        bits.set(5, 4, size=2)


@settings(max_examples=25, deadline=None)
@given(st.sets(st.integers(min_value=0, max_value=MIN_ENTRIES - 1), max_size=200))
def test_encode_decode_round_trip(indexes: set[int]) -> None:
    bits = Bitstring(MIN_ENTRIES)
    for i in indexes:
        bits.set(i, 1)
    back = Bitstring.decode(bits.encode())
    assert back == bits
    assert set(back.set_bits()) == indexes


def test_index_out_of_range() -> None:
    bits = Bitstring(MIN_ENTRIES)
    with pytest.raises(StatusIndexError) as exc:
        bits.get(MIN_ENTRIES)
    assert exc.value.code == "status_index_out_of_range"
    with pytest.raises(StatusIndexError):
        bits.get(MIN_ENTRIES // 2, size=2)  # 65536 * 2 bits reaches past the end
    with pytest.raises(StatusIndexError):
        bits.get(-1)


@pytest.mark.parametrize(
    "encoded,error,code",
    [
        ("zH4sIAAAAAAAAA", StatusEncodingError, "status_list_encoding"),  # base58 prefix
        (
            "H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA",
            StatusEncodingError,
            "status_list_encoding",
        ),  # no multibase prefix
        ("uH4sI+AAA/", StatusEncodingError, "status_list_encoding"),  # base64, not base64url
        ("uH4sIAA==", StatusEncodingError, "status_list_encoding"),  # padding
        ("uH", StatusEncodingError, "status_list_encoding"),  # impossible length
        (_u(b"not gzip at all"), StatusCompressionError, "status_list_compression"),
        (_u(gzip.compress(bytes(16384))[:-12]), StatusCompressionError, "status_list_compression"),
        (
            _u(gzip.compress(bytes(16384)) + b"junk"),
            StatusCompressionError,
            "status_list_compression",
        ),
        (_u(b"\x1f\x8b\x08\x00" + b"\x00" * 30), StatusCompressionError, "status_list_compression"),
        (_u(gzip.compress(b"")), StatusListTooShortError, "status_list_too_short"),
        (12345, StatusEncodingError, "status_list_encoding"),
    ],
)
def test_malformed_encoded_lists(encoded: Any, error: type[Exception], code: str) -> None:
    with pytest.raises(error) as exc:
        decode_list(encoded)
    assert exc.value.code == code  # type: ignore[attr-defined]


def test_corrupted_crc_is_refused() -> None:
    packed = bytearray(gzip.compress(bytes(16384)))
    packed[-6] ^= 0xFF  # inside the CRC32 trailer
    with pytest.raises(StatusCompressionError):
        decode_list(_u(bytes(packed)))


def test_gzip_bomb_is_refused_with_bounded_memory() -> None:
    # 64 MiB of zeros compresses to ~64 KiB; the decoder stops right after max_bytes.
    deflater = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1 << 20)
    bomb = b"".join(deflater.compress(chunk) for _ in range(64)) + deflater.flush()
    assert len(bomb) < 200_000
    with pytest.raises(StatusListTooLargeError) as exc:
        decode_list(_u(bomb), max_bytes=1 << 20)
    assert exc.value.code == "status_list_too_large"
    assert isinstance(exc.value, LimitExceededError)
    with pytest.raises(StatusListTooLargeError):
        decode_list(_u(bomb))  # the default limit (16 MiB) also holds


def test_overlong_text_is_refused_before_decoding() -> None:
    with pytest.raises(StatusListTooLargeError):
        decode_list("u" + "A" * 5000, max_bytes=1024)


def test_too_short_list_for_the_status_size() -> None:
    cred = {
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": "did:example:1",
        "credentialSubject": {
            "type": "BitstringStatusList",
            "statusPurpose": "message",
            "encodedList": encode_list(bytes(16384)),
        },
    }
    status_list = parse_status_list_credential(cred)
    one_bit = parse_status_entry(_entry(statusPurpose="revocation"))
    assert status_list.status(one_bit) == 0
    two_bits = parse_status_entry(_entry(statusSize=2, statusMessage=_messages(2)))
    with pytest.raises(StatusListTooShortError):
        status_list.status(two_bits)  # 65,536 two-bit entries < 131,072
    small = {
        **cred,
        "credentialSubject": {**cred["credentialSubject"], "encodedList": encode_list(bytes(1024))},
    }
    with pytest.raises(StatusListTooShortError):
        parse_status_list_credential(small).status(one_bit)


def _messages(size: int) -> list[dict[str, str]]:
    return [{"status": hex(v), "message": f"m{v}"} for v in range(1 << size)]


def _entry(**extra: Any) -> dict[str, Any]:
    entry = {
        "id": "https://s.example/status/1#7",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "message",
        "statusListIndex": "7",
        "statusListCredential": "https://s.example/status/1",
    }
    entry.update(extra)
    return entry


@pytest.mark.parametrize(
    "change",
    [
        {"type": "SomethingElse"},
        {"statusPurpose": ""},
        {"statusListIndex": "-1"},
        {"statusListIndex": "1e3"},
        {"statusListIndex": " 7"},
        {"statusListIndex": True},
        {"statusListIndex": 7.0},
        {"statusListCredential": "not a url"},
        {"statusListCredential": 5},
        {"id": "https://s.example/status/1"},  # the entry id must not be the list's URL
        {"statusSize": 0},
        {"statusSize": 2},  # statusMessage missing
        {"statusSize": 2, "statusMessage": _messages(1)},  # wrong count
        {
            "statusSize": 1,
            "statusMessage": [{"status": "1", "message": "x"}, {"status": "0x0", "message": "y"}],
        },
        {
            "statusSize": 1,
            "statusMessage": [{"status": "0x0", "message": "x"}, {"status": "0x0", "message": "y"}],
        },
    ],
)
def test_malformed_entries(change: dict[str, Any]) -> None:
    with pytest.raises(StatusEntryError) as exc:
        parse_status_entry(_entry(**change), lenient_index=True)
    assert exc.value.code == "malformed_status_entry"


def test_message_entry_parses() -> None:
    entry = parse_status_entry(_entry(statusSize=2, statusMessage=_messages(2)))
    assert entry.size == 2 and entry.message_for(3) == "m3" and entry.message_for(4) is None
    assert entry.to_json()["statusMessage"] == _messages(2)


def test_legacy_status_list_2021() -> None:
    raw = bytes(5) + b"\x04" + bytes(16384 - 6)  # bit 45
    no_prefix = base64.urlsafe_b64encode(gzip.compress(raw)).decode()  # with padding, no 'u'
    cred = {
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://w3id.org/vc/status-list/2021/v1",
        ],
        "id": "https://s.example/status/2021",
        "type": ["VerifiableCredential", "StatusList2021Credential"],
        "issuer": {"id": "did:example:legacy"},
        "issuanceDate": "2021-04-05T14:27:40Z",
        "credentialSubject": {
            "id": "https://s.example/status/2021#list",
            "type": "StatusList2021",
            "statusPurpose": "revocation",
            "encodedList": no_prefix,
        },
    }
    parsed = parse_status_list_credential(cred)
    assert parsed.legacy and parsed.issuer == "did:example:legacy"
    assert list(parsed.bits.set_bits()) == [45]
    entry = parse_status_entry(
        {
            "id": "https://s.example/status/2021#45",
            "type": "StatusList2021Entry",
            "statusPurpose": "revocation",
            "statusListIndex": "45",
            "statusListCredential": "https://s.example/status/2021",
        }
    )
    assert entry.legacy and parsed.status(entry) == 1
    # A BitstringStatusList must carry the multibase prefix.
    modern = {
        **cred,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "credentialSubject": {**cred["credentialSubject"], "type": "BitstringStatusList"},
    }
    with pytest.raises(StatusEncodingError):
        parse_status_list_credential(modern)


@pytest.mark.parametrize(
    "change",
    [
        {"type": ["VerifiableCredential"]},
        {"credentialSubject": []},
        {"credentialSubject": {"type": "Other", "statusPurpose": "revocation", "encodedList": "u"}},
        {
            "credentialSubject": {
                "type": "BitstringStatusList",
                "statusPurpose": [],
                "encodedList": encode_list(bytes(16384)),
            }
        },
        {
            "credentialSubject": {
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": encode_list(bytes(16384)),
                "ttl": -5,
            }
        },
        {"validUntil": "tomorrow"},
    ],
)
def test_malformed_list_credentials(change: dict[str, Any]) -> None:
    cred = dict(SPEC["lists"][0]["credential"])
    cred.update(change)
    with pytest.raises(StatusListError):
        parse_status_list_credential(cred)
