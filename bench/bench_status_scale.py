"""The status registry at scale, on SQLite and PostgreSQL; a benchmark, not a test.

    .venv/bin/python bench/bench_status_scale.py [--entries 1000000] [--writers 4]
        [--batch 1000] [--revoke 10000] [--single 2000] [--backends sqlite,postgresql]

For each backend: WRITERS processes allocate ENTRIES indexes together (random policy, lists of
131,072 that roll over by themselves, BATCH per transaction), then allocate SINGLE more one
commit each (the issuing path: one credential, one transaction); then they revoke REVOKE
indexes, one transaction each; then every list is published in both formats (Bitstring Status
List credential and statuslist+jwt, signed Ed25519, written atomically), timed per list. The
PostgreSQL server is a throw-away one started here (tests/pg_server.py) with fsync on, on
loopback; SQLite runs WAL with synchronous=FULL. Prints one table.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import random
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mbo_vc import Ed25519Key
from mbo_vc.status.registry import StatusRegistry
from tests.pg_server import missing_reason, running_server

BASE = "https://roc.example/status"
KEY = Ed25519Key.from_seed(bytes(range(32)))


def _allocate(target: str, count: int, batch: int) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    with StatusRegistry(target) as reg:
        while len(out) < count:
            for e in reg.allocate_many("rev-1", min(batch, count - len(out))):
                out.append((e.list_credential.rsplit("/", 1)[-1], e.index))
    return out


def _allocate_single(target: str, count: int) -> int:
    with StatusRegistry(target) as reg:
        for _ in range(count):
            reg.allocate("rev-1")
    return count


def _revoke(target: str, items: list[tuple[str, int]]) -> int:
    with StatusRegistry(target) as reg:
        for list_id, index in items:
            reg.revoke(list_id, index, reason="bench")
    return len(items)


def _parallel(fn: object, jobs: list[tuple[object, ...]]) -> tuple[float, list[object]]:
    ctx = multiprocessing.get_context("fork")
    start = time.perf_counter()
    with ProcessPoolExecutor(len(jobs), mp_context=ctx) as pool:
        results = list(pool.map(fn, *zip(*jobs, strict=True)))  # type: ignore[arg-type]
    return time.perf_counter() - start, results


def run(name: str, target: str, args: argparse.Namespace, out: Path) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    w = args.writers
    with StatusRegistry(target) as reg:
        reg.create_list(f"{BASE}/rev-1", list_id="rev-1")
    share = [args.entries // w + (1 if i < args.entries % w else 0) for i in range(w)]
    t, results = _parallel(_allocate, [(target, n, args.batch) for n in share])
    handed = [p for r in results for p in r]  # type: ignore[attr-defined]
    assert len(set(handed)) == len(handed) == args.entries, "an index was handed out twice"
    rows.append((f"allocate {args.entries:,} ({w} processes, {args.batch}/txn)",
                 f"{t:8.1f} s  {args.entries / t:10,.0f}/s"))  # fmt: skip
    t, _ = _parallel(_allocate_single, [(target, args.single // w)] * w)
    n = args.single // w * w
    rows.append((f"allocate {n:,} (one commit each, {w} processes)",
                 f"{t:8.1f} s  {n / t:10,.0f}/s"))  # fmt: skip
    chosen = random.sample(handed, args.revoke)
    t, _ = _parallel(_revoke, [(target, chosen[i::w]) for i in range(w)])
    rows.append((f"revoke {args.revoke:,} (one commit each, {w} processes)",
                 f"{t:8.1f} s  {args.revoke / t:10,.0f}/s"))  # fmt: skip
    with StatusRegistry(target) as reg:
        lists = reg.lists()
        times: list[float] = []
        start = time.perf_counter()
        for info in lists:
            t0 = time.perf_counter()
            reg.publish_lists(KEY, out / name, formats=["bitstring", "token-status-list"],
                              list_ids=[info.list_id])  # fmt: skip
            times.append(time.perf_counter() - t0)
        total = time.perf_counter() - start
        t0 = time.perf_counter()
        unchanged = reg.publish_lists(KEY, out / name, changed_only=True,
                                      formats=["bitstring", "token-status-list"])  # fmt: skip
        t_changed = time.perf_counter() - t0
        assert not any(r.written for r in unchanged)
    sizes = sorted(p.stat().st_size for p in (out / name).glob("*.json"))
    per = f"per list {min(times) * 1000:,.0f}-{max(times) * 1000:,.0f} ms"
    rows.append((f"publish {len(lists)} lists x 2 formats (sign + atomic write)",
                 f"{total:8.1f} s  {per}"))  # fmt: skip
    rows.append(("  list credential size", f"{sizes[0]:,}-{sizes[-1]:,} B"))
    rows.append(("publish --changed-only, nothing changed", f"{t_changed * 1000:8.0f} ms"))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--writers", type=int, default=4)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--revoke", type=int, default=10_000)
    ap.add_argument("--single", type=int, default=2000)
    ap.add_argument("--backends", default="sqlite,postgresql")
    args = ap.parse_args()
    backends = args.backends.split(",")
    print(f"machine: {os.cpu_count()} cores, {platform.machine()}, Python "
          f"{platform.python_version()}, {platform.system()} {platform.release()}")  # fmt: skip
    table: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        if "sqlite" in backends:
            for what, value in run("sqlite", str(out / "registry.db"), args, out):
                table.append(("SQLite", what, value))
        if "postgresql" in backends:
            reason = missing_reason()
            if reason:
                print(f"PostgreSQL skipped: {reason}")
            else:
                with running_server(fsync=True) as server:
                    dsn = server.create_database("bench")
                    for what, value in run("postgresql", dsn, args, out):
                        table.append(("PostgreSQL 15", what, value))
    width = max(len(r[1]) for r in table)
    print(f"{'backend':<14}{'operation':<{width}}  result")
    print("-" * (width + 50))
    for backend, what, value in table:
        print(f"{backend:<14}{what:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
