"""IETF Token Status List: the draft's vectors byte for byte, issuing from the registry,
checking through the injected status interface, and hostile tokens and lists."""

from __future__ import annotations

import base64
import json
import time
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mbo_vc import Ed25519Key, sign, verify
from mbo_vc.errors import (
    StatusCompressionError,
    StatusEncodingError,
    StatusEntryError,
    StatusListError,
    StatusListTokenError,
    StatusListTooLargeError,
    UsageError,
)
from mbo_vc.jose import secure_jwt
from mbo_vc.jws import b64url, sign_compact
from mbo_vc.keys import EcKey
from mbo_vc.status import DirectoryFetcher, MappingFetcher, StatusChecker, StatusRegistry
from mbo_vc.status.registry import VC_V2
from mbo_vc.status.token_checker import TokenStatusListChecker
from mbo_vc.status.token_status_list import (
    TokenStatusList,
    decode_lst,
    encode_lst,
    parse_status_list,
    parse_status_reference,
    sign_status_list_token,
    verify_status_list_token,
)
from mbo_vc.verification import StatusCheck
from tests.fixtures import example_diploma
from tests.helpers import load_vector

EC = EcKey.from_secret_bytes("P-256", bytes.fromhex("61" * 32))
ED = Ed25519Key.from_seed(bytes.fromhex("62" * 32))
OTHER = EcKey.from_secret_bytes("P-256", bytes.fromhex("63" * 32))
BASE = "https://roc.example/status"
NOW = datetime(2026, 7, 2, 12, 0, tzinfo=UTC)
FX = load_vector("token-status-list/draft-examples.json")


# --- the draft's vectors -------------------------------------------------------------------


@pytest.mark.parametrize("vector", FX["vectors"], ids=lambda v: v["name"])
def test_draft_vectors_byte_for_byte(vector: dict[str, Any]) -> None:
    built = TokenStatusList(vector["size"], vector["bits"])
    for index, value in vector["statuses"].items():
        built.set(int(index), value)
    assert built.encode() == vector["lst"]
    if "byte_array_hex" in vector:
        assert built.to_bytes().hex() == vector["byte_array_hex"]
        assert base64.urlsafe_b64decode(vector["lst"] + "==").hex() == vector["compressed_hex"]
    read, aggregation = parse_status_list({"bits": vector["bits"], "lst": vector["lst"]})
    assert aggregation is None and read == built
    assert read.size == vector["size"]
    for index, value in vector["statuses"].items():
        assert read.get(int(index)) == value
    unset = [i for i in range(0, read.size, 997) if str(i) not in vector["statuses"]]
    assert all(read.get(i) == 0 for i in unset)


def test_draft_status_list_token_verifies_with_its_key() -> None:
    jwt = FX["jwt"]
    token = verify_status_list_token(
        jwt["token"],
        jwt["expected_claims"]["sub"],
        now=NOW,
        keys={jwt["expected_claims"]["iss"]: jwt["public_jwk"]},
    )
    assert dict(token.header) == jwt["expected_header"]
    assert dict(token.payload) == jwt["expected_claims"]
    assert token.issuer == "https://example.com" and token.ttl == 43200
    assert [token.status_list.get(i) for i in range(16)] == [int(c) for c in "1001110111000101"]
    # the same bytes with one flipped signature bit: refused
    head, body, sig = jwt["token"].split(".")
    raw = bytearray(base64.urlsafe_b64decode(sig + "=="))
    raw[5] ^= 1
    bad = f"{head}.{body}.{b64url(bytes(raw))}"
    with pytest.raises(StatusListTokenError, match="signature"):
        verify_status_list_token(
            bad,
            jwt["expected_claims"]["sub"],
            now=NOW,
            keys={"https://example.com": jwt["public_jwk"]},
        )
    # without a trusted key for its (non-DID) issuer it cannot be checked
    with pytest.raises(StatusListTokenError, match="key is unknown"):
        verify_status_list_token(jwt["token"], jwt["expected_claims"]["sub"], now=NOW)


@pytest.mark.parametrize("bits", [1, 2, 4, 8])
def test_every_bit_width_round_trips(bits: int) -> None:
    status_list = TokenStatusList(1000, bits)
    top = (1 << bits) - 1
    for i in range(0, 1000, 7):
        status_list.set(i, i % (top + 1))
    status_list.set(999, top)
    back, _ = parse_status_list(status_list.to_json())
    assert back == status_list and back.size == len(status_list.to_bytes()) * 8 // bits
    assert [back.get(i) for i in range(0, 1000, 7)] == [i % (top + 1) for i in range(0, 1000, 7)]
    assert back.get(999) == top
    with pytest.raises(UsageError):
        status_list.set(0, top + 1)


# --- hostile lists ---------------------------------------------------------------------------


def test_zip_bomb_is_refused_within_the_bound() -> None:
    bomb = encode_lst(bytes(64 * 1024 * 1024))  # 64 MiB of zeros, ~65 KB compressed
    start = time.perf_counter()
    with pytest.raises(StatusListTooLargeError):
        decode_lst(bomb, max_bytes=1024 * 1024)
    assert time.perf_counter() - start < 2.0
    with pytest.raises(StatusListTooLargeError):
        decode_lst("A" * 10_000, max_bytes=1000)  # longer than any 1000-byte list needs


@pytest.mark.parametrize(
    ("lst", "error"),
    [
        (None, StatusEncodingError),
        ("eNrbuRgAAhcBXQ==", StatusEncodingError),  # padding
        ("eNrb+RgAAhcBXQ", StatusEncodingError),  # not base64url
        (b64url(b"not zlib at all"), StatusCompressionError),
        (b64url(zlib.compress(b"\x01")[:-2]), StatusCompressionError),  # truncated
        (b64url(zlib.compress(b"\x01") + b"\x00"), StatusCompressionError),  # trailing data
        (b64url(zlib.compress(b"\x01", wbits=-15)), StatusCompressionError),  # raw DEFLATE
        (b64url(zlib.compress(b"\x01", wbits=31)), StatusCompressionError),  # GZIP
        (b64url(zlib.compress(b"")), StatusListError),  # empty list
    ],
)
def test_hostile_lst_values_are_typed_errors(lst: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_status_list({"bits": 1, "lst": lst})


@pytest.mark.parametrize("bits", [0, 3, 16, True, "1", None, 1.0])
def test_bits_must_be_1_2_4_or_8(bits: Any) -> None:
    with pytest.raises(StatusListTokenError, match="bits"):
        parse_status_list({"bits": bits, "lst": "eNrbuRgAAhcBXQ"})


@pytest.mark.parametrize(
    "value",
    [
        None,
        [],
        {"idx": -1, "uri": "https://a.example/1"},
        {"idx": True, "uri": "https://a/1"},
        {"idx": "3", "uri": "https://a.example/1"},
        {"idx": 1.5, "uri": "https://a.example/1"},
        {"idx": 2**60, "uri": "https://a.example/1"},
        {"idx": 0},
        {"idx": 0, "uri": "nocolon"},
        {"idx": 0, "uri": " https://a.example/1"},
        {"idx": 0, "uri": "https://a.example/" + "x" * 3000},
        {"status_list": None},
        {"status_list": {"idx": 0, "uri": 5}},
    ],
)
def test_hostile_references_are_malformed_status_entries(value: Any) -> None:
    with pytest.raises(StatusEntryError):
        parse_status_reference(value)
    assert parse_status_reference({"status_list": {"idx": 3, "uri": "https://a/1"}}).idx == 3


# --- issuing from the registry and checking ------------------------------------------------


@pytest.fixture
def reg(tmp_path: Path) -> Iterator[StatusRegistry]:
    registry = StatusRegistry(tmp_path / "registry.db")
    registry.create_list(f"{BASE}/rev", purpose="revocation", list_id="rev")
    registry.create_list(f"{BASE}/sus", purpose="suspension", list_id="sus")
    yield registry
    registry.close()


def _publish(reg: StatusRegistry, out: Path, key: Any = EC, **options: Any) -> None:
    options.setdefault("now", NOW)
    for info in reg.lists():
        reg.publish_token(info.list_id, key, out, **options)


def test_protocol_and_registry_round_trip(reg: StatusRegistry, tmp_path: Path) -> None:
    out = tmp_path / "lists"
    rev = reg.allocate_reference("rev", credential_id="urn:uuid:1")
    sus = reg.allocate_reference("sus", credential_id="urn:uuid:1")
    assert rev.status_claim() == {"status_list": {"idx": rev.idx, "uri": f"{BASE}/rev"}}
    _publish(reg, out)
    checker = TokenStatusListChecker(DirectoryFetcher(out))
    assert isinstance(checker, StatusCheck)  # plugs into the pipeline's status step
    entries = [("status.status_list", rev.status_claim()), ("status", sus.to_json())]
    first = checker.check_entries(entries, issuer=EC.controller, now=NOW)
    assert [(o.ok, o.status, o.problem) for o in first] == [(True, 0, None), (True, 0, None)]
    assert first[0].message == "VALID" and "status_list" in first[0].summary()

    assert reg.revoke("rev", rev.idx, reason="fraude")
    assert reg.suspend("sus", sus.idx)
    _publish(reg, out)
    checker.clear_cache()
    second = checker.check_entries(entries, issuer=EC.controller, now=NOW + timedelta(minutes=1))
    assert [o.problem.code if o.problem else None for o in second] == ["revoked", "suspended"]
    assert [o.status for o in second] == [1, 2]

    assert reg.unsuspend("sus", sus.idx)
    _publish(reg, out)
    checker.clear_cache()
    third = checker.check_reference(sus.status_claim(), issuer=EC.controller, now=NOW)
    assert third.ok and third.status == 0

    # the published token is what the draft describes
    token = (out / "sus.statuslist.jwt").read_text().strip()
    checked = verify_status_list_token(token, f"{BASE}/sus", now=NOW)
    assert checked.status_list.bits == 2 and checked.status_list.size == 131_072
    assert checked.header["typ"] == "statuslist+jwt" and checked.header["alg"] == "ES256"
    assert checked.issuer == EC.controller and checked.ttl == 43200


def test_eddsa_signed_lists_and_the_same_list_in_both_formats(
    reg: StatusRegistry, tmp_path: Path
) -> None:
    entry = reg.allocate("rev")
    reg.revoke("rev", entry.index)
    token, _ = reg.status_list_token("rev", ED, uri=f"{BASE}/rev.jwt", now=NOW, bits=8)
    checker = TokenStatusListChecker({f"{BASE}/rev.jwt": token}.__getitem__)
    ref = reg.token_reference("rev", entry.index, uri=f"{BASE}/rev.jwt")
    outcome = checker.check_reference(ref.status_claim(), issuer=ED.controller, now=NOW)
    assert outcome.problem is not None and outcome.problem.code == "revoked"
    assert verify_status_list_token(token, f"{BASE}/rev.jwt", now=NOW).header["alg"] == "EdDSA"
    # the same registry state as a Bitstring Status List credential
    doc, _ = reg.status_list_credential("rev", ED, now=NOW)
    bits_checker = StatusChecker(MappingFetcher({f"{BASE}/rev": doc}))
    assert bits_checker.status_list(f"{BASE}/rev", now=NOW).bits.get(entry.index) == 1
    with pytest.raises(UsageError, match="bits"):
        reg.token_status_list("sus", bits=1)  # SUSPENDED (0x02) does not fit in one bit


def _checker(tokens: dict[str, str], **options: Any) -> TokenStatusListChecker:
    return TokenStatusListChecker(MappingFetcher(tokens), **options)


def _code(
    checker: TokenStatusListChecker, ref: Any, issuer: str = EC.controller, now: datetime = NOW
) -> str | None:
    outcome = checker.check_reference(ref, issuer=issuer, now=now)
    return outcome.problem.code if outcome.problem else None


def _token(
    status_list: TokenStatusList | None = None, uri: str = f"{BASE}/1", **options: Any
) -> str:
    options.setdefault("now", NOW)
    return sign_status_list_token(status_list or TokenStatusList(1024, 2), uri, EC, **options)


REF = {"status_list": {"idx": 5, "uri": f"{BASE}/1"}}


def test_ttl_and_exp_expired_lists_are_status_unavailable() -> None:
    token = _token(valid_for=timedelta(days=1), ttl=timedelta(hours=1))
    assert _code(_checker({f"{BASE}/1": token}), REF) is None
    stale = _checker({f"{BASE}/1": token})
    outcome = stale.check_reference(REF, issuer=EC.controller, now=NOW + timedelta(hours=2))
    assert outcome.problem is not None and outcome.problem.code == "status_unavailable"
    assert "status_list_stale" in outcome.problem.message
    relaxed = _checker({f"{BASE}/1": token}, accept_stale=True)
    outcome = relaxed.check_reference(REF, issuer=EC.controller, now=NOW + timedelta(hours=2))
    assert outcome.ok and outcome.warning is not None
    assert outcome.warning.code == "status_policy_relaxed"
    expired = relaxed.check_reference(REF, issuer=EC.controller, now=NOW + timedelta(days=2))
    assert expired.problem is not None and expired.problem.code == "status_unavailable"
    assert "expired" in expired.problem.message
    future = _token(now=NOW + timedelta(hours=1))
    assert _code(_checker({f"{BASE}/1": future}), REF) == "status_unavailable"


def test_cache_follows_ttl() -> None:
    calls: list[str] = []
    token = _token(ttl=timedelta(minutes=10))

    def fetch(url: str) -> str:
        calls.append(url)
        return token

    checker = TokenStatusListChecker(fetch)
    for minutes in (0, 1, 9):
        assert _code(checker, REF, now=NOW + timedelta(minutes=minutes)) is None
    assert len(calls) == 1
    assert (
        _code(checker, REF, now=NOW + timedelta(minutes=16)) == "status_unavailable"
    )  # stale (ttl + skew)
    assert len(calls) == 2


def test_wrong_sub_bad_signature_wrong_issuer_and_out_of_range() -> None:
    other_uri = _token(uri=f"{BASE}/2")
    outcome = _checker({f"{BASE}/1": other_uri}).check_reference(REF, issuer=EC.controller, now=NOW)
    assert outcome.problem is not None and outcome.problem.code == "status_unavailable"
    assert "sub" in outcome.problem.message
    head, body, sig = _token().split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    claims["status_list"] = TokenStatusList(1024, 2).to_json()
    forged = f"{head}.{b64url(json.dumps(claims).encode())}.{sig}"
    assert _code(_checker({f"{BASE}/1": forged}), REF) == "status_unavailable"
    # signed by someone else's key (a valid list of another issuer)
    theirs = sign_status_list_token(TokenStatusList(1024, 2), f"{BASE}/1", OTHER, now=NOW)
    assert _code(_checker({f"{BASE}/1": theirs}), REF) == "status_list_issuer_mismatch"
    assert _code(_checker({f"{BASE}/1": theirs}, list_issuers=[OTHER.controller]), REF) is None
    assert (
        _code(_checker({f"{BASE}/1": _token()}), REF, issuer=None) == "status_list_issuer_mismatch"
    )  # type: ignore[arg-type]
    far = {"status_list": {"idx": 4096, "uri": f"{BASE}/1"}}  # 1024 bytes of 2 bits = 4096 entries
    assert _code(_checker({f"{BASE}/1": _token()}), far) == "status_index_out_of_range"
    assert _code(_checker({}), REF) == "status_unavailable"  # not obtainable


@pytest.mark.parametrize("value", [3, 0x0C, 0x0F, 0x04, 0x10, 0xFF])
def test_other_status_values_are_typed_problems(value: int) -> None:
    status_list = TokenStatusList(64, 8)
    status_list.set(5, value)
    assert _code(_checker({f"{BASE}/1": _token(status_list)}), REF) == "status_value_unknown"


def _signed(header: dict[str, Any], claims: dict[str, Any], key: Any = EC) -> str:
    return sign_compact(header, claims, key)


def _claims(**over: Any) -> dict[str, Any]:
    base = {
        "sub": f"{BASE}/1",
        "iat": int(NOW.timestamp()),
        "ttl": 600,
        "status_list": TokenStatusList(64, 1).to_json(),
    }
    base.update(over)
    return {k: v for k, v in base.items() if v is not None}


HEADER = {"alg": "ES256", "kid": EC.verification_method, "typ": "statuslist+jwt"}


@pytest.mark.parametrize(
    ("header", "claims", "fragment"),
    [
        ({**HEADER, "typ": "JWT"}, _claims(), "typ"),
        ({**HEADER, "typ": None}, _claims(), "typ"),
        ({**HEADER, "kid": None}, _claims(), "key is unknown"),
        ({**HEADER, "kid": "did:key:zDnaeUnknown#x"}, _claims(), "kid"),
        ({**HEADER, "kid": OTHER.verification_method}, _claims(), "signature"),
        ({**HEADER, "jwk": EC.to_jwk()}, _claims(), "own key"),
        ({**HEADER, "crit": ["exp"]}, _claims(), "crit"),
        (HEADER, _claims(iat=None), "iat"),
        (HEADER, _claims(iat="2026-07-02"), "NumericDate"),
        (HEADER, _claims(exp=int(NOW.timestamp()) - 3600), "expired"),
        (HEADER, _claims(ttl=0), "ttl"),
        (HEADER, _claims(ttl="600"), "ttl"),
        (HEADER, _claims(status_list=None), "status_list"),
        (HEADER, _claims(status_list={"bits": 1}), "lst"),
        (HEADER, _claims(iss="did:web:someone.else"), "iss"),
        (HEADER, _claims(sub=None), "sub"),
    ],
)
def test_hostile_tokens_are_refused(
    header: dict[str, Any], claims: dict[str, Any], fragment: str
) -> None:
    header = {k: v for k, v in header.items() if v is not None}
    token = _signed(header, claims)
    with pytest.raises(StatusListError, match=fragment):
        verify_status_list_token(token, f"{BASE}/1", now=NOW)
    assert _code(_checker({f"{BASE}/1": token}), REF) == "status_unavailable"


def test_alg_none_and_hmac_are_refused() -> None:
    claims = b64url(json.dumps(_claims()).encode())
    for alg in ("none", "HS256"):
        head = b64url(json.dumps({"alg": alg, "typ": "statuslist+jwt"}).encode())
        with pytest.raises(StatusListTokenError, match="alg"):
            verify_status_list_token(f"{head}.{claims}.", f"{BASE}/1", now=NOW)
    for junk in ("", "a.b", "x" * 100, b"\xff\xfe", 42, None):
        with pytest.raises(StatusListTokenError):
            verify_status_list_token(junk, f"{BASE}/1", now=NOW)


# --- Bitstring Status List credential delivered as a vc+jwt ---------------------------------


def test_bitstring_status_list_credential_as_vc_jwt(reg: StatusRegistry, tmp_path: Path) -> None:
    entry = reg.allocate("rev")
    reg.revoke("rev", entry.index)
    bits, _ = reg.bitstring("rev")
    unsigned = {
        "@context": [VC_V2],
        "id": f"{BASE}/rev",
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": EC.controller,
        "validFrom": "2026-07-01T00:00:00Z",
        "validUntil": "2026-08-01T00:00:00Z",
        "credentialSubject": {
            "id": f"{BASE}/rev#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": bits.encode(),
        },
    }
    token = secure_jwt(unsigned, EC)
    folder = tmp_path / "lists"
    folder.mkdir()
    (folder / "rev.jwt").write_text(token + "\n")
    diploma = sign(
        {**example_diploma(EC.controller), "credentialStatus": entry.to_json()},
        EC,
        created="2026-07-01T00:00:00Z",
    )
    for fetcher in (DirectoryFetcher(folder), MappingFetcher({f"{BASE}/rev": token})):
        result = verify(diploma, now=NOW, status=StatusChecker(fetcher))
        assert result.codes == ["revoked"], result.codes
        assert result.status[0].status == 1
    other = reg.allocate("rev")
    fine = sign(
        {**example_diploma(EC.controller), "credentialStatus": other.to_json()},
        EC,
        created="2026-07-01T00:00:00Z",
    )
    assert verify(fine, now=NOW, status=StatusChecker(DirectoryFetcher(folder))).verified
    # a tampered list JWT does not verify, so the status is unavailable
    head, body, sig = token.split(".")
    tampered = f"{head}.{body[:-4]}AAAA.{sig}"
    result = verify(fine, now=NOW, status=StatusChecker(MappingFetcher({f"{BASE}/rev": tampered})))
    assert "status_unavailable" in result.codes


def test_cli_publish_token_status_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mbo_vc.cli import main

    db, key, lists = tmp_path / "r.db", tmp_path / "key.json", tmp_path / "lists"
    assert main(["key", "generate", "--out", str(key), "--type", "p-256"]) == 0
    did = json.loads(key.read_text())["controller"]
    assert main(["status", "init", "--db", str(db), "--base-url", BASE]) == 0
    capsys.readouterr()
    assert main(["status", "allocate", "--db", str(db), "--list", "revocation-1"]) == 0
    entry = json.loads(capsys.readouterr().out)
    ref = {
        "status_list": {"idx": int(entry["statusListIndex"]), "uri": entry["statusListCredential"]}
    }
    publish = ["status", "publish", "--db", str(db), "--key", str(key), "--out", str(lists)]
    assert main([*publish, "--format", "token-status-list"]) == 0
    assert main(publish) == 0  # the Bitstring form next to it, at the same URL
    assert sorted(p.name for p in lists.iterdir()) == [
        "revocation-1.json",
        "revocation-1.statuslist.jwt",
        "suspension-1.json",
        "suspension-1.statuslist.jwt",
    ]
    checker = TokenStatusListChecker(DirectoryFetcher(lists))
    assert checker.check_reference(ref, issuer=did).ok
    revoke = [
        "status",
        "revoke",
        "--db",
        str(db),
        "--list",
        "revocation-1",
        "--index",
        str(ref["status_list"]["idx"]),
    ]
    assert main(revoke) == 0
    assert (
        main([*publish, "--format", "token-status-list", "--bits", "2", "--ttl-seconds", "600"])
        == 0
    )
    checker.clear_cache()
    outcome = checker.check_reference(ref, issuer=did)
    assert outcome.problem is not None and outcome.problem.code == "revoked"
    token = verify_status_list_token(
        (lists / "revocation-1.statuslist.jwt").read_text(), entry["statusListCredential"]
    )
    assert token.ttl == 600 and token.status_list.bits == 2 and token.header["alg"] == "ES256"
    assert main([*publish, "--bits", "2"]) == 2  # --bits is for the token format
    assert (
        main([*publish, "--format", "token-status-list", "--list", "suspension-1", "--bits", "1"])
        == 2
    )
