"""An attacker's and an operator's review of the issuer-side pieces: index.csv, the status
registry (file names, DSNs, --changed-only, huge indexes), PIN sources and issuer metadata."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from mbo_vc.cli.mbo import _Index


@pytest.mark.parametrize("payload", ["=HYPERLINK(\"x\")", "+1+1", "-2+3", "@SUM(A1)",
                                     "\t=1", "\r=1"])  # fmt: skip
def test_index_csv_neutralises_spreadsheet_formulas(tmp_path: Path, payload: str) -> None:
    """OWASP CSV injection: a cell from the SIS export (studentnummer, the file's name) or a
    credential id that a spreadsheet would run as a formula is prefixed with a single quote."""
    index = _Index(tmp_path / "index.csv", payload, None)
    index.add(2, {"studentnummer": payload}, tmp_path / f"{payload}.json", payload,
              (payload, 7))  # fmt: skip
    index.add(3, {"studentnummer": "500123"}, tmp_path / "a.json", "urn:uuid:1", None)
    index.close()
    with (tmp_path / "index.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[1] == [f"'{payload}", "2", f"'{payload}", f"'{payload}.json", f"'{payload}",
                       f"'{payload}", "7"]  # fmt: skip
    assert rows[2] == [f"'{payload}", "3", "500123", "a.json", "urn:uuid:1", "", ""]


# --- DSNs: no password in any message ---------------------------------------------------------
SECRET = "S3cr3tPw"


@pytest.mark.parametrize(
    ("dsn", "shown"),
    [
        (f"postgresql://u:{SECRET}@db.example:5432/st", "postgresql://u@db.example:5432/st"),
        (f"postgresql://db.example/st?password={SECRET}@x", "postgresql://db.example/st"),
        (f"postgres://db.example/st?sslmode=require&PASSWORD={SECRET}", "postgres://db.example/st"),
        (f"postgresql://u:{SECRET}@db.example/st?x=1@y", "postgresql://u@db.example/st"),
        (f"host=db.example password={SECRET} dbname=st", "host=db.example password=*** dbname=st"),
        (f"host=db password = '{SECRET} x' dbname=st", "host=db password = *** dbname=st"),
    ],
)
def test_redact_dsn_drops_every_password(dsn: str, shown: str) -> None:
    from mbo_vc.status.postgres import redact_dsn

    assert redact_dsn(dsn) == shown
    assert SECRET not in redact_dsn(dsn)


@pytest.mark.parametrize(
    "dsn",
    [
        f"postgresql://u:{SECRET}%zz@127.0.0.1:1/st",  # libpq quotes the bad token
        f"postgresql://u:{SECRET}@[::1/st",  # libpq quotes the whole URI
        f"postgresql://u:a%41{SECRET}@[::1/st",
    ],
)
def test_postgres_connect_error_never_shows_the_password(dsn: str) -> None:
    pytest.importorskip("psycopg")
    from mbo_vc.errors import StatusRegistryError
    from mbo_vc.status.postgres import PostgresStatusStore

    with pytest.raises(StatusRegistryError) as info:
        PostgresStatusStore(dsn, connect_timeout=1)
    assert SECRET not in str(info.value)
    assert "cannot open status registry postgresql://u@" in str(info.value)


def test_cli_never_shows_a_keyword_dsn_password(tmp_path: Path) -> None:
    import subprocess
    import sys

    dsn = f"host=db.example password={SECRET} dbname=st"
    issue = ["issue", "--type", "mbo-diploma", "--data", str(tmp_path / "x.csv"),
             "--key", str(tmp_path / "k"), "--status-db", dsn, "--out", str(tmp_path)]  # fmt: skip
    for args in (["status", "revoke", "--db", dsn, "--list", "r", "--index", "1"], issue):
        proc = subprocess.run([sys.executable, "-m", "mbo_vc.cli", *args], capture_output=True,
                              text=True, timeout=120, cwd=tmp_path)  # fmt: skip
        assert proc.returncode == 2, proc.stderr
        assert SECRET not in proc.stdout + proc.stderr


# --- the status registry ---------------------------------------------------------------------
def _key() -> object:
    from tests.test_status_crash import KEY

    return KEY


@pytest.mark.parametrize("edit", ["modified", "truncated", "replaced by a folder"])
def test_changed_only_republishes_a_file_changed_on_disk(tmp_path: Path, edit: str) -> None:
    import shutil

    from mbo_vc.status.registry import StatusRegistry

    with StatusRegistry(tmp_path / "r.db") as reg:
        reg.create_list("https://roc.example/status/a", list_id="a")
        out = tmp_path / "lists"
        [first] = reg.publish_lists(_key(), out, changed_only=True)
        good = (out / "a.json").read_bytes()
        assert first.written
        [again] = reg.publish_lists(_key(), out, changed_only=True)
        assert (again.written, again.skipped) == (False, "unchanged")
        if edit == "modified":
            (out / "a.json").write_bytes(good.replace(b'"ttl"', b'"ttL"'))
        elif edit == "truncated":
            (out / "a.json").write_bytes(good[:10])
        else:
            (out / "a.json").unlink()
            (out / "a.json").mkdir()
        if edit == "replaced by a folder":
            from mbo_vc.errors import StatusPublishError

            with pytest.raises(StatusPublishError):
                reg.publish_lists(_key(), out, changed_only=True)
            shutil.rmtree(out / "a.json")
            (out / "a.json").write_bytes(good)
            [same] = reg.publish_lists(_key(), out, changed_only=True)
            assert same.written is False  # the very bytes published: nothing to do
            return
        [fixed] = reg.publish_lists(_key(), out, changed_only=True)
        assert fixed.written, fixed
        assert (out / "a.json").read_bytes() != good[:10]


@pytest.mark.parametrize("index", [2**63, 2**64, -(2**63) - 1, 2**31, -1])
def test_an_index_beyond_any_integer_is_never_allocated(status_db: str, index: int) -> None:
    """A huge index (a CLI --index, a credential's statusListIndex) is a typed error, not
    sqlite3's OverflowError; reading its status or events finds nothing."""
    from mbo_vc.errors import StatusRegistryError
    from mbo_vc.status.registry import StatusRegistry

    with StatusRegistry(status_db) as reg:
        reg.create_list("https://roc.example/status/big", list_id="big")
        reg.allocate("big")
        with pytest.raises(StatusRegistryError, match="never allocated"):
            reg.revoke("big", index)
        assert reg.store.status("big", index) is None
        assert reg.events("big", index) == []


def test_cli_revoke_of_a_huge_index_exits_2(tmp_path: Path) -> None:
    from mbo_vc.cli import main

    db = str(tmp_path / "r.db")
    assert main(["status", "init", "--db", db, "--base-url", "https://roc.example/st"]) == 0
    assert main(["status", "revoke", "--db", db, "--list", "revocation-1", "--index",
                 str(2**64)]) == 2  # fmt: skip


@pytest.mark.parametrize(
    ("first", "second"), [("a b", "a_b"), ("Rev", "rev"), ("a/b", "a_b"), ("a:b", "a?b")]
)
def test_two_lists_never_publish_to_one_file(tmp_path: Path, first: str, second: str) -> None:
    """``_safe_name`` maps some ids to one file name: the second list is refused at creation,
    and a registry that holds both already (made before) refuses to publish either."""
    import contextlib

    from mbo_vc.errors import StatusPublishError
    from mbo_vc.status.registry import StatusRegistry
    from mbo_vc.status.store import ListInfo, SqliteStatusStore

    if " " not in first:
        with StatusRegistry(tmp_path / "r.db") as reg:
            reg.create_list("https://roc.example/status/1", list_id=first)
            with pytest.raises(StatusPublishError, match="same file"):
                reg.create_list("https://roc.example/status/2", list_id=second)
    with contextlib.closing(SqliteStatusStore(tmp_path / "old.db")) as store:
        for n, lid in enumerate((first, second)):
            store.create_list(ListInfo(lid, f"https://roc.example/s/{n}", "revocation"))
    with StatusRegistry(tmp_path / "old.db") as reg:
        out = tmp_path / "out"
        for lid in (first, second):
            with pytest.raises(StatusPublishError, match="same file"):
                reg.publish(lid, _key(), out)  # type: ignore[arg-type]
        with pytest.raises(StatusPublishError, match="same file"):
            reg.publish_lists(_key(), out, formats=("token-status-list",))  # type: ignore[arg-type]
        assert not out.exists()


@pytest.mark.parametrize("list_id", ["a b", "a\x00b", "a\nb", "x" * 201, "é" * 101])
def test_a_list_id_that_cannot_name_a_file_is_refused(tmp_path: Path, list_id: str) -> None:
    from mbo_vc.errors import UsageError
    from mbo_vc.status.registry import StatusRegistry

    with StatusRegistry(tmp_path / "r.db") as reg, pytest.raises(UsageError, match="list id"):
        reg.create_list("https://roc.example/status/1", list_id=list_id)


@pytest.mark.parametrize("url", ["https://roc.example/st/a b", "https://roc.example/\x00",
                                 "https://roc.example/a\n"])  # fmt: skip
def test_a_list_url_with_spaces_or_controls_is_refused(tmp_path: Path, url: str) -> None:
    from mbo_vc.errors import UsageError
    from mbo_vc.status.registry import StatusRegistry

    with StatusRegistry(tmp_path / "r.db") as reg, pytest.raises(UsageError, match="URL"):
        reg.create_list(url, list_id="x")


@pytest.mark.parametrize("list_id", ["../../etc/passwd", "/etc/passwd", "..", "a/../../b",
                                     "..\\..\\x", "%2e%2e%2fx"])  # fmt: skip
def test_a_list_file_stays_in_the_output_folder(tmp_path: Path, list_id: str) -> None:
    from mbo_vc.status.registry import StatusRegistry

    out = tmp_path / "deep" / "out"
    with StatusRegistry(tmp_path / "r.db") as reg:
        reg.create_list("https://roc.example/status/1", list_id=list_id)
        results = reg.publish_lists(_key(), out, formats=("bitstring", "token-status-list"))  # type: ignore[arg-type]
    for r in results:
        assert r.path.parent == out and r.written
    assert sorted(p.parent for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".db"
                  and "r.db" not in p.name) == [out, out]  # fmt: skip


# --- PKCS#11 PIN sources and modules ---------------------------------------------------------
PIN = "7391-pin-0042"


def _pin_uri(source: Path | str) -> object:
    from mbo_vc.keys.pkcs11 import parse_pkcs11_uri

    return parse_pkcs11_uri(f"pkcs11:object=k?pin-source={source}")


def test_a_fifo_pin_source_is_refused_not_waited_on(tmp_path: Path) -> None:
    import os
    import threading

    from mbo_vc.errors import SignerError
    from mbo_vc.keys.pkcs11 import _read_pin

    fifo = tmp_path / "pin"
    os.mkfifo(fifo)
    outcome: list[BaseException | str | None] = []

    def read() -> None:
        try:
            outcome.append(_read_pin(_pin_uri(fifo)))  # type: ignore[arg-type]
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    thread.join(5)
    if thread.is_alive():  # unblock the reader before failing
        with open(fifo, "wb"):
            pass
        thread.join(5)
        pytest.fail("reading a FIFO pin-source hangs until someone writes to it")
    assert isinstance(outcome[0], SignerError) and "not a regular file" in str(outcome[0])


@pytest.mark.parametrize("source", ["/dev/zero", "/dev/null", "/tmp"])
def test_a_device_or_folder_pin_source_is_refused(source: str) -> None:
    from mbo_vc.errors import SignerError
    from mbo_vc.keys.pkcs11 import _read_pin

    with pytest.raises(SignerError, match=r"not a regular file|cannot read"):
        _read_pin(_pin_uri(source))  # type: ignore[arg-type]


def test_a_pin_file_that_is_not_utf8_is_a_signer_error_without_the_pin(tmp_path: Path) -> None:
    import traceback

    from mbo_vc.errors import SignerError
    from mbo_vc.keys.pkcs11 import _read_pin

    (tmp_path / "pin").write_bytes(PIN.encode() + b"\xff")
    with pytest.raises(SignerError, match="not UTF-8") as info:
        _read_pin(_pin_uri(tmp_path / "pin"))  # type: ignore[arg-type]
    shown = "".join(traceback.format_exception(info.value))
    assert PIN not in shown and info.value.__suppress_context__


def test_the_cli_never_prints_the_pin_of_a_failing_pkcs11_key(tmp_path: Path) -> None:
    """A PIN that reaches a module that is not there (from the URI, a file and the environment)
    is in no line of a failing mbo-vc run."""
    import os
    import subprocess
    import sys

    (tmp_path / "pin").write_text(PIN + "\n")
    doc = tmp_path / "c.json"
    doc.write_text('{"@context": ["https://www.w3.org/ns/credentials/v2"]}')
    for uri in (f"pkcs11:object=k?pin-value={PIN}&module-path=/nonexistent/{PIN}.so",
                f"pkcs11:object=k;token={PIN}x?pin-source={tmp_path / 'pin'}&module-path=m.so",
                "pkcs11:object=k?module-path=/nonexistent/m.so",
                f"pkcs11:object=k?pin-value={PIN}&bogus=1"):  # fmt: skip
        env = {**os.environ, "MBO_VC_PKCS11_PIN": PIN}
        proc = subprocess.run([sys.executable, "-m", "mbo_vc.cli", "sign", str(doc), "--key", uri],
                              capture_output=True, text=True, timeout=120, env=env,
                              cwd=tmp_path)  # fmt: skip
        assert proc.returncode != 0
        assert PIN not in (proc.stdout + proc.stderr).replace(f"{PIN}x", "").replace(
            f"{PIN}.so", ""
        ), proc.stderr


def test_a_relative_module_path_loads_the_file_that_was_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``module-path=libx.so`` is checked in the current folder; dlopen would look the bare
    name up on the library path (another file): the absolute path is what is loaded."""
    import types

    from mbo_vc.keys import pkcs11

    loaded: list[str] = []

    class Lib:
        def __init__(self, path: str) -> None:
            loaded.append(path)

    monkeypatch.chdir(tmp_path)
    (tmp_path / "libx.so").write_bytes(b"")
    monkeypatch.setattr(pkcs11, "_pkcs11", lambda: types.SimpleNamespace(lib=Lib))
    monkeypatch.setattr(pkcs11, "_LIBRARIES", {})
    pkcs11._library("libx.so")
    assert loaded == [str(tmp_path / "libx.so")]
