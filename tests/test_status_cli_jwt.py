"""``mbo-vc status revoke|suspend|check --db`` for the JWT forms, end to end through the CLI:
an SD-JWT VC (``status.status_list``, IETF Token Status List) and a ``vc+jwt``
(``credentialStatus`` in the JWT payload) are found in the registry like a JSON credential, and
the verify after publishing refuses them as revoked. A file whose status is not in the
registry, or that has none, is a clear error (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mbo_vc.cli import main
from mbo_vc.keys import EcKey, Ed25519Key
from tests.fixtures import example_diploma
from tests.helpers import ROOT

ROWS = (ROOT / "test_vectors" / "sis" / "diplomas.csv").read_text(encoding="utf-8").splitlines()
HOLDER = EcKey.generate("P-256")


def _issue_sd_jwt(tmp_path: Path, key: Path, out: str, db: Path | None) -> Path:
    """One mbo-diploma (the first row of the SIS fixture) issued as SD-JWT VC by the CLI."""
    csv = tmp_path / "one.csv"
    csv.write_text("\n".join(ROWS[:2]) + "\n", encoding="utf-8")
    args = ["issue", "--format", "sd-jwt-vc", "--type", "mbo-diploma", "--data", str(csv),
            "--key", str(key), "--holder-did", HOLDER.did,
            "--out", str(tmp_path / out)]  # fmt: skip
    if db is not None:
        args += ["--status-db", str(db)]
    assert main(args) == 0
    return sorted((tmp_path / out).glob("*.sd-jwt"))[0]


def test_sd_jwt_vc_issue_revoke_publish_verify(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, key, lists = tmp_path / "r.db", tmp_path / "iss.json", tmp_path / "lists"
    EcKey.generate("P-256").save(key)
    assert main(["status", "init", "--db", str(db), "--base-url", "https://roc.example/st"]) == 0
    token = _issue_sd_jwt(tmp_path, key, "out", db)
    publish = ["status", "publish", "--db", str(db), "--key", str(key), "--out", str(lists),
               "--format", "token-status-list"]  # fmt: skip
    assert main(publish) == 0
    capsys.readouterr()
    assert main(["verify", str(token), "--status-dir", str(lists)]) == 0

    assert main(["status", "revoke", "--db", str(db), str(token), "--reason", "fraude"]) == 0
    out = capsys.readouterr().out
    assert "revoke revocation-1#" in out and ": done" in out
    assert main(["verify", str(token), "--status-dir", str(lists)]) == 0  # not yet published
    assert main(publish) == 0
    capsys.readouterr()
    assert main(["verify", str(token), "--status-dir", str(lists)]) == 1
    out = capsys.readouterr().out
    assert "NIET GELDIG" in out and "revoked" in out
    assert main(["verify", str(token), "--status-dir", str(lists), "--json"]) == 1
    assert "revoked" in [p["code"] for p in json.loads(capsys.readouterr().out)["problems"]]
    # twice: no change; the history by the token (also as presented, with a KB-JWT)
    assert main(["status", "revoke", "--db", str(db), str(token)]) == 0
    assert "already so" in capsys.readouterr().out
    holder = tmp_path / "holder.json"
    HOLDER.save(holder)
    pres = tmp_path / "pres.txt"
    assert main(["sd-jwt", "present", str(token), "--holder-key", str(holder), "--disclose",
                 "opleiding", "--aud", "https://w.example", "--nonce", "n1",
                 "-o", str(pres)]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["status", "check", "--db", str(db), str(pres)]) == 0
    history = capsys.readouterr().out
    assert "(revocation): status 1" in history and "revoke → 1 — fraude" in history
    # the entry is on a revocation list: it has nothing to suspend
    assert main(["status", "suspend", "--db", str(db), str(token)]) == 2
    assert "no suspension entry" in capsys.readouterr().err


def test_vc_jwt_issue_revoke_publish_verify(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, key, lists = tmp_path / "r.db", tmp_path / "key.json", tmp_path / "lists"
    Ed25519Key.generate().save(key)
    did = json.loads(key.read_text())["controller"]
    assert main(["status", "init", "--db", str(db), "--base-url", "https://roc.example/st"]) == 0
    unsigned, with_status = tmp_path / "u.json", tmp_path / "u2.json"
    unsigned.write_text(json.dumps(example_diploma(did)))
    assert main(["status", "allocate", "--db", str(db), "--into", str(unsigned),
                 "-o", str(with_status)]) == 0  # fmt: skip
    cred = tmp_path / "cred.jwt"
    assert main(["jwt", "sign", "--key", str(key), str(with_status), "-o", str(cred)]) == 0
    publish = ["status", "publish", "--db", str(db), "--key", str(key), "--out", str(lists)]
    assert main(publish) == 0
    capsys.readouterr()
    assert main(["verify", str(cred), "--status-dir", str(lists)]) == 0
    assert main(["status", "revoke", "--db", str(db), str(cred)]) == 0
    assert "revoke revocation-1#" in capsys.readouterr().out
    assert main(publish) == 0
    capsys.readouterr()
    assert main(["verify", str(cred), "--status-dir", str(lists)]) == 1
    assert "revoked" in capsys.readouterr().out
    # the same credential enveloped (VC-JOSE EnvelopedVerifiableCredential): found as well
    enveloped = tmp_path / "env.json"
    from mbo_vc.jws import envelope

    enveloped.write_text(json.dumps(envelope(cred.read_text().strip())))
    assert main(["status", "revoke", "--db", str(db), str(enveloped)]) == 0
    assert "already so" in capsys.readouterr().out
    # suspension works through the vc+jwt too (the credential has a suspension entry)
    assert main(["status", "suspend", "--db", str(db), str(cred)]) == 0
    assert "suspend suspension-1#" in capsys.readouterr().out


def test_a_jwt_whose_status_is_not_in_the_registry_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key, db, other = tmp_path / "iss.json", tmp_path / "r.db", tmp_path / "other.db"
    EcKey.generate("P-256").save(key)
    assert main(["status", "init", "--db", str(db), "--base-url", "https://roc.example/st"]) == 0
    base = "https://ander-roc.example/st"
    assert main(["status", "init", "--db", str(other), "--base-url", base]) == 0
    token = _issue_sd_jwt(tmp_path, key, "out", db)
    capsys.readouterr()
    # another school's registry: exit 2, saying which entry and which lists
    assert main(["status", "revoke", "--db", str(other), str(token)]) == 2
    err = capsys.readouterr().err
    assert "not in this registry" in err and "https://roc.example/st/revocation-1" in err
    assert f"{base}/revocation-1" in err
    assert main(["status", "check", "--db", str(other), str(token)]) == 2
    assert "not in this registry" in capsys.readouterr().err
    # no status at all: exit 2
    bare = _issue_sd_jwt(tmp_path, key, "bare", None)
    assert main(["status", "revoke", "--db", str(db), str(bare)]) == 2
    assert "carries no status entry" in capsys.readouterr().err
    # not a credential at all, or a broken JWT: exit 2, no traceback
    junk = tmp_path / "junk.txt"
    junk.write_text("dit is geen credential\n")
    assert main(["status", "revoke", "--db", str(db), str(junk)]) == 2
    junk.write_text("eyJhbGciOiJFUzI1NiJ9.bm90IGpzb24.c2ln~\n")
    assert main(["status", "revoke", "--db", str(db), str(junk)]) == 2
    assert "Traceback" not in capsys.readouterr().err
