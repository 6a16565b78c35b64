"""The ``mbo-vc`` command line: one module per command group, on top of the library.

Exit codes: 0 verified / done; 1 not verified (the problems are printed); 2 bad usage or input
that is not a document at all (one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from mbo_vc.cli import demo, did, keys, mbo, sd_jwt, sign, status, verify, wallet
from mbo_vc.cli._io import EXIT_USAGE
from mbo_vc.errors import MboVcError

__all__ = ["build_parser", "main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"mbo-vc: error: {message} (see 'mbo-vc --help')\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``mbo-vc``."""
    parser = _Parser(prog="mbo-vc", description=__doc__.splitlines()[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module in (keys, sign, verify, wallet, did, status, mbo, sd_jwt, demo):
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
