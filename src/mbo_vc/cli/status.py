"""``mbo-vc status …``: the issuer's status registry and the verifier's status check.

mbo-vc status init      --db DB --base-url URL [--purpose revocation --purpose suspension]
                        [--length N] [--index-policy random|sequential] [--valid-days D]
                        [--ttl-seconds S]
mbo-vc status allocate  --db DB [--list ID …] [--credential-id ID] [--into CRED] [-o OUT]
mbo-vc status revoke    --db DB (CRED | --list ID --index N) [--reason TEXT]
                        CRED: a JSON credential, a vc+jwt or an SD-JWT VC (its status entries)
mbo-vc status suspend   (same)      mbo-vc status unsuspend (same)
mbo-vc status publish   --db DB --key KEY --out DIR [--list ID] [--valid-days D] [--ttl-ms MS]
                        [--format bitstring|token-status-list|both [--ttl-seconds S] [--bits B]]
                        [--changed-only]
mbo-vc status check     CRED (--status-dir DIR | --db DB) [--now ISO] [--json]

DB is a SQLite file or a PostgreSQL DSN (``postgresql://user@host/db``, needs the
``mbo_vc[postgres]`` extra); without ``--db`` the environment variable MBO_VC_STATUS_DSN is used.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from mbo_vc.cli._io import (
    add_context_argument,
    add_network_arguments,
    load_signing_key,
    loader_from_args,
    parse_now,
    read_document,
    read_input,
    resolver_from_args,
    status_dir,
)
from mbo_vc.errors import InputError, MboVcError, UsageError
from mbo_vc.json_input import parse_json
from mbo_vc.jws import decode_jwt, is_compact_jws, is_sd_jwt, unenvelope
from mbo_vc.status.checker import DirectoryFetcher, StatusChecker
from mbo_vc.status.codec import MIN_ENTRIES, STATUS_PURPOSES
from mbo_vc.status.postgres import redact_dsn
from mbo_vc.status.registry import ListInfo, StatusRegistry, registry_exists
from mbo_vc.status.token_status_list import parse_status_reference
from mbo_vc.verifier import verify

__all__ = ["add_parser"]

EXIT_OK, EXIT_FAIL = 0, 1
DSN_VARIABLE = "MBO_VC_STATUS_DSN"


def _db(args: argparse.Namespace) -> str:
    db = args.db or os.environ.get(DSN_VARIABLE)
    if not db:
        raise UsageError(f"give --db (a SQLite file or postgresql://…) or set {DSN_VARIABLE}")
    return str(db)


def _registry(args: argparse.Namespace, *, must_exist: bool = True) -> StatusRegistry:
    db = _db(args)
    if must_exist and not registry_exists(db):
        raise UsageError(f"no status registry at {redact_dsn(db)} (run 'mbo-vc status init' first)")
    return StatusRegistry(db)


def _emit(doc: Any, out: str | None = None) -> None:
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if out and out != "-":
        try:
            Path(out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {out}: {exc.strerror}") from None
    else:
        sys.stdout.write(text)


def _cmd_init(args: argparse.Namespace) -> int:
    purposes = args.purpose or ["revocation", "suspension"]
    with _registry(args, must_exist=False) as reg:
        existing = {info.list_id for info in reg.lists()}
        for purpose in purposes:
            list_id = f"{purpose}-1"
            if list_id in existing:
                print(f"{list_id}: exists")
                continue
            info = reg.create_list(
                f"{args.base_url.rstrip('/')}/{list_id}",
                purpose=purpose,
                length=args.length,
                list_id=list_id,
                index_policy=args.index_policy,
                valid_for=timedelta(days=args.valid_days) if args.valid_days else None,
                ttl=timedelta(seconds=args.ttl_seconds) if args.ttl_seconds else None,
            )
            print(f"{info.list_id}: {info.purpose}, {info.length} entries, published at {info.url}")
    return EXIT_OK


def _default_lists(reg: StatusRegistry) -> list[str]:
    chosen: dict[str, str] = {}
    for info in reg.lists():  # the first series per purpose (allocation goes to its newest)
        if info.purpose in ("revocation", "suspension"):
            chosen.setdefault(info.purpose, info.list_id)
    if not chosen:
        raise UsageError("the registry has no revocation or suspension list; pass --list")
    return list(chosen.values())


def _cmd_allocate(args: argparse.Namespace) -> int:
    with _registry(args) as reg:
        list_ids = args.list or _default_lists(reg)
        if args.into:
            if args.count != 1:
                raise UsageError("--into takes one credential (drop --count)")
            _emit(reg.attach(read_document(args.into), list_ids), args.output)
            return EXIT_OK
        rows = []
        for _ in range(args.count):
            entries = [
                reg.allocate(lid, credential_id=args.credential_id).to_json() for lid in list_ids
            ]
            rows.append(entries[0] if len(entries) == 1 else entries)
        _emit(rows[0] if args.count == 1 else rows, args.output)
    return EXIT_OK


def _status_claims(path: str) -> dict[str, Any]:
    """What carries a credential file's status: a JSON credential itself; for a ``vc+jwt`` (also
    enveloped, or VC 1.1 with its ``vc`` claim) or an SD-JWT VC (with or without KB-JWT) the
    issuer-signed payload. Read, not verified: the issuer looks up its own entries."""
    data = read_input(path)
    text = data.decode("utf-8", "replace").strip()
    try:
        if not (is_sd_jwt(text) or is_compact_jws(text)):
            doc = parse_json(data)
            if doc.get("type") != "EnvelopedVerifiableCredential":
                return doc
            text = unenvelope(doc)[1]
        _, payload = decode_jwt(text.split("~", 1)[0])
    except InputError as exc:
        raise UsageError(f"{path}: neither a JSON credential nor a JWT ({exc.message})") from None
    except MboVcError as exc:
        raise UsageError(f"{path}: {exc.message}") from None
    legacy = payload.get("vc")
    if isinstance(legacy, dict) and "credentialStatus" not in payload:
        return {**payload, "credentialStatus": legacy.get("credentialStatus")}
    return payload


def _registry_entries(reg: StatusRegistry, path: str) -> list[tuple[ListInfo, int]]:
    """The (list, index) entries of this registry that a credential file names: Bitstring
    ``credentialStatus`` entries and a Token Status List ``status.status_list`` reference.
    A file that names status entries, none of them this registry's: a usage error saying so."""
    claims = _status_claims(path)
    found = [(info, entry.index) for info, entry in reg.entries_of(claims)]
    named = [str(e.get("statusListCredential"))[:120] for e in _as_list(claims.get(
        "credentialStatus")) if isinstance(e, dict)]  # fmt: skip
    status = claims.get("status")
    if isinstance(status, dict) and "status_list" in status:
        try:
            ref = parse_status_reference(status["status_list"])
        except MboVcError as exc:
            raise UsageError(f"{path}: {exc.message}") from None
        named.append(f"{ref.uri[:120]} (idx {ref.idx})")
        for info in reg.lists():
            if info.url == ref.uri:
                found.append((info, ref.idx))
    if not named:
        raise UsageError(f"{path} carries no status entry (credentialStatus, status.status_list)")
    if not found:
        raise UsageError(
            f"{path}: its status entries are not in this registry: {', '.join(named)[:300]} "
            f"(the registry's lists: {', '.join(i.url for i in reg.lists())[:300] or 'none'})"
        )
    return found


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _cmd_change(args: argparse.Namespace) -> int:
    action = args.status_command
    purpose = "revocation" if action == "revoke" else "suspension"
    with _registry(args) as reg:
        targets: list[tuple[str, int]] = []
        if args.credential:
            if args.list or args.index is not None:
                raise UsageError("give a credential file or --list/--index, not both")
            for info, index in _registry_entries(reg, args.credential):
                if info.purpose == purpose:
                    targets.append((info.list_id, index))
            if not targets:
                raise UsageError(f"the credential has no {purpose} entry in this registry")
        elif args.list and args.index is not None:
            targets.append((args.list, args.index))
        else:
            raise UsageError("give a credential file, or --list ID and --index N")
        op = {"revoke": reg.revoke, "suspend": reg.suspend, "unsuspend": reg.unsuspend}[action]
        for list_id, index in targets:
            changed = op(list_id, index, reason=args.reason)
            print(f"{action} {list_id}#{index}: {'done' if changed else 'already so'}")
    print("publish the list again ('mbo-vc status publish') so verifiers see it")
    return EXIT_OK


def _cmd_publish(args: argparse.Namespace) -> int:
    key = load_signing_key(args.key)
    formats = ["bitstring", "token-status-list"] if args.format == "both" else [args.format]
    if "token-status-list" not in formats and args.bits is not None:
        raise UsageError("--bits applies to --format token-status-list")
    if args.ttl_seconds is not None and args.ttl_seconds <= 0:
        raise UsageError("--ttl-seconds must be positive")
    # Given options override the lists' settings (mbo-vc status init), else their defaults.
    bitstring: dict[str, Any] = {}
    token: dict[str, Any] = {"bits": args.bits}
    if args.valid_days is not None:
        valid_for = timedelta(days=args.valid_days) if args.valid_days > 0 else None
        bitstring["valid_for"] = token["valid_for"] = valid_for
    if args.ttl_ms is not None:
        bitstring["ttl_ms"] = args.ttl_ms
    if args.ttl_seconds is not None:
        token["ttl"] = timedelta(seconds=args.ttl_seconds)
    with _registry(args) as reg:
        # publish_lists refuses a list of another issuer before it writes any file
        results = reg.publish_lists(
            key, args.out, formats=formats, list_ids=args.list or None,
            changed_only=args.changed_only, bitstring=bitstring, token=token,
        )  # fmt: skip
    for r in results:
        if r.written:
            print(f"{r.list_id}: {r.path}")
        else:
            print(f"{r.list_id}: {r.path} ({r.skipped})")
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    if args.db or (not args.status_dir and os.environ.get(DSN_VARIABLE)):
        with _registry(args) as reg:
            for info, index in _registry_entries(reg, args.input):
                status = reg.store.status(info.list_id, index)
                print(f"{info.list_id}#{index} ({info.purpose}): status {status}")
                for ev in reg.events(info.list_id, index):
                    reason = f" — {ev.reason}" if ev.reason else ""
                    print(f"  {ev.at} {ev.action} → {ev.status}{reason}")
        return EXIT_OK
    doc = read_document(args.input)
    if not args.status_dir:
        raise UsageError("give --status-dir DIR (verifier view) or --db DB (issuer view)")
    loader = loader_from_args(args)
    resolver = resolver_from_args(args)
    checker = StatusChecker(
        DirectoryFetcher(status_dir(args.status_dir)),
        loader=loader,
        resolver=resolver,
        lenient_index=args.lenient_index,
    )
    # The entries are read as the credential's signature covers them: the same road as verify.
    result = verify(doc, now=parse_now(args.now), loader=loader, resolver=resolver,
                    status=checker)  # fmt: skip
    if "status" not in result.checks:
        raise UsageError(f"{args.input} has no credentialStatus (or could not be read: "
                         f"{', '.join(result.codes) or 'ok'})")  # fmt: skip
    outcomes = result.status
    status_codes = [p.code for p in result.problems if p.code.startswith("status")
                    or p.code in ("revoked", "suspended", "malformed_status_entry")]  # fmt: skip
    bad = bool(status_codes) or not outcomes
    if args.json:
        _emit({"status": [o.to_json() for o in outcomes],
               "problems": [p.to_json() for p in result.problems]})  # fmt: skip
    else:
        for o in outcomes:
            print(f"{o.where}: {o.summary()}")
        for p in result.problems:
            if p.code in status_codes and not any(o.problem == p for o in outcomes):
                print(f"{p.where or 'credentialStatus'}: {p.code}: {p.message}")
        if not result.verified:
            others = [c for c in result.codes if c not in status_codes]
            if others:
                print(f"(the credential itself does not verify: {', '.join(others)})")
    return EXIT_FAIL if bad else EXIT_OK


def add_parser(subparsers: Any) -> None:
    """Add ``mbo-vc status …`` to the main parser's subcommands."""
    st = subparsers.add_parser("status", help="revocation / suspension (Bitstring Status List)")
    sub = st.add_subparsers(dest="status_command", required=True, parser_class=type(st))

    def with_db(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--db",
            help=f"the status registry: a SQLite file or postgresql://… (default ${DSN_VARIABLE})",
        )

    p = sub.add_parser("init", help="create the registry and one list per purpose")
    with_db(p)
    p.add_argument("--base-url", required=True, help="where the lists will be published")
    p.add_argument(
        "--purpose",
        action="append",
        choices=STATUS_PURPOSES,
        help="list purpose (repeatable; default revocation and suspension)",
    )
    p.add_argument("--length", type=int, default=MIN_ENTRIES, help="entries per list")
    p.add_argument(
        "--index-policy",
        choices=("random", "sequential"),
        default="random",
        help="how indexes are handed out (random: herd privacy)",
    )
    p.add_argument(
        "--valid-days",
        type=float,
        help="published lists are valid this long (validUntil / exp; default 7)",
    )
    p.add_argument(
        "--ttl-seconds",
        type=int,
        help="published lists' ttl (default: 300 s for bitstring, 12 h for tokens)",
    )
    p.set_defaults(func=_cmd_init)

    p = sub.add_parser("allocate", help="hand out fresh random status entries")
    with_db(p)
    p.add_argument("--list", action="append", help="list id (repeatable; default one per purpose)")
    p.add_argument("--credential-id", help="record which credential gets the entry")
    p.add_argument("--count", type=int, default=1, help="how many entries (per list)")
    p.add_argument("--into", metavar="CRED", help="add the entries to this unsigned credential")
    p.add_argument("-o", "--output", help="where to write the JSON (default stdout)")
    p.set_defaults(func=_cmd_allocate)

    for action, text in (
        ("revoke", "revoke for good"),
        ("suspend", "suspend"),
        ("unsuspend", "lift a suspension"),
    ):
        p = sub.add_parser(action, help=f"{text} (then publish)")
        with_db(p)
        p.add_argument(
            "credential",
            nargs="?",
            help="the credential (its status entries): JSON, vc+jwt or SD-JWT VC",
        )
        p.add_argument("--list", help="list id (instead of a credential)")
        p.add_argument("--index", type=int, help="index in that list")
        p.add_argument("--reason", help="recorded in the registry's event log")
        p.set_defaults(func=_cmd_change)

    p = sub.add_parser("publish", help="sign the lists and write them (atomically) to DIR")
    with_db(p)
    p.add_argument("--key", required=True, help="the issuer's key file")
    p.add_argument("--out", required=True, help="folder for the status list credentials")
    p.add_argument("--list", action="append", help="list id (repeatable; default all)")
    p.add_argument(
        "--valid-days",
        type=float,
        help="validUntil / exp = now + this many days (0: none; default: the list's setting, "
        "else 7)",
    )
    p.add_argument(
        "--ttl-ms",
        type=int,
        help="the Bitstring list's ttl in ms (default: the list's setting, else 300,000)",
    )
    p.add_argument(
        "--changed-only",
        action="store_true",
        help="skip lists whose published file holds their current version (they are still "
        "republished when half their validity or ttl has passed)",
    )
    p.add_argument(
        "--format",
        choices=("bitstring", "token-status-list", "both"),
        default="bitstring",
        help="bitstring: BitstringStatusListCredential (JSON, Data Integrity); token-status-list: "
        "IETF Token Status List (statuslist+jwt, <list>.statuslist.jwt); both: the two files",
    )
    p.add_argument(
        "--ttl-seconds",
        type=int,
        help="token-status-list: the token's ttl in seconds (default: the list's setting, else "
        "43,200) (verifiers refuse it as stale after "
        "iat + ttl: republish within it)",
    )
    p.add_argument(
        "--bits",
        type=int,
        choices=(1, 2, 4, 8),
        help="token-status-list: bits per entry (default: the smallest that fits)",
    )
    p.set_defaults(func=_cmd_publish)

    p = sub.add_parser("check", help="check a credential's status entries")
    p.add_argument("input", help="the credential (JSON file, or - for stdin)")
    p.add_argument("--status-dir", help="folder with status list credentials (matched by id)")
    with_db(p)
    p.add_argument("--now", help="the verifier's clock (ISO 8601 with timezone)")
    p.add_argument(
        "--lenient-index",
        action="store_true",
        help="accept a JSON-number statusListIndex (the spec requires a string)",
    )
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    add_context_argument(p)
    add_network_arguments(p)
    p.set_defaults(func=_cmd_check)
