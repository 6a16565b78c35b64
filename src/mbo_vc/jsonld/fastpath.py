"""Three narrow speed fixes to pyld 3.3's context processing and term lookup; output is unchanged.

1. **Type-scoped contexts were never cached.** pyld caches a processed context under the
   ``_uuid`` of the active context it was processed on. A type-scoped context does not propagate,
   so pyld first clones the active context (to remember ``previousContext``), and the clone gets a
   fresh ``uuid.uuid1()`` on every use: the cache never hits, and the whole scoped context (the
   VerifiableCredential, DataIntegrityProof, OBv3 class contexts …) is processed again for every
   node of every document. Here the clone gets a key derived from its parent's (the clone is a
   pure function of the parent, so equal keys mean equal contexts).
2. **Inline contexts were re-hashed on every use.** pyld keys an inline context by its JCS text,
   computed in pure Python at each resolution (a scoped context of the OBv3 context: ~0.7 ms).
   Here the key is the sorted JSON text from the C encoder (~0.15 ms; equal texts mean equal
   contexts, which is all a cache key needs), remembered per frozen context object. The scoped
   contexts a term definition holds are frozen when the term is defined, so that their keys
   are remembered too (otherwise each typed node of a document re-encodes its class's context:
   28 times for one mbo-diploma).
3. **Term lookups took the long road.** ``_expand_iri`` runs a keyword test, a regular
   expression and two type tests before it looks a plain term up in the active context (some 500
   calls for a 4 KB credential). Outside context processing, a string that does not start with
   ``@`` passes none of those tests, so its vocabulary lookup is answered at once, with the same
   two lines of pyld code that would answer it at the end of the long road.

All three are off when :data:`ENABLED` is False; a test compares the canonical N-Quads of the whole
test corpus with and without them. The same problems are worth reporting upstream (pyld:
``_process_context`` with ``propagate=False``; ``ContextResolver.resolve`` for dict contexts).
The classes check pyld's version on import.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections import OrderedDict
from typing import Any

from frozendict import frozendict
from pyld import jsonld as _pyld
from pyld.context_resolver import ContextResolver
from pyld.resolved_context import ResolvedContext

__all__ = ["ENABLED", "FastContextResolver", "FastProcessor"]

if not str(_pyld.__version__).startswith("3.3."):  # pragma: no cover - version guard
    raise ImportError(
        "mbo_vc's context-cache fixes are written for pyld 3.3.x; "
        f"found {_pyld.__version__}: re-check mbo_vc/jsonld/fastpath.py"
    )

ENABLED = True
"""Switch the three fixes off (for the equivalence test)."""

_NON_PROPAGATING = "/non-propagating"


class FastProcessor(_pyld.JsonLdProcessor):
    """pyld's processor whose non-propagating clones have stable cache keys."""

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        if ENABLED and not propagate and not active_ctx.get("previousContext"):
            first = local_ctx[0] if isinstance(local_ctx, list) and local_ctx else local_ctx
            # (a context with its own @propagate decides for itself: leave it to pyld)
            if not (isinstance(first, dict | frozendict) and "@propagate" in first):
                if "_uuid" not in active_ctx:
                    active_ctx["_uuid"] = str(uuid.uuid1())
                clone = self._clone_active_context(active_ctx)
                clone["previousContext"] = active_ctx
                clone["_uuid"] = str(active_ctx["_uuid"]) + _NON_PROPAGATING
                active_ctx = clone
        return super()._process_context(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
        )

    def _create_term_definition(
        self,
        active_ctx: Any,
        local_ctx: Any,
        term: Any,
        defined: Any,
        options: Any,
        override_protected: bool = False,
        validate_scoped: bool = True,
    ) -> Any:
        result = super()._create_term_definition(
            active_ctx, local_ctx, term, defined, options, override_protected, validate_scoped
        )
        if ENABLED:
            mapping = active_ctx["mappings"].get(term)
            scoped = mapping.get("@context") if isinstance(mapping, dict) else None
            if isinstance(scoped, dict) and not isinstance(scoped, frozendict):
                # (equal to the plain one: a protected term's redefinition compares equal)
                mapping["@context"] = _frozen(scoped)
        return result

    def _expand_iri(
        self,
        active_ctx: Any,
        value: Any,
        base: Any = None,
        vocab: bool = False,
        local_ctx: Any = None,
        defined: Any = None,
    ) -> Any:
        # pyld: a value that is no keyword and looks like none (no leading "@"), outside context
        # processing (no local_ctx), expanded as vocabulary and defined as a term
        if ENABLED and vocab and local_ctx is None and type(value) is str and value[:1] != "@":
            mappings = active_ctx["mappings"]
            if value in mappings:
                mapping = mappings.get(value)
                return None if mapping is None else mapping["@id"]
        return super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)


def _frozen(value: Any) -> Any:
    """``value`` with every object frozen (arrays stay lists: pyld tests for ``list``)."""
    if isinstance(value, dict):
        return frozendict({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_frozen(v) for v in value]
    return value


def _as_dict(value: Any) -> Any:
    if isinstance(value, frozendict):
        return dict(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


class FastContextResolver(ContextResolver):
    """pyld's context resolver, remembering the cache key of each inline context object."""

    _keys: OrderedDict[int, tuple[Any, str]] = OrderedDict()
    _lock = threading.Lock()
    _max_keys = 4096

    def resolve(self, active_ctx: Any, context: Any, base: Any, cycles: Any = None) -> Any:
        """As pyld's, with a fast path for a context that is one inline object."""
        if not ENABLED:
            return super().resolve(active_ctx, context, base, cycles)
        ctx = context
        if isinstance(ctx, dict | frozendict) and "@context" in ctx:
            ctx = ctx["@context"]
        if isinstance(ctx, list) and len(ctx) == 1:
            ctx = ctx[0]
        if not isinstance(ctx, dict | frozendict):
            return super().resolve(active_ctx, context, base, cycles)
        key = self._key(ctx)
        resolved = self._get(key)
        if not resolved:
            resolved = ResolvedContext(ctx)
            self._cache_resolved_context(key, resolved, "static")
        return [resolved]

    @classmethod
    def _key(cls, ctx: Any) -> str:
        with cls._lock:
            hit = cls._keys.get(id(ctx))
            if hit is not None and hit[0] is ctx:
                cls._keys.move_to_end(id(ctx))
                return hit[1]
        key = json.dumps(ctx, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                         default=_as_dict)  # fmt: skip
        if isinstance(ctx, frozendict):  # only immutable contexts can be remembered by identity
            with cls._lock:
                cls._keys[id(ctx)] = (ctx, key)  # (holding ctx keeps its id from being reused)
                while len(cls._keys) > cls._max_keys:
                    cls._keys.popitem(last=False)
        return key
