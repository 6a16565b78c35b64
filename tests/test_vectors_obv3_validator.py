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


# --- every fixture of the validator, against the verdict 1EdTech's own tests assert -------------

ALL = load_vector("1edtech-validator/all-fixtures.json")
LIST = ALL["fixtures"]["bit-string-list/testlist"]["document"]

# Where our verdict differs from 1EdTech's on purpose (docs/verification.md):
DEVIATIONS = {
    # a did:key verification method cannot speak for a urn:uuid issuer (issuer binding)
    "simple-did-key-method.json": "vm_unresolvable",
    # 1EdTech's context probe flags OB context 3.0.2 (not the newest); it is a published,
    # pinned context, so the credential verifies here
    "simple-context-version.json": None,
}


def _resolver_for(doc: dict[str, Any]) -> DidResolver:
    proofs = doc.get("proof")
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        vm = proof.get("verificationMethod") if isinstance(proof, dict) else None
        if isinstance(vm, str) and "#z6Mk" in vm:
            v = {"verification_method": vm, "proof_type": proof.get("type"),
                 "public_key_multibase": vm.split("#", 1)[1]}  # fmt: skip
            return _pinned_issuer(v)
    return DidResolver()


def _onetech_valid(expectation: str) -> bool | None:
    text = expectation.lower()
    if text.startswith(("valid", "warning")):
        return True
    if text.startswith("invalid"):
        return False
    return None  # no verdict in 1EdTech's tests


@pytest.mark.parametrize("name", sorted(ALL["fixtures"]))
def test_every_validator_fixture_gets_1edtechs_verdict(name: str) -> None:
    fixture = ALL["fixtures"][name]
    doc = fixture["document"]
    resolver = _resolver_for(doc)
    from mbo_vc.status import MappingFetcher, StatusChecker

    checker = StatusChecker(MappingFetcher({LIST["id"]: LIST}), resolver=resolver)
    result = verify(doc, resolver=resolver, now=NOW, status=checker)
    if name in DEVIATIONS:
        expected = DEVIATIONS[name]
        assert result.verified is (expected is None), result.codes
        if expected is not None:
            assert expected in result.codes
        return
    want = _onetech_valid(str(fixture["onetech_expectation"]))
    if want is None:
        assert not result.verified  # e.g. the unsigned one: no proof
        return
    assert result.verified is want, (name, result.codes)
