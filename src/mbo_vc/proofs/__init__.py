"""Data Integrity proofs: the core (:mod:`mbo_vc.proofs.core`) and one module per cryptosuite."""

from mbo_vc.proofs import ed25519_signature_2020, eddsa_jcs_2022, eddsa_rdfc_2022
from mbo_vc.proofs.core import (
    PROOF_PURPOSES,
    Cryptosuite,
    SigningInput,
    add_proof,
    as_proof_list,
    proof_document,
    signing_input,
    suite_for,
)

__all__ = [
    "PROOF_PURPOSES",
    "Cryptosuite",
    "SigningInput",
    "add_proof",
    "as_proof_list",
    "ed25519_signature_2020",
    "eddsa_jcs_2022",
    "eddsa_rdfc_2022",
    "proof_document",
    "signing_input",
    "suite_for",
]
