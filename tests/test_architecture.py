"""The house: one direction of imports, no cycles (function-local imports included), the command
line and the demo on top, and the contracts `make test` runs cover every top-level module."""

from __future__ import annotations

import configparser
import subprocess
import sys

import grimp

from tests.helpers import ROOT


def _graph() -> grimp.ImportGraph:
    return grimp.build_graph("mbo_vc", exclude_type_checking_imports=True)


def test_no_module_is_part_of_an_import_cycle() -> None:
    """Strongly connected components of the module graph (every import, at any depth in a
    function or not, except ``if TYPE_CHECKING`` blocks) all have size one."""
    graph = _graph()
    modules = sorted(graph.modules)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def connect(v: str) -> None:  # Tarjan, iterative enough for ~100 modules
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.find_modules_directly_imported_by(v)):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    for module in modules:
        if module not in index:
            connect(module)
    assert cycles == [], cycles


def test_nothing_below_imports_the_command_line_or_the_demo() -> None:
    graph = _graph()
    for module in sorted(graph.modules):
        if module.startswith(("mbo_vc.cli", "mbo_vc.demo")) or module == "mbo_vc":
            continue
        imported = graph.find_modules_directly_imported_by(module)
        bad = sorted(m for m in imported if m.startswith(("mbo_vc.cli", "mbo_vc.demo")))
        assert not bad, (module, bad)


def test_the_layers_contract_names_every_top_level_module() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    layers = config["importlinter:contract:layers"]["layers"]
    named = {m.strip() for line in layers.splitlines() for m in line.replace("|", ":").split(":")}
    graph = _graph()
    top = {".".join(m.split(".")[:2]) for m in graph.modules if m.count(".") >= 1}
    assert top - named == set(), sorted(top - named)


def test_import_linter_contracts_are_kept() -> None:
    lint = ROOT / ".venv" / "bin" / "lint-imports"
    cmd = [str(lint)] if lint.exists() else [sys.executable, "-m", "importlinter.cli"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 kept, 0 broken" in proc.stdout
