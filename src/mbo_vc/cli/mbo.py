"""``mbo-vc issue``: issue waardepapieren from a SIS export (CSV or JSON lines).

Each row becomes one signed credential in ``--out``, named by its credential id; a bad row is
reported with its line number and field and the others go on. With ``--status-db`` each
credential gets a revocation entry before it is signed; ``--jobs N`` signs on N worker
processes (mbo_vc.batch). A progress bar (on a terminal) and a
summary go to stderr; the exit code is 1 when any row failed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from mbo_vc.cli._io import Progress, add_jobs_argument, check_jobs, load_key
from mbo_vc.errors import MboVcError, ModelValidationError, UsageError
from mbo_vc.keys import EcKey, Ed25519Key, Key
from mbo_vc.mbo.model import WAARDEPAPIEREN
from mbo_vc.mbo.sd_jwt_vc import issue_sd_jwt
from mbo_vc.mbo.signers import issue
from mbo_vc.mbo.sis import build, read_rows, unknown_columns
from mbo_vc.status.registry import StatusRegistry, registry_exists

__all__ = ["add_parser", "file_name", "holder_jwk", "run_issue"]


def _signer(key: Key) -> Ed25519Key | EcKey:
    if not isinstance(key, Ed25519Key | EcKey):
        raise UsageError("an SD-JWT VC is signed with an Ed25519 or P-256/P-384 key")
    return key


def holder_jwk(did: str) -> dict[str, Any]:
    """The public JWK of a holder's did:key or did:jwk (its one key)."""
    from mbo_vc.did import default_resolver
    from mbo_vc.keys import public_jwk_of

    document = default_resolver().resolve(did)
    methods = document.get("verificationMethod") or []
    if not methods:
        raise UsageError(f"{did[:80]} has no verification method")
    return public_jwk_of(methods[0])


def file_name(credential_id: str) -> str:
    """The output file name of a credential: its id (``urn:uuid:`` dropped), made safe."""
    name = credential_id.removeprefix("urn:uuid:")
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)[:150].lstrip(".") + ".json"


def _revocation_list(registry: StatusRegistry) -> str:
    for info in registry.lists():
        if info.purpose == "revocation":
            return info.list_id
    raise UsageError("the status registry has no revocation list "
                     "(run 'mbo-vc status init --db DB --base-url URL' first)")  # fmt: skip


def run_issue(
    kind: str,
    data: str | Path,
    key: Key,
    out: str | Path,
    *,
    examencommissie: Key | None = None,
    stream: TextIO | None = None,
    status_db: str | Path | None = None,
    strict: bool = False,
    force: bool = False,
    securing: str = "data-integrity",
    holder_did: str | None = None,
    jobs: int = 1,
) -> tuple[list[Path], list[tuple[int, str]]]:
    """Issue one credential per row (Data Integrity: signed on ``jobs`` worker processes when
    above 1, :mod:`mbo_vc.batch`); returns (written files, [(line, error message)]).

    ``status_db``: a status registry (``mbo-vc status init``); each credential gets a fresh
    revocation entry before it is signed, so ``mbo-vc status revoke`` works on it. Columns the
    kind does not read are a warning, or with ``strict`` a :class:`UsageError` before anything
    is issued. An existing output file is a failed row unless ``force``. ``securing`` is
    ``data-integrity`` (the OBv3 JSON, signed) or ``sd-jwt-vc`` (the same waardepapier as a
    ``dc+sd-jwt``, bound to the key of ``holder_did``, a did:key or did:jwk).
    """
    stream = stream or sys.stderr
    data, out = Path(data), Path(out)
    rows = list(read_rows(data))
    unknown = unknown_columns(kind, (row for _, row in rows))
    if unknown:
        text = f"{data.name}: column(s) not read for {kind}: {', '.join(unknown)[:300]}"
        if strict:
            raise UsageError(f"{text} (docs/sis-import.md lists the columns)")
        stream.write(f"warning: {text} (ignored; --strict makes this an error)\n")
    if status_db is not None and not registry_exists(status_db):
        raise UsageError(f"no status registry at {status_db} (run 'mbo-vc status init' first)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {out}: {exc.strerror}") from None
    holder = None
    if securing == "sd-jwt-vc":
        if examencommissie is not None:
            raise UsageError("an SD-JWT VC has one issuer signature: no --examencommissie-key")
        if not holder_did:
            raise UsageError("an SD-JWT VC is bound to its holder: pass --holder-did DID")
        holder = holder_jwk(holder_did)
    elif holder_did:
        raise UsageError("--holder-did applies to --format sd-jwt-vc")
    registry = StatusRegistry(status_db) if status_db is not None else None
    try:
        list_id = _revocation_list(registry) if registry is not None else None
        return _issue_rows(kind, rows, key, out, examencommissie, stream, registry, list_id,
                           force, holder, jobs)  # fmt: skip
    finally:
        if registry is not None:
            registry.close()


def _issue_rows(
    kind: str,
    rows: list[tuple[int, dict[str, Any]]],
    key: Key,
    out: Path,
    examencommissie: Key | None,
    stream: TextIO,
    registry: StatusRegistry | None,
    list_id: str | None,
    force: bool,
    holder: dict[str, Any] | None = None,
    jobs: int = 1,
) -> tuple[list[Path], list[tuple[int, str]]]:
    progress = Progress(len(rows), stream)
    written: list[Path] = []
    failed: list[tuple[int, str]] = []
    pending: deque[tuple[int, Path]] = deque()  # rows handed to the batch, in order

    def fail(line: int, exc: Exception) -> None:
        if isinstance(exc, ModelValidationError):
            field = f" [{exc.field}]" if exc.field else ""
            failed.append((line, f"{exc.message}{field}"))
            progress.note(f"line {line}: {exc.code}{field}: {exc.message}")
        elif isinstance(exc, MboVcError):
            failed.append((line, exc.message))
            progress.note(f"line {line}: {exc.code}: {exc.message}")
        else:
            reason = getattr(exc, "strerror", None) or type(exc).__name__
            failed.append((line, f"cannot write: {reason}"))
            progress.note(f"line {line}: cannot write: {reason}")
        progress.step()

    def write(path: Path, signed: dict[str, Any]) -> None:
        path.write_text(json.dumps(signed, indent=2, ensure_ascii=False) + "\n", "utf-8")
        written.append(path)
        progress.step()

    def prepared() -> Iterator[dict[str, Any]]:
        """Each row built, checked and given its status entry; signed here (one job) or
        yielded to the batch (``jobs`` > 1)."""
        for line, row in rows:
            try:
                paper = build(kind, row, default_issuer=key.did)
                if holder is not None:
                    path = out / f"{file_name(paper.credential_id)[: -len('.json')]}.sd-jwt"
                    if path.exists() and not force:
                        raise UsageError(f"{path} exists (pass --force to overwrite it)")
                    status = None
                    if registry is not None and list_id is not None:
                        ref = registry.allocate_reference(
                            list_id, credential_id=paper.credential_id
                        )
                        status = {"status_list": ref.to_json()}
                    token = issue_sd_jwt(paper, _signer(key), holder=holder, status=status)
                    path.write_text(token.serialize() + "\n", "utf-8")
                    written.append(path)
                    progress.step()
                    continue
                path = out / file_name(paper.credential_id)
                if path.exists() and not force:
                    raise UsageError(f"{path} exists (pass --force to overwrite it)")
                doc = paper.to_json()
                if registry is not None and list_id is not None:
                    doc = registry.attach(doc, [list_id])
                if jobs > 1:
                    pending.append((line, path))
                    yield doc
                    continue
                write(path, issue(doc, key, examencommissie=examencommissie))
            except (MboVcError, OSError) as exc:
                fail(line, exc)

    if jobs > 1 and holder is None:
        from mbo_vc.batch import issue_many

        for outcome in issue_many(prepared(), key, examencommissie=examencommissie, jobs=jobs):
            line, path = pending.popleft()
            try:
                write(path, outcome.unwrap())
            except (MboVcError, OSError) as exc:
                fail(line, exc)
    else:
        for _ in prepared():
            pass
    failed.sort()
    stream.write(
        f"issued {len(written)} {kind} credential(s) in {out}; {len(failed)} row(s) failed\n"
    )
    return written, failed


def _cmd_issue(args: argparse.Namespace) -> int:
    key = load_key(args.key)
    ec = load_key(args.examencommissie_key) if args.examencommissie_key else None
    data = Path(args.data)
    if not data.is_file():
        raise UsageError(f"cannot read {args.data}: no such file")
    _, failed = run_issue(
        args.type, data, key, Path(args.out), examencommissie=ec, status_db=args.status_db,
        strict=args.strict, force=args.force, securing=args.format, holder_did=args.holder_did,
        jobs=check_jobs(args.jobs),
    )  # fmt: skip
    return 1 if failed else 0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``issue`` to the ``mbo-vc`` command line."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "issue",
        help="issue waardepapieren from a SIS export (CSV or JSON lines)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example:\n  mbo-vc status init --db status.db --base-url https://roc.example/status"
        "\n  mbo-vc issue --type mbo-diploma --data diplomas.csv --key bg.secret.json "
        "--examencommissie-key ec.secret.json --status-db status.db --out out/\n"
        "  mbo-vc status revoke --db status.db out/<id>.json\n\n"
        "exit codes: 0 all rows issued, 1 a row failed, 2 bad usage (docs/sis-import.md)",
    )
    p.add_argument("--type", required=True, choices=list(WAARDEPAPIEREN), help="waardepapier")
    p.add_argument("--data", required=True, help="SIS export: .csv or .jsonl (docs/sis-import.md)")
    p.add_argument("--key", required=True, help="bevoegd gezag key file (issuer)")
    p.add_argument(
        "--examencommissie-key", help="examencommissie key file: adds its proof, chained"
    )
    p.add_argument("--out", required=True, help="folder for the signed credentials")
    p.add_argument(
        "--status-db",
        metavar="DB",
        help="status registry (SQLite file or postgresql://…): a revocation entry per "
        "credential, before signing",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="columns the type does not read are an error (default: a warning)",
    )
    p.add_argument("--force", action="store_true", help="overwrite existing output files")
    p.add_argument(
        "--format",
        choices=["data-integrity", "sd-jwt-vc"],
        default="data-integrity",
        help="securing: Data Integrity (OBv3 JSON) or SD-JWT VC (dc+sd-jwt)",
    )
    add_jobs_argument(p, "sign")
    p.add_argument("--holder-did", help="sd-jwt-vc: the holder's did:key / did:jwk (cnf key)")
    p.set_defaults(func=_cmd_issue)
    return p
