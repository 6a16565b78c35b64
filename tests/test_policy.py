"""VerifierPolicy with mbo_vc.verify: trusted issuers, required types, clock, skew, suites."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mbo_vc import Ed25519Key, VerifierPolicy, sign, verify
from mbo_vc.errors import UsageError
from tests.fixtures import example_diploma

ISSUER = Ed25519Key.from_seed(b"\x07" * 32)


@pytest.fixture(scope="module")
def signed() -> dict[str, Any]:
    doc = example_diploma(ISSUER.did, valid_from="2026-07-01T00:00:00Z")
    doc["validUntil"] = "2031-07-01T00:00:00Z"
    return sign(doc, ISSUER, created="2026-07-01T00:00:00Z")


def test_no_policy_and_empty_policy_agree(signed: dict[str, Any]) -> None:
    assert verify(signed, now="2027-01-01T00:00:00Z").verified
    assert verify(signed, now="2027-01-01T00:00:00Z", policy=VerifierPolicy()).verified


def test_trusted_issuers(signed: dict[str, Any]) -> None:
    duo = VerifierPolicy(trusted_issuers={ISSUER.did}, now="2027-01-01T00:00:00Z")
    assert verify(signed, policy=duo).verified
    other = VerifierPolicy(trusted_issuers={"did:web:andere-school.example"})
    result = verify(signed, now="2027-01-01T00:00:00Z", policy=other)
    assert result.codes == ["untrusted_issuer"]
    assert result.problems[0].where == "issuer"


def test_required_types(signed: dict[str, Any]) -> None:
    ok = VerifierPolicy(required_types={"OpenBadgeCredential", "VerifiableCredential"})
    assert verify(signed, now="2027-01-01T00:00:00Z", policy=ok).verified
    wants = VerifierPolicy(required_types={"EndorsementCredential"})
    assert verify(signed, now="2027-01-01T00:00:00Z", policy=wants).codes == ["missing_type"]


def test_policy_clock_and_explicit_now(signed: dict[str, Any]) -> None:
    late = VerifierPolicy(now=datetime(2032, 1, 1, tzinfo=UTC))
    assert verify(signed, policy=late).codes == ["expired"]
    assert verify(signed, policy=late, now="2027-01-01T00:00:00Z").verified  # now= wins


def test_clock_skew_on_validity_period(signed: dict[str, Any]) -> None:
    early = "2026-06-30T23:58:00Z"  # two minutes before validFrom
    assert verify(signed, now=early).codes == ["not_yet_valid"]
    assert verify(
        signed, now=early, policy=VerifierPolicy(clock_skew=timedelta(minutes=5))
    ).verified
    assert verify(
        signed, now=early, policy=VerifierPolicy(clock_skew=timedelta(minutes=1))
    ).codes == ["not_yet_valid"]
    late = "2031-07-01T00:03:00Z"
    assert verify(signed, now=late).codes == ["expired"]
    assert verify(signed, now=late, policy=VerifierPolicy(clock_skew=timedelta(minutes=5))).verified


def test_accepted_cryptosuites(signed: dict[str, Any]) -> None:
    jcs_only = VerifierPolicy(accepted_cryptosuites={"eddsa-jcs-2022"})
    assert verify(signed, now="2027-01-01T00:00:00Z", policy=jcs_only).codes[0] == (
        "unsupported_cryptosuite"
    )
    explicit = verify(
        signed, now="2027-01-01T00:00:00Z", policy=jcs_only,
        accepted_cryptosuites={"eddsa-rdfc-2022"},
    )  # fmt: skip
    assert explicit.verified  # an explicit argument wins over the policy


@pytest.mark.parametrize(
    "kwargs",
    [
        {"jwt_algorithms": {"EdDSA", "none"}},
        {"trusted_issuers": "did:key:z6Mk"},
        {"clock_skew": timedelta(seconds=-1)},
        {"holder_binding": "sometimes"},
        {"now": "yesterday"},
    ],
)
def test_bad_policies_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(Exception) as err:
        VerifierPolicy(**kwargs)
    assert getattr(err.value, "code", None) in {"bad_usage", "invalid_date"}
    assert isinstance(err.value, UsageError) or err.value.code == "invalid_date"  # type: ignore[attr-defined]
