"""``mbo-vc sign --key KEY DOC [-o OUT]``: add a Data Integrity proof to a JSON document."""

from __future__ import annotations

import argparse
from typing import Any

from mbo_vc.cli._io import (
    EXIT_OK,
    KEY_HELP,
    add_context_argument,
    load_signing_key,
    loader_from_args,
    read_document,
    write_json,
)
from mbo_vc.signing import sign, signing_suites

__all__ = ["add_parser"]


def _cmd_sign(args: argparse.Namespace) -> int:
    key = load_signing_key(args.key)
    doc = read_document(args.input)
    signed = sign(
        doc,
        key,
        cryptosuite=args.cryptosuite,
        proof_purpose=args.purpose,
        created=args.created,
        loader=loader_from_args(args),
    )
    write_json(signed, args.output)
    return EXIT_OK


def add_parser(subparsers: Any) -> None:
    """Add ``sign``."""
    sg = subparsers.add_parser("sign", help="add a Data Integrity proof to a JSON document")
    sg.add_argument("input", help="unsigned document (JSON file, or - for stdin)")
    sg.add_argument("--key", required=True, help=KEY_HELP)
    sg.add_argument("-o", "--output", help="where to write the signed document (default stdout)")
    sg.add_argument(
        "--cryptosuite",
        choices=signing_suites(),
        help="default: eddsa-rdfc-2022 for an Ed25519 key, ecdsa-rdfc-2019 for a P-256/P-384 key",
    )
    sg.add_argument("--purpose", default="assertionMethod", help="proof purpose")
    sg.add_argument("--created", help="proof created time (ISO 8601, default now)")
    add_context_argument(sg)
    sg.set_defaults(func=_cmd_sign)
