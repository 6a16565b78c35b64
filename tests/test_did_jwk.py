"""did:jwk: the spec's examples byte for byte, Ed25519 end to end, and malformed input."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import pytest

from mbo_vc import DidResolver, Ed25519Key, sign, verify
from mbo_vc.did.jwk import did_jwk_from_jwk, resolve_did_jwk
from mbo_vc.errors import InvalidDidError, KeyFormatError
from tests.fixtures import example_diploma
from tests.helpers import load_vector

VECTORS = load_vector("did-jwk/spec-examples.json")
NOW = "2030-01-01T00:00:00Z"


def _expected(example: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(example["did_document"])
    for fix in example.get("corrections", []):
        assert doc[fix["member"]][fix["index"]] == fix["published"]
        doc[fix["member"]][fix["index"]] = fix["expected"]
    return doc


@pytest.mark.parametrize("example", VECTORS["examples"], ids=lambda e: e["name"])
def test_spec_example_resolves_byte_for_byte(example: dict[str, Any]) -> None:
    doc = resolve_did_jwk(example["did"])
    assert json.dumps(doc) == json.dumps(_expected(example))
    assert doc["verificationMethod"][0]["id"] == example["did_url"]


@pytest.mark.parametrize("example", VECTORS["examples"], ids=lambda e: e["name"])
def test_spec_example_dereferences(example: dict[str, Any]) -> None:
    resolved = DidResolver().dereference(example["did_url"])
    assert resolved.controller == example["did"]
    enc_only = resolved.method["publicKeyJwk"].get("use") == "enc"
    assert resolved.authorized_for("keyAgreement")
    assert resolved.authorized_for("assertionMethod") is not enc_only
    assert resolved.authorized_for("authentication") is not enc_only


def test_did_round_trip_from_published_jwk() -> None:
    jwk = VECTORS["ed25519_public_jwk"]["jwk"]
    did = did_jwk_from_jwk(jwk)
    (vm,) = resolve_did_jwk(did)["verificationMethod"]
    assert vm["publicKeyJwk"] == jwk
    assert Ed25519Key.from_jwk(vm["publicKeyJwk"]).to_jwk()["x"] == jwk["x"]
    p256 = VECTORS["examples"][0]
    assert did_jwk_from_jwk(json.loads(_decode(p256["did"]))) == p256["did"]


def _decode(did: str) -> str:
    value = did.split(":", 2)[2]
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()


def _credential(key: Ed25519Key) -> dict[str, Any]:
    return sign(example_diploma(key.controller), key, created="2026-07-01T12:00:00Z")


def test_ed25519_did_jwk_credential_verifies_offline() -> None:
    key = Ed25519Key.from_seed(bytes(range(32)))
    did = did_jwk_from_jwk(key)
    signer = key.with_controller(did, f"{did}#0")
    result = verify(_credential(signer), now=NOW)  # did:jwk is built into the default resolver
    assert result.verified, result.problems
    assert result.proofs[0].controller == did


def test_enc_only_key_may_not_sign() -> None:
    key = Ed25519Key.from_seed(bytes(range(32)))
    did = did_jwk_from_jwk({**key.to_jwk(), "use": "enc"})
    doc = resolve_did_jwk(did)
    assert set(doc) == {"@context", "id", "verificationMethod", "keyAgreement"}
    result = verify(_credential(key.with_controller(did, f"{did}#0")), now=NOW)
    assert not result.verified
    assert "vm_not_authorized" in result.codes


def test_sig_only_key_has_no_key_agreement() -> None:
    did = did_jwk_from_jwk({**Ed25519Key.from_seed(bytes(32)).to_jwk(), "use": "sig"})
    doc = resolve_did_jwk(did)
    assert "keyAgreement" not in doc and doc["assertionMethod"] == [f"{did}#0"]


def test_p256_key_is_resolved_but_not_an_ed25519_signer() -> None:
    did = VECTORS["examples"][0]["did"]
    signer = Ed25519Key.from_seed(bytes(32)).with_controller(did, f"{did}#0")
    result = verify(_credential(signer), now=NOW)
    assert not result.verified
    assert "key_suite_mismatch" in result.codes  # an eddsa proof by a P-256 key


def _did_of(obj: Any) -> str:
    raw = json.dumps(obj).encode() if not isinstance(obj, bytes) else obj
    return "did:jwk:" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


PUBLIC = Ed25519Key.from_seed(bytes(32)).to_jwk()
PRIVATE = Ed25519Key.from_seed(bytes(32)).to_jwk(private=True)


@pytest.mark.parametrize(
    "did",
    [
        "did:jwk:",
        "did:jwk:!!!!",
        "did:jwk:eyJrdHkiOiJPS1AifQ==",  # padding is not base64url-without-padding
        _did_of(b"\xff\xfe"),
        _did_of([PUBLIC]),
        _did_of(PRIVATE),  # a private key!
        _did_of({**PUBLIC, "x": PUBLIC["x"][:-2]}),
        _did_of({"kty": "oct", "k": "c2VjcmV0"}),
        _did_of({"kty": "OKP", "crv": "Ed25519"}),
        _did_of({**PUBLIC, "use": "both"}),
        _did_of({"kty": "EC", "crv": "P-256", "x": PUBLIC["x"], "y": PUBLIC["x"]}),  # off curve
        _did_of(b'{"kty":"OKP","kty":"EC"}'),
        "did:jwk:" + "A" * 3000,
    ],
)
def test_malformed_did_jwk(did: str) -> None:
    with pytest.raises(InvalidDidError) as err:
        resolve_did_jwk(did)
    assert err.value.code == "invalid_did"
    assert PRIVATE["d"] not in err.value.message
    if did != "did:jwk:":
        with pytest.raises(InvalidDidError):
            DidResolver().resolve(did)


def test_private_jwk_is_never_turned_into_a_did() -> None:
    with pytest.raises(KeyFormatError):
        did_jwk_from_jwk(Ed25519Key.from_seed(bytes(32)).to_jwk(private=True))
