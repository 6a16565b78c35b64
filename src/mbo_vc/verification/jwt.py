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
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from mbo_vc import vocab
from mbo_vc.data_model.view import CredentialView
from mbo_vc.did import DidResolver, ResolvedMethod
from mbo_vc.errors import (
    DidError,
    JoseError,
    JwtAlgorithmError,
    JwtForbiddenClaimError,
    JwtKidError,
    JwtTypeError,
    MboVcError,
    SdMemberWithheldError,
)
from mbo_vc.jws import (
    KEY_FIT,
    VC_SD_JWT_MEDIA_TYPE,
    VP_SD_JWT_MEDIA_TYPE,
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
from mbo_vc.sd_jwt import SdJwt, parse, unpack

__all__ = [
    "ALWAYS_DISCLOSED",
    "DecodedJwt",
    "check_nonce_aud",
    "check_time_claims",
    "claim_problems",
    "decode",
    "decode_sd",
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
    sd: SdJwt | None = None
    """For a ``vc+sd-jwt`` / ``vp+sd-jwt``: the SD-JWT (``token`` is then its issuer-signed
    JWT, ``payload`` the signed payload with its digests, ``document`` the disclosed one)."""
    disclosed: list[str] = field(default_factory=list)
    """The paths of the selectively disclosed members that were presented (SD-JWT only)."""
    hash_alg: str = "sha-256"
    """The SD-JWT's ``_sd_alg`` (what the KB-JWT's ``sd_hash`` uses)."""
    term_disclosures: list[str] = field(default_factory=list)
    """The paths of presented disclosures below the top level that define terms or types: a
    member named ``@context``/``type``/``@type``, or an element of such an array."""

    @property
    def alg(self) -> str:
        """The JWS ``alg``."""
        return str(self.header.get("alg"))

    @property
    def claims(self) -> dict[str, Any]:
        """The JWT claims as signed: the payload, or for an SD-JWT the payload with the
        presented disclosures in place."""
        return self.document if self.sd is not None else self.payload

    @property
    def format(self) -> str:
        """``vc+jwt``, ``vp+jwt``, ``vc+sd-jwt``, ``vp+sd-jwt``, ``jwt-vc-1.1`` or
        ``jwt-vp-1.1``."""
        short = "vc" if self.kind == "credential" else "vp"
        if self.sd is not None:
            return f"{short}+sd-jwt"
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


_SD_TYP = {
    "credential": {"vc+sd-jwt", VC_SD_JWT_MEDIA_TYPE},
    "presentation": {"vp+sd-jwt", VP_SD_JWT_MEDIA_TYPE},
}
_SD_CTY = {"credential": {"vc", "application/vc"}, "presentation": {"vp", "application/vp"}}

ALWAYS_DISCLOSED = {
    "credential": frozenset({
        "@context", "type", "issuer", "validFrom", "validUntil", "credentialStatus",
        "credentialSchema", "relatedResource", "iss", "nbf", "exp", "cnf",
    }),
    "presentation": frozenset({"@context", "type", "iss", "nbf", "exp", "cnf", "nonce",
                               "aud"}),
}  # fmt: skip
"""Top-level members a ``vc+sd-jwt`` / ``vp+sd-jwt`` keeps out of the disclosures: those
VC-JOSE-COSE §3.2.1/§3.2.2 says SHOULD NOT be selectively disclosable (``@context``, ``type``,
``credentialStatus``, ``credentialSchema``, ``relatedResource``: "properties necessary for the
validation and verification"), and, by the same reasoning, the issuer (holder), the validity
period and the JWT claims the verifier reads (a presentation's ``holder`` is optional in VC DM
2.0, and the suite makes it disclosable: it may be). mbo_vc refuses to issue one that makes them
disclosable; a presented one that did is read (once disclosed) with a warning."""


def sd_typ(header: Mapping[str, Any]) -> str | None:
    """``credential`` or ``presentation`` when the JOSE ``typ`` is ``vc+sd-jwt`` /
    ``vp+sd-jwt`` (VC-JOSE-COSE §3.2), else None (an IETF SD-JWT VC, ``dc+sd-jwt``, or other)."""
    typ = header.get("typ")
    for kind, names in _SD_TYP.items():
        if typ in names:
            return kind
    return None


def decode_sd(
    token: str, expected: str | None, algorithms: frozenset[str], limits: Limits
) -> DecodedJwt:
    """Decode a ``vc+sd-jwt`` / ``vp+sd-jwt`` (VC-JOSE-COSE §3.2): check the issuer-signed JWT's
    header (alg, typ/cty, crit) and put the presented disclosures in place (RFC 9901 §7.1: every
    digest, no duplicate or unreferenced disclosure). The document is the disclosed payload,
    with ``_sd``/``...``/``_sd_alg`` removed; its signature is checked by :func:`verify_jws`."""
    sd_jwt = parse(token, limits)
    header, payload = decode_jwt(sd_jwt.jwt, limits=limits)
    alg = header.get("alg")
    if not isinstance(alg, str) or alg.lower() == "none" or alg not in algorithms:
        raise JwtAlgorithmError(f"JWS alg {str(alg)[:20]!r} is not allowed")
    if alg not in KEY_FIT:
        raise JwtAlgorithmError(f"JWS alg {alg!r} is not supported")
    kind = sd_typ(header)
    cty = header.get("cty")
    if kind is None:
        raise JwtTypeError(f"JOSE typ {str(header.get('typ'))[:40]!r} is not vc+sd-jwt or "
                           f"vp+sd-jwt")  # fmt: skip
    if cty is not None and cty not in _SD_CTY[kind]:
        raise JwtTypeError(f"cty {str(cty)[:40]!r} does not fit typ {header.get('typ')}")
    if expected is not None and kind != expected:
        raise JwtTypeError(f"expected a {expected}, got typ {header.get('typ')}")
    unpacked = unpack(payload, sd_jwt.disclosures, limits)
    document = unpacked.claims
    if "vc" in document or "vp" in document:
        raise JwtForbiddenClaimError(f"a {header.get('typ')} payload must not carry the VC 1.1 "
                                     f"vc/vp claims")  # fmt: skip
    for path in unpacked.withheld_elements:
        if path and path[-1] in _TERM_MEMBERS:
            where = ".".join(str(p) for p in path)
            raise SdMemberWithheldError(
                f"{where[:100]} has a selectively disclosable element that was not disclosed: "
                f"the claims would be read under other term definitions or types than signed"
            )
    terms = [
        ".".join(str(p) for p in path)
        for path, _ in unpacked.disclosed
        if len(path) > 1
        and (path[-1] in _TERM_MEMBERS or (isinstance(path[-1], int) and path[-2] in _TERM_MEMBERS))
    ]
    return DecodedJwt(sd_jwt.jwt, header, payload, kind, False, document, [], sd_jwt,
                      unpacked.disclosed_paths, unpacked.hash_alg, terms)  # fmt: skip


_TERM_MEMBERS = frozenset({"@context", "type", "@type"})
"""Members whose values decide what the other members of their object mean (JSON-LD term
definitions, type-scoped contexts): withholding part of them changes the meaning of the rest."""


def disclosed_problems(jwt: DecodedJwt) -> list[Problem]:
    """Warnings for the members :data:`ALWAYS_DISCLOSED` names that the issuer made selectively
    disclosable (presented, so they are read; a withheld one fails the data model rules)."""
    names = ALWAYS_DISCLOSED[jwt.kind]
    top = [p for p in jwt.disclosed if p in names or p.split(".", 1)[0] in _TERM_MEMBERS]
    return [
        Problem("sd_member_disclosable", f"{path[:60]} should not be selectively disclosable "
                f"(VC-JOSE-COSE §3.2): the issuer made it so; it was disclosed", path)
        for path in dict.fromkeys([*top, *jwt.term_disclosures])
    ]  # fmt: skip


def kind_of(header: Mapping[str, Any], payload: Mapping[str, Any]) -> str:
    """``credential`` or ``presentation``, from the JOSE header and the payload."""
    return kind_from_header(header, payload, None)[0]


def claim_problems(jwt: DecodedJwt, controller: str | None, doc_id: str | None) -> list[Problem]:
    """A vc+jwt/vp+jwt's ``iss`` and ``jti`` must agree with the (signed) issuer/holder and id."""
    out = [Problem("jwt_claim_mismatch", m) for m in jwt.claim_mismatches]
    if jwt.legacy:
        return out
    payload = jwt.claims
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
    claims = jwt.claims
    exps = [claims["exp"]] if "exp" in claims else []
    nbfs = [claims["nbf"]] if "nbf" in claims else []
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
    if challenge is not None and jwt.claims.get("nonce") != challenge:
        out.append(
            Problem(
                "challenge_mismatch", "the JWT's nonce is missing or not the challenge", "nonce"
            )
        )
    if domain is not None:
        aud = jwt.claims.get("aud")
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
