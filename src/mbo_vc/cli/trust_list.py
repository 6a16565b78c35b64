"""``mbo-vc trust-list build``: the trust anchor signs the list of schools a verifier trusts.

The CSV has the header ``did,name,brin,oin,types`` (``types``: waardepapier kinds separated by
``|``); the output is a trust list credential (docs/trust-list.md) that verifiers use with
``mbo-vc verify CRED --trust-list LIST --trust-anchor DID``.
"""

from __future__ import annotations

import argparse
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from mbo_vc.cli._io import EXIT_OK, KEY_HELP, load_signing_key
from mbo_vc.errors import UsageError
from mbo_vc.mbo.trust_list import build_trust_list, read_trust_csv

__all__ = ["add_parser"]


def _cmd_build(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.exists() and not args.force:
        raise UsageError(f"{out} exists; pass --force to overwrite it")
    entries = read_trust_csv(args.csv)
    key = load_signing_key(args.key)
    valid_for = timedelta(days=args.valid_days) if args.valid_days > 0 else None
    doc = build_trust_list(entries, key, name=args.name, valid_for=valid_for)
    try:
        out.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror}") from None
    print(f"trust list {doc['id']}: {len(entries)} institution(s), signed by {key.did}, "
          f"valid until {doc.get('validUntil', '(open)')}: {out}")  # fmt: skip
    return EXIT_OK


def add_parser(subparsers: Any) -> None:
    """Add ``mbo-vc trust-list build``."""
    tl = subparsers.add_parser(
        "trust-list",
        help="build a trust list (schools and the waardepapieren they may issue)",
        description=__doc__.splitlines()[0].replace("``", "'") if __doc__ else None,
    )
    sub = tl.add_subparsers(dest="trust_list_command", required=True, parser_class=type(tl))
    p = sub.add_parser(
        "build",
        help="sign a trust list from a CSV (did,name,brin,oin,types)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example:\n  mbo-vc trust-list build --csv scholen.csv --key duo.secret.json "
        "--out trust-list.json\n\nCSV:\n  did,name,brin,oin,types\n  did:key:z6Mk...,ROC "
        "Voorbeeld,99XX,00000001234567890000,mbo-diploma|mbo-certificaat",
    )
    p.add_argument("--csv", required=True, help="did,name,brin,oin,types (types split by |)")
    p.add_argument("--key", required=True, help=f"the trust anchor's {KEY_HELP}")
    p.add_argument("--out", required=True, help="where to write the signed trust list")
    p.add_argument("--name", default="mbo trust list", help="the list's name")
    p.add_argument(
        "--valid-days", type=float, default=365.0, help="validUntil = now + days (0: open ended)"
    )
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.set_defaults(func=_cmd_build)
