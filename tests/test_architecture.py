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


def test_cli_command_table_matches_what_the_modules_register() -> None:
    """mbo_vc.cli.COMMANDS (read without importing the command modules) names each command,
    its module and its help exactly as the modules register them."""
    import argparse

    from mbo_vc.cli import COMMANDS, build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    registered = {c.dest: c.help for c in sub._choices_actions}
    assert registered == {name: help_text for name, (_, help_text) in COMMANDS.items()}
    for name, (module, _) in COMMANDS.items():
        only = build_parser(name, full=False)
        only_sub = next(a for a in only._actions if isinstance(a, argparse._SubParsersAction))
        assert only_sub.choices[name]._actions, module  # the real parser, with its arguments
        stubs = [c for c, (m, _) in COMMANDS.items() if m != module]
        assert all(not only_sub.choices[c]._actions for c in stubs)


def test_help_and_a_command_import_only_what_they_use() -> None:
    """`mbo-vc --help` imports no command module and no JSON-LD processor; `mbo-vc verify`
    does not import the mbo models (pydantic) nor the status registry."""
    import subprocess
    import sys

    probe = (
        "import sys, contextlib, io\n"
        "from mbo_vc.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try: main(sys.argv[1:])\n"
        "    except SystemExit: pass\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith(('mbo_vc', 'pyld', "
        "'pydantic', 'sqlite3')))))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe, "--help"], capture_output=True,
                         text=True, check=True).stdout.split()  # fmt: skip
    assert not [m for m in out if m.startswith(("pyld", "pydantic", "mbo_vc.cli."))], out
    out = subprocess.run([sys.executable, "-c", probe, "verify", "--help"], capture_output=True,
                         text=True, check=True).stdout.split()  # fmt: skip
    assert "mbo_vc.cli.verify" in out
    assert not [m for m in out if m.startswith(("pydantic", "mbo_vc.mbo", "sqlite3"))], out
