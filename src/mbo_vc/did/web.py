"""The did:web method: DID → HTTPS URL mapping and a careful resolver for the DID document.

``did:web:example.com`` → ``https://example.com/.well-known/did.json``;
``did:web:example.com%3A3000:user:alice`` → ``https://example.com:3000/user/alice/did.json``
(W3C CCG did:web method, "Read (Resolve)").

:class:`WebDidDriver` fetches with :class:`mbo_vc.net.HttpsClient` (certificate verification
always on, connect/read/total timeouts, a response size cap, redirects only to the same HTTPS
origin, a DNS check before every connection so that private, loopback and link-local addresses
are never contacted unless the caller allows them). Documents are cached for ``cache_ttl``
seconds. Every failure is a :class:`~mbo_vc.errors.DidWebError`
(or another :class:`~mbo_vc.errors.DidError`) whose message starts with the DID.

Network access is opt-in: the default :class:`~mbo_vc.did.DidResolver` has no did:web driver.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from mbo_vc.errors import (
    DidDocumentIdMismatchError,
    DidWebAddressRefusedError,
    DidWebError,
    DidWebHttpError,
    DidWebRedirectError,
    DidWebTimeoutError,
    DidWebTlsError,
    DidWebTooLargeError,
    DidWebUnreachableError,
    InvalidDidDocumentError,
    InvalidDidError,
    MboVcError,
    NetworkAddressRefusedError,
    NetworkError,
    NetworkHttpError,
    NetworkRedirectError,
    NetworkTimeoutError,
    NetworkTlsError,
    NetworkTooLargeError,
    NetworkUnreachableError,
    UsageError,
)
from mbo_vc.json_input import parse_json
from mbo_vc.limits import DEFAULT_LIMITS

if TYPE_CHECKING:  # (start-up time: ssl is loaded by mbo_vc.net when a DID is fetched)
    import ssl

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DidWebLocation",
    "WebDidDriver",
    "WebResolution",
    "did_web_to_url",
    "parse_did_web",
]

DEFAULT_MAX_BYTES = 256 * 1024
"""Default response size cap for a DID document (256 KiB)."""

_MAX_DID_LENGTH = 2048
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_SEGMENT = re.compile(r"^(?:[A-Za-z0-9._~!$&'()*+,;=@-]|%[0-9A-Fa-f]{2})+$")
_PORT_SEP = re.compile("%3a", re.IGNORECASE)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_JSON_TYPES = frozenset(
    {"application/json", "application/did+json", "application/did+ld+json", "application/ld+json"}
)


@dataclass(frozen=True)
class DidWebLocation:
    """Where a did:web's document lives: host, port, path and the full HTTPS URL."""

    did: str
    host: str
    port: int
    path: str

    @property
    def url(self) -> str:
        """The HTTPS URL of the DID document."""
        from mbo_vc.net import HttpsTarget  # (the network stack only when a URL is needed)

        return HttpsTarget(self.host, self.port, self.path).url


def parse_did_web(did: str) -> DidWebLocation:
    """Map a did:web to its document's location (the spec's URL mapping, strictly validated).

    Colons separate the domain from path segments; ``%3A`` in the domain part is the port
    separator; without a path the document lives under ``/.well-known/``. Raises
    :class:`~mbo_vc.errors.InvalidDidError` for anything that does not map to a clean URL.
    """
    if not isinstance(did, str) or not did.startswith("did:web:"):
        raise InvalidDidError(f"not a did:web: {str(did)[:100]!r}")
    if len(did) > _MAX_DID_LENGTH:
        raise InvalidDidError(f"{did[:100]}…: did:web longer than {_MAX_DID_LENGTH} characters")
    msid = did[len("did:web:") :]
    if not msid or any(c in msid for c in "/?#\\") or not msid.isascii() or not msid.isprintable():
        raise InvalidDidError(f"{did[:100]}: malformed did:web method-specific identifier")
    domain, *segments = msid.split(":")
    host, *port_part = _PORT_SEP.split(domain, maxsplit=1)
    host = host.lower()
    labels = host.split(".")
    if len(host) > 253 or "%" in host or not all(_LABEL.match(label) for label in labels):
        raise InvalidDidError(f"{did[:100]}: {host[:80]!r} is not a valid domain name")
    port = 443
    if port_part:
        text = port_part[0]
        if not text.isdigit() or text.startswith("0") or not 0 < int(text) < 65536:
            raise InvalidDidError(f"{did[:100]}: {text[:20]!r} is not a valid port")
        port = int(text)
    for seg in segments:
        decoded = unquote(seg) if _SEGMENT.match(seg) else ""
        if not decoded or decoded in (".", "..") or any(c in decoded for c in "/\\\x00"):
            raise InvalidDidError(f"{did[:100]}: path segment {seg[:60]!r} is not allowed")
    path = "/" + "/".join(segments) + "/did.json" if segments else "/.well-known/did.json"
    return DidWebLocation(did, host, port, path)


def did_web_to_url(did: str) -> str:
    """The HTTPS URL where the DID document of ``did`` is published."""
    return parse_did_web(did).url


@dataclass(frozen=True)
class WebResolution:
    """A did:web document with resolution metadata (where and when it was fetched)."""

    document: dict[str, Any]
    url: str
    retrieved: datetime
    from_cache: bool
    content_type: str | None

    def metadata(self) -> dict[str, Any]:
        """DID resolution metadata (JSON-ready)."""
        return {
            "source": "network",
            "url": self.url,
            "retrieved": self.retrieved.isoformat().replace("+00:00", "Z"),
            "fromCache": self.from_cache,
            "contentType": self.content_type,
        }


_NETWORK_ERRORS: dict[type[NetworkError], type[DidWebError]] = {
    NetworkTimeoutError: DidWebTimeoutError,
    NetworkTooLargeError: DidWebTooLargeError,
    NetworkRedirectError: DidWebRedirectError,
    NetworkAddressRefusedError: DidWebAddressRefusedError,
    NetworkHttpError: DidWebHttpError,
    NetworkTlsError: DidWebTlsError,
    NetworkUnreachableError: DidWebUnreachableError,
}


class WebDidDriver:
    """Resolve did:web over HTTPS, defensively. Use as ``DidResolver(methods={"web": driver})``.

    The fetching is :class:`mbo_vc.net.HttpsClient` (its options are taken here too:
    ``ssl_context`` or ``ca_bundle``, timeouts, ``max_bytes``, ``max_redirects``,
    ``allow_private``, ``allow_networks``, ``dns_resolver``, ``clock``); documents are cached
    for ``cache_ttl`` seconds.
    """

    def __init__(
        self,
        *,
        ssl_context: ssl.SSLContext | None = None,
        ca_bundle: str | os.PathLike[str] | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 10.0,
        total_timeout: float = 20.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = 3,
        allow_private: bool = False,
        allow_networks: Iterable[str] = (),
        cache_ttl: float = 300.0,
        cache_size: int = 256,
        dns_resolver: Callable[[str, int], Sequence[str]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if cache_ttl < 0 or cache_size < 0:
            raise UsageError("cache_ttl and cache_size must be >= 0")
        from mbo_vc.net import HttpsClient

        self.client = HttpsClient(
            ssl_context=ssl_context,
            ca_bundle=ca_bundle,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            total_timeout=total_timeout,
            max_bytes=max_bytes,
            max_redirects=max_redirects,
            allow_private=allow_private,
            allow_networks=allow_networks,
            dns_resolver=dns_resolver,
            clock=clock,
            accept="application/did+json, application/json;q=0.9",
            user_agent="mbo-vc did:web resolver",
        )
        self.cache_ttl = float(cache_ttl)
        self.cache_size = int(cache_size)
        self._clock = clock
        self._cache: OrderedDict[str, tuple[float, WebResolution]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def max_bytes(self) -> int:
        """The response size cap."""
        return self.client.max_bytes

    def __repr__(self) -> str:
        c = self.client
        return (
            f"WebDidDriver(timeouts={c.connect_timeout}/{c.read_timeout}/{c.total_timeout}s, "
            f"max_bytes={c.max_bytes}, allow_private={c.allow_private}, "
            f"cache_ttl={self.cache_ttl}s)"
        )

    # --- public ------------------------------------------------------------------------------
    def __call__(self, did: str) -> dict[str, Any]:
        """Resolve ``did`` to its DID document (the :data:`MethodDriver` interface)."""
        return self.resolve_with_metadata(did).document

    def resolve_with_metadata(self, did: str) -> WebResolution:
        """Resolve ``did`` and say where and when the document was fetched (or cached)."""
        location = parse_did_web(did)
        now = self._clock()
        with self._lock:
            hit = self._cache.get(did)
            if hit is not None and hit[0] > now:
                self._cache.move_to_end(did)
                return dataclasses.replace(
                    hit[1], document=copy.deepcopy(hit[1].document), from_cache=True
                )
        body, url, content_type = self._fetch(location)
        document = self._parse(did, url, body, content_type)
        resolution = WebResolution(document, url, datetime.now(UTC), False, content_type)
        if self.cache_ttl > 0 and self.cache_size > 0:
            with self._lock:
                self._cache[did] = (self._clock() + self.cache_ttl, resolution)
                self._cache.move_to_end(did)
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
            resolution = dataclasses.replace(resolution, document=copy.deepcopy(document))
        return resolution

    def clear_cache(self) -> None:
        """Forget every cached document (e.g. after a school rotated its keys)."""
        with self._lock:
            self._cache.clear()

    def address_allowed(self, address: str) -> bool:
        """True when this driver may connect to ``address`` (an IP address string)."""
        return self.client.address_allowed(address)

    def _fetch(self, location: DidWebLocation) -> tuple[bytes, str, str | None]:
        from mbo_vc.net import HttpsTarget

        target = HttpsTarget(location.host, location.port, location.path)
        try:
            response = self.client.get(target)
        except NetworkError as exc:
            cls = _NETWORK_ERRORS.get(type(exc), DidWebError)
            raise cls(f"{location.did}: {exc.message}") from None
        return response.body, response.url, response.content_type

    # --- document ----------------------------------------------------------------------------
    def _parse(self, did: str, url: str, body: bytes, content_type: str | None) -> dict[str, Any]:
        media = (content_type or "").split(";", 1)[0].strip().lower()
        if media and media not in _JSON_TYPES and not media.endswith("+json"):
            raise InvalidDidDocumentError(f"{did}: {url} is served as {media[:60]!r}, not as JSON")
        limits = dataclasses.replace(DEFAULT_LIMITS, max_document_bytes=self.client.max_bytes)
        try:
            document = parse_json(body, limits=limits)
        except MboVcError as exc:
            raise InvalidDidDocumentError(
                f"{did}: {url} is not a usable DID document: {exc.message}"
            ) from None
        if document.get("id") != did:
            raise DidDocumentIdMismatchError(
                f"{did}: the document at {url} has id {str(document.get('id'))[:100]!r}, "
                "not the DID"
            )
        return document
