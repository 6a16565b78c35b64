"""Verification (VC DM 2.0 §7): one road for every credential, presentation and JWT.

- :mod:`~mbo_vc.verification.pipeline`: the road (load → detect → secure → verified view →
  structure → authorization → validity → status → policy → result);
- :mod:`~mbo_vc.data_model.view`: the verified view every check reads;
- :mod:`~mbo_vc.verification.data_integrity` and :mod:`~mbo_vc.verification.jwt`: the securing
  steps (Data Integrity proofs, JWS);
- :mod:`mbo_vc.data_model`: the verified view and the data model rules (shared with signing);
- :mod:`~mbo_vc.verification.status`: the status step and the interface checkers implement;
- :mod:`~mbo_vc.verification.trust`: the trust-list step and the interface trust lists implement;
- :mod:`~mbo_vc.verification.rules`: the credential-rules step and the interface a domain's rules
  implement (the mbo rules: :mod:`mbo_vc.verifier` gives them to every public entry point);
- :mod:`~mbo_vc.verification.policy`: what a verifier accepts.
"""

from mbo_vc.data_model.view import CredentialView, PresentationView
from mbo_vc.result import (
    CredentialReport,
    PresentationResult,
    Problem,
    ProofResult,
    StatusOutcome,
    VerificationResult,
)
from mbo_vc.verification.pipeline import (
    MAX_CREDENTIALS,
    is_presentation,
    verify,
    verify_jwt,
    verify_presentation,
    verify_proofs,
)
from mbo_vc.verification.policy import RequiredSigner, VerifierPolicy
from mbo_vc.verification.rules import CredentialRules
from mbo_vc.verification.status import StatusCheck
from mbo_vc.verification.trust import TrustCheck, TrustOutcome

__all__ = [
    "MAX_CREDENTIALS",
    "CredentialReport",
    "CredentialRules",
    "CredentialView",
    "PresentationResult",
    "PresentationView",
    "Problem",
    "ProofResult",
    "RequiredSigner",
    "StatusCheck",
    "StatusOutcome",
    "TrustCheck",
    "TrustOutcome",
    "VerificationResult",
    "VerifierPolicy",
    "is_presentation",
    "verify",
    "verify_jwt",
    "verify_presentation",
    "verify_proofs",
]
