"""JSON-LD expansion in *safe mode*, like the reference stack (jsonld.js ``safe: true``).

A document that JSON-LD would silently change on its way to RDF (an undefined term that would be
dropped, a relative IRI, an invalid value) is refused with a
:class:`~mbo_vc.errors.SafeModeError` subclass instead of being signed or verified without the
dropped data. Every other pyld failure becomes a :class:`~mbo_vc.errors.JsonLdError`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from mbo_vc.errors import (
    InvalidTermDefinitionError,
    InvalidValueError,
    JsonLdError,
    LimitExceededError,
    MboVcError,
    ProtectedTermError,
    RelativeIriError,
    SafeModeError,
)
from mbo_vc.json_input import json_copy_and_bytes
from mbo_vc.jsonld.fastpath import FastContextResolver, FastProcessor
from mbo_vc.jsonld.loader import KNOWN_INVALID_CONTEXTS, DocumentLoader, default_loader

__all__ = ["ABSOLUTE_IRI", "BLANK_NODE", "expand", "jsonld_failure", "pyld_options"]

# No whitespace of any kind (``\s`` is Unicode here): pyld and jsonld.js test "absolute IRI" with
# ``[^\s]*``, so an id or type holding, say, a no-break space (U+00A0, which RFC 3987 would
# allow) is taken as relative and every triple that mentions it is left out of the RDF without a
# word: its claims would not be signed and could be changed at will. (JavaScript's ``\s`` also
# holds U+FEFF, and held U+180E in older engines.)
ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s\ufeff\u180e\x00-\x20\x7f<>\"{}|\\^`]*$")
BLANK_NODE = re.compile(r"^_:[^\s\ufeff\u180e\x00-\x20\x7f<>\"{}|\\^`]+$")
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")


class _SafeProcessor(FastProcessor):
    """pyld's processor, recording every property that expansion drops."""

    def __init__(self) -> None:
        self.dropped: list[str | None] = []
        super().__init__(on_property_dropped=self.dropped.append)


class _PrivateCopy(dict[str, Any]):
    """A document copy that only this expansion holds: pyld's ``expand`` deep-copies its input,
    which for our own fresh copy would be a second full copy (a tenth of the expansion's time)."""

    def __deepcopy__(self, memo: Any) -> _PrivateCopy:
        return self


def _find_mbo_error(exc: BaseException) -> MboVcError | None:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, MboVcError):
            return cur
        cur = cur.__cause__ or cur.__context__
    return None


# JSON-LD 1.1 Create Term Definition: a term definition the algorithm refuses (a member that is
# not one of its keywords, e.g. "context" for "@context"), or a scoped context that fails for
# such a reason. pyld and jsonld.js refuse every document naming such a context, whether or not
# it uses the term (a scoped context is validated when its term is defined).
_TERM_DEFINITION_CODES = frozenset({"invalid term definition", "invalid scoped context"})


def _term_definition_failure(chain: list[BaseException], document: Any) -> MboVcError:
    terms = [str(t) for e in chain if isinstance(t := _details(e).get("term"), str)]
    why = str(chain[-1].args[0] if chain[-1].args else chain[-1]).split("\n")[0]
    where = f" (term {' > '.join(repr(t[:80]) for t in terms[:4])})" if terms else ""
    named = [u for u in _context_urls(document) if u in KNOWN_INVALID_CONTEXTS]
    hint = "".join(f"; {u} {KNOWN_INVALID_CONTEXTS[u]}" for u in named[:2])
    return InvalidTermDefinitionError(
        "a JSON-LD context the document names has an invalid term definition, so JSON-LD 1.1 "
        f"processors refuse the whole document{where}: {why[:200]}{hint}"
    )


def _details(exc: BaseException) -> dict[str, Any]:
    details = getattr(exc, "details", None)
    return details if isinstance(details, dict) else {}


def _context_urls(document: Any) -> list[str]:
    ctx = document.get("@context") if isinstance(document, Mapping) else None
    return [c for c in (ctx if isinstance(ctx, list) else [ctx]) if isinstance(c, str)]


def jsonld_failure(exc: BaseException, document: Any = None) -> MboVcError:
    """The mbo_vc error for an exception pyld raised (safe-mode codes where they apply);
    ``document``, when given, lets the message name a known broken context it uses."""
    found = _find_mbo_error(exc)
    if found is not None:
        return found
    if isinstance(exc, RecursionError):
        return LimitExceededError("document is nested too deeply for JSON-LD processing")
    codes: list[str] = []
    chain: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and len(codes) < 8:
        code = getattr(cur, "code", None)
        if code:
            codes.append(str(code))
            chain.append(cur)
        cur = cur.__cause__
    detail = codes[-1] if codes else type(exc).__name__
    if detail in {"protected term redefinition", "invalid context nullification"}:
        return ProtectedTermError(f"JSON-LD processing refused the document: {detail}")
    if _TERM_DEFINITION_CODES.intersection(codes):
        return _term_definition_failure(chain, document)
    return JsonLdError(f"JSON-LD processing failed: {detail}")


def pyld_options(loader: DocumentLoader) -> dict[str, Any]:
    """pyld's options as the reference stack uses them: offline loader, ``base: null``."""
    return {
        "documentLoader": loader,
        "contextResolver": FastContextResolver(loader.context_cache, loader),
        "base": None,
        "processingMode": "json-ld-1.1",
        "extractAllScripts": False,
    }


def expand(
    document: Mapping[str, Any], loader: DocumentLoader | None = None, *, safe: bool = True
) -> list[dict[str, Any]]:
    """Expand ``document`` with the offline loader; in safe mode refuse anything JSON-LD drops."""
    loader = loader or default_loader()
    proc = _SafeProcessor()
    private, blob = json_copy_and_bytes(dict(document))
    try:
        expanded = proc.expand(_PrivateCopy(private), pyld_options(loader))
    except MboVcError:
        raise
    except Exception as exc:  # pyld raises many types; map them all to our hierarchy
        raise jsonld_failure(exc, document) from None
    if safe:
        if blob is None or any(keyword in blob for keyword in _INPUT_KEYWORDS):
            _check_input(document, _json_literals(expanded))
        if proc.dropped:
            names = sorted({repr(d) for d in proc.dropped})
            raise SafeModeError(
                "the document uses a term its @context does not define, so JSON-LD would drop "
                f"it and it would not be signed: {', '.join(names)[:300]}"
            )
        _check_expanded(expanded, top_level=True)
    return expanded


def _json_text(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _json_literals(expanded: Any) -> frozenset[str]:
    """The JSON text of every ``@json`` literal of an expanded document (their content is data,
    not JSON-LD, so the input walk must not look inside them)."""
    found: set[str] = set()
    stack = [expanded]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            if item.get("@type") == "@json" and "@value" in item:
                found.add(_json_text(item["@value"]))
                continue
            stack.extend(item.values())
    return frozenset(found)


_INPUT_KEYWORDS = (b"@value", b"@language", b"@direction")
"""What :func:`_check_input` looks for: a document whose copy's bytes hold none of these has no
such key, and the walk (with that of its ``@json`` literals) is skipped."""


def _check_input(document: Any, json_literals: frozenset[str] = frozenset()) -> None:
    """Refuse the value objects that pyld drops without telling (``{"@value": null}``, an object
    with only ``@language``), outside ``@json`` literals (whose content is not JSON-LD)."""
    stack = [document]
    while stack:
        item = stack.pop()
        if json_literals and isinstance(item, list | Mapping) and _json_text(item) in json_literals:
            continue
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, Mapping):
            if "@value" in item and item["@value"] is None:
                raise _fail("invalid_value", "a null @value is dropped by JSON-LD")
            keys = set(item) - {"@context"}
            if keys and keys <= {"@language", "@direction"}:
                raise _fail("invalid_value", "an object with only @language is dropped by JSON-LD")
            stack.extend(v for k, v in item.items() if k != "@context")


_SAFE_MODE_ERRORS: dict[str, type[SafeModeError]] = {
    "invalid_value": InvalidValueError,
    "relative_iri": RelativeIriError,
    "dropped_term": SafeModeError,
}


def _fail(code: str, message: str) -> SafeModeError:
    return _SAFE_MODE_ERRORS[code](message)


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _check_iri(value: Any, what: str, *, allow_blank: bool = True) -> None:
    if not isinstance(value, str):
        raise _fail("invalid_value", f"{what} must be a string, got {type(value).__name__}")
    if allow_blank and BLANK_NODE.match(value):
        return
    if not ABSOLUTE_IRI.match(value):
        space = next((c for c in value if c.isspace() or c in "\ufeff\u180e"), None)
        why = (
            f" (it holds U+{ord(space):04X}, whitespace, so JSON-LD would take it as relative "
            "and leave it out of the signed RDF)"
            if space is not None
            else ""
        )
        raise _fail("relative_iri", f"{what} {_short(value)!r} is not an absolute IRI{why}")


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
        if top and ("@value" in item or "@list" in item):
            raise _fail(
                "invalid_value",
                "a value outside any node (e.g. a string as a @graph container's value) is "
                "dropped by JSON-LD and would not be signed",
            )
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
