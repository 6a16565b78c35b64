"""``mbo-vc render CRED --out FILE.(html|pdf|png)``: the waardepapier as a person expects to see
it, with the verification verdict (the credential is verified first) and a QR code."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from mbo_vc.cli._io import EXIT_NOT_VERIFIED, EXIT_OK, add_context_argument, add_network_arguments
from mbo_vc.cli.verify import verify_args
from mbo_vc.errors import UsageError
from mbo_vc.report import build_report

__all__ = ["add_parser"]


def _cmd_render(args: argparse.Namespace) -> int:
    from mbo_vc.render import render  # the optional extra: a clear error when it is missing

    if not args.out.lower().endswith((".html", ".htm", ".pdf", ".png")):
        raise UsageError(f"cannot render to {args.out}: use .html, .pdf or .png")
    outcome = verify_args(args)
    report = build_report(outcome)
    start = time.perf_counter()
    path = render(report, args.out)
    took = (time.perf_counter() - start) * 1000
    state = "verified" if report.verified else "NOT verified"
    sys.stderr.write(f"{path}: {state} ({path.suffix[1:]}, {took:.0f} ms)\n")
    return EXIT_OK if report.verified else EXIT_NOT_VERIFIED


def add_parser(subparsers: Any) -> None:
    """Add ``render``."""
    rd = subparsers.add_parser("render", help="render a waardepapier as HTML, PDF or PNG")
    rd.add_argument("input", help="the credential (JSON, JWT, or a baked PNG/SVG)")
    rd.add_argument("--out", required=True, help="FILE.html, FILE.pdf or FILE.png")
    rd.add_argument("--now", help="the verifier's clock (ISO 8601 with timezone)")
    rd.add_argument(
        "--no-mbo-rules",
        action="store_true",
        help="do not apply the mbo rules to a waardepapier (shown as a warning)",
    )
    add_context_argument(rd)
    add_network_arguments(rd, status=True)
    rd.set_defaults(func=_cmd_render, challenge=None, domain=None)
