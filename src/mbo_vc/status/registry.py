"""The issuer's status registry: allocate status list indexes, record revoke / suspend /
unsuspend, and publish signed ``BitstringStatusListCredential`` documents.

State lives behind the small :class:`StatusStore` interface; :class:`SqliteStatusStore` (stdlib
``sqlite3``, WAL, ``synchronous=FULL``) is the embedded default, and a service can put the same
interface on PostgreSQL. Guarantees, also across processes and crashes (``kill -9``):

- an index is handed out at most once per list: allocation picks at random (herd privacy)
  and inserts under the table's primary key inside a ``BEGIN IMMEDIATE`` transaction, and an
  index is returned only after that transaction committed;
- a status change is returned only after it committed, together with its append-only event
  (time, action, reason); the published list is always built from the committed state;
- a published file is written to a temporary file, fsynced and renamed over the old one, so a
  reader sees the old or the new list, never a torn one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from mbo_vc.errors import StatusListError, StatusRegistryError, UsageError
from mbo_vc.keys import EcKey, Ed25519Key, Key
from mbo_vc.signing import sign
from mbo_vc.status.codec import (
    LIST_CREDENTIAL_TYPE,
    LIST_TYPE,
    MIN_ENTRIES,
    STATUS_PURPOSES,
    Bitstring,
    StatusEntry,
    StatusMessage,
    parse_status_entry,
)
from mbo_vc.status.token_status_list import (
    ALLOWED_BITS,
    INVALID,
    SUSPENDED,
    StatusListReference,
    TokenStatusList,
    sign_status_list_token,
)
from mbo_vc.timestamps import format_timestamp

__all__ = [
    "ListInfo",
    "SqliteStatusStore",
    "StatusEvent",
    "StatusRegistry",
    "StatusStore",
    "write_atomic",
]

VC_V2 = "https://www.w3.org/ns/credentials/v2"
ACTIONS = ("allocate", "revoke", "suspend", "unsuspend", "set")


@dataclass(frozen=True)
class ListInfo:
    """One status list: its local id, public URL, purpose and shape, and its issuer's DID
    (None until the list is first attached to a credential or published)."""

    list_id: str
    url: str
    purpose: str
    length: int = MIN_ENTRIES
    status_size: int = 1
    messages: tuple[StatusMessage, ...] = ()
    created: str = ""
    issuer: str | None = None

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


@runtime_checkable
class StatusStore(Protocol):
    """Where the registry keeps lists, allocations, current statuses and the event log.

    Implementations must make ``allocate`` and ``change`` atomic and durable before they return,
    and must never return the same (list, index) from ``allocate`` twice.
    """

    def create_list(self, info: ListInfo) -> None:
        """Add a list (its ``list_id`` and ``url`` must be new)."""

    def get_list(self, list_id: str) -> ListInfo:
        """The list ``list_id`` (raises StatusRegistryError when unknown)."""

    def lists(self) -> list[ListInfo]:
        """All lists, oldest first."""

    def allocate(
        self, list_id: str, count: int, *, credential_ids: Sequence[str | None] | None, at: str
    ) -> list[int]:
        """Reserve ``count`` fresh random indexes (all or none), committed before returning."""

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
        """All non-zero statuses of a list and the last event seq, read consistently."""

    def allocated(self, list_id: str) -> int:
        """How many indexes of the list were handed out."""

    def events(self, list_id: str | None = None, index: int | None = None) -> list[StatusEvent]:
        """The event log, oldest first, optionally for one list / index."""

    def record_publication(self, list_id: str, upto_seq: int, at: str, sha256: str) -> None:
        """Note that the list was published including all events up to ``upto_seq``."""

    def bind_issuer(self, list_id: str, issuer: str) -> str:
        """Record ``issuer`` as the list's issuer if it has none yet (atomically); return the
        list's issuer, which is another one when the list was bound before."""

    def close(self) -> None:
        """Release resources."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS lists (
    list_id TEXT PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    purpose TEXT NOT NULL,
    length INTEGER NOT NULL CHECK (length > 0),
    status_size INTEGER NOT NULL CHECK (status_size BETWEEN 1 AND 8),
    messages TEXT,
    created TEXT NOT NULL,
    issuer TEXT
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
);
"""
_SCHEMA_VERSION = "1"


class SqliteStatusStore:
    """The embedded default :class:`StatusStore`: one SQLite file (WAL, synchronous=FULL).

    Safe for several processes at once: writers serialise on ``BEGIN IMMEDIATE`` (waiting up
    to ``busy_timeout`` seconds), and ``(list_id, idx)`` is the entries table's primary key.
    """

    def __init__(self, path: str | os.PathLike[str], *, busy_timeout: float = 30.0) -> None:
        self.path = Path(path)
        try:
            self._conn = sqlite3.connect(str(self.path), timeout=busy_timeout, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        except sqlite3.Error as exc:
            raise StatusRegistryError(f"cannot open status registry {path}: {exc}") from None
        self._init_schema()

    def _init_schema(self) -> None:
        try:
            with self._write() as conn:
                for statement in _SCHEMA.split(";\n"):
                    if statement.strip():
                        conn.execute(statement)
                row = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
                if row is None:
                    conn.execute("INSERT INTO meta VALUES ('schema', ?)", (_SCHEMA_VERSION,))
                elif row[0] != _SCHEMA_VERSION:
                    raise StatusRegistryError(
                        f"status registry {self.path} has schema {row[0]}, "
                        f"this version reads {_SCHEMA_VERSION}"
                    )
                columns = {r[1] for r in conn.execute("PRAGMA table_info(lists)")}
                if "issuer" not in columns:  # a registry made before lists knew their issuer
                    conn.execute("ALTER TABLE lists ADD COLUMN issuer TEXT")
        except sqlite3.DatabaseError as exc:
            raise StatusRegistryError(f"{self.path} is not a status registry: {exc}") from None

    # Test seam: the crash tests override this to stop the process at a named point.
    def _checkpoint(self, name: str, detail: object = None) -> None:
        """Called at named points of a write (``allocate:inserted``, …); does nothing."""

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def create_list(self, info: ListInfo) -> None:
        """Add a list (its ``list_id`` and ``url`` must be new)."""
        messages = json.dumps([m.to_json() for m in info.messages]) if info.messages else None
        try:
            with self._write() as conn:
                conn.execute(
                    "INSERT INTO lists (list_id, url, purpose, length, status_size, messages, "
                    "created, issuer) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        info.list_id,
                        info.url,
                        info.purpose,
                        info.length,
                        info.status_size,
                        messages,
                        info.created,
                        info.issuer,
                    ),
                )
        except sqlite3.IntegrityError:
            raise StatusRegistryError(
                f"a list with id {info.list_id!r} or URL {info.url!r} already exists"
            ) from None

    @staticmethod
    def _info(row: Sequence[Any]) -> ListInfo:
        messages = tuple(
            StatusMessage(int(m["status"], 16), m["message"]) for m in json.loads(row[5] or "[]")
        )
        issuer = row[7] if len(row) > 7 else None
        return ListInfo(row[0], row[1], row[2], row[3], row[4], messages, row[6], issuer)

    def get_list(self, list_id: str) -> ListInfo:
        """The list ``list_id`` (raises StatusRegistryError when unknown)."""
        row = self._conn.execute("SELECT * FROM lists WHERE list_id=?", (list_id,)).fetchone()
        if row is None:
            raise StatusRegistryError(f"no status list {list_id!r} in {self.path}")
        return self._info(row)

    def lists(self) -> list[ListInfo]:
        """All lists, oldest first."""
        rows = self._conn.execute("SELECT * FROM lists ORDER BY rowid").fetchall()
        return [self._info(r) for r in rows]

    def allocate(
        self,
        list_id: str,
        count: int = 1,
        *,
        credential_ids: Sequence[str | None] | None = None,
        at: str,
    ) -> list[int]:
        """Reserve ``count`` fresh random indexes (all or none), committed before returning."""
        if count < 1:
            raise UsageError("count must be at least 1")
        if credential_ids is not None and len(credential_ids) != count:
            raise UsageError("give one credential id per allocated index")
        info = self.get_list(list_id)
        out: list[int] = []
        with self._write() as conn:
            used = conn.execute(
                "SELECT count(*) FROM entries WHERE list_id=?", (list_id,)
            ).fetchone()[0]
            if used + count > info.length:
                raise StatusRegistryError(
                    f"status list {list_id!r} has {info.length - used} free indexes, "
                    f"{count} requested: create another list"
                )
            for n in range(count):
                cid = credential_ids[n] if credential_ids is not None else None
                index = self._insert_random(conn, info, used + n, cid, at)
                conn.execute(
                    "INSERT INTO events (list_id, idx, action, status, reason, at) "
                    "VALUES (?, ?, 'allocate', 0, NULL, ?)",
                    (list_id, index, at),
                )
                out.append(index)
                self._checkpoint("allocate:inserted", index)
        self._checkpoint("allocate:committed", out)
        return out

    def _insert_random(
        self, conn: sqlite3.Connection, info: ListInfo, used: int, cid: str | None, at: str
    ) -> int:
        sql = "INSERT INTO entries VALUES (?, ?, ?, ?, 0)"
        # Random probing is fast while the list is sparse; near full, pick among the free ones.
        for _ in range(32 if used < info.length * 0.9 else 0):
            index = secrets.randbelow(info.length)
            try:
                conn.execute(sql, (info.list_id, index, cid, at))
            except sqlite3.IntegrityError:
                continue
            return index
        taken = [
            r[0]
            for r in conn.execute(
                "SELECT idx FROM entries WHERE list_id=? ORDER BY idx", (info.list_id,)
            )
        ]
        nth = secrets.randbelow(info.length - len(taken))
        index = nth
        for t in taken:  # the nth free index: skip every taken index at or below it
            if t <= index:
                index += 1
            else:
                break
        conn.execute(sql, (info.list_id, index, cid, at))
        return index

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
        with self._write() as conn:
            row = conn.execute(
                "SELECT status FROM entries WHERE list_id=? AND idx=?", (list_id, index)
            ).fetchone()
            if row is None:
                raise StatusRegistryError(
                    f"index {index} of status list {list_id!r} was never allocated"
                )
            current = row[0]
            if current == status:
                return None
            if allowed_from is not None and current not in allowed_from:
                raise StatusRegistryError(
                    f"cannot {action} index {index} of {list_id!r}: its status is {current}"
                )
            conn.execute(
                "UPDATE entries SET status=? WHERE list_id=? AND idx=?", (status, list_id, index)
            )
            cur = conn.execute(
                "INSERT INTO events (list_id, idx, action, status, reason, at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (list_id, index, action, status, reason, at),
            )
            seq = int(cur.lastrowid or 0)
            self._checkpoint("change:logged", (list_id, index))
        self._checkpoint("change:committed", (list_id, index))
        return StatusEvent(seq, list_id, index, action, status, reason, at)

    def status(self, list_id: str, index: int) -> int | None:
        """Current status of an index (None when it was never allocated)."""
        row = self._conn.execute(
            "SELECT status FROM entries WHERE list_id=? AND idx=?", (list_id, index)
        ).fetchone()
        return None if row is None else int(row[0])

    def snapshot(self, list_id: str) -> tuple[dict[int, int], int]:
        """All non-zero statuses of a list and the last event seq, read consistently."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT idx, status FROM entries WHERE list_id=? AND status != 0", (list_id,)
            ).fetchall()
            seq = conn.execute(
                "SELECT coalesce(max(seq), 0) FROM events WHERE list_id=?", (list_id,)
            ).fetchone()[0]
        return {int(i): int(s) for i, s in rows}, int(seq)

    def allocated(self, list_id: str) -> int:
        """How many indexes of the list were handed out."""
        return int(
            self._conn.execute(
                "SELECT count(*) FROM entries WHERE list_id=?", (list_id,)
            ).fetchone()[0]
        )

    def allocated_indexes(self, list_id: str) -> list[int]:
        """Every allocated index of a list, ascending."""
        rows = self._conn.execute(
            "SELECT idx FROM entries WHERE list_id=? ORDER BY idx", (list_id,)
        ).fetchall()
        return [int(r[0]) for r in rows]

    def events(self, list_id: str | None = None, index: int | None = None) -> list[StatusEvent]:
        """The event log, oldest first, optionally for one list / index."""
        sql = "SELECT * FROM events"
        args: list[str | int] = []
        if list_id is not None:
            sql += " WHERE list_id=?"
            args.append(list_id)
            if index is not None:
                sql += " AND idx=?"
                args.append(index)
        rows = self._conn.execute(sql + " ORDER BY seq", args).fetchall()
        return [StatusEvent(*r) for r in rows]

    def record_publication(self, list_id: str, upto_seq: int, at: str, sha256: str) -> None:
        """Note that the list was published including all events up to ``upto_seq``."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO publications VALUES (?, ?, ?, ?)", (list_id, upto_seq, at, sha256)
            )

    def bind_issuer(self, list_id: str, issuer: str) -> str:
        """Record ``issuer`` as the list's issuer if it has none yet; return the list's issuer."""
        with self._write() as conn:
            conn.execute(
                "UPDATE lists SET issuer=? WHERE list_id=? AND issuer IS NULL", (issuer, list_id)
            )
            row = conn.execute("SELECT issuer FROM lists WHERE list_id=?", (list_id,)).fetchone()
        if row is None:
            raise StatusRegistryError(f"no status list {list_id!r} in {self.path}")
        return str(row[0])

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

    def __enter__(self) -> SqliteStatusStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_atomic(path: Path, data: bytes, *, mode: int = 0o644, checkpoint: Any = None) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never a mix:
    temporary file in the same folder, fsync, rename over ``path``, fsync the folder.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if checkpoint is not None:
            checkpoint("publish:temp_written", path)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _now_utc(now: datetime | None) -> datetime:
    value = now or datetime.now(UTC)
    if value.tzinfo is None:
        raise UsageError("now must be timezone-aware")
    return value.astimezone(UTC).replace(microsecond=0)


class StatusRegistry:
    """Issuer-side operations over a :class:`StatusStore` (default: SQLite at a path)."""

    def __init__(self, store: StatusStore | str | os.PathLike[str]) -> None:
        self.store: StatusStore = (
            store if isinstance(store, StatusStore) else SqliteStatusStore(store)
        )

    def close(self) -> None:
        """Close the underlying store."""
        self.store.close()

    def __enter__(self) -> StatusRegistry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- lists ---------------------------------------------------------------------------
    def create_list(
        self,
        url: str,
        *,
        purpose: str = "revocation",
        length: int = MIN_ENTRIES,
        status_size: int = 1,
        messages: Sequence[StatusMessage | Mapping[str, Any]] | None = None,
        list_id: str | None = None,
        issuer: str | None = None,
    ) -> ListInfo:
        """Create a list published at ``url`` (at least 131,072 entries, herd privacy).

        ``issuer``: the DID that will sign the list (and issue the credentials on it); when
        None, the first credential attached to the list, or its first publication, sets it."""
        if purpose not in STATUS_PURPOSES:
            raise UsageError(f"statusPurpose must be one of {', '.join(STATUS_PURPOSES)}")
        if not isinstance(url, str) or ":" not in url or "#" in url:
            raise UsageError("a status list URL must be an absolute URL without a fragment")
        if length < MIN_ENTRIES or length % 8:
            raise UsageError(f"a status list needs at least {MIN_ENTRIES} entries (multiple of 8)")
        parsed = tuple(
            m if isinstance(m, StatusMessage) else StatusMessage(int(m["status"], 16), m["message"])
            for m in (messages or ())
        )
        if status_size > 1 or parsed:
            # Reuse the entry parser so that what we issue is what verifiers accept.
            probe = {
                "type": "BitstringStatusListEntry",
                "statusPurpose": purpose,
                "statusListIndex": "0",
                "statusListCredential": url,
                "statusSize": status_size,
                "statusMessage": [m.to_json() for m in parsed],
            }
            parse_status_entry(probe)
        info = ListInfo(
            list_id or url.rstrip("/").rsplit("/", 1)[-1],
            url,
            purpose,
            length,
            status_size,
            parsed,
            format_timestamp(),
            issuer,
        )
        self.store.create_list(info)
        return info

    def bind_issuer(self, list_id: str, issuer: str) -> None:
        """Hold the list to one issuer: ``issuer`` becomes the list's issuer if it has none,
        and another issuer is refused (:class:`~mbo_vc.errors.StatusRegistryError`): a
        verifier accepts a status list only from the credential's own issuer, so a list
        signed by another key would leave every credential on it unverifiable."""
        _same_issuer(list_id, self.store.bind_issuer(list_id, issuer), issuer)

    def check_issuer(self, list_id: str, issuer: str) -> None:
        """Refuse (as :meth:`bind_issuer`) when the list belongs to another issuer; binds
        nothing."""
        _same_issuer(list_id, self.store.get_list(list_id).issuer, issuer)

    def lists(self) -> list[ListInfo]:
        """All lists."""
        return self.store.lists()

    def list_for(self, url: str) -> ListInfo:
        """The list published at ``url``."""
        for info in self.store.lists():
            if info.url == url:
                return info
        raise StatusRegistryError(f"no status list is published at {url!r} by this registry")

    # --- allocation ----------------------------------------------------------------------
    def entry(self, list_id: str, index: int) -> StatusEntry:
        """The ``credentialStatus`` entry for an index of a list."""
        info = self.store.get_list(list_id)
        return StatusEntry(
            info.purpose,
            index,
            info.url,
            info.status_size,
            info.messages,
            f"{info.url}#{index}",
        )

    def allocate(self, list_id: str, *, credential_id: str | None = None) -> StatusEntry:
        """Reserve a fresh random index; returns the entry to put into the credential."""
        return self.allocate_many(list_id, 1, credential_ids=[credential_id])[0]

    def allocate_many(
        self, list_id: str, count: int, *, credential_ids: Sequence[str | None] | None = None
    ) -> list[StatusEntry]:
        """Reserve ``count`` fresh random indexes in one transaction."""
        at = format_timestamp()
        indexes = self.store.allocate(list_id, count, credential_ids=credential_ids, at=at)
        return [self.entry(list_id, i) for i in indexes]

    def attach(
        self,
        credential: Mapping[str, Any],
        list_ids: Sequence[str],
    ) -> dict[str, Any]:
        """A copy of an unsigned credential with a fresh ``credentialStatus`` entry per list.

        The credential's issuer becomes each list's issuer (:meth:`bind_issuer`); a list that
        belongs to another issuer is refused before any entry is handed out."""
        cid = credential.get("id") if isinstance(credential.get("id"), str) else None
        issuer = credential.get("issuer")
        issuer = issuer.get("id") if isinstance(issuer, Mapping) else issuer
        if isinstance(issuer, str):
            for lid in list_ids:
                self.bind_issuer(lid, issuer)
        entries = [self.allocate(lid, credential_id=cid).to_json() for lid in list_ids]
        out = dict(credential)
        out["credentialStatus"] = entries[0] if len(entries) == 1 else entries
        return out

    # --- status changes ------------------------------------------------------------------
    def _change(
        self,
        list_id: str,
        index: int,
        purpose: str,
        action: str,
        status: int,
        allowed: frozenset[int] | None,
        reason: str | None,
    ) -> bool:
        info = self.store.get_list(list_id)
        if info.purpose != purpose:
            raise StatusRegistryError(
                f"cannot {action} in list {list_id!r}: its purpose is {info.purpose}"
            )
        event = self.store.change(
            list_id,
            index,
            action=action,
            status=status,
            allowed_from=allowed,
            reason=reason,
            at=format_timestamp(),
        )
        return event is not None

    def revoke(self, list_id: str, index: int, *, reason: str | None = None) -> bool:
        """Revoke for good (True when the status changed; revoking twice is a no-op)."""
        return self._change(list_id, index, "revocation", "revoke", 1, frozenset({0}), reason)

    def suspend(self, list_id: str, index: int, *, reason: str | None = None) -> bool:
        """Suspend (True when the status changed)."""
        return self._change(list_id, index, "suspension", "suspend", 1, frozenset({0}), reason)

    def unsuspend(self, list_id: str, index: int, *, reason: str | None = None) -> bool:
        """Lift a suspension (True when the status changed)."""
        return self._change(list_id, index, "suspension", "unsuspend", 0, frozenset({1}), reason)

    def set_message(
        self, list_id: str, index: int, value: int, *, reason: str | None = None
    ) -> bool:
        """Set the value of a ``message`` entry (True when it changed)."""
        info = self.store.get_list(list_id)
        if not 0 <= value < (1 << info.status_size):
            raise UsageError(f"value must be 0..{(1 << info.status_size) - 1}")
        return self._change(list_id, index, "message", "set", value, None, reason)

    def entries_of(self, credential: Mapping[str, Any]) -> list[tuple[ListInfo, StatusEntry]]:
        """The credential's status entries that point at lists of this registry."""
        raw = credential.get("credentialStatus")
        items = raw if isinstance(raw, list) else [raw] if raw is not None else []
        known = {info.url: info for info in self.store.lists()}
        out = []
        for item in items:
            try:
                entry = parse_status_entry(item, lenient_index=True)
            except StatusListError:
                continue  # another kind of status entry, or not one of ours
            if entry.list_credential in known:
                out.append((known[entry.list_credential], entry))
        return out

    def events(self, list_id: str | None = None, index: int | None = None) -> list[StatusEvent]:
        """The event log (see :meth:`StatusStore.events`)."""
        return self.store.events(list_id, index)

    # --- publishing ----------------------------------------------------------------------
    def bitstring(self, list_id: str) -> tuple[Bitstring, int]:
        """The list's current bitstring and the last event seq it includes."""
        info = self.store.get_list(list_id)
        statuses, seq = self.store.snapshot(list_id)
        bits = Bitstring(info.bits)
        for index, value in statuses.items():
            bits.set(index, value, info.status_size)
        return bits, seq

    def status_list_credential(
        self,
        list_id: str,
        key: Key,
        *,
        issuer: str | None = None,
        now: datetime | None = None,
        valid_for: timedelta | None = timedelta(days=7),
        ttl_ms: int | None = 300_000,
        cryptosuite: str | None = None,
    ) -> tuple[dict[str, Any], int]:
        """The signed BitstringStatusListCredential of a list (VC 2.0) and its event seq
        (``cryptosuite`` defaults to the key's: eddsa-rdfc-2022, ecdsa-rdfc-2019 for P-256)."""
        self.bind_issuer(list_id, issuer or key.controller)
        info = self.store.get_list(list_id)
        bits, seq = self.bitstring(list_id)
        start = _now_utc(now)
        subject: dict[str, Any] = {
            "id": f"{info.url}#list",
            "type": LIST_TYPE,
            "statusPurpose": info.purpose,
            "encodedList": bits.encode(),
        }
        if ttl_ms is not None:
            subject["ttl"] = int(ttl_ms)
        doc: dict[str, Any] = {
            "@context": [VC_V2],
            "id": info.url,
            "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
            "issuer": issuer or key.controller,
            "validFrom": format_timestamp(start),
        }
        if valid_for is not None:
            doc["validUntil"] = format_timestamp(start + valid_for)
        doc["credentialSubject"] = subject
        return sign(doc, key, cryptosuite=cryptosuite, created=start), seq

    def publish(
        self,
        list_id: str,
        key: Key,
        out_dir: str | os.PathLike[str],
        **options: Any,
    ) -> Path:
        """Sign the list and write it atomically to ``out_dir/<list_id>.json``.

        ``options`` go to :meth:`status_list_credential`. Returns the file's path.
        """
        doc, seq = self.status_list_credential(list_id, key, **options)
        data = (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        path = Path(out_dir) / f"{_safe_name(list_id)}.json"
        checkpoint = getattr(self.store, "_checkpoint", None)
        write_atomic(path, data, checkpoint=checkpoint)
        if checkpoint is not None:
            checkpoint("publish:replaced", path)
        self.store.record_publication(
            list_id, seq, format_timestamp(), hashlib.sha256(data).hexdigest()
        )
        return path

    # --- IETF Token Status List -----------------------------------------------------------
    def token_status_list(
        self, list_id: str, *, bits: int | None = None
    ) -> tuple[TokenStatusList, int]:
        """The list as a Token Status List (same indexes, same statuses) and its event seq.

        A revocation list's revoked index becomes 0x01 INVALID, a suspension list's suspended
        index 0x02 SUSPENDED (so it needs ``bits`` >= 2), a message list's value is written as
        it is. ``bits`` (1, 2, 4, 8) defaults to the smallest width that holds every value.
        """
        info = self.store.get_list(list_id)
        need = {"revocation": 1, "suspension": 2}.get(info.purpose, info.status_size)
        width = bits if bits is not None else min(b for b in ALLOWED_BITS if b >= need)
        if width not in ALLOWED_BITS or width < need:
            raise UsageError(
                f"a Token Status List of the {info.purpose} list {list_id!r} needs bits of "
                f"{need} or more (1, 2, 4 or 8), not {width}"
            )
        statuses, seq = self.store.snapshot(list_id)
        out = TokenStatusList(info.length, width)
        mapped = {"revocation": INVALID, "suspension": SUSPENDED}.get(info.purpose)
        for index, value in statuses.items():
            out.set(index, mapped if mapped is not None and value else value)
        return out, seq

    def token_reference(
        self, list_id: str, index: int, *, uri: str | None = None
    ) -> StatusListReference:
        """The ``status.status_list`` reference of an index, for an SD-JWT VC (or any JWT):
        ``{"idx": index, "uri": uri}``; ``uri`` defaults to the list's URL."""
        info = self.store.get_list(list_id)
        if not isinstance(index, int) or not 0 <= index < info.length:
            raise UsageError(f"index {index!r} is outside the list {list_id!r}")
        return StatusListReference(index, uri or info.url)

    def allocate_reference(
        self, list_id: str, *, credential_id: str | None = None, uri: str | None = None
    ) -> StatusListReference:
        """Reserve a fresh random index (as :meth:`allocate`) and return its reference."""
        entry = self.allocate(list_id, credential_id=credential_id)
        return self.token_reference(list_id, entry.index, uri=uri)

    def status_list_token(
        self,
        list_id: str,
        key: Key,
        *,
        uri: str | None = None,
        bits: int | None = None,
        issuer: str | None = None,
        now: datetime | None = None,
        valid_for: timedelta | None = timedelta(days=7),
        ttl: timedelta | None = timedelta(hours=12),
    ) -> tuple[str, int]:
        """The signed ``statuslist+jwt`` of a list (``sub`` = ``uri``, default the list's
        URL) and the event seq it includes. ES256 for a P-256 key, EdDSA for Ed25519."""
        if not isinstance(key, Ed25519Key | EcKey):
            raise UsageError("a Token Status List is signed with an Ed25519Key or EcKey")
        self.bind_issuer(list_id, issuer or key.controller)
        info = self.store.get_list(list_id)
        status_list, seq = self.token_status_list(list_id, bits=bits)
        token = sign_status_list_token(
            status_list,
            uri or info.url,
            key,
            issuer=issuer or key.controller,
            now=_now_utc(now),
            valid_for=valid_for,
            ttl=ttl,
        )
        return token, seq

    def publish_token(
        self,
        list_id: str,
        key: Key,
        out_dir: str | os.PathLike[str],
        **options: Any,
    ) -> Path:
        """Sign the list as a Token Status List and write it atomically to
        ``out_dir/<list_id>.statuslist.jwt``. ``options`` go to :meth:`status_list_token`."""
        token, seq = self.status_list_token(list_id, key, **options)
        data = (token + "\n").encode("ascii")
        path = Path(out_dir) / f"{_safe_name(list_id)}.statuslist.jwt"
        checkpoint = getattr(self.store, "_checkpoint", None)
        write_atomic(path, data, checkpoint=checkpoint)
        if checkpoint is not None:
            checkpoint("publish:replaced", path)
        self.store.record_publication(
            list_id, seq, format_timestamp(), hashlib.sha256(data).hexdigest()
        )
        return path

    def publish_all(self, key: Key, out_dir: str | os.PathLike[str], **options: Any) -> list[Path]:
        """Publish every list of the registry."""
        return [self.publish(info.list_id, key, out_dir, **options) for info in self.lists()]


def _same_issuer(list_id: str, bound: str | None, issuer: str) -> None:
    if bound is not None and bound != issuer:
        raise StatusRegistryError(
            f"the status list {list_id!r} belongs to issuer {bound[:120]}, not to "
            f"{issuer[:120]}: use that issuer's key (verifiers refuse a status list signed by "
            "anyone but the credential's issuer)"
        )


def _safe_name(list_id: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in list_id).lstrip(".")
    return cleaned or "status-list"
