"""``mbo-vc key generate --out FILE``: an Ed25519 key pair file (mode 0600)."""

from __future__ import annotations

import argparse
from typing import Any

from mbo_vc.cli._io import EXIT_OK
from mbo_vc.keys import Ed25519Key

__all__ = ["add_parser"]


def _cmd_generate(args: argparse.Namespace) -> int:
    key = Ed25519Key.generate()
    key.save(args.out, overwrite=args.force)
    print(key.did)
    return EXIT_OK


def add_parser(subparsers: Any) -> None:
    """Add ``key`` (``generate``)."""
    key = subparsers.add_parser("key", help="manage Ed25519 keys")
    sub = key.add_subparsers(dest="key_command", required=True, parser_class=type(key))
    gen = sub.add_parser("generate", help="create a key pair file (mode 0600)")
    gen.add_argument("--out", required=True, help="key file to write")
    gen.add_argument("--force", action="store_true", help="overwrite an existing file")
    gen.set_defaults(func=_cmd_generate)
