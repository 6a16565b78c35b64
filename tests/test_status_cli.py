"""``mbo-vc status …`` and ``mbo-vc verify --status-dir``, end to end, plus the demo step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mbo_vc import Ed25519Key
from mbo_vc.cli import main
from mbo_vc.demo.status import run_revocation_demo
from tests.fixtures import example_diploma


def test_issue_revoke_publish_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, key, lists = tmp_path / "r.db", tmp_path / "key.json", tmp_path / "lists"
    assert main(["key", "generate", "--out", str(key)]) == 0
    did = json.loads(key.read_text())["controller"]
    assert main(["status", "init", "--db", str(db), "--base-url", "https://roc.example/st"]) == 0
    unsigned = tmp_path / "u.json"
    unsigned.write_text(json.dumps(example_diploma(did)))
    with_status = tmp_path / "u2.json"
    assert (
        main(
            ["status", "allocate", "--db", str(db), "--into", str(unsigned), "-o", str(with_status)]
        )
        == 0
    )
    entries = json.loads(with_status.read_text())["credentialStatus"]
    assert [e["statusPurpose"] for e in entries] == ["revocation", "suspension"]
    cred = tmp_path / "cred.json"
    assert main(["sign", "--key", str(key), str(with_status), "-o", str(cred)]) == 0
    publish = ["status", "publish", "--db", str(db), "--key", str(key), "--out", str(lists)]
    assert main(publish) == 0
    assert sorted(p.name for p in lists.iterdir()) == ["revocation-1.json", "suspension-1.json"]
    capsys.readouterr()

    assert main(["status", "check", str(cred), "--status-dir", str(lists)]) == 0
    assert main(["verify", str(cred), "--status-dir", str(lists)]) == 0
    out = capsys.readouterr().out
    assert "status revocation: https://roc.example/st/revocation-1 index" in out
    assert "Niet ingetrokken (gecontroleerd bij de statuslijst)." in out
    assert "Niet geschorst (gecontroleerd bij de statuslijst)." in out
    # fail closed: without a status source it is not verified, and says how to check it
    assert main(["verify", str(cred)]) == 1
    out = capsys.readouterr().out
    assert "status_unavailable" in out and "--status-dir" in out
    assert main(["verify", str(cred), "--json", "--no-status"]) == 0
    warnings = json.loads(capsys.readouterr().out)["warnings"]
    assert [w["code"] for w in warnings] == ["status_not_checked"]

    assert main(["status", "revoke", "--db", str(db), str(cred), "--reason", "in error"]) == 0
    assert main(["verify", str(cred), "--status-dir", str(lists)]) == 0  # not yet published
    assert main(publish) == 0
    capsys.readouterr()
    assert main(["verify", str(cred), "--status-dir", str(lists)]) == 1
    out = capsys.readouterr().out
    assert "NIET GELDIG" in out and "fout revoked [credentialStatus[0]]" in out
    assert main(["status", "check", str(cred), "--status-dir", str(lists), "--json"]) == 1
    rows = json.loads(capsys.readouterr().out)["status"]
    assert [r["problem"]["code"] if r["problem"] else None for r in rows] == ["revoked", None]

    index = entries[1]["statusListIndex"]
    for action in ("suspend", "unsuspend"):
        assert (
            main(["status", action, "--db", str(db), "--list", "suspension-1", "--index", index])
            == 0
        )
    capsys.readouterr()
    assert main(["status", "check", str(cred), "--db", str(db)]) == 0
    history = capsys.readouterr().out
    assert "revoke → 1 — in error" in history
    assert "suspend → 1" in history and "unsuspend → 0" in history


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "none.db"
    assert main(["status", "allocate", "--db", str(db)]) == 2
    assert "status init" in capsys.readouterr().err
    assert main(["status", "init", "--db", str(db), "--base-url", "https://x.example/s"]) == 0
    assert main(["status", "revoke", "--db", str(db)]) == 2
    assert (
        main(["status", "revoke", "--db", str(db), "--list", "revocation-1", "--index", "5"]) == 2
    )  # never allocated
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "Traceback" not in err
    cred = tmp_path / "c.json"
    cred.write_text(json.dumps(example_diploma("did:example:x")))
    assert main(["status", "check", str(cred), "--status-dir", str(tmp_path)]) == 2  # no status


def test_demo_step_leaves_a_revoked_credential_and_its_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_revocation_demo(tmp_path, Ed25519Key.generate(), example_diploma)
    lists = tmp_path / "status" / "lists"
    assert sorted(p.name for p in lists.iterdir()) == ["revocation-1.json", "suspension-1.json"]
    capsys.readouterr()
    revoked = tmp_path / "mbo-diploma.status-revoked.json"
    assert main(["verify", str(revoked), "--status-dir", str(lists)]) == 1
    assert "revoked" in capsys.readouterr().out
    valid = tmp_path / "mbo-diploma.status-valid.json"
    assert main(["verify", str(valid), "--status-dir", str(lists)]) == 0
