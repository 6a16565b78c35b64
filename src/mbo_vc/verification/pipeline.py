"""The one verification road, for credentials, presentations, status lists and JWTs.

bounded strict JSON load → format detection (Data Integrity credential or presentation,
``vc+jwt``/``vp+jwt``/VC 1.1 JWT, enveloped credential or presentation) → securing step (the
Data Integrity core, or the JWS) → *verified view* (what the signature covers) → structure →
issuer / holder authorization → validity period → status (an injected checker) → policy →
trust list → credential rules (injected: the mbo rules, given by :mod:`mbo_vc.verifier`, the
road ``mbo_vc.verify`` and every other public entry point take; an SD-JWT VC, which has no
JSON-LD view, gives them its verified claims) → one typed result. Every check
after the securing step reads the verified view (:mod:`mbo_vc.data_model.view`); no check
exists in two places. Nothing here raises for bad input: the result says which check failed
and why.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from mbo_vc import vocab
from mbo_vc.baking import credential_bytes
from mbo_vc.data_model import json_violations, violations_of
from mbo_vc.data_model.json_schema import schema_violations
from mbo_vc.data_model.view import CredentialView, PresentationView
from mbo_vc.did import DidResolver, default_resolver
from mbo_vc.errors import (
    BakingError,
    EnvelopeError,
    InputError,
    JoseError,
    LimitExceededError,
    MboVcError,
    UsageError,
)
from mbo_vc.json_input import check_structure, decode_utf8, parse_json
from mbo_vc.jsonld import DocumentLoader, default_loader
from mbo_vc.jws import (
    VC_JWT_MEDIA_TYPE,
    VC_SD_JWT_MEDIA_TYPE,
    VP_JWT_MEDIA_TYPE,
    VP_SD_JWT_MEDIA_TYPE,
    decode_jwt,
    is_compact_jws,
    is_sd_jwt,
    unenvelope,
)
from mbo_vc.limits import DEFAULT_LIMITS, Limits
from mbo_vc.proofs import Canonicalizer, ProofCheck
from mbo_vc.proofs import verify_proofs as _verify_proofs
from mbo_vc.result import (
    CredentialReport,
    PresentationResult,
    Problem,
    ProofResult,
    VerificationResult,
)
from mbo_vc.timestamps import parse_timestamp
from mbo_vc.verification import data_integrity
from mbo_vc.verification import jwt as jwt_step
from mbo_vc.verification.policy import VerifierPolicy, apply_policy, has_required_type
from mbo_vc.verification.rules import CredentialRules, check_rules
from mbo_vc.verification.status import StatusCheck, TokenStatusCheck, check_status
from mbo_vc.verification.trust import check_trust

if TYPE_CHECKING:
    from mbo_vc.sd_jwt_vc import SdJwtVcOptions

__all__ = [
    "MAX_CREDENTIALS",
    "is_presentation",
    "verify",
    "verify_jwt",
    "verify_presentation",
    "verify_proofs",
]

MAX_CREDENTIALS = 64
"""At most this many credentials in one presentation (a safety limit)."""

JWT_CLAIMS = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "nonce", "cnf"})
"""Registered JWT claims: read as JOSE claims, left out of a JWT payload's JSON-LD view."""

_R = TypeVar("_R", VerificationResult, PresentationResult)


class _NotADocument(Exception):
    """The input is not a document at all (not JSON, not a JWT, an image that carries no one
    credential): the CLI exits 2."""

    def __init__(self, message: str, error: MboVcError | None = None) -> None:
        super().__init__(message)
        self.error = error if error is not None else InputError(message)


@dataclass(frozen=True)
class _Run:
    """Everything one verification needs (the caller's options, resolved once)."""

    clock: datetime
    loader: DocumentLoader
    resolver: DidResolver
    limits: Limits
    policy: VerifierPolicy
    status: Any
    check_status: bool
    purpose: str
    challenge: str | None
    domain: str | None
    accepted: Collection[str] | None
    depth: int = 0
    """How deep inside other credentials this one is embedded (a CLR's credentials: 1)."""
    aud: str | None = None
    """The verifier's audience for an SD-JWT's KB-JWT."""
    nonce: str | None = None
    """The verifier's nonce for an SD-JWT's KB-JWT."""
    sd_jwt: SdJwtVcOptions | None = None
    """How an SD-JWT VC's issuer key is found (None: the defaults)."""
    rules: CredentialRules | None = None
    """The credential rules of a domain (the mbo rules), applied to every credential."""

    @property
    def skew(self) -> timedelta:
        """The clock skew the policy tolerates."""
        return self.policy.clock_skew

    def proof_check(self, purpose: str | None = None) -> ProofCheck:
        """The proof layer's options for this run."""
        return ProofCheck(
            self.resolver,
            self.clock,
            purpose or self.purpose,
            self.challenge,
            self.domain,
            self.accepted,
            self.skew,
        )

    def canon(self) -> Canonicalizer:
        """A fresh canonicalisation cache for one document."""
        return Canonicalizer(self.loader, self.limits)


def _make_run(
    *,
    now: datetime | str | None,
    loader: DocumentLoader | None,
    resolver: DidResolver | None,
    limits: Limits,
    policy: VerifierPolicy | None,
    status: Any,
    check_status: bool,
    purpose: str,
    challenge: str | None,
    domain: str | None,
    accepted: Collection[str] | None,
    rules: CredentialRules | None = None,
) -> _Run:
    if rules is not None and not isinstance(rules, CredentialRules):
        raise UsageError("rules must be credential rules (an object with apply(result, policy=))")
    if status is not None and not isinstance(status, StatusCheck | TokenStatusCheck):
        raise UsageError("status must be a status checker (e.g. mbo_vc.status.StatusChecker)")
    if policy is not None and not isinstance(policy, VerifierPolicy):
        raise UsageError("policy must be a VerifierPolicy")
    if not isinstance(limits, Limits):
        raise UsageError("limits must be a Limits object")
    chosen = policy or VerifierPolicy()
    if accepted is None:
        accepted = chosen.accepted_cryptosuites
    return _Run(
        clock=chosen.clock(now),
        loader=loader or default_loader(),
        resolver=resolver or default_resolver(),
        limits=limits,
        policy=chosen,
        status=status,
        check_status=bool(check_status),
        purpose=purpose,
        challenge=challenge,
        domain=domain,
        accepted=accepted,
        rules=rules,
    )


def _guarded(result: _R, body: Callable[[], None]) -> _R:
    """Run one verification; every failure becomes a problem in ``result``, never an exception."""
    try:
        body()
    except _NotADocument as exc:
        result.not_a_document = True
        result.add(exc.error.code, exc.error.message)
    except MboVcError as exc:
        result.add(exc.code, exc.message)
    except RecursionError:
        result.add("limit_exceeded", "the document is nested too deeply to process")
    except Exception as exc:  # defence in depth: a bug must not crash a verifier (fuzzed)
        result.add("internal_error", f"unexpected {type(exc).__name__} while verifying")
    return result


# --- reading the input -----------------------------------------------------------------------


def _read(document: Any, limits: Limits) -> str | dict[str, Any]:
    """A compact JWS (str) or a JSON object (dict), read strictly and within limits; bytes of
    a baked PNG/SVG are the credential the image carries (:func:`mbo_vc.baking.credential_bytes`,
    as ``mbo-vc verify`` reads a file; so is the text of an SVG)."""
    if isinstance(document, str) and document.lstrip()[:1] == "<":  # markup: a baked SVG?
        document = document.encode("utf-8")
    if isinstance(document, bytes | bytearray):
        try:
            document = credential_bytes(bytes(document), limits=limits)
        except LimitExceededError:
            raise
        except BakingError as exc:
            raise _NotADocument(exc.message, exc) from None
        if len(document) > limits.max_document_bytes:
            raise LimitExceededError(
                f"document is {len(document)} bytes, more than the limit of "
                f"{limits.max_document_bytes}"
            )
        try:
            document = decode_utf8(bytes(document), "the input")
        except InputError as exc:
            raise _NotADocument(exc.message) from None
    if isinstance(document, str):
        text = document.strip()
        if is_compact_jws(text) or is_sd_jwt(text):
            return text
        try:
            return parse_json(text, limits=limits)
        except LimitExceededError:
            raise
        except MboVcError as exc:
            if exc.code == "malformed_document":
                raise _NotADocument(f"neither a JSON document nor a JWT: {exc.message}") from None
            raise
    if isinstance(document, Mapping):
        check_structure(document, limits=limits)
        return dict(document)
    raise _NotADocument("the input must be a JSON object, JSON text or a compact JWS")


def _raw_types(doc: Mapping[str, Any]) -> list[str]:
    """The raw ``type`` strings: used only to pick the road, never for a check."""
    types = doc.get("type")
    types = types if isinstance(types, list) else [types]
    return [t for t in types if isinstance(t, str)]


def is_presentation(data: Mapping[str, Any] | str | bytes) -> bool:
    """True when ``data`` looks like a presentation (JSON with type VerifiablePresentation, an
    EnvelopedVerifiablePresentation, or a vp+jwt / VC 1.1 JWT presentation). Never raises."""
    try:
        value = _read(data, DEFAULT_LIMITS)
        if isinstance(value, str):
            if is_sd_jwt(value):
                return _sd_kind(value) == "presentation"
            header, payload = decode_jwt(value)
            return header.get("typ") in ("vp+jwt", VP_JWT_MEDIA_TYPE) or "vp" in payload
        types = _raw_types(value)
        return "VerifiablePresentation" in types or "EnvelopedVerifiablePresentation" in types
    except (MboVcError, _NotADocument, RecursionError, ValueError):
        return False


# --- credentials -----------------------------------------------------------------------------


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
    status: StatusCheck | None = None,
    check_status: bool = True,
    aud: str | None = None,
    nonce: str | None = None,
    sd_jwt: SdJwtVcOptions | None = None,
    rules: CredentialRules | None = None,
) -> VerificationResult:
    """Verify a credential: a Data Integrity credential (JSON), a ``vc+jwt`` or VC 1.1 JWT, an
    ``EnvelopedVerifiableCredential``, or an SD-JWT VC (``dc+sd-jwt``, compact with ``~``).

    For an SD-JWT VC, ``aud`` and ``nonce`` are the verifier's: given, the KB-JWT must be signed
    by the ``cnf`` key for exactly them (a replay fails); ``sd_jwt``
    (:class:`~mbo_vc.sd_jwt_vc.SdJwtVcOptions`) says how the issuer key is found (``x5c`` trust
    anchors, pinned or fetched jwt-vc-issuer metadata); ``status`` may then be a Token Status
    List checker (``check_status_list``). ``result.document`` holds the disclosed claims.

    Checks every proof, the issuer's authorization of the key, the structure, the validity
    period, every ``credentialStatus`` entry and the ``policy``
    (:class:`~mbo_vc.VerifierPolicy`: trusted issuers, required types and signers, clock skew,
    accepted cryptosuites), each reading the credential as its signature covers it. ``now``
    sets the verifier's clock. ``status`` (:class:`~mbo_vc.StatusChecker`) checks the status
    entries; without it a credential that has any is not verified (``status_unavailable``),
    unless ``check_status=False`` switches status checking off (a ``status_not_checked``
    warning). ``rules`` (:class:`~mbo_vc.verification.rules.CredentialRules`) are a domain's
    rules: this pipeline applies only the rules it is given; ``mbo_vc.verify``
    (:func:`mbo_vc.verifier.verify`) gives it the mbo rules. Never raises for a bad credential:
    see ``result.verified`` and ``result.problems``.
    """
    result = VerificationResult()

    def body() -> None:
        run = _make_run(
            now=now, loader=loader, resolver=resolver, limits=limits, policy=policy,
            status=status, check_status=check_status, purpose=expected_proof_purpose,
            challenge=challenge, domain=domain, accepted=accepted_cryptosuites, rules=rules,
        )  # fmt: skip
        if (aud is None) != (nonce is None):
            raise UsageError("aud and nonce go together (the KB-JWT's audience and nonce)")
        if sd_jwt is not None:
            from mbo_vc.sd_jwt_vc import SdJwtVcOptions  # (SD-JWT only when one is verified)

            if not isinstance(sd_jwt, SdJwtVcOptions):
                raise UsageError("sd_jwt must be SdJwtVcOptions")
        run = dataclasses.replace(run, aud=aud, nonce=nonce, sd_jwt=sd_jwt)
        _credential(_read(document, limits), result, run)

    return _guarded(result, body)


def _sd_kind(token: str) -> str | None:
    """``credential`` / ``presentation`` for a ``vc+sd-jwt`` / ``vp+sd-jwt`` (VC-JOSE-COSE
    §3.2), None for any other SD-JWT (an IETF SD-JWT VC, or not one at all). ``vc+sd-jwt`` was
    also the IETF SD-JWT VC's ``typ`` before ``dc+sd-jwt``: a payload with ``vct`` and no
    ``@context`` is read as that (SD-JWT VC §3.2.1: ``vct`` is never selectively disclosable)."""
    try:
        header, payload = decode_jwt(token.strip().split("~", 1)[0])
    except MboVcError:
        return None
    if "vct" in payload and "@context" not in payload:
        return None
    return jwt_step.sd_typ(header)


def _decode(token: str, expected: str, run: _Run) -> jwt_step.DecodedJwt:
    """The JOSE securing step's first half: a compact JWS, or a ``vc+sd-jwt`` / ``vp+sd-jwt``
    with its disclosures in place (the rest of the road is the same for both)."""
    if is_sd_jwt(token):
        return jwt_step.decode_sd(token, expected, run.policy.jwt_algorithms, run.limits)
    return jwt_step.decode(token, expected, run.policy.jwt_algorithms, run.limits)


def _credential(value: str | dict[str, Any], result: VerificationResult, run: _Run) -> None:
    if isinstance(value, str) and is_sd_jwt(value) and _sd_kind(value) is not None:
        _jwt_credential(value, result, run)  # vc+sd-jwt: the VC-JOSE road
        return
    if isinstance(value, str) and is_sd_jwt(value):
        from mbo_vc.sd_jwt_vc import SdJwtVcOptions
        from mbo_vc.verification.sd_jwt_vc import verify_sd_jwt_vc

        verify_sd_jwt_vc(
            value, result, clock=run.clock, skew=run.skew, resolver=run.resolver,
            policy=run.policy, limits=run.limits, status=run.status,
            check_status=run.check_status, aud=run.aud, nonce=run.nonce,
            options=run.sd_jwt or SdJwtVcOptions(),
        )  # fmt: skip
        # no JSON-LD view: the rules read the verified claims (result.document, None when the
        # issuer signature did not verify)
        check_rules(result, run.rules, run.policy)
        return
    if isinstance(value, str):
        _jwt_credential(value, result, run)
        return
    types = _raw_types(value)
    if "EnvelopedVerifiableCredential" in types:
        result.document = value
        result.format = "unknown"
        media, token = _open_envelope(value, run, vocab.ENVELOPED_CREDENTIAL)
        if media not in (VC_JWT_MEDIA_TYPE, VC_SD_JWT_MEDIA_TYPE) or (
            (media == VC_SD_JWT_MEDIA_TYPE) != is_sd_jwt(token)
        ):
            result.format = media[:60]
            result.add("invalid_envelope", f"enveloped credentials of type {media[:60]} are not "
                       f"supported (only {VC_JWT_MEDIA_TYPE}, {VC_SD_JWT_MEDIA_TYPE}), or the "
                       f"content is not of that type", "id")  # fmt: skip
            return
        _jwt_credential(token, result, run)
        return
    if "VerifiablePresentation" in types or "EnvelopedVerifiablePresentation" in types:
        raise InputError("this is a presentation: verify it with verify_presentation")
    _di_credential(value, result, run)


def _open_envelope(doc: Mapping[str, Any], run: _Run, type_iri: str) -> tuple[str, str]:
    """The (media type, content) of an enveloped credential or presentation: its ``data:`` URL
    id, which must also be what JSON-LD reads (the envelope's expansion)."""
    media, content = unenvelope(doc.get("id"))
    view = CredentialView(run.canon().nodes(doc), doc)
    if not view.has_type(type_iri) or view.id != doc.get("id"):
        raise EnvelopeError("the envelope's id or type is not what its JSON-LD says")
    return media, content


def _di_credential(doc: dict[str, Any], result: VerificationResult, run: _Run) -> None:
    result.document = doc
    _json_rules(doc, result)
    proofs, nodes = data_integrity.secure(doc, run.canon(), run.proof_check(), run.limits)
    view = CredentialView(nodes, doc)
    result.view = view
    _structure(view, doc, result, run)
    if not proofs:
        result.add("no_proof", "the credential has no proof", "proof")
    else:
        _take_proofs(result, proofs)
        _authorize(result, view.issuer, run.purpose, "issuer")
    _after_securing(view, result, run)


def _json_rules(
    raw: Mapping[str, Any],
    result: VerificationResult | PresentationResult,
    *,
    allow_v1: bool = True,
) -> None:
    """The data model rules read from the JSON, before JSON-LD processing."""
    for v in json_violations(raw, allow_v1=allow_v1):
        result.add(v.code, v.message, v.where)


def _structure(
    view: CredentialView | PresentationView,
    raw: Mapping[str, Any],
    result: VerificationResult | PresentationResult,
    run: _Run,
    *,
    allow_v1: bool = True,
) -> None:
    """The data model's rules (mbo_vc.data_model.rules), as problems and warnings."""
    for v in violations_of(view, raw, allow_v1=allow_v1, loader=run.loader):
        (result.warn if v.warning else result.add)(v.code, v.message, v.where)
    result.check("structure")
    if isinstance(view, CredentialView) and view.root.values(vocab.CREDENTIAL_SCHEMA):
        for v in schema_violations(view, raw):
            (result.warn if v.warning else result.add)(v.code, v.message, v.where)
        result.check("credential_schema")


def _take_proofs(
    result: VerificationResult | PresentationResult, proofs: list[ProofResult]
) -> None:
    result.proofs = proofs
    problems = (
        result.presentation_problems if isinstance(result, PresentationResult) else result.problems
    )
    for proof in proofs:
        problems.extend(proof.problems)
        result.warnings.extend(proof.warnings)
    result.check("holder_proof" if isinstance(result, PresentationResult) else "proofs")


def _authorize(
    result: VerificationResult | PresentationResult, party: str | None, purpose: str, role: str
) -> None:
    """At least one proof must be made by a key that ``party`` controls (each proof's purpose
    is checked, and reported, by the proof step)."""
    if party is not None and result.proofs:
        if not any(p.controller == party for p in result.proofs):
            controllers = sorted({p.controller for p in result.proofs if p.controller})
            result.add(
                "vm_not_authorized",
                f"no {purpose} proof is made by a key that the {role} {party[:120]} controls "
                f"(proof keys are controlled by {', '.join(controllers)[:300] or 'nobody known'})",
                "proof",
            )
    result.check(f"{role}_authorization")


def _after_securing(view: CredentialView, result: VerificationResult, run: _Run) -> None:
    """Validity period, status, policy, trust list, embedded credentials and the credential
    rules: the steps every credential road shares."""
    _check_validity(view, result, run.clock, run.skew)
    checker = run.status if isinstance(run.status, StatusCheck) else None
    check_status(view, result, run.clock, checker, enabled=run.check_status)
    apply_policy(view, result, run.policy, loader=run.loader)
    check_trust(
        view, result, run.policy.trust_list, now=run.clock, loader=run.loader,
        resolver=run.resolver, status=run.status, check_status=run.check_status,
    )  # fmt: skip
    check_trust(
        view, result, run.policy.federation, now=run.clock, loader=run.loader,
        resolver=run.resolver, status=run.status, check_status=run.check_status,
        step="federation", failure="federation_chain_invalid",
    )  # fmt: skip
    if view.has_type(vocab.CLR_CREDENTIAL):
        _clr_credentials(view, result.document or {}, result, run)
    check_rules(result, run.rules, run.policy)


MAX_EMBEDDING_DEPTH = 2
"""A CLR inside a CLR is read; one more level is refused (limit_exceeded)."""


def _clr_credentials(
    view: CredentialView, raw: Mapping[str, Any], result: VerificationResult, run: _Run
) -> None:
    """CLR 2.0: every credential in ``credentialSubject.verifiableCredential`` verifies on its
    own (its issuer's proof, dates, status), and the JSON shows exactly the credentials the
    CLR's issuer signed."""
    signed = sum(len(s.values(vocab.CLR_VERIFIABLE_CREDENTIAL)) for s in view.subjects)
    subjects = raw.get("credentialSubject")
    entries: list[Any] = []
    for subject in subjects if isinstance(subjects, list) else [subjects]:
        if isinstance(subject, Mapping):
            entries += _entries(subject.get("verifiableCredential"))
    if not signed and not entries:
        return
    if len(entries) != signed:
        result.add(
            "hidden_credential",
            f"the signed CLR holds {signed} credentials, its credentialSubject."
            f"verifiableCredential member shows {len(entries)}",
            "credentialSubject.verifiableCredential",
        )
    if run.depth >= MAX_EMBEDDING_DEPTH or len(entries) > MAX_CREDENTIALS:
        result.add("limit_exceeded", f"CLR credentials nested deeper than {MAX_EMBEDDING_DEPTH} "
                   f"levels or more than {MAX_CREDENTIALS} of them")  # fmt: skip
        return
    inner = dataclasses.replace(
        run,
        policy=dataclasses.replace(run.policy, required_types=frozenset()),
        purpose="assertionMethod",
        challenge=None,
        domain=None,
        accepted=run.policy.accepted_cryptosuites,
        depth=run.depth + 1,
    )
    for index, entry in enumerate(entries):
        res = VerificationResult()
        _guarded(res, functools.partial(_embedded, entry, res, inner))
        report = CredentialReport(index, res.format, res, problems=list(res.problems))
        result.embedded.append(report)
        if not report.verified:
            codes = ", ".join(dict.fromkeys(report.codes or res.codes)) or "no verified proof"
            result.add(
                "embedded_credential_invalid",
                f"credentialSubject.verifiableCredential[{index}] "
                f"({(report.id or 'no id')[:120]}) does not verify: {codes[:200]}",
                f"credentialSubject.verifiableCredential[{index}]",
            )
    result.check("embedded_credentials")


_VALIDITY = (
    (vocab.VALID_FROM, "validFrom", True),
    (vocab.ISSUANCE_DATE, "issuanceDate", True),
    (vocab.VALID_UNTIL, "validUntil", False),
    (vocab.EXPIRATION_DATE, "expirationDate", False),
)


def _check_validity(
    view: CredentialView, result: VerificationResult, clock: datetime, skew: timedelta
) -> None:
    """validFrom/validUntil (VC 2.0) and issuanceDate/expirationDate (VC 1.1), as signed,
    against the clock (a date that is not one dateTimeStamp is the structure step's
    ``invalid_date``)."""
    for iri, name, starts in _VALIDITY:
        values = view.dates(iri)
        if len(values) != 1 or values[0] is None:
            continue
        try:
            when = parse_timestamp(values[0], name)
        except MboVcError:
            continue
        if starts and when > clock + skew:
            result.add("not_yet_valid", f"{name} {values[0]} is after {clock.isoformat()}", name)
        if not starts and when < clock - skew:
            result.add("expired", f"{name} {values[0]} is before {clock.isoformat()}", name)
    result.check("validity_period")


def _jwt_view_document(document: Mapping[str, Any], *, presentation: bool) -> dict[str, Any]:
    """What of a JWT payload is read as JSON-LD: the claims are JOSE's, and a presentation's
    credentials are verified one by one (a VC 1.1 JWT presentation carries them as JWTs)."""
    drop = JWT_CLAIMS | ({"verifiableCredential"} if presentation else frozenset())
    return {k: v for k, v in document.items() if k not in drop}


def _jwt_credential(token: str, result: VerificationResult, run: _Run) -> None:
    jwt = _decode(token, "credential", run)
    result.format = jwt.format
    result.document = jwt.document
    result.check("jose_header")
    _json_rules(jwt.document, result, allow_v1=jwt.legacy)
    nodes = run.canon().nodes(_jwt_view_document(jwt.document, presentation=False))
    view = CredentialView(nodes, jwt.document)
    result.view = view
    _structure(view, jwt.document, result, run, allow_v1=jwt.legacy)
    result.problems.extend(jwt_step.claim_problems(jwt, view.issuer, view.id))
    proof = jwt_step.verify_jws(jwt, view.issuer, run.resolver, "assertionMethod")
    _take_proofs(result, [proof])
    result.check("issuer_authorization")
    result.problems.extend(jwt_step.check_time_claims(jwt, view, run.clock, run.skew))
    if jwt.sd is not None:
        result.disclosed = jwt.disclosed
        _sd_key_binding(jwt, result, run, run.aud, run.nonce)
    _after_securing(view, result, run)


def _sd_key_binding(
    jwt: jwt_step.DecodedJwt,
    result: VerificationResult | PresentationResult,
    run: _Run,
    aud: str | None,
    nonce: str | None,
) -> None:
    """A ``vc+sd-jwt`` / ``vp+sd-jwt``'s SD-JWT steps after the JOSE ones: members made
    selectively disclosable that should not be (warnings), a ``cnf`` holder key that is public,
    and the KB-JWT against the verifier's ``aud`` and ``nonce`` (RFC 9901 §7.3), as for an
    SD-JWT VC."""
    from mbo_vc.sd_jwt import check_holder_jwk
    from mbo_vc.sd_jwt_vc import SdJwtVcOptions
    from mbo_vc.verification.sd_jwt_vc import key_binding

    result.warnings.extend(jwt_step.disclosed_problems(jwt))
    cnf = jwt.document.get("cnf")
    if cnf is not None:
        jwk = cnf.get("jwk") if isinstance(cnf, Mapping) else None
        try:
            if not isinstance(jwk, Mapping):
                raise JoseError("cnf must be an object with a jwk")
            check_holder_jwk(jwk)
        except MboVcError as exc:
            result.add(exc.code, exc.message, "cnf")
    if jwt.sd is not None:
        key_binding(jwt.sd, jwt.document, result, run.clock, run.skew, run.policy, run.limits,
                    aud, nonce, run.sd_jwt or SdJwtVcOptions(), jwt.hash_alg)  # fmt: skip


# --- presentations ---------------------------------------------------------------------------


def verify_presentation(
    presentation: Mapping[str, Any] | str | bytes,
    *,
    challenge: str,
    domain: str | None = None,
    now: datetime | str | None = None,
    resolver: DidResolver | None = None,
    loader: DocumentLoader | None = None,
    policy: VerifierPolicy | None = None,
    status: StatusCheck | None = None,
    check_status: bool = True,
    credential_options: Mapping[str, Any] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    rules: CredentialRules | None = None,
) -> PresentationResult:
    """Verify a presentation (Data Integrity JSON, a vp+jwt / VC 1.1 JWT presentation, or an
    ``EnvelopedVerifiablePresentation``) and every credential in it.

    The holder proof must be an ``authentication`` proof with the verifier's ``challenge``
    (always required) and, when ``domain`` is given, that domain; an expired proof fails
    (``proof_expired``). ``holder`` is optional (VC DM 2.0): when the presentation names one,
    the proof's key must be the holder's; holder binding (``policy.holder_binding``) then
    requires each credential's ``credentialSubject.id`` to be the holder (``holder_mismatch``).
    Every credential goes down the same road as :func:`verify` (with ``status``) and is reported
    in ``result.credentials``, with the ``rules`` it is given (``mbo_vc.verify_presentation``
    gives the mbo rules). ``credential_options`` may carry ``status`` and ``check_status``
    (older spelling). Never raises for bad input; raises
    :class:`~mbo_vc.errors.UsageError` without a challenge.
    """
    if not isinstance(challenge, str) or not challenge:
        raise UsageError("verify_presentation needs the challenge the verifier issued")
    options = dict(credential_options or {})
    status = status if status is not None else options.get("status")
    check_status = bool(options.get("check_status", check_status))
    result = PresentationResult()

    def body() -> None:
        run = _make_run(
            now=now, loader=loader, resolver=resolver, limits=limits, policy=policy,
            status=status, check_status=check_status, purpose="authentication",
            challenge=challenge, domain=domain, accepted=None, rules=rules,
        )  # fmt: skip
        value = _read(presentation, limits)
        if isinstance(value, str):
            _jwt_presentation(value, result, run, with_credentials=True)
            return
        types = _raw_types(value)
        if "EnvelopedVerifiablePresentation" in types:
            result.document = value
            media, token = _open_envelope(value, run, vocab.ENVELOPED_PRESENTATION)
            if media not in (VP_JWT_MEDIA_TYPE, VP_SD_JWT_MEDIA_TYPE) or (
                (media == VP_SD_JWT_MEDIA_TYPE) != is_sd_jwt(token)
            ):
                result.add("invalid_envelope", f"enveloped presentation of type {media[:60]}")
                return
            _jwt_presentation(token, result, run, with_credentials=True)
            return
        _di_presentation(value, result, run)

    return _guarded(result, body)


def _di_presentation(vp: dict[str, Any], result: PresentationResult, run: _Run) -> None:
    result.document = vp
    _json_rules(vp, result)
    try:
        proofs, nodes = data_integrity.secure(vp, run.canon(), run.proof_check(), run.limits)
    except MboVcError as exc:
        # the presentation cannot be read; its credentials are still reported one by one
        result.add(exc.code, exc.message)
        _credentials(_entries(vp.get("verifiableCredential")), result, run)
        return
    view = PresentationView(nodes, vp)
    result.view, result.holder = view, view.holder
    _structure(view, vp, result, run)
    if not proofs:
        result.add("no_proof", "the presentation has no holder proof", "proof")
    else:
        _take_proofs(result, proofs)
        _authorize(result, view.holder, "authentication", "holder")
    entries = _entries(vp.get("verifiableCredential"))
    if len(entries) != view.credential_count:
        result.add(
            "hidden_credential",
            f"the signed presentation holds {view.credential_count} credentials, its "
            f"verifiableCredential member shows {len(entries)}",
            "verifiableCredential",
        )
    _credentials(entries, result, run)


def _entries(raw: Any) -> list[Any]:
    if raw is None:
        return []
    return list(raw) if isinstance(raw, list) else [raw]


def _jwt_presentation(
    token: str, result: PresentationResult, run: _Run, *, with_credentials: bool
) -> None:
    jwt = _decode(token, "presentation", run)
    result.format = jwt.format
    result.document = jwt.document
    result.check("jose_header")
    _json_rules(jwt.document, result, allow_v1=jwt.legacy)
    nodes = run.canon().nodes(_jwt_view_document(jwt.document, presentation=True))
    view = PresentationView(nodes, jwt.document)
    result.view, result.holder = view, view.holder
    _structure(view, jwt.document, result, run, allow_v1=jwt.legacy)
    iss = jwt.payload.get("iss")
    controller = view.holder or (iss if isinstance(iss, str) and not jwt.legacy else None)
    for p in jwt_step.claim_problems(jwt, view.holder, view.id):
        result.presentation_problems.append(p)
    proof = jwt_step.verify_jws(jwt, controller, run.resolver, "authentication")
    _take_proofs(result, [proof])
    result.check("holder_authorization")
    for p in jwt_step.check_time_claims(jwt, None, run.clock, run.skew):
        result.presentation_problems.append(p)
    result.presentation_problems.extend(jwt_step.check_nonce_aud(jwt, run.challenge, run.domain))
    result.check("challenge_domain")
    if jwt.sd is not None:
        # a vp+sd-jwt is bound by its holder's signature and nonce/aud; a KB-JWT it carries
        # as well is checked for the verifier's domain and challenge
        given = run.domain is not None and jwt.sd.kb_jwt is not None
        _sd_key_binding(jwt, result, run, run.domain if given else None,
                        run.challenge if given else None)  # fmt: skip
    if with_credentials:
        _credentials(_entries(jwt.document.get("verifiableCredential")), result, run)


def _credentials(entries: list[Any], result: PresentationResult, run: _Run) -> None:
    """Verify every credential of a presentation and bind it to the holder."""
    binding = run.policy.holder_binding
    if binding == "required" and result.holder is None:
        result.add("missing_holder", "the policy requires the presentation to name its holder",
                   "holder")  # fmt: skip
    if len(entries) > MAX_CREDENTIALS:
        result.add("limit_exceeded", f"more than {MAX_CREDENTIALS} credentials")
        return
    per_credential = dataclasses.replace(
        run,
        policy=dataclasses.replace(run.policy, required_types=frozenset()),
        purpose="assertionMethod",
        challenge=None,
        domain=None,
        accepted=run.policy.accepted_cryptosuites,
    )
    for index, entry in enumerate(entries):
        res = VerificationResult()
        _guarded(res, functools.partial(_embedded, entry, res, per_credential))
        report = CredentialReport(index, res.format, res, problems=list(res.problems))
        if (
            res.view is not None
            and binding != "none"
            and (result.holder is not None or binding == "required")
        ):
            subjects = res.view.subject_ids if res.view is not None else []
            report.holder_bound = result.holder is not None and result.holder in subjects
            if not report.holder_bound:
                report.problems.append(
                    Problem(
                        "holder_mismatch",
                        f"no credentialSubject.id of this credential is the holder "
                        f"{result.holder or '(none)'}",
                        "credentialSubject",
                    )
                )
        result.credentials.append(report)
    result.check("credentials")
    if result.holder is not None and binding != "none":
        result.check("holder_binding")
    for wanted in sorted(run.policy.required_types):
        if not any(
            r.verified
            and r.result.view is not None
            and has_required_type(r.result.view, wanted, run.loader)
            for r in result.credentials
        ):
            result.add("missing_type", f"no verified credential of the required type {wanted}")
    if run.policy.required_types:
        result.check("required_types")


def _embedded(entry: Any, result: VerificationResult, run: _Run) -> None:
    """One credential of a presentation: a JSON object (Data Integrity or enveloped), or a
    JWT string (the VC 1.1 JWT presentation encoding)."""
    if isinstance(entry, str) and (is_compact_jws(entry) or is_sd_jwt(entry)):
        _credential(entry.strip(), result, run)
        return
    if not isinstance(entry, Mapping):
        result.format = "unknown"
        raise InputError("a presented credential must be a JSON object or a JWT")
    if "@context" not in entry:
        result.format = "unknown"
        raise InputError(
            "an embedded credential (in a presentation or a CLR) needs its own @context "
            "(a presentation's verifiableCredential resets the context)"
        )
    _credential(dict(entry), result, run)


def verify_jwt(
    token: str | bytes,
    *,
    expected: str | None = None,
    now: datetime | str | None = None,
    resolver: DidResolver | None = None,
    loader: DocumentLoader | None = None,
    challenge: str | None = None,
    domain: str | None = None,
    policy: VerifierPolicy | None = None,
    status: StatusCheck | None = None,
    check_status: bool = True,
    limits: Limits = DEFAULT_LIMITS,
    rules: CredentialRules | None = None,
) -> VerificationResult:
    """Verify a JWT-secured credential or presentation (``vc+jwt``, ``vp+jwt``, VC 1.1 JWT).

    A credential goes down the same road as :func:`verify` (with the ``rules`` it is given).
    For a presentation this checks the
    presentation itself (JOSE header, the holder's key, signature, ``nonce``/``aud`` against
    ``challenge``/``domain``, ``exp``/``nbf``) but not its credentials: use
    :func:`verify_presentation` for that. ``expected`` is ``"credential"``, ``"presentation"``
    or None (either). Never raises for bad input.
    """
    result = VerificationResult()

    def body() -> None:
        run = _make_run(
            now=now, loader=loader, resolver=resolver, limits=limits, policy=policy,
            status=status, check_status=check_status, purpose="assertionMethod",
            challenge=challenge, domain=domain, accepted=None, rules=rules,
        )  # fmt: skip
        if isinstance(token, bytes | bytearray):
            try:
                token_text = decode_utf8(bytes(token), "the JWT")
            except InputError:
                raise JoseError("the JWT is not UTF-8 text") from None
        elif isinstance(token, str):
            token_text = token
        else:
            raise JoseError("a JWT must be a string")
        value = token_text.strip()
        sd = is_sd_jwt(value)
        # the precise reason a token is malformed
        decode_jwt(value.split("~", 1)[0] if sd else value, limits=limits)
        kind = expected
        if kind is None and sd:
            kind = _sd_kind(value) or "credential"  # (not vc/vp+sd-jwt: the road says why)
        elif kind is None:
            header, payload = decode_jwt(value, limits=limits)
            kind = jwt_step.kind_of(header, payload)
        if kind == "presentation":
            vp = PresentationResult()
            _jwt_presentation(value, vp, dataclasses.replace(run, purpose="authentication"),
                              with_credentials=False)  # fmt: skip
            result.format, result.document = vp.format, vp.document
            result.proofs, result.problems = vp.proofs, vp.presentation_problems
            result.checks, result.warnings = vp.checks, vp.warnings
            return
        if kind != "credential":
            raise UsageError("expected must be 'credential', 'presentation' or None")
        _jwt_credential(value, result, run)

    return _guarded(result, body)


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
    """Check every proof of ``document`` (the proof layer only: signature, purpose, dates, key).

    Whether the key's controller may speak for the issuer is checked by :func:`verify`.
    """
    check = ProofCheck(
        resolver or default_resolver(),
        VerifierPolicy().clock(now),
        expected_proof_purpose,
        challenge,
        domain,
        accepted_cryptosuites,
    )
    return _verify_proofs(document, Canonicalizer(loader or default_loader(), limits), check)
