"""Signing with keys in an HSM, end to end: SoftHSM2 over PKCS#11 (python-pkcs11), the keys
generated inside the token (sensitive, not extractable), used through ``--key pkcs11:…`` by
``mbo-vc sign``, ``issue`` (both signers), ``status publish``, ``jwt sign``, ``did web`` and a
batch on worker processes, and verified by mbo_vc and by the JS reference stack.

Skips with the reason when SoftHSM2 or python-pkcs11 is missing; in CI (CI=true) fails instead
(``make softhsm`` installs Debian's softhsm2, the dev extra brings python-pkcs11).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from mbo_vc import verify
from mbo_vc.batch import sign_many
from mbo_vc.cli import main
from mbo_vc.errors import SignerError
from mbo_vc.keys import open_signer
from mbo_vc.keys.pkcs11 import PIN_ENV, Pkcs11Signer
from tests.fixtures import example_diploma
from tests.helpers import ROOT, js_stack_missing, run_js
from tests.softhsm import PIN, SoftHsmToken, make_token, softhsm_missing

pytestmark = pytest.mark.softhsm
SIS = ROOT / "test_vectors" / "sis"


@pytest.fixture(scope="module")
def hsm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SoftHsmToken]:
    missing = softhsm_missing()
    if missing is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the HSM signing tests: {missing}")
        pytest.skip(missing)
    before = os.environ.get("SOFTHSM2_CONF")
    token = make_token(tmp_path_factory.mktemp("softhsm"),
                       {"issuer-p256": "P-256", "issuer-ed25519": "Ed25519",
                        "examencommissie": "Ed25519", "issuer-p384": "P-384"})  # fmt: skip
    yield token
    if before is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = before


def _did(hsm: SoftHsmToken, label: str) -> str:
    with Pkcs11Signer.open(hsm.uri(label)) as signer:
        return signer.did


@pytest.mark.parametrize("label", ["issuer-p256", "issuer-ed25519", "issuer-p384"])
def test_cli_signs_with_a_key_in_the_hsm(
    hsm: SoftHsmToken, label: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unsigned, signed = tmp_path / "u.json", tmp_path / "s.json"
    unsigned.write_text(json.dumps(example_diploma(_did(hsm, label))))
    assert main(["sign", "--key", hsm.uri(label), str(unsigned), "-o", str(signed)]) == 0
    doc = json.loads(signed.read_text())
    suite = "eddsa-rdfc-2022" if label == "issuer-ed25519" else "ecdsa-rdfc-2019"
    assert doc["proof"]["cryptosuite"] == suite
    result = verify(doc)
    assert result.verified, result.codes
    capsys.readouterr()
    assert main(["verify", str(signed)]) == 0
    if js_stack_missing() is None:  # the reference stack agrees
        code, out = run_js("verify.mjs", "--cryptosuite", suite, payload=doc)
        assert code == 0 and out["verified"] is True, out


def test_the_private_keys_never_leave_the_token(hsm: SoftHsmToken) -> None:
    import pkcs11
    from pkcs11 import Attribute, ObjectClass
    from pkcs11.exceptions import AttributeSensitive, UserAlreadyLoggedIn

    token = pkcs11.lib(hsm.module).get_token(token_label="mbo-vc-test")
    try:
        session = token.open(user_pin=PIN)
    except UserAlreadyLoggedIn:  # (the signers of earlier tests keep their sessions)
        session = token.open()
    with session:
        for label in hsm.labels:
            key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=label)
            assert key[Attribute.SENSITIVE] is True and key[Attribute.EXTRACTABLE] is False
            with pytest.raises(AttributeSensitive):
                key[Attribute.VALUE]
    with Pkcs11Signer.open(hsm.uri("issuer-p256")) as signer:
        assert not any(isinstance(v, bytes) and len(v) == 32 for v in _fields(signer))


def _fields(signer: Pkcs11Signer) -> list[object]:
    return [getattr(signer, s, None) for s in ("_public", "_session", "_uri", "_mechanism")]


def test_wrong_pin_fails_clearly_without_the_pin(
    hsm: SoftHsmToken, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A fresh process, as a command runs (PKCS#11 login is per process and token: in a
    # process that is logged in already, C_Login does not check a PIN again).
    unsigned = tmp_path / "u.json"
    unsigned.write_text(json.dumps(example_diploma("did:example:x")))
    cmd = [sys.executable, "-m", "mbo_vc.cli", "sign", str(unsigned), "--key"]
    done = subprocess.run([*cmd, hsm.uri("issuer-p256", pin="99119911")], capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "signer_failed" in done.stderr and "PIN" in done.stderr
    assert "99119911" not in done.stderr + done.stdout
    capsys.readouterr()
    assert main(["sign", "--key", hsm.uri("no-such-key"), str(unsigned)]) == 2
    assert "no private key" in capsys.readouterr().err


def test_pin_from_a_file_or_the_environment(
    hsm: SoftHsmToken, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin_file = tmp_path / "pin"
    pin_file.write_text(PIN + "\n")
    uri = hsm.uri("issuer-p256", pin=None) + f"&pin-source=file:{pin_file}"
    with open_signer(uri) as signer:  # type: ignore[attr-defined]
        assert signer.verify(signer.sign(b"x"), b"x")
    monkeypatch.setenv(PIN_ENV, PIN)
    with open_signer(hsm.uri("issuer-ed25519", pin=None)) as signer:  # type: ignore[attr-defined]
        assert signer.verify(signer.sign(b"x"), b"x")
        assert PIN not in repr(signer) and PIN not in str(signer.uri)
    signer.close()
    with pytest.raises(SignerError, match="closed"):
        signer.sign(b"x")


def test_issue_with_two_hsm_signers_status_publish_and_revoke(
    hsm: SoftHsmToken, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, out, lists = tmp_path / "status.db", tmp_path / "out", tmp_path / "lists"
    bg, ec = hsm.uri("issuer-p256"), hsm.uri("examencommissie")
    assert main(["status", "init", "--db", str(db), "--base-url", "https://roc.example/st"]) == 0
    args = ["issue", "--type", "mbo-diploma", "--data", str(SIS / "diplomas.csv"), "--key", bg,
            "--examencommissie-key", ec, "--status-db", str(db), "--out", str(out)]  # fmt: skip
    assert main(args) == 1  # line 3 of diplomas.csv is bad on purpose
    files = sorted(out.glob("*.json"))
    assert len(files) == 2 and all(len(json.loads(f.read_text())["proof"]) == 2 for f in files)
    assert main(["status", "publish", "--db", str(db), "--key", bg, "--out", str(lists)]) == 0
    capsys.readouterr()
    check = ["verify", str(files[0]), "--status-dir", str(lists), "--json"]
    assert main(check) == 0, capsys.readouterr().out
    assert main(["status", "revoke", "--db", str(db), str(files[0])]) == 0
    assert main(["status", "publish", "--db", str(db), "--key", bg, "--out", str(lists),
                 "--format", "token-status-list"]) == 0  # fmt: skip
    assert main(["status", "publish", "--db", str(db), "--key", bg, "--out", str(lists)]) == 0
    capsys.readouterr()
    assert main(check) == 1
    assert [p["code"] for p in json.loads(capsys.readouterr().out)["problems"]] == ["revoked"]
    assert any(p.name.endswith(".statuslist.jwt") for p in lists.iterdir())


def test_jwt_sign_and_did_web_with_an_hsm_key(
    hsm: SoftHsmToken, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    uri = hsm.uri("issuer-ed25519")
    unsigned, token = tmp_path / "u.json", tmp_path / "c.jwt"
    unsigned.write_text(json.dumps(example_diploma(_did(hsm, "issuer-ed25519"))))
    assert main(["jwt", "sign", "--key", uri, str(unsigned), "-o", str(token)]) == 0
    assert verify(token.read_text().strip()).verified
    capsys.readouterr()
    assert main(["did", "web", "--domain", "roc.example", "--key", uri]) == 0
    did_doc = json.loads(capsys.readouterr().out)
    method = did_doc["verificationMethod"][0]
    assert method["publicKeyMultibase"] == _did(hsm, "issuer-ed25519")[len("did:key:") :]


def test_a_batch_on_worker_processes_opens_the_hsm_in_each_worker(hsm: SoftHsmToken) -> None:
    # Spawned workers: they inherit this process's environment (SOFTHSM2_CONF, set by the
    # fixture); the forkserver that `jobs=N` uses may have started before the fixture ran.
    uri = hsm.uri("issuer-p256")
    did = _did(hsm, "issuer-p256")
    docs = [example_diploma(did) for _ in range(6)]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(sign_many(docs, uri, executor=pool, chunk_size=2))
        assert all(r.ok for r in results), [r.problem for r in results]
        assert all(verify(r.unwrap()).verified for r in results)
        with Pkcs11Signer.open(uri) as signer:  # a signer object travels as "open it again"
            results = list(sign_many(docs[:2], signer, executor=pool, chunk_size=1))
            assert all(r.ok and verify(r.unwrap()).verified for r in results)
