"""Securing credentials and presentations with JOSE (VC-JOSE-COSE 1.0, the JOSE part).

A ``vc+jwt`` is a compact JWS whose payload is the credential itself (VC DM 2.0); a ``vp+jwt``
secures a presentation the same way. The VC 1.1 JWT encoding (payload ``{"vc": {…}, "iss",
"nbf", "exp", "jti", "sub"}``, ``typ: JWT``) that OBv3 1.x-era issuers emit is read too.

:func:`secure_jwt` signs; :func:`mbo_vc.verify_jwt` (or :func:`mbo_vc.verify`) verifies on the
one verification road with the mbo rules (:mod:`mbo_vc.verifier`), which reads the payload as
JSON-LD (its verified view) like any other credential. The compact-JWS machinery is in
:mod:`mbo_vc.jws`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from jwcrypto import jwk as _jwk
from jwcrypto import jws as _jws

from mbo_vc import vocab
from mbo_vc.errors import JwtAlgorithmError, KeyFormatError, UsageError
from mbo_vc.json_input import check_structure
from mbo_vc.jws import (
    KEY_FIT,
    VC_JWT_MEDIA_TYPE,
    VP_JWT_MEDIA_TYPE,
    b64url,
    decode_jwt,
    envelope,
    is_compact_jws,
    unenvelope,
)
from mbo_vc.keys import EcKey, Ed25519Key
from mbo_vc.limits import DEFAULT_LIMITS, Limits

__all__ = [
    "VC_JWT_MEDIA_TYPE",
    "VP_JWT_MEDIA_TYPE",
    "decode_jwt",
    "envelope",
    "is_compact_jws",
    "secure_jwt",
    "unenvelope",
]


def _kind_of(document: Mapping[str, Any]) -> str:
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    if "VerifiablePresentation" in types:
        return "presentation"
    if "VerifiableCredential" in types:
        return "credential"
    raise UsageError("the document is neither a VerifiableCredential nor a VerifiablePresentation")


def _alg_for(key: Ed25519Key | EcKey | _jwk.JWK, alg: str | None) -> str:
    if alg is not None:
        return alg
    if isinstance(key, Ed25519Key | EcKey):
        return key.jws_alg
    data = key.export_public(as_dict=True)
    if isinstance(key.get("alg"), str):
        return str(key.get("alg"))
    for name, (kty, crv) in KEY_FIT.items():
        if data.get("kty") == kty and (crv is None or data.get("crv") == crv):
            return name
    raise UsageError("cannot choose a JWS alg for this key; pass alg=")


def secure_jwt(
    document: Mapping[str, Any],
    key: Ed25519Key | EcKey | _jwk.JWK,
    *,
    alg: str | None = None,
    kid: str | None = None,
    challenge: str | None = None,
    domain: str | list[str] | None = None,
    claims: Mapping[str, Any] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> str:
    """Secure a VC DM 2.0 credential (``vc+jwt``) or presentation (``vp+jwt``) as a compact JWS.

    The payload is the document itself, byte-stable JSON. ``key`` is an :class:`Ed25519Key`
    (``EdDSA``) or a P-256/P-384 :class:`EcKey` (``ES256``/``ES384``, P1363 low-S), with ``kid``
    = its verification method, or a private jwcrypto ``JWK`` (pass ``kid`` unless the JWK has
    one). For a presentation, ``challenge`` and ``domain`` go into the
    ``nonce`` and ``aud`` claims; ``claims`` adds further JWT claims (``exp``, ``iat`` …).
    """
    if not isinstance(document, Mapping):
        raise UsageError("the document to secure must be a JSON object")
    check_structure(document, limits=limits)
    kind = _kind_of(document)
    ctx = document.get("@context")
    first = ctx[0] if isinstance(ctx, list) and ctx else ctx
    if first != vocab.VC_V2:
        raise UsageError(
            f"vc+jwt / vp+jwt secure VC DM 2.0 documents: @context must start {vocab.VC_V2}"
        )
    if "vc" in document or "vp" in document:
        raise UsageError("a vc+jwt / vp+jwt payload must not carry vc or vp claims")
    if "proof" in document:
        raise UsageError("secure the unsecured document: remove its Data Integrity proof first")
    payload = dict(document)
    if kind == "presentation":
        if challenge is not None:
            payload["nonce"] = challenge
        if domain is not None:
            payload["aud"] = domain
    elif challenge is not None or domain is not None:
        raise UsageError("challenge and domain apply to presentations only")
    for name, value in (claims or {}).items():
        if name in payload or name in ("vc", "vp"):
            raise UsageError(f"claim {name!r} would overwrite a member of the document")
        payload[name] = value
    algorithm = _alg_for(key, alg)
    if algorithm not in KEY_FIT:
        raise UsageError(f"alg {algorithm!r} is not supported for signing")
    typ, cty = ("vc+jwt", "vc") if kind == "credential" else ("vp+jwt", "vp")
    if isinstance(key, Ed25519Key | EcKey):
        if not key.has_private:
            raise KeyFormatError("signing needs a private key")
        public = key.to_jwk()
        kty, crv = KEY_FIT[algorithm]
        if public["kty"] != kty or public["crv"] != crv:
            raise JwtAlgorithmError(
                f"a {key.key_type} key signs with alg {key.jws_alg}, not {algorithm}"
            )
        header = {"alg": algorithm, "kid": kid or key.verification_method, "typ": typ, "cty": cty}
        signing_input = (
            b64url(json.dumps(header, separators=(",", ":")).encode("utf-8"))
            + "."
            + b64url(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode())
        )
        return signing_input + "." + b64url(key.sign(signing_input.encode("ascii")))
    if not isinstance(key, _jwk.JWK) or not key.has_private:
        raise KeyFormatError("signing needs a private key (Ed25519Key, EcKey or jwcrypto JWK)")
    jwk = key
    key_id = kid or key.get("kid")
    if not isinstance(key_id, str):
        raise UsageError("pass kid= (the verification method id) for this JWK")
    header = {"alg": algorithm, "kid": key_id, "typ": typ, "cty": cty}
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    token = _jws.JWS(body)
    try:
        token.add_signature(jwk, alg=algorithm, protected=json.dumps(header, separators=(",", ":")))
    except Exception:
        raise KeyFormatError(f"this key cannot sign with alg {algorithm}") from None
    return str(token.serialize(compact=True))
