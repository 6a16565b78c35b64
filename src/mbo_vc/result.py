"""Typed verification results: every failed check is a :class:`Problem` with a stable code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["PROBLEM_CODES", "Problem", "ProofResult", "VerificationResult"]

PROBLEM_CODES: dict[str, str] = {
    "malformed_document": "the input is not a usable JSON object",
    "internal_error": "an unexpected error inside mbo_vc (a bug: please report it)",
    "limit_exceeded": "the input exceeds a safety limit",
    "duplicate_key": "the JSON has a duplicate member",
    "invalid_number": "a JSON number that parsers disagree on",
    "unknown_context": "a JSON-LD context that is neither bundled nor registered",
    "context_integrity": "a pinned context does not match its sha256",
    "dropped_term": "a term the context does not define (JSON-LD would drop it unsigned)",
    "relative_iri": "a relative IRI where an absolute one is needed",
    "invalid_value": "a value JSON-LD would drop or cannot represent",
    "protected_term_redefinition": "a context redefines a protected term",
    "invalid_jsonld": "JSON-LD processing failed",
    "canonicalization_failed": "RDF canonicalisation failed",
    "canonicalization_limit": "RDF canonicalisation exceeded its work budget",
    "non_compact_form": "a member spelled as a full IRI, compact IRI or keyword alias",
    "included_block": "an @included block (data a JSON reader would not see where expected)",
    "embedded_verification_method": "the proof embeds its key instead of referencing it",
    "proof_type_mismatch": "the proof type does not go with its cryptosuite",
    "not_a_credential": "the document is not a verifiable credential",
    "no_proof": "the document has no proof",
    "malformed_proof": "a proof lacks a required member or has a malformed one",
    "unsupported_cryptosuite": "the proof type or cryptosuite is not supported or not accepted",
    "context_mismatch": "the proof's @context does not match the document's",
    "missing_previous_proof": "a proof chain refers to a proof that is not present",
    "invalid_signature": "the signature does not verify",
    "invalid_key": "the verification method's key is malformed",
    "vm_unresolvable": "the verification method could not be resolved",
    "vm_not_authorized": "the key is not authorized by the issuer for this proof purpose",
    "proof_purpose_mismatch": "the proof purpose is not the one expected",
    "challenge_mismatch": "the proof's challenge is missing or not the expected one",
    "domain_mismatch": "the proof's domain is missing or not the expected one",
    "proof_expired": "the proof's expires time has passed",
    "proof_not_yet_valid": "the proof's created time lies in the future",
    "missing_issuer": "the credential has no issuer",
    "invalid_field": "a field does not fit the OBv3 / mbo model (the message names it)",
    "missing_signer": "a required signer (e.g. examencommissie, bevoegd gezag) has no valid proof",
    "proof_chain_broken": "the bevoegd gezag's proof does not chain to the examencommissie's proof",
    "invalid_date": "a date is not a valid XML Schema dateTimeStamp",
    "not_yet_valid": "the credential's validFrom lies in the future",
    "expired": "the credential's validUntil has passed",
    "revoked": "a revocation status entry is set: the issuer revoked the credential",
    "suspended": "a suspension status entry is set: the credential is suspended",
    "status_message": "a message status entry has a non-zero value (the message says which)",
    "status_unavailable": "a status list cannot be fetched, verified or decoded, or is not valid",
    "status_list_issuer_mismatch": "the status list credential's issuer is not the credential's",
    "status_index_out_of_range": "a statusListIndex (times statusSize) lies outside its list",
    "malformed_status_entry": "a credentialStatus entry lacks a required member or is malformed",
    "status_not_checked": "(warning) credentialStatus present but not checked (no checker given)",
    "not_a_presentation": "the document is not a verifiable presentation",
    "missing_holder": "the presentation names no holder",
    "holder_mismatch": "a presented credential's subject is not the presentation's holder",
    "invalid_envelope": "an enveloped credential is not a data: URL of a supported media type",
    "untrusted_issuer": "the issuer is not on the verifier's list of trusted issuers",
    "missing_type": "a credential type the verifier requires is missing",
    "jwt_malformed": "not a well-formed compact JWS/JWT (or an unsupported header such as crit)",
    "jwt_alg_not_allowed": "the JWS alg is none, HMAC, not accepted, or does not fit the key",
    "jwt_bad_type": "the JOSE typ/cty is not the expected media type (vc+jwt, vp+jwt, JWT)",
    "jwt_kid_mismatch": "the JWS kid does not name a verification method of the issuer/holder",
    "jwt_claim_mismatch": "a JWT claim contradicts the credential (iss vs issuer, jti vs id …)",
    "jwt_forbidden_claim": "a vc+jwt / vp+jwt payload carries the VC 1.1 vc or vp claim",
}


@dataclass(frozen=True)
class Problem:
    """One failed check: a stable machine-readable ``code`` and a human ``message``."""

    code: str
    message: str
    where: str = ""

    def to_json(self) -> dict[str, str]:
        """JSON form (``code``, ``message`` and, when known, ``where``)."""
        out = {"code": self.code, "message": self.message}
        if self.where:
            out["where"] = self.where
        return out


@dataclass
class ProofResult:
    """The result of checking one proof of a proof set or chain."""

    index: int
    type: str | None
    cryptosuite: str | None
    verification_method: str | None
    proof_purpose: str | None
    signature_valid: bool = False
    controller: str | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        """True when the signature verified and no check failed for this proof."""
        return self.signature_valid and not self.problems

    def to_json(self) -> dict[str, Any]:
        """JSON form of this proof's result."""
        return {
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


@dataclass
class VerificationResult:
    """What ``mbo_vc.verify`` found: ``verified`` is True only when no check failed."""

    problems: list[Problem] = field(default_factory=list)
    proofs: list[ProofResult] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    document: dict[str, Any] | None = None

    @property
    def verified(self) -> bool:
        """True when every check passed (and at least one proof verified)."""
        return not self.problems and any(p.verified for p in self.proofs)

    @property
    def codes(self) -> list[str]:
        """The codes of all problems, in order."""
        return [p.code for p in self.problems]

    def add(self, code: str, message: str, where: str = "") -> None:
        """Record a failed check."""
        self.problems.append(Problem(code, message, where))

    def __bool__(self) -> bool:
        return self.verified

    def to_json(self) -> dict[str, Any]:
        """JSON form for ``mbo-vc verify --json``."""
        return {
            "verified": self.verified,
            "problems": [p.to_json() for p in self.problems],
            "warnings": [p.to_json() for p in self.warnings],
            "checks": list(self.checks),
            "proofs": [p.to_json() for p in self.proofs],
        }
