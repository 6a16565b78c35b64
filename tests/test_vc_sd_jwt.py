"""VC DM 2.0 secured with SD-JWT (VC-JOSE-COSE §3.2: ``vc+sd-jwt``, ``vp+sd-jwt``): the WG test
suite's SD-JWT cases, issue → present with a KB-JWT → verify on the one road, and what the spec
says must stay disclosed."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from mbo_vc import DidResolver, EcKey, Ed25519Key, verify, verify_jwt, verify_presentation
from mbo_vc.errors import UsageError
from mbo_vc.jose import envelope, frame_of_paths, secure_sd_jwt
from mbo_vc.sd_jwt import Disclosure, SdJwt, present
from tests.helpers import load_vector

SUITE = load_vector("vc-jose-cose/test-suite-sd-jwt.json")
SUITE_NOW = "2024-12-15T12:00:00Z"
CONTROLLER = "https://example.issuer/vc-jose-cose"
AUD, NONCE = "https://werkgever.example", "n-vc-sd-jwt-1"


def suite_resolver(key_file: str) -> DidResolver:
    """The suite gives the verifier the key_file's method: its controller lists it."""
    vm = SUITE["keys"][key_file]
    doc = {"id": vm["controller"], "verificationMethod": [vm], "assertionMethod": [vm["id"]],
           "authentication": [vm["id"]]}  # fmt: skip
    return DidResolver(documents={doc["id"]: doc})


def _payload(token: str) -> dict[str, Any]:
    part = token.split("~")[0].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _header(token: str) -> dict[str, Any]:
    part = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


@pytest.mark.parametrize("case", SUITE["verify_cases"], ids=lambda c: str(c["number"]))
def test_vc_jose_cose_suite_sd_jwt_outcome(case: dict[str, Any], vector_loader: Any) -> None:
    """Each SD-JWT verify case (20-26) has the suite's outcome, with the codes we expect."""
    resolver = suite_resolver(case["key_file"])
    if case["feature"] == "presentation_sdjwt":
        result: Any = verify_jwt(case["input"], expected="presentation", resolver=resolver,
                                 now=SUITE_NOW, loader=vector_loader)  # fmt: skip
    else:
        result = verify(case["input"], resolver=resolver, now=SUITE_NOW, loader=vector_loader)
    assert result.codes == case["mbo_vc_codes"], result.to_json()
    assert [w.code for w in result.warnings] == case["mbo_vc_warnings"]
    assert result.verified == (case["expected_result"] == "success")


def test_suite_credential_verified_view_is_the_disclosed_payload(vector_loader: Any) -> None:
    """Case 20: the view (what every later check reads) holds the disclosed firstName/lastName
    next to the always-disclosed birthDate, under the IRIs the examples context gives them."""
    case = next(c for c in SUITE["verify_cases"] if c["number"] == 20)
    result = verify(case["input"], resolver=suite_resolver(case["key_file"]), now=SUITE_NOW,
                    loader=vector_loader)  # fmt: skip
    assert result.verified and result.format == "vc+sd-jwt"
    assert result.disclosed == ["credentialSubject.firstName", "credentialSubject.lastName"]
    subject = result.document["credentialSubject"]  # type: ignore[index]
    assert subject["firstName"] == "Jane" and "_sd" not in subject
    assert "_sd" not in result.document and result.view is not None  # type: ignore[operator]
    assert result.view.issuer == CONTROLLER
    # withholding a disclosure removes the claim from the view, and the rest still verifies
    token = SdJwt(case["input"].split("~")[0], tuple(case["input"].split("~")[1:2]))
    partial = verify(token.serialize(), resolver=suite_resolver(case["key_file"]),
                     now=SUITE_NOW, loader=vector_loader)  # fmt: skip
    assert partial.verified, partial.codes
    assert "lastName" not in partial.document["credentialSubject"]  # type: ignore[index]


def test_suite_presentation_with_its_enveloped_vc_jwt(vector_loader: Any) -> None:
    """Case 22 in full: the vp+sd-jwt verifies and so does its envelope (the Ed25519 vc+jwt,
    once the verifier also knows that key); the suite's presentation has no nonce."""
    case = next(c for c in SUITE["verify_cases"] if c["number"] == 22)
    jose = load_vector("vc-jose-cose/test-suite-jose.json")
    vms = [SUITE["keys"]["vm-p384.json"], jose["keys"]["vm-ed25519.json"]]
    doc = {"id": CONTROLLER, "verificationMethod": vms, "assertionMethod": [v["id"] for v in vms],
           "authentication": [v["id"] for v in vms]}  # fmt: skip
    from mbo_vc import VerifierPolicy

    result = verify_presentation(
        case["input"], challenge="x", resolver=DidResolver(documents={CONTROLLER: doc}),
        now=SUITE_NOW, loader=vector_loader, policy=VerifierPolicy(holder_binding="none"),
    )  # fmt: skip
    assert result.format == "vp+sd-jwt"
    assert result.codes == ["challenge_mismatch"], result.to_json()
    assert [c.format for c in result.credentials] == ["vc+jwt"]
    assert result.credentials[0].verified


@pytest.mark.parametrize("case", SUITE["issue_cases"], ids=lambda c: str(c["number"]))
def test_vc_jose_cose_suite_sd_jwt_issuance(case: dict[str, Any], vector_loader: Any) -> None:
    """Cases 17-19: issue the suite's input with its disclosure paths (a fresh P-384 key as the
    suite's controller's method); the payload is the document with exactly those members
    replaced by digests, the header vc+sd-jwt / vp+sd-jwt, and it verifies."""
    key = EcKey.generate("P-384")
    vm = {"id": f"{CONTROLLER}#key-2", "type": "JsonWebKey", "controller": CONTROLLER,
          "publicKeyJwk": key.to_jwk()}  # fmt: skip
    resolver = DidResolver(documents={CONTROLLER: {
        "id": CONTROLLER, "verificationMethod": [vm], "assertionMethod": [vm["id"]],
        "authentication": [vm["id"]]}})  # fmt: skip
    token = secure_sd_jwt(case["input"], key, disclosable=case["disclosure_paths"],
                          kid=vm["id"]).serialize()  # fmt: skip
    short = "vp" if case["feature"] == "presentation_sdjwt" else "vc"
    assert _header(token) == {"alg": "ES384", "typ": f"{short}+sd-jwt", "kid": vm["id"],
                              "cty": short}  # fmt: skip
    disclosures = [Disclosure.decode(d) for d in token.split("~")[1:-1]]
    assert len(disclosures) == len(case["disclosure_paths"])
    payload = _payload(token)
    assert payload["_sd_alg"] == "sha-256" and payload["@context"] == case["input"]["@context"]
    if short == "vc":
        result: Any = verify(token, resolver=resolver, now=SUITE_NOW, loader=vector_loader)
    else:
        result = verify_jwt(token, resolver=resolver, now=SUITE_NOW, loader=vector_loader)
    assert result.verified, result.to_json()
    assert result.document == {**case["input"]}


def test_frame_of_paths_reads_the_suite_spelling() -> None:
    doc = {"a": {"b": [1, {"c": 2}]}, "d": 3}
    assert frame_of_paths(doc, ["a.b[0]", "a.b.1.c", "d"]) == {
        "a": {"b": {"_sd": [0], "1": {"_sd": ["c"]}}}, "_sd": ["d"]
    }  # fmt: skip
    with pytest.raises(UsageError):
        frame_of_paths(doc, ["a.x"])
    with pytest.raises(UsageError):
        frame_of_paths(doc, ["a..b"])


def _credential(issuer: str) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "urn:uuid:7b3d7c8e-0d5e-4b7a-9a3c-4c1f0b6c0001",
        "type": ["VerifiableCredential", "ExampleDegreeCredential"],
        "issuer": issuer,
        "validFrom": "2026-07-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:student", "name": "Jan",
                              "degree": "Verzorgende-IG"},
    }  # fmt: skip


@pytest.mark.parametrize("member", ["@context", "type", "issuer", "validFrom", "credentialSchema"])
def test_members_needed_to_verify_cannot_be_made_disclosable(member: str) -> None:
    """VC-JOSE-COSE §3.2.1: properties necessary for validation and verification SHOULD NOT be
    selectively disclosable; mbo_vc's issuer refuses them."""
    key = Ed25519Key.generate()
    doc = _credential(key.did)
    doc["credentialSchema"] = {"id": "https://example.org/s.json", "type": "JsonSchema"}
    with pytest.raises(UsageError, match="must stay disclosed"):
        secure_sd_jwt(doc, key, disclosable=[member])


def test_issue_present_verify_with_key_binding(vector_loader: Any) -> None:
    """A did:key issuer, a holder key in cnf: the holder discloses one claim with a KB-JWT; the
    verifier with its aud/nonce verifies it, a replay with another nonce fails, and a KB-JWT with
    nothing to check it against fails closed."""
    issuer, holder = EcKey.generate("P-256"), EcKey.generate("P-256")
    issued = secure_sd_jwt(_credential(issuer.did), issuer, holder=holder.public_only(),
                           disclosable=["credentialSubject.name", "credentialSubject.degree"],
                           decoys=2)  # fmt: skip
    assert len(_payload(issued.serialize())["_sd"]) == 2  # the decoys at the top
    shown = present(issued, ["credentialSubject.degree"], holder_key=holder, aud=AUD, nonce=NONCE)
    ok = verify(shown.serialize(), aud=AUD, nonce=NONCE, loader=vector_loader)
    assert ok.verified, ok.to_json()
    assert ok.format == "vc+sd-jwt" and ok.disclosed == ["credentialSubject.degree"]
    assert [p.cryptosuite for p in ok.proofs] == ["ES256", "ES256"]  # the JWS and the KB-JWT
    subject = ok.document["credentialSubject"]  # type: ignore[index]
    assert "name" not in subject and subject["degree"] == "Verzorgende-IG"
    assert ok.to_json()["disclosed"] == ["credentialSubject.degree"]
    replay = verify(shown.serialize(), aud=AUD, nonce="other", loader=vector_loader)
    assert replay.codes == ["kb_jwt_nonce_mismatch"]
    unchecked = verify(shown.serialize(), loader=vector_loader)
    assert unchecked.codes == ["key_binding_not_checked"]
    # a disclosure added after the KB-JWT was made breaks its sd_hash
    extra = SdJwt(shown.jwt, issued.disclosures, shown.kb_jwt)
    assert verify(extra.serialize(), aud=AUD, nonce=NONCE,
                  loader=vector_loader).codes == ["kb_jwt_sd_hash_mismatch"]  # fmt: skip


def test_tampered_disclosure_and_signature_fail(vector_loader: Any) -> None:
    key = Ed25519Key.generate()
    issued = secure_sd_jwt(_credential(key.did), key, disclosable=["credentialSubject.name"])
    forged = Disclosure.create("c2FsdA", "name", "Piet").encoded
    bad = SdJwt(issued.jwt, (forged,))
    assert verify(bad.serialize(), loader=vector_loader).codes == ["disclosure_unreferenced"]
    head, body, sig = issued.jwt.split(".")
    # (a character in the middle: the last ones of an Ed25519 signature are often "AA" already)
    other = "B" if sig[10] == "A" else "A"
    flipped = SdJwt(f"{head}.{body}.{sig[:10]}{other}{sig[11:]}", issued.disclosures)
    assert "invalid_signature" in verify(flipped.serialize(), loader=vector_loader).codes


def test_the_data_model_rules_apply_to_the_disclosed_payload(vector_loader: Any) -> None:
    """A withheld credentialSubject (made disclosable as a whole) leaves a credential without a
    subject: the data model rules of the vc+jwt road fail it (missing_subject); a subject member
    the context does not define fails safe mode (dropped_term), disclosed or not."""
    key = Ed25519Key.generate()
    whole = secure_sd_jwt(_credential(key.did), key, disclosable=["credentialSubject"])
    hidden = SdJwt(whole.jwt, ())
    assert "missing_subject" in verify(hidden.serialize(), loader=vector_loader).codes
    doc = _credential(key.did)
    doc["credentialSubject"]["notInTheContext"] = "x"
    doc["@context"] = doc["@context"][:1]
    issued = secure_sd_jwt(doc, key, disclosable=["credentialSubject.notInTheContext"])
    assert "dropped_term" in verify(issued.serialize(), loader=vector_loader).codes


def test_enveloped_vc_sd_jwt_in_a_vp_sd_jwt(vector_loader: Any) -> None:
    """VC-JOSE-COSE §3.2.2: a vp+sd-jwt's credentials are EnvelopedVerifiableCredentials; a
    vc+sd-jwt one goes down the same road as on its own."""
    school, holder = Ed25519Key.generate(), Ed25519Key.generate()
    cred = _credential(school.did)
    cred["credentialSubject"]["id"] = holder.did
    token = secure_sd_jwt(cred, school, disclosable=["credentialSubject.name"]).serialize()
    vp = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
          "holder": holder.did, "verifiableCredential": [envelope(token)]}  # fmt: skip
    assert envelope(token)["id"].startswith("data:application/vc+sd-jwt,")
    secured = secure_sd_jwt(vp, holder, challenge="c-1", domain=AUD,
                            disclosable=["verifiableCredential[0]"]).serialize()  # fmt: skip
    result = verify_presentation(secured, challenge="c-1", domain=AUD, loader=vector_loader)
    assert result.verified, result.to_json()
    assert result.format == "vp+sd-jwt"
    assert [c.format for c in result.credentials] == ["vc+sd-jwt"]
    wrong = verify_presentation(secured, challenge="c-2", domain=AUD, loader=vector_loader)
    assert wrong.codes == ["challenge_mismatch"]


def test_cli_issue_vc_sd_jwt_present_verify(tmp_path: Any, capsys: Any) -> None:
    """``mbo-vc issue --format vc+sd-jwt``: the OBv3 JSON of each row as a vc+sd-jwt bound to
    the holder; ``mbo-vc sd-jwt present`` keeps the chosen claims; ``mbo-vc verify`` verifies
    it with the verifier's aud/nonce and refuses a replay."""
    from pathlib import Path

    from mbo_vc.cli import main

    root = Path(__file__).resolve().parents[1]
    issuer, holder = EcKey.generate("P-256"), EcKey.generate("P-256")
    issuer_file, holder_file = tmp_path / "iss.json", tmp_path / "holder.json"
    issuer.save(issuer_file)
    holder.save(holder_file)
    out = tmp_path / "out"
    assert main(["issue", "--format", "vc+sd-jwt", "--type", "mbo-certificaat", "--data",
                 str(root / "test_vectors" / "sis" / "certificaten.jsonl"), "--key",
                 str(issuer_file), "--holder-did", holder.did, "--out", str(out)]) == 0  # fmt: skip
    tokens = sorted(out.glob("*.vc-sd-jwt"))
    assert tokens
    header = _header(tokens[0].read_text())
    assert header["typ"] == "vc+sd-jwt" and header["kid"] == issuer.verification_method
    assert "credentialSubject" in _payload(tokens[0].read_text())
    pres = tmp_path / "pres.txt"
    assert main(["sd-jwt", "present", str(tokens[0]), "--holder-key", str(holder_file),
                 "--disclose", "credentialSubject.identifier.0", "--aud", AUD, "--nonce", NONCE,
                 "-o", str(pres)]) == 0  # fmt: skip
    capsys.readouterr()
    code = main(["verify", str(pres), "--aud", AUD, "--nonce", NONCE, "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report
    assert report["format"] == "vc+sd-jwt"
    assert main(["verify", str(pres), "--aud", AUD, "--nonce", "replayed"]) == 1
    assert "kb_jwt_nonce_mismatch" in capsys.readouterr().out
