"""Verifiable presentations (VC DM 2.0 §4.13): the wallet side.

A learner's wallet wraps one or more credentials (Data Integrity ones embedded as they are,
JWT-secured ones as ``EnvelopedVerifiableCredential`` with a ``data:application/vc+jwt,…`` id)
into a ``VerifiablePresentation`` and signs it as the holder: ``authentication`` proof purpose,
the verifier's ``challenge`` (freshness, no replay) and ``domain`` (audience).

:func:`verify_presentation` checks the holder's proof (challenge, domain, expiry, the key's
authorization by the holder), verifies every embedded credential with the full pipeline
(:func:`mbo_vc.verify` or :func:`mbo_vc.jose.verify_jwt`) and checks holder binding. Each
credential is reported on its own (:class:`CredentialReport`), so one bad credential never
hides the result of the others.

Note: credentials/v2 makes ``verifiableCredential`` a ``@graph`` container with
``"@context": null``, so every embedded credential must carry its own ``@context``
(safe-mode canonicalisation refuses the presentation otherwise).
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from mbo_vc.did import DidResolver
from mbo_vc.document import check_structure, issuer_id, parse_json, types_of
from mbo_vc.errors import MboVcError, UsageError
from mbo_vc.jose import (
    VC_JWT_MEDIA_TYPE,
    VP_JWT_MEDIA_TYPE,
    envelope,
    is_compact_jws,
    secure_jwt,
    unenvelope,
    verify_jwt,
)
from mbo_vc.jsonld import DocumentLoader, check_compact_form
from mbo_vc.keys import Ed25519Key
from mbo_vc.limits import DEFAULT_LIMITS, Limits
from mbo_vc.policy import VerifierPolicy
from mbo_vc.proofs.core import as_proof_list
from mbo_vc.result import Problem, ProofResult, VerificationResult
from mbo_vc.signing import sign
from mbo_vc.verify import verify, verify_proofs

__all__ = [
    "MAX_CREDENTIALS",
    "CredentialReport",
    "PresentationResult",
    "create_presentation",
    "is_presentation",
    "present",
    "sign_presentation",
    "verify_presentation",
    "wallet_demo",
]

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
MAX_CREDENTIALS = 64
"""At most this many credentials in one presentation (a safety limit)."""

_CHECK_OF_CODE = {
    "vm_not_authorized": "issuer_authorization",
    "jwt_kid_mismatch": "issuer_authorization",
    "expired": "validity_period",
    "not_yet_valid": "validity_period",
    "invalid_date": "validity_period",
    "untrusted_issuer": "policy",
    "missing_type": "policy",
    "holder_mismatch": "holder_binding",
    "jwt_malformed": "jose_header",
    "jwt_alg_not_allowed": "jose_header",
    "jwt_bad_type": "jose_header",
    "jwt_forbidden_claim": "jose_header",
    "not_a_credential": "structure",
    "missing_issuer": "structure",
    "malformed_document": "structure",
    "jwt_claim_mismatch": "structure",
    "invalid_envelope": "structure",
    "revoked": "status",
    "suspended": "status",
    "malformed_status_entry": "status",
}


def _check_of(code: str) -> str:
    if code in _CHECK_OF_CODE:
        return _CHECK_OF_CODE[code]
    if code.startswith("status"):
        return "status"
    return "proofs"


@dataclass
class CredentialReport:
    """What the verifier found for one credential of a presentation."""

    index: int
    format: str
    """``data-integrity``, ``vc+jwt``, ``jwt-vc-1.1`` or ``unknown``."""
    result: VerificationResult
    holder_bound: bool | None = None
    """True/False when holder binding was checked, None when the policy does not ask for it."""
    problems: list[Problem] = field(default_factory=list)
    """Every problem of this credential (the pipeline's and the holder binding's)."""

    @property
    def verified(self) -> bool:
        """True when the credential verified and every check on it passed."""
        return self.result.verified and not self.problems

    @property
    def id(self) -> str | None:
        """The credential's ``id`` (when it has one)."""
        doc = self.result.document or {}
        return doc.get("id") if isinstance(doc.get("id"), str) else None

    @property
    def issuer(self) -> str | None:
        """The credential's issuer id."""
        return issuer_id(self.result.document or {})

    @property
    def codes(self) -> list[str]:
        """The codes of this credential's problems."""
        return [p.code for p in self.problems]

    @property
    def checks(self) -> dict[str, bool]:
        """Each check performed on this credential and whether it passed."""
        names = list(dict.fromkeys(self.result.checks))
        if self.holder_bound is not None:
            names.append("holder_binding")
        failed = {_check_of(p.code) for p in self.problems}
        out = {name: name not in failed for name in names}
        for name in failed:
            out[name] = False
        return out

    def to_json(self) -> dict[str, Any]:
        """JSON form of this report."""
        return {
            "index": self.index,
            "format": self.format,
            "id": self.id,
            "issuer": self.issuer,
            "verified": self.verified,
            "holderBound": self.holder_bound,
            "checks": self.checks,
            "problems": [p.to_json() for p in self.problems],
            "proofs": [p.to_json() for p in self.result.proofs],
        }


@dataclass
class PresentationResult:
    """What :func:`verify_presentation` found: the holder proof and every credential."""

    format: str = "data-integrity"
    """``data-integrity``, ``vp+jwt`` or ``jwt-vp-1.1``."""
    holder: str | None = None
    proofs: list[ProofResult] = field(default_factory=list)
    presentation_problems: list[Problem] = field(default_factory=list)
    """Problems of the presentation itself (holder proof, challenge, domain, holder, policy)."""
    credentials: list[CredentialReport] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    document: dict[str, Any] | None = None

    @property
    def problems(self) -> list[Problem]:
        """Every problem: the presentation's own, then each credential's (``where`` says which)."""
        out = list(self.presentation_problems)
        for report in self.credentials:
            prefix = f"verifiableCredential[{report.index}]"
            for p in report.problems:
                out.append(Problem(p.code, p.message, f"{prefix}.{p.where}" if p.where else prefix))
        return out

    @property
    def codes(self) -> list[str]:
        """The codes of all problems, in order."""
        return [p.code for p in self.problems]

    @property
    def verified(self) -> bool:
        """True when the holder proof verified, no check failed and every credential verified."""
        return (
            not self.presentation_problems
            and any(p.verified for p in self.proofs)
            and all(c.verified for c in self.credentials)
        )

    def add(self, code: str, message: str, where: str = "") -> None:
        """Record a failed check on the presentation itself."""
        self.presentation_problems.append(Problem(code, message, where))

    def __bool__(self) -> bool:
        return self.verified

    def to_json(self) -> dict[str, Any]:
        """JSON form for ``mbo-vc verify --json``."""
        return {
            "verified": self.verified,
            "type": "VerifiablePresentation",
            "format": self.format,
            "holder": self.holder,
            "problems": [p.to_json() for p in self.presentation_problems],
            "warnings": [p.to_json() for p in self.warnings],
            "checks": list(self.checks),
            "proofs": [p.to_json() for p in self.proofs],
            "credentials": [c.to_json() for c in self.credentials],
        }


def _embed(credential: Mapping[str, Any] | str, index: int) -> dict[str, Any]:
    if isinstance(credential, str):
        if not is_compact_jws(credential):
            raise UsageError(f"credential {index} is a string but not a compact JWS (vc+jwt)")
        return envelope(credential)
    if not isinstance(credential, Mapping):
        raise UsageError(f"credential {index} must be a JSON object or a vc+jwt string")
    if "@context" not in credential:
        raise UsageError(
            f"credential {index} has no @context; inside a presentation every credential needs "
            "its own (credentials/v2 resets the context for verifiableCredential)"
        )
    return json.loads(json.dumps(credential))


def create_presentation(
    credentials: Sequence[Mapping[str, Any] | str],
    *,
    holder: str,
    id: str | None = None,
) -> dict[str, Any]:
    """An unsigned VC DM 2.0 presentation of ``credentials`` by ``holder``.

    Data Integrity credentials (dicts) are embedded as they are; a ``vc+jwt`` (compact JWS
    string) becomes an ``EnvelopedVerifiableCredential`` with a ``data:`` URL id.
    """
    if isinstance(credentials, str | Mapping):
        raise UsageError("credentials must be a list (of credentials or vc+jwt strings)")
    if len(credentials) > MAX_CREDENTIALS:
        raise UsageError(f"a presentation holds at most {MAX_CREDENTIALS} credentials")
    if not isinstance(holder, str) or not holder:
        raise UsageError("holder must be a DID (or URL)")
    vp: dict[str, Any] = {"@context": [VC_V2]}
    if id is not None:
        vp["id"] = id
    vp["type"] = ["VerifiablePresentation"]
    vp["holder"] = holder
    embedded = [_embed(c, i) for i, c in enumerate(credentials)]
    if embedded:
        vp["verifiableCredential"] = embedded
    return vp


def sign_presentation(
    presentation: Mapping[str, Any],
    key: Ed25519Key,
    *,
    challenge: str,
    domain: str | None = None,
    created: datetime | str | None = None,
    expires: datetime | str | None = None,
    cryptosuite: str = "eddsa-rdfc-2022",
    loader: DocumentLoader | None = None,
) -> dict[str, Any]:
    """Sign ``presentation`` as its holder (``authentication`` purpose, challenge, domain)."""
    if not isinstance(challenge, str) or not challenge:
        raise UsageError("a presentation proof needs the verifier's challenge")
    return sign(
        presentation, key, cryptosuite=cryptosuite, proof_purpose="authentication",
        created=created, expires=expires, challenge=challenge, domain=domain, loader=loader,
    )  # fmt: skip


def present(
    credentials: Sequence[Mapping[str, Any] | str],
    key: Ed25519Key,
    *,
    challenge: str,
    domain: str | None = None,
    created: datetime | str | None = None,
    expires: datetime | str | None = None,
    format: str = "data-integrity",
    id: str | None = None,
    loader: DocumentLoader | None = None,
) -> dict[str, Any] | str:
    """Build and sign a presentation of ``credentials`` whose holder is ``key.controller``.

    ``format="data-integrity"`` (default) returns the signed JSON; ``format="vp+jwt"`` returns a
    compact JWS (challenge and domain in its ``nonce`` / ``aud`` claims; ``expires`` as ``exp``).
    """
    vp = create_presentation(credentials, holder=key.controller, id=id)
    if format == "data-integrity":
        return sign_presentation(
            vp, key, challenge=challenge, domain=domain, created=created, expires=expires,
            loader=loader,
        )  # fmt: skip
    if format == "vp+jwt":
        claims: dict[str, Any] = {}
        if expires is not None:
            from mbo_vc.timestamps import parse_timestamp

            when = parse_timestamp(expires, "expires") if isinstance(expires, str) else expires
            claims["exp"] = int(when.timestamp())
        if not isinstance(challenge, str) or not challenge:
            raise UsageError("a presentation needs the verifier's challenge")
        return secure_jwt(vp, key, challenge=challenge, domain=domain, claims=claims)
    raise UsageError("format must be 'data-integrity' or 'vp+jwt'")


# --- verification ----------------------------------------------------------------------------


def is_presentation(data: Mapping[str, Any] | str | bytes) -> bool:
    """True when ``data`` looks like a presentation (JSON with type VerifiablePresentation, an
    EnvelopedVerifiablePresentation, or a vp+jwt / VC 1.1 JWT presentation). Never raises."""
    try:
        if isinstance(data, bytes):
            data = data.decode("utf-8")
        if isinstance(data, str):
            text = data.strip()
            if is_compact_jws(text):
                from mbo_vc.jose import decode_jwt

                header, payload = decode_jwt(text)
                return header.get("typ") in ("vp+jwt", VP_JWT_MEDIA_TYPE) or "vp" in payload
            data = parse_json(text)
        types = types_of(data)
        return "VerifiablePresentation" in types or "EnvelopedVerifiablePresentation" in types
    except (MboVcError, UnicodeDecodeError):
        return False


def verify_presentation(
    presentation: Mapping[str, Any] | str | bytes,
    *,
    challenge: str,
    domain: str | None = None,
    now: datetime | str | None = None,
    resolver: DidResolver | None = None,
    loader: DocumentLoader | None = None,
    policy: VerifierPolicy | None = None,
    credential_options: Mapping[str, Any] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> PresentationResult:
    """Verify a presentation (Data Integrity JSON, or a vp+jwt / VC 1.1 JWT presentation).

    The holder proof must be an ``authentication`` proof by a key the holder controls and lists
    under ``authentication``, with the verifier's ``challenge`` (always required) and, when
    ``domain`` is given, that domain; an expired proof fails (``proof_expired``). Every embedded
    credential is verified with the full pipeline and reported in ``result.credentials``;
    unless ``policy.holder_binding == "none"``, each must have a ``credentialSubject.id`` equal
    to the holder (``holder_mismatch``). ``credential_options`` are passed on to
    :func:`mbo_vc.verify` for each Data Integrity credential (e.g. a status checker).
    Never raises for bad input; raises :class:`~mbo_vc.errors.UsageError` without a challenge.
    """
    if not isinstance(challenge, str) or not challenge:
        raise UsageError("verify_presentation needs the challenge the verifier issued")
    policy = policy or VerifierPolicy()
    result = PresentationResult()
    try:
        clock = policy.clock(now)
    except MboVcError as exc:
        result.add(exc.code, exc.message)
        return result
    try:
        vp = _verify_holder_proof(
            presentation, result, challenge, domain, clock, resolver, loader, policy, limits
        )
        if vp is not None:
            _verify_credentials(vp, result, clock, resolver, loader, policy,
                                dict(credential_options or {}), limits)  # fmt: skip
    except MboVcError as exc:
        result.add(exc.code, exc.message)
    except RecursionError:
        result.add("limit_exceeded", "the presentation is nested too deeply to process")
    return result


def _verify_holder_proof(
    presentation: Mapping[str, Any] | str | bytes,
    result: PresentationResult,
    challenge: str,
    domain: str | None,
    clock: datetime,
    resolver: DidResolver | None,
    loader: DocumentLoader | None,
    policy: VerifierPolicy,
    limits: Limits,
) -> dict[str, Any] | None:
    if isinstance(presentation, bytes):
        try:
            presentation = presentation.decode("utf-8")
        except UnicodeDecodeError:
            result.add("malformed_document", "the presentation is not UTF-8 text")
            return None
    if isinstance(presentation, str) and is_compact_jws(presentation):
        return _verify_jwt_presentation(
            presentation, result, challenge, domain, clock, resolver, policy, limits
        )
    if isinstance(presentation, str):
        vp = parse_json(presentation, limits=limits)
    elif isinstance(presentation, Mapping):
        check_structure(presentation, limits=limits)
        vp = dict(presentation)
    else:
        result.add("malformed_document", "the presentation must be a JSON object or a vp+jwt")
        return None
    if "EnvelopedVerifiablePresentation" in types_of(vp):
        media, token = unenvelope(vp)
        if media != VP_JWT_MEDIA_TYPE:
            result.add("invalid_envelope", f"enveloped presentation of type {media[:60]}")
            return None
        return _verify_jwt_presentation(
            token, result, challenge, domain, clock, resolver, policy, limits
        )
    result.document = vp
    ctx = vp.get("@context")
    first = ctx[0] if isinstance(ctx, list) and ctx else ctx
    if first not in (VC_V2, VC_V1):
        result.add("not_a_presentation", f"the first @context must be {VC_V2}")
    if "VerifiablePresentation" not in types_of(vp):
        result.add("not_a_presentation", "type does not include VerifiablePresentation")
    holder = vp.get("holder")
    holder = holder.get("id") if isinstance(holder, Mapping) else holder
    result.holder = holder if isinstance(holder, str) else None
    if result.holder is None:
        result.add("missing_holder", "the presentation names no holder", "holder")
    try:  # the same compacted-form rule as for credentials (a JSON reader sees the holder …)
        check_compact_form(vp)
    except MboVcError as exc:
        result.add(exc.code, exc.message)
    result.checks.append("structure")

    proofs = as_proof_list(vp.get("proof"))
    if not proofs:
        result.add("no_proof", "the presentation has no holder proof", "proof")
        return vp
    if len(proofs) > limits.max_proofs:
        result.add("limit_exceeded", f"more than {limits.max_proofs} proofs")
        return None
    result.proofs = verify_proofs(
        vp, loader=loader, resolver=resolver, expected_proof_purpose="authentication",
        challenge=challenge, domain=domain, now=clock - policy.clock_skew,
        accepted_cryptosuites=policy.accepted_cryptosuites, limits=limits,
    )  # fmt: skip
    for proof in result.proofs:
        result.presentation_problems.extend(proof.problems)
        result.warnings.extend(proof.warnings)
    result.checks.append("holder_proof")
    known = [p.controller for p in result.proofs if p.controller]
    if result.holder is not None and known and result.holder not in known:
        result.add(
            "vm_not_authorized",
            f"the holder proof is not made by a key that the holder {result.holder} controls "
            f"(its key is controlled by {', '.join(sorted(set(known)))})",
            "proof",
        )
    result.checks.append("holder_authorization")
    return vp


def _verify_jwt_presentation(
    token: str,
    result: PresentationResult,
    challenge: str,
    domain: str | None,
    clock: datetime,
    resolver: DidResolver | None,
    policy: VerifierPolicy,
    limits: Limits,
) -> dict[str, Any] | None:
    jwt_result = verify_jwt(
        token, expected="presentation", now=clock, resolver=resolver, challenge=challenge,
        domain=domain, policy=policy, limits=limits,
    )  # fmt: skip
    result.format = "vp+jwt"
    result.proofs = jwt_result.proofs
    result.presentation_problems.extend(jwt_result.problems)
    result.checks.extend(jwt_result.checks)
    vp = jwt_result.document
    if vp is None:
        return None
    contexts = vp.get("@context")
    if isinstance(contexts, list) and VC_V1 in contexts:
        result.format = "jwt-vp-1.1"
    result.document = vp
    holder = vp.get("holder")
    holder = holder.get("id") if isinstance(holder, Mapping) else holder
    result.holder = holder if isinstance(holder, str) else None
    if result.holder is None:
        result.add("missing_holder", "the presentation names no holder", "holder")
    return vp


def _verify_credentials(
    vp: Mapping[str, Any],
    result: PresentationResult,
    clock: datetime,
    resolver: DidResolver | None,
    loader: DocumentLoader | None,
    policy: VerifierPolicy,
    options: dict[str, Any],
    limits: Limits,
) -> None:
    entries = vp.get("verifiableCredential")
    if entries is None:
        entries = []
    elif not isinstance(entries, list):
        entries = [entries]
    if len(entries) > MAX_CREDENTIALS:
        result.add("limit_exceeded", f"more than {MAX_CREDENTIALS} credentials")
        return
    per_credential = dataclasses.replace(policy, required_types=frozenset())
    for index, entry in enumerate(entries):
        report = _verify_one_credential(
            index, entry, clock, resolver, loader, per_credential, options, limits
        )
        if policy.holder_binding == "subject" and report.result.document is not None:
            report.holder_bound = _bound_to(report.result.document, result.holder)
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
    result.checks.append("credentials")
    if result.holder is not None and policy.holder_binding == "subject":
        result.checks.append("holder_binding")
    for wanted in sorted(policy.required_types):
        if not any(
            r.verified and wanted in types_of(r.result.document or {}) for r in result.credentials
        ):
            result.add("missing_type", f"no verified credential of the required type {wanted}")
    if policy.required_types:
        result.checks.append("required_types")


def _bound_to(document: Mapping[str, Any] | None, holder: str | None) -> bool:
    if holder is None or not isinstance(document, Mapping):
        return False
    subjects = document.get("credentialSubject")
    subjects = subjects if isinstance(subjects, list) else [subjects]
    return any(isinstance(s, Mapping) and s.get("id") == holder for s in subjects)


def _verify_one_credential(
    index: int,
    entry: Any,
    clock: datetime,
    resolver: DidResolver | None,
    loader: DocumentLoader | None,
    policy: VerifierPolicy,
    options: dict[str, Any],
    limits: Limits,
) -> CredentialReport:
    token: str | None = None
    if isinstance(entry, str):
        token = entry
    elif isinstance(entry, Mapping) and "EnvelopedVerifiableCredential" in types_of(entry):
        try:
            media, token = unenvelope(entry)
        except MboVcError as exc:
            failed = VerificationResult()
            failed.add(exc.code, exc.message, "id")
            return CredentialReport(index, "unknown", failed, problems=list(failed.problems))
        if media != VC_JWT_MEDIA_TYPE:
            failed = VerificationResult()
            failed.add(
                "invalid_envelope",
                f"enveloped credentials of type {media[:60]} are not supported "
                f"(only {VC_JWT_MEDIA_TYPE})",
                "id",
            )
            return CredentialReport(index, media[:60], failed, problems=list(failed.problems))
    if token is not None:
        res = verify_jwt(
            token, expected="credential", now=clock, resolver=resolver, policy=policy,
            status=options.get("status"), limits=limits,
        )  # fmt: skip
        doc = res.document or {}
        ctx = doc.get("@context")
        legacy = isinstance(ctx, list) and VC_V1 in ctx
        fmt = "jwt-vc-1.1" if legacy else "vc+jwt"
        return CredentialReport(index, fmt, res, problems=list(res.problems))
    if not isinstance(entry, Mapping):
        failed = VerificationResult()
        failed.add("malformed_document", "a presented credential must be a JSON object or a JWT")
        return CredentialReport(index, "unknown", failed, problems=list(failed.problems))
    res = verify(
        entry, now=clock, loader=loader, resolver=resolver, policy=policy, limits=limits,
        **options,
    )  # fmt: skip
    return CredentialReport(index, "data-integrity", res, problems=list(res.problems))


# --- demo ------------------------------------------------------------------------------------


def wallet_demo(out: Path, issuer: Ed25519Key, *, domain: str = "werkgever.example") -> bool:
    """Demo step for ``mbo-vc demo``: a learner presents a diploma and a JWT-secured copy.

    Writes ``holder-key.secret.json``, ``mbo-diploma.vc-jwt.txt`` (the JWT-secured credential),
    ``presentation.json`` and ``presentation.challenge.json`` (the challenge and domain the
    verifier asked for, and the command that verifies it) to ``out``. Returns True when every
    step behaved as expected (the presentation verifies; a replay with another challenge fails).
    """
    from mbo_vc.demo import example_diploma

    out.mkdir(parents=True, exist_ok=True)
    holder = Ed25519Key.generate()
    holder.save(out / "holder-key.secret.json", overwrite=True)
    credential = example_diploma(issuer.did)
    credential["credentialSubject"]["id"] = holder.did
    signed = sign(credential, issuer)
    jwt = secure_jwt(credential, issuer)
    (out / "mbo-diploma.vc-jwt.txt").write_text(jwt + "\n", encoding="utf-8")
    jwt_ok = verify_jwt(jwt, expected="credential").verified
    print(f"JWT-secured credential (vc+jwt, EdDSA): mbo-diploma.vc-jwt.txt: verified={jwt_ok}")

    challenge = str(uuid.uuid4())
    vp = present([signed, jwt], holder, challenge=challenge, domain=domain,
                 expires=datetime.now().astimezone() + timedelta(hours=1))  # fmt: skip
    (out / "presentation.json").write_text(
        json.dumps(vp, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out / "presentation.challenge.json").write_text(
        json.dumps(
            {
                "challenge": challenge,
                "domain": domain,
                "holder": holder.did,
                "verify": f"mbo-vc verify {out / 'presentation.json'} --challenge {challenge} "
                f"--domain {domain}",
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    good = verify_presentation(vp, challenge=challenge, domain=domain)
    print(
        f"presentation by {holder.did[:24]}… (2 credentials: Data Integrity + vc+jwt): "
        f"presentation.json: verified={good.verified}"
    )
    replay = verify_presentation(vp, challenge=str(uuid.uuid4()), domain=domain)
    print(f"  replayed with another challenge: verified={replay.verified} {replay.codes}")
    return jwt_ok and good.verified and not replay.verified and "challenge_mismatch" in replay.codes
