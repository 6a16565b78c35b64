"""One verdict on every entry point (issue 20 item 1).

A waardepapier (by its signed type) gets the mbo rules wherever it is verified: ``mbo_vc.verify``
(the README's three lines), ``verify_presentation`` (Data Integrity and ``vp+jwt``),
``verify_jwt``, ``verify_many`` (in process and in a process pool), the report, the rendering,
the OID4VP response validation and the command line (``verify`` and ``render``). An mbo-diploma
signed by the bevoegd gezag alone is ``missing_signer`` on each; the explicit opt-out
(``mbo_rules=False`` / ``--no-mbo-rules``) is verified with the warning ``mbo_rules_not_checked``;
a properly two-signed diploma verifies on each; an OBv3 credential from elsewhere is untouched.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import pytest

import mbo_vc
from mbo_vc import Ed25519Key, RequiredSigner, VerifierPolicy, present
from mbo_vc.cli import main
from mbo_vc.jose import secure_jwt
from mbo_vc.mbo import issue
from mbo_vc.report import build_report
from mbo_vc.signing import sign
from tests.fixtures import example_diploma, example_waardepapieren

BG, EC, LEARNER = Ed25519Key.generate(), Ed25519Key.generate(), Ed25519Key.generate()
CHALLENGE, DOMAIN = "one-verdict-challenge", "werkgever.example"


def _diploma() -> dict[str, Any]:
    doc = example_waardepapieren(BG.did)["mbo-diploma"].to_json()
    doc["credentialSubject"]["id"] = LEARNER.did  # bound to the holder who presents it
    return doc


def _obv3() -> dict[str, Any]:
    doc = example_diploma(BG.did)  # a plain OBv3 diploma: no mbo_vc IRI anywhere
    doc["credentialSubject"]["id"] = LEARNER.did
    return doc


ONE_SIGNER = issue(_diploma(), BG)  # the bevoegd gezag alone
TWO_SIGNERS = issue(_diploma(), BG, examencommissie=EC)
OBV3 = sign(_obv3(), BG)
NOW = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")  # after signing


class Verdict(NamedTuple):
    verified: bool
    problems: list[str]
    warnings: list[str]
    checks: list[str]


def _of(result: Any) -> Verdict:
    return Verdict(result.verified, [p.code for p in result.problems],
                   [w.code for w in result.warnings], list(result.checks))  # fmt: skip


def _via_verify(doc: dict[str, Any], **opt: Any) -> Verdict:
    return _of(mbo_vc.verify(doc, now=NOW, **opt))


def _via_readme(doc: dict[str, Any], tmp: Path, **opt: Any) -> Verdict:
    path = tmp / "diploma.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    from mbo_vc import verify  # the README's three lines

    return _of(verify(open(path, "rb").read(), now=NOW, **opt))


def _in_presentation(doc: dict[str, Any], fmt: str = "data-integrity", **opt: Any) -> Verdict:
    vp = present([doc], LEARNER, challenge=CHALLENGE, domain=DOMAIN, format=fmt)
    result = mbo_vc.verify_presentation(vp, challenge=CHALLENGE, domain=DOMAIN, now=NOW, **opt)
    (credential,) = result.credentials
    assert not result.presentation_problems, result.presentation_problems
    verdict = _of(credential.result)
    assert result.verified == verdict.verified
    return verdict._replace(problems=[p.code for p in credential.problems])


def _via_verify_many(doc: dict[str, Any], **opt: Any) -> Verdict:
    (result,) = mbo_vc.verify_many([doc], now=NOW, **opt)
    return _of(result)


def _via_report(doc: dict[str, Any], **opt: Any) -> Verdict:
    report = build_report(mbo_vc.verify(doc, now=NOW, **opt))
    return Verdict(report.verified, [p.code for p in report.problems],
                   [w.code for w in report.warnings], [])  # fmt: skip


def _via_render(doc: dict[str, Any], **opt: Any) -> Verdict:
    from mbo_vc.render import render_html

    report = build_report(mbo_vc.verify(doc, now=NOW, **opt))
    html = render_html(report, mode="report")
    assert report.verdict.nl in html
    return Verdict(report.verified, [p.code for p in report.problems],
                   [w.code for w in report.warnings], [])  # fmt: skip


def _via_oid4vp(doc: dict[str, Any], **opt: Any) -> Verdict:
    from mbo_vc.oid4vc import (
        authorization_request,
        mbo_vc_presentation_verifier,
        validate_authorization_response,
    )

    types = ["https://www.w3.org/2018/credentials#VerifiableCredential"]
    query = {"credentials": [{"id": "diploma", "format": "ldp_vc",
                              "meta": {"type_values": [types]}}]}  # fmt: skip
    request = authorization_request(
        client_id="x509_san_dns:werkgever.example", dcql_query=query,
        response_uri="https://werkgever.example/oid4vp/response",
    )  # fmt: skip
    vp = present([doc], LEARNER, challenge=request["nonce"], domain=request["client_id"])
    result = validate_authorization_response(
        {"vp_token": {"diploma": [vp]}, "state": request["state"]}, request,
        {"ldp_vc": mbo_vc_presentation_verifier(**opt)}, now=datetime.fromisoformat(NOW),
    )  # fmt: skip
    if not result.verified:  # a presentation that does not verify is discarded (§8.6)
        codes = [p.code for p in result.problems]
        assert codes[0] == "presentation_invalid"
        return Verdict(False, codes[1:], [], [])
    (check,) = result.presentations["diploma"]
    (credential,) = check.detail.credentials
    return Verdict(result.verified, [p.code for p in credential.problems],
                   [w.code for w in credential.result.warnings], [])  # fmt: skip


def _via_cli(doc: dict[str, Any], tmp: Path, capsys: pytest.CaptureFixture[str],
             *flags: str) -> Verdict:  # fmt: skip
    path = tmp / "credential.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    capsys.readouterr()
    code = main(["verify", str(path), "--json", "--now", NOW, *flags])
    out = json.loads(capsys.readouterr().out)
    assert code == (0 if out["verified"] else 1)
    return Verdict(out["verified"], [p["code"] for p in out["problems"]],
                   [w["code"] for w in out["warnings"]], out["checks"])  # fmt: skip


def _via_cli_render(doc: dict[str, Any], tmp: Path, *flags: str) -> bool:
    path = tmp / "credential.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    code = main(["render", str(path), "--out", str(tmp / "paper.html"), "--now", NOW, *flags])
    assert code in (0, 1)
    return code == 0


def _api_roads() -> dict[str, Callable[..., Verdict]]:
    return {
        "verify": _via_verify,
        "verify_presentation": _in_presentation,
        "verify_presentation(vp+jwt)": lambda doc, **o: _in_presentation(doc, "vp+jwt", **o),
        "verify_many": _via_verify_many,
        "report": _via_report,
        "render": _via_render,
        "oid4vp": _via_oid4vp,
    }


@pytest.mark.parametrize("road", list(_api_roads()))
def test_a_diploma_signed_by_the_bevoegd_gezag_alone_is_not_verified(road: str) -> None:
    verdict = _api_roads()[road](ONE_SIGNER)
    assert not verdict.verified
    assert verdict.problems == ["missing_signer"]  # once: never repeated by a second road


@pytest.mark.parametrize("road", list(_api_roads()))
def test_the_explicit_opt_out_is_verified_with_a_warning(road: str) -> None:
    verdict = _api_roads()[road](ONE_SIGNER, mbo_rules=False)
    assert verdict.verified and verdict.problems == []
    assert verdict.warnings.count("mbo_rules_not_checked") == 1


@pytest.mark.parametrize("road", list(_api_roads()))
def test_a_two_signed_diploma_verifies(road: str) -> None:
    verdict = _api_roads()[road](TWO_SIGNERS)
    assert verdict.verified, verdict
    assert "mbo_rules_not_checked" not in verdict.warnings


@pytest.mark.parametrize("road", list(_api_roads()))
def test_an_obv3_credential_from_elsewhere_is_untouched(road: str) -> None:
    for opt in ({}, {"mbo_rules": False}):
        verdict = _api_roads()[road](OBV3, **opt)
        assert verdict.verified, verdict
        assert "mbo_rules_not_checked" not in verdict.warnings
        assert "mbo_rules" not in verdict.checks


def test_the_readme_three_lines_and_the_command_line_give_one_verdict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for doc, verified in ((ONE_SIGNER, False), (TWO_SIGNERS, True), (OBV3, True)):
        readme = _via_readme(doc, tmp_path)
        cli = _via_cli(doc, tmp_path, capsys)
        assert readme.verified == cli.verified == verified
        assert readme.problems == cli.problems
        assert readme.warnings == cli.warnings
        assert _via_cli_render(doc, tmp_path) == verified
    off = _via_cli(ONE_SIGNER, tmp_path, capsys, "--no-mbo-rules")
    assert off.verified and off.warnings.count("mbo_rules_not_checked") == 1
    assert _via_readme(ONE_SIGNER, tmp_path, mbo_rules=False) == off
    assert _via_cli_render(ONE_SIGNER, tmp_path, "--no-mbo-rules")
    obv3_off = _via_cli(OBV3, tmp_path, capsys, "--no-mbo-rules")
    assert obv3_off.verified and "mbo_rules_not_checked" not in obv3_off.warnings


def test_a_presentation_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for doc, verified in ((ONE_SIGNER, False), (TWO_SIGNERS, True)):
        vp = present([doc], LEARNER, challenge=CHALLENGE, domain=DOMAIN)
        path = tmp_path / "vp.json"
        path.write_text(json.dumps(vp), encoding="utf-8")
        capsys.readouterr()
        flags = ["--json", "--now", NOW, "--challenge", CHALLENGE, "--domain", DOMAIN]
        assert main(["verify", str(path), *flags]) == (0 if verified else 1)
        out = json.loads(capsys.readouterr().out)
        codes = [p["code"] for c in out["credentials"] for p in c["problems"]]
        assert codes == ([] if verified else ["missing_signer"])


def test_many_files_on_the_command_line_and_in_a_process_pool(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = [ONE_SIGNER, TWO_SIGNERS, OBV3]
    in_process = [_via_verify(doc) for doc in docs]
    pooled = [_of(r) for r in mbo_vc.verify_many(docs, jobs=2, chunk_size=1, now=NOW)]
    assert pooled == in_process
    assert [v.verified for v in pooled] == [False, True, True]
    off = [_of(r) for r in mbo_vc.verify_many(docs, jobs=2, now=NOW, mbo_rules=False)]
    assert [v.verified for v in off] == [True, True, True]
    assert [v.warnings.count("mbo_rules_not_checked") for v in off] == [1, 1, 0]
    names = []
    for i, doc in enumerate(docs):
        names.append(str(tmp_path / f"{i}.json"))
        Path(names[-1]).write_text(json.dumps(doc), encoding="utf-8")
    capsys.readouterr()
    assert main(["verify", *names, "--json", "--jobs", "2", "--now", NOW]) == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["verified"] for line in lines] == [False, True, True]
    assert [[p["code"] for p in line["problems"]] for line in lines] == [["missing_signer"], [], []]


def test_a_vc_jwt_waardepapier_gets_the_rules() -> None:
    """A JWT has one signature: the signers cannot be checked (a warning), the shapes can."""
    good = _of(mbo_vc.verify(secure_jwt(_diploma(), BG), now=NOW))
    assert good.verified and "mbo_rules" in good.checks
    assert good.warnings.count("mbo_rules_not_checked") == 1
    bad = _diploma()
    bad["credentialSubject"]["achievement"]["crebo"] = "2549"
    for result in (
        mbo_vc.verify(secure_jwt(bad, BG), now=NOW),
        mbo_vc.verify_jwt(secure_jwt(bad, BG), now=NOW),
    ):
        assert not result.verified and "invalid_field" in result.codes
    vp = present([secure_jwt(bad, BG)], LEARNER, challenge=CHALLENGE, domain=DOMAIN)
    in_vp = mbo_vc.verify_presentation(vp, challenge=CHALLENGE, domain=DOMAIN, now=NOW)
    assert not in_vp.verified and "invalid_field" in in_vp.credentials[0].codes


def test_a_required_signer_is_reported_once() -> None:
    """The policy's required examencommissie and the mbo rules ask for the same proof: one
    problem, not two."""
    wrong = RequiredSigner("examencommissie", Ed25519Key.generate().did)
    result = mbo_vc.verify(TWO_SIGNERS, now=NOW, policy=VerifierPolicy(required_signers=(wrong,)))
    assert result.codes == ["missing_signer"]
    right = RequiredSigner("examencommissie", EC.did)
    assert mbo_vc.verify(TWO_SIGNERS, now=NOW, policy=VerifierPolicy(required_signers=(right,)))
    from mbo_vc.mbo import verify_waardepapier

    assert verify_waardepapier(ONE_SIGNER, examencommissie=EC.did, now=NOW).codes == [
        "missing_signer"
    ]


def test_a_report_of_a_result_that_skipped_the_rules_applies_them() -> None:
    """The pipeline on its own (``mbo_vc.verification.verify``, no rules hook) leaves the mbo
    rules out; a report of such a result does not say GELDIG for a one-signer diploma."""
    from mbo_vc.verification import verify as pipeline

    raw = pipeline(ONE_SIGNER, now=NOW)
    assert raw.verified  # the pipeline alone knows no mbo rules
    report = build_report(raw)
    assert not report.verified and [p.code for p in report.problems] == ["missing_signer"]
    assert raw.verified  # the caller's result is left as it was
    off = build_report(mbo_vc.verify(ONE_SIGNER, now=NOW, mbo_rules=False))
    assert off.verified and [w.code for w in off.warnings].count("mbo_rules_not_checked") == 1


def test_verifying_a_plain_credential_does_not_load_the_mbo_layer() -> None:
    """The mbo layer (pydantic) is loaded only for a credential that may be a waardepapier."""
    probe = (
        "import json, sys\n"
        "import mbo_vc\n"
        f"result = mbo_vc.verify(sys.stdin.read(), now={NOW!r})\n"
        "assert result.verified, result.problems\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('mbo_vc.mbo', "
        "'pydantic')))))\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], input=json.dumps(OBV3),
                         capture_output=True, text=True, check=True)  # fmt: skip
    assert json.loads(run.stdout) == []
    run = subprocess.run([sys.executable, "-c", probe], input=json.dumps(TWO_SIGNERS),
                         capture_output=True, text=True, check=True)  # fmt: skip
    assert "mbo_vc.mbo.rules" in json.loads(run.stdout)
