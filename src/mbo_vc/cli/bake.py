"""``mbo-vc bake CRED --image IMG --out OUT`` and ``mbo-vc unbake IMG [-o OUT]``: Open Badges 3.0
baked images (PNG ``iTXt`` ``openbadgecredential``, SVG ``<openbadges:credential>``)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from mbo_vc.cli._io import EXIT_OK, read_input, write_output
from mbo_vc.errors import UsageError
from mbo_vc.json_input import read_bounded
from mbo_vc.limits import DEFAULT_LIMITS

__all__ = ["add_parser", "read_credential_or_image"]


def _read_image(path: str) -> bytes:
    try:
        if path == "-":
            return read_bounded(sys.stdin.buffer, max_bytes=DEFAULT_LIMITS.max_image_bytes)
        with open(path, "rb") as fh:
            return read_bounded(fh, max_bytes=DEFAULT_LIMITS.max_image_bytes)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or type(exc).__name__}") from None


def read_credential_or_image(path: str) -> bytes:
    """The credential in ``path``: the file itself, or what a baked PNG/SVG carries (read as
    every verifier reads bytes: :func:`mbo_vc.baking.credential_bytes`)."""
    data = _read_image(path)
    if data.lstrip()[:1] == b"{":  # JSON, not an image: mbo_vc.baking is not needed
        return read_input(path) if len(data) > DEFAULT_LIMITS.max_document_bytes else data
    from mbo_vc.baking import credential_bytes, image_kind  # (start-up time)

    if image_kind(data) is None:
        return read_input(path) if len(data) > DEFAULT_LIMITS.max_document_bytes else data
    return credential_bytes(data)


def _cmd_bake(args: argparse.Namespace) -> int:
    from mbo_vc.baking import bake, image_kind

    credential = read_input(args.credential)
    image = _read_image(args.image)
    kind = image_kind(image)
    suffix = Path(args.out).suffix.lower()
    if kind is not None and suffix != f".{kind}":
        raise UsageError(f"--out {args.out}: a baked {kind.upper()} is written, so the file must "
                         f"end in .{kind} (the image keeps its format)")  # fmt: skip
    start = time.perf_counter()
    baked = bake(credential, image)
    took = (time.perf_counter() - start) * 1000
    try:
        Path(args.out).write_bytes(baked)
    except OSError as exc:
        raise UsageError(f"cannot write {args.out}: {exc.strerror}") from None
    sys.stderr.write(f"baked {args.credential} into {args.out} ({kind}, {took:.1f} ms)\n")
    return EXIT_OK


def _cmd_unbake(args: argparse.Namespace) -> int:
    from mbo_vc.baking import unbake

    baked = unbake(_read_image(args.image))
    write_output(baked.text + "\n", args.out)
    return EXIT_OK


def add_parser(subparsers: Any) -> None:
    """Add ``bake`` and ``unbake``."""
    bk = subparsers.add_parser("bake", help="bake a credential into a PNG or SVG (OBv3 §5.3)")
    bk.add_argument("credential", help="the signed credential (JSON or compact JWS)")
    bk.add_argument("--image", required=True, help="the PNG or SVG to bake it into")
    bk.add_argument("--out", required=True, help="the baked image to write")
    bk.set_defaults(func=_cmd_bake)
    ub = subparsers.add_parser("unbake", help="take the credential out of a baked PNG or SVG")
    ub.add_argument("image", help="the baked PNG or SVG (or - for stdin)")
    ub.add_argument("-o", "--out", help="where to write the credential (default: stdout)")
    ub.set_defaults(func=_cmd_unbake)
