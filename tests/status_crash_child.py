"""Child process for tests/test_status_crash.py (killed with SIGKILL by the parent).

usage: python tests/status_crash_child.py DB OUT SEED_HEX MODE [ARG]

MODE:
  allocate-loop LIST [MS]  after a line on stdin, allocate one index at a time (pausing MS ms
                           between); print "A <index>" after each returns, "FULL" at the end
  revoke-loop LIST         revoke every allocated, unrevoked index; print "R <index>" after each
  publish-loop LIST        publish LIST to OUT again and again; print "P <n>" after each
  stop:<point> LIST [IDX]  run one operation and block at checkpoint <point>, printing
                           "AT <point> <detail>" (allocate:*, change:* revokes IDX, publish:*)
Every line is flushed, so what the parent read was really returned (or reached) before the kill.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from mbo_vc import Ed25519Key
from mbo_vc.status.registry import SqliteStatusStore, StatusRegistry
from mbo_vc.status.store import StatusListFullError
from mbo_vc.timestamps import format_timestamp


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class StoppingStore(SqliteStatusStore):
    """A store that blocks (until killed) at one named checkpoint."""

    def __init__(self, path: str, point: str) -> None:
        super().__init__(path)
        self.point = point

    def _checkpoint(self, name: str, detail: object = None) -> None:
        if name == self.point:
            say(f"AT {name} {detail!s}")
            time.sleep(120)  # the parent kills us here
            say("NOT KILLED")
            sys.exit(3)


def main(argv: list[str]) -> int:
    db, out, seed, mode, *rest = argv
    key = Ed25519Key.from_seed(bytes.fromhex(seed))
    list_id = rest[0]
    if mode.startswith("stop:"):
        point = mode[len("stop:") :]
        reg = StatusRegistry(StoppingStore(db, point))
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
    elif mode == "publish-loop":
        n = 0
        while True:
            reg.publish(list_id, key, out)
            n += 1
            say(f"P {n}")
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
