"""Median sign / verify times for an OBv3 credential: mbo_vc next to the Digital Bazaar JS stack.

usage: python bench/bench_sign_verify.py [--n 50] [--warmup 5] [--no-js]
Prints a table. Not a test: numbers vary with the machine; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from mbo_vc import DocumentLoader, Ed25519Key, sign, verify

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _median_ms(fn, n: int, warmup: int) -> tuple[float, float]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--no-js", action="store_true")
    args = ap.parse_args()

    credential = json.loads((HERE / "obv3_credential.json").read_text())
    meta = json.loads((HERE / "obv3_key.json").read_text())
    key = Ed25519Key.from_seed(bytes.fromhex(meta["seed_hex"]))
    rows: list[tuple[str, str, float, float]] = []

    # cold: a new loader has no processed contexts cached
    t0 = time.perf_counter()
    cold_loader = DocumentLoader()
    signed = sign(credential, key, created=meta["created"], loader=cold_loader)
    cold_ms = (time.perf_counter() - t0) * 1000
    assert verify(signed).verified

    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        s = sign(credential, key, created=meta["created"], cryptosuite=suite)
        med, best = _median_ms(lambda: sign(credential, key, created=meta["created"],
                                            cryptosuite=suite), args.n, args.warmup)  # noqa: B023
        rows.append(("mbo_vc (Python)", f"sign {suite}", med, best))
        med, best = _median_ms(lambda: verify(s), args.n, args.warmup)  # noqa: B023
        rows.append(("mbo_vc (Python)", f"verify {suite}", med, best))

    js_note = ""
    if not args.no_js:
        if shutil.which("node") and (ROOT / "interop/js/node_modules").is_dir():
            proc = subprocess.run(
                ["node", str(HERE / "js_bench.mjs"), "--n", str(args.n),
                 "--warmup", str(args.warmup)],
                capture_output=True, text=True, timeout=600,
            )  # fmt: skip
            if proc.returncode == 0:
                js = json.loads(proc.stdout.strip().splitlines()[-1])
                rows.append(("@digitalbazaar/vc (JS)", "sign eddsa-rdfc-2022",
                             js["sign_median_ms"], js.get("sign_min_ms", float("nan"))))
                rows.append(("@digitalbazaar/vc (JS)", "verify eddsa-rdfc-2022",
                             js["verify_median_ms"], js.get("verify_min_ms", float("nan"))))
            else:
                js_note = f"JS bench failed: {proc.stderr.strip()[:200]}"
        else:
            js_note = "JS stack not installed (npm ci --prefix interop/js): JS rows left out"

    print(f"OBv3 credential ({len(json.dumps(credential))} bytes JSON), n={args.n}, "
          f"warmup={args.warmup}, Python {platform.python_version()}, {platform.machine()}")
    print(f"first sign with a cold context cache: {cold_ms:.1f} ms")
    print(f"{'implementation':<26} {'operation':<26} {'median ms':>10} {'min ms':>8}")
    print("-" * 73)
    for impl, op, med, best in rows:
        print(f"{impl:<26} {op:<26} {med:>10.2f} {best:>8.2f}")
    if js_note:
        print(js_note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
