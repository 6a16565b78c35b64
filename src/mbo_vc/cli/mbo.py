"""``mbo-vc issue``: issue waardepapieren from a SIS export (CSV or JSON lines).

Each row becomes one signed credential in ``--out``; a bad row is reported with its line number
and field and the others go on. ``--jobs N`` signs on N worker processes (mbo_vc.batch). A
progress bar (on a terminal only) and a summary go to stderr; the exit code is 1 when any row
failed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from mbo_vc.batch import issue_many
from mbo_vc.cli._io import Progress, add_jobs_argument, check_jobs, load_key
from mbo_vc.errors import MboVcError, ModelValidationError, UsageError
from mbo_vc.keys import Key
from mbo_vc.mbo.model import WAARDEPAPIEREN, Waardepapier
from mbo_vc.mbo.sis import build, read_rows

__all__ = ["add_parser", "run_issue"]


def run_issue(
    kind: str,
    data: Path,
    key: Key,
    out: Path,
    *,
    examencommissie: Key | None = None,
    stream: TextIO | None = None,
    jobs: int = 1,
) -> tuple[list[Path], list[tuple[int, str]]]:
    """Issue one credential per row (on ``jobs`` worker processes); returns (written files,
    [(line, error message)])."""
    stream = stream or sys.stderr
    rows = list(read_rows(data))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {out}: {exc.strerror}") from None
    progress = Progress(len(rows), stream)
    written: list[Path] = []
    failed: list[tuple[int, str]] = []
    lines: deque[int] = deque()  # the line of each row handed to the batch, in order

    def fail(line: int, message: str, shown: str) -> None:
        failed.append((line, message))
        progress.note(f"line {line}: {shown}")
        progress.step()

    def papers() -> Iterator[Waardepapier]:
        for line, row in rows:
            try:
                paper = build(kind, row, default_issuer=key.did)
            except ModelValidationError as exc:
                field = f" [{exc.field}]" if exc.field else ""
                fail(line, f"{exc.message}{field}", f"{exc.code}{field}: {exc.message}")
                continue
            except MboVcError as exc:
                fail(line, exc.message, f"{exc.code}: {exc.message}")
                continue
            lines.append(line)
            yield paper

    for outcome in issue_many(papers(), key, examencommissie=examencommissie, jobs=jobs):
        line = lines.popleft()
        if outcome.problem is not None or outcome.document is None:
            problem = outcome.problem
            code, message = (problem.code, problem.message) if problem else ("internal_error", "")
            fail(line, message, f"{code}: {message}")
            continue
        path = out / f"{kind}-line{line:05d}.json"
        try:
            text = json.dumps(outcome.document, indent=2, ensure_ascii=False) + "\n"
            path.write_text(text, "utf-8")
        except OSError as exc:
            fail(line, f"cannot write: {exc.strerror}", f"cannot write: {exc.strerror}")
            continue
        written.append(path)
        progress.step()
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
    jobs = check_jobs(args.jobs)
    _, failed = run_issue(args.type, data, key, Path(args.out), examencommissie=ec, jobs=jobs)
    return 1 if failed else 0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``issue`` to the ``mbo-vc`` command line."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "issue", help="issue waardepapieren from a SIS export (CSV or JSON lines)"
    )
    p.add_argument("--type", required=True, choices=list(WAARDEPAPIEREN), help="waardepapier")
    p.add_argument("--data", required=True, help="SIS export: .csv or .jsonl (docs/sis-import.md)")
    p.add_argument("--key", required=True, help="bevoegd gezag key file (issuer)")
    p.add_argument(
        "--examencommissie-key", help="examencommissie key file: adds its proof, chained"
    )
    p.add_argument("--out", required=True, help="folder for the signed credentials")
    add_jobs_argument(p, "sign the rows")
    p.set_defaults(func=_cmd_issue)
    return p
