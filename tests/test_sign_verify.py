"""Signing and the verification pipeline: round trips, every one-character change, dates,
purposes, challenge/domain, and that verification never raises for bad input."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest

from mbo_vc import Ed25519Key, Limits, sign, verify
from mbo_vc.errors import InvalidDateError, MboVcError
from mbo_vc.jsonld import default_loader
from mbo_vc.proofs import Canonicalizer, create_proof, suite_named
from tests.fixtures import example_diploma

SUITES = ["eddsa-rdfc-2022", "eddsa-jcs-2022"]
ISSUER = Ed25519Key.from_seed(bytes.fromhex("11" * 32))
OTHER = Ed25519Key.from_seed(bytes.fromhex("22" * 32))
NOW = "2030-01-01T00:00:00Z"


def _signed(suite: str = "eddsa-rdfc-2022", **kw: Any) -> dict[str, Any]:
    return sign(example_diploma(ISSUER.did), ISSUER, cryptosuite=suite,
                created="2026-07-01T12:00:00Z", **kw)  # fmt: skip


@pytest.mark.parametrize("suite", SUITES)
def test_round_trip(suite: str) -> None:
    result = verify(_signed(suite), now=NOW)
    assert result.verified, result.problems
    assert result.checks == [
        "structure", "proofs", "issuer_authorization", "validity_period", "policy",
    ]  # fmt: skip
    assert result.proofs[0].controller == ISSUER.did


@pytest.mark.parametrize("suite", SUITES)
def test_key_order_and_whitespace_do_not_matter(suite: str) -> None:
    signed = _signed(suite)

    def reorder(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: reorder(x[k]) for k in sorted(x, reverse=True)}
        if isinstance(x, list):
            return [reorder(i) for i in x]
        return x

    text = json.dumps(reorder(signed), indent=7, separators=(" ,  ", " :\t"))
    assert verify(text, now=NOW).verified
    assert verify(json.dumps(signed).encode(), now=NOW).verified


def _string_leaves(doc: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _string_leaves(v, (*path, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _string_leaves(v, (*path, i))
    elif isinstance(doc, str):
        yield path, doc


def _set(doc: Any, path: tuple, value: Any) -> None:
    for p in path[:-1]:
        doc = doc[p]
    doc[path[-1]] = value


def _one_char_changes(value: str) -> list[str]:
    def flip(c: str) -> str:
        return "b" if c == "a" else ("A" if c == "1" else ("1" if c.isalpha() else "a"))

    positions = sorted({0, len(value) // 2, len(value) - 1})
    return [value[:i] + flip(value[i]) + value[i + 1 :] for i in positions]


@pytest.mark.parametrize("suite", SUITES)
def test_every_one_character_change_fails(suite: str) -> None:
    signed = _signed(suite)
    leaves = list(_string_leaves(signed))
    assert len(leaves) > 25
    for path, value in leaves:
        for changed in _one_char_changes(value):
            tampered = copy.deepcopy(signed)
            _set(tampered, path, changed)
            result = verify(tampered, now=NOW)
            assert not result.verified, (path, changed)
            if path[0] not in ("proof", "@context", "type", "issuer"):
                assert result.codes[0] in {
                    "invalid_signature",
                    "relative_iri",
                    "dropped_term",
                    "invalid_date",
                }, (
                    path,
                    result.codes,
                )


@pytest.mark.parametrize("suite", SUITES)
def test_added_undefined_term_fails_with_dropped_term(suite: str) -> None:
    signed = _signed(suite)
    signed["credentialSubject"]["cijfer"] = "10"
    assert "dropped_term" in verify(signed, now=NOW).codes


@pytest.mark.parametrize("suite", SUITES)
@pytest.mark.parametrize(
    ("member", "code"),
    [
        ("type", "malformed_proof"),
        ("verificationMethod", "malformed_proof"),
        ("proofPurpose", "malformed_proof"),
        ("proofValue", "malformed_proof"),
        ("cryptosuite", "unsupported_cryptosuite"),
        ("created", "invalid_signature"),
    ],
)
def test_removed_proof_member_fails(suite: str, member: str, code: str) -> None:
    signed = _signed(suite)
    del signed["proof"][member]
    result = verify(signed, now=NOW)
    assert not result.verified
    assert code in result.codes


def test_swapped_key_fails() -> None:
    signed = _signed()
    # the proof claims the issuer's key but was made by another key
    forged = sign(example_diploma(ISSUER.did), OTHER.with_controller(ISSUER.did,
                  ISSUER.verification_method), created="2026-07-01T12:00:00Z")  # fmt: skip
    assert verify(forged, now=NOW).codes == ["invalid_signature"]
    # a valid proof by another key is not authorized for this issuer
    other = sign(example_diploma(ISSUER.did), OTHER)
    assert verify(other, now=NOW).codes == ["vm_not_authorized"]
    # the proof of one credential moved onto another
    moved = _signed()
    moved["id"] = "urn:uuid:00000000-0000-4000-8000-00000000beef"
    moved["proof"] = signed["proof"]
    assert "invalid_signature" in verify(moved, now=NOW).codes


def test_validity_period_against_callers_clock() -> None:
    cred = example_diploma(ISSUER.did, valid_from="2026-07-01T00:00:00Z")
    cred["validUntil"] = "2030-01-01T00:00:00Z"
    signed = sign(cred, ISSUER, created="2026-06-01T00:00:00Z")
    assert verify(signed, now="2026-06-30T23:59:59Z").codes == ["not_yet_valid"]
    assert verify(signed, now="2026-07-01T00:00:00Z").verified
    assert verify(signed, now="2030-01-01T00:00:01Z").codes == ["expired"]


def test_invalid_date_is_refused_on_signing_and_reported_on_verifying() -> None:
    cred = example_diploma(ISSUER.did, valid_from="1 juli 2026")
    # validFrom is typed xsd:dateTime; the RDF accepts the literal, the data model does not
    with pytest.raises(InvalidDateError, match=r"§4\.9"):
        sign(cred, ISSUER)
    signed = create_proof(cred, ISSUER, suite_named("eddsa-rdfc-2022"),
                          canon=Canonicalizer(default_loader()))  # fmt: skip
    assert verify(signed, now=NOW).codes == ["invalid_date"]


def test_proof_purpose_challenge_domain_and_expiry() -> None:
    auth = _signed(proof_purpose="authentication", challenge="abc", domain="example.org",
                   expires="2026-07-02T00:00:00Z")  # fmt: skip
    assert "proof_purpose_mismatch" in verify(auth, now="2026-07-01T13:00:00Z").codes
    ok = verify(auth, expected_proof_purpose="authentication", challenge="abc",
                domain="example.org", now="2026-07-01T13:00:00Z")  # fmt: skip
    assert ok.problems == [] or ok.codes == ["vm_not_authorized"]
    bad = verify(auth, expected_proof_purpose="authentication", challenge="xyz",
                 domain="other.org", now="2026-07-01T13:00:00Z")  # fmt: skip
    assert {"challenge_mismatch", "domain_mismatch"} <= set(bad.codes)
    late = verify(auth, expected_proof_purpose="authentication", challenge="abc",
                  domain="example.org", now="2026-07-03T00:00:00Z")  # fmt: skip
    assert "proof_expired" in late.codes


def test_proof_created_in_the_future_is_a_warning() -> None:
    signed = _signed()
    result = verify(signed, now="2026-07-01T11:00:00Z")
    assert result.verified
    assert [w.code for w in result.warnings] == ["proof_not_yet_valid"]


def test_proof_set_by_two_keys() -> None:
    first = _signed(proof_id="urn:uuid:examencommissie")
    both = sign(first, OTHER, previous_proof="urn:uuid:examencommissie")
    result = verify(both, now=NOW)
    assert len(result.proofs) == 2
    assert all(p.signature_valid for p in result.proofs)
    assert result.verified


def test_unsupported_cryptosuite_is_reported() -> None:
    signed = _signed()
    signed["proof"]["cryptosuite"] = "bbs-2023"
    assert "unsupported_cryptosuite" in verify(signed, now=NOW).codes
    signed["proof"]["cryptosuite"] = "ecdsa-rdfc-2019"  # supported, but not for an Ed25519 key
    assert "key_suite_mismatch" in verify(signed, now=NOW).codes
    assert (
        "unsupported_cryptosuite"
        in verify(_signed(), now=NOW, accepted_cryptosuites={"eddsa-jcs-2022"}).codes
    )


@pytest.mark.parametrize(
    "junk",
    [
        b"",
        b"\xff\xfe not utf-8",
        "[]",
        "42",
        '{"a": 1, "a": 2}',
        '{"n": 1e400}',
        '{"n": -0}',
        '{"n": 18446744073709551616}',
        '{"s": "\\ud800"}',
        "[" * 10_000 + "]" * 10_000,
        {"@context": 5},
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "proof": "x",
            "issuer": "x",
            "type": "VerifiableCredential",
        },
        {"@context": ["https://www.w3.org/ns/credentials/v2"], "proof": [1, None, {}]},
        ["not", "a", "dict"],
        None,
    ],
)
def test_verify_never_raises(junk: Any) -> None:
    result = verify(junk)
    assert not result.verified
    assert result.problems and all(p.code and p.message for p in result.problems)


def test_size_limit() -> None:
    big = json.dumps({"x": "a" * 3_000_000})
    assert verify(big).codes == ["limit_exceeded"]
    assert verify(big, limits=Limits(max_document_bytes=10_000_000)).codes != ["limit_exceeded"]


def test_sign_refuses_non_json_values() -> None:
    with pytest.raises(MboVcError):
        sign({"@context": ["https://www.w3.org/ns/credentials/v2"], "x": object()}, ISSUER)
