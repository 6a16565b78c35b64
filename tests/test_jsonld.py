"""The offline document loader and safe-mode canonicalisation."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from mbo_vc import DocumentLoader, Ed25519Key, sign, verify
from mbo_vc.errors import (
    ContextIntegrityError,
    SafeModeError,
    UnknownContextError,
    UsageError,
)
from mbo_vc.jsonld import bundled_contexts_dir, canonicalize_rdfc, expand

VC2 = "https://www.w3.org/ns/credentials/v2"
REQUIRED = [
    VC2,
    "https://www.w3.org/2018/credentials/v1",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/multikey/v1",
    "https://w3id.org/security/suites/ed25519-2020/v1",
    "https://www.w3.org/ns/did/v1",
    "https://www.w3.org/ns/credentials/status/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
TEST_ONLY = ["https://www.w3.org/ns/credentials/examples/v2", "https://w3id.org/citizenship/v4rc1"]


def _cred(**extra: object) -> dict:
    doc = {
        "@context": [VC2],
        "id": "urn:uuid:00000000-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:subject"},
    }
    doc.update(extra)
    return doc


def test_required_contexts_are_bundled_and_pinned() -> None:
    loader = DocumentLoader()
    for url in REQUIRED:
        assert loader.is_bundled(url), url
        assert isinstance(loader.load(url).get("@context"), dict | list)
    for pin in loader.pinned():
        data = (bundled_contexts_dir() / pin.file).read_bytes()
        assert hashlib.sha256(data).hexdigest() == pin.sha256
        assert pin.source, f"{pin.url} has no provenance"


def test_test_only_contexts_are_not_trusted_defaults() -> None:
    loader = DocumentLoader()
    for url in TEST_ONLY:
        assert url not in loader.urls
        with pytest.raises(UnknownContextError):
            loader.load(url)


def test_unknown_context_is_a_typed_error_and_never_fetched() -> None:
    doc = _cred()
    doc["@context"] = [VC2, "https://evil.example/context.jsonld"]
    with pytest.raises(UnknownContextError, match="never fetches"):
        canonicalize_rdfc(doc)


def test_registered_context_is_per_loader_only(test_contexts) -> None:
    url = TEST_ONLY[0]
    with_extra = DocumentLoader(extra={url: test_contexts[url]})
    doc = _cred(credentialSubject={"id": "did:example:s", "alumniOf": "x"})
    doc["@context"] = [VC2, url]
    canonicalize_rdfc(doc, with_extra)
    # The processed-context cache of one loader must not leak into another one.
    with pytest.raises(UnknownContextError):
        canonicalize_rdfc(doc, DocumentLoader())


def test_bundled_context_cannot_be_replaced() -> None:
    with pytest.raises(UsageError):
        DocumentLoader(extra={VC2: {"@context": {"@vocab": "https://evil.example/#"}}})


def test_tampered_bundled_context_is_detected(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "ctx"
    shutil.copytree(bundled_contexts_dir(), folder)
    manifest = json.loads((folder / "MANIFEST.json").read_text())
    entry = next(e for e in manifest["contexts"] if e["url"] == VC2)
    path = folder / entry["file"]
    path.write_bytes(path.read_bytes().replace(b'"name"', b'"naam"', 1))
    import mbo_vc.jsonld.loader as jl

    monkeypatch.setattr(jl, "bundled_contexts_dir", lambda: folder)
    with pytest.raises(ContextIntegrityError, match="sha256"):
        DocumentLoader().load(VC2)


# --- safe mode: each trap refused, with its own code, on expand (so on sign and on verify) ---

SAFE_MODE_TRAPS = {
    "undefined top-level term": (_cred(foo="bar"), "dropped_term"),
    "undefined term in subject": (
        _cred(credentialSubject={"id": "did:example:s", "degree": "BSc"}),
        "dropped_term",
    ),
    "relative type": (_cred(type=["VerifiableCredential", "Diploma"]), "relative_iri"),
    "relative id": (_cred(id="credential-1"), "relative_iri"),
    "blank node property": (
        _cred(**{"_:b0": "x"}),
        "dropped_term",
    ),
    "invalid language tag": (
        _cred(name={"@value": "Diploma", "@language": "not a tag!"}),
        "invalid_value",
    ),
    "keyword-like term": (_cred(**{"@foo": "bar"}), "dropped_term"),
}


@pytest.mark.parametrize("name", list(SAFE_MODE_TRAPS))
def test_safe_mode_refuses(name: str) -> None:
    doc, code = SAFE_MODE_TRAPS[name]
    with pytest.raises(SafeModeError) as exc:
        expand(doc)
    assert exc.value.code == code


@pytest.mark.parametrize("name", list(SAFE_MODE_TRAPS))
def test_safe_mode_on_sign_and_verify(name: str) -> None:
    doc, code = SAFE_MODE_TRAPS[name]
    key = Ed25519Key.generate()
    with pytest.raises(SafeModeError):
        sign(doc, key)
    # a valid credential with the trap added after signing does not verify, with that code
    signed = sign(_cred(issuer=key.did), key)
    for k, v in doc.items():
        if k not in ("@context", "issuer"):
            signed[k] = v
    signed["@context"] = doc["@context"]
    result = verify(signed)
    assert not result.verified
    assert code in result.codes


def test_defined_terms_pass_safe_mode() -> None:
    doc = _cred(name="Diploma", description={"@value": "mbo", "@language": "nl"})
    assert "<https://schema.org/name>" in canonicalize_rdfc(doc)


def test_pyld_internal_errors_become_typed_errors() -> None:
    """pyld raises KeyError for a `@vocab: null` it never saw set; we turn that into ours."""
    from mbo_vc.errors import CanonicalizationError

    with pytest.raises(CanonicalizationError):
        expand(_cred(**{"@context": [VC2, {"@vocab": None}]}))


def test_full_iri_key_is_not_dropped() -> None:
    """A full-IRI member is RDF data (not dropped): it is signed like any other term."""
    doc = _cred(**{"https://example.org/vocab#extra": "x"})
    assert "<https://example.org/vocab#extra>" in canonicalize_rdfc(doc)


def test_canonical_nquads_escape_control_characters_like_rdf_canonize() -> None:
    """pyld 3.3 writes control characters raw; mbo_vc's replacement escapes them as canonical
    N-Quads (and rdf-canonize 5) do. If pyld ever fixes its own escaping, this test says so, and
    the replacement in mbo_vc.jsonld.rdf can go."""
    from mbo_vc.jsonld.rdf import PYLD_ESCAPE, escape_literal

    text = 'a\fb\bc\x0bd\x7fe\x1ff"g\\h\ni\tj\rk\x00'
    assert escape_literal(text) == 'a\\fb\\bc\\u000Bd\\u007Fe\\u001Ff\\"g\\\\h\\ni\\tj\\rk\\u0000'
    assert PYLD_ESCAPE(text) != escape_literal(text), "pyld fixed its escaping: drop the patch"
    doc = {"@context": {"p": "https://example.org/p"}, "@id": "https://x.example", "p": "a\fb"}
    assert canonicalize_rdfc(doc) == '<https://x.example> <https://example.org/p> "a\\fb" .\n'
