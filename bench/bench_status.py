"""Benchmark of Bitstring Status List (issuer registry and verifier checker); not a test.

    .venv/bin/python bench/bench_status.py [--entries 10000] [--sign-sample 300]

Prints a table: allocation (one transaction and one per entry, SQLite WAL synchronous=FULL),
signing credentials that carry a status entry (a sample, extrapolated), publishing a signed
131,072-entry list (sparse and worst case), and checking 10,000 credentials against a cached list.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mbo_vc import Ed25519Key, sign, verify
from mbo_vc.demo import example_diploma
from mbo_vc.status import (
    MIN_ENTRIES,
    Bitstring,
    DirectoryFetcher,
    SqliteStatusStore,
    StatusChecker,
    StatusRegistry,
)

BASE = "https://roc.example/status"
ROWS: list[tuple[str, str, str]] = []


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def row(what: str, seconds: float, count: int, note: str = "") -> None:
    rate = f"{count / seconds:,.0f}/s" if seconds > 0 else "-"
    ROWS.append((what, f"{seconds * 1000:,.1f} ms", f"{rate}  {note}".rstrip()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--entries", type=int, default=10_000)
    ap.add_argument("--sign-sample", type=int, default=300)
    args = ap.parse_args()
    n = args.entries
    key = Ed25519Key.from_seed(bytes(range(32)))
    now = datetime.now(UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        reg = StatusRegistry(folder / "registry.db")
        reg.create_list(f"{BASE}/bulk", list_id="bulk")
        reg.create_list(f"{BASE}/one", list_id="one")

        t, bulk = timed(lambda: reg.allocate_many("bulk", n))
        row(f"allocate {n:,} (one transaction)", t, n)
        t_single, singles = timed(lambda: [reg.allocate("one") for _ in range(n)])
        row(f"allocate {n:,} (one commit + fsync each)", t_single, n)
        assert len({e.index for e in singles}) == n

        sample = singles[: args.sign_sample]
        template = example_diploma(key.did)
        t, signed = timed(
            lambda: [sign({**template, "credentialStatus": e.to_json()}, key) for e in sample]
        )
        row(f"sign {len(sample)} credentials with status (sample)", t, len(sample))
        per = t / len(sample)
        row(f"  -> sign {n:,} (extrapolated)", per * n, n)
        row(f"  -> allocate+sign {n:,} (commit each + sign)", t_single + per * n, n)

        revoked = random.sample(bulk, 100)
        for e in revoked:
            reg.revoke("bulk", e.index, reason="bench")
        out = folder / "lists"
        t, path = timed(lambda: reg.publish("bulk", key, out, now=now))
        size = len(path.read_bytes())
        row(f"publish {MIN_ENTRIES:,}-entry list (100 revoked)", t, 1, f"file {size:,} B")

        # Worst case for GZIP: half of all bits set at random (incompressible).
        store = SqliteStatusStore(folder / "worst.db")
        worst = StatusRegistry(store)
        worst.create_list(f"{BASE}/worst", list_id="worst")
        half = worst.allocate_many("worst", MIN_ENTRIES // 2)
        conn = store._conn  # bench shortcut: mark them revoked in one statement
        conn.execute("UPDATE entries SET status=1 WHERE list_id='worst'")
        t, wpath = timed(lambda: worst.publish("worst", key, out, now=now))
        wsize = len(wpath.read_bytes())
        row(f"publish {MIN_ENTRIES:,}-entry list (50% set)", t, 1, f"file {wsize:,} B")
        assert len(half) == MIN_ENTRIES // 2
        worst.close()

        raw = Bitstring(MIN_ENTRIES)
        t, encoded = timed(raw.encode)
        t2, _ = timed(lambda: Bitstring.decode(encoded))
        row("encode / decode an empty list", t + t2, 1, f"{len(encoded)} chars")

        reg.publish("one", key, out, now=now)  # the signed sample's list
        checker = StatusChecker(DirectoryFetcher(out))
        docs = [{"issuer": key.did, "credentialStatus": e.to_json()} for e in bulk]
        checker.check(docs[0], now=now)  # warm: fetch + verify the list once
        t, results = timed(lambda: [checker.check(d, now=now) for d in docs])
        hits = sum(1 for r in results if r[0].problem is not None)
        assert hits == 100 and checker.fetches == 1
        row(f"check {n:,} entries (cached list)", t, n, f"{hits} revoked")

        t, verdicts = timed(lambda: [verify(d, status=checker) for d in signed[:100]])
        assert all(v.verified for v in verdicts)
        row("verify 100 signed credentials + status", t, 100, "(proof dominates)")
        checker.clear_cache()
        t, _ = timed(lambda: checker.status_list(f"{BASE}/bulk", now=now))
        row("fetch + verify + decode the list (cold)", t, 1)
        reg.close()

    width = max(len(r[0]) for r in ROWS)
    print(f"{'operation':<{width}}  {'time':>12}  rate / note")
    print("-" * (width + 40))
    for what, t_str, note in ROWS:
        print(f"{what:<{width}}  {t_str:>12}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
