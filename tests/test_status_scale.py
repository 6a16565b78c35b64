"""The status registry at scale (issue 21): the same flows on SQLite and PostgreSQL (a real
server the tests start, tests/pg_server.py), list roll-over, list settings, static publication
of both formats (``--changed-only``), publications that never go back, concurrent writers in
several processes, ``kill -9`` on PostgreSQL, and a full disk / read-only output folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mbo_vc import verify
from mbo_vc.cli import main
from mbo_vc.errors import StatusPublishError, StatusRegistryError, UsageError
from mbo_vc.status import Bitstring, DirectoryFetcher, StatusChecker
from mbo_vc.status.registry import ListInfo, Publication, StatusRegistry, open_store
from mbo_vc.status.store import SqliteStatusStore
from mbo_vc.status.token_checker import TokenStatusListChecker
from tests.fixtures import example_diploma
from tests.test_status_crash import KEY, Child

BASE = "https://roc.example/status"
NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def _small(db: str, list_id: str = "r-1", length: int = 256, **kw: object) -> None:
    """A store-level list smaller than the registry allows (to fill it in a test)."""
    with contextlib.closing(open_store(db)) as store:
        store.create_list(
            ListInfo(list_id, f"{BASE}/{list_id}", "revocation", length, 1, (), "now", **kw)  # type: ignore[arg-type]
        )


def _bits(path: Path) -> set[int]:
    doc = json.loads(path.read_text())
    assert verify(doc).verified, path
    return set(Bitstring.decode(doc["credentialSubject"]["encodedList"]).set_bits())


# --- the CLI flows of docs/status.md on both backends --------------------------------------
def test_cli_flow_on_each_backend(
    status_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key, lists = tmp_path / "key.json", tmp_path / "lists"
    assert main(["key", "generate", "--out", str(key)]) == 0
    did = json.loads(key.read_text())["controller"]
    db = ["--db", status_db]
    assert main(["status", "init", *db, "--base-url", f"{BASE}/", "--valid-days", "1",
                 "--ttl-seconds", "600"]) == 0  # fmt: skip
    unsigned, with_status, cred = tmp_path / "u.json", tmp_path / "u2.json", tmp_path / "c.json"
    unsigned.write_text(json.dumps(example_diploma(did)))
    assert main(["status", "allocate", *db, "--into", str(unsigned), "-o", str(with_status)]) == 0
    assert main(["sign", "--key", str(key), str(with_status), "-o", str(cred)]) == 0
    publish = ["status", "publish", *db, "--key", str(key), "--out", str(lists), "--format", "both"]
    assert main(publish) == 0
    assert sorted(p.name for p in lists.iterdir()) == [
        "revocation-1.json", "revocation-1.statuslist.jwt",
        "suspension-1.json", "suspension-1.statuslist.jwt",
    ]  # fmt: skip
    doc = json.loads((lists / "revocation-1.json").read_text())
    assert doc["credentialSubject"]["ttl"] == 600_000  # the list's settings
    start, until = (datetime.fromisoformat(doc[k]) for k in ("validFrom", "validUntil"))
    assert until - start == timedelta(days=1)
    assert main(["verify", str(cred), "--status-dir", str(lists)]) == 0

    assert main(["status", "revoke", *db, str(cred), "--reason", "in error"]) == 0
    capsys.readouterr()
    assert main([*publish, "--changed-only"]) == 0
    out = capsys.readouterr().out
    assert out.count("(unchanged)") == 2 and "suspension-1.json (unchanged)" in out
    assert f"revocation-1: {lists / 'revocation-1.json'}\n" in out
    assert main(["verify", str(cred), "--status-dir", str(lists)]) == 1
    assert "revoked" in capsys.readouterr().out
    assert main(["status", "check", str(cred), *db]) == 0
    assert "revoke → 1 — in error" in capsys.readouterr().out


def test_cli_takes_the_dsn_from_the_environment(
    postgres_dsn: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("MBO_VC_STATUS_DSN", postgres_dsn)
    assert main(["status", "init", "--base-url", BASE, "--purpose", "revocation"]) == 0
    assert main(["status", "allocate", "--count", "3"]) == 0
    rows = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert len({r["statusListIndex"] for r in rows}) == 3
    with StatusRegistry(postgres_dsn) as reg:
        assert reg.store.allocated("revocation-1") == 3


def test_postgres_without_psycopg_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now fails
    with pytest.raises(UsageError, match=r"mbo_vc\[postgres\]"):
        StatusRegistry("postgresql://issuer@127.0.0.1/status")
    assert main(["status", "init", "--db", "postgresql://x@127.0.0.1/s", "--base-url", BASE]) == 2
    assert "pip install 'mbo_vc[postgres]'" in capsys.readouterr().err


def test_postgres_connection_error_is_typed_and_hides_the_password() -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(StatusRegistryError) as info:
        StatusRegistry("postgresql://issuer:s3cret-pw@127.0.0.1:1/status?connect_timeout=2")
    assert "s3cret-pw" not in str(info.value)
    assert "postgresql://issuer@127.0.0.1:1/status" in str(info.value)


# --- roll-over, settings -------------------------------------------------------------------
def test_a_full_list_rolls_over_to_a_new_url(status_db: str, tmp_path: Path) -> None:
    _small(status_db)
    with StatusRegistry(status_db) as reg:
        entries = reg.allocate_many("r-1", 600)
        assert [i.list_id for i in reg.lists()] == ["r-1", "r-2", "r-3"]
        assert {(i.purpose, i.length, i.series) for i in reg.lists()} == {
            ("revocation", 256, "r-1")
        }
        by_url: dict[str, set[int]] = {}
        for e in entries:
            by_url.setdefault(e.list_credential, set()).add(e.index)
        assert {u: len(s) for u, s in by_url.items()} == {
            f"{BASE}/r-1": 256, f"{BASE}/r-2": 256, f"{BASE}/r-3": 88,
        }  # fmt: skip
        # the next allocation named by the first list's id goes on in the newest list
        assert reg.allocate("r-1").list_credential == f"{BASE}/r-3"
        last = entries[-1]
        reg.revoke("r-3", last.index)
        results = reg.publish_lists(KEY, tmp_path, formats=["bitstring", "token-status-list"])
        assert len(results) == 6 and all(r.written for r in results)
    assert _bits(tmp_path / "r-3.json") == {last.index}
    checker = StatusChecker(DirectoryFetcher(tmp_path))
    assert checker.status_list(f"{BASE}/r-3").bits.get(last.index) == 1
    token = TokenStatusListChecker(DirectoryFetcher(tmp_path))
    outcome = token.check_reference(
        {"status_list": {"idx": last.index, "uri": f"{BASE}/r-3"}}, issuer=KEY.controller
    )
    assert outcome.problem is not None and outcome.problem.code == "revoked"


def test_rolled_over_ids_and_urls() -> None:
    from mbo_vc.status.store import successor_names

    def names(list_id: str, url: str, gen: int) -> tuple[str, str]:
        return successor_names(ListInfo(list_id, url, "revocation"), gen)

    assert names("revocation-1", f"{BASE}/revocation-1", 2) == (
        "revocation-2",
        f"{BASE}/revocation-2",
    )
    assert names("r1", f"{BASE}/r1", 3) == ("r3", f"{BASE}/r3")
    assert names("rev", f"{BASE}/rev", 2) == ("rev-2", f"{BASE}/rev-2")
    assert names("rev", f"{BASE}/lists?id=x", 2) == ("rev-2", f"{BASE}/lists?id=x-2")


def test_index_policy_and_validity_are_settings(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    with StatusRegistry(db) as reg:
        reg.create_list(f"{BASE}/seq-1", index_policy="sequential", valid_for=timedelta(hours=24),
                        ttl=timedelta(minutes=10))  # fmt: skip
        assert [e.index for e in reg.allocate_many("seq-1", 5)] == [0, 1, 2, 3, 4]
        assert reg.allocate("seq-1").index == 5
        doc, _ = reg.status_list_credential("seq-1", KEY, now=NOW)
        assert doc["validUntil"] == "2027-03-02T12:00:00Z"
        assert doc["credentialSubject"]["ttl"] == 600_000
        doc, _ = reg.status_list_credential("seq-1", KEY, now=NOW, valid_for=None, ttl_ms=5)
        assert "validUntil" not in doc and doc["credentialSubject"]["ttl"] == 5
        token, _ = reg.status_list_token("seq-1", KEY, now=NOW)
        payload = json.loads(_b64(token.split(".")[1]))
        assert payload["exp"] - payload["iat"] == 86_400 and payload["ttl"] == 600
        with pytest.raises(UsageError):
            reg.create_list(f"{BASE}/x", index_policy="shuffled")


def _b64(part: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def test_changed_only_republishes_what_changed_or_is_due(tmp_path: Path) -> None:
    with StatusRegistry(tmp_path / "r.db") as reg:
        reg.create_list(f"{BASE}/a", list_id="a", valid_for=timedelta(hours=24))
        reg.create_list(f"{BASE}/b", list_id="b", valid_for=timedelta(hours=24))
        [ea] = reg.allocate_many("a", 1)
        out = tmp_path / "lists"

        def run(now: datetime) -> list[tuple[str, bool]]:
            results = reg.publish_lists(KEY, out, changed_only=True, now=now)
            return [(r.list_id, r.written) for r in results]

        assert run(NOW) == [("a", True), ("b", True)]
        assert run(NOW + timedelta(hours=1)) == [("a", False), ("b", False)]
        reg.revoke("a", ea.index)
        assert run(NOW + timedelta(hours=2)) == [("a", True), ("b", False)]
        (out / "b.json").unlink()
        assert run(NOW + timedelta(hours=3)) == [("a", False), ("b", True)]
        # past half of its 24 h validity a list is published again, changed or not
        assert run(NOW + timedelta(hours=14, minutes=1)) == [("a", True), ("b", False)]


def test_a_publication_never_goes_back_to_an_older_list(status_db: str) -> None:
    _small(status_db)
    with contextlib.closing(open_store(status_db)) as store:
        writes: list[int] = []

        def pub(version: int) -> bool:
            p = Publication("r-1", "bitstring", version, "now", "00", None)
            return store.record_publication(p, lambda: writes.append(version))

        assert pub(3) and pub(3) and pub(5)
        assert not pub(4)  # a slower publisher of an older snapshot: its file is not written
        assert writes == [3, 3, 5]
        published = store.published("r-1", "bitstring")
        assert published is not None and published.version == 5


def test_sqlite_schema_1_is_upgraded(tmp_path: Path) -> None:
    from mbo_vc.status.store import _SQLITE_V1

    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    conn.executescript(_SQLITE_V1 + ";")
    conn.executescript(
        "INSERT INTO meta VALUES ('schema', '1');"
        f"INSERT INTO lists VALUES ('old', '{BASE}/old', 'revocation', 131072, 1, NULL, 'x');"
        "INSERT INTO entries VALUES ('old', 7, NULL, 'x', 1), ('old', 9, NULL, 'x', 0);"
        "INSERT INTO events (list_id, idx, action, status, reason, at) VALUES "
        "('old', 7, 'allocate', 0, NULL, 'x'), ('old', 9, 'allocate', 0, NULL, 'x'),"
        "('old', 7, 'revoke', 1, NULL, 'x');"
    )
    conn.close()
    with StatusRegistry(db) as reg:
        [info] = reg.lists()
        assert (info.series, info.generation, info.index_policy) == ("old", 1, "random")
        assert reg.store.allocated("old") == 2 and reg.store.version("old") == 1
        assert reg.store.snapshot("old") == ({7: 1}, 1)
        assert reg.allocate("old").index not in (7, 9)


# --- several processes at once ---------------------------------------------------------------
def test_four_processes_allocating_never_share_an_index(status_db: str, tmp_path: Path) -> None:
    _small(status_db, "tiny", 256)
    children = [Child(status_db, tmp_path, "allocate-loop", "tiny") for _ in range(4)]  # type: ignore[arg-type]
    for c in children:
        c.wait_for("READY")
    for c in children:
        c.go()
    for c in children:
        c.finish()
    got = [c.values("A") for c in children]
    assert sum(1 for g in got if g) >= 2, "the processes should have interleaved"
    everything = [i for g in got for i in g]
    assert sorted(everything) == list(range(256))  # each index once, none lost
    assert all("FULL" in c.seen for c in children)


def test_four_processes_rolling_over_at_once(status_db: str, tmp_path: Path) -> None:
    _small(status_db, "r-1", 64)
    children = [Child(status_db, tmp_path, "roll-loop", "r-1", "50") for _ in range(4)]  # type: ignore[arg-type]
    for c in children:
        c.wait_for("READY")
    for c in children:
        c.go()
    for c in children:
        c.finish()
    pairs = [tuple(s.split()[1:]) for c in children for s in c.seen if s.startswith("A ")]
    assert len(pairs) == 200 and len(set(pairs)) == 200
    with StatusRegistry(status_db) as reg:
        infos = reg.lists()
        assert [i.list_id for i in infos] == ["r-1", "r-2", "r-3", "r-4"]  # one successor each
        assert [reg.store.allocated(i.list_id) for i in infos] == [64, 64, 64, 8]


def test_revokers_and_publishers_at_once(status_db: str, tmp_path: Path) -> None:
    """Two processes revoke while two publish into one folder: every publish holds every
    revocation committed before it began, and the file a reader sees never loses a bit."""
    out = tmp_path / "lists"
    with StatusRegistry(status_db) as reg:
        reg.create_list(f"{BASE}/rev", list_id="rev")
        reg.allocate_many("rev", 120)
        reg.publish("rev", KEY, out)
    revokers = [Child(status_db, out, "revoke-some", "rev", str(k), "2") for k in (0, 1)]  # type: ignore[arg-type]
    publishers = [Child(status_db, out, "publish-check", "rev", "12") for _ in range(2)]  # type: ignore[arg-type]
    seen: set[int] = set()
    done = False
    while not done:
        done = all(c.proc.poll() is not None for c in revokers + publishers)
        now_bits = _bits(out / "rev.json")  # never torn: it parses and verifies
        assert seen <= now_bits, "a published list lost a revocation"
        seen = now_bits
    for c in revokers + publishers:
        c.finish()
    checks = [s for c in publishers for s in c.seen if s.startswith("P ")]
    assert len(checks) == 24 and all(s.endswith(" ok") for s in checks), checks
    acknowledged = {i for c in revokers for i in c.values("R")}
    assert len(acknowledged) == 120
    with StatusRegistry(status_db) as reg:
        reg.publish("rev", KEY, out)
    assert _bits(out / "rev.json") == acknowledged


# --- kill -9 on PostgreSQL (tests/test_status_crash.py does SQLite) --------------------------
def test_postgres_kill_during_revoke_loop_loses_nothing(postgres_dsn: str, tmp_path: Path) -> None:
    with StatusRegistry(postgres_dsn) as reg:
        reg.create_list(f"{BASE}/rev", list_id="rev")
        reg.allocate_many("rev", 200)
    child = Child(postgres_dsn, tmp_path, "revoke-loop", "rev")  # type: ignore[arg-type]
    child.wait_for("R", 25)
    child.kill()
    reported = set(child.values("R"))
    with StatusRegistry(postgres_dsn) as reg:
        revoked = set(reg.store.snapshot("rev")[0])
        assert reported <= revoked and len(revoked - reported) <= 1
        assert reg.store.version("rev") == len(revoked)
        reg.publish("rev", KEY, tmp_path)
    assert _bits(tmp_path / "rev.json") == revoked


@pytest.mark.parametrize("point,applied", [("change:logged", False), ("change:committed", True)])
def test_postgres_kill_inside_a_revocation(
    postgres_dsn: str, tmp_path: Path, point: str, applied: bool
) -> None:
    with StatusRegistry(postgres_dsn) as reg:
        reg.create_list(f"{BASE}/rev", list_id="rev")
        [entry] = reg.allocate_many("rev", 1)
    child = Child(postgres_dsn, tmp_path, f"stop:{point}", "rev", str(entry.index))  # type: ignore[arg-type]
    child.wait_for(f"AT {point}")
    child.kill()  # the server rolls the open transaction back and frees its row lock
    with StatusRegistry(postgres_dsn) as reg:
        assert reg.store.status("rev", entry.index) == (1 if applied else 0)
        assert reg.revoke("rev", entry.index) is (not applied)  # the caller's retry
        assert reg.store.version("rev") == 1


@pytest.mark.parametrize("point", ["publish:temp_written", "publish:replaced"])
def test_postgres_kill_during_publish_leaves_old_or_new(
    postgres_dsn: str, tmp_path: Path, point: str
) -> None:
    out = tmp_path / "lists"
    with StatusRegistry(postgres_dsn) as reg:
        reg.create_list(f"{BASE}/rev", list_id="rev")
        first, second = (e.index for e in reg.allocate_many("rev", 2))
        reg.revoke("rev", first)
        reg.publish("rev", KEY, out)
        reg.revoke("rev", second)
    child = Child(postgres_dsn, out, f"stop:{point}", "rev")  # type: ignore[arg-type]
    child.wait_for(f"AT {point}")
    child.kill()
    assert _bits(out / "rev.json") == ({first, second} if point == "publish:replaced" else {first})
    with StatusRegistry(postgres_dsn) as reg:  # the publication lock was released
        reg.publish("rev", KEY, out)
    assert _bits(out / "rev.json") == {first, second}


# --- a full disk, a read-only folder ---------------------------------------------------------
@contextlib.contextmanager
def _tmpfs(folder: Path, options: str) -> Iterator[Path]:
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _publish_cli(db: Path, key: Path, out: Path) -> list[str]:
    return ["status", "publish", "--db", str(db), "--key", str(key), "--out", str(out)]


def _registry_with_old_list(tmp_path: Path) -> tuple[Path, Path, int]:
    db, key = tmp_path / "r.db", tmp_path / "key.json"
    KEY.save(key)  # the key the CLI publishes with is the one the checks publish with after
    with StatusRegistry(db) as reg:
        reg.create_list(f"{BASE}/rev", list_id="rev")
        [e1, e2] = reg.allocate_many("rev", 2)
        reg.revoke("rev", e1.index)
    return db, key, e2.index


def _assert_store_intact(db: Path, revoked_later: int, good: Path) -> None:
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with StatusRegistry(db) as reg:
        assert reg.store.status("rev", revoked_later) == 1
        published = reg.store.published("rev", "bitstring")
        assert published is not None and published.version == 1  # the failed one not recorded
        reg.publish("rev", KEY, good)
    assert len(_bits(good / "rev.json")) == 2


def test_full_disk_gives_a_clear_error_and_keeps_the_old_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, key, later = _registry_with_old_list(tmp_path)
    with _tmpfs(tmp_path / "full", "size=64k") as out:
        assert main(_publish_cli(db, key, out)) == 0
        old = (out / "rev.json").read_bytes()
        with StatusRegistry(db) as reg:
            reg.revoke("rev", later)
        filler = out / "filler"
        with contextlib.suppress(OSError), filler.open("wb") as fh:
            while True:
                fh.write(b"\0" * 1024)
                fh.flush()
        capsys.readouterr()
        assert main(_publish_cli(db, key, out)) == 2
        err = capsys.readouterr().err
        assert "status_publish_failed" in err and "No space left on device" in err
        assert (out / "rev.json").read_bytes() == old  # the old list, whole
        assert sorted(p.name for p in out.iterdir()) == ["filler", "rev.json"]  # no temp left
    _assert_store_intact(db, later, tmp_path / "good")


def test_read_only_folder_gives_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, key, later = _registry_with_old_list(tmp_path)
    assert main(_publish_cli(db, key, tmp_path / "seed")) == 0
    with StatusRegistry(db) as reg:
        reg.revoke("rev", later)
    with _tmpfs(tmp_path / "ro", "size=64k,ro") as out:
        capsys.readouterr()
        assert main(_publish_cli(db, key, out)) == 2
        err = capsys.readouterr().err
        assert "status_publish_failed" in err and "Read-only file system" in err
        assert list(out.iterdir()) == []
    _assert_store_intact(db, later, tmp_path / "good")


def test_enospc_at_fsync_is_a_typed_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without root (no tmpfs): a full disk as the kernel reports it at fsync."""
    db, _, later = _registry_with_old_list(tmp_path)
    out = tmp_path / "lists"
    with StatusRegistry(db) as reg:
        reg.publish("rev", KEY, out)
        old = (out / "rev.json").read_bytes()
        reg.revoke("rev", later)

        def no_space(fd: int) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "fsync", no_space)
        with pytest.raises(StatusPublishError, match="No space left on device"):
            reg.publish("rev", KEY, out)
        monkeypatch.undo()
    assert (out / "rev.json").read_bytes() == old
    assert [p.name for p in out.iterdir()] == ["rev.json"]
    _assert_store_intact(db, later, tmp_path / "good")


def test_sqlite_store_is_the_default(tmp_path: Path) -> None:
    assert isinstance(open_store(tmp_path / "x.db"), SqliteStatusStore)
