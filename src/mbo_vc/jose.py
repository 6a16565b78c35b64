"""Securing credentials and presentations with JOSE (VC-JOSE-COSE 1.0, the JOSE part).

A ``vc+jwt`` is a compact JWS whose payload is the credential itself (VC DM 2.0); a ``vp+jwt``
secures a presentation the same way. A ``vc+sd-jwt`` / ``vp+sd-jwt`` (§3.2) is an SD-JWT
(RFC 9901, :mod:`mbo_vc.sd_jwt`) whose payload is the credential (presentation) with the members
the issuer chose made selectively disclosable: :func:`secure_sd_jwt`; the holder presents a
subset with :func:`mbo_vc.sd_jwt.present`. The VC 1.1 JWT encoding (payload ``{"vc": {…}, "iss",
"nbf", "exp", "jti", "sub"}``, ``typ: JWT``) that OBv3 1.x-era issuers emit is read too.

:func:`secure_jwt` signs; :func:`mbo_vc.verify_jwt` (or :func:`mbo_vc.verify`) verifies on the
one verification road with the mbo rules (:mod:`mbo_vc.verifier`), which reads the payload (an
SD-JWT's: with the presented disclosures in place) as JSON-LD (its verified view) like any other
credential. The compact-JWS machinery is in :mod:`mbo_vc.jws`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from jwcrypto import jwk as _jwk
from jwcrypto import jws as _jws

from mbo_vc import vocab
from mbo_vc.errors import JwtAlgorithmError, KeyFormatError, UsageError
from mbo_vc.json_input import check_structure
from mbo_vc.jws import (
    KEY_FIT,
    VC_JWT_MEDIA_TYPE,
    VC_SD_JWT_MEDIA_TYPE,
    VP_JWT_MEDIA_TYPE,
    VP_SD_JWT_MEDIA_TYPE,
    decode_jwt,
    envelope,
    is_compact_jws,
    sign_compact,
    unenvelope,
)
from mbo_vc.keys import Signer
from mbo_vc.limits import DEFAULT_LIMITS, Limits
from mbo_vc.sd_jwt import SdJwt
from mbo_vc.sd_jwt import issue as _issue_sd_jwt
from mbo_vc.verification.jwt import ALWAYS_DISCLOSED

__all__ = [
    "ALWAYS_DISCLOSED",
    "VC_JWT_MEDIA_TYPE",
    "VC_SD_JWT_MEDIA_TYPE",
    "VP_JWT_MEDIA_TYPE",
    "VP_SD_JWT_MEDIA_TYPE",
    "decode_jwt",
    "envelope",
    "frame_of_paths",
    "is_compact_jws",
    "secure_jwt",
    "secure_sd_jwt",
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


def _alg_for(key: Signer | _jwk.JWK, alg: str | None) -> str:
    if alg is not None:
        return alg
    if isinstance(key, Signer):
        return key.jws_alg
    data = key.export_public(as_dict=True)
    if isinstance(key.get("alg"), str):
        return str(key.get("alg"))
    for name, (kty, crv) in KEY_FIT.items():
        if data.get("kty") == kty and (crv is None or data.get("crv") == crv):
            return name
    raise UsageError("cannot choose a JWS alg for this key; pass alg=")


def _payload(
    document: Mapping[str, Any],
    kind: str,
    challenge: str | None,
    domain: str | list[str] | None,
    claims: Mapping[str, Any] | None,
    reserved: tuple[str, ...],
) -> dict[str, Any]:
    """The JWT payload of a VC-JOSE securing: the document itself, a presentation's
    ``challenge``/``domain`` as ``nonce``/``aud``, and further ``claims`` that may overwrite
    neither a member of the document nor a ``reserved`` claim name."""
    payload = dict(document)
    if kind == "presentation":
        if challenge is not None:
            payload["nonce"] = challenge
        if domain is not None:
            payload["aud"] = domain
    elif challenge is not None or domain is not None:
        raise UsageError("challenge and domain apply to presentations only")
    for name, value in (claims or {}).items():
        if name in payload or name in reserved:
            raise UsageError(f"claim {name!r} would overwrite a member of the document")
        payload[name] = value
    return payload


def _check_securable(document: Mapping[str, Any], limits: Limits) -> str:
    """The checks every VC-JOSE securing makes of the unsecured document; returns its kind."""
    if not isinstance(document, Mapping):
        raise UsageError("the document to secure must be a JSON object")
    check_structure(document, limits=limits)
    kind = _kind_of(document)
    ctx = document.get("@context")
    first = ctx[0] if isinstance(ctx, list) and ctx else ctx
    if first != vocab.VC_V2:
        raise UsageError(
            f"VC-JOSE-COSE secures VC DM 2.0 documents: @context must start {vocab.VC_V2}"
        )
    if "vc" in document or "vp" in document:
        raise UsageError("a VC-JOSE-COSE payload must not carry vc or vp claims")
    if "proof" in document:
        raise UsageError("secure the unsecured document: remove its Data Integrity proof first")
    return kind


def secure_jwt(
    document: Mapping[str, Any],
    key: Signer | _jwk.JWK,
    *,
    alg: str | None = None,
    kid: str | None = None,
    challenge: str | None = None,
    domain: str | list[str] | None = None,
    claims: Mapping[str, Any] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> str:
    """Secure a VC DM 2.0 credential (``vc+jwt``) or presentation (``vp+jwt``) as a compact JWS.

    The payload is the document itself, byte-stable JSON. ``key`` is a
    :class:`~mbo_vc.keys.Signer`: an :class:`Ed25519Key` (``EdDSA``), a P-256/P-384
    :class:`EcKey` (``ES256``/``ES384``, P1363 low-S) or such a key in an HSM or KMS, with
    ``kid`` = its verification method; or a private jwcrypto ``JWK`` (pass ``kid`` unless the
    JWK has one). For a presentation, ``challenge`` and ``domain`` go into the ``nonce`` and
    ``aud`` claims; ``claims`` adds further JWT claims (``exp``, ``iat`` …).
    """
    kind = _check_securable(document, limits)
    payload = _payload(document, kind, challenge, domain, claims, ("vc", "vp"))
    algorithm = _alg_for(key, alg)
    if algorithm not in KEY_FIT:
        raise UsageError(f"alg {algorithm!r} is not supported for signing")
    typ, cty = ("vc+jwt", "vc") if kind == "credential" else ("vp+jwt", "vp")
    if isinstance(key, Signer):
        if not key.has_private:
            raise KeyFormatError("signing needs a private key")
        public = key.to_jwk()
        kty, crv = KEY_FIT[algorithm]
        if public["kty"] != kty or public["crv"] != crv:
            raise JwtAlgorithmError(
                f"a {key.key_type} key signs with alg {key.jws_alg}, not {algorithm}"
            )
        header = {"alg": algorithm, "kid": kid or key.verification_method, "typ": typ, "cty": cty}
        return sign_compact(header, payload, key)
    if not isinstance(key, _jwk.JWK) or not key.has_private:
        raise KeyFormatError("signing needs a private key (a Signer or a jwcrypto JWK)")
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


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _path_steps(path: str) -> list[str | int]:
    """``credentialSubject.phoneNumbers[0]`` (or ``…phoneNumbers.0``) as its steps."""
    steps: list[str | int] = []
    pos = 0
    for m in _STEP.finditer(path):
        if m.start() != pos and path[pos : m.start()] != ".":
            raise UsageError(f"cannot read the claim path {path[:120]!r}")
        name, index = m.group(1), m.group(2)
        steps.append(int(index) if index is not None else int(name) if name.isdigit() else name)
        pos = m.end()
    if not steps or pos != len(path):
        raise UsageError(f"cannot read the claim path {path[:120]!r}")
    return steps


def frame_of_paths(document: Mapping[str, Any], paths: Iterable[str]) -> dict[str, Any]:
    """The RFC 9901 disclosure frame (:mod:`mbo_vc.sd_jwt`) that makes each of ``paths``
    selectively disclosable in ``document``: ``credentialSubject.address.street``,
    ``credentialSubject.phoneNumbers[0]`` (the VC-JOSE-COSE test suite's spelling; ``.0`` too).
    A path that names nothing in the document raises :class:`~mbo_vc.errors.UsageError`."""
    frame: dict[str, Any] = {}
    for path in paths:
        steps = _path_steps(path)
        node, value = frame, document
        for step in steps[:-1]:
            value = _step_into(value, step, path)
            node = node.setdefault(str(step), {})
        last = steps[-1]
        _step_into(value, last, path)
        selected = node.setdefault("_sd", [])
        if last not in selected:
            selected.append(last)
    return frame


def _step_into(value: Any, step: str | int, path: str) -> Any:
    if isinstance(step, int) and isinstance(value, list) and 0 <= step < len(value):
        return value[step]
    if isinstance(step, str) and isinstance(value, Mapping) and step in value:
        return value[step]
    raise UsageError(f"the claim path {path[:120]!r} names nothing in the document")


_TERM_MEMBERS = frozenset({"@context", "type", "@type"})


def _blocked_inside(frame: Mapping[str, Any], kind: str) -> list[str]:
    """What a frame makes disclosable below the top level that must stay disclosed: anything
    inside an always-disclosed member (a ``credentialStatus``'s index, an ``@context`` or
    ``type`` element, the ``issuer``'s id), and a member named ``@context``/``type``/``@type``
    at any level (withheld, it would change what its siblings mean)."""
    out: list[str] = []

    def walk(node: Any, where: str, top: bool) -> None:
        if not isinstance(node, Mapping):
            return
        selected = node.get("_sd", [])
        for name in selected if isinstance(selected, list) else []:
            if not top and name in _TERM_MEMBERS:
                out.append(f"{where}.{name}")
        for name, inner in node.items():
            if name in ("_sd", "_sd_decoy"):
                continue
            path = f"{where}.{name}" if where else str(name)
            if top and name == "issuer":
                if isinstance(inner, Mapping) and "id" in inner.get("_sd", []):
                    out.append("issuer.id")
            elif (top and name in ALWAYS_DISCLOSED[kind]) or name in _TERM_MEMBERS:
                out.append(f"{path} (inside)")
                continue
            walk(inner, path, False)

    walk(frame, "", True)
    return out


def secure_sd_jwt(
    document: Mapping[str, Any],
    key: Signer,
    *,
    disclosable: Iterable[str] = (),
    frame: Mapping[str, Any] | None = None,
    kid: str | None = None,
    holder: Mapping[str, Any] | Signer | None = None,
    challenge: str | None = None,
    domain: str | list[str] | None = None,
    claims: Mapping[str, Any] | None = None,
    decoys: int = 0,
    salt: Callable[[], str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> SdJwt:
    """Secure a VC DM 2.0 credential as ``vc+sd-jwt`` (or a presentation as ``vp+sd-jwt``),
    VC-JOSE-COSE §3.2: the payload is the document itself with the members ``disclosable``
    names (claim paths, see :func:`frame_of_paths`) or ``frame`` selects (an RFC 9901 frame,
    :func:`mbo_vc.sd_jwt.issue`) replaced by digests; header ``typ`` ``vc+sd-jwt`` / ``vp+sd-jwt``,
    ``cty`` ``vc`` / ``vp``, ``kid`` = the key's verification method unless given.

    ``holder`` (a public JWK or key) becomes ``cnf.jwk``, for a KB-JWT on presentation. The
    members :data:`ALWAYS_DISCLOSED` names (``@context``, ``type``, ``issuer``,
    ``credentialStatus``, ``credentialSchema`` … the spec's "SHOULD NOT be selectively
    disclosable") cannot be made disclosable (:class:`~mbo_vc.errors.UsageError`).
    ``challenge``/``domain`` (presentations) become ``nonce``/``aud``; ``decoys`` adds that many
    decoy digests at the top level; ``salt`` is for test vectors only.
    """
    kind = _check_securable(document, limits)
    if not key.has_private:
        raise KeyFormatError("a vc+sd-jwt is signed with a private key (a key file or an HSM's)")
    if frame is not None and disclosable:
        raise UsageError("pass either disclosable paths or a frame, not both")
    chosen: dict[str, Any] = (
        dict(frame) if frame is not None else frame_of_paths(document, disclosable)
    )
    blocked = sorted(n for n in chosen.get("_sd", []) if n in ALWAYS_DISCLOSED[kind])
    blocked += _blocked_inside(chosen, kind)
    if blocked:
        raise UsageError(
            f"{', '.join(blocked)[:300]} must stay disclosed (VC-JOSE-COSE §3.2: properties "
            f"needed to validate and verify the {kind} SHOULD NOT be selectively disclosable)"
        )
    if decoys:
        chosen["_sd_decoy"] = decoys
    payload = _payload(
        document, kind, challenge, domain, claims, ("vc", "vp", "_sd", "_sd_alg", "cnf")
    )
    short = "vc" if kind == "credential" else "vp"
    header = {"kid": kid or key.verification_method, "cty": short}
    return _issue_sd_jwt(payload, chosen, key, typ=f"{short}+sd-jwt", header=header,
                         holder=holder, salt=salt, limits=limits)  # fmt: skip
