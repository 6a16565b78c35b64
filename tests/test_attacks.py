"""The context-append attack corpus (tests/attacks.py): every re-spelled document must end NOT
verified, with the code of its real problem (or one of the documented refusal codes).

Each case first checks that the re-spelling kept what the proof signs (the canonical N-Quads of
the document and of each proof configuration), so that no case passes because its signature
broke; cases that safe-mode JSON-LD refuses are checked to be refused by it. Three contexts:

(a) the credential alone: ``verify(doc, now=NOW, status=…, policy=…)``;
(b) the attacked credential presented by its holder: the credential's report must fail;
(c) the presentation itself re-spelled: replayed by a third party (the holder proof still
    verifies), or re-signed by a malicious holder (the verifier must read what was signed).

The sanity tests show that each unattacked base document has exactly its one problem and
verifies once that one condition is lifted, so the corpus cannot pass vacuously.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Collection
from typing import Any

import pytest

from mbo_vc import VerifierPolicy, verify, verify_presentation
from mbo_vc.errors import MboVcError
from mbo_vc.verification import verify_proofs
from tests import attacks as A

CASES = A.cases()
CREDENTIAL_CASES = [c for c in CASES if c.level == "credential"]
ALONE_CASES = [c for c in CREDENTIAL_CASES if c.base != "someone_else"]  # no holder: no binding
PRESENTATION_CASES = [c for c in CASES if c.level == "presentation"]


def _ids(cases: list[A.Case]) -> list[str]:
    return [c.id for c in cases]


@functools.cache
def _attacked(case_id: str) -> dict[str, Any]:
    return A.CASES_BY_ID[case_id].build()


def attacked(case: A.Case) -> dict[str, Any]:
    """The attacked document of ``case`` (built once, a fresh copy each time)."""
    return copy.deepcopy(_attacked(case.id))


@functools.cache
def _checker() -> Any:
    return A.status_checker(revoked=True)


def checker_for(base: A.Base) -> Any:
    """The status checker for a base that needs one (the revoked list), else None."""
    return _checker() if base.status else None


def assert_signed_form_kept(case: A.Case, doc: dict[str, Any]) -> None:
    """The re-spelled document still means what was signed, so the proof still verifies: the
    canonical N-Quads of the document and of every proof configuration are unchanged. A case
    that safe-mode JSON-LD refuses must be refused with its expected code instead. A
    presentation the holder re-signed must mean what the honest presentation meant, and its new
    proof must verify."""
    base = case.base_doc().doc
    if case.outcome == A.REFUSE:
        with pytest.raises(MboVcError) as exc:
            A.canonical_forms(doc)
        assert exc.value.code == case.expected(), f"{case.id}: safe mode said {exc.value.code}"
        return
    if case.resign:
        unsecured, _ = A.canonical_forms({k: v for k, v in doc.items() if k != "proof"})
        honest, _ = A.canonical_forms({k: v for k, v in base.items() if k != "proof"})
        assert unsecured == honest, f"{case.id}: the re-spelling changed the presentation's RDF"
        [proof] = verify_proofs(
            doc, expected_proof_purpose="authentication", challenge=A.CHALLENGE,
            domain=A.DOMAIN, now=A.NOW,
        )  # fmt: skip
        assert proof.signature_valid, f"{case.id}: the re-signed proof does not verify"
        return
    assert A.canonical_forms(doc) == A.canonical_forms(base), (
        f"{case.id}: the re-spelling changed the signed RDF (the case would prove nothing)"
    )


def assert_outcome(case: A.Case, verified: bool, codes: Collection[str]) -> None:
    """Not verified, and the expected code (or, tolerated, a documented refusal code)."""
    assert not verified, f"{case.id}: the attacked document verified ({case.outcome})"
    refused = sorted(set(codes) & A.REFUSAL_CODES)
    if case.outcome == A.READ:
        assert case.expected() in codes or refused, (
            f"{case.id}: expected {case.expected()} (or a refusal), got {sorted(set(codes))}"
        )
    else:
        assert refused, f"{case.id}: expected a refusal ({case.expected()}), got {list(codes)}"


def _vp_policy(base: A.Base) -> VerifierPolicy:
    return base.policy or VerifierPolicy()


def _check_vp(vp: Any, base: A.Base, **options: Any) -> Any:
    options.setdefault("challenge", A.CHALLENGE)
    options.setdefault("domain", A.DOMAIN)
    options.setdefault("now", A.NOW)
    options.setdefault("policy", _vp_policy(base))
    checker = checker_for(base)
    if checker is not None:
        options.setdefault("credential_options", {"status": checker})
    return verify_presentation(vp, **options)


# --- (a) the credential alone ------------------------------------------------------------------


@pytest.mark.parametrize("case", ALONE_CASES, ids=_ids(ALONE_CASES))
def test_attacked_credential_alone(case: A.Case) -> None:
    doc = attacked(case)
    assert_signed_form_kept(case, doc)
    base = case.base_doc()
    result = verify(doc, now=A.NOW, status=checker_for(base), policy=base.policy)
    assert_outcome(case, result.verified, result.codes)


# --- (b) the attacked credential in an honest presentation --------------------------------------


def _presentation_of(case: A.Case) -> dict[str, Any]:
    """The holder presents the attacked credential. Safe mode refuses to sign a presentation
    of a credential it refuses, so then the honest presentation gets the attacked credential
    swapped in (the verifier must refuse that credential before any signature matters)."""
    doc = attacked(case)
    if case.outcome == A.REFUSE:
        vp = A.present_credential(case.base_doc().doc)
        vp["verifiableCredential"] = [doc]
        return vp
    return A.present_credential(doc)


@pytest.mark.parametrize("case", CREDENTIAL_CASES, ids=_ids(CREDENTIAL_CASES))
def test_attacked_credential_in_a_presentation(case: A.Case) -> None:
    assert_signed_form_kept(case, attacked(case))
    base = case.base_doc()
    result = _check_vp(_presentation_of(case), base)
    assert not result.verified, f"{case.id}: the presentation verified"
    [report] = result.credentials
    if case.member == "type":  # required types are a presentation-level check
        assert_outcome(case, result.verified, result.codes)
    else:
        assert_outcome(case, report.verified, report.codes)


# --- (c) the presentation itself re-spelled -----------------------------------------------------


@pytest.mark.parametrize("case", PRESENTATION_CASES, ids=_ids(PRESENTATION_CASES))
def test_attacked_presentation(case: A.Case) -> None:
    vp = attacked(case)
    assert_signed_form_kept(case, vp)
    result = _check_vp(vp, case.base_doc())
    assert_outcome(case, result.verified, result.codes)


# --- sanity: the bases have exactly one problem, and verify without it -------------------------


def _lifted_verify(base: A.Base) -> Any:
    options: dict[str, Any] = {"now": A.NOW, "policy": base.policy, "status": checker_for(base)}
    for key, value in base.lifted.items():
        if key == "status":
            options["status"] = A.status_checker(revoked=False)
        elif key != "holder":
            options[key] = value
    return verify(copy.deepcopy(base.doc), **options)


CREDENTIAL_BASES = sorted(A.bases())


@pytest.mark.parametrize("name", CREDENTIAL_BASES)
def test_base_credential_has_exactly_its_problem(name: str) -> None:
    base = A.bases()[name]
    result = verify(copy.deepcopy(base.doc), now=A.NOW, status=checker_for(base),
                    policy=base.policy)  # fmt: skip
    if name == "someone_else":  # a credential alone is not bound to anyone
        assert result.verified, result.codes
    else:
        assert sorted(result.codes) == base.codes
    assert all(p.signature_valid for p in result.proofs)


@pytest.mark.parametrize("name", [n for n in CREDENTIAL_BASES if A.bases()[n].lifted])
def test_base_credential_verifies_without_its_problem(name: str) -> None:
    result = _lifted_verify(A.bases()[name])
    assert result.verified, result.codes


@pytest.mark.parametrize("name", CREDENTIAL_BASES)
def test_base_credential_in_a_presentation(name: str) -> None:
    """Presented honestly, each base fails with its one problem, and verifies without it."""
    base = A.bases()[name]
    result = _check_vp(A.present_credential(base.doc), base)
    assert sorted(result.codes) == base.codes
    if not base.lifted:
        return  # (no_issuer_id: the missing issuer id is the document itself)
    lifted: dict[str, Any] = {}
    holder = A.HOLDER
    for key, value in base.lifted.items():
        if key == "status":
            lifted["credential_options"] = {"status": A.status_checker(revoked=False)}
        elif key == "holder":
            holder = A.VICTIM
        elif key == "expected_proof_purpose":
            return  # credentials in a presentation are always checked for assertionMethod
        else:
            lifted[key] = value
    ok = _check_vp(A.present_credential(base.doc, holder=holder), base, **lifted)
    assert ok.verified, ok.codes


@pytest.mark.parametrize("name", sorted(A.vp_bases()))
def test_base_presentation_has_exactly_its_problem(name: str) -> None:
    base = A.vp_bases()[name]
    result = _check_vp(copy.deepcopy(base.doc), base)
    assert sorted(result.codes) == base.codes
    assert all(p.signature_valid for p in result.proofs)
    if "vp" in base.lifted:
        ok = _check_vp(base.lifted["vp"], base)
    elif base.lifted:
        ok = _check_vp(copy.deepcopy(base.doc), base, **base.lifted)
    else:
        return  # a presentation proof is always checked for the authentication purpose
    assert ok.verified, ok.codes


def test_the_corpus_covers_every_member_and_class() -> None:
    """Every checked member is attacked, and every attack class is used somewhere."""
    members = {c.member for c in CASES}
    assert members >= {
        "validUntil", "validFrom", "expirationDate", "issuanceDate", "credentialStatus",
        "issuer", "type", "credentialSubject.id", "holder", "proof.expires", "proof.challenge",
        "proof.domain", "proof.proofPurpose",
    }  # fmt: skip
    assert {c.cls for c in CASES} == set(A.CLASSES)
    assert len({c.id for c in CASES}) == len(CASES)
