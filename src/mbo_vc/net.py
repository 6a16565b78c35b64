"""Opt-in network access: one guarded HTTPS GET for did:web documents and status lists.

Standard library only (``socket``, ``ssl``, ``http.client``, ``ipaddress``): certificate and
hostname verification always on, connect/read/total timeouts (a watchdog closes the socket at
the deadline), a response size cap (the body is read in pieces and never past the cap),
redirects only to the same HTTPS origin, and a DNS check before every connection so that
private, loopback and link-local addresses are never contacted unless the caller allows them;
the connection goes to the vetted address (no DNS rebinding between check and use). Every
failure is a :class:`~mbo_vc.errors.NetworkError` subclass.
"""

from __future__ import annotations

import http.client
import ipaddress
import os
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from mbo_vc.errors import (
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

__all__ = ["HttpsClient", "HttpsResponse", "HttpsTarget"]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class HttpsTarget:
    """An HTTPS origin and path to GET."""

    host: str
    port: int
    path: str

    @property
    def url(self) -> str:
        """The full URL."""
        netloc = self.host if self.port == 443 else f"{self.host}:{self.port}"
        return f"https://{netloc}{self.path}"

    @classmethod
    def parse(cls, url: str) -> HttpsTarget:
        """Split an ``https://`` URL (no user info); raises :class:`NetworkError`."""
        if not isinstance(url, str) or len(url) > 4096:
            raise NetworkError("not a URL")
        parts = urlsplit(url)
        try:
            port = parts.port or 443
        except ValueError:
            raise NetworkError(f"{url[:100]}: invalid port") from None
        host = (parts.hostname or "").lower()
        if parts.scheme != "https" or not host or parts.username or parts.password:
            raise NetworkError(f"will not fetch {url[:100]}: only https:// URLs without user info")
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        return cls(host, port, path)


@dataclass(frozen=True)
class HttpsResponse:
    """A 200 response: its body, final URL and content type."""

    body: bytes
    url: str
    content_type: str | None


def _system_resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class HttpsClient:
    """A careful HTTPS GET (see the module docstring for the guards).

    ``ssl_context`` (verification must be on) or ``ca_bundle`` (a PEM file) replace the system
    trust store. ``allow_private`` permits every non-public address; ``allow_networks`` permits
    just the listed CIDR ranges (e.g. ``["127.0.0.1/32"]`` for a test server). ``dns_resolver``
    (``fn(host, port) -> [ip, …]``) replaces the system resolver; ``clock`` is used for timeouts.
    """

    def __init__(
        self,
        *,
        ssl_context: ssl.SSLContext | None = None,
        ca_bundle: str | os.PathLike[str] | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 10.0,
        total_timeout: float = 20.0,
        max_bytes: int = 256 * 1024,
        max_redirects: int = 3,
        allow_private: bool = False,
        allow_networks: Iterable[str] = (),
        dns_resolver: Callable[[str, int], Sequence[str]] | None = None,
        clock: Callable[[], float] = time.monotonic,
        accept: str = "application/json",
        user_agent: str = "mbo-vc",
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
            raise UsageError("HTTPS needs certificate and hostname verification switched on")
        for name, value in (
            ("connect_timeout", connect_timeout),
            ("read_timeout", read_timeout),
            ("total_timeout", total_timeout),
        ):
            if not value > 0:
                raise UsageError(f"{name} must be positive")
        if max_bytes < 1 or max_redirects < 0:
            raise UsageError("max_bytes must be positive and max_redirects >= 0")
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
        self._dns = dns_resolver or _system_resolve
        self._clock = clock
        self._accept = accept
        self._user_agent = user_agent

    def __repr__(self) -> str:
        return (
            f"HttpsClient(timeouts={self.connect_timeout}/{self.read_timeout}/"
            f"{self.total_timeout}s, max_bytes={self.max_bytes}, "
            f"allow_private={self.allow_private})"
        )

    def address_allowed(self, address: str) -> bool:
        """True when this client may connect to ``address`` (an IP address string)."""
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

    def get(self, target: HttpsTarget | str) -> HttpsResponse:
        """GET ``target``, following same-origin redirects; the 200 body or a NetworkError."""
        if isinstance(target, str):
            target = HttpsTarget.parse(target)
        deadline = self._clock() + self.total_timeout
        url = target.url
        path = target.path
        for _hop in range(self.max_redirects + 1):
            status, value, content_type = self._request(target, path, deadline)
            if status == 200:
                return HttpsResponse(value, url, content_type)
            if status not in _REDIRECTS:
                raise NetworkHttpError(f"{url} answered HTTP {status}")
            location = value.decode("latin-1") if value else ""
            if not location:
                raise NetworkHttpError(f"{url} answered HTTP {status} without a Location")
            new_url = urljoin(url, location)
            parts = urlsplit(new_url)
            try:
                new_port = parts.port or 443
            except ValueError:
                new_port = -1
            same_origin = (
                parts.scheme == "https"
                and (parts.hostname or "").lower() == target.host
                and new_port == target.port
                and parts.username is None
                and parts.password is None
            )
            if not same_origin:
                raise NetworkRedirectError(
                    f"{url} redirects to {new_url[:200]!r}; only redirects to the same HTTPS "
                    "host and port are followed"
                )
            url = new_url
            path = parts.path or "/"
            if parts.query:
                path += "?" + parts.query
        raise NetworkRedirectError(f"more than {self.max_redirects} redirects from {url}")

    # --- connecting ---------------------------------------------------------------------------
    def _addresses(self, target: HttpsTarget, deadline: float) -> list[str]:
        host = target.host
        try:
            ipaddress.ip_address(host)
            found = [host]
        except ValueError:
            found = self._lookup(target, deadline)
        unique = list(dict.fromkeys(found))
        allowed = [a for a in unique if self.address_allowed(a)]
        if not allowed:
            raise NetworkAddressRefusedError(
                f"{host} resolves to {', '.join(unique[:5]) or 'nothing'}; private, loopback "
                "and link-local addresses are refused unless the caller allows them"
            )
        return allowed

    def _lookup(self, target: HttpsTarget, deadline: float) -> list[str]:
        box: dict[str, Any] = {}

        def run() -> None:
            try:
                box["result"] = list(self._dns(target.host, target.port))
            except Exception as exc:  # reported below
                box["error"] = exc

        worker = threading.Thread(target=run, name="mbo-vc-dns", daemon=True)
        worker.start()
        worker.join(max(0.0, min(self.connect_timeout, deadline - self._clock())))
        if worker.is_alive():
            raise NetworkTimeoutError(f"looking up {target.host} took too long")
        if "error" in box:
            raise NetworkUnreachableError(f"cannot look up {target.host}: {box['error']}")
        return [str(a) for a in box.get("result", [])]

    def _connect(self, target: HttpsTarget, deadline: float) -> socket.socket:
        last: OSError | None = None
        for address in self._addresses(target, deadline):
            remaining = deadline - self._clock()
            if remaining <= 0:
                break
            try:
                return socket.create_connection(
                    (address, target.port), timeout=min(self.connect_timeout, remaining)
                )
            except OSError as exc:
                last = exc
        if last is None or isinstance(last, TimeoutError):
            raise NetworkTimeoutError(f"connecting to {target.host} took too long")
        raise NetworkUnreachableError(
            f"cannot connect to {target.host}:{target.port}: {last.strerror or type(last).__name__}"
        )

    def _request(
        self, target: HttpsTarget, path: str, deadline: float
    ) -> tuple[int, bytes, str | None]:
        """One GET: (200, body, content type) or (3xx, Location bytes, None)."""
        host = target.host
        raw = self._connect(target, deadline)
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
            conn = http.client.HTTPSConnection(host, target.port, context=self._context)
            conn.sock = tls
            conn.putrequest("GET", path, skip_accept_encoding=True)
            conn.putheader("Accept", self._accept)
            conn.putheader("Accept-Encoding", "identity")
            conn.putheader("User-Agent", self._user_agent)
            conn.putheader("Connection", "close")
            conn.endheaders()
            response = conn.getresponse()
            if response.status in _REDIRECTS:
                location_header = response.getheader("Location") or ""
                return response.status, location_header.encode("latin-1", "replace"), None
            if response.status != 200:
                return response.status, b"", None
            body = self._read_body(target, response, tls, deadline)
            if fired.is_set():
                raise NetworkTimeoutError(f"{host} took longer than {self.total_timeout}s")
            return 200, body, response.getheader("Content-Type")
        except NetworkError:
            raise
        except Exception as exc:
            if fired.is_set() or isinstance(exc, TimeoutError):
                raise NetworkTimeoutError(
                    f"{host} did not answer in time (connect {self.connect_timeout}s, "
                    f"read {self.read_timeout}s, total {self.total_timeout}s)"
                ) from None
            if isinstance(exc, ssl.SSLCertVerificationError):
                raise NetworkTlsError(
                    f"the TLS certificate of {host} does not verify ({exc.verify_message})"
                ) from None
            if isinstance(exc, ssl.SSLError):
                raise NetworkTlsError(f"TLS with {host} failed ({exc.reason})") from None
            if isinstance(exc, http.client.HTTPException):
                raise NetworkHttpError(
                    f"{host} sent a malformed HTTP response ({type(exc).__name__})"
                ) from None
            if isinstance(exc, OSError):
                raise NetworkUnreachableError(
                    f"connection to {host} failed ({exc.strerror or type(exc).__name__})"
                ) from None
            raise
        finally:
            watchdog.cancel()
            if conn is not None:
                conn.close()
            current[0].close()

    def _read_body(
        self,
        target: HttpsTarget,
        response: http.client.HTTPResponse,
        sock: socket.socket,
        deadline: float,
    ) -> bytes:
        cap = self.max_bytes
        declared = response.getheader("Content-Length")
        if declared is not None and declared.strip().isdigit() and int(declared) > cap:
            raise NetworkTooLargeError(
                f"{target.host} announces {int(declared)} bytes; the limit is {cap}"
            )
        chunks: list[bytes] = []
        total = 0
        while True:
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise NetworkTimeoutError(f"reading from {target.host} took too long")
            sock.settimeout(min(self.read_timeout, remaining))
            chunk = response.read1(min(64 * 1024, cap + 1 - total))
            if not chunk:
                break
            total += len(chunk)
            if total > cap:
                raise NetworkTooLargeError(
                    f"the response from {target.host} exceeds the limit of {cap} bytes "
                    "(stopped reading)"
                )
            chunks.append(chunk)
        return b"".join(chunks)
