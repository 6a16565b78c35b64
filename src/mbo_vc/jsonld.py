"""JSON-LD processing: the offline, pinned document loader and RDF canonicalisation (RDFC-1.0).

Contexts come only from the bundled, sha256-pinned files in ``contexts/`` (shipped in the wheel as
``mbo_vc/_contexts``) plus contexts a caller registers for one use with
``DocumentLoader(extra={url: document})``. Nothing is ever fetched from the network.

Canonicalisation runs in *safe mode*, like the reference stack (jsonld.js ``safe: true``): a
document that JSON-LD would silently change on its way to RDF (an undefined term that would be
dropped, a relative IRI, an invalid value) is refused with :class:`~mbo_vc.errors.SafeModeError`
instead of being signed or verified without the dropped data.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from pyld import jsonld as _pyld
from pyld.canon import URDNA2015
from pyld.context_resolver import ContextResolver

from mbo_vc.errors import (
    CanonicalizationError,
    CanonicalizationLimitError,
    ContextIntegrityError,
    InputError,
    MboVcError,
    SafeModeError,
    UnknownContextError,
    UsageError,
)
from mbo_vc.limits import DEFAULT_LIMITS, Limits

__all__ = [
    "DocumentLoader",
    "PinnedContext",
    "bundled_contexts_dir",
    "canonicalize_rdfc",
    "check_compact_form",
    "default_loader",
    "expand",
]

_MANIFEST = "MANIFEST.json"


def bundled_contexts_dir() -> Path:
    """Return the folder holding the bundled contexts (in the wheel, or in a source checkout)."""
    packaged = resources.files("mbo_vc") / "_contexts"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / "contexts"
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


def _read_manifest(folder: Path) -> dict[str, PinnedContext]:
    try:
        raw = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
        entries = raw["contexts"]
        return {
            e["url"]: PinnedContext(e["url"], e["file"], e["sha256"], e.get("source", ""))
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


def _repair_published(url: str, doc: dict[str, Any]) -> dict[str, Any]:
    """Fix, in memory only, a known slip in a published context (the file stays as published).

    educredential.json spells ``"context"`` for ``"@context"`` in its ``supervisionType`` term,
    which JSON-LD 1.1 rejects as an invalid term definition; jsonld.js rejects it too. The
    file's sha256 is checked before this runs. See docs/mbo-model.md.
    """
    if url == EDUCREDENTIAL_CONTEXT:
        try:
            term = doc["@context"]["EducredentialAchievement"]["@context"]["supervisionType"]
        except (KeyError, TypeError):
            return doc
        if isinstance(term, dict) and "context" in term and "@context" not in term:
            term["@context"] = term.pop("context")
    return doc


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
        for url, doc in (extra or {}).items():
            if url in self._pins:
                raise UsageError(f"context {url} is bundled and pinned; it cannot be replaced")
            self._docs[url] = _as_context_document(url, doc)
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
                    doc = _repair_published(url, _load_pinned(self._folder, pin))
                    self._docs[url] = doc
        return copy.deepcopy(doc)

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
    return copy.deepcopy(dict(doc))


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


# --- expansion with safe mode -------------------------------------------------------------

_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")
_BLANK_NODE = re.compile(r"^_:[^\s<>\"{}|\\^`]+$")
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_KEYWORDS = frozenset(
    {
        "@id", "@type", "@value", "@language", "@direction", "@list", "@set", "@graph",
        "@index", "@reverse", "@included", "@nest", "@json", "@none",
    }
)  # fmt: skip


class _SafeProcessor(_pyld.JsonLdProcessor):
    """pyld's processor, recording every property that expansion drops."""

    def __init__(self) -> None:
        self.dropped: list[str | None] = []
        super().__init__(on_property_dropped=self.dropped.append)


def _find_mbo_error(exc: BaseException) -> MboVcError | None:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, MboVcError):
            return cur
        cur = cur.__cause__ or cur.__context__
    return None


def _jsonld_failure(exc: BaseException) -> MboVcError:
    found = _find_mbo_error(exc)
    if found is not None:
        return found
    if isinstance(exc, RecursionError):
        return InputError(
            "document is nested too deeply for JSON-LD processing", code="limit_exceeded"
        )
    codes: list[str] = []
    cur: BaseException | None = exc
    while cur is not None and len(codes) < 8:
        code = getattr(cur, "code", None)
        if code:
            codes.append(str(code))
        cur = cur.__cause__
    detail = codes[-1] if codes else type(exc).__name__
    if detail in {"protected term redefinition", "invalid context nullification"}:
        return SafeModeError(
            f"JSON-LD processing refused the document: {detail}", code="protected_term_redefinition"
        )
    return CanonicalizationError(f"JSON-LD processing failed: {detail}", code="invalid_jsonld")


def _options(loader: DocumentLoader) -> dict[str, Any]:
    return {
        "documentLoader": loader,
        "contextResolver": ContextResolver(loader.context_cache, loader),
        "base": None,
        "processingMode": "json-ld-1.1",
        "extractAllScripts": False,
    }


def expand(
    document: Mapping[str, Any], loader: DocumentLoader | None = None, *, safe: bool = True
) -> list[dict[str, Any]]:
    """Expand ``document`` with the offline loader; in safe mode refuse anything JSON-LD drops."""
    loader = loader or default_loader()
    if safe:
        _check_input(document)
    proc = _SafeProcessor()
    try:
        expanded = proc.expand(copy.deepcopy(dict(document)), _options(loader))
    except MboVcError:
        raise
    except Exception as exc:  # pyld raises many types; map them all to our hierarchy
        raise _jsonld_failure(exc) from None
    if safe:
        if proc.dropped:
            names = sorted({repr(d) for d in proc.dropped})
            raise SafeModeError(
                "the document uses a term its @context does not define, so JSON-LD would drop "
                f"it and it would not be signed: {', '.join(names)}",
                code="dropped_term",
            )
        _check_expanded(expanded, top_level=True)
    return expanded


def _check_input(document: Any) -> None:
    """Refuse, before expansion, the value objects that pyld drops without telling."""
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, Mapping):
            if "@value" in item and item["@value"] is None:
                raise _fail("invalid_value", "a null @value is dropped by JSON-LD")
            keys = set(item) - {"@context"}
            if keys and keys <= {"@language", "@direction"}:
                raise _fail("invalid_value", "an object with only @language is dropped by JSON-LD")
            stack.extend(v for k, v in item.items() if k != "@context")


def _fail(code: str, message: str) -> SafeModeError:
    return SafeModeError(message, code=code)


def _check_iri(value: Any, what: str, *, allow_blank: bool = True) -> None:
    if not isinstance(value, str):
        raise _fail("invalid_value", f"{what} must be a string, got {type(value).__name__}")
    if allow_blank and _BLANK_NODE.match(value):
        return
    if not _ABSOLUTE_IRI.match(value):
        raise _fail("relative_iri", f"{what} {_short(value)!r} is not an absolute IRI")


def _check_expanded(items: Any, *, top_level: bool = False) -> None:
    """Walk expanded JSON-LD and refuse what toRDF would silently drop or mangle."""
    stack: list[tuple[Any, bool]] = [(items, top_level)]
    while stack:
        item, top = stack.pop()
        if isinstance(item, list):
            stack.extend((x, top) for x in item)
            continue
        if not isinstance(item, dict):
            raise _fail("invalid_value", "free-floating value that JSON-LD would drop")
        if "@value" in item:
            _check_value_object(item)
            continue
        if "@list" in item:
            stack.extend((x, False) for x in item["@list"])
            continue
        if top and set(item) <= {"@id"}:
            raise _fail("invalid_value", "a top-level node with nothing but an id is dropped")
        for key, value in item.items():
            if key == "@id":
                _check_iri(value, "@id")
            elif key == "@type":
                for t in value if isinstance(value, list) else [value]:
                    _check_iri(t, "type")
            elif key in ("@graph", "@included"):
                stack.extend((x, True) for x in value)
            elif key == "@reverse":
                for prop, vals in value.items():
                    _check_iri(prop, "reverse property", allow_blank=False)
                    stack.extend((x, False) for x in vals)
            elif key == "@index":
                continue
            elif key.startswith("@"):
                raise _fail("invalid_value", f"unexpected keyword {key} in a node")
            else:
                if key.startswith("_:"):
                    raise _fail("dropped_term", f"blank-node property {key!r} is not RDF")
                _check_iri(key, "property", allow_blank=False)
                stack.extend((x, False) for x in value)


def _check_value_object(item: dict[str, Any]) -> None:
    value = item.get("@value")
    dtype = item.get("@type")
    if dtype == "@json":
        return
    if value is None:
        raise _fail("invalid_value", "a null @value is dropped by JSON-LD")
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        raise _fail("invalid_value", "a non-finite number cannot be represented in RDF")
    if dtype is not None:
        _check_iri(dtype, "value type", allow_blank=False)
    lang = item.get("@language")
    if lang is not None and not (isinstance(lang, str) and _LANGUAGE_TAG.match(lang)):
        raise _fail("invalid_value", f"invalid language tag {lang!r}")


# --- compacted form -----------------------------------------------------------------------

_VALUE_KEYWORDS = frozenset({"@value", "@language", "@direction"})


def check_compact_form(document: Any) -> None:
    """Refuse JSON that is not in the compacted form policy checks read.

    A proof covers the RDF, but verifiers (and their users) read the JSON: ``validUntil`` spelled
    as its full IRI, ``@id`` instead of ``id``, or data tucked into ``@included`` gives the same
    RDF, so the signature still verifies, while a JSON reader no longer sees the member. VC DM 2.0
    requires the compacted form; members must be context terms, and only the value-object
    keywords (``@value``, ``@language``, ``@direction``) may appear outside ``@context``.
    """
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, list):
            ids = [x.get("id") for x in item if isinstance(x, Mapping) and len(x) > 1]
            ids = [i for i in ids if isinstance(i, str)]
            if len(ids) != len(set(ids)):
                raise _fail(
                    "non_compact_form",
                    f"{_short(path)}: the same node appears twice in one list (JSON-LD merges "
                    "it, so a JSON reader would count what the signature does not)",
                )
            stack.extend((x, path) for x in item)
            continue
        if not isinstance(item, Mapping):
            continue
        for key, value in item.items():
            if key == "@context":
                continue
            where = f"{path}/{key}"
            if key == "@included":
                raise _fail("included_block", f"{where}: @included blocks are not accepted")
            if ":" in key or (key.startswith("@") and key not in _VALUE_KEYWORDS):
                raise _fail(
                    "non_compact_form",
                    f"{_short(where)}: members must be spelled as context terms "
                    "(not full IRIs, compact IRIs or keyword aliases)",
                )
            stack.append((value, where))


# --- RDF canonicalisation -------------------------------------------------------------------


class _BoundedURDNA2015(URDNA2015):
    """RDFC-1.0 (URDNA2015) with a work budget on the N-degree hashing step.

    The poison-graph worst case of RDFC-1.0 is exponential in the N-degree step; like
    rdf-canonize's ``maxWorkFactor`` we bound the number of N-degree hash calls.
    """

    def __init__(self, max_calls: int) -> None:
        super().__init__()
        self._budget = max_calls

    def hash_n_degree_quads(self, id_: str, issuer: Any) -> Any:
        self._budget -= 1
        if self._budget < 0:
            raise CanonicalizationLimitError(
                "RDF canonicalisation exceeded its work budget (possible poison graph)"
            )
        return super().hash_n_degree_quads(id_, issuer)


def to_dataset(expanded: list[dict[str, Any]], loader: DocumentLoader) -> dict[str, Any]:
    """Convert expanded JSON-LD to pyld's RDF dataset form (as ``jsonld.toRDF`` does)."""
    proc = _pyld.JsonLdProcessor()
    issuer = _pyld.IdentifierIssuer("_:b")
    options = _options(loader)
    options.update({"produceGeneralizedRdf": False, "rdfDirection": "i18n-datatype"})
    node_map: dict[str, Any] = {"@default": {}}
    try:
        proc._create_node_map(expanded, node_map, "@default", issuer)
        dataset: dict[str, Any] = {}
        for graph_name, graph in sorted(node_map.items()):
            if (
                graph_name == "@default"
                or _ABSOLUTE_IRI.match(graph_name)
                or _BLANK_NODE.match(graph_name)
            ):
                dataset[graph_name] = proc._graph_to_rdf(graph, issuer, options)
    except MboVcError:
        raise
    except Exception as exc:
        raise _jsonld_failure(exc) from None
    return dataset


def canonicalize_rdfc(
    document: Mapping[str, Any],
    loader: DocumentLoader | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
) -> str:
    """Return the RDFC-1.0 canonical N-Quads of ``document`` (safe mode, offline loader)."""
    loader = loader or default_loader()
    expanded = expand(document, loader)
    dataset = to_dataset(expanded, loader)
    quads = sum(len(v) for v in dataset.values())
    if quads > limits.max_quads:
        raise CanonicalizationLimitError(
            f"document produces {quads} RDF quads, more than the limit of {limits.max_quads}"
        )
    try:
        result = _BoundedURDNA2015(limits.max_canonicalization_calls).main(
            dataset, {"format": "application/n-quads"}
        )
    except MboVcError:
        raise
    except Exception as exc:
        raise _jsonld_failure(exc) from None
    return str(result)


CanonicalizeFn = Callable[[Mapping[str, Any], DocumentLoader], str]
