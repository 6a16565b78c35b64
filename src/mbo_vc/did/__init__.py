"""DID resolution and verification-method dereferencing.

:class:`DidResolver` resolves DIDs to DID documents through per-method drivers (``did:key`` built
in; pinned documents for offline use) and dereferences verification methods, checking that a
method is listed under a verification relationship (``assertionMethod``, ``authentication`` …).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mbo_vc.did.key import resolve_did_key
from mbo_vc.errors import DidError, UnsupportedDidMethodError

__all__ = ["DidResolver", "ResolvedMethod", "default_resolver", "resolve_did_key"]

MethodDriver = Callable[[str], dict[str, Any]]

_RELATIONSHIPS = frozenset(
    {
        "assertionMethod",
        "authentication",
        "capabilityInvocation",
        "capabilityDelegation",
        "keyAgreement",
    }
)


@dataclass(frozen=True)
class ResolvedMethod:
    """A dereferenced verification method and the DID document that lists it."""

    method: dict[str, Any]
    document: dict[str, Any]

    @property
    def id(self) -> str:
        """The absolute id of the verification method."""
        return str(self.method["id"])

    @property
    def controller(self) -> str | None:
        """The method's ``controller``."""
        c = self.method.get("controller")
        return c if isinstance(c, str) else None

    def authorized_for(self, relationship: str) -> bool:
        """True when the DID document lists this method under ``relationship``."""
        if relationship not in _RELATIONSHIPS:
            return False
        doc_id = self.document.get("id")
        entries = self.document.get(relationship) or []
        if not isinstance(entries, list):
            entries = [entries]
        for entry in entries:
            ref = entry.get("id") if isinstance(entry, dict) else entry
            if isinstance(ref, str) and _absolute(ref, doc_id) == self.id:
                return True
        return False


def _absolute(ref: str, doc_id: Any) -> str:
    if ref.startswith("#") and isinstance(doc_id, str):
        return doc_id + ref
    return ref


def _did_of(did_url: str) -> str:
    return did_url.split("#", 1)[0].split("?", 1)[0]


class DidResolver:
    """Resolve DIDs with registered method drivers and optional pinned documents.

    ``documents`` pins DID documents (or controller documents with an ``https:`` id) by their id,
    so scripts can verify with no network at all; ``methods`` adds or replaces
    method drivers (``{"web": fn}``; ``fn(did) -> document``).
    """

    def __init__(
        self,
        methods: Mapping[str, MethodDriver] | None = None,
        *,
        documents: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self._methods: dict[str, MethodDriver] = {"key": resolve_did_key}
        self._methods.update(methods or {})
        self._pinned = {k: dict(v) for k, v in (documents or {}).items()}

    def register(self, method: str, driver: MethodDriver) -> None:
        """Add a method driver (``method`` without the ``did:`` prefix)."""
        self._methods[method] = driver

    def pin(self, document: Mapping[str, Any]) -> None:
        """Pin a DID document by its ``id``."""
        did = document.get("id")
        if not isinstance(did, str):
            raise DidError("a pinned DID document needs a string id")
        self._pinned[did] = dict(document)

    def resolve(self, did: str) -> dict[str, Any]:
        """Return the DID document for ``did`` (raises :class:`~mbo_vc.errors.DidError`)."""
        if not isinstance(did, str) or len(did) > 4096:
            raise DidError(f"not a DID: {str(did)[:100]!r}")
        if did not in self._pinned and not did.startswith("did:"):
            raise DidError(
                f"{did[:100]!r} is not a DID and no controller document is pinned for it "
                "(mbo_vc does not fetch controller documents from the network)"
            )
        if did in self._pinned:
            doc = self._pinned[did]
        else:
            parts = did.split(":", 2)
            if len(parts) < 3 or not parts[2]:
                raise DidError(f"not a DID: {did[:100]!r}")
            driver = self._methods.get(parts[1])
            if driver is None:
                raise UnsupportedDidMethodError(f"DID method '{parts[1]}' is not supported: {did}")
            doc = driver(did)
        if doc.get("id") != did:
            raise DidError(f"DID document id {doc.get('id')!r} does not equal {did}")
        return doc

    def dereference(self, did_url: str) -> ResolvedMethod:
        """Find the verification method ``did_url`` (``did:…#fragment``) in its DID document."""
        if not isinstance(did_url, str) or "#" not in did_url:
            raise DidError(f"verification method must be a DID URL with a fragment: {did_url!r}")
        did = _did_of(did_url)
        doc = self.resolve(did)
        candidates: list[Any] = list(doc.get("verificationMethod") or [])
        for rel in _RELATIONSHIPS:
            candidates.extend(e for e in doc.get(rel) or [] if isinstance(e, dict))
        for vm in candidates:
            if isinstance(vm, dict) and isinstance(vm.get("id"), str):
                if _absolute(vm["id"], did) == did_url:
                    method = dict(vm)
                    method["id"] = did_url
                    if isinstance(method.get("controller"), str):
                        method["controller"] = _absolute(method["controller"], did)
                    return ResolvedMethod(method, doc)
        raise DidError(f"{did_url} is not a verification method in the DID document of {did}")


_default: DidResolver | None = None


def default_resolver() -> DidResolver:
    """The offline resolver with only the built-in methods."""
    global _default
    if _default is None:
        _default = DidResolver()
    return _default
