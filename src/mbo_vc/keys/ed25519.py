"""Ed25519 keys: generation, Multikey (multibase/multicodec) and JWK forms, did:key, key files.

A key object may hold only the public half (for verification) or both halves. Private material is
never part of ``repr``/``str``, never logged and never put in an error message; it leaves the
object only through :meth:`Ed25519Key.secret_key_multibase`, :meth:`Ed25519Key.to_jwk` with
``private=True`` and :meth:`Ed25519Key.save`, each of which has to be asked for by name.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from nacl.bindings import crypto_core_ed25519_is_valid_point

from mbo_vc.errors import KeyFormatError, UsageError
from mbo_vc.keys._codec import (
    MULTIKEY_CONTEXT,
    MultikeyIdentity,
    decode_multibase,
    encode_multibase_base58btc,
    read_key_document,
    write_key_file,
)
from mbo_vc.keys._codec import b64url as _b64url

__all__ = ["ED25519_PRIV_HEADER", "ED25519_PUB_HEADER", "Ed25519Key"]

ED25519_PUB_HEADER = b"\xed\x01"
"""Multicodec varint of ``ed25519-pub`` (0xed)."""
ED25519_PRIV_HEADER = b"\x80\x26"
"""Multicodec varint of ``ed25519-priv`` (0x1300)."""


class Ed25519Key(MultikeyIdentity):
    """An Ed25519 key pair (or public key) with its Multikey, JWK and did:key forms."""

    __slots__ = ("_controller", "_id", "_private", "_public", "_public_bytes")

    key_type = "Ed25519"
    """The key's type (its curve), as JWK ``crv`` spells it."""
    jws_alg = "EdDSA"
    """The JWS ``alg`` this key signs with."""

    def __init__(
        self,
        public_key: Ed25519PublicKey,
        private_key: Ed25519PrivateKey | None = None,
        *,
        controller: str | None = None,
        key_id: str | None = None,
    ) -> None:
        self._public = public_key
        self._private = private_key
        self._public_bytes = public_key.public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self._controller = controller
        self._id = key_id

    # --- constructors -------------------------------------------------------------------
    @classmethod
    def generate(cls) -> Ed25519Key:
        """Create a new random key pair."""
        private = Ed25519PrivateKey.generate()
        return cls(private.public_key(), private)

    @classmethod
    def from_seed(cls, seed: bytes) -> Ed25519Key:
        """Create the key pair whose 32-byte private seed is ``seed``."""
        if not isinstance(seed, bytes | bytearray) or len(seed) != 32:
            raise KeyFormatError("an Ed25519 seed is exactly 32 bytes")
        private = Ed25519PrivateKey.from_private_bytes(bytes(seed))
        return cls(private.public_key(), private)

    @classmethod
    def from_public_bytes(cls, data: bytes) -> Ed25519Key:
        """Create a public-only key from 32 raw bytes."""
        if not isinstance(data, bytes | bytearray) or len(data) != 32:
            raise KeyFormatError("an Ed25519 public key is exactly 32 bytes")
        # libsodium's check: on the curve, canonical encoding, prime-order subgroup, not of
        # small order (a small-order key makes signatures that verify for many messages).
        if not crypto_core_ed25519_is_valid_point(bytes(data)):
            raise KeyFormatError(
                "not a valid Ed25519 public key (not a canonical point of the prime-order "
                "subgroup, e.g. of small order)"
            )
        try:
            return cls(Ed25519PublicKey.from_public_bytes(bytes(data)))
        except ValueError:
            raise KeyFormatError("not a valid Ed25519 public key") from None

    @classmethod
    def from_multibase(cls, value: str) -> Ed25519Key:
        """Create a key from a Multikey ``publicKeyMultibase`` (z6Mk…) or ``secretKeyMultibase``.

        The secret form is 0x8026 followed by the 32-byte seed. The legacy 66-byte form (seed and
        public key) that some older tools emit is refused: convert it with :meth:`from_seed`.
        """
        raw = decode_multibase(value)
        if raw[:2] == ED25519_PUB_HEADER:
            if len(raw) != 34:
                raise KeyFormatError("Ed25519 Multikey public key must be 0xed01 + 32 bytes")
            return cls.from_public_bytes(raw[2:])
        if raw[:2] == ED25519_PRIV_HEADER:
            if len(raw) != 34:
                raise KeyFormatError(
                    "Ed25519 Multikey secret key must be 0x8026 + 32-byte seed "
                    f"(got {len(raw) - 2} bytes; a 64-byte legacy form needs from_seed)"
                )
            return cls.from_seed(raw[2:])
        raise KeyFormatError("multibase value is not an Ed25519 Multikey (0xed01 / 0x8026)")

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any] | str) -> Ed25519Key:
        """Create a key from an OKP/Ed25519 JWK (public, or private with ``d``)."""
        from jwcrypto import jwk as _jwk  # (start-up time: most runs read no JWK)

        try:
            data = json.loads(jwk) if isinstance(jwk, str) else dict(jwk)
            if data.get("kty") != "OKP" or data.get("crv") != "Ed25519":
                raise KeyFormatError("JWK is not an OKP key on curve Ed25519")
            key = _jwk.JWK(**data)
            if not key.has_private:
                x = data.get("x")
                raw = (
                    base64.urlsafe_b64decode(x + "=" * (-len(x) % 4)) if isinstance(x, str) else b""
                )
                return cls.from_public_bytes(raw)
            if key.has_private:
                private = key.get_op_key("sign")
                if not isinstance(private, Ed25519PrivateKey):
                    raise KeyFormatError("JWK private key is not Ed25519")
                return cls(private.public_key(), private)
            public = key.get_op_key("verify")
            if not isinstance(public, Ed25519PublicKey):
                raise KeyFormatError("JWK public key is not Ed25519")
            return cls(public)
        except KeyFormatError:
            raise
        except Exception:
            raise KeyFormatError("JWK could not be read as an Ed25519 key") from None

    @classmethod
    def from_did_key(cls, did: str) -> Ed25519Key:
        """Create the public key named by an Ed25519 ``did:key`` (with or without fragment)."""
        if not isinstance(did, str) or not did.startswith("did:key:"):
            raise KeyFormatError("not a did:key identifier")
        mb = did[len("did:key:") :].split("#", 1)[0]
        key = cls.from_multibase(mb)
        if key.has_private:
            raise KeyFormatError("did:key must name a public key")
        return key

    # --- identity -------------------------------------------------------------------------
    def with_controller(self, controller: str, key_id: str | None = None) -> Ed25519Key:
        """Return the same key bound to another controller (e.g. a did:web) and VM id."""
        return Ed25519Key(self._public, self._private, controller=controller, key_id=key_id)

    @property
    def public_bytes(self) -> bytes:
        """The 32 raw public key bytes."""
        return self._public_bytes

    @property
    def public_key_multibase(self) -> str:
        """Multikey ``publicKeyMultibase`` (``z6Mk…``)."""
        return encode_multibase_base58btc(ED25519_PUB_HEADER + self._public_bytes)

    # --- private material, only on explicit request ------------------------------------
    def _require_private(self) -> Ed25519PrivateKey:
        if self._private is None:
            raise UsageError("this key holds only a public key and cannot sign")
        return self._private

    def secret_key_multibase(self) -> str:
        """Multikey ``secretKeyMultibase`` (0x8026 + seed, base58btc). Handle with care."""
        seed = self._require_private().private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return encode_multibase_base58btc(ED25519_PRIV_HEADER + seed)

    def to_jwk(self, *, private: bool = False) -> dict[str, str]:
        """The key as an OKP/Ed25519 JWK (public unless ``private=True``)."""
        jwk = {"kty": "OKP", "crv": "Ed25519", "x": _b64url(self._public_bytes)}
        if private:
            seed = self._require_private().private_bytes(
                serialization.Encoding.Raw,
                serialization.PrivateFormat.Raw,
                serialization.NoEncryption(),
            )
            jwk["d"] = _b64url(seed)
        return jwk

    def sign(self, data: bytes) -> bytes:
        """Sign ``data`` with Ed25519 (pure EdDSA)."""
        return self._require_private().sign(data)

    def verify(self, signature: bytes, data: bytes) -> bool:
        """Return True when ``signature`` is a valid Ed25519 signature of ``data``."""
        try:
            self._public.verify(signature, data)
        except InvalidSignature:
            return False
        return True

    def public_only(self) -> Ed25519Key:
        """The same key without its private half."""
        return Ed25519Key(self._public, None, controller=self._controller, key_id=self._id)

    # --- files -------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write the key pair as a Multikey JSON file readable only by its owner (0600).

        The file is written to a temporary name and renamed, so a crash never leaves a
        half-written key file.
        """
        doc = {"@context": MULTIKEY_CONTEXT, **self.multikey()}
        if self._private is not None:
            doc["secretKeyMultibase"] = self.secret_key_multibase()
        return write_key_file(path, doc, overwrite=overwrite)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Ed25519Key:
        """Read a key file written by :meth:`save` (or a Multikey / JWK JSON document).

        At most :data:`MAX_KEY_FILE_BYTES` are read; the file must be UTF-8 JSON. Every failure
        is a :class:`~mbo_vc.errors.KeyFormatError` that never quotes the file's content.
        """
        return cls.from_document(read_key_document(path), f"key file {path}")

    @classmethod
    def from_document(cls, doc: Mapping[str, Any], where: str = "key file") -> Ed25519Key:
        """A key from a key file's JSON object (Multikey or JWK)."""
        if "kty" in doc:
            return cls.from_jwk(doc)
        secret = doc.get("secretKeyMultibase")
        key = cls.from_multibase(secret if secret else doc.get("publicKeyMultibase", ""))
        if secret and doc.get("publicKeyMultibase") not in (None, key.public_key_multibase):
            raise KeyFormatError(f"{where}: public and secret key do not match")
        controller = doc.get("controller")
        vm_id = doc.get("id")
        if isinstance(controller, str) and controller != key.did:
            return key.with_controller(controller, vm_id if isinstance(vm_id, str) else None)
        return key

    def __repr__(self) -> str:
        kind = "private+public" if self._private is not None else "public"
        return f"Ed25519Key({self.verification_method!r}, {kind})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ed25519Key):
            return NotImplemented
        return self._public_bytes == other._public_bytes and self.has_private == other.has_private

    def __hash__(self) -> int:
        return hash(self._public_bytes)

    def __reduce__(self) -> Any:
        raise TypeError("Ed25519Key objects are not picklable (private key protection)")
