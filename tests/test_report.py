"""The verification report: built from the verified view and the mbo model, in Dutch and English."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from mbo_vc import Ed25519Key
from mbo_vc.cli import main
from mbo_vc.demo.mbo import example_waardepapieren
from mbo_vc.mbo import issue
from mbo_vc.mbo.signers import signers_policy
from mbo_vc.report import build_report
from mbo_vc.verification import verify

KEYS = {"bg": Ed25519Key.generate(), "ec": Ed25519Key.generate()}


@pytest.fixture(scope="module")
def papers() -> dict[str, dict]:
    bg, ec = KEYS["bg"], KEYS["ec"]
    return {kind: issue(wp, bg, examencommissie=ec)
            for kind, wp in example_waardepapieren(bg.did).items()}  # fmt: skip


def _facts(facts: list) -> dict[str, str]:
    return {f.key: f.value for f in facts}


def test_the_diploma_report_shows_what_was_signed(papers: dict) -> None:
    policy = signers_policy(KEYS["ec"].did)
    report = build_report(verify(papers["mbo-diploma"], policy=policy),
                          signers=policy.required_signers)  # fmt: skip
    assert report.verified and report.kind == "mbo-diploma"
    assert report.title == "Mbo-diploma Verzorgende-IG"
    assert _facts(report.subject)["naam"] == "Jan Pieter de Vries"
    certified = _facts(report.certifies)
    assert certified["crebo"] == "25491" and certified["niveau"] == "mbo 3"
    assert certified["leerweg"] == "BBL" and certified["opleiding"] == "Verzorgende-IG"
    assert [(r.code, r.waarde) for r in report.results][:3] == [
        ("B1-K1", "goed"), ("B1-K2", "voldoende"), ("NE", "7")]  # fmt: skip
    assert [s.role.nl for s in report.signers] == ["examencommissie", "bevoegd gezag (uitgever)"]
    assert all(s.role_checked and s.verified for s in report.signers)
    outcomes = {c.name: c.outcome for c in report.checks}
    assert outcomes["proofs"] == "pass" and outcomes["signers"] == "pass"
    assert outcomes["credential_schema"] == "pass"  # both schemas shipped (issue 20 item 4)
    assert _facts(report.dates)["uitreikdatum"] == "2026-07-01"
    for check in report.checks:
        assert check.text.nl and check.text.en and check.text.nl != check.text.en


@pytest.mark.parametrize("kind", ["mbo-certificaat", "mbo-verklaring", "microcredential"])
def test_each_waardepapier_has_its_facts(papers: dict, kind: str) -> None:
    report = build_report(verify(papers[kind]))
    assert report.verified and report.kind == kind and report.title
    certified = _facts(report.certifies)
    expected = {"mbo-certificaat": ("keuzedeel", "K0125"), "mbo-verklaring": ("leerbedrijf",
                "Zorghuis De Linde BV"), "microcredential": ("eqf", "3")}[kind]  # fmt: skip
    assert certified[expected[0]] == expected[1]
    # without the policy, the other proof's role is not claimed
    assert report.signers[0].role.en == "other signer (role not checked)"
    assert not report.signers[0].role_checked


def test_the_report_never_reads_the_input_json(papers: dict) -> None:
    result = verify(papers["mbo-diploma"])
    result.document = {"credentialSubject": {"achievement": {"name": "Arts (forged)"}}}
    report = build_report(result)
    assert _facts(report.certifies)["opleiding"] == "Verzorgende-IG"


def test_a_re_spelled_member_reads_as_signed(papers: dict) -> None:
    """A context appended after signing that gives ``name`` another spelling does not change
    the RDF; the report (compacting the view with the standard contexts) still finds it."""
    doc = copy.deepcopy(papers["microcredential"])
    doc["@context"].append({"titel_alias": "https://schema.org/name"})
    ach = doc["credentialSubject"]["achievement"]
    ach["titel_alias"] = ach.pop("name")
    report = build_report(verify(doc))
    assert {c.name: c.outcome for c in report.checks}["proofs"] == "pass"
    assert report.title == "Veilig tillen en transfers"


def test_a_tampered_credential_says_so_in_both_languages(papers: dict) -> None:
    doc = copy.deepcopy(papers["mbo-diploma"])
    doc["credentialSubject"]["achievement"]["name"] = "Arts"
    report = build_report(verify(doc))
    assert not report.verified
    assert report.verdict.nl.startswith("NIET GELDIG") and report.verdict.en.startswith("NOT")
    proofs = next(c for c in report.checks if c.name == "proofs")
    assert proofs.outcome == "fail" and proofs.findings[0][0].code == "invalid_signature"
    assert "veranderd" in proofs.text.nl and "changed" in proofs.text.en
    assert not any(s.verified for s in report.signers)


@dataclass
class _Trusted:
    name: str
    brin: str | None = None
    oin: str | None = None


def test_the_issuer_slot_names_the_trust_list_entry(papers: dict) -> None:
    result = verify(papers["mbo-certificaat"])
    plain = build_report(result).issuer
    assert plain is not None and plain.trusted_name is None
    assert "no trust list was used" in plain.text.en and "ROC Voorbeeld" in plain.text.en
    result.trusted_issuer = _Trusted("ROC Voorbeeld", brin="99XX")  # type: ignore[attr-defined]
    named = build_report(result).issuer
    assert named is not None and named.trusted_name == "ROC Voorbeeld"
    assert named.text.en == "ROC Voorbeeld (BRIN 99XX), as the trust list names the issuer."
    as_map = build_report(verify(papers["mbo-certificaat"]),
                          trusted_issuer={"name": "X", "oin": "0" * 20}).issuer  # fmt: skip
    assert as_map is not None and as_map.to_json()["trustList"]["oin"] == "0" * 20


def test_a_credential_that_is_not_a_waardepapier(papers: dict) -> None:
    from mbo_vc.demo import example_diploma
    from mbo_vc.signing import sign

    key = Ed25519Key.generate()
    plain = sign({"@context": ["https://www.w3.org/ns/credentials/v2"],
                  "type": ["VerifiableCredential"], "issuer": key.did,
                  "credentialSubject": {"id": "did:example:1"}}, key)  # fmt: skip
    report = build_report(verify(plain))
    assert report.verified and report.kind is None and report.certifies == []
    one_signer = build_report(verify(sign(example_diploma(key.did), key)))
    assert not one_signer.verified  # an mbo-diploma: the mbo rules want the examencommissie too
    assert [p.code for p in one_signer.problems] == ["missing_signer"]
    assert not build_report(verify(b"not json")).verified


def test_cli_prints_and_serialises_the_report(
    papers: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "d.json"
    path.write_text(json.dumps(papers["mbo-diploma"]), encoding="utf-8")
    assert main(["verify", str(path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "VALID: this document was checked" in out and "Crebo code: 25491" in out
    assert main(["verify", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)["report"]
    assert report["kind"] == "mbo-diploma" and report["verified"] is True
    assert {c["name"]: c["outcome"] for c in report["checks"]}["proofs"] == "pass"
    assert main(["verify", str(path), "--format", "html"]) == 2  # --out is needed
    html_out = tmp_path / "r.html"
    assert main(["verify", str(path), "--format", "html", "--out", str(html_out)]) == 0
    assert 'data-check="proofs" data-outcome="pass"' in html_out.read_text(encoding="utf-8")


def test_cli_names_the_examencommissie_only_when_the_verifier_pinned_it(
    papers: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "d.json"
    path.write_text(json.dumps(papers["mbo-diploma"]), encoding="utf-8")
    assert main(["verify", str(path), "--json"]) == 0
    signers = json.loads(capsys.readouterr().out)["report"]["signers"]
    assert not any("examencommissie" in json.dumps(s).lower() for s in signers)
    pinned = f"examencommissie={KEYS['ec'].did}"
    assert main(["verify", str(path), "--json", "--require-signer", pinned]) == 0
    signers = json.loads(capsys.readouterr().out)["report"]["signers"]
    assert any("examencommissie" in json.dumps(s).lower() for s in signers)
