"""OBv3 models: credentials made elsewhere parse and re-serialise without loss; the Edubadges
context repair; JSON-LD safe mode on what the models write."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from mbo_vc import verify
from mbo_vc.errors import ModelValidationError, SafeModeError
from mbo_vc.jsonld import EDUCREDENTIAL_CONTEXT, DocumentLoader, bundled_contexts_dir, expand
from mbo_vc.mbo import Microcredential, hash_identifier, waardepapier_from_credential
from mbo_vc.models import (
    OB_EXTENSIONS_CONTEXT,
    EndorsementCredential,
    OpenBadgeCredential,
    parse_credential,
)
from tests.helpers import SHARED, load_vector

EDU = SHARED / "vectors" / "educredentials-obv3-examples"
SPEC = SHARED / "vectors" / "1edtech-ob-v3p0-spec" / "examples"
VALIDATOR = SHARED / "vectors" / "1edtech-validator-ob30"
# The validator fixtures that 1EdTech's validator accepts as OBv3 credentials (expectations.json).
VALID_VALIDATOR = [
    "simple.json", "simple_v1.json", "complete.json", "complete_v1.json",
    "endorsement-valid.json", "simple-eddsa-2022.json", "simple-context-alias.json",
]  # fmt: skip


def _absent(folder: Path) -> str:
    return f"{folder} is absent (reference vectors live in ../shared/vectors)"


def _files(folder: Path, names: list[str] | None = None) -> list[Any]:
    """The folder's reference files; without the folder one skipped case that says why."""
    if not folder.is_dir():
        return [pytest.param(folder, marks=pytest.mark.skip(reason=_absent(folder)))]
    return sorted(folder / n for n in names) if names else sorted(folder.glob("*.json"))


def _same_json(a: Any, b: Any) -> bool:
    """Equal as JSON text (so 3 and 3.0, or "x" and ["x"], differ)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _skip_if_absent(folder: Path) -> None:
    if not folder.is_dir():
        pytest.skip(_absent(folder))


@pytest.mark.parametrize(
    "path",
    _files(EDU) + _files(SPEC) + _files(VALIDATOR, VALID_VALIDATOR),
    ids=lambda p: p.name,
)
def test_foreign_credentials_round_trip_without_loss(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    model = parse_credential(doc)
    assert _same_json(model.to_json(), doc)


def test_reference_folders_present_or_skipped() -> None:
    _skip_if_absent(EDU)
    assert len(_files(EDU)) == 30 and len(_files(SPEC)) == 7


def test_vc11_credential_parses_and_still_verifies_after_round_trip() -> None:
    doc = load_vector("1edtech-validator/simple_v1.json")["document"]
    model = OpenBadgeCredential.from_json(doc)
    assert model.is_v1 and model.issuance_date and model.valid_from is None
    again = model.to_json()
    assert _same_json(again, doc)
    assert (
        verify(again, now="2024-01-01T00:00:00Z").verified
        == verify(doc, now="2024-01-01T00:00:00Z").verified
    )


def test_signed_credential_reserialised_by_models_still_verifies() -> None:
    doc = load_vector("1edtech-validator/simple.json")["document"]
    again = OpenBadgeCredential.from_json(doc).to_json()
    assert verify(again).verified == verify(doc).verified


def test_number_forms_are_kept() -> None:
    doc = load_vector("1edtech-validator/simple.json")["document"]
    doc["credentialSubject"]["achievement"]["creditsAvailable"] = 3
    doc["credentialSubject"]["creditsEarned"] = 3.0
    out = OpenBadgeCredential.from_json(doc).to_json()
    assert json.dumps(out["credentialSubject"]["achievement"]["creditsAvailable"]) == "3"
    assert json.dumps(out["credentialSubject"]["creditsEarned"]) == "3.0"


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("credentialSubject", "achievement"), None, "credentialSubject.achievement"),
        (("credentialSubject", "achievement", "achievementType"), "Diplomma", "achievementType"),
        (("credentialSubject", "type"), ["Person"], "credentialSubject"),
        (("type",), ["VerifiableCredential"], ""),
    ],
)
def test_invalid_credentials_raise_typed_errors(
    path: tuple[str, ...], value: Any, field: str
) -> None:
    doc = load_vector("1edtech-validator/simple.json")["document"]
    target = doc
    for part in path[:-1]:
        target = target[part]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    with pytest.raises(ModelValidationError) as info:
        OpenBadgeCredential.from_json(doc)
    assert info.value.code == "invalid_field"
    assert field in (info.value.field or "") or field in info.value.message


def test_endorsement_credential_model() -> None:
    _skip_if_absent(SPEC)
    doc = json.loads((SPEC / "endorsement.json").read_text())
    model = parse_credential(doc)
    assert isinstance(model, EndorsementCredential)
    assert model.credential_subject.types == ["EndorsementSubject"]


# --- the educredential context: repaired in memory, bytes unchanged --------------------------


def test_educredential_context_bytes_unchanged_and_repaired_in_memory() -> None:
    folder = bundled_contexts_dir()
    manifest = json.loads((folder / "MANIFEST.json").read_text())
    pin = next(e for e in manifest["contexts"] if e["url"] == EDUCREDENTIAL_CONTEXT)
    raw = (folder / pin["file"]).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == pin["sha256"]
    as_published = json.loads(raw)["@context"]["EducredentialAchievement"]["@context"]
    assert "context" in as_published["supervisionType"]
    served = DocumentLoader().load(EDUCREDENTIAL_CONTEXT)["@context"]["EducredentialAchievement"]
    term = served["@context"]["supervisionType"]
    assert "@context" in term and "context" not in term
    expanded = expand(
        {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                EDUCREDENTIAL_CONTEXT,
            ],
            "id": "urn:x:1",
            "type": ["Achievement", "EducredentialAchievement"],
            "supervisionType": "supervised online",
        }
    )
    values = [v for k, vs in expanded[0].items() if k.endswith("#supervisionType") for v in vs]
    # the typo host of the published context survives: we repair syntax, not content
    assert values == [
        {
            "@id": "https://edubaadges.nl/static/obv3-glossary.html#supervision-type-supervised-online"
        }
    ]


@pytest.mark.parametrize("path", _files(EDU), ids=lambda p: p.name)
def test_educredential_examples_pass_safe_mode_with_extensions_context(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    # As published they use credentialSchema type 1EdTechJsonSchemaValidator2019 without the
    # OBv3 extensions context that defines it: safe mode refuses exactly that term.
    with pytest.raises(SafeModeError, match="1EdTechJsonSchemaValidator2019"):
        expand(doc)
    doc["@context"].append(OB_EXTENSIONS_CONTEXT)
    expand(doc)


@pytest.mark.parametrize("path", _files(EDU), ids=lambda p: p.name)
def test_educredential_examples_parse_into_microcredential(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    mc = waardepapier_from_credential(doc)
    assert isinstance(mc, Microcredential)
    ach = doc["credentialSubject"]["achievement"]
    assert mc.titel == ach["name"]
    assert mc.studielast_uren == ach.get("SBU") and mc.ects == ach.get("ECTS")
    assert mc.deelname == ach.get("participationType")
    assert mc.supervisie == ach.get("supervisionType")
    eqf = [a["targetCode"] for a in ach.get("alignment", []) if a["targetType"] == "ext:EQF"]
    assert mc.eqf == (int(eqf[0]) if eqf else None)


def test_edubadges_server_export_shape() -> None:
    fixture = load_vector("edubadges/server-export.json")
    doc = fixture["document"]
    model = OpenBadgeCredential.from_json(doc)
    assert _same_json(model.to_json(), doc)
    assert model.credential_subject.id is None and model.credential_status is None
    mc = Microcredential.from_credential(doc)
    assert (mc.ects, mc.programma_id, mc.deelname, mc.eqf) == (2.5, "1234", "blended", 4)
    assert mc.taal == "en_EN"
    ident = mc.student.identifiers[0]
    # Edubadges lower-cases before hashing: the hash is sha256(identifier.lower() + salt)
    assert ident.identity_hash == hash_identifier("1234ABC123ABC".lower(), "s@lt")
    # its ECTS/participationType terms are undefined without the educredential context
    with pytest.raises(SafeModeError):
        expand(doc)
