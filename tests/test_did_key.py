"""did:key (Ed25519) against the CCG vectors: seed → DID → DID document."""

from __future__ import annotations

import pytest

from mbo_vc import DidResolver, Ed25519Key
from mbo_vc.did.key import did_key_document, resolve_did_key
from mbo_vc.errors import DidError, UnsupportedDidMethodError
from tests.helpers import load_vector

VECTORS = load_vector("did-key/ed25519.json")


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["did"][-8:])
def test_seed_to_did(case: dict) -> None:
    key = Ed25519Key.from_seed(bytes.fromhex(case["seed_hex"]))
    assert key.did == case["did"]
    assert key.public_bytes.hex() == case["public_key_hex"]
    assert key.verification_method == case["verification_method_id"]


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["did"][-8:])
def test_resolves_to_multikey_document(case: dict) -> None:
    doc = resolve_did_key(case["did"])
    assert doc["id"] == case["did"]
    assert doc["@context"] == [
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
    ]
    (vm,) = doc["verificationMethod"]
    assert vm == {
        "id": case["verification_method_id"],
        "type": "Multikey",
        "controller": case["did"],
        "publicKeyMultibase": case["publicKeyMultibase"],
    }
    for rel in (
        "authentication",
        "assertionMethod",
        "capabilityInvocation",
        "capabilityDelegation",
    ):
        assert doc[rel] == [vm["id"]]


def test_legacy_form_matches_spec_example() -> None:
    example = VECTORS["spec_example_did_document"]
    key = Ed25519Key.from_did_key(example["id"])
    doc = did_key_document(key, legacy=True)
    assert doc["verificationMethod"] == example["verificationMethod"]
    for rel in (
        "authentication",
        "assertionMethod",
        "capabilityInvocation",
        "capabilityDelegation",
    ):
        assert doc[rel] == example[rel]


def test_dereference_and_relationships() -> None:
    key = Ed25519Key.from_seed(bytes(32))
    resolved = DidResolver().dereference(key.verification_method)
    assert resolved.controller == key.did
    assert resolved.authorized_for("assertionMethod")
    assert not resolved.authorized_for("keyAgreement")
    assert not resolved.authorized_for("madeUpPurpose")


@pytest.mark.parametrize(
    "bad",
    [
        "did:key:",
        "did:key:z6Mk",
        "did:key:zzzz0OIl",
        "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#frag",
        "did:key:z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq",  # a secret key!
        "not-a-did",
    ],
)
def test_malformed_did_key_is_a_typed_error(bad: str) -> None:
    with pytest.raises(DidError):
        DidResolver().resolve(bad)


def test_unknown_method() -> None:
    with pytest.raises(UnsupportedDidMethodError):
        DidResolver().resolve("did:example:123")
