"""``mbo-vc demo --out DIR``: the end-to-end demo (embedded defaults only, no network)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mbo_vc.demo import run_demo

__all__ = ["add_parser"]


def _cmd_demo(args: argparse.Namespace) -> int:
    return run_demo(Path(args.out))


def add_parser(subparsers: Any) -> None:
    """Add ``demo``."""
    dm = subparsers.add_parser("demo", help="issue, verify, present and revoke example "
                               "waardepapieren")  # fmt: skip
    dm.add_argument("--out", required=True, help="folder for the documents the demo makes")
    dm.set_defaults(func=_cmd_demo)
