"""Securing credentials and presentations with JOSE (VC-JOSE-COSE 1.0, the JOSE part).

A ``vc+jwt`` is a compact JWS whose payload is the credential itself (VC DM 2.0); a ``vp+jwt``
secures a presentation the same way. The VC 1.1 JWT encoding (payload ``{"vc": {…}, "iss",
"nbf", "exp", "jti", "sub"}``, ``typ: JWT``) that OBv3 1.x-era issuers emit is read too.

Verification works on the JWS layer (jwcrypto): it never hands the token to a JWT claims
checker, so the ISO-string ``iat`` that some producers put in is not mistaken for an error.
The ``kid`` is resolved through the :class:`~mbo_vc.did.DidResolver`: an absolute DID URL, a
fragment (``#key-1``) relative to the issuer, or a bare key id (``kid`` member or RFC 7638
thumbprint) looked up in the issuer's controller document. The key must be authorized by the
issuer (``assertionMethod``; ``authentication`` for a presentation's holder).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from jwcrypto import jwk as _jwk
from jwcrypto import jws as _jws

from mbo_vc.did import DidResolver, ResolvedMethod, default_resolver
from mbo_vc.document import check_structure, issuer_id, parse_json
from mbo_vc.errors import DidError, KeyFormatError, MboVcError, UsageError
from mbo_vc.keys import Ed25519Key
from mbo_vc.limits import DEFAULT_LIMITS, Limits
from mbo_vc.policy import DEFAULT_JWT_ALGORITHMS, VerifierPolicy, apply_policy
from mbo_vc.result import Problem, ProofResult, VerificationResult

__all__ = [
    "VC_JWT_MEDIA_TYPE",
    "VP_JWT_MEDIA_TYPE",
    "decode_jwt",
    "envelope",
    "is_compact_jws",
    "secure_jwt",
    "unenvelope",
    "verify_jwt",
]

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_JWT_MEDIA_TYPE = "application/vc+jwt"
VP_JWT_MEDIA_TYPE = "application/vp+jwt"

_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")
_COMPACT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
_TYP = {
    "credential": {"vc+jwt", "application/vc+jwt"},
    "presentation": {"vp+jwt", "application/vp+jwt"},
}
_CTY = {"credential": {"vc", "application/vc"}, "presentation": {"vp", "application/vp"}}
_LEGACY_TYP = {None, "JWT", "jwt", "application/jwt"}
_KEY_FIT = {
    "EdDSA": ("OKP", "Ed25519"),
    "Ed25519": ("OKP", "Ed25519"),
    "ES256": ("EC", "P-256"),
    "ES384": ("EC", "P-384"),
    "ES512": ("EC", "P-521"),
    "RS256": ("RSA", None),
    "PS256": ("RSA", None),
}
_MIN_RSA_BITS = 2048


# --- helpers ---------------------------------------------------------------------------------


def is_compact_jws(value: Any) -> bool:
    """True when ``value`` looks like a compact JWS (three base64url parts)."""
    return isinstance(value, str) and bool(_COMPACT.match(value.strip()))


def _b64url_decode(part: str, what: str) -> bytes:
    if not _B64URL.match(part) or len(part) % 4 == 1:
        raise MboVcError(f"the JWS {what} is not base64url", code="jwt_malformed")
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise MboVcError(f"the JWS {what} is not base64url", code="jwt_malformed") from None


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode_jwt(
    token: str, *, limits: Limits = DEFAULT_LIMITS
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a compact JWS into its (protected header, payload) without verifying anything.

    Both must be JSON objects (read strictly: no duplicate members). Raises
    :class:`~mbo_vc.errors.MboVcError` with code ``jwt_malformed`` (or a JSON input code).
    """
    if not isinstance(token, str):
        raise MboVcError("a JWT must be a string", code="jwt_malformed")
    token = token.strip()
    if len(token) > limits.max_document_bytes * 2:
        raise MboVcError("the JWT is larger than the document size limit", code="limit_exceeded")
    parts = token.split(".")
    if len(parts) != 3:
        raise MboVcError(
            f"a compact JWS has 3 parts separated by '.', this has {len(parts)}",
            code="jwt_malformed",
        )
    out = []
    for part, what in zip(parts[:2], ("header", "payload"), strict=True):
        raw = _b64url_decode(part, what)
        try:
            out.append(parse_json(raw, limits=limits))
        except MboVcError as exc:
            if exc.code == "malformed_document":
                raise MboVcError(
                    f"the JWS {what} is not a JSON object: {exc.message}", code="jwt_malformed"
                ) from None
            raise
    _b64url_decode(parts[2], "signature")
    return out[0], out[1]


def envelope(token: str, *, presentation: bool = False) -> dict[str, Any]:
    """An ``EnvelopedVerifiableCredential`` (or …Presentation) holding ``token`` as a data: URL."""
    if not is_compact_jws(token):
        raise UsageError("only a compact JWS can be enveloped")
    media = VP_JWT_MEDIA_TYPE if presentation else VC_JWT_MEDIA_TYPE
    kind = "Presentation" if presentation else "Credential"
    return {
        "@context": VC_V2,
        "id": f"data:{media},{token.strip()}",
        "type": f"EnvelopedVerifiable{kind}",
    }


def unenvelope(obj: Any) -> tuple[str, str]:
    """The (media type, content) of an enveloped credential/presentation's ``data:`` URL.

    Raises :class:`~mbo_vc.errors.MboVcError` (code ``invalid_envelope``) when ``obj`` is not an
    enveloped object with a ``data:`` URL.
    """
    if not isinstance(obj, Mapping):
        raise MboVcError("an enveloped credential must be a JSON object", code="invalid_envelope")
    url = obj.get("id")
    if not isinstance(url, str) or not url.startswith("data:") or "," not in url:
        raise MboVcError(
            f"an enveloped credential's id must be a data: URL, got {str(url)[:60]!r}",
            code="invalid_envelope",
        )
    meta, content = url[5:].split(",", 1)
    params = meta.split(";")
    media = params[0].strip().lower()
    if media in (VC_JWT_MEDIA_TYPE, VP_JWT_MEDIA_TYPE) and len(params) > 1:
        raise MboVcError(
            f"a {media} data: URL takes the compact JWS as it is (no parameters, no base64)",
            code="invalid_envelope",
        )
    return media, content


# --- signing ---------------------------------------------------------------------------------


def _kind_of(document: Mapping[str, Any]) -> str:
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    if "VerifiablePresentation" in types:
        return "presentation"
    if "VerifiableCredential" in types:
        return "credential"
    raise UsageError("the document is neither a VerifiableCredential nor a VerifiablePresentation")


def _alg_for(key: Ed25519Key | _jwk.JWK, alg: str | None) -> str:
    if alg is not None:
        return alg
    if isinstance(key, Ed25519Key):
        return "EdDSA"
    data = key.export_public(as_dict=True)
    if isinstance(key.get("alg"), str):
        return str(key.get("alg"))
    for name, (kty, crv) in _KEY_FIT.items():
        if data.get("kty") == kty and (crv is None or data.get("crv") == crv):
            return name
    raise UsageError("cannot choose a JWS alg for this key; pass alg=")


def secure_jwt(
    document: Mapping[str, Any],
    key: Ed25519Key | _jwk.JWK,
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
    (``EdDSA``, ``kid`` = its verification method) or a private jwcrypto ``JWK`` (pass ``kid``
    unless the JWK has one). For a presentation, ``challenge`` and ``domain`` go into the
    ``nonce`` and ``aud`` claims; ``claims`` adds further JWT claims (``exp``, ``iat`` …).
    """
    if not isinstance(document, Mapping):
        raise UsageError("the document to secure must be a JSON object")
    check_structure(document, limits=limits)
    kind = _kind_of(document)
    ctx = document.get("@context")
    first = ctx[0] if isinstance(ctx, list) and ctx else ctx
    if first != VC_V2:
        raise UsageError(f"vc+jwt / vp+jwt secure VC DM 2.0 documents: @context must start {VC_V2}")
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
    if algorithm not in _KEY_FIT:
        raise UsageError(f"alg {algorithm!r} is not supported for signing")
    if isinstance(key, Ed25519Key):
        if not key.has_private:
            raise KeyFormatError("signing needs a private key")
        jwk = _jwk.JWK(**key.to_jwk(private=True))
        key_id = kid or key.verification_method
    else:
        if not isinstance(key, _jwk.JWK) or not key.has_private:
            raise KeyFormatError("signing needs a private key (Ed25519Key or jwcrypto JWK)")
        jwk = key
        key_id = kid or key.get("kid")
        if not isinstance(key_id, str):
            raise UsageError("pass kid= (the verification method id) for this JWK")
    typ, cty = ("vc+jwt", "vc") if kind == "credential" else ("vp+jwt", "vp")
    header = {"alg": algorithm, "kid": key_id, "typ": typ, "cty": cty}
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    token = _jws.JWS(body)
    try:
        token.add_signature(jwk, alg=algorithm, protected=json.dumps(header, separators=(",", ":")))
    except Exception:
        raise KeyFormatError(f"this key cannot sign with alg {algorithm}") from None
    return str(token.serialize(compact=True))


# --- verification ----------------------------------------------------------------------------


def _numeric_date(value: Any, name: str) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MboVcError(f"JWT claim {name} must be a NumericDate (seconds)", code="invalid_date")
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise MboVcError(f"JWT claim {name} is out of range", code="invalid_date") from None


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _from_vc11(payload: Mapping[str, Any], kind: str, result: VerificationResult) -> dict[str, Any]:
    """VC DM 1.1 §6.3.1: rebuild the credential/presentation from the vc/vp claim + JWT claims."""
    claim = "vc" if kind == "credential" else "vp"
    inner = payload.get(claim)
    if not isinstance(inner, Mapping):
        raise MboVcError(f"the JWT's {claim} claim must be a JSON object", code="jwt_malformed")
    doc = json.loads(json.dumps(inner))

    def merge(claim_name: str, member: str, value: Any, holder: dict[str, Any]) -> None:
        current = holder.get(member)
        if isinstance(current, Mapping) and member == "issuer":
            current = current.get("id")
            if current is None:
                holder[member] = {**holder[member], "id": value}
                return
        if current is None:
            holder[member] = value
        elif current != value:
            result.add(
                "jwt_claim_mismatch",
                f"JWT claim {claim_name} ({str(value)[:80]}) differs from {member} "
                f"({str(current)[:80]})",
                claim_name,
            )

    if "jti" in payload:
        merge("jti", "id", payload["jti"], doc)
    if "iss" in payload:
        merge("iss", "issuer" if kind == "credential" else "holder", payload["iss"], doc)
    if kind == "credential":
        if "nbf" in payload:
            merge("nbf", "issuanceDate", _iso(_numeric_date(payload["nbf"], "nbf")), doc)
        if "exp" in payload:
            merge("exp", "expirationDate", _iso(_numeric_date(payload["exp"], "exp")), doc)
        if "sub" in payload:
            subject = doc.get("credentialSubject")
            if isinstance(subject, dict):
                merge("sub", "id", payload["sub"], subject)
            elif subject is None:
                doc["credentialSubject"] = {"id": payload["sub"]}
    return doc


def _public_jwk(method: Mapping[str, Any]) -> _jwk.JWK:
    if "publicKeyJwk" in method:
        data = method["publicKeyJwk"]
        if not isinstance(data, Mapping):
            raise KeyFormatError("publicKeyJwk must be a JSON object")
        if any(m in data for m in ("d", "p", "q", "dp", "dq", "qi", "k")):
            raise KeyFormatError("publicKeyJwk holds private or symmetric key material")
        if data.get("kty") not in ("OKP", "EC", "RSA"):
            raise KeyFormatError(f"publicKeyJwk kty {str(data.get('kty'))[:20]!r} not supported")
        try:
            return _jwk.JWK(**dict(data))
        except Exception:
            raise KeyFormatError("publicKeyJwk is not a valid JWK") from None
    if "publicKeyMultibase" in method:
        key = Ed25519Key.from_multibase(method["publicKeyMultibase"])
        if key.has_private:
            raise KeyFormatError("publicKeyMultibase holds a secret key")
        return _jwk.JWK(**key.to_jwk())
    raise KeyFormatError("the verification method has no publicKeyJwk or publicKeyMultibase")


def _check_fit(alg: str, key: _jwk.JWK) -> None:
    data = key.export_public(as_dict=True)
    kty, crv = _KEY_FIT[alg]
    if data.get("kty") != kty or (crv is not None and data.get("crv") != crv):
        raise MboVcError(
            f"alg {alg} does not fit a {data.get('kty')}/{data.get('crv', '-')} key",
            code="jwt_alg_not_allowed",
        )
    if kty == "RSA":
        n = _b64url_decode(str(data.get("n", "")), "RSA modulus")
        if len(n.lstrip(b"\0")) * 8 < _MIN_RSA_BITS:
            raise MboVcError(f"RSA keys under {_MIN_RSA_BITS} bits are refused", code="invalid_key")
    key_alg = key.get("alg")
    if key_alg is not None and key_alg != alg:
        raise MboVcError(f"the key is for alg {key_alg}, not {alg}", code="jwt_alg_not_allowed")


def _did_of(url: str) -> str:
    return url.split("#", 1)[0]


def _thumbprint(method: Mapping[str, Any]) -> str | None:
    try:
        return str(_public_jwk(method).thumbprint())
    except Exception:
        return None


def _find_method(
    header: Mapping[str, Any], controller: str, resolver: DidResolver
) -> ResolvedMethod:
    kid = header.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise MboVcError("the JOSE header kid must be a string", code="jwt_malformed")
    if isinstance(kid, str) and (kid.startswith("#") or "#" in kid):
        url = controller + kid if kid.startswith("#") else kid
        if _did_of(url) != controller:
            raise MboVcError(
                f"kid {kid[:120]} names a key of {_did_of(url)[:100]}, not of {controller[:100]}",
                code="jwt_kid_mismatch",
            )
        try:
            return resolver.dereference(url)
        except DidError as exc:
            raise MboVcError(exc.message, code="vm_unresolvable") from None
    # a bare key id (kid member or JWK thumbprint) or an embedded jwk: look it up
    embedded = header.get("jwk")
    if kid is None and not isinstance(embedded, Mapping):
        raise MboVcError("the JOSE header has neither kid nor jwk", code="jwt_malformed")
    try:
        document = resolver.resolve(controller)
    except DidError as exc:
        raise MboVcError(exc.message, code="vm_unresolvable") from None
    wanted = None
    if kid is None:
        try:
            wanted = _public_jwk({"publicKeyJwk": embedded}).thumbprint()
        except Exception:
            raise MboVcError(
                "the JOSE header jwk is not a public JWK", code="jwt_malformed"
            ) from None
    candidates: list[Any] = list(document.get("verificationMethod") or [])
    for rel in ("assertionMethod", "authentication"):
        candidates.extend(e for e in document.get(rel) or [] if isinstance(e, dict))
    for vm in candidates:
        if not isinstance(vm, dict) or not isinstance(vm.get("id"), str):
            continue
        vm_id = controller + vm["id"] if vm["id"].startswith("#") else vm["id"]
        jwk = vm.get("publicKeyJwk")
        jwk_kid = jwk.get("kid") if isinstance(jwk, dict) else None
        if kid is not None:
            hit = vm_id == f"{controller}#{kid}" or jwk_kid == kid or _thumbprint(vm) == kid
        else:
            hit = _thumbprint(vm) == wanted
        if hit:
            try:
                return resolver.dereference(vm_id)
            except DidError as exc:
                raise MboVcError(exc.message, code="vm_unresolvable") from None
    what = f"kid {kid[:100]!r}" if kid is not None else "the header's jwk"
    raise MboVcError(
        f"{what} is not a verification method of {controller[:100]}", code="jwt_kid_mismatch"
    )


def _kind_from_header(
    header: Mapping[str, Any], payload: Mapping[str, Any], expected: str | None
) -> tuple[str, bool]:
    """(credential|presentation, legacy VC 1.1 encoding?) from typ/cty and the payload."""
    typ = header.get("typ")
    cty = header.get("cty")
    for kind in ("credential", "presentation"):
        if typ in _TYP[kind]:
            if cty is not None and cty not in _CTY[kind]:
                raise MboVcError(
                    f"cty {str(cty)[:40]!r} does not fit typ {typ}", code="jwt_bad_type"
                )
            if "vc" in payload or "vp" in payload:
                raise MboVcError(
                    f"a {typ} payload must not carry the VC 1.1 vc/vp claims",
                    code="jwt_forbidden_claim",
                )
            if expected is not None and kind != expected:
                raise MboVcError(f"expected a {expected}, got typ {typ}", code="jwt_bad_type")
            return kind, False
    if typ in _LEGACY_TYP and cty is None and ("vc" in payload) != ("vp" in payload):
        kind = "credential" if "vc" in payload else "presentation"
        if expected is not None and kind != expected:
            raise MboVcError(f"expected a {expected}, got a VC 1.1 {kind}", code="jwt_bad_type")
        return kind, True
    raise MboVcError(
        f"JOSE typ {str(typ)[:40]!r} / cty {str(cty)[:40]!r} is not vc+jwt, vp+jwt or a VC 1.1 JWT",
        code="jwt_bad_type",
    )


def verify_jwt(
    token: str | bytes,
    *,
    expected: str | None = None,
    now: datetime | str | None = None,
    resolver: DidResolver | None = None,
    challenge: str | None = None,
    domain: str | None = None,
    policy: VerifierPolicy | None = None,
    status: Any = None,
    limits: Limits = DEFAULT_LIMITS,
) -> VerificationResult:
    """Verify a JWT-secured credential or presentation (``vc+jwt``, ``vp+jwt``, VC 1.1 JWT).

    Checks: the JOSE header (alg never ``none``/HMAC, typ/cty), the ``kid``'s verification method
    (resolved through ``resolver``; authorized by the issuer for ``assertionMethod``, by the
    holder for ``authentication``), the signature, the JWT claims against the document (``iss``,
    ``jti``; ``exp``/``nbf`` against the clock; ``iat`` is not interpreted), the document's
    structure and validity period, and the policy. ``expected`` is ``"credential"``,
    ``"presentation"`` or None (either). For a presentation, ``challenge`` and ``domain`` must
    equal its ``nonce`` and be in its ``aud``. ``result.document`` is the secured document (a
    VC 1.1 payload is rebuilt into a VC 1.1 document). Embedded credentials of a presentation
    are not verified here: see :func:`mbo_vc.presentation.verify_presentation`. ``status`` (a
    :class:`~mbo_vc.status.StatusChecker`) checks a credential's ``credentialStatus`` as
    :func:`mbo_vc.verify` does. Never raises for bad input.
    """
    result = VerificationResult()
    try:
        clock = policy.clock(now) if policy is not None else _clock(now)
        if isinstance(token, bytes):
            try:
                token = token.decode("utf-8")
            except UnicodeDecodeError:
                raise MboVcError("the JWT is not UTF-8 text", code="jwt_malformed") from None
        _verify_jwt(token, expected, clock, resolver or default_resolver(), challenge, domain,
                    policy, status, limits, result)  # fmt: skip
    except MboVcError as exc:
        result.add(exc.code, exc.message)
    except RecursionError:
        result.add("limit_exceeded", "the JWT is nested too deeply to process")
    return result


def _clock(now: datetime | str | None) -> datetime:
    return VerifierPolicy().clock(now)


def _verify_jwt(
    token: str,
    expected: str | None,
    clock: datetime,
    resolver: DidResolver,
    challenge: str | None,
    domain: str | None,
    policy: VerifierPolicy | None,
    status: Any,
    limits: Limits,
    result: VerificationResult,
) -> None:
    header, payload = decode_jwt(token, limits=limits)
    token = token.strip()
    result.checks.append("jose_header")
    alg = header.get("alg")
    allowed = policy.jwt_algorithms if policy is not None else DEFAULT_JWT_ALGORITHMS
    if not isinstance(alg, str) or alg.lower() == "none" or alg not in allowed:
        raise MboVcError(f"JWS alg {str(alg)[:20]!r} is not allowed", code="jwt_alg_not_allowed")
    if alg not in _KEY_FIT:
        raise MboVcError(f"JWS alg {alg!r} is not supported", code="jwt_alg_not_allowed")
    if "crit" in header:
        raise MboVcError("JOSE crit header parameters are not supported", code="jwt_malformed")
    kind, legacy = _kind_from_header(header, payload, expected)
    purpose = "assertionMethod" if kind == "credential" else "authentication"

    document = _from_vc11(payload, kind, result) if legacy else dict(payload)
    result.document = document
    _check_document(document, kind, legacy, result)
    if kind == "credential":
        controller = issuer_id(document)
        if not legacy and "iss" in payload and payload["iss"] != controller:
            result.add("jwt_claim_mismatch", "JWT claim iss differs from the issuer", "iss")
    else:
        holder = document.get("holder")
        holder = holder.get("id") if isinstance(holder, Mapping) else holder
        controller = holder if isinstance(holder, str) else payload.get("iss")
        if not legacy and "iss" in payload and holder is not None and payload["iss"] != holder:
            result.add("jwt_claim_mismatch", "JWT claim iss differs from the holder", "iss")
    if not legacy and "jti" in payload and "id" in payload and payload["jti"] != payload["id"]:
        result.add("jwt_claim_mismatch", "JWT claim jti differs from the document's id", "jti")

    proof = ProofResult(0, "JWS", alg, header.get("kid") if isinstance(header.get("kid"), str)
                        else None, purpose)  # fmt: skip
    result.proofs.append(proof)
    where = "jws"

    def problem(code: str, message: str) -> None:
        proof.problems.append(Problem(code, message, where))

    if not isinstance(controller, str):
        role = "issuer" if kind == "credential" else "holder"
        problem("vm_unresolvable", f"the JWT names no {role}")
    else:
        try:
            resolved = _find_method(header, controller, resolver)
            proof.verification_method = resolved.id
            proof.controller = resolved.controller
            if resolved.controller != controller or resolved.document.get("id") != controller:
                problem("vm_not_authorized", f"{resolved.id} is not controlled by {controller}")
            elif not resolved.authorized_for(purpose):
                problem(
                    "vm_not_authorized",
                    f"{resolved.id} is not listed under {purpose} by {controller}",
                )
            key = _public_jwk(resolved.method)
            _check_fit(alg, key)
            jws = _jws.JWS()
            try:
                jws.deserialize(token)
                jws.verify(key, alg=alg)
                proof.signature_valid = True
            except Exception:
                problem("invalid_signature", "the JWS signature does not verify with the kid's key")
        except MboVcError as exc:
            problem(exc.code, exc.message)
    result.problems.extend(proof.problems)
    result.checks.append("proofs")
    result.checks.append("issuer_authorization")

    skew = policy.clock_skew if policy is not None else timedelta(0)
    # (a VC 1.1 JWT's exp/nbf became expirationDate/issuanceDate and are checked below)
    if not legacy and "exp" in payload and _numeric_date(payload["exp"], "exp") < clock - skew:
        result.add("expired", f"the JWT expired (exp {payload['exp']})", "exp")
    if not legacy and "nbf" in payload and _numeric_date(payload["nbf"], "nbf") > clock + skew:
        result.add("not_yet_valid", f"the JWT is not valid before nbf {payload['nbf']}", "nbf")
    if kind == "presentation":
        _check_nonce_aud(payload, challenge, domain, result)
    else:
        from mbo_vc.verify import _check_validity

        _check_validity(document, result, clock)
        if policy is not None:
            apply_policy(document, result, clock, policy)
        if document.get("credentialStatus") is not None:
            from mbo_vc.status.checker import check_status_into

            check_status_into(document, result, clock, status)


def _check_document(
    document: Mapping[str, Any], kind: str, legacy: bool, result: VerificationResult
) -> None:
    ctx = document.get("@context")
    first = ctx[0] if isinstance(ctx, list) and ctx else ctx
    wanted = (VC_V2, VC_V1) if legacy else (VC_V2,)
    if first not in wanted:
        result.add(
            "not_a_credential" if kind == "credential" else "not_a_presentation",
            f"the first @context must be {' or '.join(wanted)}",
        )
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    if kind == "credential":
        if "VerifiableCredential" not in types:
            result.add("not_a_credential", "type does not include VerifiableCredential")
        if issuer_id(document) is None:
            result.add("missing_issuer", "the credential has no issuer")
    elif "VerifiablePresentation" not in types:
        result.add("not_a_presentation", "type does not include VerifiablePresentation")
    result.checks.append("structure")


def _check_nonce_aud(
    payload: Mapping[str, Any],
    challenge: str | None,
    domain: str | None,
    result: VerificationResult,
) -> None:
    if challenge is not None and payload.get("nonce") != challenge:
        result.add("challenge_mismatch", "the JWT's nonce is missing or not the challenge", "nonce")
    if domain is not None:
        aud = payload.get("aud")
        auds = aud if isinstance(aud, list) else [aud]
        if domain not in auds:
            result.add("domain_mismatch", "the JWT's aud is missing or not the domain", "aud")
    result.checks.append("challenge_domain")
