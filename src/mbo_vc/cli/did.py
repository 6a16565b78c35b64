"""``mbo-vc did …``: a school's did.json, binding keys to it, and resolving DIDs.

``mbo-vc did web --domain school.nl --key k1.json [--key k2.json] > did.json``
``mbo-vc did bind --did did:web:school.nl --key k1.json --out school-k1.json``
``mbo-vc did resolve DID [--online] [--pinned-dir DIR]``
"""

from __future__ import annotations

import argparse
from typing import Any

from mbo_vc.cli._io import add_network_arguments, load_key, resolver_from_args, write_json
from mbo_vc.did.documents import VM_FORMS, bind_key, did_web_document, did_web_for
from mbo_vc.did.web import parse_did_web
from mbo_vc.errors import UnsupportedDidMethodError
from mbo_vc.keys import load_key as load_key_file

__all__ = ["add_parser"]


def _cmd_web(args: argparse.Namespace) -> int:
    did = did_web_for(args.domain, args.path)
    keys = [load_key(path).public_only() for path in args.key]  # (a file or an HSM's key)
    write_json(did_web_document(did, keys, form=args.form), args.output)
    return 0


def _cmd_bind(args: argparse.Namespace) -> int:
    key = bind_key(load_key_file(args.key), args.did, args.fragment)
    key.save(args.out, overwrite=args.force)
    print(key.verification_method)
    return 0


def _did_of(did_url: str) -> str:
    return did_url.split("#", 1)[0].split("?", 1)[0]


def _cmd_resolve(args: argparse.Namespace) -> int:
    resolver = resolver_from_args(args)
    target: str = args.did
    try:
        if "#" in target:
            write_json(resolver.dereference(target).method, None)
        else:
            write_json(resolver.resolve(target), None)
    except UnsupportedDidMethodError:
        if target.startswith("did:web:") and not args.online:
            parse_did_web(_did_of(target))  # a malformed did:web says so first
            raise UnsupportedDidMethodError(
                f"{_did_of(target)[:100]}: did:web needs --online (network) or a --pinned-dir "
                "that holds its document"
            ) from None
        raise
    return 0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``did`` (with ``web``, ``bind`` and ``resolve``) to the ``mbo-vc`` subcommands."""
    did = subparsers.add_parser("did", help="DIDs: a school's did:web document, resolving DIDs")
    sub = did.add_subparsers(dest="did_command", required=True, parser_class=type(did))

    web = sub.add_parser("web", help="print the did.json for a school's did:web")
    web.add_argument("--domain", required=True, help="host, or host:port (e.g. school.nl)")
    web.add_argument("--path", help="optional path (a/b → did:web:host:a:b)")
    web.add_argument(
        "--key",
        action="append",
        required=True,
        metavar="KEY",
        help="key file, pkcs11: URI of a key in an HSM or aws-kms: reference (its public key; "
        "repeatable)",
    )
    web.add_argument(
        "--form",
        choices=VM_FORMS,
        default="Multikey",
        help="verification method form: Multikey (publicKeyMultibase, default) or JsonWebKey",
    )
    web.add_argument("-o", "--output", help="where to write did.json (default stdout)")
    web.set_defaults(func=_cmd_web)

    bind = sub.add_parser("bind", help="write a copy of a key file that signs as a did:web")
    bind.add_argument("--did", required=True, help="the school's DID (did:web:…)")
    bind.add_argument("--key", required=True, metavar="KEYFILE", help="existing key file")
    bind.add_argument("--out", required=True, help="new key file (mode 0600)")
    bind.add_argument("--fragment", help="verification method fragment (default: the key)")
    bind.add_argument("--force", action="store_true", help="overwrite --out")
    bind.set_defaults(func=_cmd_bind)

    res = sub.add_parser("resolve", help="print a DID document (or a DID URL's method)")
    res.add_argument("did", help="DID or DID URL (did:…#fragment)")
    add_network_arguments(res)
    res.set_defaults(func=_cmd_resolve)
    return did
