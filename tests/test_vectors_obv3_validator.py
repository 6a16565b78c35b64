"""1EdTech validator fixtures (OBv3): what its validator asserts, checked with our verifier."""

from __future__ import annotations

from typing import Any

import pytest

from mbo_vc import DidResolver, verify
from mbo_vc.verification import verify_proofs
from tests.helpers import load_vector

NOW = "2025-01-01T00:00:00Z"


def _pinned_issuer(v: dict[str, Any]) -> DidResolver:
    vm = v["verification_method"]
    if "#" not in vm or vm.startswith("did:"):
        return DidResolver()
    controller = vm.split("#")[0]
    vm_type = (
        "Ed25519VerificationKey2020" if v["proof_type"] == "Ed25519Signature2020" else "Multikey"
    )
    doc = {
        "id": controller,
        "verificationMethod": [
            {
                "id": vm,
                "type": vm_type,
                "controller": controller,
                "publicKeyMultibase": v["public_key_multibase"],
            }
        ],
        "assertionMethod": [vm],
    }
    return DidResolver(documents={controller: doc})


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("simple.json", []),
        ("simple_v1.json", []),
        ("simple-eddsa-2022.json", []),
        ("simple-err-expired.json", ["expired"]),
        ("simple-err-issued.json", ["not_yet_valid"]),
        ("simple-err-proof-value.json", ["invalid_signature"]),
    ],
)
def test_validator_fixture(name: str, codes: list[str]) -> None:
    v = load_vector(f"1edtech-validator/{name}")
    result = verify(v["document"], resolver=_pinned_issuer(v), now=NOW)
    assert result.codes == codes, result.problems
    assert result.verified is (codes == [])


def test_pre_rec_cryptosuite_name_is_an_alias() -> None:
    """`eddsa-2022` (pre-REC name of eddsa-rdfc-2022) verifies like the REC suite."""
    v = load_vector("1edtech-validator/simple-eddsa-2022.json")
    proofs = v["document"]["proof"]
    proof = proofs[0] if isinstance(proofs, list) else proofs
    assert proof["cryptosuite"] == "eddsa-2022"
    results = verify_proofs(v["document"], resolver=_pinned_issuer(v), now=NOW)
    assert results[0].signature_valid


def test_did_key_method_with_foreign_issuer_is_refused() -> None:
    """A did:key verification method cannot speak for a urn:uuid issuer."""
    v = load_vector("1edtech-validator/simple-did-key-method.json")
    result = verify(v["document"], now=NOW)
    assert not result.verified
    assert "vm_not_authorized" in result.codes or "vm_unresolvable" in result.codes
