"""DID resolution and verification-method dereferencing.

:class:`DidResolver` resolves DIDs to DID documents through per-method drivers (``did:key`` built
in; pinned documents for offline use) and dereferences verification methods, checking that a
method is listed under a verification relationship (``assertionMethod``, ``authentication`` …).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mbo_vc.did.jwk import resolve_did_jwk
from mbo_vc.did.key import resolve_did_key
from mbo_vc.errors import (
    DidDocumentIdMismatchError,
    DidError,
    UnsupportedDidMethodError,
    VerificationMethodNotFoundError,
)

__all__ = [
    "DidResolution",
    "DidResolver",
    "ResolvedMethod",
    "default_resolver",
    "resolve_did_key",
]

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
        self._methods: dict[str, MethodDriver] = {"key": resolve_did_key, "jwk": resolve_did_jwk}
        self._methods.update(methods or {})
        self._pinned = {k: dict(v) for k, v in (documents or {}).items()}

    @classmethod
    def with_web(
        cls,
        *,
        documents: Mapping[str, Mapping[str, Any]] | None = None,
        **options: Any,
    ) -> DidResolver:
        """A resolver that may fetch did:web documents (network opt-in).

        ``options`` go to :class:`mbo_vc.did.web.WebDidDriver` (``ssl_context``, ``ca_bundle``,
        timeouts, ``max_bytes``, ``allow_private``, ``allow_networks``, ``cache_ttl`` …).
        Pinned ``documents`` still win over the network.
        """
        from mbo_vc.did.web import WebDidDriver

        return cls({"web": WebDidDriver(**options)}, documents=documents)

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
            raise DidDocumentIdMismatchError(
                f"{did}: DID document id {str(doc.get('id'))[:100]!r} does not equal the DID"
            )
        return doc

    def resolve_with_metadata(self, did: str) -> DidResolution:
        """Resolve ``did`` and say where its document came from (and, for did:web, when)."""
        method = did.split(":", 2)[1] if isinstance(did, str) and did.count(":") >= 2 else ""
        driver = None if did in self._pinned else self._methods.get(method)
        detailed = getattr(driver, "resolve_with_metadata", None)
        if detailed is None or not did.startswith("did:"):
            source = "computed" if method in ("key", "jwk") else "driver"
            source = "pinned" if did in self._pinned else source
            return DidResolution(self.resolve(did), {"source": source, "method": method})
        found = detailed(did)
        if found.document.get("id") != did:
            raise DidDocumentIdMismatchError(f"{did}: DID document id does not equal the DID")
        return DidResolution(found.document, {**found.metadata(), "method": method})

    def dereference(self, did_url: str) -> ResolvedMethod:
        """Find the verification method ``did_url`` (``did:…#fragment``) in its DID document."""
        if not isinstance(did_url, str) or "#" not in did_url:
            raise DidError(f"verification method must be a DID URL with a fragment: {did_url!r}")
        did = _did_of(did_url)
        doc = self.resolve(did)
        candidates: list[Any] = list(doc.get("verificationMethod") or [])
        for rel in _RELATIONSHIPS:
            candidates.extend(e for e in doc.get(rel) or [] if isinstance(e, dict))
        found: dict[str, Any] | None = None
        for vm in candidates:
            if isinstance(vm, dict) and isinstance(vm.get("id"), str):
                if _absolute(vm["id"], did) == did_url:
                    method = dict(vm)
                    method["id"] = did_url
                    if isinstance(method.get("controller"), str):
                        method["controller"] = _absolute(method["controller"], did)
                    if found is not None and found != method:
                        raise DidError(f"{did}: {did_url} is defined twice, differently")
                    found = method
        if found is not None:
            return ResolvedMethod(found, doc)
        raise VerificationMethodNotFoundError(
            f"{did_url} is not a verification method in the DID document of {did}"
        )


@dataclass(frozen=True)
class DidResolution:
    """A DID document with resolution metadata (``source``: pinned, computed or network …)."""

    document: dict[str, Any]
    metadata: dict[str, Any]


_default: DidResolver | None = None


def default_resolver() -> DidResolver:
    """The offline resolver with only the built-in methods."""
    global _default
    if _default is None:
        _default = DidResolver()
    return _default
