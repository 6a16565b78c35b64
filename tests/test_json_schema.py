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
    result = verify(doc, now=NOW, check_status=False)
    assert result.verified, result.problems
    assert "credential_schema" in result.checks
    # the 1EdTech schema is not shipped (no registry package has it): a warning naming it
    unchecked = [w for w in result.warnings if w.code == "schema_not_checked"]
    assert len(unchecked) == 1 and OBV3_SCHEMA_URL in unchecked[0].message


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
