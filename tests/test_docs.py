"""The examples in docs/ run as a reader runs them, the site lists every page, and the documented
problem codes match the code.

Each page's ``python`` blocks are written, in order, into one script in an empty folder outside
the checkout and run there by the installed interpreter: only the installed package can be
imported (no ``tests``, no checkout on ``sys.path``), and a snippet that needs a file makes it
itself. The script keeps each block at its line in the page, so a traceback names the page's
line.
"""

from __future__ import annotations

import ast
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mbo_vc.result import PROBLEM_CODES
from tests.helpers import ROOT

DOCS = sorted((ROOT / "docs").glob("*.md"))
_BLOCK = re.compile(r"^```python\n(.*?)^```", flags=re.S | re.M)


def _python_blocks(text: str) -> list[tuple[int, str]]:
    """Each ``python`` block of a page, with the line its code starts on (1-based)."""
    return [(text.count("\n", 0, m.start(1)) + 1, m.group(1)) for m in _BLOCK.finditer(text)]


def _script(text: str) -> str:
    """The page's python blocks as one script, each at its own line number."""
    lines: list[str] = []
    for start, block in _python_blocks(text):
        lines += [""] * (start - 1 - len(lines))
        lines += block.splitlines()
    return "\n".join(lines) + "\n"


def _outside_env() -> dict[str, str]:
    """The caller's environment without anything that would put the checkout on the path."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}


def _run_outside(script: str, folder: Path, name: str) -> subprocess.CompletedProcess[str]:
    path = folder / name
    path.write_text(script, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(path)], cwd=folder, env=_outside_env(), capture_output=True,
        text=True, timeout=600, check=False,
    )  # fmt: skip


def test_the_snippet_runner_sees_only_the_installed_package(tmp_path: Path) -> None:
    """The folder the snippets run in is outside the checkout, and ``tests`` is not importable
    there (a page that imports it fails, as it would for a reader)."""
    assert not tmp_path.resolve().is_relative_to(ROOT.resolve())
    probe = _run_outside(
        "import importlib.util, mbo_vc\n"
        "print(importlib.util.find_spec('tests') is None, mbo_vc.__name__)\n",
        tmp_path, "probe.py",
    )  # fmt: skip
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.split() == ["True", "mbo_vc"]


@pytest.mark.parametrize("path", [p for p in DOCS if _python_blocks(p.read_text())],
                         ids=lambda p: p.name)  # fmt: skip
def test_doc_examples_run_outside_the_checkout(path: Path, tmp_path: Path) -> None:
    work = tmp_path / "reader"
    work.mkdir()
    name = "snippets_" + re.sub(r"\W", "_", path.stem) + ".py"
    proc = _run_outside(_script(path.read_text(encoding="utf-8")), work, name)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"{path.name} (line numbers are the page's):\n{output[-4000:]}"
    # a batch whose workers could not start reports every item as failed, and may exit 0
    assert "batch_worker_failed" not in output, output[-4000:]
    assert "bootstrapping phase" not in output, output[-4000:]


def _starts_workers(block: str) -> bool:
    """Whether the block calls a batch function that starts a process pool (not ``jobs=1``)."""
    for node in ast.walk(ast.parse(block)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in (
            "verify_many", "sign_many", "issue_many",
        ):  # fmt: skip
            jobs = [k.value for k in node.keywords if k.arg == "jobs"]
            executor = [k for k in node.keywords if k.arg == "executor"]
            if not executor and not (jobs and getattr(jobs[0], "value", None) == 1):
                return True
    return False


def test_a_snippet_that_starts_worker_processes_has_its_main_guard() -> None:
    """Without ``if __name__ == "__main__":`` a forkserver/spawn worker runs the script again
    and fails, and every item comes back ``batch_worker_failed``: the guard is in the snippet."""
    found = 0
    for path in DOCS:
        for line, block in _python_blocks(path.read_text(encoding="utf-8")):
            if _starts_workers(block):
                found += 1
                assert 'if __name__ == "__main__":' in block, f"{path.name} line {line}"
    assert found >= 1


def test_no_snippet_imports_the_test_suite() -> None:
    for path in [*DOCS, ROOT / "README.md"]:
        for line, block in _python_blocks(path.read_text(encoding="utf-8")):
            assert not re.search(r"^\s*(from|import)\s+tests\b", block, re.M), (path.name, line)


# --- the site ------------------------------------------------------------------------------


def _nav_pages(nav: object) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [p for item in nav for p in _nav_pages(item)]
    if isinstance(nav, dict):
        return [p for value in nav.values() for p in _nav_pages(value)]
    return []


def _mkdocs() -> dict:
    yaml = pytest.importorskip("yaml")
    loaded = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_the_site_has_an_index_and_the_nav_lists_every_page() -> None:
    config = _mkdocs()
    pages = _nav_pages(config["nav"])
    assert (ROOT / "docs" / "index.md").exists()
    assert pages[0] == "index.md"
    assert sorted(pages) == sorted(p.name for p in DOCS), "every page once in the nav"
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    for page in pages[1:]:
        assert f"({page})" in index, f"the index links {page}"


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    """``make docs``: ``mkdocs build --strict`` (a broken link, a nav entry without its page, a
    page missing from the nav, a docstring mkdocstrings cannot read: each an error)."""
    pytest.importorskip("mkdocs")
    pytest.importorskip("mkdocstrings")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "site" / "index.html").exists()
    api = (tmp_path / "site" / "api" / "index.html").read_text(encoding="utf-8")
    for name in (
        *API_MODULES,
        "mbo_vc.SdJwtVcOptions",
        "mbo_vc.sd_jwt_vc.SdJwtVcOptions",
        "mbo_vc.keys.EcKey",
        "mbo_vc.baking.unbake",
        "mbo_vc.report.build_report",
    ):
        assert f'id="{name}"' in api, name


API_MODULES = (
    "mbo_vc", "mbo_vc.verification", "mbo_vc.result", "mbo_vc.errors", "mbo_vc.keys",
    "mbo_vc.sd_jwt", "mbo_vc.sd_jwt_vc", "mbo_vc.mbo", "mbo_vc.mbo.sd_jwt_vc",
    "mbo_vc.mbo.trust_list", "mbo_vc.oid4vc", "mbo_vc.status", "mbo_vc.render", "mbo_vc.report",
    "mbo_vc.baking",
)  # fmt: skip


def test_the_api_reference_covers_the_public_modules() -> None:
    api = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^::: (\S+)$", api, flags=re.M))
    assert set(API_MODULES) <= documented, sorted(set(API_MODULES) - documented)
    for module in documented:
        importlib.import_module(module)


_DOTTED = re.compile(r"`(mbo_vc(?:\.[A-Za-z_][A-Za-z0-9_]*)+)")


def _resolves(dotted: str) -> bool:
    """Whether ``mbo_vc.a.b.Name`` is a module, or a name importable from the module before it
    (``from mbo_vc.a.b import Name``)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False


def test_every_name_the_docs_give_is_importable_from_there() -> None:
    """``mbo_vc.x.Name`` in docs/ and the README means ``from mbo_vc.x import Name`` works."""
    wrong = []
    for path in [*DOCS, ROOT / "README.md"]:
        for dotted in sorted(set(_DOTTED.findall(path.read_text(encoding="utf-8")))):
            if not _resolves(dotted):
                wrong.append(f"{path.name}: {dotted}")
    assert not wrong, wrong


WALLET_NAMES = {
    "mbo_vc": ["verify", "SdJwtVcOptions", "EcKey", "Ed25519Key", "load_key"],
    "mbo_vc.sd_jwt": ["present", "parse", "SdJwt", "is_sd_jwt"],
    "mbo_vc.sd_jwt_vc": ["SdJwtVcOptions", "IssuerKey", "issue_sd_jwt_vc", "check_type_metadata"],
    "mbo_vc.mbo.sd_jwt_vc": ["issue_sd_jwt", "claims_of", "type_metadata",
                             "waardepapier_from_claims"],
    "mbo_vc.verification.status": ["TokenStatusCheck"],
}  # fmt: skip


def test_the_names_a_wallet_developer_needs_are_importable() -> None:
    for module, names in WALLET_NAMES.items():
        imported = importlib.import_module(module)
        for name in names:
            assert hasattr(imported, name), f"from {module} import {name}"
    import mbo_vc

    assert "SdJwtVcOptions" in mbo_vc.__all__ and "SdJwtVcOptions" in dir(mbo_vc)


def test_every_problem_code_is_documented() -> None:
    text = (ROOT / "docs" / "verification.md").read_text()
    for code in PROBLEM_CODES:
        assert f"`{code}`" in text, code


def _readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.find(f"## {title}")
    assert start >= 0, f"README has no section {title!r}"
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else len(text)]


def test_the_readme_says_what_is_skipped_without_shared(tmp_path: Path) -> None:
    """The README names ``../shared`` as the source of the reference vectors and names every
    test that is skipped without it: the tests that read it are run with it absent, and each
    one they skip must be in the README's list."""
    section = _readme_section("Reference vectors")
    assert "../shared" in section and "test_vectors/" in section
    readers = sorted(
        p for p in (ROOT / "tests").glob("test_*.py")
        if re.search(r"\bSHARED\b", p.read_text(encoding="utf-8"))
    )  # fmt: skip
    assert readers, "no test reads ../shared (then say so in the README)"
    report = tmp_path / "report.xml"
    env = {**os.environ, "MBO_VC_SHARED": str(tmp_path / "no-shared")}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}",
         *map(str, readers)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:]
    import xml.etree.ElementTree as ET

    skipped = {
        case.get("name", "").split("[")[0]
        for case in ET.parse(report).iter("testcase")
        if case.find("skipped") is not None
    }
    assert skipped, "nothing is skipped without ../shared?"
    for reader in readers:
        assert f"tests/{reader.name}" in section, reader.name
    missing = sorted(name for name in skipped if f"`{name}`" not in section)
    assert not missing, f"skipped without ../shared but not in the README: {missing}"


def test_readme_links_exist() -> None:
    text = (ROOT / "README.md").read_text()
    for link in re.findall(r"\]\((docs/[^)#]+)\)", text):
        assert (ROOT / link).exists(), link
