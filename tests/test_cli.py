"""The mbo-vc command line: exit codes 0/1/2, one clear line on stderr, no tracebacks."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mbo_vc.cli import main
from mbo_vc.demo import example_diploma


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "mbo_vc.cli", *args], input=stdin, capture_output=True, timeout=120
    )


@pytest.fixture(scope="module")
def signed_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("cli")
    key = d / "issuer.json"
    assert main(["key", "generate", "--out", str(key)]) == 0
    did = json.loads(key.read_text())["controller"]
    unsigned = d / "unsigned.json"
    unsigned.write_text(json.dumps(example_diploma(did)))
    out = d / "signed.json"
    assert main(["sign", "--key", str(key), str(unsigned), "-o", str(out)]) == 0
    return key, out


def test_key_file_mode(signed_file: tuple[Path, Path]) -> None:
    key, _ = signed_file
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600


def test_verify_exit_0_and_json(signed_file: tuple[Path, Path]) -> None:
    _, signed = signed_file
    proc = run("verify", str(signed), "--json", "--now", "2030-01-01T00:00:00Z")
    assert proc.returncode == 0, proc.stdout
    assert json.loads(proc.stdout)["verified"] is True


def test_verify_exit_1_with_reason(signed_file: tuple[Path, Path], tmp_path: Path) -> None:
    _, signed = signed_file
    doc = json.loads(signed.read_text())
    doc["credentialSubject"]["achievement"]["name"] = "iets anders"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    proc = run("verify", str(bad), "--now", "2030-01-01T00:00:00Z")
    assert proc.returncode == 1
    assert b"invalid_signature" in proc.stdout


def test_now_sets_the_clock(signed_file: tuple[Path, Path]) -> None:
    _, signed = signed_file
    proc = run("verify", str(signed), "--now", "2020-01-01T00:00:00Z")
    assert proc.returncode == 1 and b"not_yet_valid" in proc.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["verify", "/nonexistent/file.json"],
        ["verify"],
        ["frobnicate"],
        ["sign", "--key", "/nonexistent/key.json", "/nonexistent/in.json"],
        ["verify", "x.json", "--now", "yesterday"],
    ],
)
def test_usage_errors_exit_2_one_line_no_traceback(args: list[str], tmp_path: Path) -> None:
    proc = run(*args)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    err = proc.stderr.decode()
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err


def test_sign_refuses_undefined_term(signed_file: tuple[Path, Path], tmp_path: Path) -> None:
    key, _ = signed_file
    doc = example_diploma("did:example:x")
    doc["cijfer"] = 8
    src = tmp_path / "u.json"
    src.write_text(json.dumps(doc))
    proc = run("sign", "--key", str(key), str(src))
    assert proc.returncode == 2
    assert b"dropped_term" in proc.stderr and b"Traceback" not in proc.stderr


def test_demo(tmp_path: Path) -> None:
    proc = run("demo", "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    files = sorted(p.name for p in (tmp_path / "out").glob("*.json"))
    assert "mbo-diploma.eddsa-rdfc-2022.json" in files
    for name in files:
        if name.endswith(".json") and "secret" not in name and "did-document" not in name:
            expect = 1 if "tampered" in name else 0
            v = run("verify", str(tmp_path / "out" / name))
            assert v.returncode == expect, (name, v.stdout)
