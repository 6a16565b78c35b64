"""Interop with the Digital Bazaar ECDSA stack (@digitalbazaar/ecdsa-rdfc-2019-cryptosuite +
ecdsa-multikey): it verifies what we sign, and we verify what it signs, for ecdsa-rdfc-2019 on
P-256 and P-384. Runs when Node.js and interop/js/node_modules are present; skips otherwise."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from mbo_vc import sign, verify
from mbo_vc.keys import EcKey
from tests.helpers import ROOT, js_stack_missing, load_vector, run_js

JS_MISSING = js_stack_missing(
    "@digitalbazaar/vc",
    "@digitalbazaar/ecdsa-rdfc-2019-cryptosuite",
    "@digitalbazaar/ecdsa-multikey",
)

pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(JS_MISSING is not None, reason=str(JS_MISSING)),
]

CREATED = "2024-01-01T00:00:00Z"
KEYS = {
    "P-256": EcKey.from_secret_bytes("P-256", bytes.fromhex("3c" * 32)),
    "P-384": EcKey.from_secret_bytes("P-384", bytes.fromhex("4d" * 48)),
}


def _credential(issuer: str) -> dict[str, Any]:
    doc = json.loads((ROOT / "bench" / "obv3_credential.json").read_text())
    doc["issuer"] = {**doc["issuer"], "id": issuer} if isinstance(doc["issuer"], dict) else issuer
    return doc


@pytest.mark.parametrize("curve", sorted(KEYS))
def test_signed_here_verifies_there(curve: str) -> None:
    key = KEYS[curve]
    signed = sign(_credential(key.did), key, created=CREATED)
    assert signed["proof"]["cryptosuite"] == "ecdsa-rdfc-2019"
    code, out = run_js("verify.mjs", "--cryptosuite", "ecdsa-rdfc-2019", payload=signed)
    assert code == 0 and out["verified"] is True, out
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Tampered"
    code, out = run_js("verify.mjs", "--cryptosuite", "ecdsa-rdfc-2019", payload=tampered)
    assert code == 1 and out["verified"] is False


@pytest.mark.parametrize("curve", sorted(KEYS))
def test_signed_there_verifies_here(curve: str, tmp_path: Path) -> None:
    key = KEYS[curve]
    key_file = key.save(tmp_path / "key.json")
    code, js_signed = run_js("sign-ecdsa.mjs", "--key", str(key_file), "--created", CREATED,
                             payload=_credential(key.did))  # fmt: skip
    assert code == 0, js_signed
    result = verify(js_signed)
    assert result.verified, result.problems
    # ECDSA is randomised: the proofs agree in every member but the signature
    ours = sign(_credential(key.did), key, created=CREATED)
    theirs = copy.deepcopy(js_signed)
    assert {**ours["proof"], "proofValue": ""} == {**theirs["proof"], "proofValue": ""}
    assert {k: v for k, v in ours.items() if k != "proof"} == {
        k: v for k, v in theirs.items() if k != "proof"
    }
    theirs["credentialSubject"]["achievement"]["name"] = "Tampered"
    assert "invalid_signature" in verify(theirs).codes


@pytest.mark.parametrize(
    "name",
    [
        "w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p256.json",
        "w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p384-employment.json",
    ],
)
def test_w3c_vectors_verify_there(name: str) -> None:
    """The JS stack verifies the published vectors too (the P-384 one needs RDFC-1.0 with
    SHA-384, as we do)."""
    v = load_vector(name)
    code, out = run_js(
        "verify.mjs", "--cryptosuite", "ecdsa-rdfc-2019", "--proof-only", payload=v["signed"]
    )
    assert code == 0 and out["verified"] is True, out
