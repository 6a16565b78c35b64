"""NIST P-256 and P-384 keys (ECDSA): generation, Multikey (compressed points), JWK, did:key, files.

Multikey: ``publicKeyMultibase`` is ``z`` + base58btc(multicodec ‖ compressed point), with
``p256-pub`` (0x1200, ``zDn…``) and ``p384-pub`` (0x1201, ``z82…``); ``secretKeyMultibase`` is
``p256-priv`` (0x1306) / ``p384-priv`` (0x1307) ‖ the big-endian scalar. Points are decoded by
``cryptography``, which refuses points not on the curve and the point at infinity.

Signatures are IEEE P1363 ``r ‖ s`` (fixed length, what Data Integrity and JWS use), hashed with
the curve's hash (SHA-256 for P-256, SHA-384 for P-384). Signing always produces low-S; verifying
accepts high-S too, as ECDSA, vc-di-ecdsa and the JS stack do (:func:`is_high_s` tells them apart).
Private material never appears in ``repr``/``str`` or an error message.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from mbo_vc.errors import KeyFormatError, SignatureEncodingError, UsageError
from mbo_vc.keys._codec import (
    MULTIKEY_CONTEXT,
    MultikeyIdentity,
    b64url,
    b64url_decode,
    decode_multibase,
    encode_multibase_base58btc,
    read_key_document,
    write_key_file,
)

__all__ = ["CURVES", "EcCurve", "EcKey", "decode_p1363", "is_high_s", "low_s"]


@dataclass(frozen=True)
class EcCurve:
    """One supported curve: its names, sizes, hash, multicodec headers and group order."""

    name: str
    curve: ec.EllipticCurve
    size: int
    hash: type[hashes.HashAlgorithm]
    jws_alg: str
    pub_header: bytes
    priv_header: bytes
    order: int


CURVES: dict[str, EcCurve] = {
    "P-256": EcCurve(
        "P-256",
        ec.SECP256R1(),
        32,
        hashes.SHA256,
        "ES256",
        b"\x80\x24",  # p256-pub 0x1200
        b"\x86\x26",  # p256-priv 0x1306
        0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    ),
    "P-384": EcCurve(
        "P-384",
        ec.SECP384R1(),
        48,
        hashes.SHA384,
        "ES384",
        b"\x81\x24",  # p384-pub 0x1201
        b"\x87\x26",  # p384-priv 0x1307
        int(
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
            "C7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
            16,
        ),
    ),
}
"""The curves mbo_vc signs and verifies with, by JWK ``crv`` name."""

_CURVE_NAMES = {"secp256r1": "P-256", "secp384r1": "P-384"}
_BY_PUB_HEADER = {c.pub_header: c for c in CURVES.values()}
_BY_PRIV_HEADER = {c.priv_header: c for c in CURVES.values()}


def _curve(name: Any) -> EcCurve:
    found = CURVES.get(name) if isinstance(name, str) else None
    if found is None:
        raise KeyFormatError(f"curve {str(name)[:20]!r} is not supported (P-256, P-384)")
    return found


def decode_p1363(signature: bytes, curve: EcCurve) -> tuple[int, int]:
    """``(r, s)`` of an IEEE P1363 signature; refuses DER, a wrong length, r or s out of range."""
    if not isinstance(signature, bytes | bytearray):
        raise SignatureEncodingError("an ECDSA signature must be bytes")
    if len(signature) != 2 * curve.size:
        der = len(signature) > 2 and signature[0] == 0x30 and signature[1] == len(signature) - 2
        hint = " (it looks like DER; Data Integrity and JWS use P1363 r‖s)" if der else ""
        raise SignatureEncodingError(
            f"an ECDSA {curve.name} signature is {2 * curve.size} bytes (r‖s), "
            f"not {len(signature)}{hint}"
        )
    r = int.from_bytes(signature[: curve.size], "big")
    s = int.from_bytes(signature[curve.size :], "big")
    if not (0 < r < curve.order and 0 < s < curve.order):
        raise SignatureEncodingError(f"an ECDSA {curve.name} signature has r or s out of range")
    return r, s


def is_high_s(signature: bytes, curve_name: str) -> bool:
    """True when a well-formed P1363 signature has ``s > n/2`` (valid, but malleable)."""
    curve = _curve(curve_name)
    _, s = decode_p1363(signature, curve)
    return s > curve.order // 2


def low_s(signature: bytes, curve_name: str) -> bytes:
    """The low-S form of a well-formed P1363 signature (``s`` replaced by ``n - s`` when
    ``s > n/2``): what mbo_vc signs with, whichever device made the signature."""
    curve = _curve(curve_name)
    r, s = decode_p1363(signature, curve)
    if s > curve.order // 2:
        s = curve.order - s
    return r.to_bytes(curve.size, "big") + s.to_bytes(curve.size, "big")


class EcKey(MultikeyIdentity):
    """A P-256 or P-384 key pair (or public key) with its Multikey, JWK and did:key forms."""

    __slots__ = ("_controller", "_curve", "_id", "_private", "_public", "_public_bytes")

    def __init__(
        self,
        public_key: ec.EllipticCurvePublicKey,
        private_key: ec.EllipticCurvePrivateKey | None = None,
        *,
        controller: str | None = None,
        key_id: str | None = None,
    ) -> None:
        self._curve = _curve(_CURVE_NAMES.get(public_key.curve.name))
        self._public = public_key
        self._private = private_key
        self._public_bytes = public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
        )
        self._controller = controller
        self._id = key_id

    # --- constructors -------------------------------------------------------------------
    @classmethod
    def generate(cls, curve: str = "P-256") -> EcKey:
        """Create a new random key pair on ``curve`` (``P-256`` or ``P-384``)."""
        private = ec.generate_private_key(_curve(curve).curve)
        return cls(private.public_key(), private)

    @classmethod
    def from_secret_bytes(cls, curve: str, data: bytes) -> EcKey:
        """The key pair whose private scalar is ``data`` (big-endian, the curve's size)."""
        c = _curve(curve)
        if not isinstance(data, bytes | bytearray) or len(data) != c.size:
            raise KeyFormatError(f"a {c.name} private key is exactly {c.size} bytes")
        value = int.from_bytes(data, "big")
        if not 0 < value < c.order:
            raise KeyFormatError(f"the {c.name} private key is out of range")
        private = ec.derive_private_key(value, c.curve)
        return cls(private.public_key(), private)

    @classmethod
    def from_public_bytes(cls, curve: str, data: bytes) -> EcKey:
        """A public-only key from a compressed SEC1 point (``02``/``03`` ‖ x)."""
        c = _curve(curve)
        if not isinstance(data, bytes | bytearray) or len(data) != c.size + 1:
            raise KeyFormatError(f"a {c.name} public key is a {c.size + 1}-byte compressed point")
        if data[0] not in (2, 3):
            raise KeyFormatError(f"a {c.name} public key must be a compressed point (02/03 …)")
        try:
            return cls(ec.EllipticCurvePublicKey.from_encoded_point(c.curve, bytes(data)))
        except ValueError:
            raise KeyFormatError(f"not a point on curve {c.name}") from None

    @classmethod
    def from_coordinates(cls, curve: str, x: bytes, y: bytes) -> EcKey:
        """A public-only key from its affine coordinates (refused when not on the curve)."""
        c = _curve(curve)
        if len(x) != c.size or len(y) != c.size:
            raise KeyFormatError(f"{c.name} coordinates are {c.size} bytes each")
        numbers = ec.EllipticCurvePublicNumbers(
            int.from_bytes(x, "big"), int.from_bytes(y, "big"), c.curve
        )
        try:
            return cls(numbers.public_key())
        except ValueError:
            raise KeyFormatError(f"the point is not on curve {c.name}") from None

    @classmethod
    def from_multibase(cls, value: str) -> EcKey:
        """A key from a Multikey ``publicKeyMultibase`` (``zDn…``, ``z82…``) or
        ``secretKeyMultibase``."""
        raw = decode_multibase(value)
        if raw[:2] in _BY_PUB_HEADER:
            return cls.from_public_bytes(_BY_PUB_HEADER[raw[:2]].name, raw[2:])
        if raw[:2] in _BY_PRIV_HEADER:
            return cls.from_secret_bytes(_BY_PRIV_HEADER[raw[:2]].name, raw[2:])
        raise KeyFormatError("multibase value is not a P-256 or P-384 Multikey")

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any] | str) -> EcKey:
        """A key from an EC JWK on P-256 or P-384 (public, or private with ``d``)."""
        try:
            data = json.loads(jwk) if isinstance(jwk, str) else dict(jwk)
        except (ValueError, TypeError, RecursionError):
            raise KeyFormatError("JWK is not a JSON object") from None
        if not isinstance(data, dict) or data.get("kty") != "EC":
            raise KeyFormatError("JWK is not an EC key")
        c = _curve(data.get("crv"))
        x, y = b64url_decode(data.get("x"), "x"), b64url_decode(data.get("y"), "y")
        if len(x) != c.size or len(y) != c.size:
            raise KeyFormatError(f"JWK members x and y of a {c.name} key are {c.size} bytes each")
        public = cls.from_coordinates(c.name, x, y)
        if "d" not in data:
            return public
        key = cls.from_secret_bytes(c.name, b64url_decode(data.get("d"), "d"))
        if key.public_bytes != public.public_bytes:
            raise KeyFormatError("JWK private key does not belong to its public key")
        return key

    @classmethod
    def from_did_key(cls, did: str) -> EcKey:
        """The public key named by a P-256/P-384 ``did:key`` (with or without fragment)."""
        if not isinstance(did, str) or not did.startswith("did:key:"):
            raise KeyFormatError("not a did:key identifier")
        key = cls.from_multibase(did[len("did:key:") :].split("#", 1)[0])
        if key.has_private:
            raise KeyFormatError("did:key must name a public key")
        return key

    # --- identity -------------------------------------------------------------------------
    @property
    def curve(self) -> str:
        """``P-256`` or ``P-384``."""
        return self._curve.name

    @property
    def key_type(self) -> str:
        """The key's type, as JWK ``crv`` spells it (``P-256``, ``P-384``)."""
        return self._curve.name

    @property
    def jws_alg(self) -> str:
        """The JWS ``alg`` this key signs with (``ES256``, ``ES384``)."""
        return self._curve.jws_alg

    def with_controller(self, controller: str, key_id: str | None = None) -> EcKey:
        """The same key bound to another controller (e.g. a did:web) and VM id."""
        return EcKey(self._public, self._private, controller=controller, key_id=key_id)

    @property
    def public_bytes(self) -> bytes:
        """The compressed SEC1 point (33 bytes for P-256, 49 for P-384)."""
        return self._public_bytes

    @property
    def public_key_multibase(self) -> str:
        """Multikey ``publicKeyMultibase`` (``zDn…`` / ``z82…``)."""
        return encode_multibase_base58btc(self._curve.pub_header + self._public_bytes)

    # --- private material, only on explicit request ------------------------------------
    def _require_private(self) -> ec.EllipticCurvePrivateKey:
        if self._private is None:
            raise UsageError("this key holds only a public key and cannot sign")
        return self._private

    def _scalar(self) -> bytes:
        value = self._require_private().private_numbers().private_value
        return value.to_bytes(self._curve.size, "big")

    def secret_key_multibase(self) -> str:
        """Multikey ``secretKeyMultibase`` (p256-priv/p384-priv ‖ scalar). Handle with care."""
        return encode_multibase_base58btc(self._curve.priv_header + self._scalar())

    def to_jwk(self, *, private: bool = False) -> dict[str, str]:
        """The key as an EC JWK (public unless ``private=True``)."""
        numbers = self._public.public_numbers()
        size = self._curve.size
        jwk = {
            "kty": "EC",
            "crv": self._curve.name,
            "x": b64url(numbers.x.to_bytes(size, "big")),
            "y": b64url(numbers.y.to_bytes(size, "big")),
        }
        if private:
            jwk["d"] = b64url(self._scalar())
        return jwk

    def sign(self, data: bytes) -> bytes:
        """ECDSA over ``data`` with the curve's hash; P1363 ``r ‖ s``, always low-S."""
        der = self._require_private().sign(data, ec.ECDSA(self._curve.hash()))
        r, s = decode_dss_signature(der)
        if s > self._curve.order // 2:
            s = self._curve.order - s
        size = self._curve.size
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")

    def verify(self, signature: bytes, data: bytes) -> bool:
        """True when ``signature`` (P1363, low- or high-S) is valid for ``data``.

        A signature that is not P1363 of this curve's length, or whose r or s is out of range,
        raises :class:`~mbo_vc.errors.SignatureEncodingError` (``invalid_signature_encoding``).
        """
        r, s = decode_p1363(signature, self._curve)
        try:
            self._public.verify(encode_dss_signature(r, s), data, ec.ECDSA(self._curve.hash()))
        except InvalidSignature:
            return False
        return True

    def public_only(self) -> EcKey:
        """The same key without its private half."""
        return EcKey(self._public, None, controller=self._controller, key_id=self._id)

    # --- files -------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write the key pair as a Multikey JSON file (0600, atomic), like
        :meth:`Ed25519Key.save <mbo_vc.keys.Ed25519Key.save>`."""
        doc: dict[str, Any] = {"@context": MULTIKEY_CONTEXT, **self.multikey()}
        if self._private is not None:
            doc["secretKeyMultibase"] = self.secret_key_multibase()
        return write_key_file(path, doc, overwrite=overwrite)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> EcKey:
        """Read a key file written by :meth:`save` (or a Multikey / EC JWK JSON document)."""
        return cls.from_document(read_key_document(path), f"key file {path}")

    @classmethod
    def from_document(cls, doc: Mapping[str, Any], where: str = "key file") -> EcKey:
        """A key from a key file's JSON object (Multikey or JWK)."""
        if "kty" in doc:
            return cls.from_jwk(doc)
        secret = doc.get("secretKeyMultibase")
        key = cls.from_multibase(secret if secret else doc.get("publicKeyMultibase", ""))
        if secret and doc.get("publicKeyMultibase") not in (None, key.public_key_multibase):
            raise KeyFormatError(f"{where}: public and secret key do not match")
        controller, vm_id = doc.get("controller"), doc.get("id")
        if isinstance(controller, str) and controller != key.did:
            return key.with_controller(controller, vm_id if isinstance(vm_id, str) else None)
        return key

    def __repr__(self) -> str:
        kind = "private+public" if self._private is not None else "public"
        return f"EcKey({self.verification_method!r}, {self._curve.name}, {kind})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EcKey):
            return NotImplemented
        return self._public_bytes == other._public_bytes and self.has_private == other.has_private

    def __hash__(self) -> int:
        return hash(self._public_bytes)

    def __reduce__(self) -> Any:
        raise TypeError("EcKey objects are not picklable (private key protection)")
