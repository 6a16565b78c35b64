"""The verification pipeline: parse → proofs (canonicalise, hash, check signature) → issuer
authorization → validity period. It never raises for a bad credential; it returns a
:class:`~mbo_vc.result.VerificationResult` whose problems say which check failed and why.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from mbo_vc.did import DidResolver, ResolvedMethod, default_resolver
from mbo_vc.document import check_structure, issuer_id, parse_json, types_of
from mbo_vc.errors import DidError, KeyFormatError, MboVcError
from mbo_vc.jsonld import DocumentLoader, check_compact_form, default_loader
from mbo_vc.keys import Ed25519Key
from mbo_vc.limits import DEFAULT_LIMITS, Limits
from mbo_vc.policy import VerifierPolicy, apply_policy
from mbo_vc.proofs.core import (
    PROOF_PURPOSES,
    as_proof_list,
    check_proof_dates,
    decode_proof_value,
    proof_document,
    signing_input,
    suite_for,
)
from mbo_vc.result import Problem, ProofResult, VerificationResult
from mbo_vc.timestamps import parse_timestamp

if TYPE_CHECKING:
    from mbo_vc.status.checker import StatusChecker

__all__ = ["Problem", "ProofResult", "VerificationResult", "verify", "verify_proofs"]

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"

_KEY_TYPES = frozenset({"Multikey", "Ed25519VerificationKey2020", "JsonWebKey", "JsonWebKey2020"})


def _now(now: datetime | str | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if isinstance(now, str):
        return parse_timestamp(now, "now")
    if now.tzinfo is None:
        return now.replace(tzinfo=UTC)
    return now


def _load(
    document: Mapping[str, Any] | str | bytes, result: VerificationResult, limits: Limits
) -> dict[str, Any] | None:
    try:
        if isinstance(document, str | bytes):
            return parse_json(document, limits=limits)
        if not isinstance(document, Mapping):
            result.add("malformed_document", "the document must be a JSON object")
            return None
        check_structure(document, limits=limits)
        return dict(document)
    except MboVcError as exc:
        result.add(exc.code, exc.message)
        return None


def _key_of(method: Mapping[str, Any]) -> Ed25519Key:
    vm_type = method.get("type")
    if vm_type not in _KEY_TYPES:
        raise KeyFormatError(f"verification method type {str(vm_type)[:60]!r} is not supported")
    if "publicKeyJwk" in method:
        jwk = method["publicKeyJwk"]
        if not isinstance(jwk, Mapping) or "d" in jwk:
            raise KeyFormatError("publicKeyJwk must be a public JWK")
        return Ed25519Key.from_jwk(jwk)
    key = Ed25519Key.from_multibase(method.get("publicKeyMultibase"))  # type: ignore[arg-type]
    if key.has_private:
        raise KeyFormatError("publicKeyMultibase holds a secret key")
    return key


def verify_proofs(
    document: Mapping[str, Any],
    *,
    loader: DocumentLoader | None = None,
    resolver: DidResolver | None = None,
    expected_proof_purpose: str | None = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    now: datetime | str | None = None,
    accepted_cryptosuites: Collection[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> list[ProofResult]:
    """Check every proof of ``document`` (the proof layer: signature, purpose, dates, key).

    Whether the key's controller may speak for the issuer is checked by :func:`verify`.
    """
    loader = loader or default_loader()
    resolver = resolver or default_resolver()
    clock = _now(now)
    proofs = as_proof_list(document.get("proof"))
    results: list[ProofResult] = []
    seen_values: set[str] = set()
    for index, proof in enumerate(proofs):
        where = f"proof[{index}]"
        if not isinstance(proof, Mapping):
            res = ProofResult(index, None, None, None, None)
            res.problems.append(Problem("malformed_proof", "a proof must be a JSON object", where))
            results.append(res)
            continue
        res = ProofResult(
            index,
            _str(proof.get("type")),
            _str(proof.get("cryptosuite")),
            _str(proof.get("verificationMethod")),
            _str(proof.get("proofPurpose")),
        )
        results.append(res)
        value = proof.get("proofValue")
        if isinstance(value, str) and value in seen_values:
            res.problems.append(Problem("malformed_proof", "the same proof appears twice", where))
            continue
        if isinstance(value, str):
            seen_values.add(value)
        try:
            _verify_one(
                document, proof, proofs, res, where, loader, resolver, expected_proof_purpose,
                challenge, domain, clock, accepted_cryptosuites, limits,
            )  # fmt: skip
        except MboVcError as exc:
            res.problems.append(Problem(exc.code, exc.message, where))
    return results


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _verify_one(
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    proofs: list[Any],
    res: ProofResult,
    where: str,
    loader: DocumentLoader,
    resolver: DidResolver,
    expected_purpose: str | None,
    challenge: str | None,
    domain: str | None,
    clock: datetime,
    accepted: Collection[str] | None,
    limits: Limits,
) -> None:
    def problem(code: str, message: str) -> None:
        res.problems.append(Problem(code, message, where))

    if isinstance(proof.get("verificationMethod"), Mapping):
        problem(
            "embedded_verification_method",
            "the proof embeds its own verification method; keys must come from the "
            "controller's DID document, not from the document they sign",
        )
        return
    for member in ("type", "verificationMethod", "proofPurpose", "proofValue"):
        if not isinstance(proof.get(member), str):
            problem("malformed_proof", f"proof member {member} is missing or not a string")
            return
    suite = suite_for(proof["type"], proof.get("cryptosuite"), allow_alias=True)
    if accepted is not None and (suite.name or suite.proof_type) not in accepted:
        problem("unsupported_cryptosuite", f"{suite.name or suite.proof_type} is not accepted")
        return
    purpose = proof["proofPurpose"]
    if purpose not in PROOF_PURPOSES:
        problem("malformed_proof", f"unknown proof purpose {purpose[:60]!r}")
        return
    if expected_purpose is not None and purpose != expected_purpose:
        problem(
            "proof_purpose_mismatch",
            f"proof purpose is {purpose!r}, expected {expected_purpose!r}",
        )
    if challenge is not None and proof.get("challenge") != challenge:
        problem("challenge_mismatch", "the proof's challenge is missing or not the expected one")
    if domain is not None:
        got = proof.get("domain")
        domains = got if isinstance(got, list) else [got]
        if domain not in domains:
            problem("domain_mismatch", "the proof's domain is missing or not the expected one")
    created, expires = check_proof_dates(proof)
    if expires is not None and expires < clock:
        problem("proof_expired", f"the proof expired at {proof['expires']}")
    if created is not None and created > clock + timedelta(minutes=5):
        res.warnings.append(
            Problem(
                "proof_not_yet_valid",
                f"proof created after the verifier's clock ({proof['created']})",
                where,
            )
        )

    # Proof @context (eddsa-jcs-2022 repeats it): the document's must be the same.
    unsecured = proof_document(document, proof, proofs)
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in options:
        pctx = options["@context"]
        pctx_list = pctx if isinstance(pctx, list) else [pctx]
        dctx = unsecured.get("@context")
        dctx_list = dctx if isinstance(dctx, list) else [dctx]
        # The spec lets the document's @context merely start with the proof's; we require it to
        # be equal, so that no context can be slipped in after signing (docs/verification.md).
        if dctx_list != pctx_list:
            problem("context_mismatch", "the proof's @context does not match the document's")
            return
        unsecured["@context"] = pctx
    suite.check_document(unsecured)

    signature = decode_proof_value(proof)
    try:
        resolved: ResolvedMethod = resolver.dereference(proof["verificationMethod"])
    except DidError as exc:
        problem("vm_unresolvable", f"{exc.message} ({exc.code})")
        return
    key = _key_of(resolved.method)
    res.controller = resolved.controller
    if resolved.controller != resolved.document.get("id"):
        problem("vm_not_authorized", "the verification method's controller is not its DID")
    elif not resolved.authorized_for(purpose):
        problem(
            "vm_not_authorized",
            f"{resolved.id} is not listed under {purpose} in its controller's DID document",
        )

    to_sign = signing_input(suite, unsecured, options, loader, limits)
    res.signature_valid = key.verify(signature, to_sign.data)
    if not res.signature_valid:
        problem("invalid_signature", "the signature does not verify over this document")


def verify(
    document: Mapping[str, Any] | str | bytes,
    *,
    now: datetime | str | None = None,
    loader: DocumentLoader | None = None,
    resolver: DidResolver | None = None,
    expected_proof_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    accepted_cryptosuites: Collection[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    policy: VerifierPolicy | None = None,
    status: StatusChecker | None = None,
) -> VerificationResult:
    """Verify a credential: every proof, the issuer's authorization of the key, validity dates.

    ``document`` is a dict or JSON text. ``now`` sets the verifier's clock (default: the current
    time). ``policy`` (:class:`~mbo_vc.policy.VerifierPolicy`) adds trusted issuers, required
    types, clock skew and accepted cryptosuites. ``status``
    (:class:`~mbo_vc.status.StatusChecker`) checks every ``credentialStatus`` entry (revoked,
    suspended …); without it such a credential gets the warning ``status_not_checked``.
    Never raises for a bad credential: see ``result.verified`` and ``result.problems``.
    """
    result = VerificationResult()
    if policy is not None and accepted_cryptosuites is None:
        accepted_cryptosuites = policy.accepted_cryptosuites
    try:
        clock = policy.clock(now) if policy is not None else _now(now)
    except MboVcError as exc:
        result.add(exc.code, exc.message)
        return result
    doc = _load(document, result, limits)
    if doc is None:
        return result
    result.document = doc
    try:
        _verify_credential(
            doc, result, clock, loader, resolver, expected_proof_purpose, challenge, domain,
            accepted_cryptosuites, limits,
        )  # fmt: skip
        if policy is not None:
            apply_policy(doc, result, clock, policy)
        if doc.get("credentialStatus") is not None:
            from mbo_vc.status.checker import check_status_into

            check_status_into(doc, result, clock, status)
    except MboVcError as exc:
        result.add(exc.code, exc.message)
    except RecursionError:
        result.add("limit_exceeded", "the document is nested too deeply to process")
    except Exception as exc:  # defence in depth: a bug must not crash a verifier (fuzzed)
        result.add("internal_error", f"unexpected {type(exc).__name__} while verifying")
    return result


def _verify_credential(
    doc: dict[str, Any],
    result: VerificationResult,
    clock: datetime,
    loader: DocumentLoader | None,
    resolver: DidResolver | None,
    purpose: str,
    challenge: str | None,
    domain: str | None,
    accepted: Collection[str] | None,
    limits: Limits,
) -> None:
    ctx = doc.get("@context")
    ctx_list = ctx if isinstance(ctx, list) else [ctx]
    if not ctx_list or ctx_list[0] not in (VC_V2, VC_V1):
        result.add(
            "not_a_credential",
            f"the first @context must be {VC_V2} (or {VC_V1} for VC 1.1)",
        )
    if len(ctx_list) > limits.max_contexts:
        result.add("limit_exceeded", f"more than {limits.max_contexts} contexts")
        return
    if "VerifiableCredential" not in types_of(doc):
        result.add("not_a_credential", "type does not include VerifiableCredential")
    issuer = issuer_id(doc)
    if issuer is None:
        result.add("missing_issuer", "the credential has no issuer (a URL or an object with id)")
    try:
        check_compact_form(doc)
    except MboVcError as exc:
        result.add(exc.code, exc.message)
    result.checks.append("structure")

    proofs = as_proof_list(doc.get("proof"))
    if not proofs:
        result.add("no_proof", "the credential has no proof")
    elif len(proofs) > limits.max_proofs:
        result.add("limit_exceeded", f"more than {limits.max_proofs} proofs")
        return
    else:
        result.proofs = verify_proofs(
            doc, loader=loader, resolver=resolver, expected_proof_purpose=purpose,
            challenge=challenge, domain=domain, now=clock,
            accepted_cryptosuites=accepted, limits=limits,
        )  # fmt: skip
        for pr in result.proofs:
            result.problems.extend(pr.problems)
            result.warnings.extend(pr.warnings)
        result.checks.append("proofs")
        if (
            issuer is not None
            and result.proofs
            and not any(
                pr.controller == issuer and pr.proof_purpose == purpose for pr in result.proofs
            )
        ):
            controllers = sorted({pr.controller for pr in result.proofs if pr.controller})
            result.add(
                "vm_not_authorized",
                f"no {purpose} proof is made by a key that the issuer {issuer} controls "
                f"(proof keys are controlled by {', '.join(controllers) or 'nobody known'})",
            )
        result.checks.append("issuer_authorization")

    _check_validity(doc, result, clock)


def _check_validity(doc: Mapping[str, Any], result: VerificationResult, clock: datetime) -> None:
    v2 = not ("issuanceDate" in doc or "expirationDate" in doc)
    start_name, end_name = ("validFrom", "validUntil") if v2 else ("issuanceDate", "expirationDate")
    for name in (start_name, end_name):
        value = doc.get(name)
        if value is None:
            continue
        try:
            when = parse_timestamp(value, name)
        except MboVcError as exc:
            result.add(exc.code, exc.message, name)
            continue
        if name == start_name and when > clock:
            result.add("not_yet_valid", f"{name} {value} is after {clock.isoformat()}", name)
        if name == end_name and when < clock:
            result.add("expired", f"{name} {value} is before {clock.isoformat()}", name)
    result.checks.append("validity_period")
