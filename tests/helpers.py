"""Helpers shared by the tests: where the fixture files are and how to read them."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VECTORS = ROOT / "test_vectors"
SHARED = Path(os.environ.get("MBO_VC_SHARED") or ROOT.parent / "shared")
"""The read-only reference data next to the checkout (``../shared``: published vectors,
contexts, schemas); ``MBO_VC_SHARED`` points elsewhere. Tests that read it skip without it
(README, "Reference vectors")."""


def load_vector(relative: str) -> dict[str, Any]:
    """Read one fixture file from test_vectors/."""
    return json.loads((VECTORS / relative).read_text(encoding="utf-8"))


INTEROP_JS = ROOT / "interop" / "js"


def js_stack_missing(*packages: str) -> str | None:
    """Why the JS reference stack, with each npm package of ``packages`` (default
    ``@digitalbazaar/vc``), cannot run here (None when it can)."""
    import shutil

    if shutil.which("node") is None:
        return "Node.js is not installed"
    for package in packages or ("@digitalbazaar/vc",):
        if not (INTEROP_JS / "node_modules" / package).is_dir():
            return (
                f"interop/js/node_modules lacks {package}: run `npm ci --prefix interop/js` "
                "(make test does)"
            )
    return None


def run_js(script: str, *args: str, payload: Any = None) -> tuple[int, Any]:
    """Run an interop/js script with JSON on stdin; return (exit code, parsed JSON stdout)."""
    import subprocess

    proc = subprocess.run(
        ["node", str(INTEROP_JS / script), *args],
        input=json.dumps(payload).encode() if payload is not None else b"",
        capture_output=True,
        timeout=120,
    )
    try:
        out = json.loads(proc.stdout) if proc.stdout.strip() else None
    except ValueError:
        out = proc.stdout.decode(errors="replace")
    return proc.returncode, out
