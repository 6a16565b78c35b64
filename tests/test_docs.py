"""The examples in docs/ run, and the documented problem codes match the code."""

from __future__ import annotations

import re

import pytest

from mbo_vc.result import PROBLEM_CODES
from tests.helpers import ROOT

DOCS = sorted((ROOT / "docs").glob("*.md"))


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


@pytest.mark.parametrize("path", [p for p in DOCS if _python_blocks(p.read_text())],
                         ids=lambda p: p.name)  # fmt: skip
def test_doc_examples_run(path) -> None:
    namespace: dict[str, object] = {}
    for block in _python_blocks(path.read_text()):
        exec(compile(block, str(path), "exec"), namespace)


def test_every_problem_code_is_documented() -> None:
    text = (ROOT / "docs" / "verification.md").read_text()
    for code in PROBLEM_CODES:
        assert f"`{code}`" in text, code


def test_readme_links_exist() -> None:
    text = (ROOT / "README.md").read_text()
    for link in re.findall(r"\]\((docs/[^)#]+)\)", text):
        assert (ROOT / link).exists(), link
