"""Status registry (issuer side) and status checker (verifier side), through mbo_vc.verify."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mbo_vc import DidResolver, Ed25519Key, sign, verify
from mbo_vc.errors import StatusFetchError, StatusRegistryError, UsageError
from mbo_vc.status import (
    MIN_ENTRIES,
    Bitstring,
    DirectoryFetcher,
    HttpFetcher,
    MappingFetcher,
    SqliteStatusStore,
    StatusChecker,
    StatusRegistry,
    StatusStore,
)
from mbo_vc.status.registry import ListInfo
from tests.fixtures import example_diploma
from tests.helpers import load_vector
from tests.https_server import LocalHttpsServer, make_ca_and_server_cert

KEY = Ed25519Key.from_seed(bytes.fromhex("4d" * 32))
OTHER = Ed25519Key.from_seed(bytes.fromhex("4e" * 32))
BASE = "https://roc.example/status"
NOW = datetime(2026, 7, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def reg(tmp_path: Path) -> Iterator[StatusRegistry]:
    registry = StatusRegistry(tmp_path / "registry.db")
    registry.create_list(f"{BASE}/rev", purpose="revocation", list_id="rev")
    registry.create_list(f"{BASE}/sus", purpose="suspension", list_id="sus")
    yield registry
    registry.close()


def _publish(reg: StatusRegistry, out: Path, **options: Any) -> None:
    options.setdefault("now", NOW)
    for info in reg.lists():
        reg.publish(info.list_id, KEY, out, **options)


def _diploma(reg: StatusRegistry, lists: tuple[str, ...] = ("rev", "sus")) -> dict[str, Any]:
    unsigned = reg.attach(example_diploma(KEY.did, valid_from="2026-07-01T00:00:00Z"), lists)
    return sign(unsigned, KEY, created="2026-07-01T00:00:00Z")


def _codes(doc: dict[str, Any], checker: StatusChecker, now: datetime = NOW) -> list[str]:
    return verify(doc, now=now, status=checker).codes


# --- the acceptance criteria ------------------------------------------------------------------


def test_revoking_one_of_10000_makes_exactly_that_one_fail(
    reg: StatusRegistry, tmp_path: Path
) -> None:
    entries = reg.allocate_many("rev", 10_000)
    assert len({e.index for e in entries}) == 10_000
    victim = random.choice(entries)
    assert reg.revoke("rev", victim.index, reason="diploma issued in error")
    out = tmp_path / "lists"
    _publish(reg, out)
    checker = StatusChecker(DirectoryFetcher(out))
    failed = []
    for entry in entries:  # one cheap credential-shaped document per issued entry
        [res] = checker.check({"issuer": KEY.did, "credentialStatus": entry.to_json()}, now=NOW)
        assert res.status is not None, res
        if res.problem is not None:
            failed.append((entry.index, res.problem.code))
    assert failed == [(victim.index, "revoked")]
    assert checker.fetches == 1  # one verified list, then the cache
    # And through the whole pipeline with signed credentials.
    revoked = sign(
        {**example_diploma(KEY.did), "credentialStatus": victim.to_json()}, KEY, created=NOW
    )
    kept = (
        sign(
            {**example_diploma(KEY.did), "credentialStatus": entries[0].to_json()}, KEY, created=NOW
        )
        if entries[0] != victim
        else None
    )
    assert _codes(revoked, checker) == ["revoked"]
    if kept is not None:
        assert verify(kept, now=NOW, status=checker).verified


def test_suspension_round_trip(reg: StatusRegistry, tmp_path: Path) -> None:
    doc = _diploma(reg)
    out = tmp_path / "lists"
    _publish(reg, out)
    checker = StatusChecker(DirectoryFetcher(out))
    result = verify(doc, now=NOW, status=checker)
    assert result.verified and "status" in result.checks and not result.warnings
    [(sus, entry)] = [(i, e) for i, e in reg.entries_of(doc) if i.purpose == "suspension"]
    assert reg.suspend(sus.list_id, entry.index, reason="exam committee inquiry")
    assert not reg.suspend(sus.list_id, entry.index)  # already suspended: no change
    _publish(reg, out)
    checker.clear_cache()
    assert _codes(doc, checker) == ["suspended"]
    assert reg.unsuspend(sus.list_id, entry.index, reason="inquiry closed")
    assert not reg.unsuspend(sus.list_id, entry.index)
    _publish(reg, out)
    checker.clear_cache()
    assert verify(doc, now=NOW, status=checker).verified
    log = [(e.action, e.status, e.reason) for e in reg.events(sus.list_id, entry.index)]
    assert log == [
        ("allocate", 0, None),
        ("suspend", 1, "exam committee inquiry"),
        ("unsuspend", 0, "inquiry closed"),
    ]


def test_revocation_is_final_and_purposes_are_kept_apart(reg: StatusRegistry) -> None:
    rev = reg.allocate("rev")
    sus = reg.allocate("sus")
    assert reg.revoke("rev", rev.index)
    assert not reg.revoke("rev", rev.index)
    with pytest.raises(StatusRegistryError):
        reg.unsuspend("rev", rev.index)  # not a suspension list
    with pytest.raises(StatusRegistryError):
        reg.revoke("sus", sus.index)
    with pytest.raises(StatusRegistryError):
        reg.revoke("rev", (rev.index + 1) % MIN_ENTRIES)  # never allocated
    assert reg.store.status("rev", rev.index) == 1


def test_message_status(reg: StatusRegistry, tmp_path: Path) -> None:
    messages = [
        {"status": "0x0", "message": "geldig"},
        {"status": "0x1", "message": "in behandeling"},
        {"status": "0x2", "message": "ingetrokken door examencommissie"},
        {"status": "0x3", "message": "vervangen"},
    ]
    reg.create_list(
        f"{BASE}/msg", purpose="message", status_size=2, messages=messages, list_id="msg"
    )
    doc = _diploma(reg, ("msg",))
    assert doc["credentialStatus"]["statusSize"] == 2
    assert doc["credentialStatus"]["statusMessage"] == messages
    out = tmp_path / "lists"
    _publish(reg, out)
    checker = StatusChecker(DirectoryFetcher(out))
    [res] = checker.check(doc, now=NOW)
    assert res.status == 0 and res.message == "geldig" and res.problem is None
    index = int(doc["credentialStatus"]["statusListIndex"])
    reg.set_message("msg", index, 2, reason="besluit 2026-07")
    _publish(reg, out)
    checker.clear_cache()
    result = verify(doc, now=NOW, status=checker)
    assert result.codes == ["status_message"]
    assert "ingetrokken door examencommissie" in result.problems[0].message
    with pytest.raises(UsageError):
        reg.set_message("msg", index, 4)


# --- verify pipeline hook ---------------------------------------------------------------------


def test_without_a_status_source_the_credential_is_not_verified(reg: StatusRegistry) -> None:
    """Status fails closed: unchecked status is a problem (with how to check it); switching
    status checking off is explicit and shows as a warning."""
    result = verify(_diploma(reg), now=NOW)
    assert not result.verified and result.codes == ["status_unavailable"]
    assert "status=StatusChecker" in result.problems[0].message
    assert "check_status=False" in result.problems[0].message
    off = verify(_diploma(reg), now=NOW, check_status=False)
    assert off.verified, off.problems
    assert [w.code for w in off.warnings] == ["status_not_checked"]
    plain = sign(example_diploma(KEY.did), KEY)
    assert verify(plain).verified and not verify(plain).warnings


def test_status_is_not_checked_for_an_unauthentic_credential(
    reg: StatusRegistry, tmp_path: Path
) -> None:
    doc = _diploma(reg)
    doc["name"] = "tampered"
    fetcher = MappingFetcher()
    result = verify(doc, now=NOW, status=StatusChecker(fetcher))
    assert result.codes == ["invalid_signature"]
    assert [w.code for w in result.warnings] == ["status_not_checked"]


# --- unusable lists: status_unavailable, never revoked ----------------------------------------


def _signed_list(reg: StatusRegistry, list_id: str = "rev", **options: Any) -> dict[str, Any]:
    options.setdefault("now", NOW)
    doc, _ = reg.status_list_credential(list_id, options.pop("key", KEY), **options)
    return doc


def test_unreachable_list(reg: StatusRegistry, tmp_path: Path) -> None:
    doc = _diploma(reg)
    (tmp_path / "empty").mkdir()
    for fetcher in (
        DirectoryFetcher(tmp_path / "empty"),
        DirectoryFetcher(tmp_path / "nope"),
        MappingFetcher(),
    ):
        assert _codes(doc, StatusChecker(fetcher)) == ["status_unavailable"] * 2

    def broken(url: str) -> Any:
        raise RuntimeError("network down")

    assert _codes(doc, StatusChecker(broken)) == ["status_unavailable"] * 2


@pytest.mark.parametrize(
    "spoil,code",
    [
        ("tamper", "status_unavailable"),
        ("unsigned", "status_unavailable"),
        ("expired", "status_unavailable"),
        ("not_yet_valid", "status_unavailable"),
        ("wrong_id", "status_unavailable"),
        ("other_issuer", "status_list_issuer_mismatch"),
        ("not_json", "status_unavailable"),
        ("bad_encoding", "status_unavailable"),
        ("wrong_purpose", "status_unavailable"),
    ],
)
def test_unusable_lists(reg: StatusRegistry, spoil: str, code: str) -> None:
    doc = _diploma(reg, ("rev",))
    index = int(doc["credentialStatus"]["statusListIndex"])
    reg.revoke("rev", index)
    url = f"{BASE}/rev"
    lst: Any = _signed_list(reg)
    if spoil == "tamper":
        bits = Bitstring.decode(lst["credentialSubject"]["encodedList"])
        bits.set(index, 0)  # an attacker "unrevokes" without the issuer's key
        lst["credentialSubject"]["encodedList"] = bits.encode()
    elif spoil == "unsigned":
        del lst["proof"]
    elif spoil == "expired":
        lst = _signed_list(reg, now=NOW - timedelta(days=8))  # validUntil = NOW - 1 day
    elif spoil == "not_yet_valid":
        lst = _signed_list(reg, now=NOW + timedelta(days=1))
    elif spoil == "wrong_id":
        lst = _signed_list(reg, "sus")  # the issuer's other list served for this URL
    elif spoil == "other_issuer":  # the same list, made and signed by someone else
        unsigned = {k: v for k, v in lst.items() if k != "proof"}
        lst = sign({**unsigned, "issuer": OTHER.did}, OTHER, created=NOW)
    elif spoil == "not_json":
        lst = b"<html>503</html>"
    elif spoil == "bad_encoding":
        unsigned = {k: v for k, v in lst.items() if k != "proof"}
        unsigned["credentialSubject"] = {**lst["credentialSubject"], "encodedList": "uAAAA"}
        lst = sign(unsigned, KEY, created=NOW)
    elif spoil == "wrong_purpose":
        unsigned = {k: v for k, v in lst.items() if k != "proof"}
        unsigned["credentialSubject"] = {**lst["credentialSubject"], "statusPurpose": "suspension"}
        lst = sign(unsigned, KEY, created=NOW)
    codes = _codes(doc, StatusChecker(MappingFetcher({url: lst})))
    assert codes == [code]
    assert "revoked" not in codes


def test_index_out_of_range_and_malformed_entry(reg: StatusRegistry, tmp_path: Path) -> None:
    out = tmp_path / "lists"
    _publish(reg, out)
    checker = StatusChecker(DirectoryFetcher(out))
    entry = reg.allocate("rev").to_json()
    far = {**entry, "statusListIndex": str(MIN_ENTRIES)}
    doc = sign({**example_diploma(KEY.did), "credentialStatus": far}, KEY, created=NOW)
    assert _codes(doc, checker) == ["status_index_out_of_range"]
    bad = {**entry, "statusListIndex": "abc"}
    doc = sign({**example_diploma(KEY.did), "credentialStatus": bad}, KEY, created=NOW)
    assert _codes(doc, checker) == ["malformed_status_entry"]


def test_unknown_status_type_fails_closed() -> None:
    """An entry mbo_vc cannot check leaves the status unknown: a problem, not a warning."""
    checker = StatusChecker(MappingFetcher())
    [res] = checker.check(
        {
            "issuer": "did:example:1",
            "credentialStatus": {"type": "1EdTechRevocationList", "id": "https://x.example/r"},
        },
        now=NOW,
    )
    assert res.problem is not None and res.problem.code == "status_unavailable"
    assert "cannot be checked" in res.problem.message


# --- cache ------------------------------------------------------------------------------------


def test_cache_respects_ttl_and_valid_until(reg: StatusRegistry, tmp_path: Path) -> None:
    doc = _diploma(reg, ("rev",))
    index = int(doc["credentialStatus"]["statusListIndex"])
    out = tmp_path / "lists"
    _publish(reg, out, ttl_ms=60_000, valid_for=timedelta(minutes=30))
    checker = StatusChecker(DirectoryFetcher(out))
    assert verify(doc, now=NOW, status=checker).verified
    reg.revoke("rev", index)
    _publish(reg, out, ttl_ms=60_000, valid_for=timedelta(minutes=30))
    # Within the ttl the cached (old) list answers; after it, the new list is fetched.
    assert verify(doc, now=NOW + timedelta(seconds=59), status=checker).verified
    assert checker.fetches == 1
    assert _codes(doc, checker, NOW + timedelta(seconds=61)) == ["revoked"]
    assert checker.fetches == 2
    # A clock that goes backwards does not trust the cache.
    _codes(doc, checker, NOW)
    assert checker.fetches == 3
    # validUntil caps the cache even when ttl is long.
    _publish(reg, out, ttl_ms=10**9, valid_for=timedelta(minutes=1))
    checker.clear_cache()
    _codes(doc, checker, NOW)
    assert checker.fetches == 4
    assert _codes(doc, checker, NOW + timedelta(minutes=2)) == ["status_unavailable"]  # expired
    assert checker.fetches == 5


def test_default_ttl_when_the_list_has_none(reg: StatusRegistry, tmp_path: Path) -> None:
    doc = _diploma(reg, ("rev",))
    out = tmp_path / "lists"
    _publish(reg, out, ttl_ms=None, valid_for=None)
    listed = json.loads((out / "rev.json").read_text())
    assert "ttl" not in listed["credentialSubject"] and "validUntil" not in listed
    checker = StatusChecker(DirectoryFetcher(out), default_ttl=timedelta(minutes=5))
    _codes(doc, checker, NOW)
    _codes(doc, checker, NOW + timedelta(minutes=4))
    assert checker.fetches == 1
    _codes(doc, checker, NOW + timedelta(minutes=6))
    assert checker.fetches == 2


# --- fetchers ---------------------------------------------------------------------------------


def test_directory_fetcher_matches_by_id_whatever_the_file_names(
    reg: StatusRegistry, tmp_path: Path
) -> None:
    doc = _diploma(reg)
    reg.revoke("rev", int(doc["credentialStatus"][0]["statusListIndex"]))
    out = tmp_path / "lists"
    _publish(reg, out)
    folder = tmp_path / "renamed"
    folder.mkdir()
    shutil.copy(out / "rev.json", folder / "a")
    shutil.copy(out / "sus.json", folder / "zz-whatever.txt")
    (folder / "noise.json").write_text('{"id": "https://roc.example/status/rev"}')  # not a list
    (folder / "broken.json").write_text("{")
    (folder / ".rev.json.tmp").write_text("{")  # an unfinished publish
    assert _codes(doc, StatusChecker(DirectoryFetcher(folder))) == ["revoked"]
    shutil.copy(out / "rev.json", folder / "copy-with-another-name")
    shutil.copy(out / "rev.json", folder / "stale")
    with pytest.raises(StatusFetchError, match="several files"):
        DirectoryFetcher(folder).fetch(f"{BASE}/rev")


def test_1edtech_list_strict_and_lenient() -> None:
    fx = load_vector("bitstring-status-list/1edtech-testlist.json")
    issuer, mb = fx["issuer"], fx["public_key_multibase"]
    controller = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": issuer,
        "verificationMethod": [
            {
                "id": f"{issuer}#{mb}",
                "type": "Multikey",
                "controller": issuer,
                "publicKeyMultibase": mb,
            }
        ],
        "assertionMethod": [f"{issuer}#{mb}"],
    }
    resolver = DidResolver(documents={issuer: controller})
    assert verify(fx["list_credential"], resolver=resolver).verified
    for name in ("revoked_credential", "revoked_credential_blank_nodes"):
        cred = fx[name]
        fetcher = MappingFetcher(
            {cred["credentialStatus"]["statusListCredential"]: fx["list_credential"]}
        )

        def codes(
            cred: dict[str, Any] = cred, fetcher: MappingFetcher = fetcher, **options: Any
        ) -> list[str]:
            checker = StatusChecker(fetcher, resolver=resolver, **options)
            return verify(cred, resolver=resolver, status=checker).codes

        assert codes() == ["malformed_status_entry"]  # statusListIndex is a JSON number
        # Lenient about the number, the list's id still differs from the URL it is served at.
        assert codes(lenient_index=True) == ["status_unavailable"]
        assert codes(lenient_index=True, require_list_id_match=False) == ["revoked"]


def test_legacy_status_list_2021_credential(tmp_path: Path) -> None:
    raw = Bitstring(MIN_ENTRIES)
    raw.set(77, 1)
    url = "https://roc.example/status/2021"
    legacy_list = sign(
        {
            "@context": [
                "https://www.w3.org/2018/credentials/v1",
                "https://w3id.org/vc/status-list/2021/v1",
                "https://w3id.org/security/data-integrity/v2",
            ],
            "id": url,
            "type": ["VerifiableCredential", "StatusList2021Credential"],
            "issuer": KEY.did,
            "issuanceDate": "2026-01-01T00:00:00Z",
            "credentialSubject": {
                "id": f"{url}#list",
                "type": "StatusList2021",
                "statusPurpose": "revocation",
                "encodedList": raw.encode()[1:],
            },  # the old form: no 'u'
        },
        KEY,
        created="2026-01-01T00:00:00Z",
    )
    checker = StatusChecker(MappingFetcher({url: legacy_list}))
    for index, want in ((77, "revoked"), (78, None)):
        cred = {
            "issuer": KEY.did,
            "credentialStatus": {
                "id": f"{url}#{index}",
                "type": "StatusList2021Entry",
                "statusPurpose": "revocation",
                "statusListIndex": str(index),
                "statusListCredential": url,
            },
        }
        [res] = checker.check(cred, now=NOW)
        assert (res.problem.code if res.problem else None) == want


def test_http_fetcher_is_https_only_bounded_and_guarded(
    reg: StatusRegistry, tmp_path: Path
) -> None:
    """Opt-in HTTPS with the did:web guards: TLS verified against the given CA, no private
    address unless allowed, a size cap, timeouts, same-origin redirects only."""
    ca, cert, key = make_ca_and_server_cert(tmp_path)
    server = LocalHttpsServer(cert, key)
    lst = _signed_list(reg)
    server.route("/list", server.json(lst, "application/vc+ld+json"))
    server.route("/big", server.too_large(10_000, announce=True))
    server.route("/slow", server.hang(2.0))
    server.route("/missing", server.status(404))
    server.route("/redirect", server.redirect("https://other.example/list"))
    base = f"https://localhost:{server.port}"
    try:
        with pytest.raises(StatusFetchError, match="only https"):
            HttpFetcher().fetch(f"http://localhost:{server.port}/list")
        with pytest.raises(StatusFetchError, match="private"):
            HttpFetcher(ca_bundle=ca).fetch(f"{base}/list")  # loopback is refused by default
        with pytest.raises(StatusFetchError, match="certificate"):
            HttpFetcher(allow_networks=["127.0.0.0/8", "::1/128"]).fetch(f"{base}/list")
        fetcher = HttpFetcher(
            ca_bundle=ca, allow_networks=["127.0.0.0/8", "::1/128"], timeout=0.3, max_bytes=4096
        )
        assert json.loads(fetcher.fetch(f"{base}/list"))["id"] == f"{BASE}/rev"
        for path, match in (
            ("/big", "limit"),
            ("/slow", "in time|too long"),
            ("/missing", "HTTP 404"),
            ("/redirect", "redirect"),
        ):
            with pytest.raises(StatusFetchError, match=match):
                fetcher.fetch(base + path)
        # Through the checker: the list's id is its published URL, so map it with an adapter.
        checker = StatusChecker(lambda url: fetcher.fetch(f"{base}/list"))
        doc = _diploma(reg, ("rev",))
        assert verify(doc, now=NOW, status=checker).verified
    finally:
        server.stop()


# --- registry internals -----------------------------------------------------------------------


def test_allocation_is_random_unique_and_exhaustive(tmp_path: Path) -> None:
    with SqliteStatusStore(tmp_path / "r.db") as store:
        assert isinstance(store, StatusStore)
        store.create_list(ListInfo("t", f"{BASE}/t", "revocation", 64, 1, (), "now"))
        got = store.allocate("t", 60, credential_ids=None, at="now")
        got += [store.allocate("t", 1, credential_ids=None, at="now")[0] for _ in range(4)]
        assert sorted(got) == list(range(64))
        assert got != sorted(got)  # not handed out in order
        with pytest.raises(StatusRegistryError, match="free indexes"):
            store.allocate("t", 1, credential_ids=None, at="now")


def test_event_log_is_append_only(reg: StatusRegistry) -> None:
    entry = reg.allocate("rev")
    reg.revoke("rev", entry.index, reason="r")
    store = reg.store
    assert isinstance(store, SqliteStatusStore)
    conn = sqlite3.connect(store.path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE events SET reason='rewritten'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("DELETE FROM events")
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


def test_registry_refuses_bad_lists(reg: StatusRegistry, tmp_path: Path) -> None:
    with pytest.raises(StatusRegistryError):
        reg.create_list(f"{BASE}/rev", purpose="revocation", list_id="rev2")  # same URL
    with pytest.raises(UsageError):
        reg.create_list(f"{BASE}/small", length=1024)  # below the herd-privacy minimum
    with pytest.raises(UsageError):
        reg.create_list(f"{BASE}/x", purpose="whatever")
    (tmp_path / "junk.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StatusRegistryError):
        StatusRegistry(tmp_path / "junk.db")


def test_published_file_is_public_and_verifies(reg: StatusRegistry, tmp_path: Path) -> None:
    out = tmp_path / "lists"
    _publish(reg, out)
    path = out / "rev.json"
    assert path.stat().st_mode & 0o777 == 0o644
    doc = json.loads(path.read_text())
    assert doc["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert doc["validFrom"] == "2026-07-02T12:00:00Z"
    assert doc["validUntil"] == "2026-07-09T12:00:00Z"
    assert doc["credentialSubject"]["ttl"] == 300_000
    assert verify(doc, now=NOW).verified
    assert sorted(p.name for p in out.iterdir()) == ["rev.json", "sus.json"]  # no temp files
