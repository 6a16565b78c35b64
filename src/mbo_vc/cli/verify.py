"""``mbo-vc verify FILE``: verify a credential, a presentation or a JWT, on the one road.

Credentials with ``credentialStatus`` need a status source (``--status-dir DIR``, or
``--online`` to fetch the lists over HTTPS) or an explicit ``--no-status``; otherwise they are
not verified (``status_unavailable``).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from mbo_vc.cli._io import (
    EXIT_NOT_VERIFIED,
    EXIT_OK,
    add_context_argument,
    add_network_arguments,
    loader_from_args,
    parse_now,
    print_result,
    resolver_from_args,
    status_from_args,
    write_output,
)
from mbo_vc.cli.bake import read_credential_or_image
from mbo_vc.errors import LimitExceededError, UsageError, redact, redact_json
from mbo_vc.jws import is_compact_jws
from mbo_vc.report import build_report
from mbo_vc.result import PresentationResult, VerificationResult
from mbo_vc.verification import is_presentation, verify, verify_presentation

__all__ = ["add_parser", "run_verify", "verify_args"]


def verify_args(args: argparse.Namespace) -> VerificationResult:
    """Verify the credential ``args.input`` (JSON, JWT or a baked PNG/SVG) with the command
    line's options (clock, contexts, status, network); a presentation is a usage error."""
    data, _ = read_credential_or_image(args.input)
    if is_presentation(data):
        raise UsageError(f"{args.input} is a presentation: verify it with mbo-vc verify")
    status = status_from_args(args, loader_from_args(args), resolver_from_args(args))
    outcome = verify(data, now=parse_now(args.now), loader=loader_from_args(args),
                     resolver=resolver_from_args(args), status=status,
                     check_status=not getattr(args, "no_status", False))  # fmt: skip
    if outcome.not_a_document:
        raise UsageError(f"{args.input}: {outcome.problems[0].message}")
    return outcome


def _print_report(outcome: VerificationResult, args: argparse.Namespace) -> None:
    """The verification report (mbo_vc.report): printed, as JSON, or as an HTML page."""
    report = build_report(outcome)
    fmt = "json" if args.json else args.format
    if fmt == "json":
        out = outcome.to_json()
        out["report"] = report.to_json()
        write_output(json.dumps(redact_json(out), indent=2, ensure_ascii=False) + "\n", args.out)
    elif fmt == "html":
        from mbo_vc.render import render_html  # the optional extra

        write_output(render_html(report, mode="report"), args.out)
    else:
        print_result(outcome, args.input, False)
        sys.stdout.write("\n" + redact(report.to_text(args.lang)) + "\n")


def run_verify(args: argparse.Namespace, *, jwt_only: bool = False) -> int:
    """Verify ``args.input`` (any format, a baked PNG/SVG too) and print the result; the exit
    code."""
    if getattr(args, "format", "text") == "html" and not getattr(args, "out", None):
        raise UsageError("--format html writes a page: pass --out REPORT.html")
    try:
        data, _ = read_credential_or_image(args.input)
    except LimitExceededError as exc:  # too large to read: not verified, memory stays bounded
        result = VerificationResult()
        result.add(exc.code, exc.message)
        print_result(result, args.input, args.json)
        return EXIT_NOT_VERIFIED
    if jwt_only and not is_compact_jws(data.decode("utf-8", "replace").strip()):
        raise UsageError(f"{args.input} is not a compact JWS")
    now = parse_now(args.now)
    loader = loader_from_args(args)
    resolver = resolver_from_args(args)
    status = status_from_args(args, loader, resolver)
    check_status = not getattr(args, "no_status", False)
    challenge, domain = args.challenge, args.domain
    outcome: VerificationResult | PresentationResult
    if is_presentation(data):
        if not challenge:
            raise UsageError("a presentation is verified against the challenge you issued: "
                             "pass --challenge C (and --domain D)")  # fmt: skip
        outcome = verify_presentation(
            data, challenge=challenge, domain=domain, now=now, resolver=resolver, loader=loader,
            status=status, check_status=check_status,
        )  # fmt: skip
    else:
        if challenge or domain:
            raise UsageError("--challenge/--domain apply to presentations only")
        outcome = verify(data, now=now, loader=loader, resolver=resolver, status=status,
                         check_status=check_status)  # fmt: skip
    if outcome.not_a_document:
        raise UsageError(f"{args.input}: {outcome.problems[0].message}")
    if isinstance(outcome, VerificationResult) and not jwt_only:
        _print_report(outcome, args)
    else:
        print_result(outcome, args.input, args.json)
    return EXIT_OK if outcome.verified else EXIT_NOT_VERIFIED


def add_verify_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``verify`` (shared with ``jwt verify``)."""
    parser.add_argument("input", help="credential, presentation or JWT (file, or - for stdin)")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    parser.add_argument(
        "--format",
        choices=("text", "json", "html"),
        default="text",
        help="the report as text (default), JSON, or an HTML page (--out)",
    )
    parser.add_argument("--out", help="where to write the report (default: stdout)")
    parser.add_argument(
        "--lang", choices=("nl", "en"), default="nl", help="the language of the printed report"
    )
    parser.add_argument("--now", help="the verifier's clock (ISO 8601 with timezone)")
    parser.add_argument("--challenge", help="presentations: the challenge you issued")
    parser.add_argument("--domain", help="presentations: the domain you expect")
    add_context_argument(parser)
    add_network_arguments(parser, status=True)


def add_parser(subparsers: Any) -> None:
    """Add ``verify``."""
    vf = subparsers.add_parser("verify", help="verify a credential, presentation or JWT")
    add_verify_arguments(vf)
    vf.set_defaults(func=run_verify)
