"""An attacker's and an operator's review of the issuer-side pieces: index.csv, the status
registry (file names, DSNs, --changed-only, huge indexes), PIN sources and issuer metadata."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from mbo_vc.cli.mbo import _Index


@pytest.mark.parametrize("payload", ["=HYPERLINK(\"x\")", "+1+1", "-2+3", "@SUM(A1)",
                                     "\t=1", "\r=1"])  # fmt: skip
def test_index_csv_neutralises_spreadsheet_formulas(tmp_path: Path, payload: str) -> None:
    """OWASP CSV injection: a cell from the SIS export (studentnummer, the file's name) or a
    credential id that a spreadsheet would run as a formula is prefixed with a single quote."""
    index = _Index(tmp_path / "index.csv", payload, None)
    index.add(2, {"studentnummer": payload}, tmp_path / f"{payload}.json", payload,
              (payload, 7))  # fmt: skip
    index.add(3, {"studentnummer": "500123"}, tmp_path / "a.json", "urn:uuid:1", None)
    index.close()
    with (tmp_path / "index.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[1] == [f"'{payload}", "2", f"'{payload}", f"'{payload}.json", f"'{payload}",
                       f"'{payload}", "7"]  # fmt: skip
    assert rows[2] == [f"'{payload}", "3", "500123", "a.json", "urn:uuid:1", "", ""]
