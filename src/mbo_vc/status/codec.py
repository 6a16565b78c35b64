"""Bitstring Status List v1.0 data model: the bitstring, its ``encodedList`` form, status entries
and status list credentials (also the legacy StatusList2021 forms, read only).

``encodedList`` is multibase base64url (``u`` prefix, no padding) of the GZIP-compressed
bitstring; index 0 is the most significant bit of byte 0. Decompression is bounded, so a gzip
bomb costs at most ``max_bytes`` of memory before it is refused.
"""

from __future__ import annotations

import base64
import re
import struct
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mbo_vc.errors import (
    InputError,
    StatusCompressionError,
    StatusEncodingError,
    StatusEntryError,
    StatusIndexError,
    StatusListError,
    StatusListTooLargeError,
    StatusListTooShortError,
)
from mbo_vc.timestamps import parse_timestamp

__all__ = [
    "DEFAULT_MAX_LIST_BYTES",
    "ENTRY_TYPES",
    "LIST_CREDENTIAL_TYPES",
    "MIN_ENTRIES",
    "STATUS_PURPOSES",
    "Bitstring",
    "StatusEntry",
    "StatusList",
    "StatusMessage",
    "decode_list",
    "encode_list",
    "parse_status_entry",
    "parse_status_list_credential",
]

MIN_ENTRIES = 131_072
"""The spec's minimum list length (16 KiB of bits): herd privacy for every holder."""

DEFAULT_MAX_LIST_BYTES = 16 * 1024 * 1024
"""Refuse lists that decompress to more than this (128 Mi entries); bounds gzip bombs."""

STATUS_PURPOSES = ("revocation", "suspension", "refresh", "message")

ENTRY_TYPE = "BitstringStatusListEntry"
LEGACY_ENTRY_TYPE = "StatusList2021Entry"
ENTRY_TYPES = (ENTRY_TYPE, LEGACY_ENTRY_TYPE)
LIST_CREDENTIAL_TYPE = "BitstringStatusListCredential"
LEGACY_LIST_CREDENTIAL_TYPE = "StatusList2021Credential"
LIST_CREDENTIAL_TYPES = (LIST_CREDENTIAL_TYPE, LEGACY_LIST_CREDENTIAL_TYPE)
LIST_TYPE = "BitstringStatusList"
LEGACY_LIST_TYPE = "StatusList2021"

MAX_STATUS_SIZE = 8
_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")
_DECIMAL = re.compile(r"^[0-9]{1,15}$")
_HEX_STATUS = re.compile(r"^0x[0-9a-fA-F]{1,4}$")
_GZIP_MAGIC = b"\x1f\x8b"
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"  # deflate, no flags/mtime, Unix
_CHUNK = 64 * 1024


class Bitstring:
    """A status bitstring: index 0 is the most significant bit of byte 0.

    ``get``/``set`` take a ``size`` for multi-bit statuses (``statusSize``); the value is read
    big-endian over bits ``index*size … index*size+size-1``.
    """

    __slots__ = ("_data",)

    def __init__(self, length: int = MIN_ENTRIES) -> None:
        if not isinstance(length, int) or length <= 0 or length % 8:
            raise StatusListError("a bitstring's length must be a positive multiple of 8")
        self._data = bytearray(length // 8)

    @classmethod
    def from_bytes(cls, data: bytes | bytearray) -> Bitstring:
        """A bitstring over a copy of ``data``."""
        if not data:
            raise StatusListError("a bitstring cannot be empty")
        out = cls.__new__(cls)
        out._data = bytearray(data)
        return out

    @property
    def length(self) -> int:
        """Length in bits."""
        return len(self._data) * 8

    def entries(self, size: int = 1) -> int:
        """How many statuses of ``size`` bits the list holds."""
        return self.length // size

    def _check(self, index: int, size: int) -> None:
        if not isinstance(size, int) or not 1 <= size <= MAX_STATUS_SIZE:
            raise StatusEntryError(f"statusSize must be an integer 1..{MAX_STATUS_SIZE}")
        if not isinstance(index, int) or index < 0 or (index + 1) * size > self.length:
            raise StatusIndexError(
                f"status index {index} (statusSize {size}) is outside the list of "
                f"{self.length} bits"
            )

    def get(self, index: int, size: int = 1) -> int:
        """The status value at ``index`` (0 … 2**size-1)."""
        self._check(index, size)
        value = 0
        start = index * size
        for bit in range(start, start + size):
            value = (value << 1) | ((self._data[bit >> 3] >> (7 - (bit & 7))) & 1)
        return value

    def set(self, index: int, value: int | bool, size: int = 1) -> None:
        """Set the status value at ``index``."""
        self._check(index, size)
        value = int(value)
        if not 0 <= value < (1 << size):
            raise StatusListError(f"status value {value} does not fit in {size} bit(s)")
        start = index * size
        for offset in range(size):
            bit = start + offset
            mask = 1 << (7 - (bit & 7))
            if (value >> (size - 1 - offset)) & 1:
                self._data[bit >> 3] |= mask
            else:
                self._data[bit >> 3] &= ~mask & 0xFF

    def set_bits(self) -> Iterator[int]:
        """The indexes of all bits that are 1, in order (fast on sparse lists)."""
        data = self._data
        pos = 0
        zero = b"\x00" * _CHUNK
        while pos < len(data):
            end = min(pos + _CHUNK, len(data))
            if data[pos:end] != zero[: end - pos]:
                for i in range(pos, end):
                    byte = data[i]
                    if byte:
                        for b in range(8):
                            if byte & (0x80 >> b):
                                yield i * 8 + b
            pos = end

    def to_bytes(self) -> bytes:
        """The raw (uncompressed) bytes."""
        return bytes(self._data)

    def encode(self) -> str:
        """The ``encodedList`` form: ``u`` + base64url(GZIP(bytes)), no padding."""
        return encode_list(self._data)

    @classmethod
    def decode(
        cls,
        encoded: str,
        *,
        legacy: bool = False,
        max_bytes: int = DEFAULT_MAX_LIST_BYTES,
    ) -> Bitstring:
        """Decode an ``encodedList`` (see :func:`decode_list`)."""
        return cls.from_bytes(decode_list(encoded, legacy=legacy, max_bytes=max_bytes))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Bitstring) and self._data == other._data

    def __hash__(self) -> int:
        return hash(bytes(self._data))

    def __repr__(self) -> str:
        return f"Bitstring(length={self.length})"


def encode_list(data: bytes | bytearray | Bitstring) -> str:
    """Encode raw bitstring bytes as ``encodedList``.

    The GZIP member is deterministic and laid out as zlib/pako write it by default (level 6, no
    mtime, XFL 0, OS 3), so the spec's example list is reproduced byte for byte.
    """
    raw = data.to_bytes() if isinstance(data, Bitstring) else bytes(data)
    deflater = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = deflater.compress(raw) + deflater.flush()
    trailer = struct.pack("<II", zlib.crc32(raw), len(raw) & 0xFFFFFFFF)
    packed = _GZIP_HEADER + body + trailer
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def decode_list(
    encoded: object, *, legacy: bool = False, max_bytes: int = DEFAULT_MAX_LIST_BYTES
) -> bytes:
    """Decode an ``encodedList`` into the raw bitstring bytes, never using more than
    ``max_bytes`` of output memory.

    ``legacy=True`` (StatusList2021) also accepts the older form without the ``u`` prefix and
    with base64 padding. Raises a :class:`~mbo_vc.errors.StatusListError` subclass.
    """
    if not isinstance(encoded, str):
        raise StatusEncodingError("encodedList must be a string")
    # GZIP of n bytes is never much larger than n: a longer text cannot be within max_bytes.
    if len(encoded) > (max_bytes + max_bytes // 100 + 1024) * 4 // 3 + 4:
        raise StatusListTooLargeError(f"encodedList is longer than a {max_bytes}-byte list needs")
    if encoded.startswith("u"):
        text = encoded[1:]
    elif legacy and encoded.startswith("H4sI"):  # base64 of the GZIP magic, no multibase prefix
        text = encoded
    else:
        raise StatusEncodingError(
            f"encodedList must be multibase base64url (start with 'u'), got {encoded[:8]!r}…"
        )
    if legacy:
        text = text.rstrip("=")
    if not _B64URL.match(text) or len(text) % 4 == 1:
        raise StatusEncodingError(
            "encodedList is not base64url without padding (alphabet A-Z a-z 0-9 - _)"
        )
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        raise StatusEncodingError("encodedList is not valid base64url") from None
    return gunzip_bounded(packed, max_bytes=max_bytes)


def gunzip_bounded(packed: bytes, *, max_bytes: int = DEFAULT_MAX_LIST_BYTES) -> bytes:
    """Decompress exactly one GZIP member, refusing output beyond ``max_bytes``."""
    if not packed.startswith(_GZIP_MAGIC):
        raise StatusCompressionError("encodedList does not hold GZIP data (bad magic number)")
    return inflate_bounded(
        packed, wbits=16 + zlib.MAX_WBITS, max_bytes=max_bytes, member="encodedList",
        invalid="encodedList is not valid GZIP", form="GZIP",
    )  # fmt: skip


def inflate_bounded(
    packed: bytes, *, wbits: int, max_bytes: int, member: str, invalid: str, form: str
) -> bytes:
    """Decompress exactly one stream (``wbits``: GZIP or ZLIB), never holding more than
    ``max_bytes`` of output (a zip bomb stops at the bound); truncated data, data after the
    stream and an empty result are refused. ``member``, ``invalid`` and ``form`` name the
    member and format in the messages. Shared by Bitstring and Token Status Lists."""
    inflater = zlib.decompressobj(wbits=wbits)
    out = bytearray()
    data = packed
    try:
        while True:
            room = max_bytes + 1 - len(out)
            chunk = inflater.decompress(data, min(room, 1 << 20))
            out += chunk
            if len(out) > max_bytes:
                raise StatusListTooLargeError(
                    f"the status list decompresses to more than {max_bytes} bytes"
                )
            if inflater.eof:
                break
            data = inflater.unconsumed_tail
            if not data and not chunk:
                break
    except zlib.error as exc:
        raise StatusCompressionError(f"{invalid}: {exc}") from None
    if not inflater.eof:
        raise StatusCompressionError(f"{member} is truncated {form} data")
    if inflater.unused_data:
        raise StatusCompressionError(f"{member} has data after the {form} stream")
    if not out:
        raise StatusListTooShortError("the status list is empty")
    return bytes(out)


@dataclass(frozen=True)
class StatusMessage:
    """One ``statusMessage`` item: a status value and what it means."""

    status: int
    message: str

    def to_json(self) -> dict[str, str]:
        """JSON form (``status`` as ``0x…`` hex, as the spec writes it)."""
        return {"status": hex(self.status), "message": self.message}


@dataclass(frozen=True)
class StatusEntry:
    """One ``credentialStatus`` entry of type BitstringStatusListEntry (or StatusList2021Entry)."""

    purpose: str
    index: int
    list_credential: str
    size: int = 1
    messages: tuple[StatusMessage, ...] = ()
    id: str | None = None
    type: str = ENTRY_TYPE

    @property
    def legacy(self) -> bool:
        """True for a StatusList2021Entry."""
        return self.type == LEGACY_ENTRY_TYPE

    def message_for(self, value: int) -> str | None:
        """The ``statusMessage`` text for ``value`` (None when the entry has none)."""
        for m in self.messages:
            if m.status == value:
                return m.message
        return None

    def to_json(self) -> dict[str, Any]:
        """The entry as it goes into a credential's ``credentialStatus``."""
        out: dict[str, Any] = {}
        if self.id is not None:
            out["id"] = self.id
        out["type"] = self.type
        out["statusPurpose"] = self.purpose
        out["statusListIndex"] = str(self.index)
        out["statusListCredential"] = self.list_credential
        if self.size != 1:
            out["statusSize"] = self.size
        if self.messages:
            out["statusMessage"] = [m.to_json() for m in self.messages]
        return out


def _entry_error(message: str) -> StatusEntryError:
    return StatusEntryError(message)


def parse_status_entry(entry: object, *, lenient_index: bool = False) -> StatusEntry:
    """Check and parse one ``credentialStatus`` entry.

    ``statusListIndex`` must be a base-10 string, as the spec requires; ``lenient_index=True``
    also accepts a non-negative JSON integer (as some issuers, e.g. 1EdTech's fixtures, write).
    Raises :class:`~mbo_vc.errors.StatusEntryError`.
    """
    if not isinstance(entry, Mapping):
        raise _entry_error("a credentialStatus entry must be a JSON object")
    etype = entry.get("type")
    if etype not in ENTRY_TYPES:
        raise _entry_error(f"credentialStatus type {str(etype)[:60]!r} is not supported")
    purpose = entry.get("statusPurpose")
    if not isinstance(purpose, str) or not purpose or len(purpose) > 100:
        raise _entry_error("statusPurpose must be a non-empty string")
    raw = entry.get("statusListIndex")
    if isinstance(raw, str) and _DECIMAL.match(raw):
        index = int(raw)
    elif lenient_index and isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
        index = raw
    elif isinstance(raw, int) and not isinstance(raw, bool):
        raise _entry_error(f'statusListIndex must be a base-10 string ("{raw}"), not a JSON number')
    else:
        raise _entry_error("statusListIndex must be a non-negative integer as a base-10 string")
    url = entry.get("statusListCredential")
    if not isinstance(url, str) or ":" not in url or len(url) > 2048 or url != url.strip():
        raise _entry_error("statusListCredential must be a URL")
    entry_id = entry.get("id")
    if entry_id is not None and not isinstance(entry_id, str):
        raise _entry_error("credentialStatus id must be a string")
    if entry_id is not None and entry_id == url:
        raise _entry_error("credentialStatus id must not be the status list credential's URL")
    size = entry.get("statusSize", 1)
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_STATUS_SIZE:
        raise _entry_error(f"statusSize must be an integer 1..{MAX_STATUS_SIZE}")
    messages = _parse_messages(entry.get("statusMessage"), size)
    if size > 1 and not messages:
        raise _entry_error("statusMessage must be present when statusSize is greater than 1")
    return StatusEntry(purpose, index, url, size, messages, entry_id, str(etype))


def _parse_messages(raw: object, size: int) -> tuple[StatusMessage, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) != 1 << size:
        raise _entry_error(
            f"statusMessage must be an array of {1 << size} items (statusSize {size})"
        )
    out: list[StatusMessage] = []
    for item in raw:
        if not isinstance(item, Mapping):
            raise _entry_error("each statusMessage item must be an object")
        status, message = item.get("status"), item.get("message")
        if not isinstance(status, str) or not _HEX_STATUS.match(status):
            raise _entry_error('statusMessage status must be a hex string such as "0x1"')
        if not isinstance(message, str):
            raise _entry_error("statusMessage message must be a string")
        out.append(StatusMessage(int(status, 16), message))
    if sorted(m.status for m in out) != list(range(1 << size)):
        raise _entry_error(f"statusMessage must give each status 0x0…{hex((1 << size) - 1)} once")
    return tuple(out)


@dataclass(frozen=True)
class StatusList:
    """The parts of a status list credential a verifier needs (the proof is checked elsewhere)."""

    id: str | None
    issuer: str | None
    purposes: tuple[str, ...]
    bits: Bitstring
    ttl_ms: int | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    legacy: bool = False

    def status(self, entry: StatusEntry, *, min_entries: int = MIN_ENTRIES) -> int:
        """The status value of ``entry`` in this list (length and range checked)."""
        if self.bits.entries(entry.size) < min_entries:
            raise StatusListTooShortError(
                f"the status list has {self.bits.entries(entry.size)} entries of "
                f"{entry.size} bit(s); the minimum is {min_entries}"
            )
        return self.bits.get(entry.index, entry.size)


def parse_status_list_credential(
    doc: object, *, max_bytes: int = DEFAULT_MAX_LIST_BYTES
) -> StatusList:
    """Check the shape of a (legacy) status list credential and decode its list.

    The proof and validity period are not checked here (see :mod:`mbo_vc.status.checker`).
    Raises a :class:`~mbo_vc.errors.StatusListError` subclass.
    """
    if not isinstance(doc, Mapping):
        raise StatusListError("a status list credential must be a JSON object")
    types = types_of(doc)
    if LIST_CREDENTIAL_TYPE in types:
        legacy = False
    elif LEGACY_LIST_CREDENTIAL_TYPE in types:
        legacy = True
    else:
        raise StatusListError(
            f"the status list credential's type must include {LIST_CREDENTIAL_TYPE}"
        )
    subject = doc.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    if not isinstance(subject, Mapping):
        raise StatusListError("the status list credential needs one credentialSubject object")
    want = LEGACY_LIST_TYPE if legacy else LIST_TYPE
    if want not in types_of(subject):
        raise StatusListError(f"the status list's credentialSubject type must be {want}")
    raw_purpose = subject.get("statusPurpose")
    purposes = tuple(raw_purpose) if isinstance(raw_purpose, list) else (raw_purpose,)
    if not purposes or not all(isinstance(p, str) and p for p in purposes):
        raise StatusListError("the status list's statusPurpose must be one or more strings")
    ttl = subject.get("ttl")
    if ttl is not None and (not isinstance(ttl, int) or isinstance(ttl, bool) or ttl < 0):
        raise StatusListError("the status list's ttl must be a non-negative integer (ms)")
    valid_from = _date(doc, "issuanceDate" if legacy and "issuanceDate" in doc else "validFrom")
    valid_until = _date(
        doc, "expirationDate" if legacy and "expirationDate" in doc else "validUntil"
    )
    bits = Bitstring.decode(subject.get("encodedList"), legacy=legacy, max_bytes=max_bytes)  # type: ignore[arg-type]
    list_id = doc.get("id")
    return StatusList(
        list_id if isinstance(list_id, str) else None,
        issuer_id(doc),
        tuple(str(p) for p in purposes),
        bits,
        ttl,
        valid_from,
        valid_until,
        legacy,
    )


def types_of(obj: Mapping[str, Any]) -> list[str]:
    """An object's ``type`` strings (one value counts as a one-element list)."""
    types = obj.get("type")
    types = types if isinstance(types, list) else [types]
    return [t for t in types if isinstance(t, str)]


def issuer_id(doc: Mapping[str, Any]) -> str | None:
    """A credential's issuer id (``issuer`` as a string or an object with ``id``)."""
    issuer = doc.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _date(doc: Mapping[str, Any], name: str) -> datetime | None:
    value = doc.get(name)
    if value is None:
        return None
    try:
        return parse_timestamp(value, name)
    except InputError as exc:
        raise StatusListError(f"status list credential: {exc.message}") from None
