"""CLR 2.0 (1EdTech Comprehensive Learner Record, the resultatenlijst): a ClrCredential whose
``credentialSubject.verifiableCredential`` embeds signed OBv3 credentials. The CLR verifies
only when its own proof and every embedded credential verify, and its JSON shows exactly the
credentials its issuer signed. Contexts as the CLR 2.0 spec orders them: credentials/v2, OBv3
3.0.3, CLR context-2.0.1 (bundled, from openbadgeslib 4.6.3 with provenance)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mbo_vc import Ed25519Key, sign, verify
from mbo_vc.mbo import issue
from mbo_vc.status import StatusChecker
from tests.fixtures import example_waardepapieren
from tests.helpers import js_stack_missing, run_js

SCHOOL = Ed25519Key.from_seed(bytes.fromhex("41" * 32))  # issues the member credentials
CLR_ISSUER = Ed25519Key.from_seed(bytes.fromhex("42" * 32))  # assembles the CLR
EXAMENCOMMISSIE = Ed25519Key.from_seed(bytes.fromhex("43" * 32))  # decides on diplomas/certificaten
CREATED = "2026-07-01T09:00:00Z"
NOW = "2026-08-01T00:00:00Z"
CLR_CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
]


def _members(kinds: tuple[str, ...] = ("microcredential", "mbo-certificaat")) -> list[Any]:
    papers = example_waardepapieren(SCHOOL.did)
    two = ("mbo-diploma", "mbo-certificaat")  # the mbo rules: both signers, chained
    ec = {k: EXAMENCOMMISSIE if k in two else None for k in kinds}
    return [issue(papers[k], SCHOOL, created=CREATED, examencommissie=ec[k]) for k in kinds]


def _clr(members: list[Any], clr_id: str = "urn:uuid:6a1b3c02-9d8e-4f7a-b1c2-0d3e4f5a6b7c",
         **subject_extra: Any) -> dict[str, Any]:  # fmt: skip
    return {
        "@context": list(CLR_CONTEXTS),
        "id": clr_id,
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": CLR_ISSUER.did, "type": ["Profile"], "name": "ROC Voorbeeld"},
        "name": "Resultatenlijst",
        "validFrom": "2026-07-02T00:00:00Z",
        "credentialSubject": {
            "type": "ClrSubject",
            "identifier": [
                {
                    "type": "IdentityObject",
                    "hashed": False,
                    "identityHash": "Sam de Vries",
                    "identityType": "name",
                },
            ],
            "verifiableCredential": members,
            **subject_extra,
        },
    }


def _member(doc: dict[str, Any]) -> dict[str, Any]:
    """Sign a member credential; its proof as an array, as the OBv3 and mbo schemas require."""
    signed = sign(doc, SCHOOL, created=CREATED)
    signed["proof"] = [signed["proof"]]
    return signed


def _signed_clr(members: list[Any] | None = None, **extra: Any) -> dict[str, Any]:
    return sign(_clr(members if members is not None else _members(), **extra), CLR_ISSUER,
                created=CREATED)  # fmt: skip


def _codes(result: Any) -> list[str]:
    return [p.code for p in result.problems]


def test_clr_with_two_embedded_credentials_verifies() -> None:
    result = verify(_signed_clr(), now=NOW, check_status=False)
    assert result.verified, result.problems
    assert "embedded_credentials" in result.checks
    assert [r.verified for r in result.embedded] == [True, True]
    assert {r.issuer for r in result.embedded} == {SCHOOL.did}
    assert result.to_json()["embedded"][1]["verified"] is True


def test_tampering_with_an_embedded_credential_breaks_both_signatures() -> None:
    clr = _signed_clr()
    clr["credentialSubject"]["verifiableCredential"][0]["name"] = "Tampered"
    result = verify(clr, now=NOW, check_status=False)
    assert not result.verified
    assert "invalid_signature" in _codes(result)
    assert "embedded_credential_invalid" in _codes(result)
    assert not result.embedded[0].verified and result.embedded[1].verified


def test_embedded_credential_with_a_bad_proof_fails_even_when_the_clr_signed_it() -> None:
    members = _members()
    members[1]["credentialSubject"]["achievement"]["name"] = "Forged before the CLR was signed"
    result = verify(_signed_clr(members), now=NOW, check_status=False)
    assert not result.verified
    assert "invalid_signature" not in [p.code for p in result.proofs[0].problems]
    assert _codes(result) == ["embedded_credential_invalid"]
    assert "verifiableCredential[1]" in result.problems[0].where


def test_embedded_credential_without_a_proof_fails() -> None:
    members = _members()
    del members[0]["proof"]
    result = verify(_signed_clr(members), now=NOW, check_status=False)
    assert _codes(result) == ["embedded_credential_invalid"]
    assert "no_proof" in result.embedded[0].codes


def test_expired_embedded_credential_fails() -> None:
    papers = example_waardepapieren(SCHOOL.did)
    doc = papers["microcredential"].to_json()
    doc["validUntil"] = "2026-07-15T00:00:00Z"
    members = [_member(doc)]
    result = verify(_signed_clr(members), now=NOW, check_status=False)
    assert "embedded_credential_invalid" in _codes(result)
    assert "expired" in result.embedded[0].codes


def test_embedded_status_fails_closed_without_a_status_source() -> None:
    papers = example_waardepapieren(SCHOOL.did)
    doc = papers["microcredential"].to_json()
    doc["credentialStatus"] = {
        "id": "https://roc.example/status/1#5", "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation", "statusListIndex": "5",
        "statusListCredential": "https://roc.example/status/1",
    }  # fmt: skip
    clr = _signed_clr([_member(doc)])
    result = verify(clr, now=NOW)
    assert not result.verified
    assert "status_unavailable" in result.embedded[0].codes
    # the caller can switch status checking off, and sees a warning for it
    relaxed = verify(clr, now=NOW, check_status=False)
    assert relaxed.verified
    assert any(w.code == "status_not_checked" for w in relaxed.embedded[0].result.warnings)

    def unreachable(url: str) -> Any:
        raise OSError(f"offline: {url}")

    with_checker = verify(clr, now=NOW, status=StatusChecker(unreachable))
    assert not with_checker.verified
    assert any(c.startswith("status") for c in with_checker.embedded[0].codes)


def test_credential_hidden_under_a_full_iri_is_refused() -> None:
    """The signed CLR holds a credential its ``verifiableCredential`` member does not show."""
    members = _members()
    clr = _clr(members[:1])
    clr["credentialSubject"]["https://purl.imsglobal.org/spec/vc/clr/vocab.html#"
                             "verifiableCredential"] = members[1:]  # fmt: skip
    result = verify(sign(clr, CLR_ISSUER, created=CREATED), now=NOW, check_status=False)
    assert "hidden_credential" in _codes(result)
    assert not result.verified


def test_an_embedded_credential_must_carry_its_own_context() -> None:
    members = _members()
    del members[0]["@context"]
    clr = _clr(members)
    try:
        signed = sign(clr, CLR_ISSUER, created=CREATED)
    except Exception:  # without its context the member's terms may not expand at all
        return
    result = verify(signed, now=NOW, check_status=False)
    assert "embedded_credential_invalid" in _codes(result)


def test_clr_inside_clr_is_bounded() -> None:
    inner = _signed_clr()
    middle = sign(_clr([inner], "urn:uuid:middle"), CLR_ISSUER, created=CREATED)
    assert verify(middle, now=NOW, check_status=False).verified
    outer = sign(_clr([middle], "urn:uuid:outer"), CLR_ISSUER, created=CREATED)
    result = verify(outer, now=NOW, check_status=False)
    assert not result.verified
    assert "limit_exceeded" in result.embedded[0].result.embedded[0].result.codes


def test_embedded_credential_sharing_the_clr_id_is_refused() -> None:
    """A member with the CLR's own id merges into the CLR node in the signed data: its proof
    would sit in the data the CLR's proof signs, so the CLR is refused."""
    inner = _signed_clr()
    same_id = sign(_clr([inner]), CLR_ISSUER, created=CREATED)
    result = verify(same_id, now=NOW, check_status=False)
    assert not result.verified and "malformed_proof" in _codes(result)


def test_clr_with_associations_and_achievements_verifies() -> None:
    members = _members()
    ach = members[0]["credentialSubject"]["achievement"]
    clr = _signed_clr(
        members,
        achievement=[
            {
                "id": ach["id"],
                "type": ["Achievement"],
                "name": ach["name"],
                "criteria": {"narrative": "zie examenplan"},
            }
        ],
        association=[
            {
                "type": "Association",
                "associationType": "isPartOf",
                "sourceId": ach["id"],
                "targetId": "urn:mbo-vc:crebo:25655",
            }
        ],
    )
    result = verify(clr, now=NOW, check_status=False)
    assert result.verified, result.problems


@pytest.mark.interop
@pytest.mark.skipif(js_stack_missing() is not None, reason=str(js_stack_missing()))
def test_clr_signed_here_verifies_with_the_reference_stack() -> None:
    clr = _signed_clr()
    code, out = run_js("verify.mjs", payload=clr)
    assert code == 0 and out["verified"] is True, out
    tampered = copy.deepcopy(clr)
    tampered["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    code, out = run_js("verify.mjs", payload=tampered)
    assert code == 1
