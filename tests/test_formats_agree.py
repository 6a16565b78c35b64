"""The disclosed claims, the verified view and the report agree, for every format mbo_vc issues.

Each of the four waardepapieren is issued as Data Integrity (JSON-LD, both signers where the
waardepapier has two), ``vc+jwt``, ``dc+sd-jwt`` and ``vc+sd-jwt`` (SD-JWT forms presented with
every disclosure and a KB-JWT), verified, and reported; the name, the qualification (name, crebo,
niveau, or the microcredential's title), the date of issue and the issuer must be the model's own
values in each of the three readings.
"""

from __future__ import annotations

from typing import Any

import pytest

from mbo_vc import EcKey, verify
from mbo_vc.demo.mbo import example_waardepapieren
from mbo_vc.jose import secure_jwt
from mbo_vc.mbo import MboCertificaat, Microcredential, waardepapier_from_credential
from mbo_vc.mbo.rules import TWO_SIGNERS
from mbo_vc.mbo.sd_jwt_vc import issue_sd_jwt, waardepapier_from_claims
from mbo_vc.mbo.signers import issue
from mbo_vc.mbo.vc_sd_jwt import issue_vc_sd_jwt
from mbo_vc.report import build_report
from mbo_vc.report.certified import certified_json
from mbo_vc.sd_jwt import parse, present, unpack

SCHOOL, EXAMENCOMMISSIE, WALLET = (EcKey.generate("P-256") for _ in range(3))
PAPERS = example_waardepapieren(SCHOOL.did)
AUD, NONCE = "https://werkgever.example", "n-formats-agree"
FORMATS = ["data-integrity", "vc+jwt", "dc+sd-jwt", "vc+sd-jwt"]


def _secured(kind: str, fmt: str) -> str | dict[str, Any]:
    paper = PAPERS[kind]
    if fmt == "data-integrity":
        return issue(paper, SCHOOL, examencommissie=EXAMENCOMMISSIE if kind in TWO_SIGNERS
                     else None)  # fmt: skip
    if fmt == "vc+jwt":
        return secure_jwt(paper.to_json(), SCHOOL)
    issued = (issue_sd_jwt(paper, SCHOOL, holder=WALLET.public_only()) if fmt == "dc+sd-jwt"
              else issue_vc_sd_jwt(paper, SCHOOL, holder=WALLET.public_only()))  # fmt: skip
    everything = [""]  # the empty path is on the way to every disclosure: all are kept
    shown = present(issued, everything, holder_key=WALLET, aud=AUD, nonce=NONCE)
    assert shown.disclosures == issued.disclosures
    return shown.serialize()


def _expected(kind: str) -> dict[str, Any]:
    """The model's own values (what every reading must show)."""
    p = PAPERS[kind]
    out: dict[str, Any] = {"naam": p.student.naam, "uitreikdatum": p.uitreikdatum.date(),
                           "issuer": SCHOOL.did}  # fmt: skip
    if isinstance(p, Microcredential):
        out["opleiding"] = p.titel
    elif isinstance(p, MboCertificaat):
        out |= {"opleiding": p.onderdeel_naam, "crebo": p.crebo, "niveau": p.niveau}
    else:
        out |= {"opleiding": p.opleiding.naam, "crebo": p.opleiding.crebo,
                "niveau": p.opleiding.niveau}  # fmt: skip
    return out


def _reading(paper: Any, issuer: str | None) -> dict[str, Any]:
    """The same values, read from a waardepapier model (rebuilt from a view or claims)."""
    out: dict[str, Any] = {"naam": paper.student.naam, "uitreikdatum": paper.uitreikdatum.date(),
                           "issuer": issuer}  # fmt: skip
    if isinstance(paper, Microcredential):
        out["opleiding"] = paper.titel
    elif isinstance(paper, MboCertificaat):
        out |= {"opleiding": paper.onderdeel_naam, "crebo": paper.crebo, "niveau": paper.niveau}
    else:
        out |= {"opleiding": paper.opleiding.naam, "crebo": paper.opleiding.crebo,
                "niveau": paper.opleiding.niveau}  # fmt: skip
    return out


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", list(PAPERS))
def test_disclosed_claims_view_and_report_agree(kind: str, fmt: str) -> None:
    secured = _secured(kind, fmt)
    result = verify(secured, aud=AUD, nonce=NONCE) if isinstance(secured, str) else verify(secured)
    assert result.verified, (kind, fmt, result.codes)
    assert result.format == fmt
    expected = _expected(kind)

    # 1. the disclosed claims: the SD-JWT's own processing of what was presented
    if isinstance(secured, str) and fmt.endswith("sd-jwt"):
        from mbo_vc.jws import decode_jwt

        token = parse(secured)
        claims = unpack(decode_jwt(token.jwt)[1], token.disclosures).claims
        assert result.document == claims
        assert len(result.disclosed) == len(token.disclosures)
        disclosed = (waardepapier_from_claims(claims) if fmt == "dc+sd-jwt"
                     else waardepapier_from_credential(claims))  # fmt: skip
        issuer = claims["iss"] if fmt == "dc+sd-jwt" else claims["issuer"]["id"]
        assert _reading(disclosed, issuer) == expected

    # 2. the verified view (the signed RDF; an SD-JWT VC has claims, not JSON-LD)
    if fmt == "dc+sd-jwt":
        assert result.view is None
    else:
        assert result.view is not None
        viewed = waardepapier_from_credential(certified_json(result.view))
        assert _reading(viewed, result.view.issuer) == expected

    # 3. the report
    report = build_report(result)
    assert report.verified and report.kind == kind and report.format == fmt
    facts = {f.key: f.value for f in [*report.subject, *report.certifies, *report.dates]}
    key = "titel" if kind == "microcredential" else "onderdeel" if kind == "mbo-certificaat" \
        else "opleiding"  # fmt: skip
    assert facts["naam"] == expected["naam"]
    assert facts[key] == expected["opleiding"]
    assert facts["uitreikdatum"] == expected["uitreikdatum"].isoformat()
    if expected.get("crebo"):
        assert facts["crebo"] == expected["crebo"]
    if expected.get("niveau"):
        assert facts["niveau"].endswith(str(expected["niveau"]))
    assert report.issuer is not None and report.issuer.id == SCHOOL.did
