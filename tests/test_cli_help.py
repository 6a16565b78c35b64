"""``mbo-vc --version`` and the help texts: plain text with examples and exit codes, no
reStructuredText markup (issue 15 item 8)."""

from __future__ import annotations

import argparse
import re

import pytest

import mbo_vc
from mbo_vc.cli import build_parser, main

_RST = re.compile(r"``|:(class|func|mod|meth|data|attr):`")


def _parsers(parser: argparse.ArgumentParser, name: str = "mbo-vc"):
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _parsers(sub, f"{name} {sub_name}")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"mbo-vc {mbo_vc.__version__}"


def test_no_restructuredtext_in_any_help() -> None:
    names = []
    for name, parser in _parsers(build_parser()):
        text = parser.format_help()
        assert not _RST.search(text), (name, _RST.search(text))
        names.append(name)
    assert "mbo-vc trust-list build" in names and len(names) > 15


def test_top_level_help_has_examples_and_exit_codes() -> None:
    text = build_parser().format_help()
    assert "examples:" in text and "exit codes:" in text
    assert "mbo-vc issue --type mbo-diploma" in text and "  2  bad usage" in text


def test_make_docs_builds_the_api_reference_from_docstrings() -> None:
    from tests.helpers import ROOT

    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "strict: true" in config and "mkdocstrings" in config
    api = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert "::: mbo_vc.mbo.trust_list" in api
    assert "mkdocs build --strict" in (ROOT / "Makefile").read_text(encoding="utf-8")
