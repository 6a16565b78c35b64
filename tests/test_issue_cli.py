"""The issuing run (issue 15 item 6) and the mbo rules in ``mbo-vc verify`` (item 5)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from mbo_vc import Ed25519Key
from mbo_vc.cli import main
from mbo_vc.cli.mbo import run_issue
from mbo_vc.mbo import issue
from mbo_vc.mbo.sis import read_rows
from tests.fixtures import example_waardepapieren
from tests.helpers import ROOT

SIS = ROOT / "test_vectors" / "sis"
BG, EC = Ed25519Key.generate(), Ed25519Key.generate()


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    d = tmp_path_factory.mktemp("keys")
    out = {}
    for name, key in (("bg", BG), ("ec", EC)):
        out[name] = str(key.save(d / f"{name}.secret.json"))
    return out


def test_issue_with_status_db_then_revoke(
    tmp_path: Path, keys: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db, out, lists = tmp_path / "status.db", tmp_path / "out", tmp_path / "lists"
    assert main(["status", "init", "--db", str(db), "--base-url", "https://roc.example/st"]) == 0
    args = ["issue", "--type", "mbo-diploma", "--data", str(SIS / "diplomas.csv"), "--key",
            keys["bg"], "--examencommissie-key", keys["ec"], "--status-db", str(db),
            "--out", str(out)]  # fmt: skip
    assert main(args) == 1  # line 3 of diplomas.csv is bad on purpose
    files = sorted(out.glob("*.json"))
    assert len(files) == 2
    for path in files:  # named by credential id, revocation entry signed in
        doc = json.loads(path.read_text())
        assert path.name == doc["id"].removeprefix("urn:uuid:") + ".json"
        assert doc["credentialStatus"]["statusPurpose"] == "revocation"
        assert len(doc["proof"]) == 2
    assert (
        main(["status", "publish", "--db", str(db), "--key", keys["bg"], "--out", str(lists)]) == 0
    )
    capsys.readouterr()
    verify = ["verify", str(files[0]), "--status-dir", str(lists), "--json"]
    assert main(verify) == 0, capsys.readouterr().out
    capsys.readouterr()
    assert main(["status", "revoke", "--db", str(db), str(files[0])]) == 0
    assert (
        main(["status", "publish", "--db", str(db), "--key", keys["bg"], "--out", str(lists)]) == 0
    )
    capsys.readouterr()
    assert main(verify) == 1
    report = json.loads(capsys.readouterr().out)
    assert [p["code"] for p in report["problems"]] == ["revoked"]
    other = ["verify", str(files[1]), "--status-dir", str(lists)]
    assert main(other) == 0  # only the revoked one


def test_existing_outputs_are_not_overwritten(tmp_path: Path) -> None:
    data = tmp_path / "one.jsonl"
    row = json.loads((SIS / "certificaten.jsonl").read_text().splitlines()[0])
    row["credential_id"] = "urn:uuid:11111111-2222-3333-4444-555555555555"
    data.write_text(json.dumps(row) + "\n", encoding="utf-8")
    stream = io.StringIO()
    written, failed = run_issue("mbo-certificaat", str(data), BG, str(tmp_path), stream=stream)
    assert [p.name for p in written] == ["11111111-2222-3333-4444-555555555555.json"]
    before = written[0].read_bytes()
    again, failed = run_issue("mbo-certificaat", data, BG, tmp_path, stream=stream)
    assert not again and "exists" in failed[0][1]
    assert written[0].read_bytes() == before
    forced, failed = run_issue("mbo-certificaat", data, BG, tmp_path, stream=stream, force=True)
    assert forced and not failed and written[0].read_bytes() != before
    assert "[#" not in stream.getvalue()  # no progress bar when not on a terminal


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    run_issue("mbo-certificaat", SIS / "certificaten.jsonl", BG, tmp_path, stream=stream)
    assert "[###" in stream.getvalue()


def test_unknown_columns_warn_or_fail_with_strict(tmp_path: Path) -> None:
    data = tmp_path / "rows.csv"
    text = (SIS / "diplomas.csv").read_text(encoding="utf-8").splitlines()
    data.write_text("\n".join([text[0] + ",kreb0", text[1] + ",25491"]) + "\n", encoding="utf-8")
    stream = io.StringIO()
    written, _ = run_issue("mbo-diploma", data, BG, tmp_path / "a", stream=stream)
    assert written and "warning: rows.csv: column(s) not read for mbo-diploma: kreb0" in (
        stream.getvalue()
    )
    assert main(["issue", "--type", "mbo-diploma", "--data", str(data), "--key",
                 str(BG.save(tmp_path / "k.json")), "--out", str(tmp_path / "b"),
                 "--strict"]) == 2  # fmt: skip
    assert not (tmp_path / "b").exists() or not list((tmp_path / "b").iterdir())


def test_the_sis_api_takes_str_and_path() -> None:
    assert list(read_rows(str(SIS / "diplomas.csv"))) == list(read_rows(SIS / "diplomas.csv"))


def test_sis_import_doc_shows_the_real_messages(tmp_path: Path) -> None:
    stream = io.StringIO()
    run_issue("mbo-diploma", SIS / "diplomas.csv", BG, tmp_path, stream=stream)
    doc = (ROOT / "docs" / "sis-import.md").read_text(encoding="utf-8")
    quoted = re.findall(r"`(line \d+: [^`]+)`", doc)
    assert quoted, "docs/sis-import.md quotes no row message"
    for line in quoted:
        assert line in stream.getvalue().splitlines(), line
    summary = re.search(r"`(issued \d+ [^`]+)`", doc)
    assert summary and summary.group(1).replace("DIR", str(tmp_path)) in stream.getvalue()


# --- the mbo rules in mbo-vc verify -------------------------------------------------------------


def _write(tmp: Path, name: str, doc: Any) -> str:
    path = tmp / f"{name}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def _codes(capsys: pytest.CaptureFixture[str]) -> tuple[list[str], list[str]]:
    report = json.loads(capsys.readouterr().out)
    return [p["code"] for p in report["problems"]], [w["code"] for w in report["warnings"]]


def test_verify_applies_the_mbo_rules(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    papers = example_waardepapieren(BG.did)
    both = _write(tmp_path, "both", issue(papers["mbo-diploma"], BG, examencommissie=EC))
    one = _write(tmp_path, "one", issue(papers["mbo-diploma"], BG))
    cert = _write(tmp_path, "cert", issue(papers["mbo-certificaat"], BG))
    verklaring = _write(tmp_path, "verklaring", issue(papers["mbo-verklaring"], BG))
    capsys.readouterr()
    assert main(["verify", both, "--json"]) == 0
    capsys.readouterr()
    assert main(["verify", one, "--json"]) == 1
    assert _codes(capsys)[0] == ["missing_signer"]
    assert main(["verify", cert, "--json"]) == 1
    assert _codes(capsys)[0] == ["missing_signer"]
    assert main(["verify", verklaring, "--json"]) == 0  # one signer is enough for a verklaring
    capsys.readouterr()
    # opting out is explicit and shows as a warning
    assert main(["verify", one, "--json", "--no-mbo-rules"]) == 0
    assert "mbo_rules_not_checked" in _codes(capsys)[1]
    # --require-signer names the examencommissie; a wrong one fails
    assert main(["verify", both, "--json", "--require-signer", f"examencommissie={EC.did}"]) == 0
    capsys.readouterr()
    wrong = f"examencommissie={Ed25519Key.generate().did}"
    assert main(["verify", both, "--json", "--require-signer", wrong]) == 1
    assert "missing_signer" in _codes(capsys)[0]
    assert main(["verify", both, "--require-signer", "examencommissie"]) == 2
    capsys.readouterr()
    # --trusted-issuer maps to the policy's trusted issuers
    assert main(["verify", both, "--json", "--trusted-issuer", EC.did]) == 1
    assert _codes(capsys)[0] == ["untrusted_issuer"]


def test_crebo_and_niveau_shapes_are_read_from_the_signed_view(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = example_waardepapieren(BG.did)["mbo-diploma"].to_json()
    doc["credentialSubject"]["achievement"]["crebo"] = "2549"
    doc["credentialSubject"]["achievement"]["niveau"] = 7
    bad = _write(tmp_path, "bad", issue(doc, BG, examencommissie=EC))
    capsys.readouterr()
    assert main(["verify", bad, "--json"]) == 1
    codes, _ = _codes(capsys)
    assert codes.count("invalid_field") == 2 and "schema_invalid" in codes


def test_an_obv3_diploma_from_elsewhere_is_not_held_to_the_mbo_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mbo_vc.signing import sign

    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": BG.did, "type": "Profile", "name": "Hogeschool"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"type": "AchievementSubject", "achievement": {
            "id": "https://hs.example/a", "type": "Achievement", "achievementType": "Diploma",
            "name": "Bachelor", "criteria": {"narrative": "x"}}},
    }  # fmt: skip
    path = _write(tmp_path, "hbo", sign(doc, BG))
    assert main(["verify", path, "--json"]) == 0
    assert "mbo_rules" not in json.loads(capsys.readouterr().out)["checks"]
