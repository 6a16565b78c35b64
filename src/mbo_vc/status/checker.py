"""The verifier side of Bitstring Status List: check every ``credentialStatus`` entry.

A :class:`StatusChecker` obtains each status list credential through a pluggable fetcher (a
local folder, an in-memory mapping, or HTTPS when the caller opts in), verifies that credential
on the one verification road (:func:`mbo_vc.verify`: its own proof and validity period), reads
the list from the list credential's *verified view* (what its signature covers), requires its
issuer to be the credential's issuer, caches it (respecting ``ttl`` and ``validUntil``) and
reads the entry's bits. It plugs into verification as the injected status step
(``verify(..., status=checker)``); verification never imports this module.

Outcomes are problem codes: ``revoked``, ``suspended``, ``status_message``, and
``status_unavailable`` when an entry cannot be checked (which is never the same as revoked,
and never passes: status fails closed). The strict defaults can be relaxed only by named
options (``list_issuers``, ``require_list_id_match``, ``min_entries``); a list accepted only
because of one carries the warning ``status_policy_relaxed``.
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from mbo_vc.errors import (
    MboVcError,
    NetworkError,
    StatusEntryError,
    StatusFetchError,
    StatusIndexError,
    StatusListError,
    StatusListIssuerMismatchError,
    StatusListTooShortError,
    UsageError,
)
from mbo_vc.jws import decode_jwt, is_compact_jws
from mbo_vc.limits import DEFAULT_LIMITS, Limits
from mbo_vc.result import Problem, StatusOutcome
from mbo_vc.status.codec import (
    DEFAULT_MAX_LIST_BYTES,
    ENTRY_TYPES,
    LIST_CREDENTIAL_TYPES,
    MIN_ENTRIES,
    StatusEntry,
    StatusList,
    parse_status_entry,
    parse_status_list_credential,
)
from mbo_vc.verification import CredentialView, verify

__all__ = [
    "DirectoryFetcher",
    "HttpFetcher",
    "MappingFetcher",
    "StatusChecker",
    "StatusListFetcher",
    "StatusResult",
]

DEFAULT_MAX_FETCH_BYTES = 8 * 1024 * 1024
Document = Mapping[str, Any] | bytes | str
StatusResult = StatusOutcome
"""The outcome for one ``credentialStatus`` entry (the pipeline's :class:`StatusOutcome`)."""


@runtime_checkable
class StatusListFetcher(Protocol):
    """Obtains the status list credential published at a URL (JSON text, bytes or a dict).

    Raise :class:`~mbo_vc.errors.StatusFetchError` when it cannot be obtained.
    """

    def fetch(self, url: str) -> Document:
        """The document published at ``url``."""


class MappingFetcher:
    """Serves status list credentials from memory: ``{url: document}``."""

    def __init__(self, documents: Mapping[str, Document] | None = None) -> None:
        self.documents: dict[str, Document] = dict(documents or {})

    def add(self, document: Mapping[str, Any], url: str | None = None) -> None:
        """Serve ``document`` at ``url`` (default: its ``id``)."""
        key = url or document.get("id")
        if not isinstance(key, str):
            raise UsageError("the status list credential has no id; pass its URL")
        self.documents[key] = document

    def fetch(self, url: str) -> Document:
        """The document registered for ``url``."""
        try:
            return self.documents[url]
        except (KeyError, TypeError):
            raise StatusFetchError(f"no status list credential is registered for {url}") from None


def _published_url(data: bytes) -> tuple[str, str] | None:
    """The URL a status list file is published at (read without verifying: only for lookup).

    A JSON status list credential by its ``id``; a ``vc+jwt`` status list credential by its
    payload's ``id``; a Token Status List (``statuslist+jwt``) by its ``sub``.
    """
    text = data.strip()
    if is_compact_jws(text.decode("ascii", "replace")):
        try:
            header, payload = decode_jwt(text.decode("ascii"))
        except MboVcError:
            return None
        if header.get("typ") in ("statuslist+jwt", "application/statuslist+jwt"):
            sub = payload.get("sub")
            return (sub, "token") if isinstance(sub, str) else None
        doc: Any = payload
    else:
        doc = json.loads(data)
    if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
        return None
    types = doc.get("type")
    types = types if isinstance(types, list) else [types]
    if not any(t in LIST_CREDENTIAL_TYPES for t in types if isinstance(t, str)):
        return None
    return str(doc["id"]), "credential"


class DirectoryFetcher:
    """Serves status lists kept as files in one folder, matched by the URL they are published
    at, whatever the file names: a status list credential (JSON or ``vc+jwt``) by its ``id``, a
    Token Status List (``statuslist+jwt``) by its ``sub``. Hidden files (``.name``, e.g.
    unfinished temp files) are skipped.
    """

    def __init__(
        self, folder: str | os.PathLike[str], *, max_file_bytes: int = DEFAULT_MAX_FETCH_BYTES
    ) -> None:
        self.folder = Path(folder)
        self.max_file_bytes = max_file_bytes
        self._signature: tuple[Any, ...] | None = None
        self._index: dict[tuple[str, str], Path] = {}
        self._ambiguous: dict[tuple[str, str], list[str]] = {}
        self._lock = threading.Lock()

    def _scan_signature(self) -> tuple[Any, ...]:
        try:
            entries = sorted(os.scandir(self.folder), key=lambda e: e.name)
        except OSError as exc:
            raise StatusFetchError(
                f"cannot read status folder {self.folder}: {exc.strerror}"
            ) from None
        sig = []
        for e in entries:
            if e.name.startswith(".") or not e.is_file():
                continue
            st = e.stat()
            sig.append((e.name, st.st_mtime_ns, st.st_size))
        return tuple(sig)

    def _rebuild(self, signature: tuple[Any, ...]) -> None:
        index: dict[tuple[str, str], Path] = {}
        ambiguous: dict[tuple[str, str], list[str]] = {}
        for name, _mtime, size in signature:
            if size > self.max_file_bytes:
                continue
            path = self.folder / name
            try:
                found = _published_url(path.read_bytes())
            except (OSError, ValueError, RecursionError):
                continue
            if found is None:
                continue
            if found in index:
                ambiguous.setdefault(found, [index[found].name]).append(name)
            else:
                index[found] = path
        self._index, self._ambiguous, self._signature = index, ambiguous, signature

    def fetch(self, url: str) -> Document:
        """The bytes of the one file in the folder whose status list credential has id ``url``
        (else the one Token Status List whose ``sub`` is ``url``)."""
        return self._read(url, ("credential", "token"))

    def fetch_token(self, url: str) -> Document:
        """The bytes of the one Token Status List (``statuslist+jwt``) whose ``sub`` is ``url``
        (what an HTTP client gets with ``Accept: application/statuslist+jwt``)."""
        return self._read(url, ("token",))

    def _read(self, url: str, kinds: tuple[str, ...]) -> Document:
        with self._lock:
            signature = self._scan_signature()
            if signature != self._signature:
                self._rebuild(signature)
            path = None
            for kind in kinds:
                if (url, kind) in self._ambiguous:
                    raise StatusFetchError(
                        f"several files in {self.folder} claim to be {url}: "
                        f"{', '.join(sorted(self._ambiguous[(url, kind)]))}"
                    )
                path = self._index.get((url, kind))
                if path is not None:
                    break
        if path is None:
            raise StatusFetchError(f"no status list published at {url} in {self.folder}")
        try:
            with path.open("rb") as fh:
                data = fh.read(self.max_file_bytes + 1)
        except OSError as exc:
            raise StatusFetchError(f"cannot read {path}: {exc.strerror}") from None
        if len(data) > self.max_file_bytes:
            raise StatusFetchError(f"{path} is larger than {self.max_file_bytes} bytes")
        return data


class HttpFetcher:
    """Fetches status list credentials over HTTPS (opt-in: the issuer sees the request).

    The request goes through :class:`mbo_vc.net.HttpsClient`, with the same guards as did:web:
    HTTPS only, certificate checks always on, ``timeout`` seconds to connect and to read (twice
    that in all), at most ``max_bytes``, redirects only to the same origin, and no private,
    loopback or link-local address unless ``allow_private`` / ``allow_networks`` say so.
    ``ca_bundle`` or ``ssl_context`` replace the system trust store.
    """

    def __init__(
        self,
        *,
        timeout: float = 5.0,
        max_bytes: int = DEFAULT_MAX_FETCH_BYTES,
        ca_bundle: str | os.PathLike[str] | None = None,
        ssl_context: Any = None,
        allow_private: bool = False,
        allow_networks: Collection[str] = (),
        dns_resolver: Callable[[str, int], Sequence[str]] | None = None,
    ) -> None:
        if not timeout > 0:
            raise UsageError("timeout must be positive")
        from mbo_vc.net import HttpsClient  # (the network stack only when HTTPS is asked for)

        self.client = HttpsClient(
            ssl_context=ssl_context,
            ca_bundle=ca_bundle,
            connect_timeout=timeout,
            read_timeout=timeout,
            total_timeout=2 * timeout,
            max_bytes=max_bytes,
            allow_private=allow_private,
            allow_networks=allow_networks,
            dns_resolver=dns_resolver,
            accept="application/vc+ld+json, application/vc, application/ld+json, "
            "application/vc+jwt, application/statuslist+jwt, application/json;q=0.9",
            user_agent="mbo-vc status checker",
        )

    def fetch(self, url: str) -> Document:
        """GET ``url`` (HTTPS only) and return the body."""
        try:
            return self.client.get(url).body
        except NetworkError as exc:
            raise StatusFetchError(f"cannot fetch {str(url)[:100]}: {exc.message}") from None


@dataclass
class _Cached:
    status_list: StatusList
    fetched_at: datetime
    expires_at: datetime
    relaxed: tuple[str, ...] = ()


def _aware(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


@dataclass
class _Notes:
    """Relaxations a list needed (each becomes a ``status_policy_relaxed`` warning)."""

    items: list[str] = field(default_factory=list)


class StatusChecker:
    """Checks credentials' status entries against verified, cached status list credentials.

    ``loader``/``resolver``/``accepted_cryptosuites``/``limits`` are used to verify the list
    credentials. The strict defaults follow the spec; each relaxation is a named option whose
    use is reported as a ``status_policy_relaxed`` warning:

    - ``list_issuers``: further DIDs that may issue status lists for credentials (by default
      only the credential's own issuer may);
    - ``require_list_id_match`` (default True): the fetched list credential's ``id`` must be
      the URL the entry names, so that one list of an issuer cannot stand in for another;
    - ``min_entries`` (default 131,072, the spec's herd-privacy minimum).

    ``lenient_index`` accepts a JSON-number ``statusListIndex`` (the spec requires a string).
    ``default_ttl`` is how long a list without ``ttl`` is cached.
    """

    def __init__(
        self,
        fetcher: StatusListFetcher | Callable[[str], Document],
        *,
        loader: Any = None,
        resolver: Any = None,
        accepted_cryptosuites: Collection[str] | None = None,
        limits: Limits | None = None,
        max_list_bytes: int = DEFAULT_MAX_LIST_BYTES,
        min_entries: int = MIN_ENTRIES,
        lenient_index: bool = False,
        require_list_id_match: bool = True,
        list_issuers: Collection[str] = (),
        default_ttl: timedelta = timedelta(minutes=5),
        max_cached_lists: int = 256,
    ) -> None:
        self._fetch: Callable[[str], Document]
        if isinstance(fetcher, StatusListFetcher):
            self._fetch = fetcher.fetch
        elif callable(fetcher):
            self._fetch = fetcher
        else:
            raise UsageError("fetcher must have a fetch(url) method or be callable")
        if isinstance(list_issuers, str):
            raise UsageError("list_issuers must be a collection of DIDs")
        self.loader = loader
        self.resolver = resolver
        self.accepted_cryptosuites = accepted_cryptosuites
        self.limits = limits or replace(DEFAULT_LIMITS, max_document_bytes=DEFAULT_MAX_FETCH_BYTES)
        self.max_list_bytes = max_list_bytes
        self.min_entries = min_entries
        self.lenient_index = lenient_index
        self.require_list_id_match = require_list_id_match
        self.list_issuers = frozenset(list_issuers)
        self.default_ttl = default_ttl
        self.max_cached_lists = max_cached_lists
        self._cache: OrderedDict[str, _Cached] = OrderedDict()
        self._lock = threading.Lock()
        self.fetches = 0
        """How many times a list was fetched and verified (cache misses)."""

    def clear_cache(self) -> None:
        """Forget every cached list."""
        with self._lock:
            self._cache.clear()

    # --- lists ---------------------------------------------------------------------------
    def status_list(self, url: str, *, now: datetime | None = None) -> StatusList:
        """The verified status list published at ``url`` (from the cache while it is fresh).

        Raises :class:`~mbo_vc.errors.StatusListError` (``status_unavailable`` and friends).
        """
        return self._cached(url, _aware(now)).status_list

    def _cached(self, url: str, clock: datetime) -> _Cached:
        with self._lock:
            hit = self._cache.get(url)
            if hit is not None and hit.fetched_at <= clock < hit.expires_at:
                self._cache.move_to_end(url)
                return hit
        notes = _Notes()
        status_list = self._load(url, clock, notes)
        ttl = (
            timedelta(milliseconds=status_list.ttl_ms)
            if status_list.ttl_ms is not None
            else self.default_ttl
        )
        expires = clock + ttl
        if status_list.valid_until is not None:
            expires = min(expires, status_list.valid_until)
        entry = _Cached(status_list, clock, expires, tuple(notes.items))
        with self._lock:
            self._cache[url] = entry
            self._cache.move_to_end(url)
            while len(self._cache) > self.max_cached_lists:
                self._cache.popitem(last=False)
        return entry

    def _load(self, url: str, clock: datetime, notes: _Notes) -> StatusList:
        self.fetches += 1
        try:
            raw = self._fetch(url)
        except StatusListError:
            raise
        except MboVcError as exc:
            raise StatusFetchError(f"cannot obtain {url}: {exc.message}") from None
        except Exception as exc:  # a caller's fetcher must not crash verification
            raise StatusFetchError(f"cannot obtain {url}: {type(exc).__name__}") from None
        if not isinstance(raw, bytes | str | Mapping):
            raise StatusFetchError(f"the fetcher returned no document for {url}")
        result = verify(
            raw,
            now=clock,
            loader=self.loader,
            resolver=self.resolver,
            accepted_cryptosuites=self.accepted_cryptosuites,
            limits=self.limits,
            check_status=False,
        )
        if not result.verified or result.view is None:
            codes = ", ".join(dict.fromkeys(result.codes)) or "no proof verified"
            raise StatusFetchError(f"the status list credential {url} does not verify ({codes})")
        view = result.view
        if view.id != url:
            if self.require_list_id_match:
                raise StatusFetchError(
                    f"the status list credential obtained for {url} has id {str(view.id)[:100]!r}"
                )
            notes.items.append(
                f"the list credential obtained for {url} has id {str(view.id)[:100]!r} "
                "(accepted: require_list_id_match=False)"
            )
        try:
            return parse_status_list_credential(_list_json(view), max_bytes=self.max_list_bytes)
        except StatusListError as exc:
            raise StatusFetchError(f"status list {url}: {exc.message} ({exc.code})") from None

    # --- credentials ---------------------------------------------------------------------
    def check(
        self, credential: Mapping[str, Any], *, now: datetime | None = None
    ) -> list[StatusOutcome]:
        """Check every ``credentialStatus`` entry of an already verified credential's JSON.

        (The verification pipeline calls :meth:`check_entries` with the entries of the
        credential's verified view instead.) Never raises for bad data.
        """
        raw = credential.get("credentialStatus") if isinstance(credential, Mapping) else None
        if raw is None:
            return []
        items = raw if isinstance(raw, list) else [raw]
        entries = [
            (f"credentialStatus[{i}]" if isinstance(raw, list) else "credentialStatus", item)
            for i, item in enumerate(items)
        ]
        issuer = credential.get("issuer")
        issuer = issuer.get("id") if isinstance(issuer, Mapping) else issuer
        return self.check_entries(
            entries, issuer=issuer if isinstance(issuer, str) else None, now=_aware(now)
        )

    def check_entries(
        self, entries: Sequence[tuple[str, Any]], *, issuer: str | None, now: datetime
    ) -> list[StatusOutcome]:
        """One outcome per ``(where, entry)`` (the pipeline's status step). Never raises."""
        clock = _aware(now)
        out = []
        for where, item in entries:
            try:
                out.append(self._check_entry(item, where, issuer, clock))
            except Exception as exc:  # defence in depth: status must fail closed, not crash
                out.append(
                    StatusOutcome(
                        where,
                        problem=Problem(
                            "status_unavailable",
                            f"checking this entry failed unexpectedly ({type(exc).__name__})",
                            where,
                        ),
                    )
                )
        return out

    def _check_entry(
        self, item: Any, where: str, issuer: str | None, clock: datetime
    ) -> StatusOutcome:
        if isinstance(item, Mapping) and item.get("type") not in ENTRY_TYPES:
            return StatusOutcome(
                where,
                problem=Problem(
                    "status_unavailable",
                    f"status type {str(item.get('type'))[:60]!r} cannot be checked by mbo_vc "
                    f"(supported: {', '.join(ENTRY_TYPES)}), so the credential's status is "
                    "unknown; check it another way, or switch status checking off explicitly",
                    where,
                ),
            )
        try:
            entry = parse_status_entry(item, lenient_index=self.lenient_index)
        except StatusEntryError as exc:
            return StatusOutcome(where, problem=Problem(exc.code, exc.message, where))
        base = StatusOutcome(where, entry.purpose, entry.list_credential, entry.index, entry=entry)
        warnings: list[str] = []
        try:
            cached = self._cached(entry.list_credential, clock)
            status_list = cached.status_list
            warnings.extend(cached.relaxed)
            if issuer is None or status_list.issuer != issuer:
                if status_list.issuer not in self.list_issuers:
                    raise StatusListIssuerMismatchError(
                        f"the status list {entry.list_credential} is issued by "
                        f"{status_list.issuer!r}, the credential by {issuer!r}"
                    )
                warnings.append(
                    f"the status list {entry.list_credential} is issued by "
                    f"{status_list.issuer} (accepted: list_issuers)"
                )
            if entry.purpose not in status_list.purposes:
                raise StatusFetchError(
                    f"the status list {entry.list_credential} is for "
                    f"{'/'.join(status_list.purposes)}, the entry for {entry.purpose}"
                )
            if status_list.valid_until is not None and clock >= status_list.valid_until:
                raise StatusFetchError(f"the status list {entry.list_credential} has expired")
            entries = status_list.bits.entries(entry.size)
            if entries < MIN_ENTRIES:
                if entries < self.min_entries:
                    raise StatusListTooShortError(
                        f"the status list has {entries} entries of {entry.size} bit(s); the "
                        f"minimum is {self.min_entries}"
                    )
                warnings.append(
                    f"the status list {entry.list_credential} has {entries} entries, fewer "
                    f"than the spec's {MIN_ENTRIES} (accepted: min_entries={self.min_entries})"
                )
            value = status_list.status(entry, min_entries=0)
        except (StatusIndexError, StatusListIssuerMismatchError) as exc:
            return replace(base, problem=Problem(exc.code, exc.message, where))
        except StatusListError as exc:
            detail = (
                exc.message if exc.code == "status_unavailable" else f"{exc.message} ({exc.code})"
            )
            return replace(base, problem=Problem("status_unavailable", detail, where))
        outcome = self._outcome(replace(base, status=value), entry, value)
        if warnings and outcome.warning is None:
            outcome = replace(
                outcome, warning=Problem("status_policy_relaxed", "; ".join(warnings), where)
            )
        return outcome

    @staticmethod
    def _outcome(base: StatusOutcome, entry: StatusEntry, value: int) -> StatusOutcome:
        where = base.where
        text = entry.message_for(value)
        ref = f"{entry.list_credential} index {entry.index}"
        base = replace(base, message=text)
        if not value:
            return base
        if entry.purpose == "revocation":
            return replace(base, problem=Problem("revoked", f"revoked ({ref})", where))
        if entry.purpose == "suspension":
            return replace(base, problem=Problem("suspended", f"suspended ({ref})", where))
        if entry.purpose == "message":
            return replace(
                base,
                problem=Problem(
                    "status_message", f"status {hex(value)}: {text or 'no message'} ({ref})", where
                ),
            )
        if entry.purpose == "refresh":
            return replace(
                base,
                warning=Problem(
                    "status_not_checked",
                    f"the issuer marks this credential for refresh ({ref}): a newer version is "
                    "available",
                    where,
                ),
            )
        return replace(
            base,
            problem=Problem(
                "status_unavailable",
                f"status purpose {entry.purpose[:60]!r} is set ({hex(value)}) and mbo_vc does not "
                f"know what it means ({ref})",
                where,
            ),
        )


def _list_json(view: CredentialView) -> dict[str, Any]:
    """The members of a verified status list credential the codec reads, from its view."""
    doc: dict[str, Any] = {"id": view.id, "type": view.type_names, "issuer": view.issuer}
    doc.update(view.date_members())
    subjects = view.subject_json()
    doc["credentialSubject"] = subjects[0] if len(subjects) == 1 else subjects
    return doc
