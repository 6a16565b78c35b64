"""``mbo-vc present`` and ``mbo-vc jwt``: the wallet side of the command line.

``mbo-vc present --key HOLDER --challenge C --domain D CRED... [-o OUT] [--format vp+jwt]``
wraps credentials (JSON files with a Data Integrity proof, or text files holding a ``vc+jwt``)
into a presentation signed by the holder. ``mbo-vc jwt sign --key KEY INPUT [-o OUT]`` secures
an unsigned credential (or presentation) as a ``vc+jwt`` (``vp+jwt``); ``mbo-vc jwt verify
INPUT`` verifies one (the same road as ``mbo-vc verify``).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from mbo_vc.cli._io import (
    EXIT_OK,
    KEY_HELP,
    add_context_argument,
    load_signing_key,
    loader_from_args,
    read_document,
    read_input,
    write_output,
)
from mbo_vc.cli.verify import add_verify_arguments, run_verify
from mbo_vc.errors import MboVcError, UsageError
from mbo_vc.jose import is_compact_jws, secure_jwt
from mbo_vc.json_input import decode_utf8, parse_json
from mbo_vc.presentation import present

__all__ = ["add_parser"]


def _credential(path: str) -> dict[str, Any] | str:
    try:
        text = decode_utf8(read_input(path), path).strip()
    except MboVcError as exc:
        raise UsageError(exc.message) from None
    if is_compact_jws(text):
        return text
    try:
        return parse_json(text)
    except MboVcError as exc:
        raise UsageError(f"{path}: neither a JSON credential nor a vc+jwt ({exc.code})") from None


def _cmd_present(args: argparse.Namespace) -> int:
    key = load_signing_key(args.key)
    credentials = [_credential(p) for p in args.credentials]
    vp = present(
        credentials, key, challenge=args.challenge, domain=args.domain, expires=args.expires,
        format=args.format, loader=loader_from_args(args), include_holder=not args.no_holder,
    )  # fmt: skip
    if isinstance(vp, str):
        write_output(vp + "\n", args.output)
    else:
        write_output(json.dumps(vp, indent=2, ensure_ascii=False) + "\n", args.output)
    return EXIT_OK


def _cmd_jwt_sign(args: argparse.Namespace) -> int:
    key = load_signing_key(args.key)
    doc = read_document(args.input)
    token = secure_jwt(doc, key, challenge=args.challenge, domain=args.domain)
    write_output(token + "\n", args.output)
    return EXIT_OK


def _cmd_jwt_verify(args: argparse.Namespace) -> int:
    return run_verify(args, jwt_only=True)


def add_parser(subparsers: Any) -> None:
    """Add ``present`` and ``jwt``."""
    pr = subparsers.add_parser("present", help="wrap credentials into a presentation signed by "
                               "the holder (authentication, challenge, domain)")  # fmt: skip
    pr.add_argument("credentials", nargs="+", metavar="CRED",
                    help="credential files: JSON (Data Integrity) or vc+jwt text")  # fmt: skip
    pr.add_argument("--key", required=True, help=f"the holder's {KEY_HELP}")
    pr.add_argument("--challenge", required=True, help="the challenge the verifier issued")
    pr.add_argument("--domain", help="the verifier's domain")
    pr.add_argument("--expires", help="the holder proof expires at (ISO 8601)")
    pr.add_argument("--format", default="data-integrity", choices=["data-integrity", "vp+jwt"])
    pr.add_argument("--no-holder", action="store_true",
                    help="leave out the holder member (VC DM 2.0 makes it optional)")  # fmt: skip
    pr.add_argument("-o", "--output", help="where to write the presentation (default stdout)")
    add_context_argument(pr)
    pr.set_defaults(func=_cmd_present)

    jw = subparsers.add_parser("jwt", help="secure or verify a credential as vc+jwt (VC-JOSE)")
    jw_sub = jw.add_subparsers(dest="jwt_command", required=True, parser_class=type(jw))
    js = jw_sub.add_parser("sign", help="secure an unsigned credential as vc+jwt (EdDSA)")
    js.add_argument("input", help="unsigned credential or presentation (JSON file or -)")
    js.add_argument("--key", required=True, help=f"{KEY_HELP}; its verification method is the kid")
    js.add_argument("--challenge", help="nonce claim (presentations)")
    js.add_argument("--domain", help="aud claim (presentations)")
    js.add_argument("-o", "--output", help="where to write the JWT (default stdout)")
    js.set_defaults(func=_cmd_jwt_sign)
    jv = jw_sub.add_parser("verify", help="verify a vc+jwt, vp+jwt or VC 1.1 JWT")
    add_verify_arguments(jv)
    jv.set_defaults(func=_cmd_jwt_verify)
