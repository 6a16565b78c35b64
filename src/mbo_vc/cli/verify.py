"""``mbo-vc verify FILE``: verify a credential, a presentation or a JWT, on the one road.

Credentials with ``credentialStatus`` need a status source (``--status-dir DIR``, or
``--online`` to fetch the lists over HTTPS) or an explicit ``--no-status``; otherwise they are
not verified (``status_unavailable``). A waardepapier also gets the mbo rules (both signers for
diplomas and certificaten, crebo/niveau shapes, the mbo/OBv3 schema), as on every entry point
(``mbo_vc.verify`` is what this calls), unless ``--no-mbo-rules`` (a warning on each);
``--trust-list LIST --trust-anchor DID`` requires the issuer to be on the anchor's trust list.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mbo_vc.cli._io import (
    EXIT_NOT_VERIFIED,
    EXIT_OK,
    EXIT_USAGE,
    Progress,
    add_context_argument,
    add_jobs_argument,
    add_network_arguments,
    check_jobs,
    loader_from_args,
    parse_now,
    print_result,
    resolver_from_args,
    status_from_args,
    write_output,
)
from mbo_vc.cli.bake import read_credential_or_image
from mbo_vc.cli.federation import add_federation_arguments, federation_from_args
from mbo_vc.display import shown, shown_lines
from mbo_vc.errors import LimitExceededError, UsageError, redact, redact_json
from mbo_vc.jws import is_compact_jws
from mbo_vc.result import PresentationResult, VerificationResult
from mbo_vc.verification import RequiredSigner, VerifierPolicy, is_presentation
from mbo_vc.verifier import verify, verify_presentation

if TYPE_CHECKING:
    from mbo_vc.sd_jwt_vc import SdJwtVcOptions

__all__ = ["add_parser", "run_verify", "sd_jwt_options", "verify_args"]


def verify_args(args: argparse.Namespace) -> VerificationResult:
    """Verify the credential ``args.input`` (JSON, JWT or a baked PNG/SVG) with the command
    line's options (clock, contexts, status, network); a presentation is a usage error."""
    data = read_credential_or_image(args.input)
    if is_presentation(data):
        raise UsageError(f"{args.input} is a presentation: verify it with mbo-vc verify")
    status = status_from_args(args, loader_from_args(args), resolver_from_args(args))
    outcome = verify(data, now=parse_now(args.now), loader=loader_from_args(args),
                     resolver=resolver_from_args(args), status=status,
                     check_status=not getattr(args, "no_status", False),
                     mbo_rules=_with_mbo_rules(args))  # fmt: skip
    if outcome.not_a_document:
        raise UsageError(f"{args.input}: {outcome.problems[0].message}")
    return outcome


def _print_report(outcome: VerificationResult, args: argparse.Namespace) -> None:
    """The verification report (mbo_vc.report): printed, as JSON, or as an HTML page."""
    from mbo_vc.report import build_report  # (reads the mbo models: imported when reporting)

    report = build_report(outcome, signers=_signers(args))
    fmt = "json" if args.json else args.format
    if fmt == "json":
        out = outcome.to_json()
        out["report"] = report.to_json()
        text = json.dumps(redact_json(out), indent=2, ensure_ascii=False)
        write_output(shown_lines(text) + "\n", args.out)  # (C1, bidi: \\u escapes, same JSON)
    elif fmt == "html":
        from mbo_vc.render import render_html  # the optional extra

        write_output(render_html(report, mode="report", lang=args.lang), args.out)
    else:  # the report, in one language; its technical part ends it
        lines = [report.to_text(args.lang), *_disclosed(outcome, args.lang)]
        sys.stdout.write(redact("\n".join(lines)) + "\n")


def _disclosed(outcome: VerificationResult, lang: str) -> list[str]:
    """An SD-JWT VC's disclosed claims as verified (the end of the technical part)."""
    if outcome.format != "dc+sd-jwt" or outcome.document is None or not outcome.verified:
        return []
    claims = {k: v for k, v in outcome.document.items() if k not in ("cnf", "_sd_alg")}
    nl = lang != "en"
    lines = [f"  {'selectief getoond' if nl else 'selectively disclosed'}: "
             f"{', '.join(outcome.disclosed) or ('(niets)' if nl else '(none)')}",
             f"  {'claims zoals geverifieerd' if nl else 'claims as verified'}:"]  # fmt: skip
    text = json.dumps(claims, indent=2, ensure_ascii=False)
    lines += [f"    {line}" for line in text.splitlines()]
    return [shown(line) for line in lines]


def sd_jwt_options(args: argparse.Namespace) -> SdJwtVcOptions | None:
    """SD-JWT VC options from the command line: x5c trust anchors, pinned jwt-vc-issuer and type
    metadata (``--issuer-metadata``, ``--type-metadata``: files or folders, offline), --online;
    None for the defaults (the SD-JWT modules are then imported only when an SD-JWT is
    verified). The published type metadata of the waardepapieren are pinned by
    :func:`mbo_vc.verify` itself (:func:`mbo_vc.verifier.with_shipped_type_metadata`; a document
    given here for a ``vct`` wins)."""
    anchors = []
    for name in getattr(args, "x5c_anchor", []) or []:
        try:
            anchors.append(Path(name).read_bytes())
        except OSError as exc:
            raise UsageError(f"cannot read {name}: {exc.strerror}") from None
    online = bool(getattr(args, "online", False))
    issuer_files = getattr(args, "issuer_metadata", None) or []
    type_files = getattr(args, "type_metadata", None) or []
    if not anchors and not online and not issuer_files and not type_files:
        return None
    from mbo_vc.sd_jwt_vc import SdJwtVcOptions, read_metadata

    https = None
    if online:
        from mbo_vc.net import HttpsClient  # (the network stack only with --online)

        https = HttpsClient()
    issuers = read_metadata(issuer_files).issuer_metadata
    if issuer_files and not issuers:
        raise UsageError(f"no jwt-vc-issuer metadata in {', '.join(issuer_files)[:200]}")
    types = read_metadata(type_files).type_metadata
    if type_files and not types:
        raise UsageError(f"no type metadata in {', '.join(type_files)[:200]}")
    return SdJwtVcOptions(trust_anchors=anchors, https=https, issuer_metadata=issuers,
                          type_metadata=types)  # fmt: skip


def run_verify(args: argparse.Namespace, *, jwt_only: bool = False) -> int:
    """Verify ``args.input`` (any format, a baked PNG/SVG too) and print the result; the exit
    code."""
    inputs = args.input if isinstance(args.input, list) else [args.input]
    if len(inputs) > 1:
        return _verify_files(args, inputs)
    args.input = inputs[0]
    if getattr(args, "format", "text") == "html" and not getattr(args, "out", None):
        raise UsageError("--format html writes a page: pass --out REPORT.html")
    try:
        data = read_credential_or_image(args.input)
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
    policy = policy_from_args(args)
    outcome: VerificationResult | PresentationResult
    if is_presentation(data):
        if not challenge:
            raise UsageError("a presentation is verified against the challenge you issued: "
                             "pass --challenge C (and --domain D)")  # fmt: skip
        outcome = verify_presentation(
            data, challenge=challenge, domain=domain, now=now, resolver=resolver, loader=loader,
            status=status, check_status=check_status, policy=policy,
            mbo_rules=_with_mbo_rules(args),
        )  # fmt: skip
    else:
        if challenge or domain:
            raise UsageError("--challenge/--domain apply to presentations only")
        aud, nonce = getattr(args, "aud", None), getattr(args, "nonce", None)
        if (aud is None) != (nonce is None):
            raise UsageError("--aud and --nonce go together (an SD-JWT VC's key binding)")
        outcome = verify(data, now=now, loader=loader, resolver=resolver, status=status,
                         check_status=check_status, policy=policy, aud=aud, nonce=nonce,
                         sd_jwt=sd_jwt_options(args),
                         mbo_rules=_with_mbo_rules(args))  # fmt: skip
    if outcome.not_a_document:
        raise UsageError(f"{args.input}: {outcome.problems[0].message}")
    if isinstance(outcome, VerificationResult) and not jwt_only:
        _print_report(outcome, args)
    else:
        print_result(outcome, args.input, args.json)
    return EXIT_OK if outcome.verified else EXIT_NOT_VERIFIED


def _signers(args: argparse.Namespace) -> list[RequiredSigner]:
    out = []
    for spec in getattr(args, "require_signer", None) or []:
        role, sep, did = spec.partition("=")
        if not sep or not role.strip() or not did.strip().startswith("did:"):
            raise UsageError(f"--require-signer takes ROLE=DID (e.g. examencommissie=did:key:…), "
                             f"not {spec[:80]!r}")  # fmt: skip
        out.append(RequiredSigner(role.strip(), did.strip()))
    return out


def policy_from_args(args: argparse.Namespace) -> VerifierPolicy | None:
    """The verifier policy of ``--trusted-issuer``, ``--require-signer`` and
    ``--trust-list``/``--trust-anchor`` (None when none is given)."""
    trusted = getattr(args, "trusted_issuer", None)
    signers = _signers(args)
    trust_file, anchor = getattr(args, "trust_list", None), getattr(args, "trust_anchor", None)
    if bool(trust_file) != bool(anchor):
        raise UsageError("--trust-list and --trust-anchor go together: the list is only "
                         "trusted when it verifies with the anchor you pin")  # fmt: skip
    trust = None
    if trust_file and anchor:
        from mbo_vc.mbo.trust_list import TrustList  # (the mbo layer only when asked for)

        trust = TrustList.load(trust_file, anchor)
    federation = federation_from_args(args)
    if not trusted and not signers and trust is None and federation is None:
        return None
    return VerifierPolicy(
        trusted_issuers=frozenset(trusted) if trusted else None,
        required_signers=tuple(signers),
        trust_list=trust,
        federation=federation,
    )


def _with_mbo_rules(args: argparse.Namespace) -> bool:
    """False with ``--no-mbo-rules`` (the opt-out, a warning on each waardepapier)."""
    return not getattr(args, "no_mbo_rules", False)


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
    a progress bar on stderr when it is a terminal. Exit 2 when a file is no document (or
    cannot be read), as for one file: the operator's mistake, never a verdict."""
    if "-" in names:
        raise UsageError("stdin (-) can only be verified on its own")
    if args.challenge or args.domain:
        raise UsageError("--challenge/--domain apply to one presentation at a time")
    if policy_from_args(args) is not None:
        raise UsageError("--trusted-issuer, --require-signer and --trust-list apply to one file "
                         "at a time")  # fmt: skip
    jobs = check_jobs(args.jobs)
    settings = {name: getattr(args, name, None) for name in _WORKER_SETTINGS}
    worker_options(settings)  # bad options fail here, once, before any worker starts
    from mbo_vc.batch import verify_many  # (process pools: only for many files)

    results = verify_many(
        (Path(name) for name in names), jobs=jobs, now=parse_now(args.now),
        check_status=not args.no_status, mbo_rules=_with_mbo_rules(args),
        setup=functools.partial(worker_options, settings),
    )  # fmt: skip
    progress = Progress(len(names), sys.stderr)
    verified = mistakes = 0
    for name, result in zip(names, results, strict=True):
        verified += result.verified
        mistakes += result.not_a_document
        if args.json:
            line = json.dumps({"file": name, **result.to_json()}, ensure_ascii=False)
        else:
            state = "verified" if result.verified else "NOT verified"
            line = shown(redact(f"{state}: {name}{_summary(result)}"))
        progress.clear()  # the bar (stderr, a terminal) makes way for the line (stdout)
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
        progress.step()
    if not args.json:
        sys.stdout.write(
            f"{len(names)} file(s): {verified} verified, {len(names) - verified} NOT verified\n"
        )
    if mistakes:  # a file that is no document (or cannot be read): the operator's mistake
        return EXIT_USAGE
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
    parser.add_argument(
        "--trust-list",
        metavar="LIST",
        help="trust list credential (mbo-vc trust-list build); needs --trust-anchor",
    )
    parser.add_argument(
        "--trust-anchor", metavar="DID", help="the DID that must have signed the trust list"
    )
    parser.add_argument(
        "--trusted-issuer",
        metavar="DID",
        action="append",
        help="accept only this issuer (repeatable)",
    )
    parser.add_argument(
        "--require-signer",
        metavar="ROLE=DID",
        action="append",
        help="require a valid proof by DID (repeatable), e.g. examencommissie=did:key:...",
    )
    parser.add_argument(
        "--no-mbo-rules",
        action="store_true",
        help="do not apply the mbo rules to waardepapieren (shown as a warning)",
    )
    parser.add_argument("--aud", help="SD-JWT VC: the audience (you) its KB-JWT must name")
    parser.add_argument("--nonce", help="SD-JWT VC: the nonce you issued for its KB-JWT")
    parser.add_argument(
        "--x5c-anchor",
        action="append",
        default=[],
        metavar="PEM",
        help="SD-JWT VC: a PEM root certificate for x5c issuer chains (repeatable)",
    )
    parser.add_argument(
        "--issuer-metadata",
        action="append",
        default=[],
        metavar="FILE",
        help="SD-JWT VC: pin an https issuer's /.well-known/jwt-vc-issuer document (a file, or "
        "the folder 'mbo-vc issuer metadata' wrote), offline (repeatable)",
    )
    parser.add_argument(
        "--type-metadata",
        action="append",
        default=[],
        metavar="FILE",
        help="SD-JWT VC: pin type metadata (a file or folder; by its vct) that vct#integrity "
        "and the schema are checked against; the waardepapieren's are pinned already "
        "(repeatable)",
    )
    add_federation_arguments(parser)
    add_context_argument(parser)
    add_network_arguments(parser, status=True)


def add_parser(subparsers: Any) -> None:
    """Add ``verify``."""
    vf = subparsers.add_parser("verify", help="verify a credential, presentation or JWT")
    add_verify_arguments(vf, many=True)
    vf.set_defaults(func=run_verify)
