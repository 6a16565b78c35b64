"""Regenerate the problem-code table in docs/verification.md from mbo_vc.result.PROBLEM_CODES."""

from __future__ import annotations

import re
from pathlib import Path

from mbo_vc.result import PROBLEM_CODES

DOC = Path(__file__).resolve().parents[1] / "docs" / "verification.md"


def main() -> None:
    rows = "\n".join(f"| `{code}` | {meaning} |" for code, meaning in PROBLEM_CODES.items())
    table = f"| code | meaning |\n|---|---|\n{rows}\n"
    text = DOC.read_text(encoding="utf-8")
    text = re.sub(r"\| code \| meaning \|\n\|---\|---\|\n(?:\|.*\|\n)*", table, text)
    DOC.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
