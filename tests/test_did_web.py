"""did:web: the spec's URL mapping, and resolution through a real HTTPS server on 127.0.0.1.

The server uses a CA made in the test. Only loopback is contacted: every test that involves
another address (169.254.169.254) checks that no connection to it was even attempted.
"""

from __future__ import annotations

import http.client
import itertools
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mbo_vc import DidResolver, Ed25519Key, sign, verify
from mbo_vc.cli import main
from mbo_vc.did.documents import bind_key, did_web_document
from mbo_vc.did.web import WebDidDriver, did_web_to_url, parse_did_web
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
    UnsupportedDidMethodError,
    UsageError,
)
from tests.fixtures import example_diploma
from tests.helpers import load_vector
from tests.https_server import LocalHttpsServer, make_ca_and_server_cert

VECTORS = load_vector("did-web/did-to-url.json")
NOW = "2030-01-01T00:00:00Z"
FAST = {"connect_timeout": 0.5, "read_timeout": 0.5, "total_timeout": 3.0}
OLD = Ed25519Key.from_seed(bytes.fromhex("a1" * 32))
NEW = Ed25519Key.from_seed(bytes.fromhex("b2" * 32))
_names = itertools.count()


# --- URL mapping ------------------------------------------------------------------------------
@pytest.mark.parametrize("case", VECTORS["mappings"], ids=lambda c: c["title"])
def test_url_mapping_spec_examples(case: dict[str, str]) -> None:
    assert did_web_to_url(case["did"]) == case["url"]


def test_mapping_parts() -> None:
    loc = parse_did_web("did:web:Example.COM%3a8443:user:al%20ice")
    assert (loc.host, loc.port, loc.path) == ("example.com", 8443, "/user/al%20ice/did.json")
    assert loc.url == "https://example.com:8443/user/al%20ice/did.json"


@pytest.mark.parametrize(
    "bad",
    [
        "did:web:",
        "did:key:z6Mk",
        "did:web:exa mple.com",
        "did:web:example.com%3A",
        "did:web:example.com%3A0",
        "did:web:example.com%3A65536",
        "did:web:example.com%3A08443",
        "did:web:example.com%3Aabc",
        "did:web:example.com::alice",
        "did:web:example.com:..",
        "did:web:example.com:%2e%2E",
        "did:web:example.com:a%2Fb",
        "did:web:example.com/user",
        "did:web:example.com?x=1",
        "did:web:-bad.example.com",
        "did:web:ex..ample.com",
        "did:web:exämple.com",
        "did:web:user%40example.com",
        "did:web:[::1]",
        "did:web:" + "a" * 2100,
    ],
)
def test_malformed_did_web(bad: str) -> None:
    with pytest.raises(InvalidDidError) as err:
        parse_did_web(bad)
    assert err.value.code == "invalid_did"


def test_default_resolver_never_goes_online(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the default resolver must not touch the network")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    with pytest.raises(UnsupportedDidMethodError):
        DidResolver().resolve("did:web:example.com")


def test_driver_refuses_unverified_tls() -> None:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with pytest.raises(UsageError):
        WebDidDriver(ssl_context=ctx)
    with pytest.raises(UsageError):
        WebDidDriver(ssl_context=ssl.create_default_context(), ca_bundle="x.pem")


# --- the local HTTPS server -----------------------------------------------------------------
@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    return make_ca_and_server_cert(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def server(pki: tuple[Path, Path, Path]) -> Iterator[LocalHttpsServer]:
    srv = LocalHttpsServer(pki[1], pki[2])
    yield srv
    srv.stop()


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every address the code connects to; anything but 127.0.0.1 fails the test at once."""
    seen: list[tuple[str, int]] = []
    real = socket.create_connection

    def spy(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        seen.append(address)
        assert address[0] == "127.0.0.1", f"tried to connect to {address}"
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", spy)
    return seen


def _did(server: LocalHttpsServer, name: str | None = None) -> str:
    """A fresh did:web on the test server (each test gets its own path)."""
    name = name or f"case{next(_names)}"
    return f"did:web:localhost%3A{server.port}:{name}"


def _path(did: str) -> str:
    return parse_did_web(did).path


def _resolver(pki: tuple[Path, Path, Path], **kw: Any) -> DidResolver:
    options: dict[str, Any] = {
        "ca_bundle": pki[0],
        "allow_networks": ["127.0.0.1/32"],
        **FAST,
        **kw,
    }
    return DidResolver.with_web(**options)


def _issue(key: Ed25519Key) -> dict[str, Any]:
    return sign(example_diploma(key.controller), key, created="2026-07-01T12:00:00Z")


def test_credential_verifies_through_https(
    server: LocalHttpsServer, pki: Any, connections: list[Any]
) -> None:
    did = f"did:web:localhost%3A{server.port}"  # the well-known form
    key = NEW.with_controller(did, f"{did}#key-1")
    server.route("/.well-known/did.json", server.json(did_web_document(did, [key])))
    credential = _issue(key)
    assert credential["issuer"] == did or credential["issuer"].get("id") == did
    result = verify(credential, now=NOW, resolver=_resolver(pki))
    assert result.verified, result.problems
    assert result.proofs[0].controller == did
    assert connections and {a for a, _ in connections} == {"127.0.0.1"}
    # the default (offline) resolver cannot check it
    offline = verify(credential, now=NOW)
    assert "vm_unresolvable" in offline.codes


def test_jsonwebkey_method_verifies(server: LocalHttpsServer, pki: Any) -> None:
    did = _did(server)
    key = NEW.with_controller(did, f"{did}#jwk")
    doc = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": did,
        "verificationMethod": [
            {"id": "#jwk", "type": "JsonWebKey", "controller": did, "publicKeyJwk": NEW.to_jwk()}
        ],
        "assertionMethod": ["#jwk"],
    }
    server.route(_path(did), server.json(doc, "application/json"))
    result = verify(_issue(key), now=NOW, resolver=_resolver(pki))
    assert result.verified, result.problems


def test_removed_key_is_vm_unresolvable(server: LocalHttpsServer, pki: Any) -> None:
    did = _did(server)
    key = OLD.with_controller(did, f"{did}#key-1")
    other = NEW.with_controller(did, f"{did}#key-2")
    server.route(_path(did), server.json(did_web_document(did, [other])))
    result = verify(_issue(key), now=NOW, resolver=_resolver(pki))
    assert not result.verified
    assert "vm_unresolvable" in result.codes
    assert "vm_not_found" in result.problems[0].message


def _resolve_error(resolver: DidResolver, did: str) -> DidWebError | Exception:
    with pytest.raises(Exception) as err:
        resolver.resolve(did)
    assert did in str(err.value), "the DID must be in the message"
    return err.value


def test_server_down(pki: Any, connections: list[Any]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    did = f"did:web:localhost%3A{port}"
    err = _resolve_error(_resolver(pki), did)
    assert isinstance(err, DidWebUnreachableError) and err.code == "did_web_unreachable"
    key = NEW.with_controller(did, f"{did}#key-1")
    result = verify(_issue(key), now=NOW, resolver=_resolver(pki))
    assert "vm_unresolvable" in result.codes
    assert "did_web_unreachable" in result.problems[0].message


def test_slow_server_times_out(server: LocalHttpsServer, pki: Any) -> None:
    did = _did(server)
    server.route(_path(did), server.hang())
    err = _resolve_error(_resolver(pki), did)
    assert isinstance(err, DidWebTimeoutError) and err.code == "did_web_timeout"


@pytest.mark.parametrize("announce", [True, False], ids=["content-length", "streamed"])
def test_ten_megabytes_are_refused(server: LocalHttpsServer, pki: Any, announce: bool) -> None:
    did = _did(server)
    server.route(_path(did), server.too_large(10 * 1024 * 1024, announce=announce))
    err = _resolve_error(_resolver(pki), did)
    assert isinstance(err, DidWebTooLargeError) and err.code == "did_web_too_large"
    assert str(256 * 1024) in str(err)


def test_streaming_body_is_not_read_past_the_cap(
    server: LocalHttpsServer, pki: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An endless body: resolution can only finish if the reader stops at the cap."""
    did = _did(server)
    server.route(_path(did), server.too_large(10**12, announce=False))
    received = [0]
    real_read1 = http.client.HTTPResponse.read1

    def counting_read1(self: http.client.HTTPResponse, n: int = -1) -> bytes:
        data = real_read1(self, n)
        received[0] += len(data)
        return data

    monkeypatch.setattr(http.client.HTTPResponse, "read1", counting_read1)
    err = _resolve_error(_resolver(pki, max_bytes=1000, total_timeout=10.0), did)
    assert isinstance(err, DidWebTooLargeError)
    assert 1000 < received[0] <= 1001


def test_slow_drip_hits_the_total_deadline(server: LocalHttpsServer, pki: Any) -> None:
    """One byte every 0.1 s never trips the read timeout; the total deadline stops it."""
    did = _did(server)
    server.route(_path(did), server.drip(0.1))
    err = _resolve_error(_resolver(pki, total_timeout=1.0), did)
    assert isinstance(err, DidWebTimeoutError)


def test_redirect_to_metadata_address_is_refused_without_connecting(
    server: LocalHttpsServer, pki: Any, connections: list[tuple[str, int]]
) -> None:
    did = _did(server)
    server.route(_path(did), server.redirect("https://169.254.169.254/latest/meta-data/"))
    for resolver in (_resolver(pki), _resolver(pki, allow_private=True)):
        err = _resolve_error(resolver, did)
        assert isinstance(err, DidWebRedirectError) and err.code == "did_web_redirect_refused"
        assert "169.254.169.254" in str(err)
    assert all(address == "127.0.0.1" for address, _ in connections)


def test_host_resolving_to_link_local_is_refused_before_connecting(
    pki: Any, connections: list[tuple[str, int]]
) -> None:
    resolver = DidResolver(
        methods={
            "web": WebDidDriver(
                ca_bundle=pki[0],
                dns_resolver=lambda host, port: ["169.254.169.254", "10.0.0.1", "::1"],
                **FAST,
            )
        }
    )
    err = _resolve_error(resolver, "did:web:school.test")
    assert isinstance(err, DidWebAddressRefusedError) and err.code == "did_web_address_refused"
    assert connections == []


def test_loopback_needs_explicit_permission(
    server: LocalHttpsServer, pki: Any, connections: list[Any]
) -> None:
    did = _did(server)
    server.route(_path(did), server.json(did_web_document(did, [NEW])))
    strict = DidResolver.with_web(ca_bundle=pki[0], **FAST)
    err = _resolve_error(strict, did)
    assert isinstance(err, DidWebAddressRefusedError)
    assert connections == []
    assert _resolver(pki).resolve(did)["id"] == did
    assert DidResolver.with_web(ca_bundle=pki[0], allow_private=True, **FAST).resolve(did)


def test_same_host_redirect_is_followed(server: LocalHttpsServer, pki: Any) -> None:
    did = _did(server)
    server.route(_path(did), server.redirect("/moved/did.json", 301))
    server.route("/moved/did.json", server.json(did_web_document(did, [NEW])))
    assert _resolver(pki).resolve(did)["id"] == did


def test_redirect_to_plain_http_or_loop_is_refused(server: LocalHttpsServer, pki: Any) -> None:
    did = _did(server)
    server.route(_path(did), server.redirect(f"http://localhost:{server.port}/x"))
    assert isinstance(_resolve_error(_resolver(pki), did), DidWebRedirectError)
    loop = _did(server)
    server.route(_path(loop), server.redirect(_path(loop)))
    err = _resolve_error(_resolver(pki), loop)
    assert isinstance(err, DidWebRedirectError) and "more than 3 redirects" in str(err)


def test_document_with_another_id(server: LocalHttpsServer, pki: Any) -> None:
    did = _did(server)
    impostor = "did:web:roc-mondriaan.nl"
    server.route(_path(did), server.json(did_web_document(impostor, [NEW])))
    err = _resolve_error(_resolver(pki), did)
    assert isinstance(err, DidDocumentIdMismatchError) and err.code == "did_document_id_mismatch"
    key = NEW.with_controller(did, f"{did}#{NEW.public_key_multibase}")
    result = verify(_issue(key), now=NOW, resolver=_resolver(pki))
    assert "vm_unresolvable" in result.codes
    assert "did_document_id_mismatch" in result.problems[0].message


def test_http_errors_and_non_json(server: LocalHttpsServer, pki: Any) -> None:
    missing = _did(server)
    err = _resolve_error(_resolver(pki), missing)
    assert isinstance(err, DidWebHttpError) and "HTTP 404" in str(err)
    html = _did(server)
    server.route(_path(html), server.json({"id": html}, "text/html"))
    assert isinstance(_resolve_error(_resolver(pki), html), InvalidDidDocumentError)
    broken = _did(server)
    server.route(_path(broken), server.json([1, 2]))
    assert isinstance(_resolve_error(_resolver(pki), broken), InvalidDidDocumentError)


def test_certificate_is_verified(server: LocalHttpsServer) -> None:
    """Without the test CA (system trust store only) the handshake must fail."""
    did = _did(server)
    server.route(_path(did), server.json(did_web_document(did, [NEW])))
    resolver = DidResolver.with_web(allow_networks=["127.0.0.1/32"], **FAST)
    err = _resolve_error(resolver, did)
    assert isinstance(err, DidWebTlsError) and err.code == "did_web_tls_error"


def test_cache_expires(server: LocalHttpsServer, pki: Any) -> None:
    did = _did(server)
    server.route(_path(did), server.json(did_web_document(did, [NEW])))
    now = [1000.0]
    driver = WebDidDriver(
        ca_bundle=pki[0], allow_networks=["127.0.0.1/32"], cache_ttl=60, clock=lambda: now[0]
    )
    first = driver.resolve_with_metadata(did)
    first.document["id"] = "tampered by the caller"
    second = driver.resolve_with_metadata(did)
    assert not first.from_cache and second.from_cache
    assert second.document["id"] == did  # callers get copies
    assert first.url == f"https://localhost:{server.port}{_path(did)}"
    assert server.requests.count(_path(did)) == 1
    now[0] += 61
    assert not driver.resolve_with_metadata(did).from_cache
    assert server.requests.count(_path(did)) == 2
    meta = DidResolver(methods={"web": driver}).resolve_with_metadata(did).metadata
    assert meta["source"] == "network" and meta["fromCache"] and meta["method"] == "web"
    assert meta["url"] == first.url and meta["contentType"] == "application/did+json"


def test_key_rotation(server: LocalHttpsServer, pki: Any) -> None:
    did = _did(server)
    old = bind_key(OLD, did, "key-2025")
    new = bind_key(NEW, did, "key-2026")
    old_credential, new_credential = _issue(old), _issue(new)
    resolver = _resolver(pki, cache_ttl=0)

    server.route(_path(did), server.json(did_web_document(did, [old])))
    assert verify(old_credential, now=NOW, resolver=resolver).verified
    assert not verify(new_credential, now=NOW, resolver=resolver).verified

    server.route(_path(did), server.json(did_web_document(did, [old, new])))
    for credential in (old_credential, new_credential):
        result = verify(credential, now=NOW, resolver=resolver)
        assert result.verified, result.problems

    server.route(_path(did), server.json(did_web_document(did, [new])))
    assert verify(new_credential, now=NOW, resolver=resolver).verified
    gone = verify(old_credential, now=NOW, resolver=resolver)
    assert not gone.verified and "vm_unresolvable" in gone.codes


# --- command line ---------------------------------------------------------------------------
def test_cli_resolve_over_https(
    server: LocalHttpsServer, pki: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    did = _did(server)
    server.route(_path(did), server.json(did_web_document(did, [NEW])))
    args = ["did", "resolve", did, "--web", "--ca-bundle", str(pki[0]), "--allow-private"]
    assert main([*args, "--timeout", "1"]) == 0
    out = capsys.readouterr().out
    assert f'"id": "{did}"' in out
    assert main(["did", "resolve", did]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unsupported_did_method" in err[0] and "--online" in err[0]
    slow = _did(server)
    server.route(_path(slow), server.hang())
    assert main(["did", "resolve", slow, "--web", "--ca-bundle", str(pki[0]),
                 "--allow-private", "--timeout", "0.3"]) == 2  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("mbo-vc: did_web_timeout: " + slow)
