"""mbo_vc: Dutch mbo waardepapieren as W3C Verifiable Credentials, offline-verifiable.

The few names a user needs::

    from mbo_vc import Ed25519Key, sign, verify
    key = Ed25519Key.generate()      # or EcKey.generate("P-256"), load_key("key.json")
    signed = sign(credential, key)
    result = verify(signed)          # result.verified, result.problems
    results = verify_many(paths)     # many, on all cores, in order (docs/batches.md)
"""

from mbo_vc.batch import SignResult, issue_many, sign_many, verify_many
from mbo_vc.did import DidResolver
from mbo_vc.errors import MboVcError
from mbo_vc.jsonld import DocumentLoader
from mbo_vc.keys import EcKey, Ed25519Key, load_key
from mbo_vc.limits import Limits
from mbo_vc.presentation import present
from mbo_vc.result import (
    CredentialReport,
    PresentationResult,
    Problem,
    ProofResult,
    StatusOutcome,
    VerificationResult,
)
from mbo_vc.signing import sign
from mbo_vc.status import StatusChecker
from mbo_vc.verification import (
    RequiredSigner,
    VerifierPolicy,
    verify,
    verify_jwt,
    verify_presentation,
)

__all__ = [
    "CredentialReport",
    "DidResolver",
    "DocumentLoader",
    "EcKey",
    "Ed25519Key",
    "Limits",
    "MboVcError",
    "PresentationResult",
    "Problem",
    "ProofResult",
    "RequiredSigner",
    "SignResult",
    "StatusChecker",
    "StatusOutcome",
    "VerificationResult",
    "VerifierPolicy",
    "issue_many",
    "load_key",
    "present",
    "sign",
    "sign_many",
    "verify",
    "verify_jwt",
    "verify_many",
    "verify_presentation",
]

__version__ = "0.1.0"
