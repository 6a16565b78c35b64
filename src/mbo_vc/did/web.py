"""The did:web method: DID → HTTPS URL mapping and a careful fetcher for the DID document.

``did:web:example.com`` → ``https://example.com/.well-known/did.json``;
``did:web:example.com%3A3000:user:alice`` → ``https://example.com:3000/user/alice/did.json``
(W3C CCG did:web method, "Read (Resolve)").

:class:`WebDidDriver` fetches with the standard library only (``socket``, ``ssl``,
``http.client``, ``ipaddress``): certificate verification always on, connect/read/total
timeouts, a response size cap (the body is read in pieces and never past the cap), redirects
only to the same HTTPS origin, and a DNS check before every connection so that private,
loopback and link-local addresses are never contacted unless the caller allows them. Documents
are cached for ``cache_ttl`` seconds. Every failure is a :class:`~mbo_vc.errors.DidWebError`
(or another :class:`~mbo_vc.errors.DidError`) whose message starts with the DID.

Network access is opt-in: the default :class:`~mbo_vc.did.DidResolver` has no did:web driver.
"""

from __future__ import annotations

import copy
import dataclasses
import http.client
import ipaddress
import os
import re
import socket
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from mbo_vc.document import parse_json
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
    UsageError,
)
from mbo_vc.limits import DEFAULT_LIMITS

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
        netloc = self.host if self.port == 443 else f"{self.host}:{self.port}"
        return f"https://{netloc}{self.path}"


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


def _system_resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class WebDidDriver:
    """Resolve did:web over HTTPS, defensively. Use as ``DidResolver(methods={"web": driver})``.

    ``ssl_context`` (verification must be on) or ``ca_bundle`` (a PEM file) replace the system
    trust store. ``allow_private`` permits every non-public address; ``allow_networks`` permits
    just the listed CIDR ranges (e.g. ``["127.0.0.1/32"]`` for a test server). ``dns_resolver``
    (``fn(host, port) -> [ip, …]``) replaces the system resolver; ``clock`` is used for timeouts
    and cache expiry.
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
        if ssl_context is not None and ca_bundle is not None:
            raise UsageError("pass either ssl_context or ca_bundle, not both")
        if ssl_context is None:
            try:
                ssl_context = ssl.create_default_context(
                    cafile=os.fspath(ca_bundle) if ca_bundle is not None else None
                )
            except (OSError, ssl.SSLError) as exc:
                raise UsageError(f"cannot load CA bundle {ca_bundle}: {exc}") from None
        if ssl_context.verify_mode != ssl.CERT_REQUIRED or not ssl_context.check_hostname:
            raise UsageError("did:web needs certificate and hostname verification switched on")
        for name, value in (
            ("connect_timeout", connect_timeout),
            ("read_timeout", read_timeout),
            ("total_timeout", total_timeout),
        ):
            if not value > 0:
                raise UsageError(f"{name} must be positive")
        if max_bytes < 1 or max_redirects < 0 or cache_ttl < 0 or cache_size < 0:
            raise UsageError("max_bytes, max_redirects, cache_ttl and cache_size must be >= 0")
        try:
            networks = tuple(ipaddress.ip_network(n, strict=False) for n in allow_networks)
        except ValueError as exc:
            raise UsageError(f"allow_networks: {exc}") from None
        self._context = ssl_context
        self.connect_timeout = float(connect_timeout)
        self.read_timeout = float(read_timeout)
        self.total_timeout = float(total_timeout)
        self.max_bytes = int(max_bytes)
        self.max_redirects = int(max_redirects)
        self.allow_private = bool(allow_private)
        self.allow_networks = networks
        self.cache_ttl = float(cache_ttl)
        self.cache_size = int(cache_size)
        self._dns = dns_resolver or _system_resolve
        self._clock = clock
        self._cache: OrderedDict[str, tuple[float, WebResolution]] = OrderedDict()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"WebDidDriver(timeouts={self.connect_timeout}/{self.read_timeout}/"
            f"{self.total_timeout}s, max_bytes={self.max_bytes}, "
            f"allow_private={self.allow_private}, cache_ttl={self.cache_ttl}s)"
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

    # --- policy ------------------------------------------------------------------------------
    def address_allowed(self, address: str) -> bool:
        """True when this driver may connect to ``address`` (an IP address string)."""
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if ip.is_unspecified or ip.is_multicast:
            return False
        if any(ip in net for net in self.allow_networks):
            return True
        return ip.is_global or self.allow_private

    # --- fetching ----------------------------------------------------------------------------
    def _fetch(self, location: DidWebLocation) -> tuple[bytes, str, str | None]:
        did = location.did
        deadline = self._clock() + self.total_timeout
        url = location.url
        path = location.path
        for _hop in range(self.max_redirects + 1):
            status, value, content_type = self._request(location, path, deadline)
            if status == 200:
                return value, url, content_type
            if status not in _REDIRECTS:
                raise DidWebHttpError(f"{did}: {url} answered HTTP {status}")
            target = value.decode("latin-1") if value else ""
            if not target:
                raise DidWebHttpError(f"{did}: {url} answered HTTP {status} without a Location")
            new_url = urljoin(url, target)
            parts = urlsplit(new_url)
            try:
                new_port = parts.port or 443
            except ValueError:
                new_port = -1
            same_origin = (
                parts.scheme == "https"
                and (parts.hostname or "").lower() == location.host
                and new_port == location.port
                and parts.username is None
                and parts.password is None
            )
            if not same_origin:
                raise DidWebRedirectError(
                    f"{did}: {url} redirects to {new_url[:200]!r}; only redirects to the same "
                    "HTTPS host and port are followed"
                )
            url = new_url
            path = parts.path or "/"
            if parts.query:
                path += "?" + parts.query
        raise DidWebRedirectError(f"{did}: more than {self.max_redirects} redirects from {url}")

    def _addresses(self, location: DidWebLocation, deadline: float) -> list[str]:
        did, host = location.did, location.host
        try:
            ipaddress.ip_address(host)
            found = [host]
        except ValueError:
            found = self._lookup(location, deadline)
        unique = list(dict.fromkeys(found))
        allowed = [a for a in unique if self.address_allowed(a)]
        if not allowed:
            raise DidWebAddressRefusedError(
                f"{did}: {host} resolves to {', '.join(unique[:5]) or 'nothing'}; private, "
                "loopback and link-local addresses are refused unless the caller allows them"
            )
        return allowed

    def _lookup(self, location: DidWebLocation, deadline: float) -> list[str]:
        did, host = location.did, location.host
        box: dict[str, Any] = {}

        def run() -> None:
            try:
                box["result"] = list(self._dns(host, location.port))
            except Exception as exc:  # reported below
                box["error"] = exc

        worker = threading.Thread(target=run, name="mbo-vc-did-web-dns", daemon=True)
        worker.start()
        worker.join(max(0.0, min(self.connect_timeout, deadline - self._clock())))
        if worker.is_alive():
            raise DidWebTimeoutError(f"{did}: looking up {host} took too long")
        if "error" in box:
            raise DidWebUnreachableError(f"{did}: cannot look up {host}: {box['error']}")
        return [str(a) for a in box.get("result", [])]

    def _connect(self, location: DidWebLocation, deadline: float) -> socket.socket:
        did = location.did
        last: OSError | None = None
        for address in self._addresses(location, deadline):
            remaining = deadline - self._clock()
            if remaining <= 0:
                break
            try:
                return socket.create_connection(
                    (address, location.port), timeout=min(self.connect_timeout, remaining)
                )
            except OSError as exc:
                last = exc
        if last is None or isinstance(last, TimeoutError):
            raise DidWebTimeoutError(f"{did}: connecting to {location.host} took too long")
        raise DidWebUnreachableError(
            f"{did}: cannot connect to {location.host}:{location.port}: "
            f"{last.strerror or type(last).__name__}"
        )

    def _request(
        self, location: DidWebLocation, path: str, deadline: float
    ) -> tuple[int, bytes, str | None]:
        """One GET: (200, body, content type) or (3xx, Location bytes, None)."""
        did, host = location.did, location.host
        raw = self._connect(location, deadline)
        fired = threading.Event()
        current: list[socket.socket] = [raw]

        def expire() -> None:
            fired.set()
            try:
                socket.socket.shutdown(current[0], socket.SHUT_RDWR)
            except OSError:
                pass

        watchdog = threading.Timer(max(0.0, deadline - self._clock()), expire)
        watchdog.daemon = True
        watchdog.start()
        conn: http.client.HTTPSConnection | None = None
        try:
            raw.settimeout(min(self.connect_timeout, max(0.001, deadline - self._clock())))
            tls = self._context.wrap_socket(raw, server_hostname=host)
            current[0] = tls
            tls.settimeout(self.read_timeout)
            conn = http.client.HTTPSConnection(host, location.port, context=self._context)
            conn.sock = tls
            conn.putrequest("GET", path, skip_accept_encoding=True)
            conn.putheader("Accept", "application/did+json, application/json;q=0.9")
            conn.putheader("User-Agent", "mbo-vc did:web resolver")
            conn.putheader("Connection", "close")
            conn.endheaders()
            response = conn.getresponse()
            if response.status in _REDIRECTS:
                location_header = response.getheader("Location") or ""
                return response.status, location_header.encode("latin-1", "replace"), None
            if response.status != 200:
                return response.status, b"", None
            body = self._read_body(location, response, tls, deadline)
            if fired.is_set():
                raise DidWebTimeoutError(f"{did}: {host} took longer than {self.total_timeout}s")
            return 200, body, response.getheader("Content-Type")
        except DidWebError:
            raise
        except Exception as exc:
            if fired.is_set() or isinstance(exc, TimeoutError):
                raise DidWebTimeoutError(
                    f"{did}: {host} did not answer in time (connect {self.connect_timeout}s, "
                    f"read {self.read_timeout}s, total {self.total_timeout}s)"
                ) from None
            if isinstance(exc, ssl.SSLCertVerificationError):
                raise DidWebTlsError(
                    f"{did}: the TLS certificate of {host} does not verify ({exc.verify_message})"
                ) from None
            if isinstance(exc, ssl.SSLError):
                raise DidWebTlsError(f"{did}: TLS with {host} failed ({exc.reason})") from None
            if isinstance(exc, http.client.HTTPException):
                raise DidWebHttpError(
                    f"{did}: {host} sent a malformed HTTP response ({type(exc).__name__})"
                ) from None
            if isinstance(exc, OSError):
                raise DidWebUnreachableError(
                    f"{did}: connection to {host} failed ({exc.strerror or type(exc).__name__})"
                ) from None
            raise
        finally:
            watchdog.cancel()
            if conn is not None:
                conn.close()
            current[0].close()

    def _read_body(
        self,
        location: DidWebLocation,
        response: http.client.HTTPResponse,
        sock: socket.socket,
        deadline: float,
    ) -> bytes:
        did, cap = location.did, self.max_bytes
        declared = response.getheader("Content-Length")
        if declared is not None and declared.strip().isdigit() and int(declared) > cap:
            raise DidWebTooLargeError(
                f"{did}: {location.host} announces {int(declared)} bytes; the limit is {cap}"
            )
        chunks: list[bytes] = []
        total = 0
        while True:
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise DidWebTimeoutError(f"{did}: reading from {location.host} took too long")
            sock.settimeout(min(self.read_timeout, remaining))
            chunk = response.read1(min(64 * 1024, cap + 1 - total))
            if not chunk:
                break
            total += len(chunk)
            if total > cap:
                raise DidWebTooLargeError(
                    f"{did}: the document from {location.host} exceeds the limit of {cap} bytes "
                    "(stopped reading)"
                )
            chunks.append(chunk)
        return b"".join(chunks)

    # --- document ----------------------------------------------------------------------------
    def _parse(self, did: str, url: str, body: bytes, content_type: str | None) -> dict[str, Any]:
        media = (content_type or "").split(";", 1)[0].strip().lower()
        if media and media not in _JSON_TYPES and not media.endswith("+json"):
            raise InvalidDidDocumentError(f"{did}: {url} is served as {media[:60]!r}, not as JSON")
        limits = dataclasses.replace(DEFAULT_LIMITS, max_document_bytes=self.max_bytes)
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
