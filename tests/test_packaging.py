"""The wheel ships the pinned contexts, and an installed copy finds them from anywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0:
        pytest.fail(f"building the wheel failed: {proc.stderr[-2000:]}")
    (path,) = out.glob("mbo_vc-*.whl")
    return path


def test_wheel_contains_every_pinned_context(wheel: Path) -> None:
    manifest = json.loads((ROOT / "contexts" / "MANIFEST.json").read_text())
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        assert "mbo_vc/py.typed" in names
        assert "mbo_vc/_contexts/MANIFEST.json" in names
        for entry in manifest["contexts"]:
            name = f"mbo_vc/_contexts/{entry['file']}"
            assert name in names
            assert zf.read(name) == (ROOT / "contexts" / entry["file"]).read_bytes()


def test_installed_wheel_finds_contexts_from_anywhere(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
         str(target), str(wheel)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    code = (
        "import mbo_vc, mbo_vc.jsonld as j;"
        "print(mbo_vc.__file__);print(j.bundled_contexts_dir());"
        "print(len(j.DocumentLoader().load('https://www.w3.org/ns/credentials/v2')))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    module_file, contexts_dir, _ = proc.stdout.splitlines()
    assert module_file.startswith(str(target))
    assert contexts_dir.startswith(str(target))


@pytest.mark.installs
def test_base_install_runs_the_demo_and_the_html_report(wheel: Path, tmp_path: Path) -> None:
    """``pip install mbo_vc`` without extras, in a fresh venv: ``mbo-vc demo`` exits 0 and
    names the renderings it skipped and how to get them; ``verify --format html`` and
    ``render --out X.html`` work; ``render --out X.pdf`` is one clear error (exit 2)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    proc = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    probe = subprocess.run(
        [str(python), "-c", "import importlib.util as u;"
         "print([m for m in ('jinja2', 'segno', 'reportlab', 'pypdfium2') if u.find_spec(m)])"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert probe.stdout.strip() == "['jinja2', 'segno']"  # the base install, no extra
    cli = str(venv / "bin" / "mbo-vc")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    demo = tmp_path / "D"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([cli, *args], capture_output=True, text=True, timeout=600,
                              cwd=tmp_path, env=env)  # fmt: skip

    done = run("demo", "--out", str(demo))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert "demo: all steps behaved as expected" in done.stdout
    skipped = [line for line in done.stdout.splitlines() if line.startswith("skipped:")]
    assert len(skipped) == 2, skipped  # PDF and PNG, one line each
    assert all("pip install 'mbo_vc[render]'" in line for line in skipped)
    people = demo / "for-people"
    assert (people / "mbo-diploma.report.html").is_file()
    assert (people / "mbo-diploma.html").is_file()
    assert not (people / "mbo-diploma.pdf").exists() and not (people / "mbo-diploma.png").exists()
    assert (people / "mbo-diploma.baked.png").is_file()  # baking is not the extra

    paper = str(demo / "waardepapieren" / "mbo-verklaring.json")
    lists = str(demo / "status" / "lists")
    report = tmp_path / "R.html"
    verified = run("verify", paper, "--status-dir", lists, "--format", "html", "--out",
                   str(report))  # fmt: skip
    assert verified.returncode == 0, verified.stdout + verified.stderr
    page = report.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'data-verified="true"' in page
    rendered = run("render", paper, "--status-dir", lists, "--out", str(tmp_path / "P.html"))
    assert rendered.returncode == 0, rendered.stderr
    pdf = run("render", paper, "--status-dir", lists, "--out", str(tmp_path / "P.pdf"))
    assert pdf.returncode == 2
    assert pdf.stderr.count("\n") == 1 and "pip install 'mbo_vc[render]'" in pdf.stderr
    assert not (tmp_path / "P.pdf").exists()
