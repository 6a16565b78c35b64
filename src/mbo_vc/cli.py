"""The ``mbo-vc`` command line: keys, signing, verification and the demo.

Exit codes: 0 verified / done, 1 not verified, 2 bad usage or unreadable input (one line on
stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from mbo_vc.document import parse_json, read_bounded
from mbo_vc.errors import LimitExceededError, MboVcError, UsageError
from mbo_vc.jsonld import DocumentLoader, default_loader
from mbo_vc.keys import Ed25519Key
from mbo_vc.result import VerificationResult
from mbo_vc.signing import SIGNING_SUITES, sign
from mbo_vc.verify import verify

__all__ = ["loader_from_args", "main", "read_input", "write_json", "write_output"]

EXIT_OK, EXIT_NOT_VERIFIED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"mbo-vc: error: {message} (see 'mbo-vc --help')\n")
        raise SystemExit(EXIT_USAGE)


def read_input(path: str) -> bytes:
    """Read a file (or stdin for ``-``) without ever holding more than the size limit."""
    try:
        if path == "-":
            return read_bounded(sys.stdin.buffer)
        with open(path, "rb") as fh:
            return read_bounded(fh)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None


def write_output(text: str, out: str | None) -> None:
    """Write ``text`` to the file ``out`` (stdout when None or ``-``)."""
    if out is None or out == "-":
        sys.stdout.write(text)
        return
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror}") from None


def write_json(doc: Any, out: str | None) -> None:
    """Write ``doc`` as indented JSON to ``out`` (stdout when None or ``-``)."""
    write_output(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", out)


def loader_from_args(context_args: list[str] | None) -> DocumentLoader:
    """The loader for ``--context URL=FILE`` options (the default loader when there are none)."""
    if not context_args:
        return default_loader()
    extra: dict[str, bytes] = {}
    for item in context_args:
        url, sep, file = item.partition("=")
        if not sep or not url or not file:
            raise UsageError(f"--context takes URL=FILE, got {item!r}")
        extra[url] = read_input(file)
    return DocumentLoader(extra=extra)


def _cmd_key_generate(args: argparse.Namespace) -> int:
    key = Ed25519Key.generate()
    key.save(args.out, overwrite=args.force)
    print(key.did)
    return EXIT_OK


def _cmd_sign(args: argparse.Namespace) -> int:
    key = Ed25519Key.load(args.key)
    doc = parse_json(read_input(args.input))
    signed = sign(
        doc,
        key,
        cryptosuite=args.cryptosuite,
        proof_purpose=args.purpose,
        created=args.created,
        loader=loader_from_args(args.context),
    )
    write_json(signed, args.output)
    return EXIT_OK


def _status_checker(args: argparse.Namespace) -> Any:
    if not getattr(args, "status_dir", None):
        return None
    from mbo_vc.status import DirectoryFetcher, StatusChecker

    return StatusChecker(DirectoryFetcher(args.status_dir), loader=loader_from_args(args.context))


def _cmd_verify(args: argparse.Namespace) -> int:
    try:
        data = read_input(args.input)
    except LimitExceededError as exc:  # too large to read: not verified, memory stays bounded
        result = VerificationResult()
        result.add(exc.code, exc.message)
    else:
        from mbo_vc.wallet_cli import verify_wallet_input  # presentations and JWTs

        handled = verify_wallet_input(
            args, data, loader=loader_from_args(args.context), status=_status_checker(args)
        )
        if handled is not None:
            return handled
        from mbo_vc.did.cli import resolver_from_args

        result = verify(
            data,
            now=args.now,
            loader=loader_from_args(args.context),
            resolver=resolver_from_args(args),
            status=_status_checker(args),
        )
    if args.json:
        sys.stdout.write(json.dumps(result.to_json(), indent=2) + "\n")
    elif result.verified:
        print(f"verified: {args.input}")
        for proof in result.proofs:
            print(f"  proof {proof.index}: {proof.cryptosuite or proof.type} by {proof.controller}")
    else:
        print(f"NOT verified: {args.input}")
        for problem in result.problems:
            where = f" [{problem.where}]" if problem.where else ""
            print(f"  {problem.code}{where}: {problem.message}")
    return EXIT_OK if result.verified else EXIT_NOT_VERIFIED


def _cmd_demo(args: argparse.Namespace) -> int:
    from mbo_vc.demo import run_demo

    return run_demo(Path(args.out))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``mbo-vc``."""
    parser = _Parser(prog="mbo-vc", description=__doc__.splitlines()[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    key = sub.add_parser("key", help="manage Ed25519 keys")
    key_sub = key.add_subparsers(dest="key_command", required=True, parser_class=_Parser)
    gen = key_sub.add_parser("generate", help="create a key pair file (mode 0600)")
    gen.add_argument("--out", required=True, help="key file to write")
    gen.add_argument("--force", action="store_true", help="overwrite an existing file")
    gen.set_defaults(func=_cmd_key_generate)

    sg = sub.add_parser("sign", help="add a Data Integrity proof to a JSON document")
    sg.add_argument("input", help="unsigned document (JSON file, or - for stdin)")
    sg.add_argument("--key", required=True, help="key file (from 'mbo-vc key generate')")
    sg.add_argument("-o", "--output", help="where to write the signed document (default stdout)")
    sg.add_argument("--cryptosuite", default="eddsa-rdfc-2022", choices=sorted(SIGNING_SUITES))
    sg.add_argument("--purpose", default="assertionMethod", help="proof purpose")
    sg.add_argument("--created", help="proof created time (ISO 8601, default now)")
    sg.add_argument("--context", action="append", metavar="URL=FILE",
                    help="register an extra JSON-LD context for this run")  # fmt: skip
    sg.set_defaults(func=_cmd_sign)

    vf = sub.add_parser("verify", help="verify a credential")
    vf.add_argument("input", help="signed document (JSON file, or - for stdin)")
    vf.add_argument("--json", action="store_true", help="print the full result as JSON")
    vf.add_argument("--now", help="the verifier's clock (ISO 8601 with timezone)")
    vf.add_argument("--context", action="append", metavar="URL=FILE",
                    help="register an extra JSON-LD context for this run")  # fmt: skip
    vf.add_argument("--status-dir", metavar="DIR",
                    help="check credentialStatus against the status lists in DIR")  # fmt: skip
    vf.set_defaults(func=_cmd_verify)

    dm = sub.add_parser("demo", help="issue, verify, present and revoke example waardepapieren")
    dm.add_argument("--out", required=True, help="folder for the documents the demo makes")
    dm.set_defaults(func=_cmd_demo)
    # Each spec area adds its own commands (and wallet_cli adds --challenge/--domain to verify).
    from mbo_vc import wallet_cli
    from mbo_vc.did import cli as did_cli
    from mbo_vc.mbo import cli as mbo_cli
    from mbo_vc.status import cli as status_cli

    did_cli.add_resolver_arguments(vf)
    for module in (did_cli, status_cli, wallet_cli, mbo_cli):
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except MboVcError as exc:
        sys.stderr.write(f"mbo-vc: {exc.code}: {exc.message}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("mbo-vc: interrupted\n")
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
