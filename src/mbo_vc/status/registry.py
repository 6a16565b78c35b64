"""The issuer's status registry: allocate status list indexes, record revoke / suspend /
unsuspend, roll a full list over to a new one, and publish every list as static files
(``BitstringStatusListCredential`` and ``statuslist+jwt``) for any web server or CDN.

State lives behind the :class:`~mbo_vc.status.store.StatusStore` interface: SQLite
(:class:`SqliteStatusStore`, one file, the embedded default) or PostgreSQL
(:class:`~mbo_vc.status.postgres.PostgresStatusStore`, many writers on many hosts), with the same
guarantees (see :mod:`mbo_vc.status.store`). A published file is written to a temporary file,
fsynced and renamed over the old one, so a reader sees the old or the new list, never a torn one.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import EllipsisType
from typing import Any

from mbo_vc.errors import StatusListError, StatusPublishError, StatusRegistryError, UsageError
from mbo_vc.keys import Signer
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
from mbo_vc.status.postgres import is_postgres_dsn
from mbo_vc.status.store import (
    INDEX_POLICIES,
    ListInfo,
    Publication,
    SqliteStatusStore,
    StatusEvent,
    StatusListFullError,
    StatusStore,
    successor_names,
)
from mbo_vc.status.token_status_list import (
    ALLOWED_BITS,
    INVALID,
    SUSPENDED,
    StatusListReference,
    TokenStatusList,
    sign_status_list_token,
)
from mbo_vc.timestamps import format_timestamp, parse_timestamp

__all__ = [
    "FORMATS",
    "ListInfo",
    "Publication",
    "PublishResult",
    "SqliteStatusStore",
    "StatusEvent",
    "StatusRegistry",
    "StatusStore",
    "open_store",
    "registry_exists",
    "write_atomic",
]

VC_V2 = "https://www.w3.org/ns/credentials/v2"


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


FORMATS = ("bitstring", "token-status-list")
DEFAULT_VALID_FOR = timedelta(days=7)
DEFAULT_TTL_MS = 300_000
DEFAULT_TOKEN_TTL = timedelta(hours=12)
Unset = EllipsisType


def open_store(target: StatusStore | str | os.PathLike[str]) -> StatusStore:
    """The store ``target`` names: a store as it is, ``postgresql://…`` (PostgreSQL, needs
    the ``mbo_vc[postgres]`` extra), or else the path of a SQLite file."""
    if isinstance(target, StatusStore):
        return target
    if is_postgres_dsn(target):
        from mbo_vc.status.postgres import PostgresStatusStore

        return PostgresStatusStore(str(target))
    return SqliteStatusStore(target)


def registry_exists(target: str | os.PathLike[str]) -> bool:
    """Whether a registry is there to open: a SQLite file exists (a PostgreSQL DSN: always,
    the schema is created on first use)."""
    return is_postgres_dsn(target) or Path(target).is_file()


@dataclass(frozen=True)
class PublishResult:
    """What one publication did: the list and format, the file, the list version, and whether
    the file was written (``skipped``: why not, e.g. unchanged or a newer one is out)."""

    list_id: str
    format: str
    path: Path
    version: int
    written: bool
    skipped: str | None = None


class StatusRegistry:
    """Issuer-side operations over a :class:`StatusStore` (a store, a SQLite path, or a
    ``postgresql://`` DSN)."""

    def __init__(self, store: StatusStore | str | os.PathLike[str]) -> None:
        self.store: StatusStore = open_store(store)

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
        index_policy: str = "random",
        valid_for: timedelta | None = None,
        ttl: timedelta | None = None,
        issuer: str | None = None,
    ) -> ListInfo:
        """Create a list published at ``url`` (at least 131,072 entries, herd privacy).

        ``index_policy``: ``random`` (default) or ``sequential``; ``valid_for`` / ``ttl``: the
        published list's validity and ttl (None: 7 days; 300 s for a Bitstring Status List
        credential, 12 h for a token). A list that fills rolls over to a new one with the same
        settings and issuer (see :meth:`allocate_many`). ``issuer``: the DID that will sign the
        list (and issue the credentials on it); when None, the first credential attached to the
        list, or its first publication, sets it.
        """
        if purpose not in STATUS_PURPOSES:
            raise UsageError(f"statusPurpose must be one of {', '.join(STATUS_PURPOSES)}")
        if not isinstance(url, str) or ":" not in url or "#" in url or _has_space(url):
            raise UsageError(
                "a status list URL must be an absolute URL without a fragment, spaces or "
                "control characters"
            )
        if length < MIN_ENTRIES or length % 8:
            raise UsageError(f"a status list needs at least {MIN_ENTRIES} entries (multiple of 8)")
        if index_policy not in INDEX_POLICIES:
            raise UsageError(f"index policy must be one of {', '.join(INDEX_POLICIES)}")
        for name, value in (("valid_for", valid_for), ("ttl", ttl)):
            if value is not None and value.total_seconds() < 1:
                raise UsageError(f"{name} must be at least one second")
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
        lid = list_id or url.rstrip("/").rsplit("/", 1)[-1]
        if not lid or len(lid.encode("utf-8")) > MAX_LIST_ID or _has_space(lid):
            raise UsageError(
                f"a status list id is 1 to {MAX_LIST_ID} bytes (UTF-8) without spaces or "
                "control characters (it names the published files)"
            )
        self._file_name_free(lid)
        info = ListInfo(
            lid,
            url,
            purpose,
            length,
            status_size,
            parsed,
            format_timestamp(),
            issuer,
            series=lid,
            index_policy=index_policy,
            valid_for=None if valid_for is None else int(valid_for.total_seconds()),
            ttl=None if ttl is None else int(ttl.total_seconds()),
        )
        self.store.create_list(info)
        return info

    def _file_name_free(self, list_id: str, lists: Sequence[ListInfo] | None = None) -> str:
        """The file-name stem of ``list_id``'s published files, refused when another list's
        files would have the same name (``a b`` and ``a_b``; ``A`` and ``a`` on a
        case-insensitive file system): publishing one would overwrite the other."""
        stem = _safe_name(list_id)
        for other in self.store.lists() if lists is None else lists:
            if other.list_id != list_id and _safe_name(other.list_id).casefold() == stem.casefold():
                raise StatusPublishError(
                    f"the status lists {list_id[:80]!r} and {other.list_id[:80]!r} would be "
                    f"published to the same file ({stem[:80]}…): give one another id"
                )
        return stem

    def bind_issuer(self, list_id: str, issuer: str) -> None:
        """Hold the list to one issuer: ``issuer`` becomes the list's issuer if it has none,
        and another issuer is refused (:class:`~mbo_vc.errors.StatusRegistryError`): a
        verifier accepts a status list only from the credential's own issuer, so a list
        signed by another key would leave every credential on it unverifiable."""
        _same_issuer(list_id, self.store.bind_issuer(list_id, issuer), issuer)

    def check_issuer(self, list_id: str, issuer: str) -> None:
        """Refuse (as :meth:`bind_issuer`) when the list, or the newest list of its series
        (where allocations go), belongs to another issuer; binds nothing."""
        _same_issuer(list_id, self.store.get_list(list_id).issuer, issuer)
        head = self.store.head(list_id)
        if head.list_id != list_id:
            _same_issuer(head.list_id, head.issuer, issuer)

    def lists(self) -> list[ListInfo]:
        """All lists (rolled-over ones too), oldest first."""
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
        return _entry(self.store.get_list(list_id), index)

    def allocate(self, list_id: str, *, credential_id: str | None = None) -> StatusEntry:
        """Reserve a fresh index; returns the entry to put into the credential."""
        return self.allocate_many(list_id, 1, credential_ids=[credential_id])[0]

    def allocate_many(
        self, list_id: str, count: int, *, credential_ids: Sequence[str | None] | None = None
    ) -> list[StatusEntry]:
        """Reserve ``count`` fresh indexes of ``list_id``'s series (one transaction per list).

        Allocation goes to the newest list of the series; when it is full, the next list is
        opened (same purpose and settings, the next id and URL: ``revocation-1`` →
        ``revocation-2``), by whichever writer gets there first, and allocation goes on there.
        """
        if count < 1:
            raise UsageError("count must be at least 1")
        if credential_ids is not None and len(credential_ids) != count:
            raise UsageError("give one credential id per allocated index")
        at = format_timestamp()
        out: list[StatusEntry] = []
        info = self.store.head(list_id)
        while len(out) < count:
            free = info.length - self.store.allocated(info.list_id)
            if free <= 0:
                info = self._roll_over(info)
                continue
            take = min(count - len(out), free)
            ids = None if credential_ids is None else credential_ids[len(out) : len(out) + take]
            try:
                indexes = self.store.allocate(info.list_id, take, credential_ids=ids, at=at)
            except StatusListFullError:
                continue  # another writer took some of them: look again
            out.extend(_entry(info, i) for i in indexes)
        return out

    def _roll_over(self, full: ListInfo) -> ListInfo:
        first = self.store.get_list(full.series or full.list_id)
        generation = full.generation + 1
        list_id, url = successor_names(first, generation)
        new = replace(
            full,
            list_id=list_id,
            url=url,
            created=format_timestamp(),
            series=first.list_id,
            generation=generation,
        )
        return self.store.successor(full, new)

    def attach(
        self,
        credential: Mapping[str, Any],
        list_ids: Sequence[str],
    ) -> dict[str, Any]:
        """A copy of an unsigned credential with a fresh ``credentialStatus`` entry per list.

        The credential's issuer becomes the issuer of each list and of the newest list of its
        series, where the entry goes (:meth:`bind_issuer`); a list that belongs to another
        issuer is refused before any entry is handed out."""
        cid = credential.get("id") if isinstance(credential.get("id"), str) else None
        issuer = credential.get("issuer")
        issuer = issuer.get("id") if isinstance(issuer, Mapping) else issuer
        if not isinstance(issuer, str):
            issuer = None
        bound: set[str] = set()
        if issuer is not None:
            for lid in list_ids:
                for target in dict.fromkeys((lid, self.store.head(lid).list_id)):
                    info = self.store.get_list(target)
                    if info.issuer != issuer:  # bound already: no write transaction
                        self.bind_issuer(target, issuer)
                    bound.add(info.url)
        allocated = [self.allocate(lid, credential_id=cid) for lid in list_ids]
        if issuer is not None:  # a list another writer opened meanwhile, maybe unbound
            for entry in allocated:
                if entry.list_credential not in bound:
                    self.bind_issuer(self.list_for(entry.list_credential).list_id, issuer)
        entries = [entry.to_json() for entry in allocated]
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
        """The list's current bitstring and the list version it holds."""
        info = self.store.get_list(list_id)
        statuses, version = self.store.snapshot(list_id)
        bits = Bitstring(info.bits)
        for index, value in statuses.items():
            bits.set(index, value, info.status_size)
        return bits, version

    def status_list_credential(
        self,
        list_id: str,
        key: Signer,
        *,
        issuer: str | None = None,
        now: datetime | None = None,
        valid_for: timedelta | Unset | None = ...,
        ttl_ms: int | Unset | None = ...,
        cryptosuite: str | None = None,
    ) -> tuple[dict[str, Any], int]:
        """The signed BitstringStatusListCredential of a list (VC 2.0) and its list version
        (``cryptosuite`` defaults to the key's: eddsa-rdfc-2022, ecdsa-rdfc-2019 for P-256).
        ``valid_for`` / ``ttl_ms`` default to the list's settings (else 7 days / 300,000 ms);
        None leaves ``validUntil`` / ``ttl`` out. Binds the list to the signing issuer
        (:meth:`bind_issuer`), refusing another issuer's key."""
        self.bind_issuer(list_id, issuer or key.controller)
        info = self.store.get_list(list_id)
        if isinstance(valid_for, EllipsisType):
            valid_for = _seconds(info.valid_for) or DEFAULT_VALID_FOR
        if isinstance(ttl_ms, EllipsisType):
            ttl_ms = info.ttl * 1000 if info.ttl is not None else DEFAULT_TTL_MS
        bits, version = self.bitstring(list_id)
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
        return sign(doc, key, cryptosuite=cryptosuite, created=start), version

    def publish(
        self,
        list_id: str,
        key: Signer,
        out_dir: str | os.PathLike[str],
        **options: Any,
    ) -> Path:
        """Sign the list and write it atomically to ``out_dir/<list_id>.json``.

        ``options`` go to :meth:`status_list_credential`. Returns the file's path. A file is
        only replaced by a list at least as new as the one published last (a slower
        concurrent publisher of an older snapshot leaves the newer file in place).
        """
        info = self.store.get_list(list_id)
        return self._publish_bitstring(info, key, Path(out_dir), options)[0]

    def _publish_bitstring(
        self, info: ListInfo, key: Signer, out_dir: Path, options: Mapping[str, Any]
    ) -> tuple[Path, bool, int]:
        doc, version = self.status_list_credential(info.list_id, key, **options)
        data = (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        path = out_dir / f"{self._file_name_free(info.list_id)}.json"
        refresh = None
        if "validUntil" in doc:
            start, until = parse_timestamp(doc["validFrom"]), parse_timestamp(doc["validUntil"])
            refresh = format_timestamp(start + (until - start) / 2)
        written = self._write(info.list_id, "bitstring", version, path, data, refresh)
        return path, written, version

    def _write(
        self, list_id: str, fmt: str, version: int, path: Path, data: bytes, refresh: str | None
    ) -> bool:
        checkpoint = getattr(self.store, "_checkpoint", None)

        def write() -> None:
            try:
                write_atomic(path, data, checkpoint=checkpoint)
            except OSError as exc:
                raise StatusPublishError(
                    f"cannot publish status list {list_id!r} to {path}: "
                    f"{exc.strerror or exc} (the registry is unchanged; the file there, if "
                    "any, is the previous one)"
                ) from None
            if checkpoint is not None:
                checkpoint("publish:replaced", path)

        publication = Publication(
            list_id, fmt, version, format_timestamp(), hashlib.sha256(data).hexdigest(), refresh
        )
        return self.store.record_publication(publication, write)

    def publish_lists(
        self,
        key: Signer,
        out_dir: str | os.PathLike[str],
        *,
        formats: Sequence[str] = ("bitstring",),
        list_ids: Sequence[str] | None = None,
        changed_only: bool = False,
        now: datetime | None = None,
        bitstring: Mapping[str, Any] | None = None,
        token: Mapping[str, Any] | None = None,
    ) -> list[PublishResult]:
        """Publish lists (default: all, rolled-over ones too) in each of ``formats``
        (``bitstring``: ``<list>.json``; ``token-status-list``: ``<list>.statuslist.jwt``) as
        static files in ``out_dir``, for any web server or CDN.

        ``changed_only``: skip a list whose file is there and holds the list's current
        version, unless half its validity (or the token's ttl) has passed. ``bitstring`` /
        ``token``: options for :meth:`status_list_credential` / :meth:`status_list_token`.
        A list that belongs to another issuer than the signer's is refused
        (:class:`~mbo_vc.errors.StatusRegistryError`) before any file is written.
        """
        unknown = [f for f in formats if f not in FORMATS]
        if unknown or not formats:
            raise UsageError(f"formats must be among {', '.join(FORMATS)}")
        folder = Path(out_dir)
        moment = _now_utc(now)
        infos = (
            [self.store.get_list(lid) for lid in list_ids]
            if list_ids is not None
            else self.store.lists()
        )
        every = self.store.lists()
        for info in infos:  # every file name its own, before any file is written
            self._file_name_free(info.list_id, every)
        for fmt in formats:  # every list the signer's, before any file is written
            opts = (token if fmt == "token-status-list" else bitstring) or {}
            for info in infos:
                _same_issuer(info.list_id, info.issuer, opts.get("issuer") or key.controller)
        results: list[PublishResult] = []
        for info in infos:
            for fmt in formats:
                token_form = fmt == "token-status-list"
                name = f"{_safe_name(info.list_id)}{'.statuslist.jwt' if token_form else '.json'}"
                path = folder / name
                if changed_only:
                    why_not = self._unchanged(info, fmt, path, moment)
                    if why_not is not None:
                        results.append(PublishResult(info.list_id, fmt, path, -1, False, why_not))
                        continue
                if token_form:
                    opts = {"now": moment, **(token or {})}
                    written, version = self._publish_token(info, key, folder, opts)
                else:
                    opts = {"now": moment, **(bitstring or {})}
                    _, written, version = self._publish_bitstring(info, key, folder, opts)
                skipped = None if written else "a newer version is published already"
                results.append(PublishResult(info.list_id, fmt, path, version, written, skipped))
        return results

    def _unchanged(self, info: ListInfo, fmt: str, path: Path, now: datetime) -> str | None:
        state = self.store.published(info.list_id, fmt)
        if state is None or self.store.version(info.list_id) != state.version:
            return None
        try:  # the file there must be the one published (not edited, truncated, replaced)
            with path.open("rb") as fh:
                if not path.is_file() or hashlib.file_digest(fh, "sha256").hexdigest() != (
                    state.sha256
                ):
                    return None
        except OSError:
            return None
        if state.refresh_after is not None and now >= parse_timestamp(state.refresh_after):
            return None
        return "unchanged"

    def publish_all(
        self, key: Signer, out_dir: str | os.PathLike[str], **options: Any
    ) -> list[Path]:
        """Publish every list of the registry as a Bitstring Status List credential
        (``options`` as for :meth:`publish`; see :meth:`publish_lists` for more)."""
        return [self.publish(info.list_id, key, out_dir, **options) for info in self.lists()]

    # --- IETF Token Status List -----------------------------------------------------------
    def token_status_list(
        self, list_id: str, *, bits: int | None = None
    ) -> tuple[TokenStatusList, int]:
        """The list as a Token Status List (same indexes, same statuses) and its version.

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
        statuses, version = self.store.snapshot(list_id)
        out = TokenStatusList(info.length, width)
        mapped = {"revocation": INVALID, "suspension": SUSPENDED}.get(info.purpose)
        for index, value in statuses.items():
            out.set(index, mapped if mapped is not None and value else value)
        return out, version

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
        """Reserve a fresh index (as :meth:`allocate`, rolling over) and return its reference
        (``uri`` overrides the URL of the list the index landed in)."""
        entry = self.allocate(list_id, credential_id=credential_id)
        return StatusListReference(entry.index, uri or entry.list_credential)

    def _token_settings(
        self, info: ListInfo, valid_for: timedelta | Unset | None, ttl: timedelta | Unset | None
    ) -> tuple[timedelta | None, timedelta | None]:
        if isinstance(valid_for, EllipsisType):
            valid_for = _seconds(info.valid_for) or DEFAULT_VALID_FOR
        if isinstance(ttl, EllipsisType):
            ttl = _seconds(info.ttl) or DEFAULT_TOKEN_TTL
        return valid_for, ttl

    def status_list_token(
        self,
        list_id: str,
        key: Signer,
        *,
        uri: str | None = None,
        bits: int | None = None,
        issuer: str | None = None,
        now: datetime | None = None,
        valid_for: timedelta | Unset | None = ...,
        ttl: timedelta | Unset | None = ...,
    ) -> tuple[str, int]:
        """The signed ``statuslist+jwt`` of a list (``sub`` = ``uri``, default the list's
        URL) and the list version it holds. ES256 for a P-256 key, EdDSA for Ed25519.
        ``valid_for`` (``exp``) and ``ttl`` default to the list's settings, else 7 days / 12 h.
        Binds the list to the signing issuer (:meth:`bind_issuer`), refusing another's key."""
        self.bind_issuer(list_id, issuer or key.controller)
        info = self.store.get_list(list_id)
        valid_for, ttl = self._token_settings(info, valid_for, ttl)
        status_list, version = self.token_status_list(list_id, bits=bits)
        token = sign_status_list_token(
            status_list,
            uri or info.url,
            key,
            issuer=issuer or key.controller,
            now=_now_utc(now),
            valid_for=valid_for,
            ttl=ttl,
        )
        return token, version

    def publish_token(
        self,
        list_id: str,
        key: Signer,
        out_dir: str | os.PathLike[str],
        **options: Any,
    ) -> Path:
        """Sign the list as a Token Status List and write it atomically to
        ``out_dir/<list_id>.statuslist.jwt``. ``options`` go to :meth:`status_list_token`."""
        info = self.store.get_list(list_id)
        self._publish_token(info, key, Path(out_dir), options)
        return Path(out_dir) / f"{_safe_name(list_id)}.statuslist.jwt"

    def _publish_token(
        self, info: ListInfo, key: Signer, out_dir: Path, options: Mapping[str, Any]
    ) -> tuple[bool, int]:
        opts = dict(options)
        now = _now_utc(opts.pop("now", None))
        valid_for, ttl = self._token_settings(
            info, opts.pop("valid_for", ...), opts.pop("ttl", ...)
        )
        token, version = self.status_list_token(
            info.list_id, key, now=now, valid_for=valid_for, ttl=ttl, **opts
        )
        data = (token + "\n").encode("ascii")
        path = out_dir / f"{self._file_name_free(info.list_id)}.statuslist.jwt"
        spans = [s for s in (valid_for, ttl) if s is not None]
        refresh = format_timestamp(now + min(spans) / 2) if spans else None
        return self._write(info.list_id, "token-status-list", version, path, data, refresh), version


def _entry(info: ListInfo, index: int) -> StatusEntry:
    return StatusEntry(
        info.purpose, index, info.url, info.status_size, info.messages, f"{info.url}#{index}"
    )


def _same_issuer(list_id: str, bound: str | None, issuer: str) -> None:
    if bound is not None and bound != issuer:
        raise StatusRegistryError(
            f"the status list {list_id!r} belongs to issuer {bound[:120]}, not to "
            f"{issuer[:120]}: use that issuer's key (verifiers refuse a status list signed by "
            "anyone but the credential's issuer)"
        )


def _seconds(value: int | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=value)


MAX_LIST_ID = 200
"""The longest list id in UTF-8 bytes (it names the published files, and with a temporary
file's prefix and suffix the name must stay within the 255 bytes most file systems take)."""


def _has_space(text: str) -> bool:
    return any(c.isspace() or ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in text)


def _safe_name(list_id: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in list_id).lstrip(".")
    return cleaned or "status-list"
