"""Typed verification results: every failed check is a :class:`Problem` with a stable code.

The codes are those of :data:`mbo_vc.errors.CODES` (the one list). A result says which checks
ran (``checks``), which failed (``problems``), what did not fail but deserves a look
(``warnings``), each proof on its own (``proofs``) and each status entry as checked
(``status``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mbo_vc.errors import CODES, redact, redact_json

if TYPE_CHECKING:
    from mbo_vc.data_model.view import CredentialView, PresentationView

__all__ = [
    "PROBLEM_CODES",
    "CredentialReport",
    "PresentationResult",
    "Problem",
    "ProofResult",
    "StatusOutcome",
    "TrustedIssuer",
    "VerificationResult",
]

PROBLEM_CODES = CODES
"""Every code a problem (or an exception) can carry, with its meaning (see :data:`CODES`)."""


def _safe(out: dict[str, Any]) -> dict[str, Any]:
    """A result's JSON form with secrets redacted wherever they sit (ids, controllers …)."""
    safe = redact_json(out)
    assert isinstance(safe, dict)
    return safe


@dataclass(frozen=True)
class Problem:
    """One failed check: a stable machine-readable ``code`` and a human ``message``.

    The message (and ``where``) never contain secret key material (see
    :func:`mbo_vc.errors.redact`), whatever input they quote.
    """

    code: str
    message: str
    where: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", redact(self.message)[:2000])
        object.__setattr__(self, "where", redact(self.where)[:300])

    def to_json(self) -> dict[str, str]:
        """JSON form (``code``, ``message`` and, when known, ``where``)."""
        out = {"code": self.code, "message": self.message}
        if self.where:
            out["where"] = self.where
        return out


@dataclass
class ProofResult:
    """The result of checking one proof of a proof set or chain (or of one JWS).

    The members (purpose, verification method, dates, chain) are those the signature covers: read
    from the signed proof configuration, not from the proof's JSON spelling.
    """

    index: int
    type: str | None
    cryptosuite: str | None
    verification_method: str | None
    proof_purpose: str | None
    signature_valid: bool = False
    controller: str | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    id: str | None = None
    previous_proof: tuple[str, ...] = ()
    created: str | None = None
    expires: str | None = None

    @property
    def verified(self) -> bool:
        """True when the signature verified and no check failed for this proof."""
        return self.signature_valid and not self.problems

    def to_json(self) -> dict[str, Any]:
        """JSON form of this proof's result."""
        out: dict[str, Any] = {
            "index": self.index,
            "type": self.type,
            "cryptosuite": self.cryptosuite,
            "verificationMethod": self.verification_method,
            "proofPurpose": self.proof_purpose,
            "controller": self.controller,
            "signatureValid": self.signature_valid,
            "verified": self.verified,
            "problems": [p.to_json() for p in self.problems],
        }
        if self.id is not None:
            out["id"] = self.id
        if self.previous_proof:
            out["previousProof"] = list(self.previous_proof)
        if self.created is not None:
            out["created"] = self.created
        if self.expires is not None:
            out["expires"] = self.expires
        return out


@dataclass(frozen=True)
class StatusOutcome:
    """What checking one ``credentialStatus`` entry found (the pipeline's status step)."""

    where: str
    purpose: str | None = None
    list_credential: str | None = None
    index: int | None = None
    status: int | None = None
    """The status value read from the list (None when it could not be read)."""
    problem: Problem | None = None
    warning: Problem | None = None
    message: str | None = None
    """The entry's ``statusMessage`` text for this value, when it has one."""
    entry: Any = None
    """The parsed entry (:class:`mbo_vc.status.StatusEntry`) when it could be parsed."""

    @property
    def ok(self) -> bool:
        """True when the entry was checked and reports nothing against the credential."""
        return self.problem is None and self.status is not None

    def summary(self) -> str:
        """One line for people: what was checked and what it said."""
        ref = f"list {self.list_credential} index {self.index}" if self.list_credential else ""
        if self.problem is not None:
            return f"{self.purpose or 'status'}: {self.problem.code} ({self.problem.message})"
        if self.status is None:
            what = self.warning.message if self.warning else "not checked"
            return f"{self.purpose or 'status'}: {what}"
        state = {"revocation": "not revoked", "suspension": "not suspended"}.get(
            self.purpose or "", f"status {hex(self.status)}"
        )
        if self.message:
            state += f" ({self.message})"
        return f"{self.purpose}: {state}, {ref} checked"

    def to_json(self) -> dict[str, Any]:
        """JSON form of this outcome."""
        return {
            "where": self.where,
            "purpose": self.purpose,
            "statusListCredential": self.list_credential,
            "statusListIndex": self.index,
            "status": self.status,
            "message": self.message,
            "problem": self.problem.to_json() if self.problem else None,
            "warning": self.warning.to_json() if self.warning else None,
        }


@dataclass(frozen=True)
class TrustedIssuer:
    """An issuer as the verifier's trust list names it (read from the verified trust list).

    ``types`` are the waardepapier kinds (``mbo-diploma`` …) the list lets it issue.
    """

    id: str
    name: str | None = None
    brin: str | None = None
    oin: str | None = None
    types: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """JSON form (``id``, ``name``, ``brin``, ``oin``, ``types``)."""
        return {
            "id": self.id,
            "name": self.name,
            "brin": self.brin,
            "oin": self.oin,
            "types": list(self.types),
        }


class _Findings:
    """What both result kinds record besides problems: warnings and the checks that ran."""

    warnings: list[Problem]
    checks: list[str]

    @property
    def verified(self) -> bool:
        """True when every check passed."""
        raise NotImplementedError

    def warn(self, code: str, message: str, where: str = "") -> None:
        """Record a finding that does not fail verification."""
        self.warnings.append(Problem(code, message, where))

    def check(self, name: str) -> None:
        """Record that the check ``name`` ran."""
        if name not in self.checks:
            self.checks.append(name)

    def __bool__(self) -> bool:
        return self.verified


@dataclass
class VerificationResult(_Findings):
    """What ``mbo_vc.verify`` found: ``verified`` is True only when no check failed.

    ``document`` is the input as JSON (the payload for a JWT); ``view`` is the credential as its
    signature covers it, from which every check read (see docs/verification.md).
    """

    problems: list[Problem] = field(default_factory=list)
    proofs: list[ProofResult] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    document: dict[str, Any] | None = None
    view: CredentialView | None = None
    format: str = "data-integrity"
    """``data-integrity``, ``vc+jwt``, ``vc+sd-jwt``, ``jwt-vc-1.1``, ``dc+sd-jwt`` or
    ``unknown``."""
    status: list[StatusOutcome] = field(default_factory=list)
    not_a_document: bool = False
    """True when the input was not a document at all (not JSON, not a JWT): the CLI exits 2."""
    embedded: list[CredentialReport] = field(default_factory=list)
    """The credentials a CLR embeds (``credentialSubject.verifiableCredential``), each verified
    on the same road."""
    trusted_issuer: TrustedIssuer | None = None
    """The issuer as the verifier's trust list names it (``VerifierPolicy(trust_list=...)``):
    None without a trust list, or when the issuer is not on a verified one."""
    disclosed: list[str] = field(default_factory=list)
    """For an SD-JWT VC (``dc+sd-jwt``) or a ``vc+sd-jwt``: the paths of the selectively
    disclosed claims that were presented (``document`` holds the processed claims, disclosures
    in place)."""

    @property
    def verified(self) -> bool:
        """True when every check passed (and at least one proof verified), embedded credentials
        included."""
        return (
            not self.problems
            and any(p.verified for p in self.proofs)
            and all(c.verified for c in self.embedded)
        )

    @property
    def codes(self) -> list[str]:
        """The codes of all problems, in order."""
        return [p.code for p in self.problems]

    def add(self, code: str, message: str, where: str = "") -> None:
        """Record a failed check."""
        self.problems.append(Problem(code, message, where))

    def to_json(self) -> dict[str, Any]:
        """JSON form for ``mbo-vc verify --json``."""
        out: dict[str, Any] = {
            "verified": self.verified,
            "format": self.format,
            "problems": [p.to_json() for p in self.problems],
            "warnings": [p.to_json() for p in self.warnings],
            "checks": list(self.checks),
            "proofs": [p.to_json() for p in self.proofs],
        }
        if self.status:
            out["status"] = [s.to_json() for s in self.status]
        if self.view is not None:
            out["credential"] = self.view.summary()
        if self.embedded:
            out["embedded"] = [c.to_json() for c in self.embedded]
        if self.trusted_issuer is not None:
            out["trustedIssuer"] = self.trusted_issuer.to_json()
        if self.format == "dc+sd-jwt" and self.document is not None:
            out["claims"] = self.document
            out["disclosed"] = list(self.disclosed)
        elif self.format == "vc+sd-jwt":
            out["disclosed"] = list(self.disclosed)
        return _safe(out)


@dataclass
class CredentialReport:
    """What the verifier found for one credential of a presentation."""

    index: int
    format: str
    """``data-integrity``, ``vc+jwt``, ``jwt-vc-1.1`` or ``unknown``."""
    result: VerificationResult
    holder_bound: bool | None = None
    """True/False when holder binding was checked, None when it did not apply."""
    problems: list[Problem] = field(default_factory=list)
    """Every problem of this credential (the pipeline's and the holder binding's)."""

    @property
    def verified(self) -> bool:
        """True when the credential verified and every check on it passed."""
        return self.result.verified and not self.problems

    @property
    def id(self) -> str | None:
        """The credential's ``id`` (as signed), when it has one."""
        view = self.result.view
        return view.id if view is not None else None

    @property
    def issuer(self) -> str | None:
        """The credential's issuer id (as signed)."""
        view = self.result.view
        return view.issuer if view is not None else None

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
        failed = {check_of(p.code) for p in self.problems}
        out = {name: name not in failed for name in names}
        for name in failed:
            out[name] = False
        return out

    def to_json(self) -> dict[str, Any]:
        """JSON form of this report."""
        out: dict[str, Any] = {
            "index": self.index,
            "format": self.format,
            "id": self.id,
            "issuer": self.issuer,
            "verified": self.verified,
            "holderBound": self.holder_bound,
            "checks": self.checks,
            "problems": [p.to_json() for p in self.problems],
            "warnings": [p.to_json() for p in self.result.warnings],
            "proofs": [p.to_json() for p in self.result.proofs],
        }
        if self.result.status:
            out["status"] = [s.to_json() for s in self.result.status]
        return _safe(out)


_CHECK_OF_CODE = {
    "vm_not_authorized": "issuer_authorization",
    "jwt_kid_mismatch": "issuer_authorization",
    "expired": "validity_period",
    "not_yet_valid": "validity_period",
    "invalid_date": "validity_period",
    "untrusted_issuer": "policy",
    "missing_type": "policy",
    "missing_signer": "policy",
    "proof_chain_broken": "policy",
    "issuer_not_on_trust_list": "trust_list",
    "type_not_allowed_for_issuer": "trust_list",
    "issuer_identifier_mismatch": "trust_list",
    "trust_list_invalid": "trust_list",
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
    "hidden_credential": "embedded_credentials",
    "embedded_credential_invalid": "embedded_credentials",
    "revoked": "status",
    "suspended": "status",
    "malformed_status_entry": "status",
    "kb_jwt_missing": "key_binding",
    "kb_jwt_invalid": "key_binding",
    "kb_jwt_nonce_mismatch": "key_binding",
    "kb_jwt_aud_mismatch": "key_binding",
    "kb_jwt_sd_hash_mismatch": "key_binding",
    "kb_jwt_time_invalid": "key_binding",
    "key_binding_not_checked": "key_binding",
    "sd_jwt_vc_invalid": "structure",
    "issuer_key_unresolved": "issuer_authorization",
    "certificate_chain_untrusted": "issuer_authorization",
    "issuer_metadata_invalid": "issuer_authorization",
    "type_metadata_integrity_mismatch": "credential_schema",
}


def check_of(code: str) -> str:
    """The name of the check a problem code belongs to (``proofs`` by default)."""
    if code in _CHECK_OF_CODE:
        return _CHECK_OF_CODE[code]
    if code.startswith("status"):
        return "status"
    return "proofs"


@dataclass
class PresentationResult(_Findings):
    """What :func:`mbo_vc.verify_presentation` found: the holder proof and every credential."""

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
    view: PresentationView | None = None
    not_a_document: bool = False

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

    def to_json(self) -> dict[str, Any]:
        """JSON form for ``mbo-vc verify --json``."""
        return _safe(
            {
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
        )
