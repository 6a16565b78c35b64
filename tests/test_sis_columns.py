"""SIS import (issue 20, item 15): the required and optional columns per waardepapier, as the
code defines them and docs/sis-import.md lists them; ``mbo-vc issue`` says which row became
which file (stdout and DIR/index.csv)."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mbo_vc import Ed25519Key
from mbo_vc.errors import ModelValidationError
from mbo_vc.mbo import sis
from mbo_vc.mbo.model import WAARDEPAPIEREN
from mbo_vc.mbo.sis import COLUMNS, NEEDS, ONE_OF, REQUIRED, build, read_rows
from tests.helpers import ROOT

SIS = ROOT / "test_vectors" / "sis"
EXAMPLES = {
    "mbo-diploma": SIS / "diplomas.csv",
    "mbo-certificaat": SIS / "certificaten.jsonl",
    "mbo-verklaring": SIS / "verklaringen.jsonl",
    "microcredential": SIS / "microcredentials.csv",
}
ISSUER = Ed25519Key.generate()


def example_row(kind: str) -> dict[str, Any]:
    return next(iter(read_rows(EXAMPLES[kind])))[1]


def _names(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def doc_table() -> dict[str, list[str]]:
    text = (ROOT / "docs" / "sis-import.md").read_text("utf-8")
    section = text.split("## Required and optional columns", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {_names(row.split("|")[1])[0]: row.split("|")[2:-1] for row in rows}


def test_the_doc_table_is_the_code() -> None:
    table = doc_table()
    assert sorted(table) == sorted(WAARDEPAPIEREN) == sorted(COLUMNS)
    for kind, (required, one_of, needs, optional) in table.items():
        assert _names(required) == list(REQUIRED[kind]), kind
        groups = [tuple(_names(g)) for g in one_of.split(";") if _names(g)]
        assert groups == list(ONE_OF.get(kind, ())), kind
        pairs = [tuple(_names(n)) for n in needs.split(";") if _names(n)]
        assert pairs == list(NEEDS.get(kind, {}).items()), kind
        in_groups = {c for g in groups for c in g}
        assert set(_names(optional)) == COLUMNS[kind] - set(REQUIRED[kind]) - in_groups, kind
        assert len(_names(optional)) == len(set(_names(optional)))


@pytest.mark.parametrize("kind", sorted(WAARDEPAPIEREN))
def test_required_columns_are_what_the_model_requires(kind: str) -> None:
    row = example_row(kind)
    cls = WAARDEPAPIEREN[kind]
    for name in REQUIRED[kind]:
        assert name in COLUMNS[kind]
        without = {k: v for k, v in row.items() if k != name}
        with pytest.raises(ModelValidationError):  # the model itself needs it
            sis._model(kind, cls, without, ISSUER.did)
        with pytest.raises(ModelValidationError) as info:  # and the error names the column
            build(kind, without, default_issuer=ISSUER.did)
        assert info.value.field == name and repr(name) in info.value.message
        with pytest.raises(ModelValidationError):
            build(kind, {**row, name: ""}, default_issuer=ISSUER.did)
    # the required columns (and one of each group) are enough: nothing else is required
    minimal = {k: row[k] for k in REQUIRED[kind]}
    for group in ONE_OF.get(kind, ()):
        minimal[group[0]] = row[group[0]]
    build(kind, minimal, default_issuer=ISSUER.did)


def test_one_of_groups() -> None:
    row = {k: v for k, v in example_row("mbo-certificaat").items() if k not in ("keuzedeelcode",)}
    cls = WAARDEPAPIEREN["mbo-certificaat"]
    with pytest.raises(ModelValidationError):
        sis._model("mbo-certificaat", cls, row, ISSUER.did)
    with pytest.raises(ModelValidationError, match="'keuzedeelcode' or 'crebo'"):
        build("mbo-certificaat", row, default_issuer=ISSUER.did)
    build("mbo-certificaat", {**row, "crebo": "25491"}, default_issuer=ISSUER.did)


@pytest.mark.parametrize(
    ("kind", "column", "value"),
    [
        ("mbo-verklaring", "praktijkopleider", "A. Jansen"),
        ("mbo-verklaring", "werkprocessen", "werkproces|B1-K1-W2|Voert uit|goed"),
        ("microcredential", "kwaliteitskader_url", "https://roc.example/kader"),
        ("microcredential", "kwaliteitskader_naam", "Kader"),
    ],
)
def test_a_column_that_needs_another_is_not_dropped(kind: str, column: str, value: str) -> None:
    needed = NEEDS[kind][column]
    row = {k: v for k, v in example_row(kind).items() if k not in (needed, *NEEDS[kind])}
    with pytest.raises(ModelValidationError) as info:
        build(kind, {**row, column: value}, default_issuer=ISSUER.did)
    assert info.value.field == needed


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mbo_vc.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=300)  # fmt: skip


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_issue_prints_and_indexes_row_to_file(tmp_path: Path, jobs: str) -> None:
    key = ISSUER.save(tmp_path / "bg.secret.json")
    db, out = tmp_path / "status.db", tmp_path / "out"
    assert run("status", "init", "--db", db, "--base-url", "https://roc.example/st").returncode == 0
    args = ["issue", "--type", "mbo-diploma", "--data", SIS / "diplomas.csv", "--key", key,
            "--status-db", db, "--out", out, "--jobs", jobs]  # fmt: skip
    proc = run(*args)
    assert proc.returncode == 1  # line 3 is bad on purpose
    printed = proc.stdout.splitlines()
    assert [line.split(":", 1)[0] for line in printed] == ["line 2", "line 4"]
    with (out / "index.csv").open(newline="", encoding="utf-8") as fh:
        index = list(csv.DictReader(fh))
    assert [r["line"] for r in index] == ["2", "4"]
    assert [r["studentnummer"] for r in index] == ["500123", "500125"]
    for entry, line in zip(index, printed, strict=True):
        path = out / entry["file"]
        assert line == f"line {entry['line']}: {path}"
        doc = json.loads(path.read_text("utf-8"))
        assert entry["data"] == "diplomas.csv"
        assert entry["credential_id"] == doc["id"]
        assert entry["status_list"] == doc["credentialStatus"]["statusListCredential"]
        assert entry["status_index"] == doc["credentialStatus"]["statusListIndex"]
    assert sorted(p.name for p in out.glob("*.json")) == sorted(r["file"] for r in index)
    assert f"index of the issued files: {out / 'index.csv'}" in proc.stderr
    # a second run into the same folder appends (one header)
    assert run(*args).returncode == 1
    lines = (out / "index.csv").read_text("utf-8").splitlines()
    assert len(lines) == 5 and lines[0].startswith("data,line,studentnummer,file")
