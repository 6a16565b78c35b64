"""The offline, pinned JSON-LD document loader.

Contexts come only from the bundled, sha256-pinned files in ``contexts/`` (shipped in the wheel as
``mbo_vc/_contexts``) plus contexts a caller registers for one use with
``DocumentLoader(extra={url: document})``. Nothing is ever fetched from the network.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from cachetools import LRUCache

from mbo_vc.errors import ContextIntegrityError, UnknownContextError, UsageError
from mbo_vc.json_input import json_copy

__all__ = [
    "EDUCREDENTIAL_CONTEXT",
    "KNOWN_INVALID_CONTEXTS",
    "DocumentLoader",
    "PinnedContext",
    "bundled_contexts_dir",
    "default_loader",
    "read_pinned_folder",
]

_MANIFEST = "MANIFEST.json"


def bundled_contexts_dir() -> Path:
    """Return the folder holding the bundled contexts (in the wheel, or in a source checkout)."""
    packaged = resources.files("mbo_vc") / "_contexts"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[3] / "contexts"
    if (checkout / _MANIFEST).is_file():
        return checkout
    raise ContextIntegrityError(
        "the bundled JSON-LD contexts are missing from this installation (mbo_vc/_contexts)"
    )


@dataclass(frozen=True)
class PinnedContext:
    """One context the loader may serve: its URL, file, pinned digest and provenance."""

    url: str
    file: str
    sha256: str
    source: str
    served: bool = False
    """True when the file holds exactly the bytes the URL serves (``served_sha256``)."""


def _read_manifest(folder: Path) -> dict[str, PinnedContext]:
    try:
        raw = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
        entries = raw["contexts"]
        return {
            e["url"]: PinnedContext(
                e["url"],
                e["file"],
                e["sha256"],
                e.get("source", ""),
                e.get("served_sha256") == e["sha256"],
            )
            for e in entries
        }
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ContextIntegrityError(f"cannot read context manifest in {folder}: {exc}") from None


def read_pinned_folder(folder: Path) -> dict[str, dict[str, Any]]:
    """Read every context listed in ``folder/MANIFEST.json``, checking each file's sha256.

    Used by tests and tools to register a folder of extra (e.g. test-only) contexts.
    """
    out: dict[str, dict[str, Any]] = {}
    for url, pin in _read_manifest(folder).items():
        out[url] = _load_pinned(folder, pin)
    return out


def _load_pinned(folder: Path, pin: PinnedContext) -> dict[str, Any]:
    path = folder / pin.file
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ContextIntegrityError(f"bundled context {pin.url} unreadable: {exc}") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != pin.sha256:
        raise ContextIntegrityError(
            f"bundled context {pin.url} does not match its pinned sha256 "
            f"(expected {pin.sha256}, file has {digest})"
        )
    try:
        doc = json.loads(data)
    except ValueError as exc:
        raise ContextIntegrityError(f"bundled context {pin.url} is not JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise ContextIntegrityError(f"bundled context {pin.url} is not a JSON object")
    return doc


EDUCREDENTIAL_CONTEXT = (
    "https://raw.githubusercontent.com/educredentials/obv3-examples/refs/heads/main/"
    "contexts/educredential.json"
)


KNOWN_INVALID_CONTEXTS: dict[str, str] = {
    EDUCREDENTIAL_CONTEXT: (
        '(the Edubadges examples\' context) spells "context" for "@context" in its '
        "supervisionType term; mbo_vc issues microcredentials with https://w3id.org/mbo-vc/"
        "edubadges/v1 instead (docs/mbo-model.md)"
    ),
}
"""Bundled contexts served as published although JSON-LD 1.1 refuses them, and why: a document
naming one is ``invalid_term_definition``, as with jsonld.js (never repaired, see
docs/mbo-model.md). They stay bundled so that the refusal names the reason, not
``unknown_context``."""


class DocumentLoader:
    """Offline JSON-LD document loader: serves only pinned contexts, never the network.

    ``extra`` registers further contexts for this loader only (``{url: document}``; the document
    as a dict or JSON text). A registered URL may not replace a bundled one. Any other URL raises
    :class:`~mbo_vc.errors.UnknownContextError`. Each loader keeps a bounded cache of processed
    contexts, so repeated signing and verification do not re-process the same contexts.
    """

    def __init__(
        self,
        extra: Mapping[str, Mapping[str, Any] | str | bytes] | None = None,
        *,
        bundled: bool = True,
        cache_size: int = 256,
    ) -> None:
        self._folder: Path | None = bundled_contexts_dir() if bundled else None
        self._pins: dict[str, PinnedContext] = _read_manifest(self._folder) if self._folder else {}
        self._docs: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._extra_bytes: dict[str, bytes] = {}
        for url, doc in (extra or {}).items():
            if url in self._pins:
                raise UsageError(f"context {url} is bundled and pinned; it cannot be replaced")
            self._docs[url] = _as_context_document(url, doc)
            if isinstance(doc, str | bytes):
                self._extra_bytes[url] = doc.encode("utf-8") if isinstance(doc, str) else doc
        self._extra_urls = frozenset(self._docs)
        # pyld's processed-context cache, private to this loader so that a context registered
        # here can never leak into another loader's processing.
        self.context_cache: LRUCache[str, Any] = LRUCache(maxsize=cache_size)

    @property
    def urls(self) -> frozenset[str]:
        """Every URL this loader serves."""
        return frozenset(self._pins) | self._extra_urls

    def is_bundled(self, url: str) -> bool:
        """Tell whether ``url`` is one of the bundled, pinned contexts."""
        return url in self._pins

    def pinned(self) -> Iterator[PinnedContext]:
        """Iterate over the bundled contexts' pins (URL, file, sha256, provenance)."""
        return iter(self._pins.values())

    def served_bytes(self, url: str) -> bytes | None:
        """The bytes ``url`` serves, when this loader holds exactly those (a bundled context
        whose file is the served file, checked against its sha256, or a context registered as
        text); None otherwise. Used to check ``relatedResource`` digests offline."""
        if url in self._extra_bytes:
            return self._extra_bytes[url]
        pin = self._pins.get(url)
        if pin is None or not pin.served or self._folder is None:
            return None
        data = (self._folder / pin.file).read_bytes()
        if hashlib.sha256(data).hexdigest() != pin.sha256:
            raise ContextIntegrityError(f"bundled context {url} does not match its pinned sha256")
        return data

    def load(self, url: str) -> dict[str, Any]:
        """Return a fresh copy of the context document for ``url``."""
        doc = self._docs.get(url)
        if doc is None:
            pin = self._pins.get(url)
            if pin is None or self._folder is None:
                raise UnknownContextError(
                    f"JSON-LD context {_short(url)!s} is not bundled or registered; "
                    "mbo_vc never fetches contexts from the network"
                )
            with self._lock:
                doc = self._docs.get(url)
                if doc is None:
                    doc = _load_pinned(self._folder, pin)
                    self._docs[url] = doc
        return json_copy(doc)

    def __call__(self, url: str, options: Any = None) -> dict[str, Any]:
        """pyld's document-loader protocol."""
        # tag "static": pyld keeps the processed context in this loader's shared cache.
        return {"contextUrl": None, "documentUrl": url, "document": self.load(url), "tag": "static"}

    def __repr__(self) -> str:
        return f"DocumentLoader({len(self._pins)} bundled, {len(self._extra_urls)} registered)"


def _as_context_document(url: str, doc: Mapping[str, Any] | str | bytes) -> dict[str, Any]:
    if isinstance(doc, str | bytes):
        try:
            doc = json.loads(doc)
        except ValueError as exc:
            raise UsageError(f"registered context {url} is not JSON: {exc}") from None
    if not isinstance(doc, Mapping):
        raise UsageError(f"registered context {url} must be a JSON object")
    return json_copy(dict(doc))


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


_default_loader: DocumentLoader | None = None
_default_lock = threading.Lock()


def default_loader() -> DocumentLoader:
    """The process-wide loader with only the bundled contexts (created on first use)."""
    global _default_loader
    if _default_loader is None:
        with _default_lock:
            if _default_loader is None:
                _default_loader = DocumentLoader()
    return _default_loader
