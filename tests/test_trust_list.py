"""Trust lists (issue 15 item 4): a signed list of schools, verified with the pinned anchor on
the one road; an issuer not on it, a kind it may not issue, or a list that does not verify each
fail with their own code, from the library and from the command line."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mbo_vc import Ed25519Key
from mbo_vc.cli import main
from mbo_vc.errors import TrustListError
from mbo_vc.mbo import TrustedIssuer, TrustList, build_trust_list, issue, read_trust_csv
from mbo_vc.result import VerificationResult
from mbo_vc.signing import sign
from mbo_vc.verification import TrustOutcome, VerifierPolicy, verify, verify_presentation
from tests.fixtures import example_waardepapieren

NOW = "2026-11-01T00:00:00Z"
ANCHOR = Ed25519Key.generate()
SCHOOL = Ed25519Key.generate()
OTHER = Ed25519Key.generate()
OIN = "00000001234567890000"


def _list(entries: list[TrustedIssuer] | None = None, key: Ed25519Key = ANCHOR, **kw: Any) -> Any:
    entries = entries or [
        TrustedIssuer(SCHOOL.did, "ROC Voorbeeld", "99XX", OIN, ("mbo-diploma", "mbo-verklaring"))
    ]
    kw.setdefault("valid_from", "2026-01-01T00:00:00Z")
    kw.setdefault("valid_until", "2027-01-01T00:00:00Z")
    return build_trust_list(entries, key, **kw)


@pytest.fixture(scope="module")
def trust() -> dict[str, Any]:
    return _list()


@pytest.fixture(scope="module")
def papers() -> dict[str, dict[str, Any]]:
    mine = example_waardepapieren(SCHOOL.did)
    theirs = example_waardepapieren(OTHER.did)
    return {
        "diploma": issue(mine["mbo-diploma"], SCHOOL),
        "micro": issue(mine["microcredential"], SCHOOL),
        "other": issue(theirs["mbo-diploma"], OTHER),
    }


def _verify(doc: Any, trust_doc: Any, anchor: str = ANCHOR.did, **kw: Any) -> VerificationResult:
    policy = VerifierPolicy(trust_list=TrustList(trust_doc, anchor))
    return verify(doc, now=kw.pop("now", NOW), policy=policy, **kw)


def test_a_listed_school_verifies_and_is_named(papers: dict[str, Any], trust: Any) -> None:
    result = _verify(papers["diploma"], trust)
    assert result.verified, result.problems
    assert "trust_list" in result.checks
    assert result.trusted_issuer == TrustedIssuer(
        SCHOOL.did, "ROC Voorbeeld", "99XX", OIN, ("mbo-diploma", "mbo-verklaring")
    )
    assert result.to_json()["trustedIssuer"]["brin"] == "99XX"
    assert verify(papers["diploma"], now=NOW).trusted_issuer is None  # no trust list, no name


def test_a_school_not_on_the_list(papers: dict[str, Any], trust: Any) -> None:
    result = _verify(papers["other"], trust)
    assert result.codes == ["issuer_not_on_trust_list"]
    assert result.trusted_issuer is None


def test_a_kind_the_school_may_not_issue(papers: dict[str, Any], trust: Any) -> None:
    result = _verify(papers["micro"], trust)
    assert result.codes == ["type_not_allowed_for_issuer"]
    assert "microcredential" in result.problems[0].message


def test_a_list_by_another_anchor_trusts_nobody(papers: dict[str, Any]) -> None:
    forged = _list(key=OTHER)
    result = _verify(papers["diploma"], forged)
    assert result.codes == ["trust_list_invalid"]
    assert "untrusted_issuer" in result.problems[0].message


def test_an_expired_or_future_list_trusts_nobody(papers: dict[str, Any], trust: Any) -> None:
    assert (
        "expired"
        in _verify(papers["diploma"], trust, now="2027-06-01T00:00:00Z").problems[0].message
    )
    late = _verify(papers["diploma"], trust, now="2025-06-01T00:00:00Z")
    assert "trust_list_invalid" in late.codes


def test_a_tampered_list_trusts_nobody(papers: dict[str, Any], trust: Any) -> None:
    tampered = json.loads(json.dumps(trust))
    tampered["credentialSubject"]["trustedIssuer"][0]["id"] = OTHER.did
    result = _verify(papers["other"], tampered)
    assert result.codes == ["trust_list_invalid"]
    assert "invalid_signature" in result.problems[0].message


def test_a_credential_of_the_anchor_that_is_no_trust_list(papers: dict[str, Any]) -> None:
    diploma_by_anchor = issue(example_waardepapieren(ANCHOR.did)["mbo-diploma"], ANCHOR)
    result = _verify(papers["diploma"], diploma_by_anchor)
    assert result.codes == ["trust_list_invalid"]
    assert "missing_type" in result.problems[0].message


def test_a_list_with_status_fails_closed_without_a_status_source(papers: dict[str, Any]) -> None:
    doc = _list()
    doc.pop("proof")
    doc["credentialStatus"] = {
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "7",
        "statusListCredential": "https://duo.example/status/1",
    }
    with_status = sign(doc, ANCHOR)
    result = _verify(papers["diploma"], with_status)
    assert result.codes == ["trust_list_invalid"]
    assert "status_unavailable" in result.problems[0].message
    # switching status off is explicit, and shows as a warning on the credential
    relaxed = _verify(papers["diploma"], with_status, check_status=False)
    assert relaxed.verified
    assert "status_not_checked" in [w.code for w in relaxed.warnings]


@pytest.mark.parametrize(
    "garbage", [b"not json", b"[]", b'{"@context": 5}', "\x00", {"type": "x"}, b"{" * 5000]
)
def test_hostile_list_input_fails_closed(papers: dict[str, Any], garbage: Any) -> None:
    result = _verify(papers["diploma"], garbage)
    assert result.codes == ["trust_list_invalid"]


def test_a_checker_that_fails_fails_closed(papers: dict[str, Any]) -> None:
    class Broken:
        def check_issuer(self, view: Any, **kw: Any) -> TrustOutcome:
            raise ZeroDivisionError

    result = verify(papers["diploma"], now=NOW, policy=VerifierPolicy(trust_list=Broken()))
    assert result.codes == ["trust_list_invalid"]


def test_the_anchor_and_policy_are_checked() -> None:
    with pytest.raises(TrustListError):
        TrustList({}, "not a did")
    with pytest.raises(Exception, match="trust list"):
        VerifierPolicy(trust_list="trust.json")  # type: ignore[arg-type]


def test_each_credential_of_a_presentation_is_checked(papers: dict[str, Any], trust: Any) -> None:
    holder = Ed25519Key.generate()
    from mbo_vc.presentation import present

    vp = present([papers["diploma"], papers["other"]], holder, challenge="c")
    policy = VerifierPolicy(trust_list=TrustList(trust, ANCHOR.did), holder_binding="none")
    result = verify_presentation(vp, challenge="c", now=NOW, policy=policy)
    assert [r.verified for r in result.credentials] == [True, False]
    assert result.credentials[1].codes == ["issuer_not_on_trust_list"]
    assert result.credentials[0].result.trusted_issuer is not None


def test_the_list_is_verified_once_per_minute_not_per_credential(
    papers: dict[str, Any], trust: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mbo_vc.mbo.trust_list as module

    calls = []
    real = module.verify
    monkeypatch.setattr(module, "verify", lambda *a, **k: calls.append(1) or real(*a, **k))
    policy = VerifierPolicy(trust_list=TrustList(trust, ANCHOR.did))
    when = datetime(2026, 11, 1, tzinfo=UTC)
    for _ in range(3):
        assert verify(papers["diploma"], now=when, policy=policy).verified
    assert len(calls) == 1


@pytest.mark.parametrize("edge", ["validUntil", "validFrom"])
def test_a_cached_verdict_does_not_outlive_the_list(
    papers: dict[str, Any], trust: Any, edge: str
) -> None:
    """The list's verdict is reused for clocks a minute apart, but never across its own dates:
    at a ``now`` after ``validUntil`` (or before ``validFrom``) it trusts nobody, even when a
    verification seconds earlier found it valid (issue 20, item 13)."""
    if edge == "validUntil":  # the list ends 2027-01-01
        inside, outside, code = datetime(2026, 12, 31, 23, 59, 50, tzinfo=UTC), \
            datetime(2027, 1, 1, 0, 0, 10, tzinfo=UTC), "expired"  # fmt: skip
    else:  # a list that starts 2026-09-01 (the diploma is valid from 2026-07-01)
        trust = _list(valid_from="2026-09-01T00:00:00Z")
        inside, outside, code = datetime(2026, 9, 1, 0, 0, 10, tzinfo=UTC), \
            datetime(2026, 8, 31, 23, 59, 50, tzinfo=UTC), "not_yet_valid"  # fmt: skip
    policy = VerifierPolicy(trust_list=TrustList(trust, ANCHOR.did))
    assert verify(papers["diploma"], now=inside, policy=policy).verified
    late = verify(papers["diploma"], now=outside, policy=policy)
    assert late.codes == ["trust_list_invalid"] and code in late.problems[0].message
    assert late.trusted_issuer is None
    # and back inside the window, on the same TrustList, it trusts again
    assert verify(papers["diploma"], now=inside, policy=policy).verified


def test_a_cached_verdict_does_not_outlive_the_lists_proof(papers: dict[str, Any]) -> None:
    from mbo_vc.signing import sign as sign_doc

    doc = _list()
    doc.pop("proof")
    expiring = sign_doc(doc, ANCHOR, expires="2026-11-01T00:00:30Z")
    policy = VerifierPolicy(trust_list=TrustList(expiring, ANCHOR.did))
    assert verify(papers["diploma"], now=datetime(2026, 11, 1, tzinfo=UTC), policy=policy).verified
    late = verify(papers["diploma"], now=datetime(2026, 11, 1, 0, 0, 40, tzinfo=UTC),
                  policy=policy)  # fmt: skip
    assert late.codes == ["trust_list_invalid"] and "proof_expired" in late.problems[0].message


def _with_school(**change: Any) -> Any:
    paper = example_waardepapieren(SCHOOL.did)["mbo-diploma"]
    for name, value in change.items():
        setattr(paper.instelling, name, value)
    return paper


@pytest.mark.parametrize(
    ("listed", "claimed", "label"),
    [
        (("11AA", None), {}, "BRIN"),  # the profile claims 99XX
        (("99XX", OIN), {"oin": "9" * 20}, "OIN"),
    ],
    ids=["brin", "oin"],
)
def test_an_entry_whose_brin_or_oin_differs_from_the_signed_profile(
    listed: tuple[str, str | None], claimed: dict[str, str], label: str
) -> None:
    """The signed issuer profile names one school, the trust list another: refused with its
    own code, not shown as two codes that both look fine (issue 20, item 13)."""
    brin, oin = listed
    trust = _list([TrustedIssuer(SCHOOL.did, "ROC Voorbeeld", brin, oin, ("mbo-diploma",))])
    diploma = issue(_with_school(**claimed), SCHOOL)
    result = _verify(diploma, trust)
    assert result.codes == ["issuer_identifier_mismatch"]
    message = result.problems[0].message
    assert label in message and (oin if label == "OIN" else brin) in message
    assert result.to_json()["checks"] and not result.verified

    from mbo_vc.report import build_report

    line = build_report(result).issuer
    assert line is not None
    assert "as the trust list names the issuer" not in line.text.en
    assert "has not been confirmed" in line.text.en and "niet bevestigd" in line.text.nl
    assert "≠" in line.text.en  # both codes, shown as differing


def test_a_list_entry_without_brin_or_oin_does_not_contradict_the_profile() -> None:
    trust = _list([TrustedIssuer(SCHOOL.did, "ROC Voorbeeld", None, None, ("mbo-diploma",))])
    diploma = issue(_with_school(oin="9" * 20), SCHOOL)
    assert "issuer_identifier_mismatch" not in _verify(diploma, trust).codes


def test_the_claimed_brin_is_read_from_what_was_signed_whatever_its_spelling() -> None:
    """A context that re-spells ``otherIdentifier`` and ``identifierType`` hides the claim from a
    reader of the JSON member names, not from the verified view."""
    trust = _list([TrustedIssuer(SCHOOL.did, "ROC Voorbeeld", "11AA", None, ("mbo-diploma",))])
    doc = _with_school().to_json()
    ob = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
    doc["@context"] = [*doc["@context"], {"kenmerken": {"@id": ob + "otherIdentifier"},
                                          "soort": {"@id": ob + "identifierType"},
                                          "code": {"@id": ob + "identifier"}}]  # fmt: skip
    entries = doc["issuer"].pop("otherIdentifier")
    doc["issuer"]["kenmerken"] = [
        {"type": e["type"], "code": e["identifier"], "soort": e["identifierType"]} for e in entries
    ]
    assert "otherIdentifier" not in doc["issuer"] and "99XX" in json.dumps(doc["issuer"])
    signed = sign(doc, SCHOOL)
    result = _verify(signed, trust)
    assert "issuer_identifier_mismatch" in result.codes, result.problems
    assert "99XX" in next(p.message for p in result.problems
                          if p.code == "issuer_identifier_mismatch")  # fmt: skip


def test_a_report_given_a_trust_entry_that_contradicts_the_profile(
    papers: dict[str, Any],
) -> None:
    """``build_report(trusted_issuer=…)`` from a caller's own list: the same refusal to show two
    BRINs as if both were the school's."""
    from mbo_vc.report import build_report

    result = verify(papers["diploma"], now=NOW)
    line = build_report(result, trusted_issuer={"name": "ROC Elders", "brin": "11AA"}).issuer
    assert line is not None and "BRIN 11AA ≠ 99XX" in line.text.en
    same = build_report(result, trusted_issuer={"name": "ROC Voorbeeld", "brin": "99XX"}).issuer
    assert same is not None and same.text.en.startswith("ROC Voorbeeld (BRIN 99XX), as the")


# --- the CSV ------------------------------------------------------------------------------------


def test_csv_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "scholen.csv"
    path.write_text(
        "did,name,brin,oin,types\n"
        f"{SCHOOL.did},ROC Voorbeeld,99XX,{OIN},mbo-diploma|mbo-certificaat\n"
        f"{OTHER.did},Vakschool,,,microcredential\n",
        encoding="utf-8",
    )
    entries = read_trust_csv(str(path))
    assert entries[1] == TrustedIssuer(OTHER.did, "Vakschool", None, None, ("microcredential",))
    assert entries[0].types == ("mbo-diploma", "mbo-certificaat")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("did,name\nx,y\n", "header"),
        (f"did,name,brin,oin,types\n{SCHOOL.did},ROC,9XX,,mbo-diploma\n", "brin"),
        (f"did,name,brin,oin,types\n{SCHOOL.did},ROC,,123,mbo-diploma\n", "oin"),
        (f"did,name,brin,oin,types\n{SCHOOL.did},ROC,,,hbo-diploma\n", "hbo-diploma"),
        (f"did,name,brin,oin,types\n{SCHOOL.did},ROC,,,\n", "types"),
        ("did,name,brin,oin,types\nhttps://roc.example,ROC,,,mbo-diploma\n", "DID"),
        (f"did,name,brin,oin,types\n{SCHOOL.did},,,,mbo-diploma\n", "name"),
        (f"did,name,brin,oin,types\n{SCHOOL.did},A,,,mbo-diploma\n{SCHOOL.did},B,,,mbo-diploma\n",
         "twice"),
        (f"did,name,brin,oin,types\n{SCHOOL.did},A,,,mbo-diploma,extra\n", "more values"),
    ],
)  # fmt: skip
def test_bad_csv_rows_are_refused_with_their_line(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(TrustListError, match=message):
        read_trust_csv(path)


# --- the command line ---------------------------------------------------------------------------


def _key(tmp: Path, name: str, key: Ed25519Key) -> str:
    path = tmp / f"{name}.secret.json"
    key.save(path, overwrite=True)
    return str(path)


def test_cli_build_and_verify_each_code(
    tmp_path: Path, papers: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    csv_file = tmp_path / "scholen.csv"
    csv_file.write_text(f"did,name,brin,oin,types\n{SCHOOL.did},ROC Voorbeeld,99XX,{OIN},"
                        "mbo-diploma\n", encoding="utf-8")  # fmt: skip
    out = tmp_path / "trust-list.json"
    anchor_key = _key(tmp_path, "duo", ANCHOR)
    build = ["trust-list", "build", "--csv", str(csv_file), "--key", anchor_key, "--out", str(out)]
    assert main(build) == 0
    assert main(build) == 2  # never overwritten without --force
    assert main([*build, "--force"]) == 0
    files = {}
    for name, doc in papers.items():
        files[name] = tmp_path / f"{name}.json"
        files[name].write_text(json.dumps(doc), encoding="utf-8")
    capsys.readouterr()
    flags = ["--trust-list", str(out), "--no-mbo-rules"]  # the list starts now
    assert main(["verify", str(files["diploma"]), *flags, "--trust-anchor", ANCHOR.did]) == 0
    assert "Uitgever: ROC Voorbeeld (BRIN 99XX, OIN" in capsys.readouterr().out
    for name, anchor, code in (
        ("other", ANCHOR.did, "issuer_not_on_trust_list"),
        ("micro", ANCHOR.did, "type_not_allowed_for_issuer"),
        ("diploma", OTHER.did, "trust_list_invalid"),
    ):
        assert main(["verify", str(files[name]), *flags, "--trust-anchor", anchor, "--json"]) == 1
        report = json.loads(capsys.readouterr().out)
        assert [p["code"] for p in report["problems"]] == [code]
    assert main(["verify", str(files["diploma"]), "--trust-list", str(out)]) == 2
    assert "--trust-anchor" in capsys.readouterr().err
    missing = ["verify", str(files["diploma"]), "--trust-list", str(tmp_path / "none.json")]
    assert main([*missing, "--trust-anchor", ANCHOR.did]) == 2
