"""A real HTTPS server on 127.0.0.1 for the did:web tests, with a CA made on the spot.

Routes map a request path to a behaviour: serve a JSON document, hang, announce or stream too
much data, redirect, or answer with an HTTP error. Only loopback is ever bound.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

Route = Callable[["_Handler"], None]


def make_ca_and_server_cert(folder: Path) -> tuple[Path, Path, Path]:
    """Write ca.pem, server.pem and server-key.pem (P-256; SAN localhost and 127.0.0.1)."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mbo-vc test CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = folder / "ca.pem", folder / "server.pem", folder / "key.pem"
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_path, cert_path, key_path


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.request.settimeout(5)
        self.request.do_handshake()

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        route = self.server.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        route(self)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, Route]
    requests: list[str]

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up early (size cap, redirect refused) are expected


class LocalHttpsServer:
    """An HTTPS server on 127.0.0.1 (ephemeral port) serving test routes from a thread."""

    def __init__(self, cert: Path, key: Path) -> None:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.socket = ctx.wrap_socket(
            self._server.socket, server_side=True, do_handshake_on_connect=False
        )
        self._server.routes = {}
        self._server.requests = []
        self.release = threading.Event()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return int(self._server.server_address[1])

    @property
    def requests(self) -> list[str]:
        """Paths requested so far."""
        return self._server.requests

    def route(self, path: str, behaviour: Route) -> None:
        """Serve ``path`` with ``behaviour``."""
        self._server.routes[path] = behaviour

    def stop(self) -> None:
        """Release hanging handlers and stop serving."""
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    # --- behaviours -------------------------------------------------------------------------
    @staticmethod
    def json(doc: Any, content_type: str = "application/did+json") -> Route:
        """Answer 200 with ``doc`` as JSON."""
        body = json.dumps(doc).encode()

        def run(h: _Handler) -> None:
            h.send_response(200)
            h.send_header("Content-Type", content_type)
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)

        return run

    def hang(self, seconds: float = 5.0) -> Route:
        """Accept the request, then say nothing until released (or ``seconds`` pass)."""

        def run(h: _Handler) -> None:
            self.release.wait(seconds)

        return run

    @staticmethod
    def too_large(size: int, *, announce: bool) -> Route:
        """Send ``size`` bytes of JSON-ish filler, with or without a Content-Length header."""

        def run(h: _Handler) -> None:
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            if announce:
                h.send_header("Content-Length", str(size))
            h.end_headers()
            chunk = b" " * 65536
            sent = 0
            try:
                while sent < size:
                    h.wfile.write(chunk)
                    sent += len(chunk)
            except OSError:
                pass  # the client stopped reading: that is the point

        return run

    def drip(self, interval: float = 0.2) -> Route:
        """Answer 200, then send one byte per ``interval`` (never idle long enough to time out)."""

        def run(h: _Handler) -> None:
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.end_headers()
            try:
                while not self.release.wait(interval):
                    h.wfile.write(b" ")
                    h.wfile.flush()
            except OSError:
                pass

        return run

    @staticmethod
    def redirect(location: str, status: int = 302) -> Route:
        """Answer with a redirect to ``location``."""

        def run(h: _Handler) -> None:
            h.send_response(status)
            h.send_header("Location", location)
            h.send_header("Content-Length", "0")
            h.end_headers()

        return run

    @staticmethod
    def status(code: int) -> Route:
        """Answer with an HTTP status and an empty body."""

        def run(h: _Handler) -> None:
            h.send_response(code)
            h.send_header("Content-Length", "0")
            h.end_headers()

        return run
