"""The ``mbo-vc`` command line: one module per command group, on top of the library.

Exit codes: 0 verified / done; 1 not verified (the problems are printed); 2 bad usage or input
that is not a document at all (one line on stderr, never a traceback); 141 when the reader of
the output went away (``mbo-vc verify X | head -3``: no traceback either).

Everything written to stdout and stderr passes :class:`mbo_vc.display.SafeStream`: a control or
bidi character from a credential is shown as ``\\uXXXX``, it never steers the terminal.

Only the module of the command being run is imported (``mbo-vc --help`` imports none of them,
``mbo-vc verify`` not the mbo models nor the status registry): :data:`COMMANDS` names each
command's module and one-line help, and a test keeps it equal to what the modules register.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from mbo_vc import __version__

__all__ = ["COMMANDS", "build_parser", "main"]

_EPILOG = """examples:
  mbo-vc key generate --out school.secret.json
  mbo-vc issue --type mbo-diploma --data diplomas.csv --key school.secret.json \\
      --examencommissie-key ec.secret.json --status-db status.db --out out/
  mbo-vc verify out/<id>.json --status-dir lists/ --trust-list trust-list.json \\
      --trust-anchor did:key:...
  mbo-vc status revoke --db status.db out/<id>.json
  mbo-vc demo --out demo-out

exit codes:
  0  verified / done
  1  not verified (the problems are printed, each with its code; docs/verification.md)
  2  bad usage, or input that is not a document at all (one line on stderr)

'mbo-vc COMMAND --help' describes each command."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"mbo-vc: error: {message} (see 'mbo-vc --help')\n")
        raise SystemExit(EXIT_USAGE)


COMMANDS: dict[str, tuple[str, str]] = {
    "key": ("keys", "manage keys (Ed25519, P-256, P-384)"),
    "sign": ("sign", "add a Data Integrity proof to a JSON document"),
    "verify": ("verify", "verify a credential, presentation or JWT"),
    "render": ("render", "render a waardepapier as HTML, PDF or PNG"),
    "bake": ("bake", "bake a credential into a PNG or SVG (OBv3 §5.3)"),
    "unbake": ("bake", "take the credential out of a baked PNG or SVG"),
    "present": ("wallet", "wrap credentials into a presentation signed by the holder "
                "(authentication, challenge, domain)"),
    "jwt": ("wallet", "secure or verify a credential as vc+jwt (VC-JOSE)"),
    "sd-jwt": ("sd_jwt", "SD-JWT VC: present selectively (holder)"),
    "did": ("did", "DIDs: a school's did:web document, resolving DIDs"),
    "status": ("status", "revocation / suspension (Bitstring Status List)"),
    "issue": ("mbo", "issue waardepapieren from a SIS export (CSV or JSON lines)"),
    "issuer": ("issuer", "a school's published issuer metadata (jwt-vc-issuer, OID4VCI, types)"),
    "trust-list": ("trust_list", "build a trust list (schools and the waardepapieren they "
                   "may issue)"),
    "demo": ("demo", "issue, verify, present and revoke example waardepapieren"),
}  # fmt: skip
"""Each command: the ``mbo_vc.cli`` module that registers it, and its one-line help."""

EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 141
"""The reader of stdout went away (128 + SIGPIPE, what a shell reports for such a command)."""


def _command_of(argv: Sequence[str]) -> str | None:
    for arg in argv:
        if not arg.startswith("-"):
            return arg
    return None


def build_parser(command: str | None = None, *, full: bool = True) -> argparse.ArgumentParser:
    """The argument parser of ``mbo-vc``: with every command's arguments (``full``), or with
    only ``command``'s (the others are listed by name and help, their modules not imported)."""
    parser = _Parser(
        prog="mbo-vc",
        description="mbo_vc: Dutch mbo waardepapieren as W3C Verifiable Credentials "
        "(issue, sign, verify, present, revoke).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"mbo-vc {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    modules = list(dict.fromkeys(m for m, _ in COMMANDS.values()))
    if not full:
        modules = [COMMANDS[command][0]] if command in COMMANDS else []
    registered: set[str] = set()
    for name in modules:
        before = set(sub.choices)
        importlib.import_module(f"mbo_vc.cli.{name}").add_parser(sub)
        registered |= set(sub.choices) - before
    for name, (_, help_text) in COMMANDS.items():
        if name not in registered:
            sub.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    from mbo_vc.display import SafeStream

    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(out), SafeStream(err)
    try:
        try:
            code = _run(argv)
        except SystemExit:  # (argparse: --help, --version, a usage error)
            sys.stdout.flush()
            raise
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return code
    except BrokenPipeError:
        _quiet(out)
        return EXIT_BROKEN_PIPE
    finally:
        sys.stdout, sys.stderr = out, err


def _quiet(stream: Any) -> None:
    """Point ``stream``'s file at the null device, so that Python's final flush of what is
    still buffered does not fail again (the recipe of the Python docs, "Note on SIGPIPE")."""
    try:
        fd = stream.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # (no file descriptor: a test's stream)
        pass


def _run(argv: Sequence[str] | None) -> int:
    from mbo_vc.display import shown

    args_in = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command_of(args_in), full=False)
    args = parser.parse_args(args_in)
    from mbo_vc.errors import MboVcError

    try:
        return int(args.func(args))
    except MboVcError as exc:
        sys.stderr.write(f"mbo-vc: {exc.code}: {shown(exc.message)}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("mbo-vc: interrupted\n")
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
