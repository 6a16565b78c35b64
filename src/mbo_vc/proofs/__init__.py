"""Data Integrity proofs: the core (:mod:`mbo_vc.proofs.core`) and one module per cryptosuite."""

from mbo_vc.proofs import (
    ecdsa_jcs_2019,
    ecdsa_rdfc_2019,
    ed25519_signature_2020,
    eddsa_jcs_2022,
    eddsa_rdfc_2022,
)
from mbo_vc.proofs.core import (
    PROOF_PURPOSES,
    Canonicalizer,
    Cryptosuite,
    ProofCheck,
    ProofView,
    SigningInput,
    as_proof_list,
    create_proof,
    proof_document,
    signing_input,
    suite_for,
    suite_named,
    suites,
    verify_proofs,
)

__all__ = [
    "PROOF_PURPOSES",
    "Canonicalizer",
    "Cryptosuite",
    "ProofCheck",
    "ProofView",
    "SigningInput",
    "as_proof_list",
    "create_proof",
    "ecdsa_jcs_2019",
    "ecdsa_rdfc_2019",
    "ed25519_signature_2020",
    "eddsa_jcs_2022",
    "eddsa_rdfc_2022",
    "proof_document",
    "signing_input",
    "suite_for",
    "suite_named",
    "suites",
    "verify_proofs",
]
