"""Shared fixtures: fixture-file loading and a loader with the test-only contexts."""

from __future__ import annotations

from typing import Any

import pytest

from mbo_vc import DocumentLoader
from mbo_vc.jsonld import read_pinned_folder
from tests.helpers import VECTORS


@pytest.fixture(scope="session")
def test_contexts() -> dict[str, dict[str, Any]]:
    """The test-only contexts (examples/v2, citizenship/v4rc1 …), sha256-checked."""
    return read_pinned_folder(VECTORS / "contexts")


@pytest.fixture(scope="session")
def vector_loader(test_contexts: dict[str, dict[str, Any]]) -> DocumentLoader:
    """A loader with the bundled contexts plus the W3C vectors' test-only contexts."""
    return DocumentLoader(extra=test_contexts)
