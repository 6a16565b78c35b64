"""The mbo-vc command line: exit codes 0/1/2, one clear line on stderr, no tracebacks."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mbo_vc.cli import main
from tests.fixtures import example_diploma


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
    out = tmp_path / "out"
    proc = run("demo", "--out", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert b"demo: all steps behaved as expected" in proc.stdout
    # the core documents: the signed ones verify, the tampered ones do not
    signed = sorted(out.glob("mbo-diploma.eddsa-*.json"))
    assert len(signed) == 4
    # the waardepapier signed with P-256 keys by both signers
    p256 = out / "p256" / "mbo-diploma.ecdsa-rdfc-2019.json"
    assert [p["cryptosuite"] for p in json.loads(p256.read_text())["proof"]] == [
        "ecdsa-rdfc-2019"
    ] * 2
    assert run("verify", str(p256)).returncode == 0
    for path in signed:
        v = run("verify", str(path))
        assert v.returncode == (1 if "tampered" in path.name else 0), (path.name, v.stdout)
    # the four waardepapieren: all verify, and with the published status lists the
    # withdrawn microcredential is reported revoked
    lists = out / "status" / "lists"
    for kind in ("mbo-diploma", "mbo-certificaat", "mbo-verklaring", "microcredential"):
        path = out / "waardepapieren" / f"{kind}.json"
        # status fails closed: without a status source it is not verified ...
        v = run("verify", str(path))
        assert v.returncode == 1 and b"status_unavailable" in v.stdout, v.stdout
        # ... unless status checking is switched off, which shows as a warning
        v = run("verify", str(path), "--no-status")
        assert v.returncode == 0 and b"waarschuwing status_not_checked" in v.stdout, v.stdout
        v = run("verify", str(path), "--status-dir", str(lists))
        assert v.returncode == (1 if kind == "microcredential" else 0), (kind, v.stdout)
        if kind == "microcredential":
            assert b"revoked" in v.stdout
    # the presentation verifies against the recorded challenge and domain, a replay does not
    challenge = json.loads((out / "presentation.challenge.json").read_text())
    vp = out / "presentation.json"
    args = ["--challenge", challenge["challenge"], "--domain", challenge["domain"]]
    ok = run("verify", str(vp), *args, "--no-status")
    assert ok.returncode == 0, ok.stdout
    assert ok.stdout.count(b"warning status_not_checked") == 4, ok.stdout
    # with the published lists, the withdrawn microcredential inside it is found revoked
    checked = run("verify", str(vp), *args, "--status-dir", str(lists))
    assert checked.returncode == 1 and b"revoked" in checked.stdout, checked.stdout
    assert checked.stdout.count(b"status: revocation: not revoked") == 3, checked.stdout
    replay = run("verify", str(vp), "--challenge", "other", "--domain", challenge["domain"])
    assert replay.returncode == 1 and b"challenge_mismatch" in replay.stdout
    # a JWT-secured credential is left too
    assert run("verify", str(out / "wallet" / "mbo-diploma.vc-jwt.txt")).returncode == 0
    # the SD-JWT VC step: issued dc+sd-jwt (ES256) with a Token Status List reference; the
    # presentation discloses none of the selectively disclosable claims; the replay and the
    # revocation were refused with the right codes
    sd = out / "sd-jwt-vc"
    issued = (sd / "mbo-diploma.sd-jwt").read_text().strip()
    header = json.loads(base64.urlsafe_b64decode(issued.split(".")[0] + "=="))
    assert header["typ"] == "dc+sd-jwt" and header["alg"] == "ES256"
    shown = (sd / "presentation.sd-jwt").read_text().strip()
    assert shown.count("~") == 1 and issued.count("~") > 10  # no disclosure, then the KB-JWT
    assert b"replayed with another nonce: verified=False ['kb_jwt_nonce_mismatch']" in proc.stdout
    assert b"Token Status List republished: verified=False ['revoked']" in proc.stdout
    req = json.loads((sd / "presentation.request.json").read_text())
    kb = ["--aud", req["aud"], "--nonce", req["nonce"]]
    v = run("verify", str(sd / "presentation.sd-jwt"), *kb, "--status-dir",
            str(sd / "status" / "lists"))  # fmt: skip
    assert v.returncode == 1 and b"fout revoked [status.status_list]" in v.stdout, v.stdout
    v = run("verify", str(sd / "presentation.sd-jwt"), *kb, "--no-status")
    assert v.returncode == 0 and b"waarschuwing status_not_checked" in v.stdout, v.stdout
    # each waardepapier validates against 1EdTech's OBv3 JSON Schema and mbo_vc's own schema
    jsonschema = pytest.importorskip("jsonschema")
    from mbo_vc.mbo.schema import mbo_json_schema
    from tests.helpers import VECTORS

    obv3 = json.loads((VECTORS / "obv3-schema" / "achievementcredential-jsonld.json").read_text())
    for kind in ("mbo-diploma", "mbo-certificaat", "mbo-verklaring", "microcredential"):
        doc = json.loads((out / "waardepapieren" / f"{kind}.json").read_text())
        jsonschema.Draft202012Validator(mbo_json_schema(kind)).validate(doc)
        jsonschema.Draft201909Validator(obv3["schema"]).validate(doc)


def test_exit_code_2_for_input_that_is_not_a_document(tmp_path: Path) -> None:
    for name, content in (("garbage.txt", b"not json at all"), ("latin1.json", b"\xff\xfe{")):
        path = tmp_path / name
        path.write_bytes(content)
        proc = run("verify", str(path))
        assert proc.returncode == 2, proc.stdout
        assert proc.stderr.count(b"\n") == 1 and b"Traceback" not in proc.stderr
    assert run("verify", str(tmp_path / "missing.json")).returncode == 2
    ok = tmp_path / "doc.json"
    ok.write_text("{}")
    assert run("verify", str(ok), "--now", "tomorrow").returncode == 2
    proc = run("verify", str(ok))  # a JSON document, but not a credential: not verified
    assert proc.returncode == 1 and b"uitgevoerde controles:" in proc.stdout
