"""The context-cache fixes (mbo_vc.jsonld.fastpath) change nothing but speed: the canonical
N-Quads (and every error) of the whole test corpus are the same with and without them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

import mbo_vc.jsonld.fastpath as fastpath
from mbo_vc import Ed25519Key
from mbo_vc.errors import MboVcError
from mbo_vc.jsonld import DocumentLoader, canonicalize_rdfc, read_pinned_folder
from mbo_vc.mbo.signers import issue
from tests.fixtures import example_waardepapieren
from tests.helpers import VECTORS


def _documents(value: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object with an @context inside a fixture file (documents, proofs stripped)."""
    if isinstance(value, dict):
        if "@context" in value and ("type" in value or "@type" in value):
            yield {k: v for k, v in value.items() if k != "proof"}
        for v in value.values():
            yield from _documents(v)
    elif isinstance(value, list):
        for v in value:
            yield from _documents(v)


def _corpus() -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for path in sorted(VECTORS.rglob("*.json")):
        if "contexts" in path.parts:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        for i, doc in enumerate(_documents(data)):
            out.append((f"{path.relative_to(VECTORS)}#{i}", doc))
    key = Ed25519Key.from_seed(bytes([5]) * 32)
    for kind, paper in example_waardepapieren(key.did).items():
        out.append((kind, issue(paper, key)))
    # the attack corpus: every re-spelling trick (aliases, @nest, scoped contexts overriding
    # protected terms, index/id/type maps, reverse properties, @included …)
    from tests.test_attacks import CASES, attacked

    for case in CASES:
        doc = attacked(case)
        out.append((case.id, {k: v for k, v in doc.items() if k != "proof"}))
        for i, inner in enumerate(doc.get("verifiableCredential") or []):
            if isinstance(inner, dict):
                out.append((f"{case.id}/vc{i}", {k: v for k, v in inner.items() if k != "proof"}))
    return out


CORPUS = _corpus()


def _loader() -> DocumentLoader:
    extra = read_pinned_folder(VECTORS / "contexts")
    return DocumentLoader(extra=extra)


def _canonical(doc: dict[str, Any], loader: DocumentLoader) -> str:
    try:
        return canonicalize_rdfc(doc, loader)
    except MboVcError as exc:
        return f"error {exc.code}"


def test_the_corpus_is_large() -> None:
    assert len(CORPUS) > 300
    assert sum(1 for _, d in CORPUS if "VerifiableCredential" in str(d.get("type"))) > 150


def test_same_nquads_with_and_without_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastpath, "ENABLED", True)
    fast_loader = _loader()
    fast = [_canonical(doc, fast_loader) for _, doc in CORPUS]
    fast_again = [_canonical(doc, fast_loader) for _, doc in CORPUS]  # warm caches
    monkeypatch.setattr(fastpath, "ENABLED", False)
    slow_loader = _loader()
    slow = [_canonical(doc, slow_loader) for _, doc in CORPUS]
    differ = [name for (name, _), a, b in zip(CORPUS, fast, slow, strict=True) if a != b]
    assert differ == []
    assert fast_again == fast
    assert sum(1 for x in fast if not x.startswith("error")) > 250


def _with_proofs(doc: dict[str, Any], proofs: Any) -> dict[str, Any]:
    return {**doc, "proof": proofs}


_KEY = "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
_VM = f"did:key:{_KEY}#{_KEY}"
_PROOF = {
    "id": "urn:uuid:3f1e0a4c-0000-4000-8000-000000000001",
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-rdfc-2022",
    "created": "2026-07-01T09:00:00Z",
    "verificationMethod": _VM,
    "proofPurpose": "assertionMethod",
    "proofValue": "z3yUuWbFsLUp2CUrSZRaRbTk1UnkhpoJgJYu1SdMqxZMzsJGSP7GTSiEXXskdVKM4wC3e8gJbjbAh",
}


def _rdfc_of(doc: dict[str, Any], proofs: Any, loader: DocumentLoader) -> str:
    from mbo_vc.proofs import Canonicalizer

    canon = Canonicalizer(loader)
    try:
        canon.expanded(doc)  # the document without its proof first, as a proof chain does
    except MboVcError:
        pass
    try:
        return canon.rdfc(_with_proofs(doc, proofs))
    except MboVcError as exc:
        return f"error {exc.code}"


def test_composed_proof_chain_expansion_equals_the_full_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A chained proof's document (the credential with its earlier proofs) canonicalises the
    same whether its expansion is composed from parts or made in full, for every document of
    the corpus, with one proof, two proofs, or a proof with its own context (in turn)."""
    import mbo_vc.proofs.core as core

    loader = _loader()
    second = {**_PROOF, "id": "urn:uuid:3f1e0a4c-0000-4000-8000-000000000002",
              "previousProof": _PROOF["id"]}  # fmt: skip
    variants = [
        _PROOF,
        [_PROOF, second],
        {**_PROOF, "@context": "https://w3id.org/security/data-integrity/v2"},
    ]
    composed_used = 0
    original = core.Canonicalizer._with_proof

    def counting(self: Any, document: Any) -> Any:
        nonlocal composed_used
        found = original(self, document)
        composed_used += found is not None
        return found

    monkeypatch.setattr(core.Canonicalizer, "_with_proof", counting)
    for i, (name, doc) in enumerate(CORPUS):
        proofs = variants[i % len(variants)]  # each document with one of the proof shapes
        monkeypatch.setattr(core, "COMPOSE_PROOF_EXPANSION", True)
        fast = _rdfc_of(doc, proofs, loader)
        monkeypatch.setattr(core, "COMPOSE_PROOF_EXPANSION", False)
        full = _rdfc_of(doc, proofs, loader)
        assert fast == full, name
    assert composed_used > 150  # the composition was taken, not only the fallback


def test_rdf_from_the_views_node_map_equals_plain_to_rdf() -> None:
    """For a document that is one node, the canonical form is made from the verified view's node
    map (document labels kept, lists left whole); it equals the plain toRdf route (pyld's own
    node map, every label renamed) for every document of the corpus, errors included."""
    from mbo_vc.proofs import Canonicalizer

    loader = _loader()
    plain = [_canonical(doc, loader) for _, doc in CORPUS]
    shared = []
    for _, doc in CORPUS:
        try:
            shared.append(Canonicalizer(loader).rdfc(doc))
        except MboVcError as exc:
            shared.append(f"error {exc.code}")
    differ = [name for (name, _), a, b in zip(CORPUS, shared, plain, strict=True) if a != b]
    assert differ == []
    assert sum(1 for x in shared if not x.startswith("error")) > 250


def test_making_the_rdf_leaves_the_view_whole() -> None:
    """pyld's toRdf pops the last item of each list off the node map; the view's lists stay."""
    from mbo_vc.proofs import Canonicalizer

    doc = {
        "@context": {"@vocab": "https://example.org/vocab#"},
        "@id": "https://example.org/doc",
        "steps": {"@list": ["one", "two", "three"]},
    }
    canon = Canonicalizer(_loader())
    nquads = canon.rdfc(doc)
    assert nquads.count("rdf-syntax-ns#first") == 3
    (steps,) = canon.nodes(doc).root.values("https://example.org/vocab#steps")
    assert [v["@value"] for v in steps["@list"]] == ["one", "two", "three"]
    assert canon.rdfc(doc) == nquads == canonicalize_rdfc(doc, _loader())


@pytest.mark.parametrize("label", ["_:c14n0", "_:c14n1", "_:c14n2", "_:b0", "_:b1"])
@pytest.mark.parametrize("member", ["a", "b", "c"])
def test_a_document_label_that_looks_canonical_names_its_own_node(label: str, member: str) -> None:
    """The node map keeps the document's blank-node labels; pyld's RDFC-1.0 takes a label that
    starts with ``_:c14n`` as already issued, so without renaming, ``_:c14n0`` given to the
    second of three nodes merged it with the first in the canonical form (two different
    documents, one signature)."""
    from mbo_vc.proofs import Canonicalizer

    doc: dict[str, Any] = {
        "@context": {"@vocab": "https://example.org/vocab#"},
        "@id": "https://example.org/doc",
        "a": {"name": "first"},
        "b": {"name": "second"},
        "c": {"name": "third", "steps": {"@list": ["x", "y"]}},
    }
    doc[member] = {"@id": label, **doc[member]}
    nquads = Canonicalizer(_loader()).rdfc(doc)
    assert nquads == canonicalize_rdfc(doc, _loader())
    subjects = {line.split(" ", 1)[0] for line in nquads.splitlines() if line.startswith("_:")}
    assert len(subjects) == 3 + 2  # three nodes, two list cells: none merged


def _with_trap(doc: dict[str, Any], trap: dict[str, Any], depth: int) -> dict[str, Any]:
    """``doc`` with ``trap`` as the value of a member ``depth`` objects down (or at the top)."""
    out = json.loads(json.dumps(doc))
    node = out
    for _ in range(depth):
        inner = next((v for v in node.values() if isinstance(v, dict)), None)
        if inner is None:
            break
        node = inner
    node["name"] = trap
    return out


def test_skipping_the_input_walk_changes_no_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    """Safe mode walks the input for what pyld drops without a word (a null ``@value``, an
    object with only ``@language``); the walk is skipped when the document's bytes hold none of
    those keywords. Over the corpus, and the corpus with each trap planted at several depths,
    the outcome (expansion or error code) is the same as with the walk always done."""
    import mbo_vc.jsonld.safe_mode as safe_mode
    from mbo_vc.jsonld import expand

    loader = _loader()
    traps = [{"@value": None}, {"@language": "nl"}, {"@direction": "ltr"}, {"@value": "x"}]
    docs = [doc for _, doc in CORPUS[::3]]
    docs += [
        _with_trap(doc, trap, depth) for doc in docs[:40] for trap in traps for depth in (0, 2)
    ]

    def outcome(doc: dict[str, Any]) -> str:
        try:
            return json.dumps(expand(doc, loader), sort_keys=True)
        except MboVcError as exc:
            return f"error {exc.code}"

    fast = [outcome(doc) for doc in docs]
    monkeypatch.setattr(safe_mode, "_INPUT_KEYWORDS", (b"",))  # b"" is in every byte string
    always = [outcome(doc) for doc in docs]
    assert fast == always
    assert sum(1 for x in fast if x == "error invalid_value") > 40


# --- node-map generation: pyld's duplicate check in constant time (mbo_vc.jsonld.nodes) -------

_TRICKY_VALUES = {
    "@context": {"@vocab": "https://example.org/v#", "j": {"@type": "@json"}, "d": {"@id": "d"}},
    "@id": "urn:x",
    "n": [1, 1.0, True, 1, "1", False, 0, 2.5, 2.5],
    "s": [
        {"@value": "a", "@language": "en"},
        {"@value": "a", "@language": "nl"},
        {"@value": "a"},
        {"@value": "a", "@type": "https://example.org/t"},
        {"@value": "a", "@language": "en"},
        {"@value": "a", "@direction": "rtl"},
    ],
    "j": [{"a": 1}, {"a": 1}, [1, True], [1, 1]],
    "r": [{"@id": "urn:a"}, {"@id": "urn:a"}, {"@id": "_:b"}, {"@id": "_:b"}, {"v": 1}, {"v": 1}],
    "l": {"@list": [1, 1, {"@id": "urn:a"}, {"@id": "urn:a"}]},
    "@reverse": {"back": [{"@id": "urn:c"}, {"@id": "urn:c"}]},
}


def _node_map_graphs(doc: dict[str, Any], loader: DocumentLoader, fast: bool) -> Any:
    import mbo_vc.jsonld.nodes as nodes
    from mbo_vc.jsonld import expand

    original = nodes._value_key
    try:
        if not fast:  # no key for any value: every check is pyld's own scan
            nodes._value_key = lambda value: None  # type: ignore[assignment]
        text = json.dumps(nodes.node_map(expand(doc, loader)).graphs, sort_keys=True)
        return re.sub(r"_:mbovc[0-9a-f]+n", "_:b", text)  # the issuer's random prefix
    except MboVcError as exc:
        return f"error {exc.code}"
    finally:
        nodes._value_key = original


def test_the_node_map_is_the_same_with_the_constant_time_duplicate_check() -> None:
    loader = _loader()
    cases = [*CORPUS, ("tricky-values", _TRICKY_VALUES)]
    differ = [
        name
        for name, doc in cases
        if _node_map_graphs(doc, loader, True) != _node_map_graphs(doc, loader, False)
    ]
    assert differ == []
    tricky = json.loads(_node_map_graphs(_TRICKY_VALUES, loader, True))["@default"]["urn:x"]
    assert len(tricky["https://example.org/v#n"]) == 6  # 1 == 1.0, True is not 1
    assert len(tricky["https://example.org/v#r"]) == 4  # refs collapse, blank nodes do not


def test_a_property_with_ten_thousand_values_is_linear() -> None:
    """pyld scans a node's values for every value it adds: 10,000 values of one property were
    ~10^8 comparisons (minutes) before the node map kept an index of them."""
    import time

    from mbo_vc.jsonld import expand
    from mbo_vc.jsonld.nodes import node_map

    doc = {"@context": {"@vocab": "https://example.org/v#"}, "@id": "urn:x"}
    doc["grade"] = [f"g{i:05d}" for i in range(10_000)]
    expanded = expand(doc, _loader())
    start = time.perf_counter()
    graphs = node_map(expanded).graphs
    assert time.perf_counter() - start < 5
    assert len(graphs["@default"]["urn:x"]["https://example.org/v#grade"]) == 10_000
