"""Presentations across stacks: @digitalbazaar/vc verifies ours, we verify theirs.

Runs when Node.js and interop/js/node_modules are present (CI installs them); skips otherwise.
"""

from __future__ import annotations

from typing import Any

import pytest

from mbo_vc import Ed25519Key, sign, verify_presentation
from mbo_vc.presentation import present
from tests.fixtures import example_diploma
from tests.helpers import js_stack_missing, run_js

pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(js_stack_missing() is not None, reason=str(js_stack_missing())),
]

HOLDER_SEED = "5a" * 32
CHALLENGE = "b7c4e2a0-6a1f-4c55-8f2e-0d6b3a9e1f42"
DOMAIN = "werkgever.example"


def credentials() -> tuple[Ed25519Key, list[dict[str, Any]]]:
    school = Ed25519Key.from_seed(b"\x11" * 32)
    holder = Ed25519Key.from_seed(bytes.fromhex(HOLDER_SEED))
    out = []
    for name in ("Verzorgende-IG (crebo 25491)", "Kok (crebo 25180)"):
        doc = example_diploma(school.did, valid_from="2026-01-01T00:00:00Z")
        doc["credentialSubject"]["id"] = holder.did
        doc["credentialSubject"]["achievement"]["name"] = name
        out.append(sign(doc, school))
    return holder, out


def test_presentation_made_here_verifies_there() -> None:
    holder, creds = credentials()
    vp = present(creds, holder, challenge=CHALLENGE, domain=DOMAIN)
    args = ("--presentation", "--challenge", CHALLENGE, "--domain", DOMAIN)
    code, out = run_js("verify.mjs", *args, payload=vp)
    assert code == 0 and out["verified"] is True, out
    assert [r["verified"] for r in out["credentialResults"]] == [True, True]
    code, out = run_js(
        "verify.mjs", "--presentation", "--challenge", "replayed", "--domain", DOMAIN, payload=vp
    )
    assert code == 1 and out["verified"] is False


def test_presentation_made_there_verifies_here() -> None:
    holder, creds = credentials()
    code, vp = run_js(
        "present.mjs",
        "--seed",
        HOLDER_SEED,
        "--challenge",
        CHALLENGE,
        "--domain",
        DOMAIN,
        payload=creds,
    )
    assert code == 0, vp
    assert vp["holder"] == holder.did
    result = verify_presentation(vp, challenge=CHALLENGE, domain=DOMAIN)
    assert result.verified, result.codes
    assert [c.verified for c in result.credentials] == [True, True]
    assert result.proofs[0].controller == holder.did
    replay = verify_presentation(vp, challenge="replayed", domain=DOMAIN)
    assert replay.codes == ["challenge_mismatch"]
    other = verify_presentation(vp, challenge=CHALLENGE, domain="concurrent.example")
    assert other.codes == ["domain_mismatch"]
