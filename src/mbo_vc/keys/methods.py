"""One key interface over Ed25519 and P-256/P-384, and the one place that turns a Multikey, a JWK,
a did:key, a key file or a verification method into a key (dispatching on the multicodec prefix
or the JWK ``kty``/``crv``)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from mbo_vc.errors import KeyFormatError
from mbo_vc.keys._codec import decode_multibase, read_key_document
from mbo_vc.keys.ec import CURVES, EcKey
from mbo_vc.keys.ed25519 import ED25519_PRIV_HEADER, ED25519_PUB_HEADER, Ed25519Key
from mbo_vc.keys.signer import Signer

__all__ = [
    "KEY_TYPES",
    "PRIVATE_JWK_MEMBERS",
    "VERIFICATION_METHOD_TYPES",
    "Key",
    "generate_key",
    "key_from_did_key",
    "key_from_jwk",
    "key_from_multibase",
    "load_key",
    "private_jwk_members",
    "public_jwk_of",
]

VERIFICATION_METHOD_TYPES = frozenset(
    {"Multikey", "Ed25519VerificationKey2020", "JsonWebKey", "JsonWebKey2020"}
)
"""Verification method types whose key material mbo_vc reads."""

KEY_TYPES = ("Ed25519", "P-256", "P-384")
"""The key types mbo_vc signs and verifies with (JWK ``crv`` spelling)."""

PRIVATE_JWK_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
"""JWK members that hold private or symmetric key material, of every ``kty``: EC ``d`` (RFC 7518
§6.2.2), RSA ``d p q dp dq qi oth`` (§6.3.2), ``oct`` ``k`` (§6.4.1), OKP ``d`` (RFC 8037 §2)."""


def private_jwk_members(jwk: Mapping[str, Any]) -> list[str]:
    """The private or symmetric key members ``jwk`` holds, sorted (empty for a public key)."""
    return sorted(m for m in PRIVATE_JWK_MEMBERS if m in jwk)


@runtime_checkable
class Key(Signer, Protocol):
    """A key held in a file, as signing, DIDs and files need it: a :class:`Signer` that can
    also show its private JWK and be saved; :class:`Ed25519Key` and :class:`EcKey` are the two
    implementations."""

    def to_jwk(self, *, private: bool = False) -> dict[str, str]:
        """The key as a JWK (public unless asked)."""
        ...

    def public_only(self) -> Any:
        """The key without its private half."""
        ...

    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write the key file (0600, atomic)."""
        ...


def generate_key(key_type: str = "Ed25519") -> Ed25519Key | EcKey:
    """A new key pair of ``key_type`` (``Ed25519``, ``P-256``, ``P-384``; case-insensitive)."""
    wanted = str(key_type).strip().upper()
    if wanted == "ED25519":
        return Ed25519Key.generate()
    if wanted in CURVES:
        return EcKey.generate(wanted)
    raise KeyFormatError(f"key type {str(key_type)[:20]!r} is not one of {', '.join(KEY_TYPES)}")


def key_from_multibase(value: str) -> Ed25519Key | EcKey:
    """The key of a Multikey value (public or secret), by its multicodec prefix."""
    header = decode_multibase(value)[:2]
    if header in (ED25519_PUB_HEADER, ED25519_PRIV_HEADER):
        return Ed25519Key.from_multibase(value)
    return EcKey.from_multibase(value)


def key_from_jwk(jwk: Mapping[str, Any]) -> Ed25519Key | EcKey:
    """The key of an OKP/Ed25519 or EC P-256/P-384 JWK, by its ``kty``/``crv``."""
    if not isinstance(jwk, Mapping):
        raise KeyFormatError("a JWK must be a JSON object")
    if jwk.get("kty") == "OKP":
        return Ed25519Key.from_jwk(jwk)
    if jwk.get("kty") == "EC":
        return EcKey.from_jwk(jwk)
    raise KeyFormatError(f"JWK kty {str(jwk.get('kty'))[:20]!r} is not supported (OKP, EC)")


def key_from_did_key(did: str) -> Ed25519Key | EcKey:
    """The public key a ``did:key`` names (Ed25519 ``z6Mk…``, P-256 ``zDn…``, P-384 ``z82…``)."""
    if not isinstance(did, str) or not did.startswith("did:key:"):
        raise KeyFormatError("not a did:key identifier")
    key = key_from_multibase(did[len("did:key:") :].split("#", 1)[0])
    if key.has_private:
        raise KeyFormatError("did:key must name a public key")
    return key


def load_key(path: str | os.PathLike[str]) -> Ed25519Key | EcKey:
    """Read any key file (Multikey or JWK JSON; Ed25519, P-256 or P-384), bounded and never
    quoted in an error."""
    doc = read_key_document(path)
    where = f"key file {path}"
    if "kty" in doc:
        return key_from_jwk(doc)
    value = doc.get("secretKeyMultibase") or doc.get("publicKeyMultibase", "")
    header = decode_multibase(value)[:2]
    if header in (ED25519_PUB_HEADER, ED25519_PRIV_HEADER):
        return Ed25519Key.from_document(doc, where)
    return EcKey.from_document(doc, where)


def public_jwk_of(method: Mapping[str, Any]) -> dict[str, Any]:
    """The public key of a verification method, as a public JWK (the one place that reads a
    verification method's key material: ``publicKeyJwk`` or ``publicKeyMultibase``).

    Refuses methods of an unknown type, JWKs with private or symmetric members, points that are
    not on their curve, and multibase values that hold a secret key, with
    :class:`~mbo_vc.errors.KeyFormatError`.
    """
    if not isinstance(method, Mapping):
        raise KeyFormatError("a verification method must be a JSON object")
    vm_type = method.get("type")
    if vm_type not in VERIFICATION_METHOD_TYPES:
        raise KeyFormatError(f"verification method type {str(vm_type)[:60]!r} is not supported")
    has_jwk, has_mb = "publicKeyJwk" in method, "publicKeyMultibase" in method
    if has_jwk == has_mb:
        raise KeyFormatError(
            "a verification method needs exactly one of publicKeyJwk and publicKeyMultibase"
        )
    if has_jwk:
        data = method["publicKeyJwk"]
        if not isinstance(data, Mapping):
            raise KeyFormatError("publicKeyJwk must be a JSON object")
        if private_jwk_members(data):
            raise KeyFormatError("publicKeyJwk holds private or symmetric key material")
        if data.get("kty") not in ("OKP", "EC", "RSA"):
            raise KeyFormatError(f"publicKeyJwk kty {str(data.get('kty'))[:20]!r} not supported")
        if data.get("kty") == "OKP":
            return Ed25519Key.from_jwk(data).to_jwk()
        if data.get("kty") == "EC" and data.get("crv") in CURVES:
            checked = EcKey.from_jwk(data).to_jwk()  # the point must lie on its curve
            return {**dict(data), **checked}
        return dict(data)
    key = key_from_multibase(method["publicKeyMultibase"])
    if key.has_private:
        raise KeyFormatError("publicKeyMultibase holds a secret key")
    return key.to_jwk()
