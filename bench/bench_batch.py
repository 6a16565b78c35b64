"""Batch verification: a plain single-core loop against ``verify_many`` on worker processes.

usage: python bench/bench_batch.py [--n 10000] [--jobs 2] [--chunk-size 16]
                                   [--chunk-sizes 1,4,16,64] [--start-methods fork,forkserver,spawn]

Signs ``--n`` distinct credentials (with ``sign_many``, written one file each to a temporary
folder), then verifies them all twice, reading each file: once in a plain loop in this process
(``verify(path.read_bytes())``), once with ``verify_many(paths, jobs=N)``. Both runs do every
check (structure, schema, proofs, issuer, validity, policy). Prints throughput, the ratio, the
machine's load, and the peak RSS of this process and of the workers: ``getrusage`` (RUSAGE_SELF,
RUSAGE_CHILDREN) and, since forkserver workers are children of the fork server and not of this
process, each worker's own peak (VmHWM, read from /proc while the pool is alive). Memory is flat
when the workers' peak does not grow with ``--n``. Optional: throughput by chunk size and by
start method on a part of the input. Not a test: nothing is asserted; numbers vary with load.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

import mbo_vc.batch as batch
from mbo_vc import Ed25519Key, sign_many, verify, verify_many
from mbo_vc.demo.examples import example_diploma

SEED = bytes(range(7, 39))


def _kib(value: int) -> str:
    return f"{value / 1024:.0f} MiB"


def _proc_kib(pid: int, field: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _descendants(root: int) -> list[int]:
    """Every process below ``root`` (Linux /proc), the fork server's workers included."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            ppid = _proc_kib(int(entry.name), "PPid")
            if ppid is not None:
                parents[int(entry.name)] = ppid
    out, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        kids = [pid for pid, ppid in parents.items() if ppid == parent]
        out += kids
        frontier += kids
    return out


def _make(n: int, folder: Path, jobs: int) -> tuple[list[Path], float]:
    key = Ed25519Key.from_seed(SEED)
    docs = (example_diploma(key.did) for _ in range(n))
    paths: list[Path] = []
    start = time.perf_counter()
    for result in sign_many(docs, key, jobs=jobs):
        path = folder / f"cred{result.index:06d}.json"
        path.write_text(json.dumps(result.unwrap()))
        paths.append(path)
    return paths, time.perf_counter() - start


def _loop(paths: list[Path]) -> tuple[float, int, float]:
    start, cpu = time.perf_counter(), time.process_time()
    ok = sum(verify(p.read_bytes()).verified for p in paths)
    return time.perf_counter() - start, ok, time.process_time() - cpu


def _role(pid: int, pids: list[int]) -> str:
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "?"
    if "resource_tracker" in cmd:
        return "resource tracker"
    if any(_proc_kib(other, "PPid") == pid for other in pids):
        return "fork server"
    return "worker"


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process (/proc/PID/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _batch(paths: list[Path], jobs: int, chunk: int) -> tuple[float, int, list[str], float]:
    """verify_many over the paths; the workers' peak RSS and CPU time, sampled at the last
    result (the pool is still alive then); the CPU time includes this process's."""
    start, cpu = time.perf_counter(), time.process_time()
    ok, peaks, workers_cpu = 0, [], 0.0
    last = len(paths) - 1
    for i, result in enumerate(verify_many(paths, jobs=jobs, chunk_size=chunk)):
        ok += result.verified
        if i == last:
            pids = _descendants(os.getpid())
            for pid in pids:
                hwm = _proc_kib(pid, "VmHWM")
                role = _role(pid, pids)
                if hwm is not None:
                    peaks.append(f"{role} {_kib(hwm)}")
                if role == "worker":
                    workers_cpu += _cpu_seconds(pid)
    total_cpu = workers_cpu + time.process_time() - cpu
    return time.perf_counter() - start, ok, peaks, total_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=batch.DEFAULT_CHUNK_SIZE)
    parser.add_argument("--chunk-sizes", default="", help="e.g. 1,4,16,64 (on n/5 items)")
    parser.add_argument("--start-methods", default="", help="e.g. fork,forkserver,spawn")
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, "
          f"{os.cpu_count()} cores; load before {os.getloadavg()[0]:.2f}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        paths, sign_s = _make(args.n, Path(tmp), args.jobs)
        print(f"signed {args.n} credentials with sign_many(jobs={args.jobs}) in {sign_s:.1f} s "
              f"({args.n / sign_s:.0f}/s)")  # fmt: skip
        # warm both: the contexts are processed once per process
        _loop(paths[:20])
        loop_s, loop_ok, loop_cpu = _loop(paths)
        rss_before = _proc_kib(os.getpid(), "VmRSS") or 0
        batch_s, batch_ok, worker_peaks, batch_cpu = _batch(paths, args.jobs, args.chunk_size)
        rss_after = _proc_kib(os.getpid(), "VmRSS") or 0
        assert loop_ok == batch_ok == args.n, (loop_ok, batch_ok)
        single, multi = args.n / loop_s, args.n / batch_s
        print(f"verify, plain loop, 1 core : {loop_s:6.1f} s  {single:6.0f} credentials/s")
        print(f"verify_many, jobs={args.jobs}, chunk {args.chunk_size:<3}: {batch_s:6.1f} s  "
              f"{multi:6.0f} credentials/s  (pool start-up included)")  # fmt: skip
        print(f"ratio: {multi / single:.2f}x")
        print(f"CPU per credential: loop {1000 * loop_cpu / args.n:.2f} ms; verify_many "
              f"{1000 * batch_cpu / args.n:.2f} ms (workers, start-up included, + this process)"
              )  # fmt: skip
        self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        children_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(f"peak RSS: this process {_kib(self_peak)} (RSS {_kib(rss_before)} before "
              f"verify_many, {_kib(rss_after)} after); RUSAGE_CHILDREN {_kib(children_peak)}; "
              f"pool processes: {', '.join(worker_peaks) or 'n/a'}")  # fmt: skip
        part = paths[: max(args.n // 5, 100)]
        for size in [int(s) for s in args.chunk_sizes.split(",") if s]:
            seconds, _, _, _ = _batch(part, args.jobs, size)
            rate = len(part) / seconds
            print(f"  chunk {size:4d}: {rate:6.0f} credentials/s ({len(part)} items)")
        default_method = batch._start_method
        for method in [m for m in args.start_methods.split(",") if m]:
            batch._start_method = lambda m=method: m  # type: ignore[misc]
            seconds, _, _, _ = _batch(part, args.jobs, args.chunk_size)
            print(f"  start method {method:10s}: {len(part) / seconds:6.0f} credentials/s "
                  f"({len(part)} items, pool start-up included)")  # fmt: skip
        batch._start_method = default_method
    print(f"load after {os.getloadavg()[0]:.2f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
