"""Long fuzz run over the public entry points (not part of the default test run).

usage: python tests/fuzz/run_fuzz.py [--scale 1.0]
Runs hypothesis with many examples per target (about 155,000 inputs at scale 1.0) and prints a
table: target, inputs run, result. Exit 1 if any target found an uncaught exception or a false
accept (the falsifying example is printed).
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from tests import fuzz_targets as t

TARGETS: list[tuple[str, int, Callable[..., None], tuple[Any, ...]]] = [
    ("verify(arbitrary JSON)", 30_000, t.target_verify_any_json, (t.json_values,)),
    ("verify(arbitrary bytes)", 20_000, t.target_verify_bytes, (st.binary(max_size=400),)),
    ("verify(mutated signed credential)", 12_000, t.target_mutated_credential, (
        st.sampled_from(sorted(t.SIGNED)), st.integers(0, 10_000),
        st.sampled_from(["replace", "delete", "add", "append", "wrap"]), t.json_values)),
    ("DidResolver.resolve(arbitrary string)", 15_000, t.target_did_resolution, (
        st.text(max_size=80) | st.from_regex(r"did:(key|web|jwk|x):[A-Za-z0-9.%:_-]{0,60}"),)),
    ("multibase / Multikey decode", 15_000, t.target_multibase, (
        st.text(max_size=80) | st.from_regex(r"[zu][1-9A-HJ-NP-Za-km-z_-]{0,60}"),)),
    ("P-256/P-384 public key (arbitrary bytes)", 15_000, t.target_ec_point, (
        st.sampled_from(["P-256", "P-384"]), st.booleans(), st.binary(max_size=100))),
    ("EC JWK (arbitrary JSON)", 10_000, t.target_ec_jwk, (t.json_values,)),
    ("ECDSA signature (arbitrary bytes)", 10_000, t.target_ecdsa_signature, (
        st.binary(min_size=60, max_size=72) | st.binary(max_size=100),)),
    ("verify(context-appended expired/revoked)", 5_000, t.fuzz_context_append, (
        t.context_append_plans,)),
    ("verify_presentation(arbitrary JSON)", 10_000, t.target_presentation, (t.json_values,)),
    ("verify_presentation(mutated VP)", 5_000, t.target_mutated_presentation, (
        st.integers(0, 10_000), t.json_values)),
    ("status list decode(arbitrary text)", 8_000, t.target_status_decode, (
        st.text(max_size=120) | st.from_regex(r"u?H4sI[A-Za-z0-9_-]{0,80}=?"),)),
    ("status list decode(arbitrary gzip)", 8_000, t.target_status_gzip, (st.binary(max_size=300),)),
    ("JWT parse + verify(arbitrary text)", 10_000, t.target_jwt, (
        st.text(max_size=200)
        | st.from_regex(r"[A-Za-z0-9_-]{0,60}\.[A-Za-z0-9_-]{0,80}\.[A-Za-z0-9_-]{0,40}"),)),
    ("parse_json(arbitrary bytes)", 10_000, t.target_parse_json, (st.binary(max_size=300),)),
    ("SD-JWT parse + verify(arbitrary text)", 10_000, t.target_sd_jwt_text, (
        st.text(max_size=200)
        | st.from_regex(r"[A-Za-z0-9_-]{0,40}\.[A-Za-z0-9_-]{0,60}\.[A-Za-z0-9_-]{0,20}"
                        r"(~[A-Za-z0-9_.-]{0,30}){1,4}"),)),
    ("SD-JWT disclosures reordered/repeated/foreign", 3_000, t.target_sd_jwt_disclosures, (
        st.lists(st.integers(0, 20), max_size=8), t.json_values, st.sampled_from(["", "a.b.c"]))),
    ("parse_json(JSON text)", 10_000, t.target_json_text, (t.json_values,)),
    ("Status List Token(arbitrary text)", 8_000, t.target_token_status_list, (
        st.text(max_size=200)
        | st.from_regex(r"eyJ[A-Za-z0-9_-]{0,60}\.[A-Za-z0-9_-]{0,80}\.[A-Za-z0-9_-]{0,40}"),)),
    ("Token Status List lst(arbitrary bytes)", 8_000, t.target_token_lst, (
        st.binary(max_size=300), st.sampled_from([1, 2, 4, 8]))),
    ("status.status_list reference(arbitrary JSON)", 5_000, t.target_status_reference, (
        t.json_values,)),
    ("DCQL query(arbitrary JSON)", 5_000, t.target_dcql, (t.json_values,)),
    ("OID4VCI credential request(arbitrary JSON)", 5_000, t.target_credential_request, (
        t.json_values,)),
    ("OID4VP response(arbitrary JSON)", 5_000, t.target_vp_response, (t.json_values,)),
    ("unbake PNG(arbitrary chunks)", 6_000, t.target_unbake_png, (
        st.lists(st.tuples(st.sampled_from([b"IHDR", b"iTXt", b"zTXt", b"tEXt", b"IEND"]),
                           st.binary(max_size=120)), max_size=6),
        st.binary(max_size=20), st.booleans())),
    ("unbake SVG(arbitrary text)", 6_000, t.target_unbake_svg, (st.text(max_size=300),)),
]  # fmt: skip


def _counting(fn: Callable[..., None], count: dict[str, int]) -> Callable[[Any], None]:
    def counted(args: tuple[Any, ...]) -> None:
        count["n"] += 1
        fn(*args)

    return counted


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scale", type=float, default=1.0)
    args = ap.parse_args()
    rows, failed, total = [], False, 0
    for name, n, fn, strategies in TARGETS:
        count = {"n": 0}

        counted = _counting(fn, count)

        runner = settings(
            max_examples=max(1, int(n * args.scale)), deadline=None, database=None,
            phases=[Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )(given(st.tuples(*strategies))(counted))  # fmt: skip
        t0 = time.perf_counter()
        try:
            runner()
            outcome = "ok"
        except InvalidArgument:
            raise  # a harness error, not a finding
        except Exception:
            failed = True
            outcome = "FOUND A DEFECT"
            traceback.print_exc()
        total += count["n"]
        rows.append((name, count["n"], time.perf_counter() - t0, outcome))
    print(f"{'target':<40} {'inputs':>8} {'seconds':>8}  result")
    for name, count_n, secs, outcome in rows:
        print(f"{name:<40} {count_n:>8} {secs:>8.1f}  {outcome}")
    print(f"{'total':<40} {total:>8}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
