"""One verdict for SD-JWT waardepapieren (issue 20 item 1, the SD-JWT forms).

An IETF SD-JWT VC (``dc+sd-jwt``) has no JSON-LD view, yet a waardepapier (by its ``vct``) is
held to the mbo rules that can be read from its verified, disclosed claims: the crebo, niveau
and keuzedeelCode shapes and the members a kind requires (the same rule table as the JSON-LD
road); a diploma or certificaat carries one issuer signature, so its two signers are the warning
``mbo_rules_not_checked``, as for a ``vc+jwt``. The same holds on ``mbo_vc.verify``, the command
line, the report and the OID4VP verifier; ``mbo_rules=False`` leaves only the opt-out's warning.
A ``vc+sd-jwt`` (W3C form) gets the rules through its JSON-LD view.

And one verdict for type metadata: ``mbo_vc.verify`` pins the shipped type metadata of the four
waardepapieren (so ``vct#integrity`` is checked), as the command line and ``verify_many`` do.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import mbo_vc
from mbo_vc.cli import main
from mbo_vc.demo.mbo import example_waardepapieren
from mbo_vc.keys import EcKey
from mbo_vc.mbo.sd_jwt_vc import VCT, claims_of, frame_of, issue_sd_jwt, vct_integrity
from mbo_vc.mbo.vc_sd_jwt import issue_vc_sd_jwt
from mbo_vc.report import build_report
from mbo_vc.sd_jwt import present
from mbo_vc.sd_jwt_vc import SdJwtVcOptions, integrity, issue_sd_jwt_vc

SCHOOL = EcKey.from_secret_bytes("P-256", bytes.fromhex("a1" * 32))
WALLET = EcKey.from_secret_bytes("P-256", bytes.fromhex("a2" * 32))
PAPERS = example_waardepapieren(SCHOOL.did)
NOW = datetime.now(UTC) + timedelta(hours=1)
NOW_TEXT = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
SIGNERS_NOT_CHECKED = "mbo_rules_not_checked"


def _crafted(kind: str, change: Any = None, *, frame_extra: tuple[str, ...] = (),
             integrity_of: bytes | None = None) -> str:  # fmt: skip
    """A ``dc+sd-jwt`` waardepapier issued as :func:`issue_sd_jwt` does, with ``change`` applied
    to its claims first (what an issuer that skips the model's checks could sign)."""
    paper = PAPERS[kind]
    claims = claims_of(paper)
    body = {"instelling": paper.instelling.model_dump(mode="json", exclude_none=True), **claims}
    body.pop("sub", None)
    if change is not None:
        change(body)
    frame = frame_of(kind, body)
    for path in frame_extra:  # made selectively disclosable besides the profile's claims
        *parents, name = path.split(".")
        node = frame
        for parent in parents:
            node = node.setdefault(parent, {"_sd": []})
        node["_sd"].append(name)
    committed = integrity(integrity_of) if integrity_of is not None else vct_integrity(kind)
    return issue_sd_jwt_vc(
        body, frame, SCHOOL, vct=VCT[kind], issuer=SCHOOL.did, holder=WALLET.public_only(),
        iat=paper.uitreikdatum, vct_integrity=committed,
    ).serialize()  # fmt: skip


def _bad_crebo(body: dict[str, Any]) -> None:
    body["opleiding"]["crebo"] = "2549"


GOOD = _crafted("mbo-diploma")
BAD_CREBO = _crafted("mbo-diploma", _bad_crebo)


def _codes(result: Any) -> tuple[list[str], list[str]]:
    return [p.code for p in result.problems], [w.code for w in result.warnings]


def _cli(token: str, tmp: Path, capsys: pytest.CaptureFixture[str], *flags: str) -> Any:
    path = tmp / "credential.sd-jwt"
    path.write_text(token, encoding="ascii")
    capsys.readouterr()
    code = main(["verify", str(path), "--json", "--now", NOW_TEXT, *flags])
    out = json.loads(capsys.readouterr().out)
    assert code == (0 if out["verified"] else 1)
    return out


def _cli_codes(out: Any) -> tuple[list[str], list[str]]:
    return [p["code"] for p in out["problems"]], [w["code"] for w in out["warnings"]]


# --- item 1: the mbo rules on an SD-JWT VC ---------------------------------------------------


def test_a_bad_crebo_is_refused_by_verify() -> None:
    result = mbo_vc.verify(BAD_CREBO, now=NOW)
    assert not result.verified
    assert _codes(result) == (["invalid_field"], [SIGNERS_NOT_CHECKED])
    assert result.problems[0].where == "opleiding.crebo"
    assert "5 digits" in result.problems[0].message
    assert "mbo_rules" in result.checks


def test_a_good_diploma_verifies_with_the_signer_warning() -> None:
    result = mbo_vc.verify(GOOD, now=NOW)
    assert result.verified, result.problems
    assert _codes(result) == ([], [SIGNERS_NOT_CHECKED])
    (warning,) = result.warnings
    assert "one signature" in warning.message and "examencommissie" in warning.message
    assert "mbo_rules" in result.checks
    # the issuing helper's own output is the same
    issued = issue_sd_jwt(PAPERS["mbo-diploma"], SCHOOL, holder=WALLET.public_only())
    assert _codes(mbo_vc.verify(issued.serialize(), now=NOW)) == ([], [SIGNERS_NOT_CHECKED])


def test_the_opt_out_leaves_only_its_warning() -> None:
    for token in (GOOD, BAD_CREBO):
        result = mbo_vc.verify(token, now=NOW, mbo_rules=False)
        assert result.verified, result.problems
        assert _codes(result) == ([], [SIGNERS_NOT_CHECKED])
        (warning,) = result.warnings
        assert "switched off" in warning.message
        assert "mbo_rules" not in result.checks


@pytest.mark.parametrize("kind", list(VCT))
def test_each_kind_issued_by_mbo_vc_verifies(kind: str) -> None:
    result = mbo_vc.verify(issue_sd_jwt(PAPERS[kind], SCHOOL, holder=None).serialize(), now=NOW)
    assert result.verified, result.problems
    two_signers = kind in ("mbo-diploma", "mbo-certificaat")
    assert _codes(result) == ([], [SIGNERS_NOT_CHECKED] if two_signers else [])
    assert "mbo_rules" in result.checks


def test_the_shapes_and_the_required_members_of_each_kind() -> None:
    def no_niveau(body: dict[str, Any]) -> None:
        del body["opleiding"]["niveau"]

    def niveau_5(body: dict[str, Any]) -> None:
        body["opleiding"]["niveau"] = 5

    def bad_keuzedeel(body: dict[str, Any]) -> None:
        body["keuzedeel_code"] = "K12"

    def bad_kwalificatie(body: dict[str, Any]) -> None:
        body["kwalificatie_crebo"] = "abcde"

    def verklaring_crebo(body: dict[str, Any]) -> None:
        body["opleiding"]["crebo"] = "123456"

    cases = [
        ("mbo-diploma", no_niveau, "opleiding.niveau", "needs a niveau"),
        ("mbo-diploma", niveau_5, "opleiding.niveau", "1, 2, 3 or 4"),
        ("mbo-certificaat", bad_keuzedeel, "keuzedeel_code", "K and 4 digits"),
        ("mbo-certificaat", bad_kwalificatie, "kwalificatie_crebo", "5 digits"),
        ("mbo-verklaring", verklaring_crebo, "opleiding.crebo", "5 digits"),
    ]
    for kind, change, where, words in cases:
        result = mbo_vc.verify(_crafted(kind, change), now=NOW)
        assert [p.code for p in result.problems] == ["invalid_field"], (kind, where)
        assert result.problems[0].where == where and words in result.problems[0].message


def test_an_undisclosed_claim_is_not_a_violation() -> None:
    """The holder withholds what is selectively disclosable: only what is disclosed is judged.
    A crebo an issuer made disclosable is judged when it is shown, not when it is withheld."""
    shown = present(
        GOOD,
        [],
        holder_key=WALLET,
        aud="https://werkgever.example",
        nonce="n1",
        iat=int(NOW.timestamp()),
    )
    result = mbo_vc.verify(shown.serialize(), now=NOW, aud="https://werkgever.example",
                           nonce="n1")  # fmt: skip
    assert result.verified, result.problems
    assert _codes(result) == ([], [SIGNERS_NOT_CHECKED])
    hidden = _crafted("mbo-certificaat", bad_keuzedeel_code, frame_extra=("keuzedeel_code",))
    withheld = present(hidden, []).serialize()
    assert mbo_vc.verify(withheld, now=NOW).verified
    disclosed = present(hidden, ["keuzedeel_code"]).serialize()
    assert [p.code for p in mbo_vc.verify(disclosed, now=NOW).problems] == ["invalid_field"]


def bad_keuzedeel_code(body: dict[str, Any]) -> None:
    body["keuzedeel_code"] = "X0001"


def test_the_command_line_gives_the_same_verdict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _cli(BAD_CREBO, tmp_path, capsys)
    assert not bad["verified"] and _cli_codes(bad) == (["invalid_field"], [SIGNERS_NOT_CHECKED])
    good = _cli(GOOD, tmp_path, capsys)
    assert good["verified"] and _cli_codes(good) == ([], [SIGNERS_NOT_CHECKED])
    off = _cli(BAD_CREBO, tmp_path, capsys, "--no-mbo-rules")
    assert off["verified"] and _cli_codes(off) == ([], [SIGNERS_NOT_CHECKED])


def test_the_report_gives_the_same_verdict() -> None:
    bad = build_report(mbo_vc.verify(BAD_CREBO, now=NOW))
    assert not bad.verified and [p.code for p in bad.problems] == ["invalid_field"]
    assert bad.verdict.nl.startswith("NIET GELDIG")
    good = build_report(mbo_vc.verify(GOOD, now=NOW))
    assert good.verified and [w.code for w in good.warnings] == [SIGNERS_NOT_CHECKED]
    # the bare pipeline knows no mbo rules: the report applies them (to a copy)
    from mbo_vc.verification import verify as pipeline

    raw = pipeline(BAD_CREBO, now=NOW)
    assert raw.verified
    report = build_report(raw)
    assert not report.verified and [p.code for p in report.problems] == ["invalid_field"]
    assert raw.verified  # the caller's result is left as it was
    off = build_report(mbo_vc.verify(BAD_CREBO, now=NOW, mbo_rules=False))
    assert off.verified and [w.code for w in off.warnings] == [SIGNERS_NOT_CHECKED]


def test_the_oid4vp_verifier_gives_the_same_verdict() -> None:
    from mbo_vc.oid4vc import (
        authorization_request,
        mbo_vc_sd_jwt_verifier,
        validate_authorization_response,
        waardepapier_query,
    )

    request = authorization_request(
        client_id="x509_san_dns:werkgever.example",
        dcql_query=waardepapier_query("mbo-diploma", [["opleiding"]], credential_id="diploma"),
        response_uri="https://werkgever.example/oid4vp/response",
    )  # fmt: skip

    def respond(token: str, **options: Any) -> Any:
        shown = present(token, [], holder_key=WALLET, aud=request["client_id"],
                        nonce=request["nonce"], iat=int(NOW.timestamp()))  # fmt: skip
        return validate_authorization_response(
            {"vp_token": {"diploma": [shown.serialize()]}, "state": request["state"]}, request,
            {"dc+sd-jwt": mbo_vc_sd_jwt_verifier(**options)}, now=NOW,
        )  # fmt: skip

    bad = respond(BAD_CREBO)
    assert not bad.verified and bad.codes == ["presentation_invalid", "invalid_field"]
    good = respond(GOOD)
    assert good.verified, good.problems
    (check,) = good.presentations["diploma"]
    assert [w.code for w in check.detail.warnings] == [SIGNERS_NOT_CHECKED]
    off = respond(BAD_CREBO, mbo_rules=False)
    assert off.verified, off.problems
    (check,) = off.presentations["diploma"]
    assert [w.code for w in check.detail.warnings] == [SIGNERS_NOT_CHECKED]


def test_a_vc_sd_jwt_waardepapier_gets_the_rules_through_its_view() -> None:
    """The W3C form (``vc+sd-jwt``) has a JSON-LD view: the rules read it as for a vc+jwt."""
    good = mbo_vc.verify(issue_vc_sd_jwt(PAPERS["mbo-diploma"], SCHOOL, holder=None).serialize(),
                         now=NOW)  # fmt: skip
    assert good.format == "vc+sd-jwt" and good.verified, good.problems
    assert _codes(good) == ([], [SIGNERS_NOT_CHECKED]) and "mbo_rules" in good.checks
    doc = PAPERS["mbo-diploma"].to_json()
    doc["credentialSubject"]["achievement"]["crebo"] = "2549"
    from mbo_vc.jose import secure_sd_jwt

    bad = mbo_vc.verify(secure_sd_jwt(doc, SCHOOL).serialize(), now=NOW)
    # (the mbo schema the credential names refuses the crebo too: the pipeline's own check)
    assert bad.format == "vc+sd-jwt" and sorted(set(bad.codes)) == [
        "invalid_field",
        "schema_invalid",
    ]
    off = mbo_vc.verify(issue_vc_sd_jwt(PAPERS["mbo-diploma"], SCHOOL, holder=None).serialize(),
                        now=NOW, mbo_rules=False)  # fmt: skip
    assert off.verified and [w.code for w in off.warnings] == [SIGNERS_NOT_CHECKED]
    assert "switched off" in off.warnings[0].message and "mbo_rules" not in off.checks


# --- item 2: one verdict for type metadata ---------------------------------------------------


def _three_roads(token: str, tmp: Path, capsys: pytest.CaptureFixture[str]) -> list[Any]:
    one = mbo_vc.verify(token, now=NOW)
    (many,) = mbo_vc.verify_many([token], now=NOW)
    cli = _cli(token, tmp, capsys)
    return [(one.verified, *_codes(one)), (many.verified, *_codes(many)),
            (cli["verified"], *_cli_codes(cli))]  # fmt: skip


def test_verify_verify_many_and_the_command_line_pin_the_shipped_type_metadata(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roads = _three_roads(GOOD, tmp_path, capsys)
    assert roads == [(True, [], [SIGNERS_NOT_CHECKED])] * 3
    assert "credential_schema" in mbo_vc.verify(GOOD, now=NOW).checks
    # a vct#integrity that is not the shipped document's: refused the same way everywhere
    other = _crafted("mbo-diploma", integrity_of=b'{"vct": "something else"}\n')
    roads = _three_roads(other, tmp_path, capsys)
    assert roads == [(False, ["type_metadata_integrity_mismatch"], [SIGNERS_NOT_CHECKED])] * 3


def test_the_callers_type_metadata_for_a_vct_wins() -> None:
    from mbo_vc.mbo.sd_jwt_vc import published_type_metadata

    vct = VCT["mbo-diploma"]
    mine = published_type_metadata("mbo-diploma") + b"\n"  # another document (one byte more)
    token = _crafted("mbo-diploma", integrity_of=mine)
    result = mbo_vc.verify(token, now=NOW, sd_jwt=SdJwtVcOptions(type_metadata={vct: mine}))
    assert result.verified and "credential_schema" in result.checks, result.problems
    # the shipped document is still pinned for the other types
    cert = issue_sd_jwt(PAPERS["mbo-certificaat"], SCHOOL, holder=None).serialize()
    assert mbo_vc.verify(cert, now=NOW, sd_jwt=SdJwtVcOptions(type_metadata={vct: mine})).verified
    assert mbo_vc.verify(GOOD, now=NOW, sd_jwt=SdJwtVcOptions(type_metadata={vct: mine})).codes \
        == ["type_metadata_integrity_mismatch"]  # fmt: skip
