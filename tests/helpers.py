"""Helpers shared by the tests: where the fixture files are and how to read them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VECTORS = ROOT / "test_vectors"
SHARED = ROOT.parent / "shared"


def load_vector(relative: str) -> dict[str, Any]:
    """Read one fixture file from test_vectors/."""
    return json.loads((VECTORS / relative).read_text(encoding="utf-8"))
