"""``mbo-vc issuer metadata``: the files a school serves so wallets and verifiers find its keys
and its credentials.

``mbo-vc issuer metadata --key K [--key K2] --issuer https://roc.example --out DIR`` writes
``DIR/.well-known/jwt-vc-issuer[/path]`` (the SD-JWT VC issuer keys),
``DIR/.well-known/openid-credential-issuer[/path]`` (OID4VCI: every waardepapier in every
format) and the type metadata documents at ``DIR/<host>/<path>`` of each ``vct``
(``DIR/w3id.org/mbo-vc/vct/<kind>/v1``), each atomically and byte for byte the same on every run.
Serve ``DIR/.well-known`` at the issuer's host; issue with ``mbo-vc issue --format sd-jwt-vc
--issuer URL``; a verifier pins the result with ``mbo-vc verify --issuer-metadata DIR``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from mbo_vc.cli._io import load_key

__all__ = ["add_parser"]


def _cmd_metadata(args: argparse.Namespace) -> int:
    from mbo_vc.oid4vc.publish import issuer_metadata_documents, write_documents

    keys = [load_key(path) for path in args.key]
    documents = issuer_metadata_documents(
        args.issuer, keys, credential_endpoint=args.credential_endpoint,
        nonce_endpoint=args.nonce_endpoint,
    )  # fmt: skip
    for path in write_documents(Path(args.out), documents):
        sys.stdout.write(f"{path}\n")
    return 0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``issuer`` (with ``metadata``) to the ``mbo-vc`` subcommands."""
    issuer = subparsers.add_parser(
        "issuer", help="a school's published issuer metadata (jwt-vc-issuer, OID4VCI, types)"
    )
    sub = issuer.add_subparsers(dest="issuer_command", required=True)
    p = sub.add_parser(
        "metadata",
        help="write /.well-known/jwt-vc-issuer, /.well-known/openid-credential-issuer and the "
        "type metadata documents to DIR",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example:\n  mbo-vc issuer metadata --key school.secret.json --issuer "
        "https://roc.example --out site/\n  mbo-vc issue --format sd-jwt-vc --issuer "
        "https://roc.example --key school.secret.json ...\n  mbo-vc verify pres.txt "
        "--issuer-metadata site/ --type-metadata site/ ...",
    )
    p.add_argument(
        "--key", action="append", required=True,
        help="an issuer key file (public or private; only the public key is written; "
        "repeatable, e.g. the next key before a rotation)",
    )  # fmt: skip
    p.add_argument("--issuer", required=True, help="the issuer URL (https, the iss of its tokens)")
    p.add_argument("--out", required=True, help="folder to write the files to (a web root)")
    p.add_argument("--credential-endpoint", help="OID4VCI credential endpoint "
                   "(default: ISSUER/credential)")  # fmt: skip
    p.add_argument("--nonce-endpoint", help="OID4VCI nonce endpoint (default: ISSUER/nonce)")
    p.set_defaults(func=_cmd_metadata)
    return p
