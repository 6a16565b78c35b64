"""credentialSchema validation (VC JSON Schema 1.0 / 1EdTechJsonSchemaValidator2019): a shipped
schema is validated offline (``schema_invalid`` with the JSON pointer), any other is a
``schema_not_checked`` warning and never fetched. The Python ``jsonschema`` package is the
independent oracle for the verdicts of the runtime validator (jsonschema-rs)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mbo_vc import Ed25519Key, sign, verify
from mbo_vc.data_model.json_schema import shipped_schemas
from mbo_vc.mbo import issue
from mbo_vc.mbo.model import OBV3_SCHEMA_URL, SCHEMA_BASE
from tests.fixtures import example_waardepapieren

jsonschema = pytest.importorskip("jsonschema")

BG = Ed25519Key.from_seed(bytes.fromhex("31" * 32))
EC = Ed25519Key.from_seed(bytes.fromhex("32" * 32))
NOW = "2026-08-01T00:00:00Z"


def _issued(kind: str) -> dict[str, Any]:
    ec = EC if kind in ("mbo-diploma", "mbo-certificaat") else None  # both signers, chained
    return issue(example_waardepapieren(BG.did)[kind], BG, examencommissie=ec,
                 created="2026-07-01T09:00:00Z")  # fmt: skip


def _unsigned(kind: str) -> dict[str, Any]:
    return example_waardepapieren(BG.did)[kind].to_json()


def _codes(result: Any) -> list[str]:
    return [p.code for p in result.problems]


@pytest.mark.parametrize("kind", ["mbo-diploma", "mbo-certificaat", "mbo-verklaring",
                                  "microcredential"])  # fmt: skip
def test_issued_waardepapier_validates_against_its_own_schema(kind: str) -> None:
    doc = _issued(kind)
    schemas = {s["id"]: s["type"] for s in doc["credentialSchema"]}
    assert schemas[f"{SCHEMA_BASE}{kind}.schema.json"] == "JsonSchema"
    assert schemas[OBV3_SCHEMA_URL] == "1EdTechJsonSchemaValidator2019"
    result = verify(doc, now=NOW, check_status=False)
    assert result.verified, result.problems
    assert "credential_schema" in result.checks
    # both schemas it names are shipped, so both are validated: no schema_not_checked (issue 20)
    assert [w.code for w in result.warnings if w.code.startswith("schema")] == []


def test_signed_but_schema_invalid_is_refused_with_pointer() -> None:
    doc = _unsigned("mbo-diploma")
    doc["credentialSubject"]["achievement"]["name"] = 12345  # a number where a string belongs
    signed = sign(doc, BG, created="2026-07-01T09:00:00Z")
    result = verify(signed, now=NOW, check_status=False)
    assert not result.verified
    problems = [p for p in result.problems if p.code == "schema_invalid"]
    assert problems and problems[0].where == "/credentialSubject/achievement/name"
    assert "invalid_signature" not in _codes(result)


def test_schema_of_unknown_type_is_a_warning() -> None:
    doc = _unsigned("microcredential")
    doc["credentialSchema"] = [{"id": f"{SCHEMA_BASE}microcredential.schema.json",
                                "type": "ShaclValidator2017"}]  # fmt: skip
    doc["@context"].append({"ShaclValidator2017": "https://example.org/ShaclValidator2017"})
    signed = sign(doc, BG, created="2026-07-01T09:00:00Z")
    result = verify(signed, now=NOW, check_status=False)
    assert result.verified, result.problems
    assert [w.code for w in result.warnings if w.code.startswith("schema")] == [
        "schema_not_checked"
    ]


def test_unknown_schema_url_is_never_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def no_network(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a JSON Schema was fetched")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    doc = _unsigned("microcredential")
    doc["credentialSchema"] = [{"id": "https://schemas.example/evil.json", "type": "JsonSchema"}]
    result = verify(sign(doc, BG, created="2026-07-01T09:00:00Z"), now=NOW, check_status=False)
    assert result.verified
    assert any("evil.json" in w.message for w in result.warnings if w.code == "schema_not_checked")


def test_schema_entry_as_aliased_member_is_still_read() -> None:
    """The schema entry is read from the signed data: spelled by its full IRI it still applies."""
    doc = _unsigned("mbo-diploma")
    entries = doc.pop("credentialSchema")
    doc["https://www.w3.org/2018/credentials#credentialSchema"] = entries
    doc["credentialSubject"]["achievement"]["name"] = 7
    result = verify(sign(doc, BG, created="2026-07-01T09:00:00Z"), now=NOW, check_status=False)
    assert "schema_invalid" in _codes(result)


MUTATIONS = [
    ("credentialSubject.achievement.name", None),
    ("name", 5),
    ("credentialSubject.achievement.achievementType", "Spaceship"),
    ("credentialSubject.type", "Nope"),
    ("issuer.type", ["NotAProfile"]),
    ("credentialSubject.achievement", "urn:x"),
    ("proof", "not a proof"),
    ("credentialSubject.identifier", [{"type": "IdentityObject"}]),
]


def _set(doc: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = doc
    for p in parents:
        node = node[p]
    node[last] = value


@pytest.mark.parametrize("kind", ["mbo-diploma", "microcredential"])
@pytest.mark.parametrize(("path", "value"), MUTATIONS)
def test_runtime_validator_agrees_with_the_python_oracle(kind: str, path: str, value: Any) -> None:
    from mbo_vc.data_model.json_schema import _validator

    schema_id = f"{SCHEMA_BASE}{kind}.schema.json"
    oracle = jsonschema.Draft202012Validator(
        shipped_schemas()[schema_id], format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    doc = _issued(kind)
    assert oracle.is_valid(doc) and _validator(schema_id).is_valid(doc)
    bad = copy.deepcopy(doc)
    _set(bad, path, value)
    assert _validator(schema_id).is_valid(bad) == oracle.is_valid(bad)
    assert not oracle.is_valid(bad), "the mutation must break the schema"


def test_the_mbo_rules_do_not_repeat_the_pipelines_schema_check() -> None:
    """A waardepapier naming its mbo schema is validated once: by the pipeline, not again by the
    mbo rules of `mbo-vc verify` (one schema_invalid per member)."""
    from mbo_vc.mbo.rules import apply_mbo_rules

    doc = _unsigned("microcredential")
    doc["credentialSubject"]["achievement"]["name"] = 12345
    result = verify(sign(doc, BG, created="2026-07-01T09:00:00Z"), now=NOW, check_status=False)
    before = [p.where for p in result.problems if p.code == "schema_invalid"]
    assert before
    apply_mbo_rules(result)
    after = [p.where for p in result.problems if p.code == "schema_invalid"]
    assert after == before


# --- the 1EdTech OBv3 AchievementCredential schema, shipped and pinned (issue 20 item 4) -------

OBV3_JSON_LD_SCHEMA_URL = OBV3_SCHEMA_URL.replace("/schema/json/", "/schema/json-ld/")


def test_the_1edtech_schema_is_shipped_under_both_ids_and_pinned() -> None:
    import hashlib
    import json
    from importlib import resources

    from tests.helpers import VECTORS

    schemas = shipped_schemas()
    assert schemas[OBV3_SCHEMA_URL] is schemas[OBV3_JSON_LD_SCHEMA_URL]
    assert schemas[OBV3_SCHEMA_URL]["$id"] == OBV3_JSON_LD_SCHEMA_URL
    folder = resources.files("mbo_vc") / "schemas" / "1edtech"
    manifest = json.loads((folder / "MANIFEST.json").read_text("utf-8"))
    (pin,) = manifest["schemas"]
    data = (folder / pin["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == pin["sha256"] and len(data) == pin["bytes"]
    assert pin["source"].startswith("github:educredentials/obv3-examples@a5a6b6d5")
    # the same bytes as the test oracle, which records its own source's sha256
    oracle = json.loads((VECTORS / "obv3-schema" / "achievementcredential-jsonld.json").read_text())
    assert oracle["source_sha256"] == pin["sha256"]
    assert json.loads(data) == oracle["schema"]


@pytest.mark.parametrize("schema_url", [OBV3_SCHEMA_URL, OBV3_JSON_LD_SCHEMA_URL])
def test_a_credential_breaking_the_1edtech_schema_is_schema_invalid(schema_url: str) -> None:
    """Only the 1EdTech schema is named, and the credential breaks only it (1EdTech requires an
    ``id`` on the credential; VC DM 2.0 does not): refused, with the pointer of the member."""
    doc = _unsigned("microcredential")
    doc["credentialSchema"] = [{"id": schema_url, "type": "1EdTechJsonSchemaValidator2019"}]
    del doc["id"]
    result = verify(_proof_array(sign(doc, BG, created="2026-07-01T09:00:00Z")), now=NOW,
                    check_status=False)  # fmt: skip
    assert not result.verified
    problems = [p for p in result.problems if p.code == "schema_invalid"]
    assert problems and schema_url in problems[0].message, result.problems
    assert "schema_not_checked" not in [w.code for w in result.warnings]
    # the same credential with its id verifies: only the schema refused it
    doc = _unsigned("microcredential")
    doc["credentialSchema"] = [{"id": schema_url, "type": "1EdTechJsonSchemaValidator2019"}]
    signed = sign(doc, BG, created="2026-07-01T09:00:00Z")
    result = verify(_proof_array(signed), now=NOW, check_status=False)
    assert result.verified, result.problems
    assert "schema_not_checked" not in [w.code for w in result.warnings]
    # 1EdTech's schema writes the proof set as an array; one proof object (as plain `sign` and
    # vc.js write it) is the same set, so it is read as one: verified, nothing to warn about
    result = verify(signed, now=NOW, check_status=False)
    assert result.verified, result.problems
    assert "schema_not_checked" not in [w.code for w in result.warnings]
    # ... while a proof member that is not a proof is still schema_invalid, at /proof
    bad = {**signed, "proof": {**signed["proof"], "type": 7}}
    result = verify(bad, now=NOW, check_status=False)
    wheres = [p.where for p in result.problems if p.code == "schema_invalid"]
    assert wheres and all(w.startswith("/proof") and not w.startswith("/proof/0") for w in wheres)


def _proof_array(signed: dict[str, Any]) -> dict[str, Any]:
    """The same proof set, written as a one-element array (what 1EdTech's schema requires)."""
    return {**signed, "proof": [signed["proof"]]}


def test_a_tampered_1edtech_schema_file_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    import mbo_vc.data_model.json_schema as js

    real = js.resources.files

    class _Tampered:
        def __init__(self, inner: Any) -> None:
            self._inner = inner

        def __truediv__(self, name: str) -> Any:
            return _Tampered(self._inner / name)

        def iterdir(self) -> Any:
            return self._inner.iterdir()

        def read_text(self, encoding: str) -> str:
            return str(self._inner.read_text(encoding))

        def read_bytes(self) -> bytes:
            data = bytes(self._inner.read_bytes())
            return data + b" " if str(self._inner).endswith("schema.json") else data

    monkeypatch.setattr(js.resources, "files", lambda pkg: _Tampered(real(pkg)))
    js.shipped_schemas.cache_clear()
    js._validator.cache_clear()
    try:
        result = verify(_issued("mbo-diploma"), now=NOW, check_status=False)
        assert not result.verified
        assert "context_integrity" in _codes(result), result.problems
    finally:
        monkeypatch.undo()
        js.shipped_schemas.cache_clear()
        js._validator.cache_clear()
