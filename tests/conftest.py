"""Shared fixtures: fixture-file loading and a loader with the test-only contexts."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mbo_vc import DocumentLoader
from mbo_vc.jsonld import read_pinned_folder
from tests.helpers import VECTORS
from tests.pg_server import PostgresServer, missing_reason, running_server


@pytest.fixture(scope="session")
def test_contexts() -> dict[str, dict[str, Any]]:
    """The test-only contexts (examples/v2, citizenship/v4rc1 …), sha256-checked."""
    return read_pinned_folder(VECTORS / "contexts")


@pytest.fixture(scope="session")
def vector_loader(test_contexts: dict[str, dict[str, Any]]) -> DocumentLoader:
    """A loader with the bundled contexts plus the W3C vectors' test-only contexts."""
    return DocumentLoader(extra=test_contexts)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for this test session (started on first use). Skips when no server
    can be run here; in CI (CI=true) that is a failure: CI must run the PostgreSQL tests."""
    reason = missing_reason()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests (make postgres): {reason}")
        pytest.skip(reason)
    with running_server() as server:
        yield server


@pytest.fixture
def postgres_dsn(postgres_server: PostgresServer) -> str:
    """The DSN of a fresh, empty database on the session's PostgreSQL server."""
    return postgres_server.create_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def status_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A status registry target on each backend: a SQLite path, then a PostgreSQL DSN."""
    if request.param == "sqlite":
        return str(tmp_path / "registry.db")
    return str(request.getfixturevalue("postgres_dsn"))
