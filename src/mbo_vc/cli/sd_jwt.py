"""``mbo-vc sd-jwt present``: the holder's selective presentation of an SD-JWT VC."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mbo_vc.cli._io import EXIT_OK, load_signing_key, read_input
from mbo_vc.errors import UsageError
from mbo_vc.jws import decode_jwt
from mbo_vc.keys import EcKey, Ed25519Key
from mbo_vc.sd_jwt import parse, present

__all__ = ["add_parser"]


_PUBLIC_MEMBERS = ("kty", "crv", "x", "y")


def _check_holder_key(token: str, key: Ed25519Key | EcKey, path: str) -> None:
    """The holder key must be the token's ``cnf`` key: a KB-JWT signed by any other key
    never verifies, so presenting with it would hand the verifier a token that fails."""
    _, payload = decode_jwt(parse(token).jwt)
    cnf = payload.get("cnf")
    jwk = cnf.get("jwk") if isinstance(cnf, dict) else None
    if not isinstance(jwk, dict):
        raise UsageError("the SD-JWT has no cnf.jwk holder key: it cannot be presented with "
                         "key binding")  # fmt: skip
    own = key.to_jwk()
    if any(jwk.get(m) != own.get(m) for m in _PUBLIC_MEMBERS):
        raise UsageError(f"--holder-key {path} is not the key this SD-JWT is bound to (its "
                         "cnf key): the verifier would refuse the key binding")  # fmt: skip


def _cmd_present(args: argparse.Namespace) -> int:
    token = read_input(args.token).decode("utf-8", "replace").strip()
    key = load_signing_key(args.holder_key, "--holder-key")
    _check_holder_key(token, key, args.holder_key)
    claims = [c.strip() for c in ",".join(args.disclose or []).split(",") if c.strip()]
    shown = present(token, claims, holder_key=key, aud=args.aud, nonce=args.nonce)
    text = shown.serialize() + "\n"
    if args.output in (None, "-"):
        print(text, end="")
    else:
        try:
            Path(args.output).write_text(text, "utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror}") from None
    return EXIT_OK


def add_parser(subparsers: Any) -> None:
    """Add ``sd-jwt present``."""
    p = subparsers.add_parser("sd-jwt", help="SD-JWT VC: present selectively (holder)")
    sub = p.add_subparsers(dest="sd_jwt_command", required=True)
    pr = sub.add_parser("present", help="keep the chosen claims and add a key-binding JWT")
    pr.add_argument("token", help="the SD-JWT VC as issued (file, or - for stdin)")
    pr.add_argument("--holder-key", required=True, help="the holder's key file (the cnf key)")
    pr.add_argument(
        "--disclose",
        action="append",
        default=[],
        help="claim paths to disclose, comma-separated (student.naam,resultaten.0)",
    )
    pr.add_argument("--aud", required=True, help="the verifier (KB-JWT aud)")
    pr.add_argument("--nonce", required=True, help="the verifier's nonce")
    pr.add_argument("-o", "--output", help="output file (default: stdout)")
    pr.set_defaults(func=_cmd_present)
