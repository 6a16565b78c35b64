"""SD-JWT (RFC 9901): the RFC's examples byte for byte, the OWF behaviour cases, and hostile
SD-JWTs (each refused with its own code)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mbo_vc.errors import MboVcError, SdJwtError, UsageError
from mbo_vc.jws import b64url, decode_jwt, verify_signature
from mbo_vc.keys import EcKey
from mbo_vc.sd_jwt import (
    Disclosure,
    SdJwt,
    check_key_binding,
    digest,
    is_sd_jwt,
    issue,
    parse,
    present,
    sign_jwt,
    unpack,
)
from tests.helpers import ROOT

VECTORS = ROOT / "test_vectors"
RFC = json.loads((VECTORS / "rfc9901" / "examples.json").read_text(encoding="utf-8"))
CASES = json.loads((VECTORS / "sd-jwt-python" / "cases.json").read_text(encoding="utf-8"))

ISSUER = EcKey.generate("P-256")
HOLDER = EcKey.generate("P-256")
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _salts(values: list[str]) -> Any:
    it = iter(values)
    return lambda: next(it)


# --- RFC 9901 examples ---------------------------------------------------------------------


@pytest.mark.parametrize("case", RFC["inline"], ids=lambda c: c["section"])
def test_rfc_inline_disclosures_byte_exact(case: dict[str, Any]) -> None:
    salt, *rest = case["contents"]
    name, value = (rest[0], rest[1]) if len(rest) == 2 else (None, rest[0])
    d = Disclosure.create(salt, name, value)
    assert d.encoded == case["disclosure"]
    if "digest" in case:
        assert d.digest() == case["digest"]


def test_rfc_4_2_1_other_spellings_decode_to_the_same_claim() -> None:
    for encoded in RFC["variants_4_2_1"]:
        d = Disclosure.decode(encoded)
        assert (d.salt, d.name, d.value) == ("_26bc4LT-ac6q2KI6cBW5es", "family_name", "Möbius")
        assert d.digest() != RFC["inline"][0]["digest"]  # the digest signs the spelling


@pytest.mark.parametrize("d", RFC["section_5_1"]["disclosures"], ids=lambda d: d["claim"])
def test_rfc_5_1_disclosures_and_digests_byte_exact(d: dict[str, Any]) -> None:
    contents = d["contents"]
    name = contents[1] if len(contents) == 3 else None
    made = Disclosure.create(contents[0], name, contents[-1])
    assert made.encoded == d["disclosure"]
    assert digest(d["disclosure"]) == d["digest"]


def test_rfc_5_1_issuance_reproduces_the_payload_digests() -> None:
    """Issuing the §5.1 claims with the RFC's salts gives exactly the RFC payload's digests."""
    section = RFC["section_5_1"]
    _, signed = decode_jwt(section["issuer_signed_jwt"])
    salts = [d["contents"][0] for d in section["disclosures"]]
    claims = dict(section["user_claims"])
    frame = {"_sd": [d["claim"] for d in section["disclosures"] if "[" not in d["claim"]],
             "nationalities": {"_sd": [0, 1]}}  # fmt: skip
    # the RFC's salts in the order its generator drew them: members first, then the array
    order = [d["contents"][0] for d in section["disclosures"]]
    by_claim = {d["claim"]: d["contents"][0] for d in section["disclosures"]}
    sequence = [by_claim[k] for k in claims if k in by_claim] + order[-2:]
    sequence = [s for s in sequence if s in salts]
    ours = issue(claims, frame, ISSUER, typ="example+sd-jwt", salt=_salts(sequence))
    _, payload = decode_jwt(ours.jwt)
    assert payload["_sd"] == signed["_sd"]
    assert payload["nationalities"] == signed["nationalities"]
    assert set(ours.disclosures) == {d["disclosure"] for d in section["disclosures"]}


def test_rfc_5_1_issuer_signature_verifies_with_the_rfc_key() -> None:
    jwt = RFC["section_5_1"]["issuer_signed_jwt"]
    assert verify_signature(jwt, RFC["issuer_public_jwk"], "ES256")
    forged = jwt[:-4] + ("AAAA" if not jwt.endswith("AAAA") else "BBBB")
    assert not verify_signature(forged, RFC["issuer_public_jwk"], "ES256")


def _rfc_presentation() -> SdJwt:
    section = RFC["section_5_1"]
    by = {d["claim"]: d["disclosure"] for d in section["disclosures"]}
    chosen = tuple(by[c] for c in RFC["section_5_2"]["presented"])
    return SdJwt(section["issuer_signed_jwt"], chosen, RFC["section_5_2"]["kb_jwt"])


def test_rfc_5_2_presentation_verifies_with_key_binding() -> None:
    kb = RFC["section_5_2"]
    token = _rfc_presentation()
    assert digest(token.without_kb()) == kb["sd_hash"]
    _, payload = decode_jwt(token.jwt)
    unpacked = unpack(payload, token.disclosures)
    assert unpacked.claims == kb["verified_claims"]
    when = datetime.fromtimestamp(kb["iat"] + 30, UTC)
    binding = check_key_binding(token, payload["cnf"], aud=kb["aud"], nonce=kb["nonce"], now=when)
    assert binding.payload["sd_hash"] == kb["sd_hash"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"nonce": "0987654321"}, "kb_jwt_nonce_mismatch"),
        ({"aud": "https://other.example"}, "kb_jwt_aud_mismatch"),
        ({"late": True}, "kb_jwt_time_invalid"),
        ({"drop": True}, "kb_jwt_sd_hash_mismatch"),
    ],
)
def test_rfc_5_2_replays_are_refused(change: dict[str, Any], code: str) -> None:
    kb = RFC["section_5_2"]
    token = _rfc_presentation()
    if change.get("drop"):
        token = SdJwt(token.jwt, token.disclosures[:-1], token.kb_jwt)
    _, payload = decode_jwt(token.jwt)
    when = datetime.fromtimestamp(kb["iat"] + (3600 if change.get("late") else 30), UTC)
    with pytest.raises(SdJwtError) as err:
        check_key_binding(token, payload["cnf"], aud=change.get("aud", kb["aud"]),
                          nonce=change.get("nonce", kb["nonce"]), now=when)  # fmt: skip
    assert err.value.code == code


# --- the OWF sd-jwt-python behaviour cases -------------------------------------------------


@pytest.mark.parametrize("case", CASES["cases"], ids=lambda c: c["name"])
def test_sd_jwt_python_cases(case: dict[str, Any]) -> None:
    """Issue with the case's !sd markings, disclose what the holder discloses, and the verifier
    ends up with exactly the expected claims (JSON serialisation cases run in compact form)."""
    header = {k: v for k, v in case["extra_header_parameters"].items()}
    token = issue(case["user_claims"], case["frame"], ISSUER, header=header,
                  holder=HOLDER.public_only() if case["key_binding"] else None)  # fmt: skip
    if case["key_binding"]:
        shown = present(token, case["disclose"], holder_key=HOLDER, aud="https://v.example",
                        nonce="n-1", iat=int(NOW.timestamp()))  # fmt: skip
    else:
        shown = present(token, case["disclose"])
    again = parse(shown.serialize())
    assert again == shown
    head, payload = decode_jwt(again.jwt)
    assert verify_signature(again.jwt, ISSUER.to_jwk(), "ES256")
    for k, v in header.items():
        assert head[k] == v
    claims = unpack(payload, again.disclosures).claims
    expected = dict(case["expect_verified_user_claims"])
    claims.pop("_sd_alg", None)
    if case["key_binding"]:
        assert claims.pop("cnf") == {"jwk": HOLDER.to_jwk()}
        check_key_binding(again, payload["cnf"], aud="https://v.example", nonce="n-1", now=NOW)
    assert claims == expected


# --- issuing and presenting ----------------------------------------------------------------


CLAIMS = {
    "given_name": "Jan",
    "address": {"street": "Dorpsstraat 1", "city": "Utrecht"},
    "nationalities": ["NL", "BE"],
}
FRAME = {
    "_sd": ["given_name", "address"],
    "address": {"_sd": ["street", "city"], "_sd_decoy": 2},
    "nationalities": {"_sd": [0, 1], "_sd_decoy": 1},
    "_sd_decoy": 3,
}


def _issued() -> SdJwt:
    return issue(CLAIMS, FRAME, ISSUER, holder=HOLDER.public_only())


def test_decoys_and_nested_disclosures() -> None:
    token = _issued()
    _, payload = decode_jwt(token.jwt)
    assert len(payload["_sd"]) == 2 + 3
    assert payload["_sd"] == sorted(payload["_sd"])
    assert len(payload["nationalities"]) == 3
    assert len(token.disclosures) == 2 + 2 + 2
    full = unpack(payload, token.disclosures).claims
    assert {k: full[k] for k in CLAIMS} == CLAIMS


def test_present_discloses_only_what_is_on_the_way() -> None:
    token = _issued()
    shown = present(token, ["address.city"])
    _, payload = decode_jwt(shown.jwt)
    claims = unpack(payload, shown.disclosures).claims
    assert claims["address"] == {"city": "Utrecht"}
    assert "given_name" not in claims and claims["nationalities"] == []
    with pytest.raises(UsageError):
        present(token, ["address.country"])
    with pytest.raises(UsageError):
        present(token, ["given_name"], aud="a", nonce="n")


def test_salts_are_fresh_and_long() -> None:
    a, b = _issued(), _issued()
    salts = [Disclosure.decode(d).salt for d in (*a.disclosures, *b.disclosures)]
    assert len(set(salts)) == len(salts)
    assert all(len(base64.urlsafe_b64decode(s + "==")) == 16 for s in salts)


def test_issue_refuses_bad_frames_and_private_cnf() -> None:
    with pytest.raises(UsageError):
        issue(CLAIMS, {"_sd": ["missing"]}, ISSUER)
    with pytest.raises(UsageError):
        issue({"_sd": [1]}, None, ISSUER)
    with pytest.raises(UsageError):
        issue(CLAIMS, None, ISSUER, holder=HOLDER.to_jwk(private=True))
    with pytest.raises(UsageError):
        Disclosure.create("salt", "...", 1)


def test_is_sd_jwt() -> None:
    token = _issued().serialize()
    assert is_sd_jwt(token) and not is_sd_jwt(token.split("~")[0]) and not is_sd_jwt('{"a":1}')


# --- hostile SD-JWTs: every one refused with its own code -----------------------------------


def _resign(payload: dict[str, Any], header: dict[str, Any] | None = None) -> str:
    return sign_jwt(header or {"typ": "sd+jwt"}, payload, ISSUER)


def _code(payload: dict[str, Any], disclosures: list[str]) -> str:
    with pytest.raises(MboVcError) as err:
        unpack(payload, disclosures)
    return err.value.code


def test_disclosure_reuse_is_refused() -> None:
    token = _issued()
    _, payload = decode_jwt(token.jwt)
    d = token.disclosures[0]
    assert _code(payload, [d, d]) == "disclosure_duplicate"


def test_digest_twice_or_colliding_with_a_decoy_is_refused() -> None:
    d = Disclosure.create("salt-1", "a", 1)
    payload = {"_sd": [d.digest(), d.digest()]}
    assert _code(payload, [d.encoded]) == "disclosure_duplicate"
    # the same digest once as a member and once as an array element ("decoy" reuse)
    payload = {"_sd": [d.digest()], "x": [{"...": d.digest()}]}
    assert _code(payload, []) == "disclosure_duplicate"
    nested = {"_sd": [d.digest()], "inner": {"_sd": [d.digest()]}}
    assert _code(nested, [d.encoded]) == "disclosure_duplicate"


def test_unreferenced_disclosure_is_refused() -> None:
    token = _issued()
    _, payload = decode_jwt(token.jwt)
    foreign = Disclosure.create("salt-x", "given_name", "Mallory").encoded
    assert _code(payload, [foreign]) == "disclosure_unreferenced"
    # a disclosure of a nested claim whose parent is not disclosed is unreferenced too
    street = next(d for d in token.disclosures if Disclosure.decode(d).name == "street")
    assert _code(payload, [street]) == "disclosure_unreferenced"


def test_sd_in_the_wrong_place_is_refused() -> None:
    d = Disclosure.create("s", "a", 1)
    assert _code({"_sd": d.digest()}, []) == "sd_structure_invalid"
    assert _code({"_sd": [7]}, []) == "sd_structure_invalid"
    assert _code({"x": {"_sd_alg": "sha-256"}}, []) == "sd_structure_invalid"
    assert _code({"x": {"...": d.digest()}}, []) == "sd_structure_invalid"
    assert _code({"_sd_alg": "md5"}, []) == "sd_alg_unsupported"


def test_forged_array_entries_are_refused() -> None:
    element = Disclosure.create("s1", None, "NL")
    member = Disclosure.create("s2", "a", 1)
    assert _code({"x": [{"...": element.digest(), "b": 1}]}, [element.encoded]) == (
        "sd_structure_invalid"
    )
    assert _code({"x": [{"...": member.digest()}]}, [member.encoded]) == "disclosure_misplaced"
    assert _code({"_sd": [element.digest()]}, [element.encoded]) == "disclosure_misplaced"
    clash = Disclosure.create("s3", "a", 2)
    assert _code({"a": 1, "_sd": [clash.digest()]}, [clash.encoded]) == "disclosure_misplaced"


@pytest.mark.parametrize(
    "raw",
    [
        "not base64!",
        b64url(b"not json"),
        b64url(b'{"a": 1}'),
        b64url(b'["salt"]'),
        b64url(b'[1, "name", "v"]'),
        b64url(b'["s", 5, "v"]'),
        b64url(b'["s", "_sd", "v"]'),
        b64url(b'["s", "...", "v"]'),
        b64url(b'["s", "a", 1, 2]'),
        b64url(b'["s", "a", {"x": 1, "x": 2}]'),
    ],
)
def test_malformed_disclosures_are_refused(raw: str) -> None:
    with pytest.raises(MboVcError) as err:
        Disclosure.decode(raw)
    assert err.value.code in ("disclosure_malformed", "duplicate_key")


def test_oversized_disclosures_and_too_many_are_refused() -> None:
    big = Disclosure.create("s", "a", "x" * 70_000).encoded
    with pytest.raises(MboVcError) as err:
        Disclosure.decode(big)
    assert err.value.code == "limit_exceeded"
    with pytest.raises(MboVcError) as err:
        parse("a.b.c~" + "~".join(["WyJzIiwgMV0"] * 1100) + "~")
    assert err.value.code == "limit_exceeded"


@pytest.mark.parametrize(
    "text", ["", "~", "a.b~", "a.b.c", "a.b.c~~", "a.b.c~d~e", "a.b.c~x~not-a-jwt"]
)
def test_malformed_compact_forms(text: str) -> None:
    with pytest.raises(MboVcError):
        parse(text)


def test_kb_jwt_with_alg_none_or_wrong_key_or_typ_is_refused() -> None:
    token = _issued()
    shown = present(token, ["given_name"], holder_key=HOLDER, aud="https://v", nonce="n",
                    iat=int(NOW.timestamp()))  # fmt: skip
    cnf = {"jwk": HOLDER.to_jwk()}
    kb_payload = decode_jwt(shown.kb_jwt or "")[1]
    none = (
        b64url(b'{"alg":"none","typ":"kb+jwt"}') + "." + b64url(json.dumps(kb_payload).encode())
        + "."
    )  # fmt: skip
    other = sign_jwt({"typ": "kb+jwt"}, kb_payload, EcKey.generate("P-256"))
    wrong_typ = sign_jwt({"typ": "JWT"}, kb_payload, HOLDER)
    for kb in (none, other, wrong_typ):
        bad = SdJwt(shown.jwt, shown.disclosures, kb)
        with pytest.raises(SdJwtError) as err:
            check_key_binding(bad, cnf, aud="https://v", nonce="n", now=NOW)
        assert err.value.code == "kb_jwt_invalid"
    with pytest.raises(SdJwtError) as err:
        check_key_binding(SdJwt(shown.jwt, shown.disclosures), cnf, aud="https://v", nonce="n",
                          now=NOW)  # fmt: skip
    assert err.value.code == "kb_jwt_missing"
    future = NOW - timedelta(hours=1)
    with pytest.raises(SdJwtError) as err:
        check_key_binding(shown, cnf, aud="https://v", nonce="n", now=future)
    assert err.value.code == "kb_jwt_time_invalid"


def test_deep_nesting_is_bounded() -> None:
    inner: Any = 1
    for _ in range(200):
        inner = {"a": inner}
    with pytest.raises(MboVcError) as err:
        unpack({"x": inner}, [])
    assert err.value.code == "limit_exceeded"
