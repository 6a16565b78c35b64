"""Interop with the Digital Bazaar JS reference stack (@digitalbazaar/vc + eddsa-rdfc-2022).

Runs when Node.js and interop/js/node_modules are present (CI installs them); skips otherwise.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from mbo_vc import Ed25519Key, sign, verify
from mbo_vc.errors import MboVcError
from mbo_vc.jsonld import canonicalize_rdfc
from tests.helpers import ROOT, js_stack_missing, run_js

pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(js_stack_missing() is not None, reason=str(js_stack_missing())),
]

SEED = "9f" * 32
CREATED = "2024-01-01T00:00:00Z"


def _credential(issuer: str) -> dict[str, Any]:
    doc = json.loads((ROOT / "bench" / "obv3_credential.json").read_text())
    doc["issuer"] = {**doc["issuer"], "id": issuer} if isinstance(doc["issuer"], dict) else issuer
    return doc


def test_signed_here_verifies_there() -> None:
    key = Ed25519Key.from_seed(bytes.fromhex(SEED))
    signed = sign(_credential(key.did), key, created=CREATED)
    code, out = run_js("verify.mjs", payload=signed)
    assert code == 0 and out["verified"] is True, out
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Tampered"
    code, out = run_js("verify.mjs", payload=tampered)
    assert code == 1 and out["verified"] is False


def test_signed_there_verifies_here_and_is_byte_identical() -> None:
    key = Ed25519Key.from_seed(bytes.fromhex(SEED))
    code, js_signed = run_js("sign.mjs", "--seed", SEED, "--created", CREATED,
                             payload=_credential(key.did))  # fmt: skip
    assert code == 0, js_signed
    result = verify(js_signed)
    assert result.verified, result.problems
    ours = sign(_credential(key.did), key, created=CREATED)
    assert ours["proof"]["proofValue"] == js_signed["proof"]["proofValue"]
    assert ours == js_signed


def test_w3c_vector_canonical_form_matches_js() -> None:
    from tests.helpers import load_vector

    v = load_vector("vc-di-eddsa/eddsa-rdfc-2022.json")
    code, out = run_js("canonize.mjs", payload=v["unsigned"])
    assert code == 0 and out["nquads"] == v["canonical_document"]


VC2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def _base(**extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [VC2],
        "id": "urn:uuid:6f5d8f5e-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:school",
        "validFrom": "2026-07-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:student", "name": "Sam"},
    }
    doc.update(extra)
    return doc


DIFFERENTIAL = {
    "plain": _base(),
    "undefined top-level term": _base(cijfer=8),
    "undefined subject term": _base(credentialSubject={"id": "did:example:s", "cijfer": 8}),
    "relative type": _base(type=["VerifiableCredential", "Diploma"]),
    "relative id": _base(id="diploma-1"),
    "relative issuer": _base(issuer="school"),
    "blank node predicate": _base(**{"_:b0": "x"}),
    "keyword-like term": _base(**{"@foo": "x"}),
    "null @value": _base(name={"@value": None}),
    "only @language": _base(name={"@language": "nl"}),
    "value object with @id-only node": _base(credentialSubject={"id": "did:example:s"}),
    "bad language": _base(name={"@value": "x", "@language": "not a tag!"}),
    "language and direction": _base(
        name={"@value": "Diploma", "@language": "nl", "@direction": "ltr"}
    ),
    "protected term redefinition": {**_base(), "@context": [
        VC2, {"VerifiableCredential": {"@id": "https://evil.example/#VC"}}]},
    "scoped term shadowed by type-scoped context": {**_base(), "@context": [
        VC2, {"issuer": {"@id": "https://evil.example/#issuer", "@type": "@id"}}]},
    "term nulled inline": {**_base(cijfer=1), "@context": [VC2, {"cijfer": None}]},
    "full IRI member": _base(**{"https://example.org/v#x": "y"}),
    "empty subject object": _base(credentialSubject={}),
    "undefined-terms context": {**_base(cijfer=8), "@context": [
        VC2, "https://www.w3.org/ns/credentials/undefined-terms/v2"]},
    "obv3 achievement": {
        **_base(type=["VerifiableCredential", "OpenBadgeCredential"]),
        "@context": [VC2, OB3],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.org/a/1",
                "type": ["Achievement"],
                "name": "Verzorgende-IG",
                "criteria": {"narrative": "Alles behaald."},
            },
        },
    },
    "obv3 undefined achievement term": {
        **_base(type=["VerifiableCredential", "OpenBadgeCredential"]),
        "@context": [VC2, OB3],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {"id": "https://example.org/a/1", "type": ["Achievement"],
                            "name": "x", "criteria": {"narrative": "y"}, "crebo": "25491"},
        },
    },
}  # fmt: skip


@pytest.mark.parametrize("name", list(DIFFERENTIAL))
def test_safe_mode_agrees_with_reference_stack(name: str) -> None:
    """Both stacks accept the same documents (with identical N-Quads) and refuse the same ones."""
    doc = DIFFERENTIAL[name]
    code, out = run_js("canonize.mjs", payload=doc)
    assert code in (0, 1), out
    try:
        ours: str | None = canonicalize_rdfc(doc)
    except MboVcError:
        ours = None
    if out["ok"]:
        assert ours == out["nquads"], f"JS accepts {name!r}, we do not (or differ)"
    else:
        assert ours is None, f"JS refuses {name!r} ({out.get('code')}), we accept it"


def test_interop_scripts_exist() -> None:
    for script in ("sign.mjs", "verify.mjs", "canonize.mjs"):
        assert Path(ROOT / "interop" / "js" / script).is_file()


@pytest.mark.parametrize("kind", ["mbo-diploma", "mbo-certificaat", "mbo-verklaring",
                                  "microcredential"])  # fmt: skip
def test_waardepapieren_issued_here_verify_there(kind: str) -> None:
    """Each of the four waardepapieren (with the mbo and educredential contexts) verifies with
    the reference stack; for the diploma, vc.js checks both proofs of the chain."""
    from mbo_vc.mbo.signers import issue
    from tests.fixtures import example_waardepapieren

    key = Ed25519Key.from_seed(bytes.fromhex(SEED))
    paper = example_waardepapieren(key.did)[kind]
    signed = issue(paper, key, created=CREATED)
    code, out = run_js("verify.mjs", payload=signed)
    assert code == 0 and out["verified"] is True, out
    signed["credentialSubject"]["achievement"]["name"] = "Tampered"
    code, out = run_js("verify.mjs", payload=signed)
    assert code == 1


def test_known_divergence_on_proof_chains(vector_loader) -> None:
    """The W3C proof-chain vector (vc-di-eddsa B.5): we verify all four proofs, as the spec's
    published values require; @digitalbazaar/data-integrity 2.5.0 verifies the two unchained
    proofs and reports the two chained ones (previousProof) as invalid. Recorded here so that a
    change on either side is noticed."""
    from mbo_vc.verification import verify_proofs
    from tests.helpers import load_vector

    signed = load_vector("vc-di-eddsa/proof-chain.json")["steps"][-1]["signed"]
    ours = verify_proofs(signed, loader=vector_loader)
    assert [r.signature_valid for r in ours] == [True, True, True, True]
    _code, out = run_js("verify.mjs", "--proof-only", payload=signed)
    assert [r["verified"] for r in out["results"]] == [True, True, False, False], out


def test_vc11_credential_gets_the_same_data_integrity_context_as_the_js_stack() -> None:
    """A VC 1.1 credential needs the Data Integrity context for its proof: both stacks append
    data-integrity/v2, so the signed documents (and proofValues) are identical."""
    key = Ed25519Key.from_seed(bytes.fromhex(SEED))
    doc = {
        "@context": ["https://www.w3.org/2018/credentials/v1", {"ex": "https://example.org/v#"}],
        "id": "urn:uuid:6f5d8f5e-0000-4000-8000-000000000011",
        "type": ["VerifiableCredential"],
        "issuer": key.did,
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:student", "ex:name": "Sam"},
    }
    code, js_signed = run_js("sign.mjs", "--seed", SEED, "--created", CREATED, payload=doc)
    assert code == 0, js_signed
    ours = sign(doc, key, created=CREATED)
    assert ours["@context"][-1] == "https://w3id.org/security/data-integrity/v2"
    assert ours == js_signed
    assert verify(js_signed, now=CREATED).verified
    code, out = run_js("verify.mjs", payload=ours)
    assert code == 0 and out["verified"] is True, out
