"""``mbo-vc present`` and ``mbo-vc jwt``: the wallet side of the command line.

``mbo-vc present --key HOLDER --challenge C --domain D CRED... [-o OUT] [--format vp+jwt]``
wraps credentials (JSON files with a Data Integrity proof, or text files holding a ``vc+jwt``)
into a presentation signed by the holder.
``mbo-vc jwt sign --key KEY INPUT [-o OUT]`` secures an unsigned credential (or presentation) as
a ``vc+jwt`` (``vp+jwt``); ``mbo-vc jwt verify INPUT`` verifies one.
``mbo-vc verify`` hands presentations and JWTs to :func:`verify_wallet_input`, so the same
command verifies a credential or a presentation (``--challenge C [--domain D]``).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from mbo_vc.cli import loader_from_args, read_input, write_output
from mbo_vc.did import DidResolver
from mbo_vc.document import parse_json
from mbo_vc.errors import MboVcError, UsageError
from mbo_vc.jose import decode_jwt, is_compact_jws, secure_jwt, verify_jwt
from mbo_vc.jsonld import DocumentLoader
from mbo_vc.keys import Ed25519Key
from mbo_vc.presentation import PresentationResult, is_presentation, present, verify_presentation
from mbo_vc.result import VerificationResult

__all__ = ["add_parser", "verify_wallet_input"]

EXIT_OK, EXIT_NOT_VERIFIED, EXIT_USAGE = 0, 1, 2


def _text(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise UsageError(f"{what} is not UTF-8 text") from None


def _credential(path: str) -> dict[str, Any] | str:
    text = _text(read_input(path), path)
    if is_compact_jws(text):
        return text
    try:
        return parse_json(text)
    except MboVcError as exc:
        raise UsageError(f"{path}: neither a JSON credential nor a vc+jwt ({exc.code})") from None


def _resolver(args: argparse.Namespace) -> DidResolver | None:
    if hasattr(args, "pinned_dir") and hasattr(args, "web"):
        from mbo_vc.did.cli import resolver_from_args

        return resolver_from_args(args)
    return None


def _cmd_present(args: argparse.Namespace) -> int:
    key = Ed25519Key.load(args.key)
    credentials = [_credential(p) for p in args.credentials]
    vp = present(
        credentials, key, challenge=args.challenge, domain=args.domain, expires=args.expires,
        format=args.format, loader=loader_from_args(getattr(args, "context", None)),
    )  # fmt: skip
    if isinstance(vp, str):
        write_output(vp + "\n", args.output)
    else:
        write_output(json.dumps(vp, indent=2, ensure_ascii=False) + "\n", args.output)
    return EXIT_OK


def _cmd_jwt_sign(args: argparse.Namespace) -> int:
    key = Ed25519Key.load(args.key)
    doc = parse_json(read_input(args.input))
    token = secure_jwt(doc, key, challenge=args.challenge, domain=args.domain)
    write_output(token + "\n", args.output)
    return EXIT_OK


def _cmd_jwt_verify(args: argparse.Namespace) -> int:
    data = read_input(args.input)
    code = verify_wallet_input(args, data)
    if code is None:
        raise UsageError(f"{args.input} is not a compact JWS")
    return code


def _print(result: VerificationResult | PresentationResult, name: str, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(result.to_json(), indent=2) + "\n")
        return
    print(f"{'verified' if result.verified else 'NOT verified'}: {name}")
    if isinstance(result, PresentationResult):
        print(f"  presentation ({result.format}) by holder {result.holder}")
        for p in result.presentation_problems:
            where = f" [{p.where}]" if p.where else ""
            print(f"    {p.code}{where}: {p.message}")
        for c in result.credentials:
            state = "verified" if c.verified else "NOT verified"
            passed = ", ".join(k for k, ok in c.checks.items() if ok) or "-"
            print(f"  credential {c.index} ({c.format}) from {c.issuer}: {state}; passed: {passed}")
            for p in c.problems:
                where = f" [{p.where}]" if p.where else ""
                print(f"    {p.code}{where}: {p.message}")
        return
    for proof in result.proofs:
        print(f"  proof {proof.index}: {proof.cryptosuite or proof.type} by {proof.controller}")
    for p in result.problems:
        where = f" [{p.where}]" if p.where else ""
        print(f"  {p.code}{where}: {p.message}")


def verify_wallet_input(
    args: argparse.Namespace,
    data: bytes,
    *,
    loader: DocumentLoader | None = None,
    status: Any = None,
) -> int | None:
    """``mbo-vc verify`` for presentations and JWTs: the exit code, or None when ``data`` is a
    plain Data Integrity credential (left to the caller)."""
    jwt = is_compact_jws(data.decode("utf-8", "replace").strip())
    if not jwt and not is_presentation(data):
        return None
    resolver = _resolver(args)
    loader = loader or loader_from_args(getattr(args, "context", None))
    challenge = getattr(args, "challenge", None)
    domain = getattr(args, "domain", None)
    now = getattr(args, "now", None)
    if is_presentation(data):
        if not challenge:
            raise UsageError("a presentation is verified against the challenge you issued: "
                             "pass --challenge C (and --domain D)")  # fmt: skip
        options = {"status": status} if status is not None else {}
        result: VerificationResult | PresentationResult = verify_presentation(
            data, challenge=challenge, domain=domain, now=now, resolver=resolver,
            loader=loader, credential_options=options,
        )  # fmt: skip
    else:
        if challenge or domain:
            raise UsageError("--challenge/--domain apply to presentations only")
        decode_jwt(data.decode("utf-8").strip())
        result = verify_jwt(data, expected="credential", now=now, resolver=resolver,
                            status=status)  # fmt: skip
    _print(result, getattr(args, "input", "-"), bool(getattr(args, "json", False)))
    return EXIT_OK if result.verified else EXIT_NOT_VERIFIED


def add_parser(subparsers: Any) -> None:
    """Add ``present`` and ``jwt`` and give ``verify`` its ``--challenge``/``--domain``."""
    from mbo_vc.did.cli import add_resolver_arguments

    pr = subparsers.add_parser("present", help="wrap credentials into a presentation signed by "
                               "the holder (authentication, challenge, domain)")  # fmt: skip
    pr.add_argument("credentials", nargs="+", metavar="CRED",
                    help="credential files: JSON (Data Integrity) or vc+jwt text")  # fmt: skip
    pr.add_argument("--key", required=True, help="the holder's key file")
    pr.add_argument("--challenge", required=True, help="the challenge the verifier issued")
    pr.add_argument("--domain", help="the verifier's domain")
    pr.add_argument("--expires", help="the holder proof expires at (ISO 8601)")
    pr.add_argument("--format", default="data-integrity", choices=["data-integrity", "vp+jwt"])
    pr.add_argument("-o", "--output", help="where to write the presentation (default stdout)")
    pr.add_argument("--context", action="append", metavar="URL=FILE",
                    help="register an extra JSON-LD context for this run")  # fmt: skip
    pr.set_defaults(func=_cmd_present)

    jw = subparsers.add_parser("jwt", help="secure or verify a credential as vc+jwt (VC-JOSE)")
    jw_sub = jw.add_subparsers(dest="jwt_command", required=True, parser_class=type(jw))
    js = jw_sub.add_parser("sign", help="secure an unsigned credential as vc+jwt (EdDSA)")
    js.add_argument("input", help="unsigned credential or presentation (JSON file or -)")
    js.add_argument("--key", required=True, help="key file (its verification method is the kid)")
    js.add_argument("--challenge", help="nonce claim (presentations)")
    js.add_argument("--domain", help="aud claim (presentations)")
    js.add_argument("-o", "--output", help="where to write the JWT (default stdout)")
    js.set_defaults(func=_cmd_jwt_sign)
    jv = jw_sub.add_parser("verify", help="verify a vc+jwt, vp+jwt or VC 1.1 JWT")
    jv.add_argument("input", help="the JWT (file or -)")
    jv.add_argument("--json", action="store_true", help="print the full result as JSON")
    jv.add_argument("--now", help="the verifier's clock (ISO 8601 with timezone)")
    jv.add_argument("--challenge", help="expected nonce (presentations)")
    jv.add_argument("--domain", help="expected aud (presentations)")
    add_resolver_arguments(jv)
    jv.set_defaults(func=_cmd_jwt_verify)

    vf = subparsers.choices.get("verify")
    if vf is not None:
        vf.add_argument("--challenge", help="presentations: the challenge you issued")
        vf.add_argument("--domain", help="presentations: the domain you expect")
