"""mbo_vc next to the Digital Bazaar JS stack, interleaved in one run, both warm.

usage: python bench/bench_sign_verify.py [--n 200] [--warmup 30] [--batch 10] [--no-js]
                                         [--only OP[,OP…]]

Each operation runs ``--warmup`` times on each stack first (not timed); then the two stacks take
turns, ``--batch`` operations at a time, until each has run ``--n`` timed operations. The JS side
is a long-lived node process (bench/js_worker.mjs) that times each operation with
``performance.now()`` (the pipe is not timed) and holds the same pinned contexts in memory.
mbo_vc runs with every check on (structure, schema, status, policy). Prints a table of medians,
p90 and the ratio mbo_vc / JS, with the machine's load before and after. Not a test: nothing is
asserted; numbers vary with the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mbo_vc import EcKey, Ed25519Key, sign, verify, verify_presentation
from mbo_vc.demo.mbo import example_waardepapieren
from mbo_vc.jsonld import canonicalize_rdfc, default_loader
from mbo_vc.mbo import issue, verify_waardepapier
from mbo_vc.presentation import present
from mbo_vc.status import StatusChecker
from mbo_vc.status.registry import StatusRegistry

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BG_SEED = "b1" * 32
EC_SEED = "e2" * 32
HOLDER_SEED = "c3" * 32
CHALLENGE, DOMAIN = "bench-challenge-1", "werkgever.example"
FLOOR_MESSAGE = "mbo_vc Ed25519 floor: 64 bytes of data to sign and verify, once per op.."


def _p90(xs: list[float]) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, int(0.9 * len(s)))]


class JsWorker:
    """The node side: one request per batch, JSON lines."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            ["node", str(HERE / "js_worker.mjs")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip

    def ask(self, msg: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(msg) + "\n")
        self.proc.stdin.flush()
        reply = json.loads(self.proc.stdout.readline())
        if not reply.get("ok"):
            raise RuntimeError(f"JS worker: {reply.get('error', '')[:800]}")
        return reply

    def close(self) -> None:
        try:
            assert self.proc.stdin
            self.proc.stdin.write('{"op": "quit"}\n')
            self.proc.stdin.flush()
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


def fixtures(tmp: Path) -> tuple[dict[str, Callable[[], Any]], dict[str, Any], dict[str, str]]:
    """The operations on the mbo_vc side, the fixtures the JS side gets, and a note per op."""
    credential = json.loads((HERE / "obv3_credential.json").read_text())
    meta = json.loads((HERE / "obv3_key.json").read_text())
    key = Ed25519Key.from_seed(bytes.fromhex(meta["seed_hex"]))
    signed_ob = sign(credential, key, created=meta["created"])

    bg, ec = (
        Ed25519Key.from_seed(bytes.fromhex(BG_SEED)),
        Ed25519Key.from_seed(bytes.fromhex(EC_SEED)),
    )
    paper = example_waardepapieren(bg.did)["mbo-diploma"]
    unsigned_diploma = paper.to_json()
    created = "2026-07-01T09:00:00Z"
    diploma = issue(paper, bg, examencommissie=ec, created=created)

    # a presentation of two credentials, each with a revocation entry on one status list
    lists_dir = tmp / "lists"
    holder = Ed25519Key.from_seed(bytes.fromhex(HOLDER_SEED))
    with StatusRegistry(tmp / "registry.db") as reg:
        reg.create_list("https://roc.example/status/rev-1", purpose="revocation", list_id="rev-1")
        members = []
        for n in (1, 2):
            doc = dict(credential, id=f"urn:uuid:00000000-0000-4000-8000-00000000000{n}")
            doc["credentialSubject"] = dict(credential["credentialSubject"], id=holder.did)
            members.append(sign(reg.attach(doc, ["rev-1"]), key, created=meta["created"]))
        reg.publish_all(key, lists_dir)
    lists = {
        json.loads(p.read_text())["id"]: json.loads(p.read_text())
        for p in sorted(lists_dir.glob("*.json"))
    }
    vp = present(members, holder, challenge=CHALLENGE, domain=DOMAIN, created=meta["created"])
    checker = StatusChecker(lambda url: lists[url])
    data = FLOOR_MESSAGE.encode()
    signature = key.sign(data)
    p256 = EcKey.generate("P-256")
    es_credential = dict(credential, issuer={**credential["issuer"], "id": p256.did})
    signed_es = sign(es_credential, p256, created=meta["created"], cryptosuite="ecdsa-rdfc-2019")
    p256_signature = p256.sign(data)
    loader = default_loader()

    def _verified(result: Any) -> Any:
        if not result.verified:
            raise RuntimeError(f"mbo_vc did not verify: {[p.message for p in result.problems]}")
        return result

    py: dict[str, Callable[[], Any]] = {
        "obv3.sign": lambda: sign(credential, key, created=meta["created"]),
        "obv3.verify": lambda: _verified(verify(signed_ob)),
        "diploma.sign": lambda: issue(paper, bg, examencommissie=ec, created=created),
        "diploma.verify": lambda: _verified(
            verify_waardepapier(diploma, examencommissie=ec.did, bevoegd_gezag=bg.did)
        ),
        "presentation.verify": lambda: _verified(
            verify_presentation(vp, challenge=CHALLENGE, domain=DOMAIN, status=checker)
        ),
        "es256.sign": lambda: sign(
            es_credential, p256, created=meta["created"], cryptosuite="ecdsa-rdfc-2019"
        ),
        "es256.verify": lambda: _verified(verify(signed_es)),
        "floor.ed25519-sign": lambda: key.sign(data),
        "floor.ed25519-verify": lambda: key.verify(signature, data) or sys.exit("floor"),
        "floor.p256-sign": lambda: p256.sign(data),
        "floor.p256-verify": lambda: p256.verify(p256_signature, data) or sys.exit("floor"),
        "floor.rdfc-1.0": lambda: canonicalize_rdfc(credential, loader=loader),
    }
    js = {
        "obv3": {
            "credential": credential,
            "seed_hex": meta["seed_hex"],
            "created": meta["created"],
            "signed": signed_ob,
            "proofValue": signed_ob["proof"]["proofValue"],
        },
        "diploma": {
            "unsigned": unsigned_diploma,
            "signed": diploma,
            "created": created,
            "bg_seed_hex": BG_SEED,
            "ec_seed_hex": EC_SEED,
        },
        "presentation": {"signed": vp, "challenge": CHALLENGE, "domain": DOMAIN},
        "es256": {
            "credential": es_credential,
            "signed": signed_es,
            "key": {
                "id": p256.verification_method,
                "controller": p256.did,
                "publicKeyMultibase": p256.public_key_multibase,
                "secretKeyMultibase": p256.secret_key_multibase(),
            },
        },
        "lists": lists,
        "floor_message": FLOOR_MESSAGE,
    }
    notes = {
        "obv3.sign": f"OBv3 credential, {len(json.dumps(credential))} B, eddsa-rdfc-2022",
        "obv3.verify": "mbo_vc: every check; JS: vc.verifyCredential",
        "diploma.sign": "2 proofs (mbo_vc: chained; JS: proof set, no previousProof in JS)",
        "diploma.verify": "2 proofs; mbo_vc also checks both signers and the chain",
        "presentation.verify": "holder proof + 2 credentials + status list (fetched, verified)",
        "es256.sign": "the OBv3 credential, ecdsa-rdfc-2019 with a P-256 key",
        "es256.verify": "ecdsa-rdfc-2019, P-256",
        "floor.ed25519-sign": "Ed25519 alone (pyca vs @digitalbazaar/ed25519-multikey)",
        "floor.ed25519-verify": "Ed25519 alone",
        "floor.p256-sign": "ECDSA P-256 alone (pyca vs @digitalbazaar/ecdsa-multikey)",
        "floor.p256-verify": "ECDSA P-256 alone",
        "floor.rdfc-1.0": "canonical N-Quads of the OBv3 credential alone (pyld vs jsonld.js)",
    }
    return py, js, notes


def _time(fn: Callable[[], Any], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=30)
    ap.add_argument("--batch", type=int, default=10)
    ap.add_argument("--no-js", action="store_true")
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        py, js_fx, notes = fixtures(Path(tmp))
    ops = [o for o in py if not args.only or o in args.only.split(",")]
    worker = None
    js_note = ""
    if not args.no_js:
        if shutil.which("node") and (ROOT / "interop/js/node_modules").is_dir():
            worker = JsWorker()
            node_version = worker.ask({"op": "init", "fixtures": js_fx})["node"]
            js_note = f"node {node_version}"
        else:
            js_note = "JS stack not installed (npm ci --prefix interop/js): JS columns left out"
    times: dict[str, dict[str, list[float]]] = {op: {"py": [], "js": []} for op in ops}
    try:
        for op in ops:
            _time(py[op], args.warmup)
            if worker:
                worker.ask({"op": op, "n": args.warmup})
            while len(times[op]["py"]) < args.n:
                times[op]["py"] += _time(py[op], args.batch)
                if worker:
                    times[op]["js"] += worker.ask({"op": op, "n": args.batch})["ms"]
    finally:
        if worker:
            worker.close()
    load_after = os.getloadavg()

    print(f"mbo_vc vs @digitalbazaar/vc, interleaved in batches of {args.batch}, n={args.n} per "
          f"stack and op after {args.warmup} warm-up runs each")  # fmt: skip
    print(
        f"Python {platform.python_version()} ({platform.machine()}, {os.cpu_count()} CPUs); "
        f"{js_note}; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after"
    )
    header = (f"{'operation':<22} {'mbo_vc ms':>10} {'p90':>7} {'JS ms':>8} {'p90':>7} "
              f"{'x JS':>6}  note")  # fmt: skip
    print(header)
    print("-" * len(header))
    for op in ops:
        p = times[op]["py"]
        j = times[op]["js"]
        pm = statistics.median(p)
        jm = statistics.median(j) if j else float("nan")
        ratio = f"{pm / jm:6.2f}" if j else "     -"
        js_cols = f"{jm:>8.2f} {_p90(j):>7.2f}" if j else f"{'-':>8} {'-':>7}"
        print(f"{op:<22} {pm:>10.3f} {_p90(p):>7.2f} {js_cols} {ratio}  {notes[op]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
