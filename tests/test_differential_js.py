"""Differential interop: a corpus of conforming JSON-LD credentials, both directions.

Every document in test_vectors/differential/ is valid JSON-LD that jsonld.js accepts in safe
mode. For each one the Digital Bazaar stack signs and mbo_vc verifies, mbo_vc signs and the JS
stack verifies, the two signatures (eddsa is deterministic) and canonical N-Quads must be
byte-identical, and a tampered claim must be refused by both. All JS work runs in two
interop/js/batch.mjs processes. Runs when Node.js and interop/js/node_modules are present.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from mbo_vc import Ed25519Key, VerifierPolicy, sign, verify, verify_presentation
from mbo_vc.errors import MboVcError
from mbo_vc.jsonld import canonicalize_rdfc, default_loader
from mbo_vc.presentation import create_presentation, present, sign_presentation
from tests.helpers import VECTORS, js_stack_missing, run_js

pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(js_stack_missing() is not None, reason=str(js_stack_missing())),
]

CORPUS = VECTORS / "differential"
MANIFEST: dict[str, Any] = json.loads((CORPUS / "MANIFEST.json").read_text(encoding="utf-8"))
ENTRIES: dict[str, dict[str, Any]] = {e["file"]: e for e in MANIFEST["documents"]}

SEED = "3c" * 32
HOLDER_SEED = "a7" * 32
CREATED = "2026-01-15T09:30:00Z"
NOW = "2026-06-01T00:00:00Z"
CHALLENGE = "0f3e7a52-1c9d-4b8e-a6f0-5d2c9e4b7a13"
DOMAIN = "verifier.example"
VC2 = "https://www.w3.org/ns/credentials/v2"

# Two credentials per presentation: two the compact-form check accepts today, and two with
# compact IRIs / an explicit @list (refused by it today).
VP_PAIRS = {
    "terms": ("05-typed-literal-coerced.json", "11-inline-terms-only.json"),
    "compact-iri-and-list": ("01-compact-iri-subject.json", "07-explicit-list.json"),
}


def _document(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((CORPUS / name).read_text(encoding="utf-8"))
    return doc


def _with_issuer(doc: dict[str, Any], did: str) -> dict[str, Any]:
    """Set the issuer (or issuer.id) to ``did``, exactly as interop/js/sign.mjs does."""
    out = copy.deepcopy(doc)
    issuer = out.get("issuer")
    out["issuer"] = {**issuer, "id": did} if isinstance(issuer, dict) else did
    return out


def _pointer(path: str) -> list[str]:
    """Split a JSON pointer (RFC 6901) into its unescaped reference tokens."""
    return [t.replace("~1", "/").replace("~0", "~") for t in path.split("/")[1:]]


def tamper(doc: dict[str, Any], path: str) -> dict[str, Any]:
    """A copy of ``doc`` with the string or number at JSON pointer ``path`` changed."""
    out = copy.deepcopy(doc)
    *parents, last = _pointer(path)
    node: Any = out
    for token in parents:
        node = node[int(token)] if isinstance(node, list) else node[token]
    key: Any = int(last) if isinstance(node, list) else last
    value = node[key]
    assert isinstance(value, str | int) and not isinstance(value, bool), (path, value)
    node[key] = value + "-tampered" if isinstance(value, str) else value + 1
    return out


def batch(jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Run jobs in one interop/js/batch.mjs process; one result per job, in order."""
    code, out = run_js("batch.mjs", payload=jobs)
    assert code in (0, 1) and isinstance(out, list) and len(out) == len(jobs), (code, out)
    return out


@dataclass
class Outcome:
    """Everything both stacks produced for the corpus (computed once per module)."""

    js_signed: dict[str, dict[str, Any]] = field(default_factory=dict)
    js_canonical: dict[str, dict[str, Any]] = field(default_factory=dict)
    ours: dict[str, dict[str, Any] | MboVcError] = field(default_factory=dict)
    js_verified_ours: dict[str, dict[str, Any]] = field(default_factory=dict)
    js_verified_tampered: dict[str, dict[str, Any]] = field(default_factory=dict)
    js_vps: dict[tuple[str, bool], dict[str, Any]] = field(default_factory=dict)
    our_vps: dict[tuple[str, bool], dict[str, Any] | MboVcError] = field(default_factory=dict)
    js_verified_our_vps: dict[tuple[str, bool], dict[str, Any]] = field(default_factory=dict)


def _our_presentation(creds: list[dict[str, Any]], holder: bool) -> dict[str, Any]:
    key = Ed25519Key.from_seed(bytes.fromhex(HOLDER_SEED))
    if holder:
        vp = present(creds, key, challenge=CHALLENGE, domain=DOMAIN, created=CREATED)
        assert isinstance(vp, dict)
        return vp
    unsigned = create_presentation(creds, holder=key.did)
    del unsigned["holder"]
    return sign_presentation(unsigned, key, challenge=CHALLENGE, domain=DOMAIN, created=CREATED)


@pytest.fixture(scope="module")
def outcome() -> Outcome:
    """Round 1: JS signs and canonicalises every document; mbo_vc signs every document and
    makes the presentations. Round 2: JS verifies mbo_vc's credentials and presentations and
    the tampered JS-signed copies, and makes its own presentations."""
    key = Ed25519Key.from_seed(bytes.fromhex(SEED))
    res = Outcome()
    names = list(ENTRIES)
    jobs: list[dict[str, Any]] = []
    for name in names:
        doc = _document(name)
        jobs.append({"op": "sign", "document": doc, "seed": SEED, "created": CREATED})
        jobs.append({"op": "canonize", "document": doc})
    results = iter(batch(jobs))
    for name in names:
        res.js_signed[name] = next(results)
        res.js_canonical[name] = next(results)
        try:
            res.ours[name] = sign(_with_issuer(_document(name), key.did), key, created=CREATED)
        except MboVcError as exc:
            res.ours[name] = exc

    round2: list[tuple[str, Any]] = []
    jobs = []
    for name in names:
        ours = res.ours[name]
        if isinstance(ours, dict):
            round2.append(("ours", name))
            jobs.append({"op": "verify", "document": ours, "now": NOW})
        if res.js_signed[name]["ok"]:
            round2.append(("tampered", name))
            bad = tamper(res.js_signed[name]["signed"], ENTRIES[name]["tamper"])
            jobs.append({"op": "verify", "document": bad, "now": NOW})
    for pair, files in VP_PAIRS.items():
        for holder in (True, False):
            js_creds = [res.js_signed[f].get("signed") for f in files]
            if all(js_creds):
                round2.append(("js_vp", (pair, holder)))
                jobs.append({"op": "present", "credentials": js_creds, "seed": HOLDER_SEED,
                             "challenge": CHALLENGE, "domain": DOMAIN, "created": CREATED,
                             "holder": holder})  # fmt: skip
            our_creds = [res.ours[f] for f in files]
            refused = next((c for c in our_creds if isinstance(c, MboVcError)), None)
            try:
                if refused is not None:
                    raise refused
                vp = _our_presentation([c for c in our_creds if isinstance(c, dict)], holder)
            except MboVcError as exc:
                res.our_vps[(pair, holder)] = exc
                continue
            res.our_vps[(pair, holder)] = vp
            round2.append(("our_vp", (pair, holder)))
            jobs.append({"op": "verify-presentation", "document": vp, "challenge": CHALLENGE,
                         "domain": DOMAIN, "now": NOW})  # fmt: skip
    targets: dict[str, dict[Any, dict[str, Any]]] = {
        "ours": res.js_verified_ours,
        "tampered": res.js_verified_tampered,
        "js_vp": res.js_vps,
        "our_vp": res.js_verified_our_vps,
    }
    for (kind, ident), result in zip(round2, batch(jobs), strict=True):
        targets[kind][ident] = result
    return res


def _cases(check: str) -> list[Any]:
    """One param per corpus document; known divergences of this check are strict xfails."""
    params = []
    for name, entry in ENTRIES.items():
        known = entry.get("known_divergence") or {}
        marks = []
        if check in known.get("checks", []):
            marks.append(pytest.mark.xfail(strict=True, reason=known["reason"]))
        params.append(pytest.param(name, marks=marks, id=name.removesuffix(".json")))
    return params


def test_corpus_is_complete_and_uses_only_bundled_contexts() -> None:
    """The manifest lists every corpus file; each is an unsigned VC DM 2.0 credential whose
    context URLs are all bundled (the rest of its contexts are inline objects)."""
    files = {p.name for p in CORPUS.glob("*.json")} - {"MANIFEST.json"}
    assert files == set(ENTRIES) and len(files) >= 24
    bundled = default_loader().urls
    for name in files:
        doc = _document(name)
        ctx = doc["@context"]
        assert ctx[0] == VC2 and "proof" not in doc and "VerifiableCredential" in doc["type"]
        assert all(isinstance(c, dict) or c in bundled for c in ctx), name
        for member in ("exercises", "jsonld_section", "tamper"):
            assert ENTRIES[name][member], (name, member)


@pytest.mark.parametrize("name", _cases("canonical"))
def test_canonical_form_matches_js(outcome: Outcome, name: str) -> None:
    js = outcome.js_canonical[name]
    assert js["ok"], f"jsonld.js refuses a corpus document: {js}"
    assert canonicalize_rdfc(_document(name)) == js["nquads"]


@pytest.mark.parametrize("name", _cases("js_to_mbo"))
def test_signed_by_js_verified_by_mbo_vc(outcome: Outcome, name: str) -> None:
    js = outcome.js_signed[name]
    assert js["ok"], js
    result = verify(js["signed"], now=NOW)
    assert result.verified and not result.problems, result.codes


@pytest.mark.parametrize("name", _cases("mbo_to_js"))
def test_signed_by_mbo_vc_verified_by_js_byte_identical(outcome: Outcome, name: str) -> None:
    ours = outcome.ours[name]
    assert isinstance(ours, dict), f"mbo_vc refuses to sign: {ours!r}"
    js_result = outcome.js_verified_ours[name]
    assert js_result["verified"] is True, js_result
    js = outcome.js_signed[name]["signed"]
    assert ours["proof"]["proofValue"] == js["proof"]["proofValue"]
    assert ours == js


@pytest.mark.parametrize("name", _cases("tamper"))
def test_tampered_claim_refused_by_both(outcome: Outcome, name: str) -> None:
    assert ENTRIES[name]["tamper"].startswith("/credentialSubject/")
    js_signed = outcome.js_signed[name]
    assert js_signed["ok"], js_signed
    assert outcome.js_verified_tampered[name]["verified"] is False
    result = verify(tamper(js_signed["signed"], ENTRIES[name]["tamper"]), now=NOW)
    assert not result.verified and result.codes == ["invalid_signature"], result.codes


PRESENTATIONS = [
    pytest.param(pair, holder, id=f"{pair}-{'holder' if holder else 'no-holder'}")
    for pair in VP_PAIRS
    for holder in (True, False)
]


@pytest.mark.parametrize(("pair", "holder"), PRESENTATIONS)
def test_presentation_by_js_verified_by_mbo_vc(outcome: Outcome, pair: str, holder: bool) -> None:
    """JS presents two JS-signed corpus credentials (with or without holder); mbo_vc verifies."""
    made = outcome.js_vps.get((pair, holder))
    assert made is not None and made["ok"], made
    vp = made["signed"]
    assert ("holder" in vp) is holder
    result = verify_presentation(vp, challenge=CHALLENGE, domain=DOMAIN, now=NOW,
                                 policy=VerifierPolicy(holder_binding="none"))  # fmt: skip
    assert result.verified, result.codes
    assert [c.verified for c in result.credentials] == [True, True]
    replay = verify_presentation(vp, challenge="replayed", domain=DOMAIN, now=NOW,
                                 policy=VerifierPolicy(holder_binding="none"))  # fmt: skip
    assert "challenge_mismatch" in replay.codes


@pytest.mark.parametrize(("pair", "holder"), PRESENTATIONS)
def test_presentation_by_mbo_vc_verified_by_js(outcome: Outcome, pair: str, holder: bool) -> None:
    """mbo_vc presents two of its corpus credentials (``present``, or without holder); JS
    verifies the presentation and both credentials."""
    vp = outcome.our_vps[(pair, holder)]
    assert isinstance(vp, dict), f"mbo_vc refuses to present: {vp!r}"
    assert ("holder" in vp) is holder
    out = outcome.js_verified_our_vps[(pair, holder)]
    assert out["verified"] is True, out
    assert [r["verified"] for r in out["credentialResults"]] == [True, True]


def test_known_divergence_tiny_double() -> None:
    """jsonld.js 9 types a native number as a double only when ``String(n)`` has a "." (or
    n >= 1e21), so 1e-7 ("1e-7") becomes "0"^^xsd:integer: the value is lost. JSON-LD 1.1 API
    (Object to RDF) and pyld give "1.0E-7"^^xsd:double. Not in the corpus (the JS stack
    changes the data); recorded so that a change on either side is noticed."""
    doc = {
        "@context": [VC2, {"dose": "https://example.org/vocab#dose"}],
        "id": "urn:uuid:0d1f5e3c-6a2b-4c1d-9e00-0000000000ff",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:student-0001", "dose": 1e-7},
    }
    [js] = batch([{"op": "canonize", "document": doc}])
    line = "<did:example:student-0001> <https://example.org/vocab#dose> {} .\n"
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert line.format(f'"0"^^<{xsd}integer>') in js["nquads"]
    assert line.format(f'"1.0E-7"^^<{xsd}double>') in canonicalize_rdfc(doc)
