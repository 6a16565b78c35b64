"""Whole-process time of `mbo-vc verify FILE` next to node verifying the same file with the
Digital Bazaar stack (interop/js/verify.mjs), interleaved; and `mbo-vc --help`.

usage: python bench/bench_startup.py [--n 15]
Prints medians in ms. Not a test: nothing is asserted.

A pip install of mbo_vc's wheel writes the bytecode of every module (pip compiles on install);
an editable install run with PYTHONDONTWRITEBYTECODE=1 (as on the project's machines) has none,
and each start then compiles some hundred modules from source (~50-100 ms). So that the figure is
the one users get, the script first compiles mbo_vc's modules the way pip does (compileall)
and says so.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import mbo_vc
from mbo_vc import Ed25519Key, sign

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _run(cmd: list[str], stdin: Path | None = None) -> float:
    t0 = time.perf_counter()
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as handle:
        subprocess.run(cmd, stdin=handle, capture_output=True, cwd=ROOT, check=False)
    return (time.perf_counter() - t0) * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=15)
    args = ap.parse_args()
    package = Path(mbo_vc.__file__).parent
    compileall.compile_dir(str(package), quiet=1)  # as pip does when it installs the wheel
    print(f"bytecode of {package} compiled first (as a pip install of the wheel has it)")
    credential = json.loads((HERE / "obv3_credential.json").read_text())
    meta = json.loads((HERE / "obv3_key.json").read_text())
    key = Ed25519Key.from_seed(bytes.fromhex(meta["seed_hex"]))
    cli = str(Path(sys.executable).with_name("mbo-vc"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "credential.json"
        path.write_text(json.dumps(sign(credential, key, created=meta["created"])))
        runs: dict[str, list[float]] = {"mbo-vc --help": [], "mbo-vc verify FILE": []}
        node = shutil.which("node") and (ROOT / "interop/js/node_modules").is_dir()
        if node:
            runs["node verify.mjs < FILE"] = []
        for _ in range(2):  # warm the OS file cache
            _run([cli, "verify", str(path)])
        for _ in range(args.n):
            runs["mbo-vc --help"].append(_run([cli, "--help"]))
            runs["mbo-vc verify FILE"].append(_run([cli, "verify", str(path)]))
            if node:
                runs["node verify.mjs < FILE"].append(
                    _run(["node", str(ROOT / "interop/js/verify.mjs")], stdin=path)
                )
    print(f"whole-process medians, n={args.n}, interleaved; load average {os.getloadavg()[0]:.2f}")
    for name, xs in runs.items():
        print(f"{name:<26} {statistics.median(xs):8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
