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
