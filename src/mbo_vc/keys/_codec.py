"""What every key type shares: multibase, base64url, key files (bounded read, atomic 0600 write)."""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import base58

from mbo_vc.errors import InputError, KeyFormatError, UsageError
from mbo_vc.json_input import decode_utf8, read_file_bounded

__all__ = [
    "MAX_KEY_FILE_BYTES",
    "MULTIKEY_CONTEXT",
    "MultikeyIdentity",
    "b64url",
    "b64url_decode",
    "decode_multibase",
    "encode_multibase_base58btc",
    "read_key_document",
    "write_key_file",
]

MAX_KEY_FILE_BYTES = 64 * 1024
"""Key files larger than this are refused without being read."""

MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
_BASE58 = re.compile(r"[1-9A-HJ-NP-Za-km-z]+")
_B64URL = re.compile(r"[A-Za-z0-9_-]*")


def decode_multibase(value: Any, *, expect: str | None = "z") -> bytes:
    """Decode a multibase string; ``expect`` restricts the base prefix (``z`` = base58btc)."""
    if not isinstance(value, str) or len(value) < 2:
        raise KeyFormatError("multibase value must be a non-empty string")
    if len(value) > 4096:
        raise KeyFormatError("multibase value is too long")
    if expect is not None and value[0] != expect:
        raise KeyFormatError(f"multibase value must start with {expect!r} (base58btc)")
    try:
        if value[0] == "z":  # base58btc: the base58 package is ~100x faster than the generic codec
            if not _BASE58.fullmatch(value[1:]):  # (the base58 package strips whitespace)
                raise ValueError("not base58btc")
            return bytes(base58.b58decode(value[1:].encode("ascii")))
        from multiformats import multibase  # other bases than base58btc: imported on first use

        return bytes(multibase.decode(value))
    except Exception:
        raise KeyFormatError("multibase value is not validly encoded") from None


def encode_multibase_base58btc(data: bytes) -> str:
    """Encode bytes as multibase base58btc (``z…``)."""
    return "z" + base58.b58encode(data).decode("ascii")


def b64url(data: bytes) -> str:
    """Unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(value: Any, what: str) -> bytes:
    """Strict unpadded base64url, or :class:`~mbo_vc.errors.KeyFormatError` naming ``what``."""
    if not isinstance(value, str) or not _B64URL.fullmatch(value) or len(value) % 4 == 1:
        raise KeyFormatError(f"JWK member {what!r} is missing or not base64url")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise KeyFormatError(f"JWK member {what!r} is not base64url") from None


def read_key_document(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The JSON object of a key file: at most :data:`MAX_KEY_FILE_BYTES`, UTF-8, never quoted
    in an error."""
    try:
        text = decode_utf8(
            read_file_bounded(path, max_bytes=MAX_KEY_FILE_BYTES, what="key file"),
            f"key file {path}",
        )
    except InputError as exc:
        raise KeyFormatError(exc.message) from None
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        raise KeyFormatError(f"key file {path} is not JSON") from None
    if not isinstance(doc, dict):
        raise KeyFormatError(f"key file {path} is not a JSON object")
    return doc


def write_key_file(
    path: str | os.PathLike[str], doc: dict[str, Any], *, overwrite: bool = False
) -> Path:
    """Write ``doc`` readable only by its owner (0600), to a temporary name and renamed, so a
    crash never leaves a half-written key file."""
    target = Path(path)
    if target.exists() and not overwrite:
        raise UsageError(f"{target} exists; refusing to overwrite a key file")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".key-", dir=target.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=2)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


class MultikeyIdentity:
    """What every key class shares: whether it can sign, its did:key, the controller and the
    verification method id it signs as, and its Multikey document. A subclass sets
    ``_private`` (None for a public key), ``_controller`` and ``_id`` (None for the did:key
    defaults) and defines ``public_key_multibase``."""

    __slots__ = ()  # (the key classes keep their slots: no attribute can be added to a key)
    _private: Any
    _controller: str | None
    _id: str | None

    @property
    def public_key_multibase(self) -> str:
        """Multikey ``publicKeyMultibase``."""
        raise NotImplementedError

    @property
    def has_private(self) -> bool:
        """True when this object can sign."""
        return self._private is not None

    @property
    def did(self) -> str:
        """The ``did:key`` of this key."""
        return "did:key:" + self.public_key_multibase

    @property
    def controller(self) -> str:
        """The controller DID of the verification method (default: the did:key)."""
        return self._controller or self.did

    @property
    def verification_method(self) -> str:
        """The verification method id used in proofs (``did:key:z…#z…`` by default)."""
        if self._id:
            return self._id
        return f"{self._controller or self.did}#{self.public_key_multibase}"

    def multikey(self) -> dict[str, Any]:
        """The public Multikey verification method document."""
        return {
            "id": self.verification_method,
            "type": "Multikey",
            "controller": self.controller,
            "publicKeyMultibase": self.public_key_multibase,
        }
