"""Interop with @digitalbazaar/ecdsa-sd-2023-cryptosuite: the JS stack issues a base proof,
derives a disclosure from it and verifies it; mbo_vc verifies the same derived credential (and
refuses the base proof, and a tampered disclosure). Runs when Node.js and
interop/js/node_modules are present; skips otherwise."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from mbo_vc import verify
from mbo_vc.keys import EcKey
from mbo_vc.proofs.ecdsa_sd_2023 import parse_derived_proof_value
from tests.helpers import ROOT, js_stack_missing, run_js

JS_MISSING = js_stack_missing("@digitalbazaar/vc", "@digitalbazaar/ecdsa-sd-2023-cryptosuite")

pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(JS_MISSING is not None, reason=str(JS_MISSING)),
]

CREATED = "2024-01-01T00:00:00Z"
NOW = "2025-01-01T00:00:00Z"
KEY = EcKey.from_secret_bytes("P-256", bytes.fromhex("5e" * 32))
CASES = {
    # the achievement's criteria is a blank node: its label goes through the label map
    "with-blank-node": (
        ["/issuer", "/validFrom"],
        ["/credentialSubject/achievement/name", "/credentialSubject/achievement/criteria"],
    ),
    "names-only": (["/issuer"], ["/credentialSubject/achievement/name"]),
}


def _credential() -> dict[str, Any]:
    return json.loads((ROOT / "bench" / "obv3_credential.json").read_text())


@pytest.fixture(scope="module", params=sorted(CASES))
def js_sd(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    mandatory, selective = CASES[request.param]
    key_file: Path = tmp_path_factory.mktemp("sd") / "key.json"
    KEY.save(key_file)
    code, out = run_js(
        "sd-derive.mjs",
        "--key", str(key_file),
        "--mandatory", json.dumps(mandatory),
        "--selective", json.dumps(selective),
        "--created", CREATED,
        payload=_credential(),
    )  # fmt: skip
    assert code == 0 and out["verified"] is True, out
    return out


def test_derived_by_js_verifies_here(js_sd: Any) -> None:
    derived = js_sd["derived"]
    parsed = parse_derived_proof_value(derived["proof"]["proofValue"])
    assert parsed.signatures
    if "criteria" in derived["credentialSubject"]["achievement"]:
        assert parsed.label_map  # a blank node was disclosed and relabelled
    result = verify(derived, now=NOW)
    assert result.verified, result.codes
    assert result.proofs[0].signature_valid
    assert result.proofs[0].cryptosuite == "ecdsa-sd-2023"
    assert "description" not in derived["credentialSubject"]["achievement"]  # not disclosed


def test_base_proof_by_js_is_refused_here(js_sd: Any) -> None:
    result = verify(js_sd["base"], now=NOW)
    assert not result.verified and "sd_base_proof" in result.codes


def test_tampered_disclosure_by_js_is_refused_here(js_sd: Any) -> None:
    tampered = copy.deepcopy(js_sd["derived"])
    tampered["credentialSubject"]["achievement"]["name"] = "Advanced Verifiable Credentials"
    result = verify(tampered, now=NOW)
    assert not result.verified and "invalid_signature" in result.codes
    dropped = copy.deepcopy(js_sd["derived"])
    del dropped["issuer"]["name"]  # mandatory (/issuer) in every case
    assert "invalid_signature" in verify(dropped, now=NOW).codes
