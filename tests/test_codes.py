"""One error vocabulary: every code an exception or a result can carry is in the one documented
list, and an exception's class matches its code."""

from __future__ import annotations

import ast
import importlib
import re

import mbo_vc.errors as errors
from mbo_vc.errors import CODES, WARNING_CODES, MboVcError
from tests.helpers import ROOT

SRC = ROOT / "src" / "mbo_vc"


def _classes() -> list[type[MboVcError]]:
    return errors._all_classes()


def test_each_exception_class_has_its_own_documented_code() -> None:
    seen: dict[str, type[MboVcError]] = {}
    for cls in _classes():
        code = cls.__dict__.get("code")
        assert code is not None, f"{cls.__name__} inherits its code"
        assert code in CODES, (cls.__name__, code)
        assert code not in seen, f"{cls.__name__} and {seen[code].__name__} share {code}"
        seen[code] = cls


def test_an_exception_always_carries_its_class_code() -> None:
    for cls in _classes():
        args: dict[str, object] = {}
        exc = cls("a message", **args)  # type: ignore[arg-type]
        assert exc.code == cls.code
        assert errors.error_class_for(cls.code) is cls


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)]


def _name(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def test_no_raise_site_overrides_a_code_and_every_literal_code_is_listed() -> None:
    used: set[str] = set()
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _calls(tree):
            name = _name(call)
            if name.endswith("Error") and any(k.arg == "code" for k in call.keywords):
                raise AssertionError(f"{path.name}: {name}(code=…) overrides a class code")
            if name in ("Problem", "add", "warn") and call.args:
                first = call.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    if (re.fullmatch(r"[a-z_]+", first.value) and name == "Problem") or (
                        name in ("add", "warn") and re.fullmatch(r"[a-z]+(_[a-z]+)+", first.value)
                    ):
                        used.add(first.value)
        for node in ast.walk(tree):  # MboVcError itself is never raised
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                assert _name(node.exc) != "MboVcError", path.name
    assert used, "the scan found no literal codes"
    unknown = sorted(used - set(CODES))
    assert not unknown, unknown


def test_the_documented_table_is_the_list() -> None:
    text = (ROOT / "docs" / "verification.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| (.*) \|$", text, flags=re.M))
    assert rows == CODES
    assert WARNING_CODES <= set(CODES)
    for code in WARNING_CODES:
        assert CODES[code].startswith("(warning)"), code


def test_the_doc_names_the_module_of_every_step() -> None:
    """Every ``mbo_vc.…`` name in docs/verification.md exists (a module, or a name in one), so
    a newcomer finds each check where the doc says it lives."""
    text = (ROOT / "docs" / "verification.md").read_text(encoding="utf-8")
    names = set(re.findall(r"`(mbo_vc(?:\.[A-Za-z_]+)+)`", text))
    assert len(names) > 15
    for name in sorted(names):
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:
            parent, _, attr = name.rpartition(".")
            assert hasattr(importlib.import_module(parent), attr), name
