"""The four mbo waardepapieren: from a SIS row, signed (diploma by examencommissie and bevoegd
gezag as a proof chain), verified, parsed back into an equal model, validated against the OBv3
JSON Schema and mbo_vc's own schemas; validation errors in the user's terms; `mbo-vc issue`."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest

from mbo_vc import Ed25519Key, verify
from mbo_vc.cli import main
from mbo_vc.cli.mbo import run_issue
from mbo_vc.demo.mbo import issue_all
from mbo_vc.errors import ModelValidationError
from mbo_vc.jsonld import expand
from mbo_vc.mbo import (
    MboDiploma,
    Onderdeel,
    Opleiding,
    Student,
    check_signers,
    issue,
    verify_waardepapier,
    waardepapier_from_credential,
)
from mbo_vc.mbo.schema import mbo_json_schema, schema_folder
from mbo_vc.mbo.sis import build, read_rows
from tests.fixtures import example_waardepapieren
from tests.helpers import VECTORS, js_stack_missing, run_js

jsonschema = pytest.importorskip("jsonschema")

OBV3_SCHEMA = VECTORS / "obv3-schema" / "achievementcredential-jsonld.json"
SIS = VECTORS / "sis"
BG = Ed25519Key.from_seed(bytes.fromhex("11" * 32))  # bevoegd gezag (issuer)
EC = Ed25519Key.from_seed(bytes.fromhex("22" * 32))  # examencommissie
CREATED = "2026-07-01T09:00:00Z"
ROWS = {
    "mbo-diploma": ("diplomas.csv", 2),
    "mbo-certificaat": ("certificaten.jsonl", 1),
    "mbo-verklaring": ("verklaringen.jsonl", 1),
    "microcredential": ("microcredentials.csv", 2),
}


def obv3_validate(doc: dict[str, Any]) -> None:
    assert OBV3_SCHEMA.is_file(), f"the 1EdTech OBv3 schema fixture is missing: {OBV3_SCHEMA}"
    jsonschema.Draft201909Validator(json.loads(OBV3_SCHEMA.read_text())["schema"]).validate(doc)


def own_validate(kind: str, doc: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(mbo_json_schema(kind))
    return [e.message for e in validator.iter_errors(doc)]


def row_for(kind: str) -> dict[str, Any]:
    file, line = ROWS[kind]
    return dict(next(r for n, r in read_rows(SIS / file) if n == line))


@pytest.mark.parametrize("kind", list(ROWS))
def test_row_sign_verify_parse_back_schema(kind: str) -> None:
    paper = build(kind, row_for(kind), default_issuer=BG.did)
    unsigned = paper.to_json()
    expand(unsigned)  # safe mode: no term the contexts would drop
    signed = issue(paper, BG, examencommissie=EC, created=CREATED)
    result = verify_waardepapier(signed, examencommissie=EC.did)
    assert result.verified, result.problems
    assert (
        len(signed["proof"]) == 2
        and signed["proof"][1]["previousProof"] == signed["proof"][0]["id"]
    )
    back = type(paper).from_credential(signed)
    assert back == paper
    assert waardepapier_from_credential(signed) == paper
    obv3_validate(signed)
    assert own_validate(kind, signed) == []


def test_student_number_is_only_hashed() -> None:
    paper = build("mbo-diploma", row_for("mbo-diploma"), default_issuer=BG.did)
    text = json.dumps(paper.to_json())
    assert "500123" not in text
    assert paper.student.matches_studentnummer("500123")
    assert not paper.student.matches_studentnummer("500124")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"crebo": "2549"}, "crebo", "crebo must be 5 digits"),
        ({"niveau": "5"}, "niveau", "niveau must be 1-4"),
        ({"leerweg": "deeltijd"}, "leerweg", "leerweg must be BOL, BBL or derde leerweg"),
        ({"cohort": "23"}, "cohort", "cohort must be a year"),
        ({"brin": "ROC1"}, "brin", "brin must be 2 digits and 2 capital letters"),
        ({"resultaten": "keuzedeel|KD1|Iets"}, "", "keuzedeel code must be K followed by 4 digits"),
    ],
)
def test_validation_errors_in_user_terms(change: dict[str, str], field: str, message: str) -> None:
    row = row_for("mbo-diploma") | change
    with pytest.raises(ModelValidationError) as info:
        build("mbo-diploma", row, default_issuer=BG.did)
    assert info.value.code == "invalid_field"
    assert message in info.value.message
    if field:
        assert info.value.field == field


def test_models_reject_directly_too() -> None:
    with pytest.raises(ModelValidationError, match="crebo must be 5 digits"):
        Opleiding.create(naam="X", crebo="123456", niveau=2)
    with pytest.raises(ModelValidationError, match="lists only passed parts"):
        waardepapier = example_waardepapieren(BG.did)["mbo-verklaring"]
        data = waardepapier.model_dump() | {
            "resultaten": [{"soort": "kerntaak", "code": "B1-K2", "naam": "x", "behaald": False}]
        }
        type(waardepapier).create(**data)


# --- who signs ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def diploma() -> MboDiploma:
    paper = example_waardepapieren(BG.did)["mbo-diploma"]
    assert isinstance(paper, MboDiploma)
    return paper


def test_both_signers_required(diploma: MboDiploma) -> None:
    only_bg = issue(diploma, BG, created=CREATED)
    assert verify(only_bg).codes == ["missing_signer"]  # the mbo rules, on every entry point
    assert verify(only_bg, mbo_rules=False).verified  # switched off: the issuer's proof holds
    result = verify_waardepapier(only_bg, examencommissie=EC.did)
    assert not result.verified and result.codes == ["missing_signer"]
    assert "examencommissie" in result.problems[0].message


def test_wrong_examencommissie_key_is_refused(diploma: MboDiploma) -> None:
    other = Ed25519Key.from_seed(bytes.fromhex("33" * 32))
    signed = issue(diploma, BG, examencommissie=other, created=CREATED)
    assert verify(signed).verified
    assert verify_waardepapier(signed, examencommissie=EC.did).codes == ["missing_signer"]


def test_proof_set_without_chain_is_refused(diploma: MboDiploma) -> None:
    from mbo_vc import sign

    doc = sign(diploma.to_json(), EC, created=CREATED, proof_id="urn:uuid:ec")
    doc = sign(doc, BG, created=CREATED)  # a proof set: no previousProof
    result = verify_waardepapier(doc, examencommissie=EC.did)
    assert result.codes == ["proof_chain_broken"]
    relaxed = verify_waardepapier(doc, examencommissie=EC.did, require_chain=False)
    assert relaxed.verified


def test_tampered_examencommissie_proof_fails_the_chain(diploma: MboDiploma) -> None:
    signed = issue(diploma, BG, examencommissie=EC, created=CREATED)
    bad = copy.deepcopy(signed)
    bad["proof"][0]["created"] = "2026-07-02T09:00:00Z"  # breaks EC's and (chained) BG's proof
    result = verify_waardepapier(bad, examencommissie=EC.did)
    assert not result.verified
    assert "invalid_signature" in result.codes and "missing_signer" in result.codes


def test_check_signers_on_a_result(diploma: MboDiploma) -> None:
    signed = issue(diploma, BG, examencommissie=EC, created=CREATED)
    result = check_signers(verify(signed), examencommissie=EC.did, bevoegd_gezag=BG.did)
    assert result.verified and "signers" in result.checks


# --- schemas -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(ROWS))
def test_published_schemas_are_current(kind: str) -> None:
    on_disk = json.loads((schema_folder() / f"{kind}.schema.json").read_text())
    assert on_disk == mbo_json_schema(kind), "run python scripts/generate_mbo_schemas.py"
    jsonschema.Draft202012Validator.check_schema(on_disk)


def test_own_schema_catches_what_the_models_check(diploma: MboDiploma) -> None:
    signed = issue(diploma, BG, created=CREATED)
    bad = copy.deepcopy(signed)
    bad["credentialSubject"]["achievement"]["crebo"] = "2549"
    bad["credentialSubject"]["leerweg"] = "deeltijd"
    errors = own_validate("mbo-diploma", bad)
    assert len(errors) == 2
    # a proof is not required (a vc+jwt has none), but one that is there must be proof objects
    unsigned = diploma.to_json()
    assert own_validate("mbo-diploma", unsigned) == []
    assert own_validate("mbo-diploma", {**unsigned, "proof": "signed"}) != []


# --- SIS import and the CLI ----------------------------------------------------------------


def test_run_issue_reports_bad_row_and_goes_on(tmp_path: Path) -> None:
    err = io.StringIO()
    written, failed = run_issue("mbo-diploma", SIS / "diplomas.csv", BG, tmp_path, stream=err)
    assert len(written) == 2 and [line for line, _ in failed] == [3]
    assert "crebo must be 5 digits" in failed[0][1]
    text = err.getvalue()
    assert "line 3: invalid_field [crebo]" in text
    assert "issued 2 mbo-diploma credential(s)" in text and "1 row(s) failed" in text
    assert "\r" not in text and "3/3" not in text  # not a terminal: no progress bar
    for path in written:  # issued without the examencommissie's proof
        assert verify(json.loads(path.read_text())).codes == ["missing_signer"]


def test_cli_issue_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keyfile = tmp_path / "key.json"
    BG.save(keyfile)
    ec_file = tmp_path / "ec.json"
    EC.save(ec_file)
    args = ["issue", "--key", str(keyfile), "--out", str(tmp_path / "out")]
    assert main([*args, "--type", "mbo-diploma", "--data", str(SIS / "diplomas.csv")]) == 1
    assert "line 3" in capsys.readouterr().err
    args[-1] = str(tmp_path / "mc")
    code = main([*args, "--type", "microcredential", "--data", str(SIS / "microcredentials.csv"),
                 "--examencommissie-key", str(ec_file)])  # fmt: skip
    assert code == 0
    (path,) = (tmp_path / "mc").glob("*.json")  # named by credential id
    mc = json.loads(path.read_text())
    assert path.name == mc["id"].removeprefix("urn:uuid:") + ".json"
    assert verify_waardepapier(mc, examencommissie=EC.did).verified
    assert main([*args, "--type", "mbo-diploma", "--data", str(tmp_path / "nope.csv")]) == 2


def test_jsonl_bad_json_line_reported(tmp_path: Path) -> None:
    data = tmp_path / "rows.jsonl"
    good = (SIS / "certificaten.jsonl").read_text().strip()
    data.write_text(good + "\n{not json\n" + good + "\n")
    written, failed = run_issue("mbo-certificaat", data, BG, tmp_path / "o", stream=io.StringIO())
    assert len(written) == 2 and failed[0][0] == 2 and "not JSON" in failed[0][1]


# --- demo ----------------------------------------------------------------------------------


def test_demo_issue_all(tmp_path: Path) -> None:
    paths = issue_all(tmp_path, bevoegd_gezag=BG, examencommissie=EC)
    assert sorted(paths) == sorted(ROWS)
    for kind, path in paths.items():
        doc = json.loads(path.read_text())
        obv3_validate(doc)
        assert own_validate(kind, doc) == []
        assert verify(doc).verified
    diploma = json.loads(paths["mbo-diploma"].read_text())
    assert verify_waardepapier(diploma, examencommissie=EC.did).verified


# --- a credential made with the JS reference stack -----------------------------------------


@pytest.mark.interop
@pytest.mark.skipif(js_stack_missing() is not None, reason=str(js_stack_missing()))
def test_js_signed_diploma_parses_into_the_model(diploma: MboDiploma) -> None:
    seed = "11" * 32
    code, js_signed = run_js("sign.mjs", "--seed", seed, "--created", CREATED,
                             payload=diploma.to_json())  # fmt: skip
    assert code == 0, js_signed
    assert verify(js_signed, mbo_rules=False).verified  # one signer: the rules switched off
    assert MboDiploma.from_credential(js_signed) == diploma
    assert Student.from_subject(
        MboDiploma.from_credential(js_signed).to_credential().credential_subject
    )
    ours = issue(diploma, BG, created=CREATED)
    assert ours["proof"][0]["proofValue"] == js_signed["proof"]["proofValue"]


def test_onderdeel_result_types() -> None:
    base = "urn:x"
    assert (
        Onderdeel.create(soort="generiek", code="NE", naam="N", waarde="7,5")
        .result_description(base)
        .result_type
        == "RawScore"
    )
    assert (
        Onderdeel.create(soort="kerntaak", code="B1", naam="K", waarde="goed")
        .result_description(base)
        .result_type
        == "PerformanceLevel"
    )
    assert (
        Onderdeel.create(soort="keuzedeel", code="K0001", naam="K")
        .result_description(base)
        .result_type
        == "Status"
    )
