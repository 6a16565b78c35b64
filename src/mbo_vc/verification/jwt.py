"""The JOSE securing step (VC-JOSE-COSE ``vc+jwt`` / ``vp+jwt``, and VC 1.1 JWTs).

It never hands the token to a JWT claims checker, so the ISO-string ``iat`` some producers put
in is not mistaken for an error. The ``kid`` is resolved through the
:class:`~mbo_vc.did.DidResolver`: an absolute DID URL, a fragment (``#key-1``) relative to the
issuer (or holder), or a bare key id (``kid`` member or RFC 7638 thumbprint) looked up in the
controller's document; the key must be authorized by that controller for the proof purpose
(``assertionMethod``; ``authentication`` for a presentation's holder).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from mbo_vc import vocab
from mbo_vc.data_model.view import CredentialView
from mbo_vc.did import DidResolver, ResolvedMethod
from mbo_vc.errors import DidError, JoseError, JwtAlgorithmError, JwtKidError, MboVcError
from mbo_vc.jws import (
    KEY_FIT,
    decode_jwt,
    from_vc11,
    kind_from_header,
    numeric_date,
    thumbprint,
    verify_signature,
)
from mbo_vc.keys import public_jwk_of
from mbo_vc.limits import Limits
from mbo_vc.result import Problem, ProofResult

__all__ = [
    "DecodedJwt",
    "check_nonce_aud",
    "check_time_claims",
    "claim_problems",
    "decode",
    "kind_of",
    "verify_jws",
    "verify_with_did_kid",
]


@dataclass
class DecodedJwt:
    """A decoded (not yet verified) JWT: header, payload, the document it secures."""

    token: str
    header: dict[str, Any]
    payload: dict[str, Any]
    kind: str
    legacy: bool
    document: dict[str, Any]
    claim_mismatches: list[str]

    @property
    def alg(self) -> str:
        """The JWS ``alg``."""
        return str(self.header.get("alg"))

    @property
    def format(self) -> str:
        """``vc+jwt``, ``vp+jwt``, ``jwt-vc-1.1`` or ``jwt-vp-1.1``."""
        short = "vc" if self.kind == "credential" else "vp"
        return f"jwt-{short}-1.1" if self.legacy else f"{short}+jwt"


def decode(
    token: str, expected: str | None, algorithms: frozenset[str], limits: Limits
) -> DecodedJwt:
    """Decode and check the JOSE header (alg, typ/cty, crit) and rebuild the document."""
    header, payload = decode_jwt(token, limits=limits)
    alg = header.get("alg")
    if not isinstance(alg, str) or alg.lower() == "none" or alg not in algorithms:
        raise JwtAlgorithmError(f"JWS alg {str(alg)[:20]!r} is not allowed")
    if alg not in KEY_FIT:
        raise JwtAlgorithmError(f"JWS alg {alg!r} is not supported")
    kind, legacy = kind_from_header(header, payload, expected)
    if legacy:
        document, mismatches = from_vc11(payload, kind)
    else:
        document, mismatches = dict(payload), []
    return DecodedJwt(token.strip(), header, payload, kind, legacy, document, mismatches)


def kind_of(header: Mapping[str, Any], payload: Mapping[str, Any]) -> str:
    """``credential`` or ``presentation``, from the JOSE header and the payload."""
    return kind_from_header(header, payload, None)[0]


def claim_problems(jwt: DecodedJwt, controller: str | None, doc_id: str | None) -> list[Problem]:
    """A vc+jwt/vp+jwt's ``iss`` and ``jti`` must agree with the (signed) issuer/holder and id."""
    out = [Problem("jwt_claim_mismatch", m) for m in jwt.claim_mismatches]
    if jwt.legacy:
        return out
    payload = jwt.payload
    role = "issuer" if jwt.kind == "credential" else "holder"
    if "iss" in payload and controller is not None and payload["iss"] != controller:
        out.append(Problem("jwt_claim_mismatch", f"JWT claim iss differs from the {role}", "iss"))
    if "jti" in payload and doc_id is not None and payload["jti"] != doc_id:
        out.append(
            Problem("jwt_claim_mismatch", "JWT claim jti differs from the document's id", "jti")
        )
    return out


def _did_of(url: str) -> str:
    return url.split("#", 1)[0]


def _find_method(
    header: Mapping[str, Any], controller: str, resolver: DidResolver
) -> ResolvedMethod:
    kid = header.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise JoseError("the JOSE header kid must be a string")
    if isinstance(kid, str) and "#" in kid:
        url = controller + kid if kid.startswith("#") else kid
        if _did_of(url) != controller:
            raise JwtKidError(
                f"kid {kid[:120]} names a key of {_did_of(url)[:100]}, not of {controller[:100]}"
            )
        return resolver.dereference(url)
    # a bare key id (kid member or JWK thumbprint) or an embedded jwk: look it up
    embedded = header.get("jwk")
    if kid is None and not isinstance(embedded, Mapping):
        raise JoseError("the JOSE header has neither kid nor jwk")
    document = resolver.resolve(controller)
    wanted = None
    if kid is None:
        try:
            wanted = thumbprint(public_jwk_of({"type": "JsonWebKey", "publicKeyJwk": embedded}))
        except MboVcError:
            raise JoseError("the JOSE header jwk is not a public JWK") from None
        if wanted is None:
            raise JoseError("the JOSE header jwk is not a public JWK")
    candidates: list[Any] = list(document.get("verificationMethod") or [])
    for rel in ("assertionMethod", "authentication"):
        entries = document.get(rel) or []
        candidates.extend(e for e in (entries if isinstance(entries, list) else []) if
                          isinstance(e, dict))  # fmt: skip
    for vm in candidates:
        if not isinstance(vm, dict) or not isinstance(vm.get("id"), str):
            continue
        vm_id = controller + vm["id"] if vm["id"].startswith("#") else vm["id"]
        try:
            vm_print = thumbprint(public_jwk_of(vm))
        except MboVcError:
            vm_print = None
        jwk = vm.get("publicKeyJwk")
        jwk_kid = jwk.get("kid") if isinstance(jwk, dict) else None
        if kid is not None:
            hit = vm_id == f"{controller}#{kid}" or jwk_kid == kid or vm_print == kid
        else:
            hit = vm_print == wanted
        if hit:
            return resolver.dereference(vm_id)
    what = f"kid {kid[:100]!r}" if kid is not None else "the header's jwk"
    raise JwtKidError(f"{what} is not a verification method of {controller[:100]}")


def verify_jws(
    jwt: DecodedJwt, controller: str | None, resolver: DidResolver, purpose: str
) -> ProofResult:
    """Check the JWS: the kid's verification method (authorized by ``controller`` for
    ``purpose``), the alg/key fit and the signature. Problems go into the returned result."""
    kid = jwt.header.get("kid")
    proof = ProofResult(0, "JWS", jwt.alg, kid if isinstance(kid, str) else None, purpose)

    def problem(code: str, message: str) -> None:
        proof.problems.append(Problem(code, message, "jws"))

    if controller is None:
        role = "issuer" if jwt.kind == "credential" else "holder"
        problem("vm_unresolvable", f"the JWT names no {role}")
        return proof
    try:
        try:
            resolved = _find_method(jwt.header, controller, resolver)
        except DidError as exc:
            problem("vm_unresolvable", f"{exc.message} ({exc.code})")
            return proof
        proof.verification_method = resolved.id
        proof.controller = resolved.controller
        if resolved.controller != controller or resolved.document.get("id") != controller:
            problem("vm_not_authorized", f"{resolved.id} is not controlled by {controller}")
        elif not resolved.authorized_for(purpose):
            problem("vm_not_authorized", f"{resolved.id} is not listed under {purpose} by "
                    f"{controller}")  # fmt: skip
        jwk = public_jwk_of(resolved.method)
        proof.signature_valid = verify_signature(jwt.token, jwk, jwt.alg)
        if not proof.signature_valid:
            problem("invalid_signature", "the JWS signature does not verify with the kid's key")
    except MboVcError as exc:
        problem(exc.code, exc.message)
    return proof


def check_time_claims(
    jwt: DecodedJwt, view: CredentialView | None, clock: datetime, skew: timedelta
) -> list[Problem]:
    """``exp``/``nbf`` of a vc+jwt/vp+jwt (the JWT claims and, for a credential, the same IRIs
    in the signed view) against the verifier's clock. (A VC 1.1 JWT's exp/nbf became its
    expirationDate/issuanceDate, which the validity step checks.)"""
    if jwt.legacy:
        return []
    out: list[Problem] = []
    exps = [jwt.payload["exp"]] if "exp" in jwt.payload else []
    nbfs = [jwt.payload["nbf"]] if "nbf" in jwt.payload else []
    if view is not None:
        exps += [v for v in view.numbers(vocab.JWT_EXP) if v not in exps]
        nbfs += [v for v in view.numbers(vocab.JWT_NBF) if v not in nbfs]
    for value in exps:
        if numeric_date(value, "exp") < clock - skew:
            out.append(Problem("expired", f"the JWT expired (exp {value})", "exp"))
    for value in nbfs:
        if numeric_date(value, "nbf") > clock + skew:
            out.append(Problem("not_yet_valid", f"the JWT is not valid before nbf {value}", "nbf"))
    return out


def check_nonce_aud(jwt: DecodedJwt, challenge: str | None, domain: str | None) -> list[Problem]:
    """A vp+jwt's ``nonce`` must be the challenge and its ``aud`` contain the domain."""
    out = []
    if challenge is not None and jwt.payload.get("nonce") != challenge:
        out.append(
            Problem(
                "challenge_mismatch", "the JWT's nonce is missing or not the challenge", "nonce"
            )
        )
    if domain is not None:
        aud = jwt.payload.get("aud")
        auds = aud if isinstance(aud, list) else [aud]
        if domain not in auds:
            out.append(
                Problem("domain_mismatch", "the JWT's aud is missing or not the domain", "aud")
            )
    return out


def verify_with_did_kid(
    token: str,
    header: Mapping[str, Any],
    resolver: DidResolver,
    purpose: str = "assertionMethod",
) -> tuple[ResolvedMethod, bool]:
    """Resolve a JWS whose ``kid`` is an absolute DID URL (``did:…#key``) and check its
    signature: the method must be listed by its DID under ``purpose``. Returns the method and
    whether the signature verified. Raises :class:`~mbo_vc.errors.JwtKidError` (or a DID or
    key error) when the key cannot be used.
    """
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid.startswith("did:") or "#" not in kid:
        raise JwtKidError("the JOSE header kid must be a DID URL (did:…#key)")
    did = _did_of(kid)
    resolved = resolver.dereference(kid)
    if resolved.controller != did or resolved.document.get("id") != did:
        raise JwtKidError(f"{kid[:120]} is not controlled by {did[:100]}")
    if not resolved.authorized_for(purpose):
        raise JwtKidError(f"{kid[:120]} is not listed under {purpose} by {did[:100]}")
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in KEY_FIT:
        raise JwtAlgorithmError(f"JWS alg {str(alg)[:20]!r} is not supported")
    return resolved, verify_signature(token, public_jwk_of(resolved.method), alg)
