"""Compact JWS (RFC 7515, RFC 7797 ``b64``) and the VC-JOSE-COSE encoding of credentials.

The parts that both securing (:mod:`mbo_vc.jose`) and verification
(:mod:`mbo_vc.verification`) need: strict decoding of a compact JWS, the critical-header rules,
the ``alg``/key fit, signature verification (jwcrypto), the ``typ``/``cty`` media types, enveloped
credentials (``data:application/vc+jwt,…``) and the VC 1.1 JWT encoding (``vc``/``vp`` claims).
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from mbo_vc.errors import (
    EnvelopeError,
    InvalidDateError,
    JoseError,
    JwtAlgorithmError,
    JwtForbiddenClaimError,
    JwtTypeError,
    KeyFormatError,
    LimitExceededError,
    MboVcError,
    UsageError,
)
from mbo_vc.json_input import parse_json
from mbo_vc.keys import Signer
from mbo_vc.limits import DEFAULT_LIMITS, Limits

__all__ = [
    "DEFAULT_JWT_ALGORITHMS",
    "KEY_FIT",
    "VC_JWT_MEDIA_TYPE",
    "VC_SD_JWT_MEDIA_TYPE",
    "VP_JWT_MEDIA_TYPE",
    "VP_SD_JWT_MEDIA_TYPE",
    "check_fit",
    "decode_jwt",
    "envelope",
    "from_vc11",
    "is_compact_jws",
    "is_sd_jwt",
    "kind_from_header",
    "numeric_date",
    "sign_compact",
    "unenvelope",
    "verify_signature",
]

VC_JWT_MEDIA_TYPE = "application/vc+jwt"
VP_JWT_MEDIA_TYPE = "application/vp+jwt"
VC_SD_JWT_MEDIA_TYPE = "application/vc+sd-jwt"
"""VC-JOSE-COSE §3.2.1: a VC DM 2.0 credential secured with SD-JWT."""
VP_SD_JWT_MEDIA_TYPE = "application/vp+sd-jwt"
"""VC-JOSE-COSE §3.2.2: a VC DM 2.0 presentation secured with SD-JWT."""

DEFAULT_JWT_ALGORITHMS = frozenset({"EdDSA", "ES256", "ES384", "ES512", "RS256", "PS256"})
"""JWS algorithms accepted by default (asymmetric only; ``none`` and HMAC never)."""

KEY_FIT = {
    "EdDSA": ("OKP", "Ed25519"),
    "Ed25519": ("OKP", "Ed25519"),
    "ES256": ("EC", "P-256"),
    "ES384": ("EC", "P-384"),
    "ES512": ("EC", "P-521"),
    "RS256": ("RSA", None),
    "PS256": ("RSA", None),
}
"""Each supported ``alg`` and the JWK ``kty``/``crv`` it needs."""

_MIN_RSA_BITS = 2048
_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")
_COMPACT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
_TYP = {
    "credential": {"vc+jwt", "application/vc+jwt"},
    "presentation": {"vp+jwt", "application/vp+jwt"},
}
_CTY = {"credential": {"vc", "application/vc"}, "presentation": {"vp", "application/vp"}}
_COMPACT_MEDIA_TYPES = (
    VC_JWT_MEDIA_TYPE,
    VP_JWT_MEDIA_TYPE,
    VC_SD_JWT_MEDIA_TYPE,
    VP_SD_JWT_MEDIA_TYPE,
)
_LEGACY_TYP = {None, "JWT", "jwt", "application/jwt"}
_UNDERSTOOD_CRIT = frozenset({"b64"})
"""Critical header parameters this implementation understands (RFC 7515 §4.1.11)."""
_REGISTERED_HEADERS = frozenset(
    {"alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit"}
)


def is_sd_jwt(value: Any) -> bool:
    """True when ``value`` looks like a compact SD-JWT (a JWS followed by ``~``; RFC 9901)."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    head, sep, _ = text.partition("~")
    return bool(sep) and head.count(".") == 2 and " " not in text and "{" not in text[:1]


def is_compact_jws(value: Any) -> bool:
    """True when ``value`` looks like a compact JWS (three base64url parts)."""
    return isinstance(value, str) and bool(_COMPACT.match(value.strip()))


def b64url_decode(part: str, what: str) -> bytes:
    """Strict unpadded base64url (RFC 7515 §2), or :class:`~mbo_vc.errors.JoseError`."""
    if not isinstance(part, str) or not _B64URL.match(part) or len(part) % 4 == 1:
        raise JoseError(f"the JWS {what} is not base64url")
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise JoseError(f"the JWS {what} is not base64url") from None


def b64url(data: bytes) -> str:
    """Unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode_jwt(
    token: str, *, limits: Limits = DEFAULT_LIMITS
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a compact JWS into its (protected header, payload) without verifying anything.

    Both must be JSON objects (read strictly: no duplicate members). The critical-header rules
    of RFC 7515 §4.1.11 and RFC 7797 are applied here. Raises :class:`~mbo_vc.errors.JoseError`
    (``jwt_malformed``) or a JSON input error.
    """
    if not isinstance(token, str):
        raise JoseError("a JWT must be a string")
    token = token.strip()
    if len(token) > limits.max_document_bytes * 2:
        raise LimitExceededError("the JWT is larger than the document size limit")
    parts = token.split(".")
    if len(parts) != 3:
        raise JoseError(f"a compact JWS has 3 parts separated by '.', this has {len(parts)}")
    out = []
    for part, what in zip(parts[:2], ("header", "payload"), strict=True):
        raw = b64url_decode(part, what)
        try:
            out.append(parse_json(raw, limits=limits))
        except MboVcError as exc:
            if exc.code == "malformed_document":
                raise JoseError(f"the JWS {what} is not a JSON object: {exc.message}") from None
            raise
    b64url_decode(parts[2], "signature")
    check_crit(out[0])
    return out[0], out[1]


def check_crit(header: Mapping[str, Any]) -> None:
    """RFC 7515 §4.1.11 and RFC 7797 §6: refuse what this verifier must not ignore.

    ``crit`` must be a non-empty array of distinct strings, each present in the header, none a
    header parameter the JWS spec itself defines, and each understood here (only ``b64``).
    ``b64`` must be listed in ``crit`` when present; ``b64: false`` (an unencoded payload) is
    refused, since a VC payload cannot travel unencoded in a compact JWS.
    """
    crit = header.get("crit")
    if crit is not None:
        if not isinstance(crit, list) or not crit or not all(isinstance(c, str) for c in crit):
            raise JoseError("the JOSE crit header must be a non-empty array of strings")
        if len(set(crit)) != len(crit):
            raise JoseError("the JOSE crit header lists a parameter twice")
        for name in crit:
            if name in _REGISTERED_HEADERS:
                raise JoseError(f"crit must not list the registered header {name[:40]!r}")
            if name not in header:
                raise JoseError(f"crit lists {name[:40]!r}, which the header does not carry")
            if name not in _UNDERSTOOD_CRIT:
                raise JoseError(f"the critical JOSE header {name[:40]!r} is not understood")
    if "b64" in header:
        if not isinstance(crit, list) or "b64" not in crit:
            raise JoseError("the b64 header must be listed in crit (RFC 7797 §6)")
        if header["b64"] is not True:
            raise JoseError("unencoded JWS payloads (b64 false) are not supported")


def envelope(token: str, *, presentation: bool = False) -> dict[str, Any]:
    """An ``EnvelopedVerifiableCredential`` (or …Presentation) holding ``token`` (a compact JWS,
    or an SD-JWT with its disclosures) as a data: URL."""
    if is_sd_jwt(token):  # VC-JOSE-COSE §3.2: an SD-JWT (vc+sd-jwt / vp+sd-jwt), as it is
        media = VP_SD_JWT_MEDIA_TYPE if presentation else VC_SD_JWT_MEDIA_TYPE
    elif is_compact_jws(token):
        media = VP_JWT_MEDIA_TYPE if presentation else VC_JWT_MEDIA_TYPE
    else:
        raise UsageError("only a compact JWS or SD-JWT can be enveloped")
    kind = "Presentation" if presentation else "Credential"
    return {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "id": f"data:{media},{token.strip()}",
        "type": f"EnvelopedVerifiable{kind}",
    }


def unenvelope(url: Any) -> tuple[str, str]:
    """The (media type, content) of an enveloped credential/presentation's ``data:`` URL id.

    ``url`` is the id itself or an object carrying it in ``id``. Raises
    :class:`~mbo_vc.errors.EnvelopeError` when it is not a ``data:`` URL.
    """
    if isinstance(url, Mapping):
        url = url.get("id")
    if not isinstance(url, str) or not url.startswith("data:") or "," not in url:
        raise EnvelopeError(
            f"an enveloped credential's id must be a data: URL, got {str(url)[:60]!r}"
        )
    meta, content = url[5:].split(",", 1)
    params = meta.split(";")
    media = params[0].strip().lower()
    if media in _COMPACT_MEDIA_TYPES and len(params) > 1:
        raise EnvelopeError(
            f"a {media} data: URL takes the compact JWS as it is (no parameters, no base64)"
        )
    return media, content


def kind_from_header(
    header: Mapping[str, Any], payload: Mapping[str, Any], expected: str | None
) -> tuple[str, bool]:
    """(credential|presentation, legacy VC 1.1 encoding?) from ``typ``/``cty`` and the payload."""
    typ = header.get("typ")
    cty = header.get("cty")
    if not isinstance(typ, str | None) or not isinstance(cty, str | None):
        raise JwtTypeError("the JOSE typ and cty headers must be strings")
    for kind in ("credential", "presentation"):
        if typ in _TYP[kind]:
            if cty is not None and cty not in _CTY[kind]:
                raise JwtTypeError(f"cty {cty[:40]!r} does not fit typ {typ}")
            if "vc" in payload or "vp" in payload:
                raise JwtForbiddenClaimError(
                    f"a {typ} payload must not carry the VC 1.1 vc/vp claims"
                )
            if expected is not None and kind != expected:
                raise JwtTypeError(f"expected a {expected}, got typ {typ}")
            return kind, False
    if typ in _LEGACY_TYP and cty is None and ("vc" in payload) != ("vp" in payload):
        kind = "credential" if "vc" in payload else "presentation"
        if expected is not None and kind != expected:
            raise JwtTypeError(f"expected a {expected}, got a VC 1.1 {kind}")
        return kind, True
    raise JwtTypeError(
        f"JOSE typ {str(typ)[:40]!r} / cty {str(cty)[:40]!r} is not vc+jwt, vp+jwt or a VC 1.1 JWT"
    )


def numeric_date(value: Any, name: str) -> datetime:
    """A JWT NumericDate (seconds since the epoch) as an aware datetime."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidDateError(f"JWT claim {name} must be a NumericDate (seconds)")
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise InvalidDateError(f"JWT claim {name} is out of range") from None


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_vc11(payload: Mapping[str, Any], kind: str) -> tuple[dict[str, Any], list[str]]:
    """VC DM 1.1 §6.3.1: rebuild the credential/presentation from the vc/vp claim + JWT claims.

    Returns the document and the messages of every claim that contradicts it (callers report
    them as ``jwt_claim_mismatch``).
    """
    claim = "vc" if kind == "credential" else "vp"
    inner = payload.get(claim)
    if not isinstance(inner, Mapping):
        raise JoseError(f"the JWT's {claim} claim must be a JSON object")
    doc: dict[str, Any] = copy.deepcopy(dict(inner))
    mismatches: list[str] = []

    def merge(claim_name: str, member: str, value: Any, holder: dict[str, Any]) -> None:
        current = holder.get(member)
        if isinstance(current, Mapping) and member in ("issuer", "holder"):
            current = current.get("id")
            if current is None:
                holder[member] = {**holder[member], "id": value}
                return
        if current is None:
            holder[member] = value
        elif current != value:
            mismatches.append(
                f"JWT claim {claim_name} ({str(value)[:80]}) differs from {member} "
                f"({str(current)[:80]})"
            )

    if "jti" in payload:
        merge("jti", "id", payload["jti"], doc)
    if "iss" in payload:
        merge("iss", "issuer" if kind == "credential" else "holder", payload["iss"], doc)
    if kind == "credential":
        if "nbf" in payload:
            merge("nbf", "issuanceDate", _iso(numeric_date(payload["nbf"], "nbf")), doc)
        if "exp" in payload:
            merge("exp", "expirationDate", _iso(numeric_date(payload["exp"], "exp")), doc)
        if "sub" in payload:
            subject = doc.get("credentialSubject")
            if isinstance(subject, dict):
                merge("sub", "id", payload["sub"], subject)
            elif subject is None:
                doc["credentialSubject"] = {"id": payload["sub"]}
    return doc, mismatches


def check_fit(alg: str, jwk: Mapping[str, Any]) -> None:
    """Refuse a key that does not fit ``alg`` (or an RSA key under 2048 bits)."""
    kty, crv = KEY_FIT[alg]
    if jwk.get("kty") != kty or (crv is not None and jwk.get("crv") != crv):
        raise JwtAlgorithmError(
            f"alg {alg} does not fit a {str(jwk.get('kty'))[:10]}/"
            f"{str(jwk.get('crv', '-'))[:10]} key"
        )
    if kty == "RSA":
        n = b64url_decode(str(jwk.get("n", "")), "RSA modulus")
        if len(n.lstrip(b"\0")) * 8 < _MIN_RSA_BITS:
            raise KeyFormatError(f"RSA keys under {_MIN_RSA_BITS} bits are refused")
    key_alg = jwk.get("alg")
    if key_alg is not None and key_alg != alg:
        raise JwtAlgorithmError(f"the key is for alg {str(key_alg)[:20]}, not {alg}")


def verify_signature(token: str, jwk: Mapping[str, Any], alg: str) -> bool:
    """True when the compact JWS ``token`` has a valid ``alg`` signature by the public ``jwk``."""
    check_fit(alg, jwk)
    from jwcrypto import jwk as _jwk  # (start-up time: verifying a DI credential needs no JOSE)
    from jwcrypto import jws as _jws

    try:
        key = _jwk.JWK(**dict(jwk))
    except Exception:
        raise KeyFormatError("the verification method's JWK is not a valid key") from None
    try:
        jws = _jws.JWS()
        jws.deserialize(token.strip())
        jws.verify(key, alg=alg)
    except Exception:
        return False
    return True


def thumbprint(jwk: Mapping[str, Any]) -> str | None:
    """The RFC 7638 thumbprint of a public JWK (None when it is not a usable JWK)."""
    from jwcrypto import jwk as _jwk  # (start-up time)

    try:
        return str(_jwk.JWK(**dict(jwk)).thumbprint())
    except Exception:
        return None


def sign_compact(header: Mapping[str, Any], payload: Mapping[str, Any], key: Signer) -> str:
    """A compact JWS of ``payload`` (compact JSON) under ``header``, signed by ``key``: the one
    place that makes a JWS with a :class:`~mbo_vc.keys.Signer` (a key object, an HSM, a KMS).

    ``alg`` defaults to the key's (``EdDSA``, ``ES256``, ``ES384``) and must fit it; the other
    header members are the caller's (``typ``, ``kid`` …). ECDSA signatures are P1363, low-S.
    """
    if not isinstance(key, Signer) or not key.has_private:
        raise KeyFormatError("signing needs a private key (a key object, an HSM or KMS signer)")
    head = dict(header)
    alg = head.setdefault("alg", key.jws_alg)
    if alg not in KEY_FIT:
        raise UsageError(f"alg {str(alg)[:20]!r} is not supported for signing")
    check_fit(str(alg), key.to_jwk())
    signing_input = (
        b64url(json.dumps(head, separators=(",", ":")).encode("utf-8"))
        + "."
        + b64url(json.dumps(dict(payload), ensure_ascii=False, separators=(",", ":")).encode())
    )
    return signing_input + "." + b64url(key.sign(signing_input.encode("ascii")))
