"""``mbo-vc key generate --out FILE [--type ed25519|p-256|p-384]``: a key pair file (mode 0600)."""

from __future__ import annotations

import argparse
from typing import Any

from mbo_vc.cli._io import EXIT_OK
from mbo_vc.keys import generate_key

__all__ = ["add_parser"]

_TYPES = {"ed25519": "Ed25519", "p-256": "P-256", "p-384": "P-384"}


def _cmd_generate(args: argparse.Namespace) -> int:
    key = generate_key(_TYPES[args.type])
    key.save(args.out, overwrite=args.force)
    print(key.did)
    return EXIT_OK


def add_parser(subparsers: Any) -> None:
    """Add ``key`` (``generate``)."""
    key = subparsers.add_parser("key", help="manage keys (Ed25519, P-256, P-384)")
    sub = key.add_subparsers(dest="key_command", required=True, parser_class=type(key))
    gen = sub.add_parser("generate", help="create a key pair file (mode 0600)")
    gen.add_argument("--out", required=True, help="key file to write")
    gen.add_argument(
        "--type",
        default="ed25519",
        choices=sorted(_TYPES),
        type=str.lower,
        help="key type (default ed25519; p-256 signs ecdsa-rdfc-2019 and ES256)",
    )
    gen.add_argument("--force", action="store_true", help="overwrite an existing file")
    gen.set_defaults(func=_cmd_generate)
