"""Hostile input: semantic traps, each refused with its own code, and resource limits.

Where a trap is subtle, the test also shows that the credential *would* verify with the defence
switched off, so the test fails without the defence.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import mbo_vc.jsonld.safe_mode as jsonld_module
from mbo_vc import DidResolver, Ed25519Key, Limits, sign, verify
from mbo_vc.errors import CanonicalizationLimitError, MboVcError
from mbo_vc.jsonld import canonicalize_rdfc

VC2 = "https://www.w3.org/ns/credentials/v2"
KEY = Ed25519Key.from_seed(bytes.fromhex("31" * 32))
OTHER = Ed25519Key.from_seed(bytes.fromhex("32" * 32))
NOW = "2030-06-01T00:00:00Z"


def _credential(**extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [VC2],
        "id": "urn:uuid:8c6a7d8e-7f41-4a3e-9d55-000000000007",
        "type": ["VerifiableCredential"],
        "issuer": KEY.did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:student", "name": "Sam"},
    }
    doc.update(extra)
    return doc


def _signed(**extra: Any) -> dict[str, Any]:
    return sign(_credential(**extra), KEY, created="2026-01-01T00:00:00Z")


# --- traps that leave data unsigned, or that a JSON reader sees differently -----------------


def test_undefined_term_added_after_signing(monkeypatch: pytest.MonkeyPatch) -> None:
    signed = _signed()
    signed["credentialSubject"]["cijfer"] = "10"
    assert verify(signed, now=NOW).codes == ["dropped_term"]
    # Without safe mode the added claim is dropped from the RDF and the signature still holds:
    monkeypatch.setattr(jsonld_module, "_check_input", lambda *args: None)
    monkeypatch.setattr(jsonld_module._SafeProcessor, "__init__", _unsafe_processor_init)
    assert verify(signed, now=NOW).verified


def _unsafe_processor_init(self: Any) -> None:
    self.dropped = []
    super(jsonld_module._SafeProcessor, self).__init__()


_OLD_ABSOLUTE_IRI = r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20\x7f<>\"{}|\\^`]*$"
_OLD_BLANK_NODE = r"^_:[^\x00-\x20\x7f<>\"{}|\\^`]+$"


def _without_the_whitespace_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    monkeypatch.setattr(jsonld_module, "ABSOLUTE_IRI", re.compile(_OLD_ABSOLUTE_IRI))
    monkeypatch.setattr(jsonld_module, "BLANK_NODE", re.compile(_OLD_BLANK_NODE))


@pytest.mark.parametrize(
    ("where", "value", "hole"),
    [
        ("subject id", "did:example:student\u00a0x", True),  # no-break space
        ("subject id", "https://school.example/students/1\u2003", True),  # em space
        ("subject id", "did:example:\u2028student", True),  # line separator
        ("subject type", "https://school.example/vocab#Student\u00a0", True),
        # a blank node label (the RDF is made from the verified view's node map, which keeps
        # the document's labels)
        ("blank subject id", "_:student\u3000", True),
        # U+FEFF is whitespace to jsonld.js (its triples are lost there), not to pyld
        ("subject id", "did:example:student\ufeff", False),
    ],
)
def test_ids_with_unicode_whitespace_are_refused(
    monkeypatch: pytest.MonkeyPatch, where: str, value: str, hole: bool
) -> None:
    r"""JSON-LD processors (pyld, jsonld.js) test "absolute IRI" with a regex whose ``\s`` is
    Unicode: an id with a no-break space is taken as relative and every triple about that node is
    left out of the RDF. The node's claims are then not signed: changing one keeps the signature
    valid (shown with the rule switched off). Signing and verifying both refuse such an id."""
    subject: dict[str, Any] = {"id": "did:example:student", "name": "Sam"}
    if where.endswith("subject id"):
        subject["id"] = value
    else:
        subject["type"] = value
    with pytest.raises(MboVcError) as refused:
        sign(_credential(credentialSubject=subject), KEY, created="2026-01-01T00:00:00Z")
    assert refused.value.code == "relative_iri"

    # a credential made where the rule is missing (another implementation, or mbo_vc before it)
    with monkeypatch.context() as off:
        _without_the_whitespace_rule(off)
        signed = _signed(credentialSubject=subject)
        tampered = copy.deepcopy(signed)
        if where == "subject type":
            tampered["credentialSubject"]["type"] = value.replace("Student", "Teacher")
        else:
            tampered["credentialSubject"]["name"] = "Mallory"
        # the hole: what was changed was never signed
        assert verify(tampered, now=NOW).verified is hole
    result = verify(tampered, now=NOW)
    assert not result.verified
    assert result.codes == ["relative_iri"]
    assert verify(signed, now=NOW).codes == ["relative_iri"]


def test_term_nulled_by_an_inline_context_is_refused() -> None:
    """An inline context that maps a term to null hides its value from the RDF."""
    doc = _credential()
    doc["@context"] = [VC2, {"cijfer": None}]
    doc["credentialSubject"]["cijfer"] = "10"
    with pytest.raises(MboVcError) as exc:
        sign(doc, KEY)
    assert exc.value.code == "dropped_term"


def test_vocab_trick_changes_the_signed_data() -> None:
    """An inline @vocab added after signing maps new terms, which changes the signed RDF."""
    signed = _signed()
    signed["@context"] = [VC2, {"@vocab": "https://evil.example/#"}]
    signed["credentialSubject"]["cijfer"] = "10"
    assert verify(signed, now=NOW).codes == ["invalid_signature"]


def test_member_spelled_as_full_iri() -> None:
    """validUntil spelled as its IRI: same RDF (signature holds), a JSON reader misses it, the
    verified view does not (it reads the signed data by IRI)."""
    signed = _signed(validUntil="2027-01-01T00:00:00Z")
    assert verify(signed, now=NOW).codes == ["expired"]
    respelled = copy.deepcopy(signed)
    respelled["https://www.w3.org/2018/credentials#validUntil"] = {
        "@value": respelled.pop("validUntil"),
        "@type": "http://www.w3.org/2001/XMLSchema#dateTime",
    }
    assert "validUntil" not in respelled  # what a reader of the JSON would (not) see
    assert verify(respelled, now=NOW).codes == ["expired"]


def test_keyword_instead_of_alias_is_read_as_signed() -> None:
    """``@type`` for ``type`` is the same JSON-LD (and RDF): it verifies, and reads the same."""
    signed = _signed()
    signed["@type"] = signed.pop("type")
    result = verify(signed, now=NOW)
    assert result.verified, result.problems
    assert result.view is not None and "VerifiableCredential" in result.view.type_names


def test_included_block_is_read_as_signed() -> None:
    """``@included`` is valid JSON-LD 1.1: accepted, and its nodes are part of what is read."""
    signed = _signed()
    signed["@included"] = [{"id": "did:example:x", "name": "hidden"}]
    result = verify(signed, now=NOW)
    assert result.codes == ["invalid_signature"]  # it adds triples the issuer did not sign
    unsigned = _credential()
    unsigned["@included"] = [{"id": "did:example:x", "name": "seen"}]
    assert verify(sign(unsigned, KEY), now=NOW).verified


def test_protected_term_redefinition() -> None:
    """Redefining a protected term of the VC context (jsonld.js refuses it the same way)."""
    doc = _credential()
    doc["@context"] = [VC2, {"VerifiableCredential": {"@id": "https://evil.example/#VC"}}]
    with pytest.raises(MboVcError) as exc:
        sign(doc, KEY)
    assert exc.value.code == "protected_term_redefinition"
    signed = _signed()
    signed["@context"] = doc["@context"]
    assert verify(signed, now=NOW).codes == ["protected_term_redefinition"]


def test_unknown_context() -> None:
    signed = _signed()
    signed["@context"] = [VC2, "https://evil.example/ctx.jsonld"]
    assert verify(signed, now=NOW).codes == ["unknown_context"]


# --- traps around keys and proofs -----------------------------------------------------------


def test_key_of_another_did_than_the_issuer() -> None:
    signed = sign(_credential(), OTHER)
    assert verify(signed, now=NOW).codes == ["vm_not_authorized"]


def test_proof_purpose_not_authorized_by_the_did_document() -> None:
    did = "did:web:school.example"
    key = KEY.with_controller(did, f"{did}#key-1")
    doc = {
        "id": did,
        "verificationMethod": [key.multikey()],
        "authentication": [f"{did}#key-1"],  # not assertionMethod
    }
    signed = sign(_credential(issuer=did), key)
    result = verify(signed, now=NOW, resolver=DidResolver(documents={did: doc}))
    assert result.codes == ["vm_not_authorized"]
    doc["assertionMethod"] = [f"{did}#key-1"]
    assert verify(signed, now=NOW, resolver=DidResolver(documents={did: doc})).verified


def test_cryptosuite_and_type_mismatch() -> None:
    signed = _signed()
    signed["proof"]["type"] = "Ed25519Signature2020"
    assert "proof_type_mismatch" in verify(signed, now=NOW).codes


def test_proof_with_embedded_verification_method() -> None:
    signed = _signed()
    signed["proof"]["verificationMethod"] = OTHER.multikey()
    assert verify(signed, now=NOW).codes[0] == "embedded_verification_method"


def test_embedded_did_document_cannot_vouch_for_itself() -> None:
    """An issuer object that lists its own keys is not a DID document: keys come from resolution."""
    did = "did:web:fake-school.example"
    key = OTHER.with_controller(did, f"{did}#key-1")
    issuer = {
        "id": did,
        "verificationMethod": [key.multikey()],
        "assertionMethod": [f"{did}#key-1"],
    }
    doc = _credential(issuer=issuer)
    doc["@context"] = [VC2, "https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
    signed = sign(doc, key)
    result = verify(signed, now=NOW)
    assert not result.verified
    assert "vm_unresolvable" in result.codes


# --- JSON that parsers disagree on ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (b'{"@context": "x", "@context": "y"}', "duplicate_key"),
        (b'{"a": "\xff"}', "malformed_document"),
        (b'{"a": "\\ud800"}', "malformed_document"),
        (b'{"a": 1e400}', "invalid_number"),
        (b'{"a": -0}', "invalid_number"),
        (b'{"a": -0.0}', "invalid_number"),
        (b'{"a": 18446744073709551616}', "invalid_number"),
        (b'{"a": NaN}', "invalid_number"),
        (b'{"a": Infinity}', "invalid_number"),
    ],
)
def test_ambiguous_json(text: bytes, code: str) -> None:
    assert verify(text).codes == [code]


def test_duplicate_key_in_a_signed_credential() -> None:
    """Two parsers could read different values; the credential is refused, not guessed at."""
    signed = _signed()
    text = json.dumps(signed)
    text = text.replace('"name": "Sam"', '"name": "Sam", "name": "Someone Else"')
    assert verify(text, now=NOW).codes == ["duplicate_key"]


# --- resource limits ------------------------------------------------------------------------


def _poison(n: int) -> dict[str, Any]:
    ctx = {"p": {"@id": "https://example.org/p", "@type": "@id"}}
    nodes = [
        {"@id": f"_:n{i}", "p": [{"@id": f"_:n{j}"} for j in range(n) if j != i]} for i in range(n)
    ]
    return {"@context": ctx, "@graph": nodes}


def test_poison_graph_hits_the_canonicalization_budget() -> None:
    canonicalize_rdfc(_poison(4))  # small symmetric graphs are fine
    with pytest.raises(CanonicalizationLimitError) as exc:
        canonicalize_rdfc(_poison(9))
    assert exc.value.code == "canonicalization_limit"


def test_quad_limit() -> None:
    doc = _credential()
    doc["credentialSubject"]["name"] = [f"n{i}" for i in range(200)]
    with pytest.raises(MboVcError) as exc:
        sign(doc, KEY, limits=Limits(max_quads=100))
    assert exc.value.code == "canonicalization_limit"


def test_json_node_limit() -> None:
    doc = _credential()
    doc["credentialSubject"]["name"] = [{"@value": "x"}] * 100
    with pytest.raises(MboVcError) as exc:
        sign(doc, KEY, limits=Limits(max_json_nodes=50))
    assert exc.value.code == "limit_exceeded"


def test_proof_count_limit() -> None:
    signed = _signed()
    signed["proof"] = [signed["proof"]] * 20
    assert verify(signed, now=NOW).codes == ["limit_exceeded"]


def _cli_verify(path: Path) -> subprocess.CompletedProcess[str]:
    """Run `mbo-vc verify` with a 1 GiB address-space cap, so memory use stays bounded."""
    code = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30));"
        "from mbo_vc.cli import main; sys.exit(main(['verify', sys.argv[1]]))"
    )
    return subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120
    )


def test_cli_refuses_a_50_mb_file(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with path.open("wb") as fh:
        fh.write(b'{"x": "')
        fh.write(b"a" * (50 * 1024 * 1024))
        fh.write(b'"}')
    proc = _cli_verify(path)
    assert proc.returncode == 1, proc.stderr
    assert "limit_exceeded" in proc.stdout and "Traceback" not in proc.stderr


def test_cli_refuses_10000_deep_nesting(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"a": ' + "[" * 10_000 + "]" * 10_000 + "}")
    proc = _cli_verify(path)
    assert proc.returncode == 1 and "limit_exceeded" in proc.stdout, proc.stdout + proc.stderr


def test_cli_refuses_a_2_pow_20_blank_node_graph(tmp_path: Path) -> None:
    path = tmp_path / "bnodes.json"
    doc = _credential()
    doc["credentialSubject"]["name"] = "x"
    text = json.dumps(doc)[:-1] + ', "evidence": [' + ",".join(["{}"] * (1 << 20)) + "]}"
    path.write_text(text)
    proc = _cli_verify(path)
    assert proc.returncode == 1 and "limit_exceeded" in proc.stdout, proc.stdout + proc.stderr
    # Even with the size limit raised, the node limit stops it before JSON-LD processing.
    result = verify(text, limits=Limits(max_document_bytes=64 * 1024 * 1024))
    assert result.codes == ["limit_exceeded"]
    assert "JSON objects and arrays" in result.problems[0].message
