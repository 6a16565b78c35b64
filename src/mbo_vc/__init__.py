"""mbo_vc: Dutch mbo waardepapieren as W3C Verifiable Credentials, offline-verifiable.

The few names a user needs::

    from mbo_vc import Ed25519Key, sign, verify
    key = Ed25519Key.generate()      # or EcKey.generate("P-256"), load_key("key.json")
    signed = sign(credential, key)
    result = verify(signed)          # result.verified, result.problems
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from mbo_vc.sd_jwt_vc import SdJwtVcOptions
    from mbo_vc.signing import sign
    from mbo_vc.status import StatusChecker
    from mbo_vc.verification import RequiredSigner, VerifierPolicy
    from mbo_vc.verifier import verify, verify_jwt, verify_presentation

# Each public name and the module it lives in: importing mbo_vc loads none of them (the command
# line and scripts pay only for what they use); the first use of a name imports its module.
# verify, verify_presentation and verify_jwt are mbo_vc.verifier's: the one road with the mbo
# rules (mbo_vc.verification holds the pipeline they call).
_LAZY = {
    "SignResult": "mbo_vc.batch",
    "issue_many": "mbo_vc.batch",
    "sign_many": "mbo_vc.batch",
    "verify_many": "mbo_vc.batch",
    "DidResolver": "mbo_vc.did",
    "MboVcError": "mbo_vc.errors",
    "DocumentLoader": "mbo_vc.jsonld",
    "EcKey": "mbo_vc.keys",
    "Ed25519Key": "mbo_vc.keys",
    "load_key": "mbo_vc.keys",
    "Limits": "mbo_vc.limits",
    "present": "mbo_vc.presentation",
    "CredentialReport": "mbo_vc.result",
    "PresentationResult": "mbo_vc.result",
    "Problem": "mbo_vc.result",
    "ProofResult": "mbo_vc.result",
    "StatusOutcome": "mbo_vc.result",
    "VerificationResult": "mbo_vc.result",
    "SdJwtVcOptions": "mbo_vc.sd_jwt_vc",
    "sign": "mbo_vc.signing",
    "StatusChecker": "mbo_vc.status",
    "RequiredSigner": "mbo_vc.verification",
    "VerifierPolicy": "mbo_vc.verification",
    "verify": "mbo_vc.verifier",
    "verify_jwt": "mbo_vc.verifier",
    "verify_presentation": "mbo_vc.verifier",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mbo_vc' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


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
    "SdJwtVcOptions",
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
