"""The verifier side of Bitstring Status List: check every ``credentialStatus`` entry.

A :class:`StatusChecker` obtains each status list credential through a pluggable fetcher (a
local folder, an in-memory mapping, or HTTP(S) when the caller opts in), verifies that
credential with :func:`mbo_vc.verify` (its own proof and validity period), requires its issuer
to be the credential's issuer, caches it (respecting ``ttl`` and ``validUntil``) and reads the
entry's bits. Outcomes are problem codes: ``revoked``, ``suspended``, ``status_message``, and
``status_unavailable`` when the list cannot be used, which is never the same as revoked.
"""

from __future__ import annotations

import json
import os
import threading
import urllib.error
import urllib.request
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from mbo_vc.document import check_structure, issuer_id, parse_json
from mbo_vc.errors import (
    MboVcError,
    StatusEntryError,
    StatusFetchError,
    StatusIndexError,
    StatusListError,
)
from mbo_vc.limits import DEFAULT_LIMITS, Limits
from mbo_vc.result import Problem, VerificationResult
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

__all__ = [
    "DirectoryFetcher",
    "HttpFetcher",
    "MappingFetcher",
    "StatusChecker",
    "StatusListFetcher",
    "StatusResult",
    "check_status_into",
]

DEFAULT_MAX_FETCH_BYTES = 8 * 1024 * 1024
Document = Mapping[str, Any] | bytes | str


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
            raise StatusFetchError("the status list credential has no id; pass its URL")
        self.documents[key] = document

    def fetch(self, url: str) -> Document:
        """The document registered for ``url``."""
        try:
            return self.documents[url]
        except KeyError:
            raise StatusFetchError(f"no status list credential is registered for {url}") from None


class DirectoryFetcher:
    """Serves status list credentials kept as files in one folder, matched by their ``id``
    (whatever the file names). Hidden files (``.name``, e.g. unfinished temp files) are skipped.
    """

    def __init__(
        self, folder: str | os.PathLike[str], *, max_file_bytes: int = DEFAULT_MAX_FETCH_BYTES
    ) -> None:
        self.folder = Path(folder)
        self.max_file_bytes = max_file_bytes
        self._signature: tuple[Any, ...] | None = None
        self._index: dict[str, Path] = {}
        self._ambiguous: dict[str, list[str]] = {}
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
        index: dict[str, Path] = {}
        ambiguous: dict[str, list[str]] = {}
        for name, _mtime, size in signature:
            if size > self.max_file_bytes:
                continue
            path = self.folder / name
            try:
                doc = json.loads(path.read_bytes())
            except (OSError, ValueError):
                continue
            if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
                continue
            types = doc.get("type")
            types = types if isinstance(types, list) else [types]
            if not any(t in LIST_CREDENTIAL_TYPES for t in types):
                continue
            if doc["id"] in index:
                ambiguous.setdefault(doc["id"], [index[doc["id"]].name]).append(name)
            else:
                index[doc["id"]] = path
        self._index, self._ambiguous, self._signature = index, ambiguous, signature

    def fetch(self, url: str) -> Document:
        """The bytes of the one file in the folder whose status list credential has id ``url``."""
        with self._lock:
            signature = self._scan_signature()
            if signature != self._signature:
                self._rebuild(signature)
            if url in self._ambiguous:
                raise StatusFetchError(
                    f"several files in {self.folder} claim to be {url}: "
                    f"{', '.join(sorted(self._ambiguous[url]))}"
                )
            path = self._index.get(url)
        if path is None:
            raise StatusFetchError(f"no status list credential with id {url} in {self.folder}")
        try:
            return path.read_bytes()
        except OSError as exc:
            raise StatusFetchError(f"cannot read {path}: {exc.strerror}") from None


class _NoDowngradeRedirect(urllib.request.HTTPRedirectHandler):
    max_redirections = 3

    def __init__(self, schemes: Collection[str]) -> None:
        self.schemes = schemes

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        """Follow a redirect only to an allowed scheme."""
        if newurl.split(":", 1)[0].lower() not in self.schemes:
            raise StatusFetchError(f"refusing redirect to {newurl[:100]}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class HttpFetcher:
    """Fetches status list credentials over HTTPS (opt-in: the issuer sees the request).

    Bounded: ``timeout`` seconds per request, at most ``max_bytes`` read, at most 3 redirects,
    and only to ``https`` (``allow_http=True`` also allows plain ``http``, e.g. for tests).
    """

    def __init__(
        self,
        *,
        timeout: float = 5.0,
        max_bytes: int = DEFAULT_MAX_FETCH_BYTES,
        allow_http: bool = False,
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.schemes = ("https", "http") if allow_http else ("https",)
        self._opener = urllib.request.build_opener(_NoDowngradeRedirect(self.schemes))

    def fetch(self, url: str) -> Document:
        """GET ``url`` and return the body (bounded by size and time)."""
        if url.split(":", 1)[0].lower() not in self.schemes:
            raise StatusFetchError(f"will not fetch {url[:100]}: only {'/'.join(self.schemes)}")
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            url,
            headers={
                "Accept": "application/vc+ld+json, application/vc, application/ld+json, "
                "application/json;q=0.9",
                "Accept-Encoding": "identity",
                "User-Agent": "mbo_vc-status-checker",
            },
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as resp:
                if resp.status != 200:
                    raise StatusFetchError(f"{url[:100]} answered HTTP {resp.status}")
                length = resp.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > self.max_bytes:
                    raise StatusFetchError(f"{url[:100]} is larger than {self.max_bytes} bytes")
                body = resp.read(self.max_bytes + 1)
        except StatusFetchError:
            raise
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise StatusFetchError(f"cannot fetch {url[:100]}: {exc}") from None
        if len(body) > self.max_bytes:
            raise StatusFetchError(f"{url[:100]} is larger than {self.max_bytes} bytes")
        return body


@dataclass(frozen=True)
class StatusResult:
    """The outcome for one ``credentialStatus`` entry."""

    where: str
    entry: StatusEntry | None
    status: int | None = None
    problem: Problem | None = None
    warning: Problem | None = None
    message: str | None = None

    @property
    def ok(self) -> bool:
        """True when the entry was checked and reports nothing against the credential."""
        return self.problem is None and self.status is not None


@dataclass
class _Cached:
    status_list: StatusList
    fetched_at: datetime
    expires_at: datetime


class _IssuerMismatch(StatusListError):
    code = "status_list_issuer_mismatch"


def _aware(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


class StatusChecker:
    """Checks credentials' status entries against verified, cached status list credentials.

    ``loader``/``resolver``/``accepted_cryptosuites`` are used to verify the list credentials.
    ``lenient_index`` accepts a JSON-number ``statusListIndex`` (the spec requires a string).
    ``require_list_id_match`` (default on) requires the fetched list credential's ``id`` to be
    the URL the entry names, so that one list of an issuer cannot stand in for another.
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
        default_ttl: timedelta = timedelta(minutes=5),
        max_cached_lists: int = 256,
    ) -> None:
        self._fetch = fetcher.fetch if isinstance(fetcher, StatusListFetcher) else fetcher
        self.loader = loader
        self.resolver = resolver
        self.accepted_cryptosuites = accepted_cryptosuites
        self.limits = limits or replace(DEFAULT_LIMITS, max_document_bytes=DEFAULT_MAX_FETCH_BYTES)
        self.max_list_bytes = max_list_bytes
        self.min_entries = min_entries
        self.lenient_index = lenient_index
        self.require_list_id_match = require_list_id_match
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
        clock = _aware(now)
        with self._lock:
            hit = self._cache.get(url)
            if hit is not None and hit.fetched_at <= clock < hit.expires_at:
                self._cache.move_to_end(url)
                return hit.status_list
        status_list = self._load(url, clock)
        ttl = (
            timedelta(milliseconds=status_list.ttl_ms)
            if status_list.ttl_ms is not None
            else self.default_ttl
        )
        expires = clock + ttl
        if status_list.valid_until is not None:
            expires = min(expires, status_list.valid_until)
        with self._lock:
            self._cache[url] = _Cached(status_list, clock, expires)
            self._cache.move_to_end(url)
            while len(self._cache) > self.max_cached_lists:
                self._cache.popitem(last=False)
        return status_list

    def _load(self, url: str, clock: datetime) -> StatusList:
        from mbo_vc.verify import verify

        self.fetches += 1
        try:
            raw = self._fetch(url)
        except StatusListError:
            raise
        except MboVcError as exc:
            raise StatusFetchError(f"cannot obtain {url}: {exc.message}") from None
        except Exception as exc:  # a caller's fetcher must not crash verification
            raise StatusFetchError(f"cannot obtain {url}: {type(exc).__name__}") from None
        try:
            if isinstance(raw, bytes | str):
                doc = parse_json(raw, limits=self.limits)
            elif isinstance(raw, Mapping):
                check_structure(raw, limits=self.limits)
                doc = dict(raw)
            else:
                raise StatusFetchError(f"the fetcher returned no document for {url}")
        except MboVcError as exc:
            raise StatusFetchError(f"{url} is not a usable JSON document: {exc.message}") from None
        if self.require_list_id_match and doc.get("id") != url:
            raise StatusFetchError(
                f"the status list credential obtained for {url} has id {str(doc.get('id'))[:100]!r}"
            )
        result = verify(
            doc,
            now=clock,
            loader=self.loader,
            resolver=self.resolver,
            accepted_cryptosuites=self.accepted_cryptosuites,
            limits=self.limits,
        )
        if not result.verified:
            codes = ", ".join(dict.fromkeys(result.codes)) or "no proof verified"
            raise StatusFetchError(f"the status list credential {url} does not verify ({codes})")
        try:
            return parse_status_list_credential(doc, max_bytes=self.max_list_bytes)
        except StatusListError as exc:
            raise StatusFetchError(f"status list {url}: {exc.message} ({exc.code})") from None

    # --- credentials ---------------------------------------------------------------------
    def check(
        self, credential: Mapping[str, Any], *, now: datetime | None = None
    ) -> list[StatusResult]:
        """Check every ``credentialStatus`` entry of ``credential`` (never raises for bad data)."""
        clock = _aware(now)
        raw = credential.get("credentialStatus")
        if raw is None:
            return []
        items = raw if isinstance(raw, list) else [raw]
        issuer = issuer_id(credential)
        return [
            self._check_entry(
                item,
                f"credentialStatus[{i}]" if isinstance(raw, list) else "credentialStatus",
                issuer,
                clock,
            )
            for i, item in enumerate(items)
        ]

    def _check_entry(
        self, item: Any, where: str, issuer: str | None, clock: datetime
    ) -> StatusResult:
        if isinstance(item, Mapping) and item.get("type") not in ENTRY_TYPES:
            return StatusResult(
                where,
                None,
                warning=Problem(
                    "status_not_checked",
                    f"status type {str(item.get('type'))[:60]!r} is not supported",
                    where,
                ),
            )
        try:
            entry = parse_status_entry(item, lenient_index=self.lenient_index)
        except StatusEntryError as exc:
            return StatusResult(where, None, problem=Problem(exc.code, exc.message, where))
        try:
            status_list = self.status_list(entry.list_credential, now=clock)
            if issuer is None or status_list.issuer != issuer:
                raise _IssuerMismatch(
                    f"the status list {entry.list_credential} is issued by "
                    f"{status_list.issuer!r}, the credential by {issuer!r}"
                )
            if entry.purpose not in status_list.purposes:
                raise StatusFetchError(
                    f"the status list {entry.list_credential} is for "
                    f"{'/'.join(status_list.purposes)}, the entry for {entry.purpose}"
                )
            if status_list.valid_until is not None and clock >= status_list.valid_until:
                raise StatusFetchError(f"the status list {entry.list_credential} has expired")
            value = status_list.status(entry, min_entries=self.min_entries)
        except StatusIndexError as exc:
            return StatusResult(where, entry, problem=Problem(exc.code, exc.message, where))
        except _IssuerMismatch as exc:
            return StatusResult(where, entry, problem=Problem(exc.code, exc.message, where))
        except StatusListError as exc:
            detail = (
                exc.message if exc.code == "status_unavailable" else f"{exc.message} ({exc.code})"
            )
            return StatusResult(where, entry, problem=Problem("status_unavailable", detail, where))
        return self._outcome(where, entry, value)

    @staticmethod
    def _outcome(where: str, entry: StatusEntry, value: int) -> StatusResult:
        text = entry.message_for(value)
        ref = f"{entry.list_credential} index {entry.index}"
        if entry.purpose == "revocation":
            problem = Problem("revoked", f"revoked ({ref})", where) if value else None
            return StatusResult(where, entry, value, problem, message=text)
        if entry.purpose == "suspension":
            problem = Problem("suspended", f"suspended ({ref})", where) if value else None
            return StatusResult(where, entry, value, problem, message=text)
        if entry.purpose == "message":
            problem = None
            if value:
                problem = Problem(
                    "status_message", f"status {hex(value)}: {text or 'no message'} ({ref})", where
                )
            return StatusResult(where, entry, value, problem, message=text)
        warning = None
        if value:
            warning = Problem(
                "status_not_checked",
                f"status purpose {entry.purpose!r} is set ({hex(value)}) but not acted on ({ref})",
                where,
            )
        return StatusResult(where, entry, value, warning=warning, message=text)


def check_status_into(
    document: Mapping[str, Any],
    result: VerificationResult,
    clock: datetime,
    checker: StatusChecker | None,
) -> None:
    """The verify pipeline's status step: add status problems (or warnings) to ``result``."""
    if document.get("credentialStatus") is None:
        return
    if checker is None:
        result.warnings.append(
            Problem(
                "status_not_checked",
                "the credential has credentialStatus, but no status checker was given "
                "(verify(..., status=StatusChecker(...)) or mbo-vc verify --status-dir DIR)",
                "credentialStatus",
            )
        )
        return
    if not any(p.signature_valid for p in result.proofs):
        result.warnings.append(
            Problem(
                "status_not_checked",
                "status not checked: no proof of the credential verified, so its "
                "credentialStatus is not authentic",
                "credentialStatus",
            )
        )
        return
    for outcome in checker.check(document, now=clock):
        if outcome.problem is not None:
            result.problems.append(outcome.problem)
        if outcome.warning is not None:
            result.warnings.append(outcome.warning)
    result.checks.append("status")
