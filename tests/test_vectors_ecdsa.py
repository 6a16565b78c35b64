"""The published vc-di-ecdsa test vectors (ecdsa-rdfc-2019, ecdsa-jcs-2019; P-256 and P-384).

Every intermediate value (canonical document, canonical proof configuration, both hashes, the
combined hash) is recomputed from the published key and document and compared byte for byte,
and the published signatures verify. ECDSA signatures are randomised, so signing is tested by
round trip: our proof has the published proof's members, verifies, and is low-S.
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

import pytest

from mbo_vc import sign, verify
from mbo_vc.keys import EcKey, encode_multibase_base58btc, is_high_s
from mbo_vc.proofs import Canonicalizer, signing_input, suite_named
from mbo_vc.verification import verify_proofs
from tests.helpers import load_vector

VECTORS = [
    "w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p256.json",
    "w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p256-employment.json",
    "w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p384.json",
    "w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p384-employment.json",
    "w3c-vc-di-ecdsa/ecdsa-jcs-2019-p256.json",
    "w3c-vc-di-ecdsa/ecdsa-jcs-2019-p384.json",
]


def _key(v: dict[str, Any]) -> EcKey:
    return EcKey.from_multibase(v["key"]["secretKeyMultibase"])


@pytest.mark.parametrize("name", VECTORS)
def test_key_encodings(name: str) -> None:
    v = load_vector(name)
    k, key = v["key"], _key(v)
    assert key.curve == v["curve"]
    assert key.public_key_multibase == k["publicKeyMultibase"]
    assert key.public_key_multibase.startswith("zDn" if v["curve"] == "P-256" else "z82")
    assert key.public_bytes.hex() == k["public_key_hex"]
    assert key.secret_key_multibase() == k["secretKeyMultibase"]
    assert EcKey.from_secret_bytes(v["curve"], bytes.fromhex(k["secret_key_hex"])) == key
    assert EcKey.from_multibase(k["publicKeyMultibase"]) == key.public_only()
    assert EcKey.from_jwk(key.to_jwk(private=True)) == key
    assert EcKey.from_did_key(key.did) == key.public_only()


@pytest.mark.parametrize("name", VECTORS)
def test_intermediate_values_byte_for_byte(name: str, vector_loader) -> None:
    v = load_vector(name)
    key = _key(v)
    suite = suite_named(v["cryptosuite"])
    got = signing_input(suite, v["unsigned"], v["proof_config"], Canonicalizer(vector_loader), key)
    assert got.canonical_document == v["canonical_document"]
    assert got.canonical_proof_config == v["canonical_proof_config"]
    assert got.proof_config_hash.hex() == v["proof_config_hash_hex"]
    assert got.document_hash.hex() == v["document_hash_hex"]
    assert got.data.hex() == v["combined_hash_hex"]
    assert len(got.proof_config_hash) == (32 if v["curve"] == "P-256" else 48)
    signature = bytes.fromhex(v["signature_hex"])
    assert encode_multibase_base58btc(signature) == v["proof_value"]
    assert key.verify(signature, got.data)
    assert is_high_s(signature, v["curve"]) is v["signature_high_s"]


@pytest.mark.parametrize("name", VECTORS)
def test_published_proof_verifies_on_proof_layer(name: str, vector_loader) -> None:
    v = load_vector(name)
    [res] = verify_proofs(v["signed"], loader=vector_loader)
    assert res.signature_valid and res.problems == []
    warnings = [w.code for w in res.warnings]
    assert warnings == (["high_s_signature"] if v["signature_high_s"] else [])


@pytest.mark.parametrize("name", VECTORS)
def test_w3c_vectors_fail_issuer_binding(name: str, vector_loader) -> None:
    """As for eddsa: the vectors' issuer does not control the did:key that signed them."""
    v = load_vector(name)
    result = verify(v["signed"], loader=vector_loader, now="2024-01-01T00:00:00Z")
    assert result.codes == ["vm_not_authorized"]
    assert result.proofs[0].signature_valid


@pytest.mark.parametrize("name", VECTORS)
def test_sign_round_trip_matches_the_published_proof(name: str, vector_loader) -> None:
    v = load_vector(name)
    signed = sign(
        v["unsigned"],
        _key(v),
        cryptosuite=v["cryptosuite"],
        created=v["proof_config"]["created"],
        loader=vector_loader,
    )
    ours, theirs = dict(signed["proof"]), dict(v["signed"]["proof"])
    value = ours.pop("proofValue")
    theirs.pop("proofValue")
    assert ours == theirs
    assert {k: x for k, x in signed.items() if k != "proof"} == v["unsigned"]
    signature = suite_named(v["cryptosuite"]).decode_proof_value(value)
    assert not is_high_s(signature, v["curve"])  # we always sign low-S
    [res] = verify_proofs(signed, loader=vector_loader)
    assert res.signature_valid and res.problems == [] and res.warnings == []


@pytest.mark.parametrize("name", VECTORS)
def test_published_proof_fails_after_one_character_change(name: str, vector_loader) -> None:
    v = load_vector(name)
    tampered = copy.deepcopy(v["signed"])
    tampered["validFrom"] = tampered["validFrom"].replace("0", "1", 1)
    [res] = verify_proofs(tampered, loader=vector_loader)
    assert [p.code for p in res.problems] == ["invalid_signature"]


def test_p384_key_with_p256_hashing_does_not_verify(vector_loader) -> None:
    """A P-384 proof whose hashes were made with SHA-256 (the P-256 hash) is refused."""
    v = load_vector("w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p384.json")
    key = _key(v)
    data = hashlib.sha256(v["canonical_proof_config"].encode()).digest()
    data += hashlib.sha256(v["canonical_document"].encode()).digest()
    signed = copy.deepcopy(v["signed"])
    signed["proof"]["proofValue"] = encode_multibase_base58btc(key.sign(data))
    [res] = verify_proofs(signed, loader=vector_loader)
    assert [p.code for p in res.problems] == ["invalid_signature"]


def test_p384_rdfc_uses_sha384_as_the_canonicalisation_hash(vector_loader) -> None:
    """RDFC-1.0 with SHA-256 labels the employment document's blank nodes differently: the
    published P-384 vector is only reproduced with SHA-384 as RDFC-1.0's hash."""
    v = load_vector("w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p384-employment.json")
    canon = Canonicalizer(vector_loader)
    assert canon.rdfc(v["unsigned"], "sha384") == v["canonical_document"]
    assert canon.rdfc(v["unsigned"]) != v["canonical_document"]
    p256 = load_vector("w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p256-employment.json")
    assert canon.rdfc(v["unsigned"]) == p256["canonical_document"]
