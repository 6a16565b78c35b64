"""ecdsa-sd-2023 (vc-di-ecdsa §3.6): the published base and derived vectors, byte for byte, and
the derived proofs verify; base proofs are refused (``sd_base_proof``); tampered disclosures are
refused.

The base-proof side is checked through the spec's primitives (canonical N-Quads, the HMAC label
map, the mandatory hash, the base signature and every statement signature over the published
values); the verifier itself sees only derived proofs.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
from typing import Any

import base58
import pytest

from mbo_vc import sign, verify
from mbo_vc.errors import UnsupportedCryptosuiteError
from mbo_vc.keys import EcKey, is_high_s
from mbo_vc.proofs import Canonicalizer
from mbo_vc.proofs.ecdsa_sd_2023 import (
    compress_label_map,
    create_verify_data,
    hash_mandatory,
    hmac_label_map,
    parse_base_proof_value,
    parse_derived_proof_value,
    relabel_nquads,
    serialize_derived_proof_value,
)
from mbo_vc.signing import signing_suites
from mbo_vc.verification import verify_proofs
from tests.helpers import load_vector

VECTORS = ["w3c-vc-di-ecdsa/ecdsa-sd-2023-employ.json", "w3c-vc-di-ecdsa/ecdsa-sd-2023-prc.json"]
NOW = "2025-06-01T00:00:00Z"  # inside both credentials' validity periods


def _lines(nquads: str) -> list[str]:
    return [line + "\n" for line in nquads.split("\n") if line]


def _options(proof: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in proof.items() if k != "proofValue"}


def _codes(document: dict[str, Any], loader: Any) -> list[str]:
    [res] = verify_proofs(document, loader=loader)
    return [p.code for p in res.problems]


# --- the base proof (issuer side), through the primitives ----------------------------------


@pytest.mark.parametrize("name", VECTORS)
def test_base_intermediate_values_byte_for_byte(name: str, vector_loader) -> None:
    v = load_vector(name)
    base = v["base"]
    canon = Canonicalizer(vector_loader)
    canonical = _lines(canon.rdfc(v["unsigned"]))
    assert canonical == base["canonical_nquads"]
    config = canon.rdfc(v["proof_config"])
    assert config == v["canonical_proof_config"]
    assert hashlib.sha256(config.encode()).hexdigest() == base["proof_hash_hex"]
    labels = sorted({t[2:] for q in canonical for t in q.split() if t.startswith("_:c14n")})
    hmac_labels = hmac_label_map(labels, bytes.fromhex(v["hmac_key_hex"]))
    assert sorted(relabel_nquads(canonical, hmac_labels)) == base["hmac_nquads"]
    mandatory = [q for _, q in base["mandatory"]]
    assert [base["hmac_nquads"][i] for i, _ in base["mandatory"]] == mandatory
    assert hash_mandatory(mandatory).hex() == base["mandatory_hash_hex"]


@pytest.mark.parametrize("name", VECTORS)
def test_base_proof_value_parses_and_its_signatures_verify(name: str) -> None:
    v = load_vector(name)
    base = v["base"]
    parsed = parse_base_proof_value(base["signed"]["proof"]["proofValue"])
    assert parsed.base_signature.hex() == base["base_signature_hex"]
    assert "z" + base58.b58encode(parsed.public_key).decode() == base["proof_public_key"]
    assert base["proof_public_key"] == v["proof_scoped_key"]["publicKeyMultibase"]
    assert parsed.hmac_key.hex() == v["hmac_key_hex"]
    assert [s.hex() for s in parsed.signatures] == base["signatures_hex"]
    assert list(parsed.mandatory_pointers) == v["mandatory_pointers"]
    issuer = EcKey.from_multibase(v["base_key"]["publicKeyMultibase"])
    signed = bytes.fromhex(base["proof_hash_hex"]) + parsed.public_key
    signed += bytes.fromhex(base["mandatory_hash_hex"])
    assert issuer.verify(parsed.base_signature, signed)
    scoped = EcKey.from_multibase(v["proof_scoped_key"]["publicKeyMultibase"])
    non_mandatory = [q for _, q in base["non_mandatory"]]
    assert len(non_mandatory) == len(parsed.signatures)
    for nquad, signature in zip(non_mandatory, parsed.signatures, strict=True):
        assert scoped.verify(signature, nquad.encode())


@pytest.mark.parametrize("name", VECTORS)
def test_base_proof_is_refused_by_the_verifier(name: str, vector_loader) -> None:
    """vc-di-ecdsa §3.6.5: the base proof is "to be given only to the holder"; verifiers verify
    derived proofs (§3.6.7). The JS stack refuses it too ("must be a derived proof")."""
    v = load_vector(name)
    assert _codes(v["base"]["signed"], vector_loader) == ["sd_base_proof"]
    result = verify(v["base"]["signed"], loader=vector_loader, now=NOW)
    assert not result.verified and "sd_base_proof" in result.codes


# --- the derived proof (what a verifier receives) ------------------------------------------


@pytest.mark.parametrize("name", VECTORS)
def test_derived_intermediate_values_byte_for_byte(name: str, vector_loader) -> None:
    v = load_vector(name)
    derived = v["derived"]
    proof = derived["signed"]["proof"]
    parsed = parse_derived_proof_value(proof["proofValue"])
    assert parsed.base_signature.hex() == v["base"]["base_signature_hex"]
    assert [[k, x] for k, x in parsed.label_map.items()] == derived["label_map"]
    assert list(parsed.mandatory_indexes) == derived["mandatory_indexes"]
    assert [s.hex() for s in parsed.signatures] == derived["signatures_hex"]
    assert serialize_derived_proof_value(parsed) == proof["proofValue"]
    reveal = {k: x for k, x in derived["signed"].items() if k != "proof"}
    assert reveal == derived["unsigned_reveal"]
    data = create_verify_data(reveal, _options(proof), Canonicalizer(vector_loader), parsed)
    assert list(data.nquads) == derived["nquads"]
    assert list(data.non_mandatory) == derived["non_mandatory"]
    assert data.proof_hash.hex() == derived["proof_hash_hex"] == v["base"]["proof_hash_hex"]
    assert data.mandatory_hash.hex() == derived["mandatory_hash_hex"]
    assert data.mandatory_hash.hex() == v["base"]["mandatory_hash_hex"]
    # the revealed labels are the base proof's HMAC labels
    hmac_labels = {t for q in v["base"]["hmac_nquads"] for t in q.split() if t.startswith("_:")}
    assert {"_:" + x for x in parsed.label_map.values()} <= hmac_labels


@pytest.mark.parametrize("name", VECTORS)
def test_derived_proof_verifies_on_proof_layer(name: str, vector_loader) -> None:
    v = load_vector(name)
    [res] = verify_proofs(v["derived"]["signed"], loader=vector_loader)
    assert res.signature_valid is True and res.problems == []
    signatures = [v["base"]["base_signature_hex"], *v["derived"]["signatures_hex"]]
    high_s = any(is_high_s(bytes.fromhex(s), "P-256") for s in signatures)
    assert [w.code for w in res.warnings] == (["high_s_signature"] if high_s else [])


@pytest.mark.parametrize("name", VECTORS)
def test_w3c_derived_vectors_fail_only_the_issuer_binding(name: str, vector_loader) -> None:
    """As for the other W3C vectors: the issuer does not control the did:key that signed."""
    v = load_vector(name)
    result = verify(v["derived"]["signed"], loader=vector_loader, now=NOW)
    assert result.codes == ["vm_not_authorized"]
    assert result.proofs[0].signature_valid


# --- tampering ---------------------------------------------------------------------------


def _derived(vector: str = VECTORS[0]) -> dict[str, Any]:
    return copy.deepcopy(load_vector(vector)["derived"]["signed"])


def _with_proof_value(document: dict[str, Any], **changes: Any) -> dict[str, Any]:
    parsed = parse_derived_proof_value(document["proof"]["proofValue"])
    document["proof"]["proofValue"] = serialize_derived_proof_value(
        dataclasses.replace(parsed, **changes)
    )
    return document


def test_the_unchanged_rebuilt_proof_value_still_verifies(vector_loader) -> None:
    """The tampering helpers below change one thing only."""
    assert _codes(_with_proof_value(_derived()), vector_loader) == []


def test_changed_disclosed_claim_is_refused(vector_loader) -> None:
    doc = _derived()
    doc["credentialSubject"]["birthCountry"] = "Utopia"
    assert _codes(doc, vector_loader) == ["invalid_signature"]


def test_dropped_mandatory_claim_is_refused(vector_loader) -> None:
    doc = _derived()
    del doc["issuer"]["image"]
    assert _codes(doc, vector_loader) == ["invalid_signature"]


def test_dropped_disclosed_claim_is_refused(vector_loader) -> None:
    doc = _derived()
    del doc["validUntil"]
    [res] = verify_proofs(doc, loader=vector_loader)
    assert [p.code for p in res.problems] == ["invalid_signature"]
    assert "6 signatures for 5 non-mandatory statements" in res.problems[0].message


def test_added_claim_is_refused(vector_loader) -> None:
    doc = _derived()
    doc["credentialSubject"]["birthDate"] = "1999-07-17"
    assert _codes(doc, vector_loader) == ["invalid_signature"]


def test_changed_proof_options_are_refused(vector_loader) -> None:
    doc = _derived()
    doc["proof"]["created"] = "2023-08-15T23:36:39Z"
    assert _codes(doc, vector_loader) == ["invalid_signature"]


def test_swapped_signatures_are_refused(vector_loader) -> None:
    doc = _derived()
    sigs = parse_derived_proof_value(doc["proof"]["proofValue"]).signatures
    swapped = (sigs[1], sigs[0], *sigs[2:])
    assert _codes(_with_proof_value(doc, signatures=swapped), vector_loader) == [
        "invalid_signature"
    ]


def test_wrong_label_maps_are_refused(vector_loader) -> None:
    doc = _derived()
    labels = parse_derived_proof_value(doc["proof"]["proofValue"]).label_map
    swapped = {"c14n0": labels["c14n1"], "c14n1": labels["c14n0"]}
    assert _codes(_with_proof_value(_derived(), label_map=swapped), vector_loader) == [
        "invalid_signature"
    ]
    missing = {"c14n0": labels["c14n0"]}
    [res] = verify_proofs(_with_proof_value(_derived(), label_map=missing), loader=vector_loader)
    assert [p.code for p in res.problems] == ["invalid_signature"]
    assert "does not cover the blank node _:c14n1" in res.problems[0].message
    merged = {"c14n0": labels["c14n0"], "c14n1": labels["c14n0"]}
    [res] = verify_proofs(_with_proof_value(_derived(), label_map=merged), loader=vector_loader)
    assert [p.code for p in res.problems] == ["invalid_signature"]


def test_a_label_map_that_merges_blank_nodes_is_refused(vector_loader) -> None:
    """Two blank nodes with the same statements relabelled to one label: the N-Quads would
    repeat, and the view (two nodes) would not be the signed graph (one node)."""
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": [{"name": "x"}, {"name": "x"}],
    }
    canonical = Canonicalizer(vector_loader).rdfc(doc)
    subjects = sorted({q.split()[0][2:] for q in canonical.splitlines() if '"x"' in q})
    [credential] = {t[2:] for t in canonical.split() if t.startswith("_:")} - set(subjects)
    assert len(subjects) == 2
    one = "u" + "A" * 43
    proof = parse_derived_proof_value(_derived()["proof"]["proofValue"])
    label_map = {subjects[0]: one, subjects[1]: one, credential: "u" + "B" * 43}
    merging = dataclasses.replace(proof, label_map=label_map)
    options = {"type": "DataIntegrityProof", "cryptosuite": "ecdsa-sd-2023"}
    with pytest.raises(ValueError, match="merges distinct blank nodes"):
        create_verify_data(doc, options, Canonicalizer(vector_loader), merging)


def test_changed_mandatory_indexes_are_refused(vector_loader) -> None:
    assert _codes(_with_proof_value(_derived(), mandatory_indexes=(0, 4, 5)), vector_loader) == [
        "invalid_signature"
    ]


def test_another_base_signature_is_refused(vector_loader) -> None:
    other = load_vector(VECTORS[1])["base"]["base_signature_hex"]
    doc = _with_proof_value(_derived(), base_signature=bytes.fromhex(other))
    assert _codes(doc, vector_loader) == ["invalid_signature"]


def _raw_proof_value(payload: bytes) -> str:
    import base64

    return "u" + base64.urlsafe_b64encode(payload).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "proof_value",
    [
        "z3vQB7B6MrGQZaxCuFg4oh",  # base58btc: not this suite's encoding
        "u",  # empty
        "u2V0C",  # another header
        "u!!!",  # not base64url
        _raw_proof_value(b"\xd9\x5d\x01\xff"),  # not CBOR
        _raw_proof_value(b"\xd9\x5d\x01\x83\x01\x02\x03"),  # three components
        _raw_proof_value(b"\xd9\x5d\x01\x85\x40\x40\x80\xa0\x80"),  # empty byte strings
    ],
)
def test_malformed_derived_proof_values_are_refused(proof_value: str, vector_loader) -> None:
    doc = _derived()
    doc["proof"]["proofValue"] = proof_value
    assert _codes(doc, vector_loader) == ["malformed_proof"]


def test_bytes_after_the_cbor_value_are_refused(vector_loader) -> None:
    doc = _derived()
    parsed = parse_derived_proof_value(doc["proof"]["proofValue"])
    raw = serialize_derived_proof_value(parsed)
    import base64

    payload = base64.urlsafe_b64decode(raw[1:] + "=" * (-len(raw[1:]) % 4)) + b"\x00"
    doc["proof"]["proofValue"] = _raw_proof_value(payload)
    assert _codes(doc, vector_loader) == ["malformed_proof"]


def test_label_map_values_are_32_bytes(vector_loader) -> None:
    doc = _derived()
    parsed = parse_derived_proof_value(doc["proof"]["proofValue"])
    assert all(len(x) == 32 for x in compress_label_map(parsed.label_map).values())
    short = {"c14n0": "uAAAA", "c14n1": parsed.label_map["c14n1"]}
    assert _codes(_with_proof_value(doc, label_map=short), vector_loader) == ["malformed_proof"]


def test_a_p384_verification_method_is_a_key_suite_mismatch(vector_loader) -> None:
    doc = _derived()
    p384 = EcKey.generate("P-384")
    doc["proof"]["verificationMethod"] = p384.verification_method
    assert _codes(doc, vector_loader) == ["key_suite_mismatch"]


# --- the primitives ----------------------------------------------------------------------


def test_relabel_replaces_blank_nodes_only_outside_literals() -> None:
    quad = '_:c14n0 <http://ex/p> "say _:c14n0 \\" _:c14n1" _:c14n1 .\n'
    got = relabel_nquads([quad], {"c14n0": "uA", "c14n1": "uB"})
    assert got == ['_:uA <http://ex/p> "say _:c14n0 \\" _:c14n1" _:uB .\n']
    with pytest.raises(KeyError):
        relabel_nquads(["_:c14n2 <http://ex/p> <http://ex/o> .\n"], {"c14n0": "uA"})


def test_ecdsa_sd_2023_is_not_offered_for_signing() -> None:
    assert "ecdsa-sd-2023" not in signing_suites()
    credential = {k: x for k, x in _derived().items() if k != "proof"}
    with pytest.raises(UnsupportedCryptosuiteError, match="does not create them"):
        sign(credential, EcKey.generate("P-256"), cryptosuite="ecdsa-sd-2023")
