"""Crash safety of the status registry: a real child process is killed with SIGKILL in the middle
of allocating, revoking and publishing; afterwards no revocation that was reported done is lost,
no index that was handed out is ever handed out again, and a published file is never torn.

Run these 20 times in a row with ``bench/crash_loop.sh``.
"""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from mbo_vc import Ed25519Key, verify
from mbo_vc.status import Bitstring, DirectoryFetcher, StatusChecker
from mbo_vc.status.registry import ListInfo, SqliteStatusStore, StatusRegistry

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")

CHILD = Path(__file__).with_name("status_crash_child.py")
SEED = "5e" * 32
KEY = Ed25519Key.from_seed(bytes.fromhex(SEED))
TINY = 256  # a store-level list small enough to hand out completely in a test
BASE = "https://roc.example/status"


class Child:
    """A child process whose stdout lines are collected by a thread."""

    def __init__(self, db: Path, out: Path, mode: str, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(db), str(out), SEED, mode, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def next_line(self, timeout: float = 30.0) -> str | None:
        line = self.lines.get(timeout=timeout)
        if line is not None:
            self.seen.append(line)
        return line

    def wait_for(self, prefix: str, count: int = 1) -> list[str]:
        found: list[str] = []
        while len(found) < count:
            line = self.next_line()
            if line is None:
                err = self.proc.stderr.read() if self.proc.stderr else ""
                raise AssertionError(f"child ended early; saw {self.seen[-3:]}; stderr: {err}")
            if line.startswith(prefix):
                found.append(line)
        return found

    def go(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        assert self.proc.returncode == -signal.SIGKILL
        while True:  # drain what the child printed before it died
            try:
                line = self.lines.get(timeout=10)
            except queue.Empty:
                break
            if line is None:
                break
            self.seen.append(line)

    def finish(self) -> None:
        self.proc.wait(timeout=60)
        self.kill_safe_drain()
        assert self.proc.returncode == 0, self.proc.stderr.read() if self.proc.stderr else ""

    def kill_safe_drain(self) -> None:
        while True:
            line = self.lines.get(timeout=10)
            if line is None:
                break
            self.seen.append(line)

    def values(self, prefix: str) -> list[int]:
        return [int(s.split()[1]) for s in self.seen if s.startswith(prefix + " ")]


def _tiny(db: Path) -> None:
    with SqliteStatusStore(db) as store:
        store.create_list(ListInfo("tiny", f"{BASE}/tiny", "revocation", TINY, 1, (), "now"))


def _integrity(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        entries = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
        allocs = conn.execute("SELECT count(*) FROM events WHERE action='allocate'").fetchone()[0]
        assert entries == allocs  # every allocation logged, no log without allocation
    finally:
        conn.close()


def _exhaust_and_check(db: Path, handed_out: list[int]) -> None:
    """Allocate every remaining index: together with what was handed out, each index once."""
    _integrity(db)
    with StatusRegistry(db) as reg:
        store = reg.store
        assert isinstance(store, SqliteStatusStore)
        in_db = store.allocated_indexes("tiny")
        assert set(handed_out) <= set(in_db), "an index that was handed out is missing"
        rest = [e.index for e in reg.allocate_many("tiny", TINY - len(in_db))]
    assert not set(rest) & set(in_db), "an index was handed out twice"
    assert sorted(rest + in_db) == list(range(TINY))


def test_kill_during_allocation_loop(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    _tiny(db)
    child = Child(db, tmp_path, "allocate-loop", "tiny")
    child.wait_for("READY")
    child.go()
    child.wait_for("A", random.randint(5, 60))
    child.kill()
    handed_out = child.values("A")
    assert len(handed_out) == len(set(handed_out))
    _exhaust_and_check(db, handed_out)


def test_kill_between_insert_and_commit(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    _tiny(db)
    with StatusRegistry(db) as reg:
        before = [e.index for e in reg.allocate_many("tiny", 10)]
    child = Child(db, tmp_path, "stop:allocate:inserted", "tiny")
    [line] = child.wait_for("AT allocate:inserted")
    pending = int(line.split()[2])
    child.kill()  # the child holds the write lock and an uncommitted insert
    with SqliteStatusStore(db) as store:
        assert pending not in store.allocated_indexes("tiny")  # rolled back: never handed out
        assert store.allocated("tiny") == 10
    _exhaust_and_check(db, before)


def test_kill_after_commit_before_return(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    _tiny(db)
    child = Child(db, tmp_path, "stop:allocate:committed", "tiny")
    [line] = child.wait_for("AT allocate:committed")
    committed = json.loads(line.split(" ", 2)[2])
    child.kill()
    with SqliteStatusStore(db) as store:
        assert store.allocated_indexes("tiny") == committed  # durable, so never reissued
    _exhaust_and_check(db, committed)


def test_two_processes_allocating_at_once_never_share_an_index(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    _tiny(db)
    a = Child(db, tmp_path, "allocate-loop", "tiny", "2")
    b = Child(db, tmp_path, "allocate-loop", "tiny", "2")
    a.wait_for("READY")
    b.wait_for("READY")
    a.go()
    b.go()
    a.finish()
    b.finish()
    got_a, got_b = a.values("A"), b.values("A")
    assert got_a and got_b, "both processes should have allocated"
    assert not set(got_a) & set(got_b)
    assert sorted(got_a + got_b) == list(range(TINY))
    assert "FULL" in a.seen and "FULL" in b.seen
    _integrity(db)


def _revocation_list(db: Path, count: int) -> list[int]:
    with StatusRegistry(db) as reg:
        reg.create_list(f"{BASE}/rev", purpose="revocation", list_id="rev")
        return [e.index for e in reg.allocate_many("rev", count)]


def _published_bits(out: Path, now: str | None = None) -> set[int]:
    doc = json.loads((out / "rev.json").read_text())
    assert verify(doc, now=now).verified
    return set(Bitstring.decode(doc["credentialSubject"]["encodedList"]).set_bits())


def test_kill_during_revoke_loop_loses_no_revocation(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    indexes = _revocation_list(db, 300)
    child = Child(db, tmp_path, "revoke-loop", "rev")
    child.wait_for("R", random.randint(3, 40))
    child.kill()
    reported = child.values("R")
    with StatusRegistry(db) as reg:
        for index in reported:
            assert reg.store.status("rev", index) == 1
            assert [e.action for e in reg.events("rev", index)] == ["allocate", "revoke"]
        revoked_in_db = {i for i in indexes if reg.store.status("rev", i) == 1}
        reg.publish("rev", KEY, tmp_path)
    _integrity(db)
    assert set(reported) <= revoked_in_db
    # At most the one revocation that was in flight may have committed without being reported.
    assert len(revoked_in_db - set(reported)) <= 1
    assert _published_bits(tmp_path) == revoked_in_db


@pytest.mark.parametrize("point,applied", [("change:logged", False), ("change:committed", True)])
def test_kill_inside_a_revocation(tmp_path: Path, point: str, applied: bool) -> None:
    db = tmp_path / "r.db"
    [index] = _revocation_list(db, 1)
    child = Child(db, tmp_path, f"stop:{point}", "rev", str(index))
    child.wait_for(f"AT {point}")
    child.kill()
    with StatusRegistry(db) as reg:
        assert reg.store.status("rev", index) == (1 if applied else 0)
        actions = [e.action for e in reg.events("rev", index)]
        assert actions == (["allocate", "revoke"] if applied else ["allocate"])
        # The caller was never told it was done, so it retries; the retry is safe either way.
        assert reg.revoke("rev", index, reason="retry") is (not applied)
        assert reg.store.status("rev", index) == 1
        reg.publish("rev", KEY, tmp_path)
    assert _published_bits(tmp_path) == {index}


@pytest.mark.parametrize("point", ["publish:temp_written", "publish:replaced"])
def test_kill_during_publish_leaves_old_or_new_file(tmp_path: Path, point: str) -> None:
    db = tmp_path / "r.db"
    out = tmp_path / "lists"
    first, second = _revocation_list(db, 2)
    with StatusRegistry(db) as reg:
        reg.revoke("rev", first)
        reg.publish("rev", KEY, out)
        old = (out / "rev.json").read_bytes()
        reg.revoke("rev", second)  # committed: must reach the next published list
    child = Child(db, out, f"stop:{point}", "rev")
    child.wait_for(f"AT {point}")
    child.kill()
    new_file = point == "publish:replaced"
    if not new_file:
        assert (out / "rev.json").read_bytes() == old
        assert [p.name for p in out.iterdir() if p.name.startswith(".")], "temp file expected"
    assert _published_bits(out) == ({first, second} if new_file else {first})
    # A verifier reading the folder ignores the leftover temp file and sees one list.
    checker = StatusChecker(DirectoryFetcher(out))
    assert checker.status_list(f"{BASE}/rev").bits.get(first) == 1
    with StatusRegistry(db) as reg:
        reg.publish("rev", KEY, out)
    assert _published_bits(out) == {first, second}


def test_kill_during_publish_loop_never_tears_the_file(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    out = tmp_path / "lists"
    indexes = _revocation_list(db, 50)
    with StatusRegistry(db) as reg:
        for index in indexes[:20]:
            reg.revoke("rev", index)
        reg.publish("rev", KEY, out)
    child = Child(db, out, "publish-loop", "rev")
    child.wait_for("P", random.randint(1, 8))
    child.kill()
    assert _published_bits(out) == set(indexes[:20])
