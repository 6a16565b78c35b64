"""Regenerate the code table in docs/verification.md from mbo_vc.errors.CODES."""

from __future__ import annotations

import re
from pathlib import Path

from mbo_vc.errors import CODES

DOC = Path(__file__).resolve().parents[1] / "docs" / "verification.md"


def table() -> str:
    """The markdown table of every code and its meaning."""
    rows = "\n".join(f"| `{code}` | {meaning} |" for code, meaning in CODES.items())
    return f"| code | meaning |\n|---|---|\n{rows}\n"


def main() -> None:
    text = DOC.read_text(encoding="utf-8")
    text = re.sub(r"\| code \| meaning \|\n\|---\|---\|\n(?:\|.*\|\n)*", table(), text)
    DOC.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
