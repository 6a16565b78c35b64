"""The did:jwk method: a DID that is a base64url-encoded public JWK (quartzjer/did-jwk).

Resolution is pure computation (offline). The DID document has one verification method
``did:jwk:…#0`` of type ``JsonWebKey2020`` carrying the JWK; ``use: "enc"`` limits it to
``keyAgreement`` and ``use: "sig"`` leaves ``keyAgreement`` out, as the spec says.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from mbo_vc.errors import InvalidDidError, KeyFormatError, MboVcError
from mbo_vc.json_input import parse_json
from mbo_vc.keys import EcKey, Ed25519Key, Key

__all__ = [
    "JWS_2020_CONTEXT",
    "check_public_jwk",
    "did_jwk_document",
    "did_jwk_from_jwk",
    "resolve_did_jwk",
]

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
JWS_2020_CONTEXT = "https://w3id.org/security/suites/jws-2020/v1"

_MAX_DID_LENGTH = 2048
_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
_OKP_SIZES = {"Ed25519": 32, "X25519": 32, "Ed448": 57, "X448": 56}
_EC_CURVES: dict[str, tuple[int, ec.EllipticCurve]] = {
    "P-256": (32, ec.SECP256R1()),
    "P-384": (48, ec.SECP384R1()),
    "P-521": (66, ec.SECP521R1()),
    "secp256k1": (32, ec.SECP256K1()),
}
_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
_SIGNING_RELATIONSHIPS = (
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
)


def _b64url_decode(value: str) -> bytes:
    if not value or any(c not in _B64URL for c in value) or len(value) % 4 == 1:
        raise ValueError("not unpadded base64url")
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _coordinate(jwk: Mapping[str, Any], name: str, size: int) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str):
        raise KeyFormatError(f"JWK member {name!r} is missing or not a string")
    try:
        raw = _b64url_decode(value)
    except (ValueError, binascii.Error):
        raise KeyFormatError(f"JWK member {name!r} is not base64url") from None
    if len(raw) != size:
        raise KeyFormatError(f"JWK member {name!r} must be {size} bytes, not {len(raw)}")
    return raw


def check_public_jwk(jwk: Mapping[str, Any]) -> None:
    """Check that ``jwk`` is a public OKP or EC key (the point must lie on its curve).

    Raises :class:`~mbo_vc.errors.KeyFormatError`; private members are always refused.
    """
    if _PRIVATE_MEMBERS & set(jwk):
        raise KeyFormatError("a did:jwk must hold a public key; the JWK has private members")
    kty, crv = jwk.get("kty"), jwk.get("crv")
    if kty == "OKP" and crv in _OKP_SIZES:
        raw = _coordinate(jwk, "x", _OKP_SIZES[str(crv)])
        if crv == "Ed25519":
            Ed25519Key.from_public_bytes(raw)
    elif kty == "EC" and crv in _EC_CURVES:
        size, curve = _EC_CURVES[str(crv)]
        x_raw, y_raw = _coordinate(jwk, "x", size), _coordinate(jwk, "y", size)
        if crv in ("P-256", "P-384"):
            EcKey.from_coordinates(str(crv), x_raw, y_raw)
        else:
            x, y = int.from_bytes(x_raw, "big"), int.from_bytes(y_raw, "big")
            try:
                ec.EllipticCurvePublicNumbers(x, y, curve).public_key()
            except ValueError:
                raise KeyFormatError(f"the JWK's point is not on curve {crv}") from None
    else:
        raise KeyFormatError(
            f"JWK kty {str(kty)[:20]!r} / crv {str(crv)[:20]!r} is not supported "
            "(OKP: Ed25519, X25519, Ed448, X448; EC: P-256, P-384, P-521, secp256k1)"
        )
    use = jwk.get("use")
    if use is not None and use not in ("sig", "enc"):
        raise KeyFormatError(f"JWK 'use' must be 'sig' or 'enc', not {str(use)[:20]!r}")


def did_jwk_from_jwk(jwk: Mapping[str, Any] | Key) -> str:
    """The did:jwk of a public JWK (or of a key's public JWK: Ed25519, P-256, P-384).

    The JWK is serialised with sorted members and no whitespace before encoding, so the same
    key gives the same DID here every time (other serialisations give other, equally valid DIDs).
    """
    data: dict[str, Any] = (
        jwk.to_jwk() if isinstance(jwk, Ed25519Key | EcKey) else dict(jwk)  # type: ignore[arg-type]
    )
    check_public_jwk(data)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    encoded = base64.urlsafe_b64encode(text.encode("utf-8")).rstrip(b"=").decode("ascii")
    return "did:jwk:" + encoded


def did_jwk_document(did: str, jwk: Mapping[str, Any]) -> dict[str, Any]:
    """The DID document of ``did`` whose decoded JWK is ``jwk`` (already checked)."""
    vm_id = f"{did}#0"
    doc: dict[str, Any] = {
        "@context": [DID_CONTEXT, JWS_2020_CONTEXT],
        "id": did,
        "verificationMethod": [
            {"id": vm_id, "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": dict(jwk)}
        ],
    }
    use = jwk.get("use")
    if use != "enc":
        for rel in _SIGNING_RELATIONSHIPS:
            doc[rel] = [vm_id]
    if use != "sig":
        doc["keyAgreement"] = [vm_id]
    return doc


def resolve_did_jwk(did: str) -> dict[str, Any]:
    """Resolve a ``did:jwk`` to its DID document (offline; raises InvalidDidError)."""
    if not isinstance(did, str) or not did.startswith("did:jwk:"):
        raise InvalidDidError(f"not a did:jwk: {str(did)[:100]!r}")
    if len(did) > _MAX_DID_LENGTH:
        raise InvalidDidError(f"did:jwk is longer than {_MAX_DID_LENGTH} characters")
    value = did[len("did:jwk:") :]
    try:
        raw = _b64url_decode(value)
    except (ValueError, binascii.Error):
        raise InvalidDidError(f"{did[:100]}: the method-specific id is not base64url") from None
    try:
        jwk = parse_json(raw)
    except MboVcError as exc:
        raise InvalidDidError(f"{did[:100]}: the encoded JWK is unusable: {exc.message}") from None
    try:
        check_public_jwk(jwk)
    except KeyFormatError as exc:
        raise InvalidDidError(f"{did[:100]}: {exc.message}") from None
    return did_jwk_document(did, jwk)
