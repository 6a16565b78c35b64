"""Operator mistakes never exit 0 (issue 20, item 14): each is one clear line on stderr, no
traceback, exit 2 (1 when some rows of an issue run failed), and nothing written that looks
like success."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from mbo_vc import Ed25519Key
from mbo_vc.errors import StatusRegistryError
from mbo_vc.keys import EcKey
from mbo_vc.status import StatusRegistry
from tests.helpers import ROOT

SIS = ROOT / "test_vectors" / "sis"
BASE = "https://roc.example/status"


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mbo_vc.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=120, cwd=cwd)  # fmt: skip


def one_error(proc: subprocess.CompletedProcess[str], code: str = "bad_usage") -> str:
    """Exit 2 and exactly one line on stderr, ``mbo-vc: CODE: …``, no traceback."""
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"mbo-vc: {code}: "), lines[0]
    assert "Traceback" not in proc.stderr
    return lines[0]


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("keys")
    out = {name: Ed25519Key.generate().save(d / f"{name}.secret.json") for name in ("bg", "other")}
    full = json.loads(out["bg"].read_text())
    public = {k: v for k, v in full.items() if k != "secretKeyMultibase"}
    (d / "bg.public.json").write_text(json.dumps(public))
    out["public"] = d / "bg.public.json"
    return out


# --- status publish with a key that is not the list's issuer ---------------------------------


def test_publish_with_another_key_is_refused(tmp_path: Path, keys: dict[str, Path]) -> None:
    db, lists = tmp_path / "status.db", tmp_path / "lists"
    assert run("status", "init", "--db", db, "--base-url", BASE).returncode == 0
    issued = run("issue", "--type", "mbo-diploma", "--data", SIS / "diplomas.csv", "--key",
                 keys["bg"], "--status-db", db, "--out", tmp_path / "out")  # fmt: skip
    assert issued.returncode == 1  # line 3 is bad on purpose
    line = one_error(run("status", "publish", "--db", db, "--key", keys["other"], "--out", lists),
                     "status_registry")  # fmt: skip
    assert "revocation-1" in line and Ed25519Key.load(keys["bg"]).did in line
    assert not lists.exists()  # not even the suspension list, which no credential uses yet
    for fmt in ("bitstring", "token-status-list"):
        wrong = run("status", "publish", "--db", db, "--key", keys["other"], "--out", lists,
                    "--list", "revocation-1", "--format", fmt)  # fmt: skip
        one_error(wrong, "status_registry")
    assert not lists.exists()
    assert run("status", "publish", "--db", db, "--key", keys["bg"], "--out", lists).returncode == 0
    assert sorted(p.name for p in lists.iterdir()) == ["revocation-1.json", "suspension-1.json"]
    # issuing onto a list that belongs to another issuer is refused before any row
    other = run("issue", "--type", "mbo-diploma", "--data", SIS / "diplomas.csv", "--key",
                keys["other"], "--status-db", db, "--out", tmp_path / "other")  # fmt: skip
    one_error(other, "status_registry")
    assert not (tmp_path / "other").exists()
    one_error(run("status", "publish", "--db", db, "--key", keys["public"], "--out", lists))


def test_registry_holds_each_list_to_one_issuer(tmp_path: Path) -> None:
    school, other = Ed25519Key.generate(), EcKey.generate("P-256")
    with StatusRegistry(tmp_path / "r.db") as reg:
        reg.create_list(f"{BASE}/rev", list_id="rev", issuer=school.did)
        reg.create_list(f"{BASE}/sus", purpose="suspension", list_id="sus")
        assert reg.store.get_list("sus").issuer is None
        with pytest.raises(StatusRegistryError):
            reg.publish("rev", other, tmp_path / "lists")
        with pytest.raises(StatusRegistryError):
            reg.publish_token("rev", other, tmp_path / "lists")
        with pytest.raises(StatusRegistryError):
            reg.attach({"issuer": {"id": other.did}}, ["rev"])
        assert not (tmp_path / "lists").exists()
        assert reg.store.allocated("rev") == 0
        reg.publish("sus", school, tmp_path / "lists")  # the first publication binds it
        assert reg.store.get_list("sus").issuer == school.did
        with pytest.raises(StatusRegistryError):
            reg.publish("sus", other, tmp_path / "lists")


def test_a_registry_from_before_list_issuers_is_upgraded(tmp_path: Path) -> None:
    school, other = Ed25519Key.generate(), Ed25519Key.generate()
    db = tmp_path / "old.db"
    with StatusRegistry(db) as reg:
        reg.create_list(f"{BASE}/rev", list_id="rev")
    with sqlite3.connect(db) as conn:  # the lists table as the previous version made it
        conn.execute("ALTER TABLE lists DROP COLUMN issuer")
    with StatusRegistry(db) as reg:
        assert reg.store.get_list("rev").issuer is None
        reg.attach({"issuer": school.did}, ["rev"])
        with pytest.raises(StatusRegistryError):
            reg.publish("rev", other, tmp_path / "lists")
        assert reg.publish("rev", school, tmp_path / "lists").is_file()


# --- issue: empty file, no usable row, some rows failed, public-only key ----------------------


@pytest.mark.parametrize("content", ["", "naam,opleiding,crebo\n", "naam;crebo\n;\n"])
def test_issue_from_a_file_without_rows(tmp_path: Path, keys: dict[str, Path],
                                        content: str) -> None:  # fmt: skip
    data, out = tmp_path / "export.csv", tmp_path / "out"
    data.write_text(content)
    line = one_error(run("issue", "--type", "mbo-diploma", "--data", data, "--key", keys["bg"],
                         "--out", out))  # fmt: skip
    assert "no rows" in line
    assert not out.exists()


def test_issue_with_no_usable_row(tmp_path: Path, keys: dict[str, Path]) -> None:
    data, out = tmp_path / "export.csv", tmp_path / "out"
    data.write_text("naam,opleiding,crebo\nA,B,1\nC,D,2\n")
    proc = run("issue", "--type", "mbo-diploma", "--data", data, "--key", keys["bg"], "--out", out)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[0].startswith("line 2: ") and lines[1].startswith("line 3: ")
    assert "2 row(s) failed (line 2, 3)" in lines[2]
    assert lines[-1].startswith("mbo-vc: bad_usage: ") and "no usable row" in lines[-1]
    assert proc.stdout == ""
    assert not out.exists()


def test_issue_names_the_rows_that_failed(tmp_path: Path, keys: dict[str, Path]) -> None:
    out = tmp_path / "out"
    proc = run("issue", "--type", "mbo-diploma", "--data", SIS / "diplomas.csv", "--key",
               keys["bg"], "--out", out)  # fmt: skip
    assert proc.returncode == 1
    assert "issued 2 mbo-diploma credential(s)" in proc.stderr
    assert "1 row(s) failed (line 3)" in proc.stderr


@pytest.mark.parametrize("option", ["--key", "--examencommissie-key"])
def test_issue_with_a_public_only_key(tmp_path: Path, keys: dict[str, Path], option: str) -> None:
    out = tmp_path / "out"
    chosen = {"--key": keys["bg"], "--examencommissie-key": keys["other"], option: keys["public"]}
    line = one_error(run("issue", "--type", "mbo-diploma", "--data", SIS / "diplomas.csv",
                         *(x for kv in chosen.items() for x in kv), "--out", out))  # fmt: skip
    assert f"{option} {keys['public']} holds only a public key" in line
    assert "secretKeyMultibase" not in line and "z3u2" not in line
    assert not out.exists()


# --- sd-jwt present with a key that is not the cnf key ----------------------------------------


def test_sd_jwt_present_with_another_key(tmp_path: Path, keys: dict[str, Path]) -> None:
    holder, stranger = EcKey.generate("P-256"), EcKey.generate("P-256")
    holder_file = holder.save(tmp_path / "holder.secret.json")
    stranger_file = stranger.save(tmp_path / "stranger.secret.json")
    out = tmp_path / "out"
    issued = run("issue", "--format", "sd-jwt-vc", "--type", "mbo-diploma", "--data",
                 SIS / "diplomas.csv", "--key", keys["bg"], "--holder-did", holder.did,
                 "--out", out)  # fmt: skip
    assert issued.returncode == 1
    token = sorted(out.glob("*.sd-jwt"))[0]
    shown = tmp_path / "shown.txt"
    present = ["sd-jwt", "present", token, "--disclose", "opleiding", "--aud", "https://v.example",
               "--nonce", "n-1", "-o", shown]  # fmt: skip
    line = one_error(run(*present, "--holder-key", stranger_file))
    assert "not the key this SD-JWT is bound to" in line
    assert not shown.exists()
    assert run(*present, "--holder-key", holder_file).returncode == 0
    assert shown.is_file()


# --- bake --out with the wrong suffix -----------------------------------------------------------


@pytest.mark.parametrize("name", ["badge.jpg", "badge.svg", "badge"])
def test_bake_out_must_name_the_format_written(tmp_path: Path, name: str) -> None:
    key = Ed25519Key.generate()
    from mbo_vc import sign
    from tests.fixtures import example_diploma

    cred = tmp_path / "cred.json"
    cred.write_text(json.dumps(sign(example_diploma(key.did), key)))
    png = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(png, "PNG")
    image = tmp_path / "image.png"
    image.write_bytes(png.getvalue())
    line = one_error(run("bake", cred, "--image", image, "--out", tmp_path / name))
    assert ".png" in line
    assert not (tmp_path / name).exists()
    assert run("bake", cred, "--image", image, "--out", tmp_path / "badge.PNG").returncode == 0


# --- --status-dir that does not exist -----------------------------------------------------------


@pytest.mark.parametrize("command", ["verify", "render", "status-check"])
def test_status_dir_that_does_not_exist(tmp_path: Path, command: str) -> None:
    key = Ed25519Key.generate()
    from mbo_vc import sign
    from tests.fixtures import example_diploma

    cred = tmp_path / "cred.json"
    cred.write_text(json.dumps(sign(example_diploma(key.did), key)))
    missing = tmp_path / "no-such-dir"
    args = {
        "verify": ["verify", cred],
        "render": ["render", cred, "--out", tmp_path / "page.html"],
        "status-check": ["status", "check", cred],
    }[command]
    line = one_error(run(*args, "--status-dir", missing))
    assert str(missing) in line and "no such folder" in line
    assert not (tmp_path / "page.html").exists()
