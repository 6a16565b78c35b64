"""``mbo-vc verify FILE``: verify a credential, a presentation or a JWT, on the one road.

Credentials with ``credentialStatus`` need a status source (``--status-dir DIR``, or
``--online`` to fetch the lists over HTTPS) or an explicit ``--no-status``; otherwise they are
not verified (``status_unavailable``).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mbo_vc.cli._io import (
    EXIT_NOT_VERIFIED,
    EXIT_OK,
    add_context_argument,
    add_network_arguments,
    loader_from_args,
    parse_now,
    print_result,
    read_input,
    resolver_from_args,
    status_from_args,
)
from mbo_vc.errors import LimitExceededError, UsageError
from mbo_vc.jws import is_compact_jws
from mbo_vc.net import HttpsClient
from mbo_vc.result import PresentationResult, VerificationResult
from mbo_vc.sd_jwt_vc import SdJwtVcOptions
from mbo_vc.verification import is_presentation, verify, verify_presentation

__all__ = ["add_parser", "run_verify", "sd_jwt_options"]


def sd_jwt_options(args: argparse.Namespace) -> SdJwtVcOptions:
    """SD-JWT VC issuer-key options from the command line (trust anchors, --online)."""
    anchors = []
    for name in getattr(args, "trust_anchor", []) or []:
        try:
            anchors.append(Path(name).read_bytes())
        except OSError as exc:
            raise UsageError(f"cannot read {name}: {exc.strerror}") from None
    https = HttpsClient() if getattr(args, "online", False) else None
    return SdJwtVcOptions(trust_anchors=anchors, https=https)


def run_verify(args: argparse.Namespace, *, jwt_only: bool = False) -> int:
    """Verify ``args.input`` (any format) and print the result; the exit code."""
    try:
        data = read_input(args.input)
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
        aud, nonce = getattr(args, "aud", None), getattr(args, "nonce", None)
        if (aud is None) != (nonce is None):
            raise UsageError("--aud and --nonce go together (an SD-JWT VC's key binding)")
        outcome = verify(data, now=now, loader=loader, resolver=resolver, status=status,
                         check_status=check_status, aud=aud, nonce=nonce,
                         sd_jwt=sd_jwt_options(args))  # fmt: skip
    if outcome.not_a_document:
        raise UsageError(f"{args.input}: {outcome.problems[0].message}")
    print_result(outcome, args.input, args.json)
    return EXIT_OK if outcome.verified else EXIT_NOT_VERIFIED


def add_verify_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``verify`` (shared with ``jwt verify``)."""
    parser.add_argument("input", help="credential, presentation or JWT (file, or - for stdin)")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    parser.add_argument("--now", help="the verifier's clock (ISO 8601 with timezone)")
    parser.add_argument("--challenge", help="presentations: the challenge you issued")
    parser.add_argument("--domain", help="presentations: the domain you expect")
    parser.add_argument("--aud", help="SD-JWT VC: the audience (you) its KB-JWT must name")
    parser.add_argument("--nonce", help="SD-JWT VC: the nonce you issued for its KB-JWT")
    parser.add_argument(
        "--trust-anchor",
        action="append",
        default=[],
        help="SD-JWT VC: a PEM root certificate for x5c issuer chains",
    )
    add_context_argument(parser)
    add_network_arguments(parser, status=True)


def add_parser(subparsers: Any) -> None:
    """Add ``verify``."""
    vf = subparsers.add_parser("verify", help="verify a credential, presentation or JWT")
    add_verify_arguments(vf)
    vf.set_defaults(func=run_verify)
