"""Signing throughput: a key file against the same kind of key in SoftHSM2 over PKCS#11.

usage: python bench/bench_signer.py [--seconds 3] [--credentials 100]

For P-256 and Ed25519: raw signatures per second (``signer.sign`` of 64 bytes, as a proof signs
two hashes) and credential signs per second (``mbo_vc.sign`` of bench/obv3_credential.json:
canonicalisation, hashing and the signature), one process, one thread. The SoftHSM token is made
in a temporary directory (tests/softhsm.py: keys generated inside it, not extractable). Every
HSM signature is verified by ExternalSigner before it is returned, so that cost is included.
Prints a Markdown table and the machine. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from mbo_vc import sign  # noqa: E402
from mbo_vc.keys import EcKey, Ed25519Key, Signer  # noqa: E402
from mbo_vc.keys.pkcs11 import Pkcs11Signer  # noqa: E402
from tests.softhsm import make_token, softhsm_missing  # noqa: E402


def _rate(fn: Callable[[], Any], seconds: float) -> float:
    for _ in range(5):
        fn()
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        fn()
        n += 1
    return n / elapsed


def _credential(did: str) -> dict[str, Any]:
    doc = json.loads((HERE / "obv3_credential.json").read_text())
    doc["issuer"] = {**doc["issuer"], "id": did} if isinstance(doc["issuer"], dict) else did
    return doc


def _row(name: str, key: Signer, seconds: float) -> tuple[str, float, float]:
    data = os.urandom(64)
    doc = _credential(key.did)
    sigs = _rate(lambda: key.sign(data), seconds)
    creds = _rate(lambda: sign(doc, key, created="2026-01-01T00:00:00Z"), seconds)
    return name, sigs, creds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    args = parser.parse_args()
    missing = softhsm_missing()
    if missing is not None:
        print(f"cannot run: {missing}")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        token = make_token(Path(tmp), {"p256": "P-256", "ed25519": "Ed25519"})
        rows = [
            _row("P-256, key file (EcKey)", EcKey.generate("P-256"), args.seconds),
            _row("Ed25519, key file (Ed25519Key)", Ed25519Key.generate(), args.seconds),
        ]
        for label, name in (("p256", "P-256"), ("ed25519", "Ed25519")):
            with Pkcs11Signer.open(token.uri(label)) as hsm:
                rows.append(_row(f"{name}, SoftHSM2 over PKCS#11", hsm, args.seconds))
    print("| signer | signatures/s | credential signs/s |")
    print("| --- | ---: | ---: |")
    for name, sigs, creds in rows:
        print(f"| {name} | {sigs:,.0f} | {creds:,.0f} |")
    cpu = platform.processor() or platform.machine()
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        cpu,
    ) if Path("/proc/cpuinfo").exists() else cpu  # fmt: skip
    print(
        f"\nmachine: {model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; load {os.getloadavg()[0]:.2f}; "
        f"{args.seconds:g} s per cell"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
