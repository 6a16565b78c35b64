"""The status registry on PostgreSQL (psycopg 3, the ``mbo_vc[postgres]`` extra): the same
:class:`~mbo_vc.status.store.SqlStatusStore` logic as SQLite, for many writers on many hosts.

Transactions run at READ COMMITTED with explicit row locks: an allocation or a status change
first takes ``SELECT … FOR UPDATE`` on its list's row (so allocations of one list, and the
list's version bumps, are serialised across hosts while other lists go on in parallel); a
publication takes the lock of its ``publish_state`` row; a snapshot for publishing is one
``REPEATABLE READ READ ONLY`` transaction. Serialisation failures and deadlocks are retried.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote

from mbo_vc.errors import StatusRegistryError, UsageError
from mbo_vc.status.store import SCHEMA_VERSION, SqlStatusStore

__all__ = ["PostgresStatusStore", "is_postgres_dsn", "redact_dsn", "scrub_dsn"]

_PREFIXES = ("postgresql://", "postgres://")

# One statement per item (a function body holds semicolons).
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS lists (
        pos BIGSERIAL UNIQUE,
        list_id TEXT PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        purpose TEXT NOT NULL,
        length INTEGER NOT NULL CHECK (length > 0),
        status_size INTEGER NOT NULL CHECK (status_size BETWEEN 1 AND 8),
        messages TEXT,
        created TEXT NOT NULL,
        issuer TEXT,
        series TEXT NOT NULL,
        generation INTEGER NOT NULL,
        index_policy TEXT NOT NULL,
        valid_for BIGINT,
        ttl BIGINT,
        version BIGINT NOT NULL DEFAULT 0,
        allocated INTEGER NOT NULL DEFAULT 0 CHECK (allocated <= length),
        UNIQUE (series, generation)
    )""",
    """CREATE TABLE IF NOT EXISTS entries (
        list_id TEXT NOT NULL REFERENCES lists(list_id),
        idx INTEGER NOT NULL CHECK (idx >= 0),
        credential_id TEXT,
        allocated_at TEXT NOT NULL,
        status INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (list_id, idx)
    )""",
    # a database made before lists knew their issuer
    "ALTER TABLE lists ADD COLUMN IF NOT EXISTS issuer TEXT",
    "CREATE INDEX IF NOT EXISTS entries_credential ON entries(credential_id)",
    "CREATE INDEX IF NOT EXISTS entries_set ON entries(list_id) WHERE status <> 0",
    """CREATE TABLE IF NOT EXISTS events (
        seq BIGSERIAL PRIMARY KEY,
        list_id TEXT NOT NULL,
        idx INTEGER NOT NULL,
        action TEXT NOT NULL,
        status INTEGER NOT NULL,
        reason TEXT,
        at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS events_entry ON events(list_id, idx)",
    """CREATE OR REPLACE FUNCTION mbo_vc_events_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the status event log is append-only'; END $$""",
    """CREATE OR REPLACE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
        FOR EACH ROW EXECUTE FUNCTION mbo_vc_events_append_only()""",
    """CREATE TABLE IF NOT EXISTS publications (
        list_id TEXT NOT NULL,
        upto_seq BIGINT NOT NULL,
        at TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        format TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS publish_state (
        list_id TEXT NOT NULL,
        format TEXT NOT NULL,
        version BIGINT NOT NULL,
        at TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        refresh_after TEXT,
        PRIMARY KEY (list_id, format)
    )""",
)
_SCHEMA_LOCK = 0x6D626F5F7663  # pg_advisory_xact_lock key: one schema creation at a time


def is_postgres_dsn(target: object) -> bool:
    """Whether ``target`` names a PostgreSQL database (``postgresql://…``)."""
    return isinstance(target, str) and target.startswith(_PREFIXES)


_KEYWORD_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S*)", re.IGNORECASE)
_QUERY_PASSWORD = re.compile(r"(?:^|&)password=([^&]*)", re.IGNORECASE)


def redact_dsn(dsn: str) -> str:
    """The DSN without its password (for messages and logs): a URL's ``user:password@``
    keeps the user, its query (``?password=…``, ``?sslpassword=…``) is dropped, and a
    keyword DSN's ``password=…`` becomes ``password=***``."""
    if not is_postgres_dsn(dsn):
        return _KEYWORD_PASSWORD.sub(r"\1***", dsn)
    scheme, sep, rest = dsn.partition("://")
    rest = rest.split("?", 1)[0]  # the query, before '@' is looked for: it may hold one
    authority, slash, path = rest.partition("/")
    creds, at, hostpart = authority.rpartition("@")
    if at:
        authority = f"{creds.split(':', 1)[0]}@{hostpart}"
    return f"{scheme}{sep}{authority}{slash}{path}"


def _passwords(dsn: str) -> set[str]:
    """Every password a DSN carries, as written and percent-decoded."""
    found: set[str] = set()
    if is_postgres_dsn(dsn):
        rest = dsn.partition("://")[2]
        authority, _, query = rest.partition("?")
        creds, at, _ = authority.split("/", 1)[0].rpartition("@")
        if at and ":" in creds:
            found.add(creds.split(":", 1)[1])
        found.update(m.group(1) for m in _QUERY_PASSWORD.finditer(query))
    else:
        found.update(m.group(2).strip("'") for m in _KEYWORD_PASSWORD.finditer(dsn))
    found |= {unquote(p) for p in found}
    return {p for p in found if p}


def scrub_dsn(text: str, dsn: str) -> str:
    """``text`` (a driver's message) with the DSN redacted and none of its passwords in it:
    libpq quotes the token it cannot parse, the password or the whole URI."""
    if dsn:
        text = text.replace(dsn, redact_dsn(dsn))
    for secret in sorted(_passwords(dsn), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


class PostgresStatusStore(SqlStatusStore):
    """A :class:`~mbo_vc.status.store.StatusStore` in a PostgreSQL database (``dsn``:
    ``postgresql://user@host:port/db``; libpq's environment and ``.pgpass`` apply)."""

    _begin = {"write": "BEGIN", "read": "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"}
    _for_update = " FOR UPDATE"
    _list_order = "pos"

    def __init__(self, dsn: str, *, connect_timeout: int = 10) -> None:
        try:
            import psycopg
        except ImportError:
            raise UsageError(
                "a postgresql:// status registry needs psycopg: pip install 'mbo_vc[postgres]'"
            ) from None
        self._psycopg = psycopg
        self.where = redact_dsn(dsn)
        try:
            self._conn = psycopg.connect(dsn, autocommit=True, connect_timeout=connect_timeout)
        except psycopg.Error as exc:
            raise StatusRegistryError(
                f"cannot open status registry {self.where}: {scrub_dsn(_line(exc), dsn)}"
            ) from None
        self._sql: dict[str, str] = {}
        self._init_schema()

    def _q(self, sql: str, params: Sequence[Any] = ()) -> Any:
        converted = self._sql.get(sql)
        if converted is None:
            converted = self._sql[sql] = sql.replace("?", "%s")
        return self._conn.execute(converted, tuple(params))

    def _db_error(self) -> tuple[type[BaseException], ...]:
        return (self._psycopg.Error,)

    def _is_retryable(self, exc: BaseException) -> bool:
        errors = self._psycopg.errors
        return isinstance(exc, errors.SerializationFailure | errors.DeadlockDetected)

    def _init_schema(self) -> None:
        def body() -> None:
            self._q("SELECT pg_advisory_xact_lock(?)", (_SCHEMA_LOCK,))
            if self._q("SELECT to_regclass('meta')").fetchone()[0] is not None:
                row = self._q("SELECT value FROM meta WHERE key='schema'").fetchone()
                if row is not None and row[0] == SCHEMA_VERSION and self._has_issuer():
                    return  # no DDL (it would lock the tables against running writers)
            for statement in _SCHEMA:
                self._q(statement)
            row = self._q("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None:
                self._q("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            elif row[0] != SCHEMA_VERSION:
                raise StatusRegistryError(
                    f"status registry {self.where} has schema {row[0]}, "
                    f"this version reads {SCHEMA_VERSION}"
                )

        self._transact("write", body)

    def _has_issuer(self) -> bool:
        """Whether the ``lists`` table (the one ``search_path`` finds) has the issuer column."""
        row = self._q(
            "SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('lists') "
            "AND attname = 'issuer' AND NOT attisdropped"
        ).fetchone()
        return row is not None

    def __enter__(self) -> PostgresStatusStore:
        return self


def _line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
