"""``mbo-vc verify FILE [FILE …]``: verify a credential, a presentation or a JWT, on the one
road; many credentials at once with ``--jobs N`` (mbo_vc.batch).

Credentials with ``credentialStatus`` need a status source (``--status-dir DIR``, or
``--online`` to fetch the lists over HTTPS) or an explicit ``--no-status``; otherwise they are
not verified (``status_unavailable``). One file gets the full report; many files get one line
each and the totals (exit 0 only when every one verified).
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mbo_vc.batch import verify_many
from mbo_vc.cli._io import (
    EXIT_NOT_VERIFIED,
    EXIT_OK,
    Progress,
    add_context_argument,
    add_jobs_argument,
    add_network_arguments,
    check_jobs,
    loader_from_args,
    parse_now,
    print_result,
    read_input,
    resolver_from_args,
    status_from_args,
)
from mbo_vc.errors import LimitExceededError, UsageError, redact
from mbo_vc.jws import is_compact_jws
from mbo_vc.result import PresentationResult, VerificationResult
from mbo_vc.verification import is_presentation, verify, verify_presentation

__all__ = ["add_parser", "run_verify"]


def run_verify(args: argparse.Namespace, *, jwt_only: bool = False) -> int:
    """Verify ``args.input`` (one file of any format, or many credentials) and print the
    result; the exit code."""
    inputs = args.input if isinstance(args.input, list) else [args.input]
    if len(inputs) > 1:
        return _verify_files(args, inputs)
    name = inputs[0]
    try:
        data = read_input(name)
    except LimitExceededError as exc:  # too large to read: not verified, memory stays bounded
        result = VerificationResult()
        result.add(exc.code, exc.message)
        print_result(result, name, args.json)
        return EXIT_NOT_VERIFIED
    if jwt_only and not is_compact_jws(data.decode("utf-8", "replace").strip()):
        raise UsageError(f"{name} is not a compact JWS")
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
        raise UsageError(f"{name}: {outcome.problems[0].message}")
    print_result(outcome, name, args.json)
    return EXIT_OK if outcome.verified else EXIT_NOT_VERIFIED


_WORKER_SETTINGS = ("context", "pinned_dir", "online", "ca_bundle", "timeout", "allow_private",
                    "status_dir", "no_status")  # fmt: skip
"""The options each worker of ``verify FILE FILE …`` builds its loader, resolver and status
checker from (those objects hold caches and connections, so they are made where they are used)."""


def worker_options(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The loader, resolver and status checker of the command line's options (run once in
    each worker of a batch)."""
    args = argparse.Namespace(**settings)
    loader = loader_from_args(args)
    resolver = resolver_from_args(args)
    status = status_from_args(args, loader, resolver)
    return {"loader": loader, "resolver": resolver, "status": status}


def _summary(result: VerificationResult) -> str:
    if result.verified:
        return ""
    codes = ", ".join(dict.fromkeys(result.codes)) or "no proof verified"
    first = f" ({result.problems[0].message[:160]})" if result.problems else ""
    return f": {codes}{first}"


def _verify_files(args: argparse.Namespace, names: list[str]) -> int:
    """Many credentials: one line per file (or one JSON line with ``--json``) and the totals;
    a progress bar on stderr when it is a terminal."""
    if "-" in names:
        raise UsageError("stdin (-) can only be verified on its own")
    if args.challenge or args.domain:
        raise UsageError("--challenge/--domain apply to one presentation at a time")
    jobs = check_jobs(args.jobs)
    settings = {name: getattr(args, name, None) for name in _WORKER_SETTINGS}
    worker_options(settings)  # bad options fail here, once, before any worker starts
    results = verify_many(
        (Path(name) for name in names), jobs=jobs, now=parse_now(args.now),
        check_status=not args.no_status, setup=functools.partial(worker_options, settings),
    )  # fmt: skip
    progress = Progress(len(names), sys.stderr)
    verified = 0
    for name, result in zip(names, results, strict=True):
        verified += result.verified
        if args.json:
            line = json.dumps({"file": name, **result.to_json()}, ensure_ascii=False)
        else:
            state = "verified" if result.verified else "NOT verified"
            line = redact(f"{state}: {name}{_summary(result)}")
        progress.clear()  # the bar (stderr, a terminal) makes way for the line (stdout)
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
        progress.step()
    if not args.json:
        sys.stdout.write(
            f"{len(names)} file(s): {verified} verified, {len(names) - verified} NOT verified\n"
        )
    return EXIT_OK if verified == len(names) else EXIT_NOT_VERIFIED


def add_verify_arguments(parser: argparse.ArgumentParser, *, many: bool = False) -> None:
    """The options of ``verify`` (shared with ``jwt verify``, which takes one input)."""
    if many:
        parser.add_argument(
            "input",
            nargs="+",
            help="credential, presentation or JWT (file, or - for stdin); many credential "
            "files: one line each and the totals",
        )
        add_jobs_argument(parser, "verify many files")
    else:
        parser.add_argument("input", help="credential, presentation or JWT (file, or - for stdin)")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    parser.add_argument("--now", help="the verifier's clock (ISO 8601 with timezone)")
    parser.add_argument("--challenge", help="presentations: the challenge you issued")
    parser.add_argument("--domain", help="presentations: the domain you expect")
    add_context_argument(parser)
    add_network_arguments(parser, status=True)


def add_parser(subparsers: Any) -> None:
    """Add ``verify``."""
    vf = subparsers.add_parser("verify", help="verify a credential, presentation or JWT")
    add_verify_arguments(vf, many=True)
    vf.set_defaults(func=run_verify)
