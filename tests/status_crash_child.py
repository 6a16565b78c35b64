"""Child process for tests/test_status_crash.py (killed with SIGKILL by the parent).

usage: python tests/status_crash_child.py DB OUT SEED_HEX MODE [ARG]

MODE:
  allocate-loop LIST [MS]  after a line on stdin, allocate one index at a time (pausing MS ms
                           between); print "A <index>" after each returns, "FULL" at the end
  revoke-loop LIST         revoke every allocated, unrevoked index; print "R <index>" after each
  publish-loop LIST        publish LIST to OUT again and again; print "P <n>" after each
  publish-check LIST N     N times: read the committed revocations, publish, read the file
                           back; print "P <n> ok" when the file holds them all, else "P <n> MISSING"
  revoke-some LIST K M     revoke the allocated indexes at positions K, K+M, K+2M…; "R <index>"
  roll-loop LIST N         after a line on stdin, allocate N entries one at a time through the
                           registry (rolling over full lists); print "A <list> <index>" after each
DB is a SQLite path or a postgresql:// DSN.
  stop:<point> LIST [IDX]  run one operation and block at checkpoint <point>, printing
                           "AT <point> <detail>" (allocate:*, change:* revokes IDX, publish:*)
Every line is flushed, so what the parent read was really returned (or reached) before the kill.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from mbo_vc import Ed25519Key
from mbo_vc.status import Bitstring
from mbo_vc.status.postgres import PostgresStatusStore, is_postgres_dsn
from mbo_vc.status.registry import SqliteStatusStore, StatusRegistry
from mbo_vc.status.store import StatusListFullError
from mbo_vc.timestamps import format_timestamp


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def stopping_store(db: str, point: str) -> Any:
    """A store that blocks (until killed) at one named checkpoint."""
    base: Any = PostgresStatusStore if is_postgres_dsn(db) else SqliteStatusStore

    class StoppingStore(base):  # type: ignore[misc, valid-type]
        def _checkpoint(self, name: str, detail: object = None) -> None:
            if name == point:
                say(f"AT {name} {detail!s}")
                time.sleep(120)  # the parent kills us here
                say("NOT KILLED")
                sys.exit(3)

    return StoppingStore(db)


def main(argv: list[str]) -> int:
    db, out, seed, mode, *rest = argv
    key = Ed25519Key.from_seed(bytes.fromhex(seed))
    list_id = rest[0]
    if mode.startswith("stop:"):
        point = mode[len("stop:") :]
        reg = StatusRegistry(stopping_store(db, point))
        say("READY")
        if point.startswith("allocate:"):
            reg.allocate(list_id)
        elif point.startswith("change:"):
            reg.revoke(list_id, int(rest[1]), reason="crash test")
        else:
            reg.publish(list_id, key, out)
        say("DONE")
        return 0
    reg = StatusRegistry(db)
    store: Any = reg.store
    say("READY")
    if mode == "allocate-loop":
        pause = float(rest[1]) / 1000 if len(rest) > 1 else 0.0
        sys.stdin.readline()  # start when the parent says so (lines up concurrent children)
        while True:
            try:  # the store itself: this list only (the registry would roll over)
                [index] = store.allocate(list_id, 1, at=format_timestamp())
            except StatusListFullError:
                say("FULL")
                return 0
            say(f"A {index}")
            time.sleep(pause)  # like an issuer signing between allocations
    elif mode == "revoke-loop":
        statuses, _ = store.snapshot(list_id)
        for index in store.allocated_indexes(list_id):
            if index not in statuses:
                reg.revoke(list_id, index, reason="crash test")
                say(f"R {index}")
        say("DONE")
    elif mode == "revoke-some":
        start, step = int(rest[1]), int(rest[2])
        for index in store.allocated_indexes(list_id)[start::step]:
            reg.revoke(list_id, index, reason="concurrency test")
            say(f"R {index}")
        say("DONE")
        return 0
    elif mode == "publish-check":
        for n in range(int(rest[1])):
            committed = set(store.snapshot(list_id)[0])
            path = reg.publish(list_id, key, out)
            doc = json.loads(Path(path).read_text())
            bits = set(Bitstring.decode(doc["credentialSubject"]["encodedList"]).set_bits())
            say(f"P {n} {'ok' if committed <= bits else 'MISSING'}")
        say("DONE")
        return 0
    elif mode == "roll-loop":
        sys.stdin.readline()
        for _ in range(int(rest[1])):
            entry = reg.allocate(list_id)
            say(f"A {entry.list_credential.rsplit('/', 1)[-1]} {entry.index}")
        say("DONE")
        return 0
    elif mode == "publish-loop":
        n = 0
        while True:
            reg.publish(list_id, key, out)
            n += 1
            say(f"P {n}")
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
