"""Fuzz targets shared by the quick property tests (tests/test_fuzz.py) and the long run
(tests/fuzz/run_fuzz.py). Each target takes hypothesis-generated input and fails (raises
AssertionError or an unexpected exception) only on a real defect."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import strategies as st

from mbo_vc import DidResolver, Ed25519Key, sign, verify
from mbo_vc.demo import example_diploma
from mbo_vc.document import parse_json
from mbo_vc.errors import MboVcError
from mbo_vc.jsonld import canonicalize_rdfc
from mbo_vc.keys import decode_multibase
from mbo_vc.proofs.eddsa_jcs_2022 import jcs
from tests.mutations import get, paths

KEY = Ed25519Key.from_seed(bytes.fromhex("51" * 32))
NOW = "2030-01-01T00:00:00Z"
SIGNED = {
    suite: sign(example_diploma(KEY.did), KEY, cryptosuite=suite, created="2026-07-01T00:00:00Z")
    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022")
}
PATHS = {suite: [p for p, _ in paths(doc)] for suite, doc in SIGNED.items()}

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**60), 2**60)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12) | st.sampled_from(
        ["@context", "@id", "@type", "@value", "id", "type", "proof", "issuer", "@graph",
         "@included", "credentialSubject", "validFrom", "name", "@vocab", "@protected"]),
        children, max_size=4),
    max_leaves=25,
)  # fmt: skip


def target_verify_any_json(value: Any) -> None:
    """verify() on arbitrary JSON-like values: never raises, never verifies."""
    result = verify(value if isinstance(value, dict) else {"x": value})
    assert not result.verified
    assert "internal_error" not in result.codes, result.problems
    assert all(p.code for p in result.problems)


def target_verify_bytes(data: bytes) -> None:
    """verify() on arbitrary bytes: never raises, never verifies."""
    result = verify(data)
    assert not result.verified and "internal_error" not in result.codes


def _unsecured_canonical(doc: dict[str, Any], suite: str) -> str:
    unsecured = {k: v for k, v in doc.items() if k != "proof"}
    return jcs(unsecured) if suite == "eddsa-jcs-2022" else canonicalize_rdfc(unsecured)


def target_mutated_credential(suite: str, path_index: int, op: str, new: Any) -> None:
    """A mutated signed credential verifies only if the mutation did not change what is signed."""
    original = SIGNED[suite]
    doc = copy.deepcopy(original)
    path = PATHS[suite][path_index % len(PATHS[suite])]
    parent, key = get(doc, path[:-1]), path[-1]
    if op == "replace":
        parent[key] = new
    elif op == "delete":
        del parent[key]
    elif op == "add" and isinstance(parent, dict):
        parent[f"{key}_x" if isinstance(key, str) else "x"] = new
    elif op == "append" and isinstance(parent, list):
        parent.append(new)
    elif op == "wrap":
        parent[key] = [parent[key]]
    result = verify(doc, now=NOW)
    assert "internal_error" not in result.codes, result.problems
    if result.verified:
        # Only a neutral change may verify: the signed form and the proof must be unchanged.
        assert _unsecured_canonical(doc, suite) == _unsecured_canonical(original, suite)
        proofs = doc["proof"] if isinstance(doc["proof"], list) else [doc["proof"]]
        assert [p["proofValue"] for p in proofs] == [original["proof"]["proofValue"]]


def target_did_resolution(text: str) -> None:
    """Resolving any string gives a DID document with that id or a typed DidError."""
    try:
        doc = DidResolver().resolve(text)
    except MboVcError:
        return
    assert doc["id"] == text


def target_multibase(text: str) -> None:
    """Multibase / Multikey decoding gives bytes / a key or a typed error."""
    try:
        decode_multibase(text)
        Ed25519Key.from_multibase(text)
    except MboVcError:
        pass


def target_parse_json(data: bytes) -> None:
    """Strict JSON parsing gives a dict or a typed error."""
    try:
        assert isinstance(parse_json(data), dict)
    except MboVcError:
        pass


def target_json_text(value: Any) -> None:
    """Round-trip through JSON text: parse_json accepts or refuses with a typed error."""
    try:
        text = json.dumps(value, allow_nan=True)
    except (ValueError, TypeError):
        return
    target_parse_json(text.encode())
