"""``mbo-vc issue``: issue waardepapieren from a SIS export (CSV or JSON lines).

Each row becomes one signed credential in ``--out``, named by its credential id; a bad row is
reported with its line number and field and the others go on. With ``--status-db`` each
credential gets a revocation entry before it is signed; ``--jobs N`` signs on N worker
processes (mbo_vc.batch). Each issued row is printed (``line N: FILE``, stdout) and appended to
``--out``/index.csv (:data:`INDEX_COLUMNS`). A progress bar (on a terminal) and a summary go to
stderr; the exit code is 1 when some rows failed, 2 when nothing was issued (an empty file, or
no usable row).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import re
import sys
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from mbo_vc.cli._io import KEY_HELP, Progress, add_jobs_argument, check_jobs, load_signing_key
from mbo_vc.errors import MboVcError, ModelValidationError, UsageError
from mbo_vc.keys import Signer
from mbo_vc.mbo.model import WAARDEPAPIEREN
from mbo_vc.mbo.sd_jwt_vc import issue_sd_jwt
from mbo_vc.mbo.signers import issue
from mbo_vc.mbo.sis import build, read_rows, unknown_columns
from mbo_vc.mbo.vc_sd_jwt import issue_vc_sd_jwt
from mbo_vc.status.postgres import redact_dsn
from mbo_vc.status.registry import StatusRegistry, registry_exists

__all__ = [
    "INDEX_COLUMNS",
    "INDEX_NAME",
    "add_parser",
    "file_name",
    "holder_jwk",
    "run_issue",
    "spreadsheet_safe",
]

INDEX_NAME = "index.csv"
"""The index file in the output folder: one row per issued credential, appended run by run."""
INDEX_COLUMNS = (
    "data", "line", "studentnummer", "file", "credential_id", "status_list", "status_index",
)  # fmt: skip
"""The index file's columns: the SIS file and its line, the row's studentnummer (as in the
export: the index stays with the school), the output file name, the credential id, and the
status list URL and index (empty without ``--status-db``)."""


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
    key: Signer,
    out: str | Path,
    *,
    examencommissie: Signer | None = None,
    stream: TextIO | None = None,
    status_db: str | Path | None = None,
    strict: bool = False,
    force: bool = False,
    securing: str = "data-integrity",
    holder_did: str | None = None,
    jobs: int = 1,
    mapping: TextIO | None = None,
    issuer: str | None = None,
    type_metadata: str | Path | None = None,
) -> tuple[list[Path], list[tuple[int, str]]]:
    """Issue one credential per row (Data Integrity: signed on ``jobs`` worker processes when
    above 1, :mod:`mbo_vc.batch`); returns (written files, [(line, error message)]).

    ``status_db``: a status registry (``mbo-vc status init``); each credential gets a fresh
    revocation entry before it is signed, so ``mbo-vc status revoke`` works on it. Columns the
    kind does not read are a warning, or with ``strict`` a :class:`UsageError` before anything
    is issued. An existing output file is a failed row unless ``force``. ``securing`` is
    ``data-integrity`` (the OBv3 JSON, signed), ``sd-jwt-vc`` (the same waardepapier as a
    ``dc+sd-jwt``, bound to the key of ``holder_did``, a did:key or did:jwk) or ``vc+sd-jwt``
    (the OBv3 JSON secured with SD-JWT, VC-JOSE-COSE §3.2; bound to ``holder_did`` if given).
    An SD-JWT VC commits to its type metadata (``vct#integrity``): the published document, or the
    one for its ``vct`` under ``type_metadata`` (a file or folder); ``issuer`` makes its ``iss``
    an https issuer URL whose key is in its jwt-vc-issuer metadata (``mbo-vc issuer metadata``),
    the ``kid`` the key's thumbprint.

    A file without a single row is a :class:`UsageError` (nothing is written). Each issued
    credential is appended to ``out/index.csv`` (:data:`INDEX_COLUMNS`) and, with ``mapping``,
    printed there as ``line N: FILE``.
    """
    stream = stream or sys.stderr
    data, out = Path(data), Path(out)
    rows = list(read_rows(data))
    if not rows:
        raise UsageError(f"{data.name} has no rows to issue (an empty file, or only a header)")
    unknown = unknown_columns(kind, (row for _, row in rows))
    if unknown:
        text = f"{data.name}: column(s) not read for {kind}: {', '.join(unknown)[:300]}"
        if strict:
            raise UsageError(f"{text} (docs/sis-import.md lists the columns)")
        stream.write(f"warning: {text} (ignored; --strict makes this an error)\n")
    if status_db is not None and not registry_exists(status_db):
        raise UsageError(
            f"no status registry at {redact_dsn(str(status_db))} (run 'mbo-vc status init' first)"
        )
    holder = None
    sd_jwt: dict[str, Any] = {}
    if securing == "sd-jwt-vc":
        if examencommissie is not None:
            raise UsageError("an SD-JWT VC has one issuer signature: no --examencommissie-key")
        if not holder_did:
            raise UsageError("an SD-JWT VC is bound to its holder: pass --holder-did DID")
        holder = holder_jwk(holder_did)
        sd_jwt = _sd_jwt_settings(kind, key, issuer, type_metadata)
    elif securing == "vc+sd-jwt":
        if examencommissie is not None:
            raise UsageError("a vc+sd-jwt has one issuer signature: no --examencommissie-key")
        if issuer or type_metadata:
            raise UsageError("--issuer and --type-metadata apply to --format sd-jwt-vc")
        holder = holder_jwk(holder_did) if holder_did else None
    elif issuer or type_metadata:
        raise UsageError("--issuer and --type-metadata apply to --format sd-jwt-vc")
    elif holder_did:
        raise UsageError("--holder-did applies to --format sd-jwt-vc and vc+sd-jwt")
    registry = StatusRegistry(status_db) if status_db is not None else None
    try:
        list_id = _revocation_list(registry) if registry is not None else None
        if registry is not None and list_id is not None:
            registry.check_issuer(list_id, key.controller)  # before anything is written
        created = not out.exists()
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"cannot create {out}: {exc.strerror}") from None
        index = _Index(out / INDEX_NAME, data.name, mapping)
        try:
            written, failed = _issue_rows(
                kind, rows, key, out, examencommissie, stream, registry, list_id, force, holder,
                jobs, index, securing, sd_jwt,
            )  # fmt: skip
        finally:
            index.close()
        if not written and created:
            with contextlib.suppress(OSError):  # a folder this run made and left empty
                out.rmdir()
        return written, failed
    finally:
        if registry is not None:
            registry.close()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """``cell`` as a spreadsheet shows it as text: a cell that starts with ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return (a formula to Excel, LibreOffice, Google Sheets: CSV
    injection, OWASP) gets a leading single quote; any other cell is left as it is."""
    return f"'{cell}" if cell.startswith(_FORMULA_START) else cell


class _Index:
    """``out/index.csv``: opened (and its header written) at the first issued credential, so
    a run that issues nothing leaves no index; each row flushed as it is written."""

    def __init__(self, path: Path, data: str, mapping: TextIO | None) -> None:
        self.path, self.data, self.mapping = path, data, mapping
        self._fh: TextIO | None = None
        self._writer: Any = None

    def add(self, line: int, row: dict[str, Any], path: Path, credential_id: str,
            status: tuple[str, int] | None) -> None:  # fmt: skip
        """Record one issued credential."""
        if self._fh is None:
            new = not self.path.exists() or self.path.stat().st_size == 0
            self._fh = self.path.open("a", encoding="utf-8", newline="")
            self._writer = csv.writer(self._fh)
            if new:
                self._writer.writerow(INDEX_COLUMNS)
        number = row.get("studentnummer")
        cells = [self.data, "" if number is None else str(number), path.name, credential_id]
        data, number, name, cid = (spreadsheet_safe(c) for c in cells)
        self._writer.writerow([
            data, line, number, name, cid,
            spreadsheet_safe(status[0]) if status else "", status[1] if status else "",
        ])  # fmt: skip
        self._fh.flush()
        if self.mapping is not None:
            self.mapping.write(f"line {line}: {path}\n")

    def close(self) -> None:
        """Close the index file (when one was written)."""
        if self._fh is not None:
            self._fh.close()


def _sd_jwt_settings(
    kind: str, key: Signer, issuer: str | None, type_metadata: str | Path | None
) -> dict[str, Any]:
    """The issuer (``iss``, ``kid``) and ``vct#integrity`` of the SD-JWT VCs of one run."""
    from mbo_vc.mbo.sd_jwt_vc import VCT
    from mbo_vc.sd_jwt_vc import integrity, issuer_kid, metadata_url, read_metadata

    out: dict[str, Any] = {}
    if issuer is not None:
        metadata_url(issuer)  # an https issuer identifier, or issuer_metadata_invalid
        out["issuer"], out["kid"] = issuer, issuer_kid(key.to_jwk())
    if type_metadata is not None:
        found = read_metadata([type_metadata]).type_metadata
        if VCT[kind] not in found:
            raise UsageError(f"{type_metadata}: no type metadata for {VCT[kind]}")
        out["vct_integrity"] = integrity(found[VCT[kind]])
    return out


def _status_of(doc: dict[str, Any]) -> tuple[str, int] | None:
    entry = doc.get("credentialStatus")
    if isinstance(entry, dict) and str(entry.get("statusListIndex", "")).isdigit():
        return str(entry.get("statusListCredential", "")), int(entry["statusListIndex"])
    return None


def _issue_rows(
    kind: str,
    rows: list[tuple[int, dict[str, Any]]],
    key: Signer,
    out: Path,
    examencommissie: Signer | None,
    stream: TextIO,
    registry: StatusRegistry | None,
    list_id: str | None,
    force: bool,
    holder: dict[str, Any] | None = None,
    jobs: int = 1,
    index: _Index | None = None,
    securing: str = "data-integrity",
    sd_jwt: dict[str, Any] | None = None,
) -> tuple[list[Path], list[tuple[int, str]]]:
    progress = Progress(len(rows), stream)
    written: list[Path] = []
    failed: list[tuple[int, str]] = []
    # rows handed to the batch, in order: line, output file, the row, its unsigned credential
    pending: deque[tuple[int, Path, dict[str, Any], dict[str, Any]]] = deque()

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

    def write(line: int, row: dict[str, Any], path: Path, signed: dict[str, Any]) -> None:
        path.write_text(json.dumps(signed, indent=2, ensure_ascii=False) + "\n", "utf-8")
        written.append(path)
        if index is not None:
            index.add(line, row, path, str(signed.get("id", "")), _status_of(signed))
        progress.step()

    def prepared() -> Iterator[dict[str, Any]]:
        """Each row built, checked and given its status entry; signed here (one job) or
        yielded to the batch (``jobs`` > 1)."""
        for line, row in rows:
            try:
                paper = build(kind, row, default_issuer=key.did)
                if securing == "vc+sd-jwt":
                    path = out / f"{file_name(paper.credential_id)[: -len('.json')]}.vc-sd-jwt"
                    if path.exists() and not force:
                        raise UsageError(f"{path} exists (pass --force to overwrite it)")
                    doc = paper.to_json()
                    if registry is not None and list_id is not None:
                        doc = registry.attach(doc, [list_id])
                    token = issue_vc_sd_jwt(doc, key, holder=holder)
                    path.write_text(token.serialize() + "\n", "utf-8")
                    written.append(path)
                    if index is not None:
                        index.add(line, row, path, paper.credential_id, _status_of(doc))
                    progress.step()
                    continue
                if holder is not None:
                    path = out / f"{file_name(paper.credential_id)[: -len('.json')]}.sd-jwt"
                    if path.exists() and not force:
                        raise UsageError(f"{path} exists (pass --force to overwrite it)")
                    status, where = None, None
                    if registry is not None and list_id is not None:
                        ref = registry.allocate_reference(
                            list_id, credential_id=paper.credential_id
                        )
                        status, where = {"status_list": ref.to_json()}, (ref.uri, ref.idx)
                    token = issue_sd_jwt(paper, key, holder=holder, status=status,
                                         **(sd_jwt or {}))  # fmt: skip
                    path.write_text(token.serialize() + "\n", "utf-8")
                    written.append(path)
                    if index is not None:
                        index.add(line, row, path, paper.credential_id, where)
                    progress.step()
                    continue
                path = out / file_name(paper.credential_id)
                if path.exists() and not force:
                    raise UsageError(f"{path} exists (pass --force to overwrite it)")
                doc = paper.to_json()
                if registry is not None and list_id is not None:
                    doc = registry.attach(doc, [list_id])
                if jobs > 1:
                    pending.append((line, path, row, doc))
                    yield doc
                    continue
                write(line, row, path, issue(doc, key, examencommissie=examencommissie))
            except (MboVcError, OSError) as exc:
                fail(line, exc)

    if jobs > 1 and holder is None and securing == "data-integrity":
        from mbo_vc.batch import issue_many

        for outcome in issue_many(prepared(), key, examencommissie=examencommissie, jobs=jobs):
            line, path, row, _ = pending.popleft()
            try:
                write(line, row, path, outcome.unwrap())
            except (MboVcError, OSError) as exc:
                fail(line, exc)
    else:
        for _ in prepared():
            pass
    failed.sort()
    lines = ", ".join(str(line) for line, _ in failed[:20]) + (", …" if len(failed) > 20 else "")
    which = f" (line {lines})" if failed else ""
    stream.write(f"issued {len(written)} {kind} credential(s) in {out}; {len(failed)} row(s) "
                 f"failed{which}\n")  # fmt: skip
    if written and index is not None:
        stream.write(f"index of the issued files: {index.path}\n")
    return written, failed


def _cmd_issue(args: argparse.Namespace) -> int:
    key = load_signing_key(args.key)
    ec = (
        load_signing_key(args.examencommissie_key, "--examencommissie-key")
        if args.examencommissie_key
        else None
    )
    data = Path(args.data)
    if not data.is_file():
        raise UsageError(f"cannot read {args.data}: no such file")
    written, failed = run_issue(
        args.type, data, key, Path(args.out), examencommissie=ec, status_db=args.status_db,
        strict=args.strict, force=args.force, securing=args.format, holder_did=args.holder_did,
        jobs=check_jobs(args.jobs), mapping=sys.stdout, issuer=args.issuer,
        type_metadata=args.type_metadata,
    )  # fmt: skip
    if not written:
        raise UsageError(f"{data.name}: no usable row, nothing was issued (each row's "
                         "problem is above)")  # fmt: skip
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
        "exit codes: 0 all rows issued, 1 some rows failed, 2 nothing issued (no usable row) "
        "or bad usage (docs/sis-import.md)",
    )
    p.add_argument("--type", required=True, choices=list(WAARDEPAPIEREN), help="waardepapier")
    p.add_argument("--data", required=True, help="SIS export: .csv or .jsonl (docs/sis-import.md)")
    p.add_argument("--key", required=True, help=f"the bevoegd gezag's (issuer) {KEY_HELP}")
    p.add_argument(
        "--examencommissie-key",
        help="the examencommissie's key (a file, pkcs11: URI or aws-kms: reference, as --key): "
        "adds its proof, chained",
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
        choices=["data-integrity", "sd-jwt-vc", "vc+sd-jwt"],
        default="data-integrity",
        help="securing: Data Integrity (OBv3 JSON), SD-JWT VC (dc+sd-jwt), or the OBv3 JSON "
        "secured with SD-JWT (vc+sd-jwt, VC-JOSE-COSE)",
    )
    add_jobs_argument(p, "sign")
    p.add_argument(
        "--holder-did", help="sd-jwt-vc, vc+sd-jwt: the holder's did:key / did:jwk (cnf key)"
    )
    p.add_argument(
        "--issuer",
        metavar="URL",
        help="sd-jwt-vc: an https issuer URL as iss (its key in the jwt-vc-issuer metadata of "
        "'mbo-vc issuer metadata'; default: the instelling's DID)",
    )
    p.add_argument(
        "--type-metadata",
        metavar="DIR",
        help="sd-jwt-vc: the type metadata (file or folder) vct#integrity commits to "
        "(default: the published documents)",
    )
    p.set_defaults(func=_cmd_issue)
    return p
