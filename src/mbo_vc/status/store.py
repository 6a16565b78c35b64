"""Where the status registry keeps its state: the :class:`StatusStore` interface, the SQL logic
that both backends share (:class:`SqlStatusStore`) and the embedded default
:class:`SqliteStatusStore`. :mod:`mbo_vc.status.postgres` puts the same logic on PostgreSQL.

Guarantees, on either backend, also with many writer processes (on many hosts for PostgreSQL)
and across crashes (``kill -9``):

- an index is handed out at most once: allocation locks the list's row (SQLite: the database
  write lock, ``BEGIN IMMEDIATE``; PostgreSQL: ``SELECT … FOR UPDATE``), inserts under the
  ``(list_id, idx)`` primary key, and returns only after the transaction committed;
- a status change is returned only after it committed, together with its append-only event and
  a bump of the list's ``version`` (under the same row lock, so versions commit in order);
- a published list is read in one consistent snapshot (all changes up to its version, every one
  committed before the publish began), and a file is replaced only while holding the list's
  publication lock and only by a version at least as new as the one last published, so a
  publish never un-sets a bit that an earlier publish set.
"""

from __future__ import annotations

import json
import os
import random
import re
import secrets
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable

from mbo_vc.errors import StatusListFullError, StatusRegistryError, UsageError
from mbo_vc.status.codec import MIN_ENTRIES, StatusMessage

__all__ = [
    "ACTIONS",
    "INDEX_POLICIES",
    "ListInfo",
    "Publication",
    "SqlStatusStore",
    "SqliteStatusStore",
    "StatusEvent",
    "StatusListFullError",
    "StatusStore",
]

ACTIONS = ("allocate", "revoke", "suspend", "unsuspend", "set")
INDEX_POLICIES = ("random", "sequential")
T = TypeVar("T")


@dataclass(frozen=True)
class ListInfo:
    """One status list: its local id, public URL, purpose, shape and settings, and its
    issuer's DID (``issuer``; None until the list is first attached to a credential or
    published).

    ``series`` / ``generation``: lists that roll over share the first list's id as ``series``
    and count up ``generation``. ``index_policy``: ``random`` (herd privacy, the default) or
    ``sequential``. ``valid_for`` and ``ttl`` (seconds, None: the publisher's default) are the
    published list's validity (``validUntil`` / ``exp``) and ``ttl``.
    """

    list_id: str
    url: str
    purpose: str
    length: int = MIN_ENTRIES
    status_size: int = 1
    messages: tuple[StatusMessage, ...] = ()
    created: str = ""
    issuer: str | None = None
    series: str = ""
    generation: int = 1
    index_policy: str = "random"
    valid_for: int | None = None
    ttl: int | None = None

    @property
    def bits(self) -> int:
        """Length of the bitstring in bits."""
        return self.length * self.status_size


@dataclass(frozen=True)
class StatusEvent:
    """One append-only record: what happened to an index, when, and why."""

    seq: int
    list_id: str
    index: int
    action: str
    status: int
    reason: str | None
    at: str


@dataclass(frozen=True)
class Publication:
    """The last publication of a list in one format: the list version it holds, when, the
    file's sha256, and when it is due again (half its validity or ttl)."""

    list_id: str
    format: str
    version: int
    at: str
    sha256: str
    refresh_after: str | None


@runtime_checkable
class StatusStore(Protocol):
    """Where the registry keeps lists, allocations, current statuses and the event log.

    Implementations must make ``allocate`` and ``change`` atomic and durable before they return,
    never return the same (list, index) from ``allocate`` twice, and bump the list's version
    with every change, in commit order.
    """

    def create_list(self, info: ListInfo) -> None:
        """Add a list (its ``list_id`` and ``url`` must be new)."""

    def get_list(self, list_id: str) -> ListInfo:
        """The list ``list_id`` (raises StatusRegistryError when unknown)."""

    def lists(self) -> list[ListInfo]:
        """All lists, oldest first."""

    def head(self, list_id: str) -> ListInfo:
        """The newest list of ``list_id``'s series (the one allocations go to)."""

    def successor(self, current: ListInfo, new: ListInfo) -> ListInfo:
        """The list after ``current`` in its series: ``new`` is created unless another writer
        already created the next generation, which is then returned."""

    def allocate(
        self, list_id: str, count: int, *, credential_ids: Sequence[str | None] | None, at: str
    ) -> list[int]:
        """Reserve ``count`` fresh indexes (all or none), committed before returning."""

    def change(
        self,
        list_id: str,
        index: int,
        *,
        action: str,
        status: int,
        allowed_from: frozenset[int] | None,
        reason: str | None,
        at: str,
    ) -> StatusEvent | None:
        """Set an allocated index's status and log the event atomically (None: no change)."""

    def status(self, list_id: str, index: int) -> int | None:
        """Current status of an index (None when it was never allocated)."""

    def snapshot(self, list_id: str) -> tuple[dict[int, int], int]:
        """All non-zero statuses of a list and the list's version, read consistently."""

    def version(self, list_id: str) -> int:
        """The list's version: the number of status changes committed to it."""

    def allocated(self, list_id: str) -> int:
        """How many indexes of the list were handed out."""

    def events(self, list_id: str | None = None, index: int | None = None) -> list[StatusEvent]:
        """The event log, oldest first, optionally for one list / index."""

    def published(self, list_id: str, fmt: str) -> Publication | None:
        """The last recorded publication of a list in a format (None: never published)."""

    def record_publication(
        self,
        publication: Publication,
        write: Callable[[], None],
    ) -> bool:
        """Under the list's publication lock: unless a newer version was published already
        (then return False), call ``write`` (which replaces the file) and record it."""

    def bind_issuer(self, list_id: str, issuer: str) -> str:
        """Record ``issuer`` as the list's issuer if it has none yet (atomically); return the
        list's issuer, which is another one when the list was bound before."""

    def close(self) -> None:
        """Release resources."""


_LIST_COLUMNS = (
    "list_id, url, purpose, length, status_size, messages, created, issuer, series, "
    "generation, index_policy, valid_for, ttl"
)
_PROBES = 32


class SqlStatusStore:
    """The store logic on a DB-API connection, shared by SQLite and PostgreSQL.

    Subclasses set the dialect (``_begin``, ``_for_update``, ``_list_order``), open
    ``self._conn`` and say which exceptions are integrity violations and retryable.
    """

    _begin = {"write": "BEGIN", "read": "BEGIN"}
    _for_update = ""
    _list_order = "rowid"
    _retries = 8
    where = "the status registry"

    # --- dialect hooks -------------------------------------------------------------------
    def _q(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement (``?`` placeholders) and return its cursor."""
        raise NotImplementedError

    def _is_retryable(self, exc: BaseException) -> bool:
        return False

    def _db_error(self) -> tuple[type[BaseException], ...]:
        return ()

    # Test seam: the crash tests override this to stop the process at a named point.
    def _checkpoint(self, name: str, detail: object = None) -> None:
        """Called at named points of a write (``allocate:inserted``, …); does nothing."""

    def _transact(self, mode: str, body: Callable[[], T]) -> T:
        """Run ``body`` in one transaction (retried on serialisation failures and deadlocks);
        a database error becomes a StatusRegistryError."""
        for attempt in range(self._retries):
            try:
                self._q(self._begin[mode])
                try:
                    result = body()
                except BaseException:
                    self._rollback()
                    raise
                try:
                    self._q("COMMIT")
                except BaseException:
                    self._rollback()
                    raise
                return result
            except self._db_error() as exc:
                if self._is_retryable(exc) and attempt + 1 < self._retries:
                    time.sleep(random.uniform(0, 0.01 * 2**attempt))  # noqa: S311 (backoff)
                    continue
                raise StatusRegistryError(f"{self.where}: {_first_line(exc)}") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _rollback(self) -> None:
        try:
            self._q("ROLLBACK")
        except self._db_error():
            pass  # the transaction is gone already (connection lost, or never began)

    def _read_one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        try:
            return self._q(sql, params).fetchone()
        except self._db_error() as exc:
            raise StatusRegistryError(f"{self.where}: {_first_line(exc)}") from None

    def _read_all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        try:
            return list(self._q(sql, params).fetchall())
        except self._db_error() as exc:
            raise StatusRegistryError(f"{self.where}: {_first_line(exc)}") from None

    # --- lists ---------------------------------------------------------------------------
    def create_list(self, info: ListInfo) -> None:
        """Add a list (its ``list_id`` and ``url`` must be new)."""

        def body() -> bool:
            return self._insert_list(info)

        if not self._transact("write", body):
            raise StatusRegistryError(
                f"a list with id {info.list_id!r} or URL {info.url!r} already exists"
            )

    def _insert_list(self, info: ListInfo) -> bool:
        messages = json.dumps([m.to_json() for m in info.messages]) if info.messages else None
        if info.index_policy not in INDEX_POLICIES:
            raise UsageError(f"index policy must be one of {', '.join(INDEX_POLICIES)}")
        row = self._q(
            f"INSERT INTO lists ({_LIST_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING RETURNING list_id",
            (
                info.list_id,
                info.url,
                info.purpose,
                info.length,
                info.status_size,
                messages,
                info.created,
                info.issuer,
                info.series or info.list_id,
                info.generation,
                info.index_policy,
                info.valid_for,
                info.ttl,
            ),
        ).fetchone()
        return row is not None

    @staticmethod
    def _info(row: Sequence[Any]) -> ListInfo:
        messages = tuple(
            StatusMessage(int(m["status"], 16), m["message"]) for m in json.loads(row[5] or "[]")
        )
        return ListInfo(
            row[0],
            row[1],
            row[2],
            int(row[3]),
            int(row[4]),
            messages,
            row[6],
            row[7],
            row[8],
            int(row[9]),
            row[10],
            None if row[11] is None else int(row[11]),
            None if row[12] is None else int(row[12]),
        )

    def get_list(self, list_id: str) -> ListInfo:
        """The list ``list_id`` (raises StatusRegistryError when unknown)."""
        row = self._read_one(f"SELECT {_LIST_COLUMNS} FROM lists WHERE list_id=?", (list_id,))
        if row is None:
            raise StatusRegistryError(f"no status list {list_id!r} in {self.where}")
        return self._info(row)

    def lists(self) -> list[ListInfo]:
        """All lists, oldest first."""
        rows = self._read_all(f"SELECT {_LIST_COLUMNS} FROM lists ORDER BY {self._list_order}")
        return [self._info(r) for r in rows]

    def head(self, list_id: str) -> ListInfo:
        """The newest list of ``list_id``'s series (the one allocations go to)."""
        row = self._read_one(
            f"SELECT {_LIST_COLUMNS} FROM lists WHERE series = "
            "(SELECT series FROM lists WHERE list_id=?) ORDER BY generation DESC LIMIT 1",
            (list_id,),
        )
        if row is None:
            raise StatusRegistryError(f"no status list {list_id!r} in {self.where}")
        return self._info(row)

    def successor(self, current: ListInfo, new: ListInfo) -> ListInfo:
        """The list after ``current`` in its series (``new`` unless it exists already); a new
        list inherits ``current``'s issuer as it is when the new list is created."""
        series = current.series or current.list_id
        sql = f"SELECT {_LIST_COLUMNS} FROM lists WHERE series=? AND generation=?"

        def body() -> Sequence[Any] | None:
            row = self._q(sql, (series, current.generation + 1)).fetchone()
            bound = self._q(
                "SELECT issuer FROM lists WHERE list_id=?", (current.list_id,)
            ).fetchone()
            made = new if bound is None or bound[0] is None else replace(new, issuer=bound[0])
            if row is None and self._insert_list(made):
                self._checkpoint("rollover:created", new.list_id)
            return row or self._q(sql, (series, current.generation + 1)).fetchone()

        row = self._transact("write", body)
        if row is None:
            raise StatusRegistryError(
                f"cannot roll over the full list {current.list_id!r}: a list with id "
                f"{new.list_id!r} or URL {new.url!r} exists outside its series"
            )
        return self._info(row)

    # --- allocation ----------------------------------------------------------------------
    def allocate(
        self,
        list_id: str,
        count: int = 1,
        *,
        credential_ids: Sequence[str | None] | None = None,
        at: str,
    ) -> list[int]:
        """Reserve ``count`` fresh indexes (all or none), committed before returning."""
        if count < 1:
            raise UsageError("count must be at least 1")
        if credential_ids is not None and len(credential_ids) != count:
            raise UsageError("give one credential id per allocated index")

        def body() -> list[int]:
            row = self._q(
                "SELECT length, allocated, index_policy FROM lists WHERE list_id=?"
                + self._for_update,
                (list_id,),
            ).fetchone()
            if row is None:
                raise StatusRegistryError(f"no status list {list_id!r} in {self.where}")
            length, used, policy = int(row[0]), int(row[1]), row[2]
            if used + count > length:
                raise StatusListFullError(
                    f"status list {list_id!r} has {length - used} free indexes, "
                    f"{count} requested: create another list"
                )
            picker = _Picker(self, list_id, length, used, policy)
            out: list[int] = []
            for n in range(count):
                cid = credential_ids[n] if credential_ids is not None else None
                index = picker.insert(cid, at)
                self._q(
                    "INSERT INTO events (list_id, idx, action, status, reason, at) "
                    "VALUES (?, ?, 'allocate', 0, NULL, ?)",
                    (list_id, index, at),
                )
                out.append(index)
                self._checkpoint("allocate:inserted", index)
            self._q("UPDATE lists SET allocated = allocated + ? WHERE list_id=?", (count, list_id))
            return out

        out = self._transact("write", body)
        self._checkpoint("allocate:committed", out)
        return out

    def change(
        self,
        list_id: str,
        index: int,
        *,
        action: str,
        status: int,
        allowed_from: frozenset[int] | None = None,
        reason: str | None = None,
        at: str,
    ) -> StatusEvent | None:
        """Set an allocated index's status and log the event atomically (None: no change)."""
        if action not in ACTIONS:
            raise UsageError(f"unknown action {action!r}")
        if not _storable(index):  # SQLite cannot even compare an integer of 2**63 or more
            raise StatusRegistryError(
                f"index {str(index)[:40]} of status list {list_id!r} was never allocated"
            )

        def body() -> StatusEvent | None:
            # Lock order, everywhere: the list's row, then its entries.
            if self._q(
                "SELECT version FROM lists WHERE list_id=?" + self._for_update, (list_id,)
            ).fetchone() is None:  # fmt: skip
                raise StatusRegistryError(f"no status list {list_id!r} in {self.where}")
            row = self._q(
                "SELECT status FROM entries WHERE list_id=? AND idx=?", (list_id, index)
            ).fetchone()
            if row is None:
                raise StatusRegistryError(
                    f"index {index} of status list {list_id!r} was never allocated"
                )
            current = int(row[0])
            if current == status:
                return None
            if allowed_from is not None and current not in allowed_from:
                raise StatusRegistryError(
                    f"cannot {action} index {index} of {list_id!r}: its status is {current}"
                )
            self._q(
                "UPDATE entries SET status=? WHERE list_id=? AND idx=?", (status, list_id, index)
            )
            self._q("UPDATE lists SET version = version + 1 WHERE list_id=?", (list_id,))
            seq = self._q(
                "INSERT INTO events (list_id, idx, action, status, reason, at) "
                "VALUES (?, ?, ?, ?, ?, ?) RETURNING seq",
                (list_id, index, action, status, reason, at),
            ).fetchone()[0]
            self._checkpoint("change:logged", (list_id, index))
            return StatusEvent(int(seq), list_id, index, action, status, reason, at)

        event = self._transact("write", body)
        if event is not None:
            self._checkpoint("change:committed", (list_id, index))
        return event

    # --- reading -------------------------------------------------------------------------
    def status(self, list_id: str, index: int) -> int | None:
        """Current status of an index (None when it was never allocated)."""
        if not _storable(index):
            return None
        row = self._read_one(
            "SELECT status FROM entries WHERE list_id=? AND idx=?", (list_id, index)
        )
        return None if row is None else int(row[0])

    def snapshot(self, list_id: str) -> tuple[dict[int, int], int]:
        """All non-zero statuses of a list and the list's version, read consistently."""

        def body() -> tuple[dict[int, int], int]:
            row = self._q("SELECT version FROM lists WHERE list_id=?", (list_id,)).fetchone()
            if row is None:
                raise StatusRegistryError(f"no status list {list_id!r} in {self.where}")
            rows = self._q(
                "SELECT idx, status FROM entries WHERE list_id=? AND status <> 0", (list_id,)
            ).fetchall()
            return {int(i): int(s) for i, s in rows}, int(row[0])

        return self._transact("read", body)

    def version(self, list_id: str) -> int:
        """The list's version: the number of status changes committed to it."""
        row = self._read_one("SELECT version FROM lists WHERE list_id=?", (list_id,))
        if row is None:
            raise StatusRegistryError(f"no status list {list_id!r} in {self.where}")
        return int(row[0])

    def allocated(self, list_id: str) -> int:
        """How many indexes of the list were handed out."""
        row = self._read_one("SELECT allocated FROM lists WHERE list_id=?", (list_id,))
        if row is None:
            raise StatusRegistryError(f"no status list {list_id!r} in {self.where}")
        return int(row[0])

    def allocated_indexes(self, list_id: str) -> list[int]:
        """Every allocated index of a list, ascending."""
        rows = self._read_all("SELECT idx FROM entries WHERE list_id=? ORDER BY idx", (list_id,))
        return [int(r[0]) for r in rows]

    def events(self, list_id: str | None = None, index: int | None = None) -> list[StatusEvent]:
        """The event log, oldest first, optionally for one list / index."""
        sql = "SELECT seq, list_id, idx, action, status, reason, at FROM events"
        args: list[str | int] = []
        if list_id is not None:
            sql += " WHERE list_id=?"
            args.append(list_id)
            if index is not None:
                if not _storable(index):
                    return []
                sql += " AND idx=?"
                args.append(index)
        rows = self._read_all(sql + " ORDER BY seq", args)
        return [StatusEvent(int(r[0]), r[1], int(r[2]), r[3], int(r[4]), r[5], r[6]) for r in rows]

    # --- publication ---------------------------------------------------------------------
    def published(self, list_id: str, fmt: str) -> Publication | None:
        """The last recorded publication of a list in a format (None: never published)."""
        row = self._read_one(
            "SELECT version, at, sha256, refresh_after FROM publish_state "
            "WHERE list_id=? AND format=? AND version >= 0",
            (list_id, fmt),
        )
        return None if row is None else Publication(list_id, fmt, int(row[0]), *row[1:])

    def record_publication(self, publication: Publication, write: Callable[[], None]) -> bool:
        """Under the list's publication lock: unless a newer version was published already
        (then return False), call ``write`` (which replaces the file) and record it."""
        p = publication

        def body() -> bool:
            self._q(
                "INSERT INTO publish_state (list_id, format, version, at, sha256) "
                "VALUES (?, ?, -1, '', '') ON CONFLICT DO NOTHING",
                (p.list_id, p.format),
            )
            row = self._q(
                "SELECT version FROM publish_state WHERE list_id=? AND format=?" + self._for_update,
                (p.list_id, p.format),
            ).fetchone()
            if int(row[0]) > p.version:
                return False  # a newer list is out already: never go back
            write()
            self._q(
                "UPDATE publish_state SET version=?, at=?, sha256=?, refresh_after=? "
                "WHERE list_id=? AND format=?",
                (p.version, p.at, p.sha256, p.refresh_after, p.list_id, p.format),
            )
            self._q(
                "INSERT INTO publications (list_id, upto_seq, at, sha256, format) "
                "VALUES (?, ?, ?, ?, ?)",
                (p.list_id, p.version, p.at, p.sha256, p.format),
            )
            return True

        return self._transact("write", body)

    def bind_issuer(self, list_id: str, issuer: str) -> str:
        """Record ``issuer`` as the list's issuer if it has none yet; return the list's issuer
        (another one when the list was bound before)."""

        def body() -> str:
            self._q(
                "UPDATE lists SET issuer=? WHERE list_id=? AND issuer IS NULL", (issuer, list_id)
            )
            row = self._q("SELECT issuer FROM lists WHERE list_id=?", (list_id,)).fetchone()
            if row is None:
                raise StatusRegistryError(f"no status list {list_id!r} in {self.where}")
            return str(row[0])

        return self._transact("write", body)

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    _conn: Any


class _Picker:
    """Chooses the indexes of one allocation transaction (the list's row is locked)."""

    def __init__(self, store: SqlStatusStore, list_id: str, length: int, used: int, policy: str):
        self.store, self.list_id, self.length, self.used = store, list_id, length, used
        self.policy = policy
        self.free: list[int] | None = None

    def _try(self, index: int, cid: str | None, at: str) -> bool:
        row = self.store._q(
            "INSERT INTO entries (list_id, idx, credential_id, allocated_at, status) "
            "VALUES (?, ?, ?, ?, 0) ON CONFLICT DO NOTHING RETURNING idx",
            (self.list_id, index, cid, at),
        ).fetchone()
        return row is not None

    def insert(self, cid: str | None, at: str) -> int:
        self.used += 1
        if self.free is None:
            if self.policy == "sequential":
                candidates = [self.used - 1]
            elif self.used < self.length * 0.9:  # random probing is fast while sparse
                candidates = [secrets.randbelow(self.length) for _ in range(_PROBES)]
            else:
                candidates = []
            for index in candidates:
                if index < self.length and self._try(index, cid, at):
                    return index
            rows = self.store._q(
                "SELECT idx FROM entries WHERE list_id=?", (self.list_id,)
            ).fetchall()
            taken = {int(r[0]) for r in rows}
            self.free = [i for i in range(self.length) if i not in taken]
        if not self.free:
            raise StatusListFullError(f"status list {self.list_id!r} is full")
        pick = 0 if self.policy == "sequential" else secrets.randbelow(len(self.free))
        index = self.free.pop(pick)
        if not self._try(index, cid, at):  # pragma: no cover (the row lock rules it out)
            raise StatusRegistryError(f"index {index} of {self.list_id!r} was taken concurrently")
        return index


_SQLITE_V1 = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS lists (
    list_id TEXT PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    purpose TEXT NOT NULL,
    length INTEGER NOT NULL CHECK (length > 0),
    status_size INTEGER NOT NULL CHECK (status_size BETWEEN 1 AND 8),
    messages TEXT,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (
    list_id TEXT NOT NULL REFERENCES lists(list_id),
    idx INTEGER NOT NULL CHECK (idx >= 0),
    credential_id TEXT,
    allocated_at TEXT NOT NULL,
    status INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (list_id, idx)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entries_credential ON entries(credential_id);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    list_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    action TEXT NOT NULL,
    status INTEGER NOT NULL,
    reason TEXT,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_entry ON events(list_id, idx);
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'the status event log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'the status event log is append-only'); END;
CREATE TABLE IF NOT EXISTS publications (
    list_id TEXT NOT NULL,
    upto_seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    sha256 TEXT NOT NULL
)
"""
# Schema 2 (roll-over, settings, per-list versions, publication state): applied to every new
# registry after schema 1, so the upgrade of an existing file is the path every test takes.
# The lists' issuer column is added after either, when missing: schema-1 files were made with
# and without it, and so were schema-2 files before the issuer was recorded.
_SQLITE_V1_TO_V2 = """
ALTER TABLE lists ADD COLUMN series TEXT;
ALTER TABLE lists ADD COLUMN generation INTEGER NOT NULL DEFAULT 1;
ALTER TABLE lists ADD COLUMN index_policy TEXT NOT NULL DEFAULT 'random';
ALTER TABLE lists ADD COLUMN valid_for INTEGER;
ALTER TABLE lists ADD COLUMN ttl INTEGER;
ALTER TABLE lists ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE lists ADD COLUMN allocated INTEGER NOT NULL DEFAULT 0;
UPDATE lists SET series = list_id,
    allocated = (SELECT count(*) FROM entries e WHERE e.list_id = lists.list_id),
    version = (SELECT count(*) FROM events v WHERE v.list_id = lists.list_id
               AND v.action <> 'allocate');
CREATE UNIQUE INDEX lists_series ON lists(series, generation);
CREATE INDEX entries_set ON entries(list_id) WHERE status <> 0;
ALTER TABLE publications ADD COLUMN format TEXT NOT NULL DEFAULT 'bitstring';
CREATE TABLE publish_state (
    list_id TEXT NOT NULL,
    format TEXT NOT NULL,
    version INTEGER NOT NULL,
    at TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    refresh_after TEXT,
    PRIMARY KEY (list_id, format)
)
"""
SCHEMA_VERSION = "2"


class SqliteStatusStore(SqlStatusStore):
    """The embedded default :class:`StatusStore`: one SQLite file (WAL, synchronous=FULL).

    Safe for several processes on one host: writers serialise on ``BEGIN IMMEDIATE`` (waiting
    up to ``busy_timeout`` seconds), and ``(list_id, idx)`` is the entries table's primary key.
    """

    _begin = {"write": "BEGIN IMMEDIATE", "read": "BEGIN"}

    def __init__(self, path: str | os.PathLike[str], *, busy_timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.where = str(self.path)
        try:
            self._conn = sqlite3.connect(str(self.path), timeout=busy_timeout, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        except sqlite3.Error as exc:
            raise StatusRegistryError(f"cannot open status registry {path}: {exc}") from None
        self._init_schema()

    def _q(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._conn.execute(sql, params)

    def _db_error(self) -> tuple[type[BaseException], ...]:
        return (sqlite3.Error,)

    def _init_schema(self) -> None:
        def body() -> None:
            for statement in _SQLITE_V1.split(";\n"):
                self._q(statement)
            row = self._q("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None:
                self._q("INSERT INTO meta VALUES ('schema', '1')")
                row = ("1",)
            if row[0] == "1":
                for statement in _SQLITE_V1_TO_V2.split(";\n"):
                    self._q(statement)
                self._q("UPDATE meta SET value=? WHERE key='schema'", (SCHEMA_VERSION,))
            elif row[0] != SCHEMA_VERSION:
                raise StatusRegistryError(
                    f"status registry {self.path} has schema {row[0]}, "
                    f"this version reads {SCHEMA_VERSION}"
                )
            columns = {r[1] for r in self._q("PRAGMA table_info(lists)").fetchall()}
            if "issuer" not in columns:  # made before lists knew their issuer
                self._q("ALTER TABLE lists ADD COLUMN issuer TEXT")

        try:
            self._transact("write", body)
        except StatusRegistryError as exc:
            if "schema" in str(exc):
                raise
            raise StatusRegistryError(f"{self.path} is not a status registry: {exc}") from None

    def __enter__(self) -> SqliteStatusStore:
        return self


def successor_names(series: ListInfo, generation: int) -> tuple[str, str]:
    """The id and URL of generation ``generation`` of a series whose first list is ``series``:
    ``revocation-1`` → ``revocation-2`` (a trailing number counts up), ``r`` → ``r-2``; the
    URL's last segment follows the id when it was the id, else gets the same suffix."""
    match = re.fullmatch(r"(.*?)-?(\d+)", series.list_id)
    if match and match.group(1):
        stem, first = match.group(1), int(match.group(2))
        sep = "-" if series.list_id[len(stem)] == "-" else ""
        list_id = f"{stem}{sep}{first + generation - 1}"
    else:
        list_id = f"{series.list_id}-{generation}"
    head, _, last = series.url.rstrip("/").rpartition("/")
    url = f"{head}/{list_id}" if last == series.list_id else f"{series.url}-{generation}"
    return list_id, url


def _storable(index: object) -> bool:
    """Whether ``index`` can be an entry's index in either database (an int, 0 to 2**31-1)."""
    return isinstance(index, int) and not isinstance(index, bool) and 0 <= index < 2**31


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
