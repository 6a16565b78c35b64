"""The SD-JWT VC securing step (``dc+sd-jwt``), on the one verification road.

compact SD-JWT → JOSE header (``alg``, ``typ``) → issuer key (``x5c``, DID ``kid``,
jwt-vc-issuer metadata) → issuer signature → disclosures (RFC 9901 §7.1) → SD-JWT VC rules
(``vct``, ``iss``, non-disclosable claims) → time claims against the verifier's clock → key
binding (RFC 9901 §7.3, the verifier's ``aud``/``nonce``) → status (an injected Token Status
List checker, failing closed) → policy (trusted issuers, required types) → type metadata (its
``vct#integrity`` over the pinned document's bytes, then the embedded schema).
Every check reads the claims as the issuer signed them, with the verified disclosures in place.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from mbo_vc.did import DidResolver
from mbo_vc.errors import JwtAlgorithmError, JwtTypeError, MboVcError
from mbo_vc.json_input import parse_json
from mbo_vc.jws import KEY_FIT, decode_jwt, numeric_date, verify_signature
from mbo_vc.limits import Limits
from mbo_vc.result import PresentationResult, ProofResult, VerificationResult
from mbo_vc.sd_jwt import check_holder_jwk, check_key_binding, parse, unpack
from mbo_vc.sd_jwt_vc import (
    LEGACY_TYP,
    NON_DISCLOSABLE,
    SD_JWT_VC_TYP,
    SdJwtVcOptions,
    check_integrity,
    parse_integrity,
    resolve_issuer_key,
)
from mbo_vc.timestamps import format_timestamp
from mbo_vc.verification.policy import VerifierPolicy
from mbo_vc.verification.status import check_token_status

__all__ = ["FORMAT", "key_binding", "verify_sd_jwt_vc"]

FORMAT = "dc+sd-jwt"

_REGISTERED = frozenset({"iss", "sub", "iat", "nbf", "exp", "cnf", "vct", "vct#integrity",
                         "status", "_sd_alg"})  # fmt: skip


_VC_DM_UNREAD = frozenset({"validFrom", "validUntil", "credentialStatus", "issuanceDate",
                           "expirationDate"})  # fmt: skip
"""VC DM validity and status members: meaningful in a ``vc+sd-jwt``, never read by this road."""


def verify_sd_jwt_vc(
    token: str,
    result: VerificationResult,
    *,
    clock: datetime,
    skew: timedelta,
    resolver: DidResolver,
    policy: VerifierPolicy,
    limits: Limits,
    status: Any,
    check_status: bool,
    aud: str | None,
    nonce: str | None,
    options: SdJwtVcOptions,
) -> None:
    """Verify an SD-JWT VC (or SD-JWT VC + KB-JWT) into ``result``; raises only typed errors,
    which the pipeline turns into problems."""
    result.format = FORMAT
    sd_jwt = parse(token, limits)
    header, payload = decode_jwt(sd_jwt.jwt, limits=limits)
    alg = header.get("alg")
    if not isinstance(alg, str) or alg.lower() == "none" or alg not in policy.jwt_algorithms:
        raise JwtAlgorithmError(f"JWS alg {str(alg)[:20]!r} is not allowed")
    if alg not in KEY_FIT:
        raise JwtAlgorithmError(f"JWS alg {alg!r} is not supported")
    typ = header.get("typ")
    if typ not in (SD_JWT_VC_TYP, LEGACY_TYP, f"application/{SD_JWT_VC_TYP}"):
        raise JwtTypeError(f"JOSE typ {str(typ)[:40]!r} is not {SD_JWT_VC_TYP} (nor vc+sd-jwt)")
    result.check("jose_header")
    issuer = payload.get("iss")
    proof = ProofResult(0, "SD-JWT", alg, None, "assertionMethod")
    proof.controller = issuer if isinstance(issuer, str) else None
    result.proofs = [proof]
    try:
        key = resolve_issuer_key(header, issuer, resolver=resolver, options=options, now=clock,
                                 limits=limits)  # fmt: skip
    except MboVcError as exc:
        proof.problems.append(_problem(exc))
        result.problems.append(_problem(exc))
        result.check("proofs")
        return
    proof.verification_method = key.reference
    try:
        proof.signature_valid = verify_signature(sd_jwt.jwt, key.jwk, alg)
    except MboVcError as exc:
        result.add(exc.code, exc.message, "header")
    if not proof.signature_valid:
        proof.problems.append(_bad_signature())
        result.problems.append(_bad_signature())
        result.check("proofs")
        return
    result.check("proofs")
    result.check("issuer_authorization")
    unpacked = unpack(payload, sd_jwt.disclosures, limits)
    claims = unpacked.claims
    result.document = claims
    result.disclosed = unpacked.disclosed_paths
    result.check("disclosures")
    _vc_rules(payload, unpacked.disclosed_paths, result, claims)
    _time_claims(claims, result, clock, skew)
    key_binding(sd_jwt, claims, result, clock, skew, policy, limits, aud, nonce, options,
                 unpacked.hash_alg)  # fmt: skip
    check_token_status(claims.get("status"), issuer if isinstance(issuer, str) else None,
                       result, clock, status, enabled=check_status)  # fmt: skip
    _policy(claims, result, policy)
    _type_metadata(claims, result, options, limits)


def _problem(exc: MboVcError) -> Any:
    from mbo_vc.result import Problem

    return Problem(exc.code, exc.message)


def _bad_signature() -> Any:
    from mbo_vc.result import Problem

    return Problem("invalid_signature", "the issuer signature of the SD-JWT does not verify")


def _vc_rules(
    payload: Mapping[str, Any],
    disclosed: list[str],
    result: VerificationResult,
    claims: Mapping[str, Any],
) -> None:
    """SD-JWT VC §3.2.2: ``iss`` and ``vct`` are plain strings in the signed payload, and the
    registered claims that must not be selectively disclosable are not (nor any member inside
    them); VC DM validity and status members, which this road does not read, fail closed."""
    for name in ("iss", "vct"):
        if not isinstance(payload.get(name), str) or not payload[name]:
            result.add("sd_jwt_vc_invalid", f"the SD-JWT VC has no (always disclosed) {name}",
                       name)  # fmt: skip
    for path in disclosed:
        if path in NON_DISCLOSABLE:
            result.add("sd_jwt_vc_invalid", f"{path} must not be selectively disclosable", path)
        elif path.split(".", 1)[0] in NON_DISCLOSABLE:
            # a member inside status or cnf: withheld, it would hide the status entry's index or
            # the holder key, so the claim is not disclosed in full as the spec requires
            result.add("sd_jwt_vc_invalid", f"{path[:80]} is inside a claim that must not be "
                       f"selectively disclosable", path)  # fmt: skip
    unread = sorted(n for n in _VC_DM_UNREAD if n in claims)
    if unread:
        # SD-JWT VC has exp/nbf/status; a VC DM validity period or credentialStatus the issuer
        # put in would go unchecked here (a vc+sd-jwt is read with them), so fail closed
        result.add("sd_jwt_vc_invalid", f"the SD-JWT VC carries {', '.join(unread)}, which a "
                   f"dc+sd-jwt verifier does not read (use exp/nbf/status, or secure the VC DM "
                   f"document as vc+sd-jwt)", unread[0])  # fmt: skip
    cnf = payload.get("cnf")
    if cnf is not None and (
        not isinstance(cnf, Mapping) or not isinstance(cnf.get("jwk"), Mapping)
    ):
        result.add("sd_jwt_vc_invalid", "cnf must be an object with a jwk", "cnf")
    elif cnf is not None:
        # a holder key with its private half binds nobody: refused whether or not the verifier
        # asked for key binding (the credential itself is defective)
        try:
            check_holder_jwk(cnf["jwk"])
        except MboVcError as exc:
            result.add(exc.code, exc.message, "cnf.jwk")
    result.check("structure")


def _time_claims(
    claims: Mapping[str, Any], result: VerificationResult, clock: datetime, skew: timedelta
) -> None:
    for name in ("iat", "nbf", "exp"):
        if name not in claims:
            continue
        try:
            when = numeric_date(claims[name], name)
        except MboVcError as exc:
            result.add(exc.code, exc.message, name)
            continue
        if name in ("iat", "nbf") and when > clock + skew:
            result.add("not_yet_valid", f"{name} {when.isoformat()} is after {clock.isoformat()}",
                       name)  # fmt: skip
        if name == "exp" and when <= clock - skew:
            result.add("expired", f"exp {when.isoformat()} is before {clock.isoformat()}", name)
    result.check("validity_period")


def key_binding(
    sd_jwt: Any,
    claims: Mapping[str, Any],
    result: VerificationResult | PresentationResult,
    clock: datetime,
    skew: timedelta,
    policy: VerifierPolicy,
    limits: Limits,
    aud: str | None,
    nonce: str | None,
    options: SdJwtVcOptions,
    hash_alg: str,
) -> None:
    """RFC 9901 §7.3 as a step of the road: the KB-JWT against the verifier's ``aud`` and
    ``nonce`` (an SD-JWT VC's, or a ``vc+sd-jwt``'s); a KB-JWT with nothing to check it against
    fails closed (``key_binding_not_checked``). A private ``cnf`` key is reported by the caller."""
    if aud is None and nonce is None:
        if sd_jwt.kb_jwt is not None:
            result.add("key_binding_not_checked", "the SD-JWT carries a KB-JWT, but no nonce "
                       "and aud were given to check it against: pass aud= and nonce= "
                       "(mbo-vc verify --aud --nonce)", "kb_jwt")  # fmt: skip
            result.check("key_binding")
        elif options.require_key_binding:
            result.add("kb_jwt_missing", "key binding is required, but there is no KB-JWT")
            result.check("key_binding")
        return
    kb = ProofResult(1, "KB-JWT", None, "cnf.jwk", "authentication", controller="holder (cnf)")
    result.proofs.append(kb)
    try:
        binding = check_key_binding(
            sd_jwt, claims.get("cnf"), aud=aud or "", nonce=nonce or "", now=clock,
            hash_alg=hash_alg, skew=max(skew, timedelta(seconds=60)),
            max_age=options.kb_max_age, algorithms=policy.jwt_algorithms, limits=limits,
        )  # fmt: skip
    except MboVcError as exc:
        kb.signature_valid = exc.code not in ("kb_jwt_invalid", "kb_jwt_missing",
                                              "cnf_private_key")  # fmt: skip
        kb.problems.append(_problem(exc))
        if exc.code != "cnf_private_key":  # already reported with the SD-JWT VC rules
            result.add(exc.code, exc.message)
    else:
        kb.signature_valid = True
        kb.cryptosuite = str(binding.header.get("alg"))
        kb.created = _iat_text(binding.iat)
    result.check("key_binding")


def _iat_text(iat: Any) -> str:
    """A KB-JWT's ``iat`` as the timestamp other proofs report (``2026-07-01T09:00:00Z``)."""
    try:
        return format_timestamp(datetime.fromtimestamp(float(iat), UTC))
    except (TypeError, ValueError, OverflowError, OSError):
        return str(iat)[:40]


def _policy(claims: Mapping[str, Any], result: VerificationResult, policy: VerifierPolicy) -> None:
    issuer, vct = claims.get("iss"), claims.get("vct")
    if policy.trusted_issuers is not None:
        if issuer not in policy.trusted_issuers:
            result.add("untrusted_issuer", f"the issuer {str(issuer)[:100]} is not trusted", "iss")
        result.check("policy")
    if policy.required_types:
        for wanted in sorted(policy.required_types):
            if vct != wanted:
                result.add("missing_type", f"the vct is {str(vct)[:100]}, not {wanted[:100]}",
                           "vct")  # fmt: skip
        result.check("policy")


def _type_metadata(
    claims: Mapping[str, Any], result: VerificationResult, options: SdJwtVcOptions, limits: Limits
) -> None:
    """The type metadata of the credential's ``vct``, when the verifier has it: a ``vct#integrity``
    is checked over the document's bytes (SD-JWT VC §"Document Integrity": a consumer MUST
    verify it, W3C SRI §3.3.5; a mismatch means the document is not used), then the disclosed
    claims against its embedded schema (which requires only what is always disclosed). A
    ``vct#integrity`` the verifier has no bytes to check against is a warning: the verifier did
    not consume the type metadata, so nothing unchecked was relied on."""
    vct = str(claims.get("vct"))
    wanted = claims.get("vct#integrity")
    if wanted is not None:
        try:
            parse_integrity(wanted)
        except MboVcError as exc:
            result.add(exc.code, exc.message, "vct#integrity")
            return
    entry = options.type_metadata.get(vct)
    if entry is None:
        if wanted is not None:
            result.warn("type_metadata_integrity_not_checked", f"the SD-JWT VC carries "
                        f"vct#integrity, but no type metadata for {vct[:100]} was given to "
                        f"check it against (SdJwtVcOptions(type_metadata=…), mbo-vc verify "
                        f"--type-metadata)", "vct#integrity")  # fmt: skip
        return
    if isinstance(entry, bytes):
        if wanted is not None:
            try:
                check_integrity(entry, wanted)
            except MboVcError as exc:
                result.add(exc.code, exc.message, "vct#integrity")
                result.check("credential_schema")
                return
        try:
            doc: Any = parse_json(entry, limits=limits)
        except MboVcError as exc:
            result.add("type_metadata_invalid", f"the type metadata for {vct[:100]} is not "
                       f"usable JSON: {exc.message[:160]}", "vct")  # fmt: skip
            return
    else:
        doc = entry
        if wanted is not None:
            result.warn("type_metadata_integrity_not_checked", "the type metadata for "
                        f"{vct[:100]} was given as parsed JSON, not as the document's bytes: "
                        "its vct#integrity could not be checked", "vct#integrity")  # fmt: skip
    if not isinstance(doc, Mapping) or doc.get("vct") != vct:
        # SD-JWT VC §"Retrieving Type Metadata": the document's vct MUST be the credential's
        result.add("type_metadata_invalid", f"the type metadata given for {vct[:100]} "
                   "describes another vct", "vct")  # fmt: skip
        return
    if not isinstance(doc.get("schema"), Mapping):
        return
    import jsonschema_rs

    body = {k: v for k, v in claims.items() if k not in _REGISTERED}
    try:
        validator = jsonschema_rs.validator_for(dict(doc["schema"]))
        errors = [e.message for e in validator.iter_errors(body)]
    except Exception as exc:
        result.add("type_metadata_invalid", f"the type metadata schema is unusable ({exc})"[:300])
        return
    for message in errors[:5]:
        result.add("schema_invalid", f"the claims do not fit the type metadata schema: "
                   f"{message[:200]}", "vct")  # fmt: skip
    result.check("credential_schema")
