"""Interop with @sd-jwt/sd-jwt-vc (the OpenWallet Foundation SD-JWT VC library eduWallet uses),
through interop/js/sd-jwt.mjs: their verifier verifies our issued and presented waardepapier
(KB-JWT, Token Status List), and we verify theirs (issued with disclosures, presented with a
KB-JWT). Where the library does not check what RFC 9901 asks, the test says so
(interop/js/README.md); nothing is papered over.

Runs when Node.js and interop/js/node_modules/@sd-jwt are present; skips otherwise.
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

import pytest

from mbo_vc import verify
from mbo_vc.demo.mbo import example_waardepapieren
from mbo_vc.keys import EcKey
from mbo_vc.mbo.sd_jwt_vc import VCT, claims_of, frame_of, issue_sd_jwt
from mbo_vc.sd_jwt import present
from mbo_vc.status import DirectoryFetcher, StatusRegistry
from mbo_vc.status.token_checker import TokenStatusListChecker
from tests.helpers import js_stack_missing, run_js

JS_MISSING = js_stack_missing("@sd-jwt/sd-jwt-vc")

pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(JS_MISSING is not None, reason=str(JS_MISSING)),
]

ISSUER, HOLDER = EcKey.generate("P-256"), EcKey.generate("P-256")
PAPER = example_waardepapieren(ISSUER.did)["mbo-diploma"]
AUD, NONCE = "https://werkgever.example", "n-interop-1"


def _header(token: str) -> dict[str, Any]:
    return json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))


def _theirs(*, typ: str | None = None) -> str:
    """The mbo-diploma issued by the JS library: the same claims and disclosure frame as
    ours, kid = the issuer's did:key verification method, cnf = the holder's key."""
    claims = claims_of(PAPER)
    claims.pop("instelling")
    body = {"instelling": PAPER.instelling.model_dump(mode="json", exclude_none=True), **claims}
    payload = {"iss": ISSUER.did, "vct": VCT["mbo-diploma"], "iat": int(time.time()) - 60,
               "cnf": {"jwk": HOLDER.to_jwk()}, **body}  # fmt: skip
    request: dict[str, Any] = {
        "issuer_jwk": ISSUER.to_jwk(private=True),
        "kid": ISSUER.verification_method,
        "payload": payload,
        "frame": frame_of("mbo-diploma", body),
    }
    if typ is not None:
        request["typ"] = typ
    code, out = run_js("sd-jwt.mjs", "issue", payload=request)
    assert code == 0, out
    return str(out["token"])


def _their_presentation(token: str, disclose: dict[str, Any], nonce: str = NONCE) -> str:
    code, out = run_js("sd-jwt.mjs", "present", payload={
        "token": token, "holder_jwk": HOLDER.to_jwk(private=True), "disclose": disclose,
        "aud": AUD, "nonce": nonce,
    })  # fmt: skip
    assert code == 0, out
    return str(out["token"])


def _their_verify(token: str, **extra: Any) -> tuple[int, Any]:
    return run_js("sd-jwt.mjs", "verify",
                  payload={"token": token, "issuer_jwk": ISSUER.to_jwk(), **extra})  # fmt: skip


def test_their_verifier_verifies_our_presented_waardepapier(tmp_path: Path) -> None:
    """Ours → theirs: issued (ES256, a Token Status List entry), presented with only
    qualification + school and a KB-JWT; their verifier checks signature, disclosures, KB-JWT
    (nonce, sd_hash, cnf key) and the status list; a replay and a revocation fail there too."""
    with StatusRegistry(tmp_path / "registry.db") as registry:
        registry.create_list("https://roc.example/status/tsl-1", list_id="tsl-1")
        ref = registry.allocate_reference("tsl-1")
        issued = issue_sd_jwt(PAPER, ISSUER, holder=HOLDER.public_only(),
                              status=ref.status_claim()).serialize()  # fmt: skip
        list_token = registry.status_list_token("tsl-1", ISSUER)[0]
        shown = present(issued, ["opleiding", "instelling"], holder_key=HOLDER, aud=AUD,
                        nonce=NONCE).serialize()  # fmt: skip
        lists = {ref.uri: list_token}
        code, out = _their_verify(shown, nonce=NONCE, status_lists=lists)
        assert code == 0 and out["verified"] is True, out
        assert out["header"]["typ"] == "dc+sd-jwt"
        claims = out["payload"]
        assert claims["opleiding"]["crebo"] == "25491" and claims["instelling"]["naam"]
        assert claims["student"] == {} and claims["resultaten"] == [] and "leerweg" not in claims
        assert out["kb"]["payload"]["nonce"] == NONCE and out["kb"]["payload"]["aud"] == AUD
        # a replay with another nonce: refused there as here
        code, out = _their_verify(shown, nonce="n-other", status_lists=lists)
        assert code == 1 and "Nonce" in out["error"]["message"], out
        # a disclosure the issuer did not sign: refused
        forged = shown.replace("~", "~WyJzYWx0IiwibGVlcndlZyIsIkJPTCJd~", 1)
        assert _their_verify(forged, nonce=NONCE, status_lists=lists)[0] == 1
        # revoked and republished: refused there as here
        registry.revoke("tsl-1", ref.idx)
        revoked = {ref.uri: registry.status_list_token("tsl-1", ISSUER)[0]}
        code, out = _their_verify(shown, nonce=NONCE, status_lists=revoked)
        assert code == 1 and "Status is not valid" in out["error"]["message"], out
        (tmp_path / "lists").mkdir()
        registry.publish_token("tsl-1", ISSUER, tmp_path / "lists")
    ours = verify(shown, aud=AUD, nonce=NONCE,
                  status=TokenStatusListChecker(DirectoryFetcher(tmp_path / "lists")))  # fmt: skip
    assert ours.codes == ["revoked"]


def test_their_verifier_does_not_check_the_kb_jwt_audience() -> None:
    """A documented gap of @sd-jwt/sd-jwt-vc 0.19.0 (RFC 9901 §7.3 step 5: the verifier checks
    ``aud``): its ``verify`` takes no expected audience and accepts a KB-JWT for another
    verifier; it only reports the ``aud``. Ours refuses it (``kb_jwt_aud_mismatch``). A caller of
    the JS library must compare ``kb.payload.aud`` itself."""
    issued = issue_sd_jwt(PAPER, ISSUER, holder=HOLDER.public_only()).serialize()
    for_other = present(issued, ["opleiding"], holder_key=HOLDER, aud="https://other.example",
                        nonce=NONCE).serialize()  # fmt: skip
    code, out = _their_verify(for_other, nonce=NONCE)
    assert code == 0 and out["kb"]["payload"]["aud"] == "https://other.example", out
    assert verify(for_other, aud=AUD, nonce=NONCE).codes == ["kb_jwt_aud_mismatch"]


def test_we_verify_theirs_issued_and_presented() -> None:
    """Theirs → ours: the JS library issues the diploma (typ dc+sd-jwt, decoys, nested and
    array-element disclosures) and presents it with a KB-JWT; mbo_vc verifies it on its one road
    (issuer key from the did:key kid, disclosures, KB-JWT with aud + nonce)."""
    token = _theirs()
    assert _header(token)["typ"] == "dc+sd-jwt"
    issued = verify(token)
    assert issued.verified and issued.format == "dc+sd-jwt", issued.codes
    full = issued.document or {}
    assert full["student"]["naam"] == "Jan Pieter de Vries" and len(full["resultaten"]) == 5
    shown = _their_presentation(
        token,
        {
            "opleiding": True,
            "instelling": True,
            "student": {"naam": True},
            "resultaten": {"2": True},
        },
    )
    result = verify(shown, aud=AUD, nonce=NONCE)
    assert result.verified, result.codes
    claims = result.document or {}
    assert claims["student"] == {"naam": "Jan Pieter de Vries"}
    assert [r["code"] for r in claims["resultaten"]] == ["NE"]
    assert sorted(result.disclosed) == ["resultaten.0", "student.naam"]
    assert "leerweg" not in claims and "key_binding" in result.checks
    # a replay (another nonce), another audience, a dropped KB-JWT: refused
    assert verify(shown, aud=AUD, nonce="n-other").codes == ["kb_jwt_nonce_mismatch"]
    assert verify(shown, aud="https://other.example", nonce=NONCE).codes == ["kb_jwt_aud_mismatch"]
    no_kb = shown[: shown.rindex("~") + 1]
    assert verify(no_kb, aud=AUD, nonce=NONCE).codes == ["kb_jwt_missing"]
    # a disclosure removed after the KB-JWT was made: the sd_hash no longer matches
    parts = shown.split("~")
    dropped = "~".join([parts[0], *parts[2:]])
    assert "kb_jwt_sd_hash_mismatch" in verify(dropped, aud=AUD, nonce=NONCE).codes
    # their verifier agrees with its own presentation
    code, out = _their_verify(shown, nonce=NONCE)
    assert code == 0 and out["payload"]["student"] == {"naam": "Jan Pieter de Vries"}, out


def test_their_legacy_typ_is_accepted_by_ours() -> None:
    """The library writes ``dc+sd-jwt`` by default; a token with the earlier drafts' ``typ``
    ``vc+sd-jwt`` (set through the issue header, as older wallets and issuers still write) is
    read by our verifier as the legacy typ (``mbo_vc.sd_jwt_vc.LEGACY_TYP``), never written."""
    token = _theirs(typ="vc+sd-jwt")
    assert _header(token)["typ"] == "vc+sd-jwt"
    result = verify(token)
    assert result.verified and result.format == "dc+sd-jwt", result.codes
    # a typ that is no SD-JWT VC's: refused here; the library's verifier does not check typ
    untyped = _theirs(typ="JWT")
    assert verify(untyped).codes == ["jwt_bad_type"]
    code, out = _their_verify(untyped)
    assert code == 0 and out["header"]["typ"] == "JWT", out


def test_student_identifiers_withheld_and_disclosed_across_libraries() -> None:
    """The microcredential of a student with a hashed e-mail address: ``student.identifiers``
    is selectively disclosable (as a whole, and each element inside it: a recursive disclosure).
    Ours → theirs: their verifier sees no identifier unless the holder chose it, then the hash
    and its salt. Theirs → ours: the JS library issues with our frame and presents the
    identifiers; we verify it and see the same."""
    from mbo_vc.mbo.sis import _student

    micro = example_waardepapieren(ISSUER.did)["microcredential"]
    student = _student({"naam": "Jan Pieter de Vries", "email": "jan@example.org"})
    paper = micro.model_copy(update={"student": student})
    (ident,) = student.identifiers
    issued = issue_sd_jwt(paper, ISSUER, holder=HOLDER.public_only()).serialize()
    assert str(ident.salt) not in json.dumps(_payload(issued))
    withheld = present(issued, ["titel"], holder_key=HOLDER, aud=AUD, nonce=NONCE).serialize()
    code, out = _their_verify(withheld, nonce=NONCE)
    assert code == 0 and out["payload"]["student"] == {}, out
    chosen = present(issued, ["student.identifiers"], holder_key=HOLDER, aud=AUD,
                     nonce=NONCE).serialize()  # fmt: skip
    code, out = _their_verify(chosen, nonce=NONCE)
    assert code == 0, out
    assert out["payload"]["student"]["identifiers"] == [
        ident.model_dump(mode="json", exclude_none=True)
    ]
    # theirs, with our frame (recursive: the member and its element)
    claims = claims_of(paper)
    claims.pop("instelling")
    body = {"instelling": paper.instelling.model_dump(mode="json", exclude_none=True), **claims}
    frame = frame_of("microcredential", body)
    assert frame["student"]["identifiers"] == {"_sd": [0]}
    assert "identifiers" in frame["student"]["_sd"]
    payload = {"iss": ISSUER.did, "vct": VCT["microcredential"], "iat": int(time.time()) - 60,
               "cnf": {"jwk": HOLDER.to_jwk()}, **body}  # fmt: skip
    code, out = run_js("sd-jwt.mjs", "issue", payload={
        "issuer_jwk": ISSUER.to_jwk(private=True), "kid": ISSUER.verification_method,
        "payload": payload, "frame": frame,
    })  # fmt: skip
    assert code == 0, out
    theirs = str(out["token"])
    assert str(ident.salt) not in json.dumps(_payload(theirs))
    shown = _their_presentation(theirs, {"student": {"identifiers": {"0": True}}})
    result = verify(shown, aud=AUD, nonce=NONCE)
    assert result.verified, result.codes
    assert (result.document or {})["student"]["identifiers"][0]["salt"] == ident.salt
    assert sorted(result.disclosed) == ["student.identifiers", "student.identifiers.0"]


def _payload(token: str) -> dict[str, Any]:
    part = token.split("~")[0].split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


# --- VC-JOSE-COSE §3.2: vc+sd-jwt with @sd-jwt/core (generic RFC 9901, no vct) ----------------


def _vc_sd_jwt_paper() -> dict[str, Any]:
    doc = PAPER.to_json()
    doc["issuer"] = dict(doc["issuer"])
    return doc


def test_their_core_verifies_our_vc_sd_jwt() -> None:
    """Ours → theirs: an mbo-diploma's OBv3 JSON as vc+sd-jwt (mbo.vc_sd_jwt), presented with
    one identifier and a KB-JWT; @sd-jwt/core checks the signature, every digest, the KB-JWT
    (nonce, sd_hash, cnf key) and gives back the same disclosed credential we read."""
    from mbo_vc.mbo.vc_sd_jwt import issue_vc_sd_jwt

    issued = issue_vc_sd_jwt(_vc_sd_jwt_paper(), ISSUER, holder=HOLDER.public_only())
    shown = present(issued, ["credentialSubject.identifier.0"], holder_key=HOLDER, aud=AUD,
                    nonce=NONCE).serialize()  # fmt: skip
    code, out = _their_verify(shown, nonce=NONCE, core=True)
    assert code == 0 and out["verified"] is True, out
    assert out["header"]["typ"] == "vc+sd-jwt" and out["header"]["cty"] == "vc"
    ours = verify(shown, aud=AUD, nonce=NONCE)
    assert ours.verified, ours.codes
    theirs = {k: v for k, v in out["payload"].items() if k not in ("_sd_alg", "cnf")}
    assert theirs == {k: v for k, v in ours.document.items() if k != "cnf"}  # type: ignore[union-attr]
    assert [i["identityType"] for i in theirs["credentialSubject"]["identifier"]] == ["name"]
    assert _their_verify(shown, nonce="n-other", core=True)[0] == 1


def test_we_verify_their_vc_sd_jwt() -> None:
    """Theirs → ours: @sd-jwt/core issues the credential with typ vc+sd-jwt, cty vc, our
    issuer's did:key kid and the holder's cnf, the name identifier and the results selectively
    disclosable; their holder presents the name with a KB-JWT; we verify it on the vc+jwt road
    (the disclosed payload's JSON-LD view) and refuse a replay."""
    doc = _vc_sd_jwt_paper()
    doc["cnf"] = {"jwk": HOLDER.to_jwk()}
    results = len(doc["credentialSubject"]["result"])
    frame = {"credentialSubject": {"identifier": {"_sd": [0]},
                                   "result": {"_sd": list(range(results))}}}  # fmt: skip
    code, out = run_js("sd-jwt.mjs", "issue", payload={
        "core": True, "issuer_jwk": ISSUER.to_jwk(private=True), "kid": ISSUER.verification_method,
        "payload": doc, "frame": frame, "typ": "vc+sd-jwt",
    })  # fmt: skip
    assert code == 0, out
    token = str(out["token"])
    assert _header(token)["typ"] == "vc+sd-jwt"
    shown = _their_presentation_core(token, {"credentialSubject": {"identifier": {"0": True}}})
    result = verify(shown, aud=AUD, nonce=NONCE)
    assert result.verified, result.to_json()
    assert result.format == "vc+sd-jwt"
    assert result.disclosed == ["credentialSubject.identifier.0"]
    subject = result.document["credentialSubject"]  # type: ignore[index]
    assert subject["identifier"][0]["identityHash"] == PAPER.student.naam
    assert subject["result"] == []
    assert result.view is not None and result.view.issuer == ISSUER.did
    assert verify(shown, aud=AUD, nonce="n-other").codes == ["kb_jwt_nonce_mismatch"]


def _their_presentation_core(token: str, disclose: dict[str, Any]) -> str:
    code, out = run_js("sd-jwt.mjs", "present", payload={
        "core": True, "token": token, "holder_jwk": HOLDER.to_jwk(private=True),
        "disclose": disclose, "aud": AUD, "nonce": NONCE,
    })  # fmt: skip
    assert code == 0, out
    return str(out["token"])
