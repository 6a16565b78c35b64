"""Verifiable presentations: holder proof, challenge, domain, holder binding, reports."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from mbo_vc import DidResolver, Ed25519Key, VerifierPolicy, sign, verify_presentation
from mbo_vc.cli import main
from mbo_vc.demo.wallet import wallet_demo
from mbo_vc.errors import MboVcError, UsageError
from mbo_vc.jose import decode_jwt, envelope, secure_jwt
from mbo_vc.presentation import (
    create_presentation,
    is_presentation,
    present,
    sign_presentation,
)
from mbo_vc.result import PROBLEM_CODES
from tests.fixtures import example_diploma

NOW = "2026-11-01T12:00:00Z"
CREATED = "2026-11-01T11:59:00Z"
CHALLENGE = "4f8c1b0e-1d55-4a4e-9b1b-6b1f4a1c2d3e"
DOMAIN = "werkgever.example"


@pytest.fixture(scope="module")
def keys() -> dict[str, Ed25519Key]:
    return {
        name: Ed25519Key.from_seed(bytes([i]) * 32)
        for i, name in enumerate(["school", "learner", "other", "school2"], start=1)
    }


def diploma(issuer: Ed25519Key, subject: str, name: str = "Verzorgende-IG") -> dict[str, Any]:
    doc = example_diploma(issuer.did, valid_from="2026-07-01T00:00:00Z")
    doc["credentialSubject"]["id"] = subject
    doc["credentialSubject"]["achievement"]["name"] = name
    return doc


@pytest.fixture(scope="module")
def creds(keys: dict[str, Ed25519Key]) -> dict[str, Any]:
    school, learner = keys["school"], keys["learner"]
    unsigned = diploma(school, learner.did)
    return {
        "unsigned": unsigned,
        "di": sign(unsigned, school, created=CREATED),
        "jwt": secure_jwt(unsigned, school),
        "second": sign(
            diploma(keys["school2"], learner.did, "Kok"), keys["school2"], created=CREATED
        ),
        "someone_else": sign(diploma(school, keys["other"].did, "Kapper"), school, created=CREATED),
    }


def vp_of(credentials: list[Any], holder: Ed25519Key, **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("created", CREATED)
    signed = present(credentials, holder, challenge=CHALLENGE, domain=DOMAIN, **kwargs)
    assert isinstance(signed, dict)
    return signed


def check(vp: Any, **kwargs: Any) -> Any:
    kwargs.setdefault("challenge", CHALLENGE)
    kwargs.setdefault("domain", DOMAIN)
    kwargs.setdefault("now", NOW)
    return verify_presentation(vp, **kwargs)


def test_mixed_presentation_verifies_and_reports_each_credential(
    keys: dict[str, Ed25519Key], creds: dict[str, Any]
) -> None:
    vp = vp_of([creds["di"], creds["jwt"], creds["second"]], keys["learner"])
    assert vp["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert vp["holder"] == keys["learner"].did
    assert vp["verifiableCredential"][1] == envelope(creds["jwt"])
    assert vp["proof"]["proofPurpose"] == "authentication"
    assert (vp["proof"]["challenge"], vp["proof"]["domain"]) == (CHALLENGE, DOMAIN)
    result = check(vp)
    assert result.verified, result.codes
    assert [c.format for c in result.credentials] == ["data-integrity", "vc+jwt", "data-integrity"]
    assert all(c.verified and c.holder_bound for c in result.credentials)
    assert result.credentials[0].checks == {
        "structure": True,
        "proofs": True,
        "issuer_authorization": True,
        "validity_period": True,
        "policy": True,
        "holder_binding": True,
    }
    assert result.credentials[1].result.document == creds["unsigned"]
    assert json.loads(json.dumps(result.to_json()))["verified"] is True


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"challenge": "another-challenge"}, "challenge_mismatch"),
        ({"domain": "concurrent.example"}, "domain_mismatch"),
    ],
)
def test_replay_with_another_challenge_or_domain(
    keys: dict[str, Ed25519Key], creds: dict[str, Any], kwargs: dict[str, str], code: str
) -> None:
    vp = vp_of([creds["di"], creds["jwt"]], keys["learner"])
    result = check(vp, **kwargs)
    assert not result.verified
    assert result.codes == [code]
    assert [c.verified for c in result.credentials] == [True, True]  # still reported one by one


def test_proof_without_challenge_or_domain(
    keys: dict[str, Ed25519Key], creds: dict[str, Any]
) -> None:
    vp = create_presentation([creds["di"]], holder=keys["learner"].did)
    bare = sign(vp, keys["learner"], proof_purpose="authentication", created=CREATED)
    assert check(bare).codes == ["challenge_mismatch", "domain_mismatch"]
    assert check(bare, domain=None).codes == ["challenge_mismatch"]


def test_credential_of_someone_else(keys: dict[str, Ed25519Key], creds: dict[str, Any]) -> None:
    vp = vp_of([creds["di"], creds["someone_else"], creds["jwt"]], keys["learner"])
    result = check(vp)
    assert not result.verified
    assert result.codes == ["holder_mismatch"]
    assert result.problems[0].where == "verifiableCredential[1].credentialSubject"
    assert [c.verified for c in result.credentials] == [True, False, True]
    assert result.credentials[1].result.verified  # its own proof is fine: the binding is not
    assert result.credentials[1].checks["holder_binding"] is False
    lenient = check(vp, policy=VerifierPolicy(holder_binding="none"))
    assert lenient.verified and lenient.credentials[1].holder_bound is None


def test_tampered_embedded_credential(keys: dict[str, Ed25519Key], creds: dict[str, Any]) -> None:
    tampered = copy.deepcopy(creds["di"])
    tampered["credentialSubject"]["achievement"]["name"] = "Verpleegkundige (crebo 25655)"
    vp = vp_of([creds["second"], tampered, creds["jwt"]], keys["learner"])
    result = check(vp)
    assert result.codes == ["invalid_signature"]
    assert result.problems[0].where == "verifiableCredential[1].proof[0]"
    assert [c.verified for c in result.credentials] == [True, False, True]
    assert result.credentials[1].checks["proofs"] is False
    assert result.proofs[0].verified  # the holder did sign what they presented


def test_tampered_jwt_credential(keys: dict[str, Ed25519Key], creds: dict[str, Any]) -> None:
    head, _, sig = creds["jwt"].split(".")
    forged = dict(creds["unsigned"], name="Verpleegkundige")
    from mbo_vc.jws import b64url as _b64url

    token = f"{head}.{_b64url(json.dumps(forged).encode())}.{sig}"
    result = check(vp_of([creds["di"], token], keys["learner"]))
    assert result.codes == ["invalid_signature"]
    assert [c.verified for c in result.credentials] == [True, False]


def test_expired_holder_proof(keys: dict[str, Ed25519Key], creds: dict[str, Any]) -> None:
    vp = vp_of([creds["di"], creds["jwt"]], keys["learner"], expires="2026-11-01T12:00:00Z")
    assert check(vp, now="2026-11-01T11:59:59Z").verified
    result = check(vp, now="2026-11-01T12:01:00Z")
    assert result.codes == ["proof_expired"]
    assert [c.verified for c in result.credentials] == [True, True]
    skew = VerifierPolicy(clock_skew=timedelta(minutes=2))
    assert check(vp, now="2026-11-01T12:01:00Z", policy=skew).verified


def test_holder_key_not_authorized_for_authentication(creds: dict[str, Any]) -> None:
    """A wallet key the holder lists only under assertionMethod may not authenticate."""
    did = "did:web:wallet.example:learner"
    wallet = Ed25519Key.generate().with_controller(did, f"{did}#k1")
    doc = {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": did,
        "verificationMethod": [wallet.multikey()],
        "assertionMethod": [f"{did}#k1"],
    }
    resolver = DidResolver(documents={did: doc})
    vp = vp_of([], wallet)
    result = check(vp, resolver=resolver)
    assert result.codes == ["vm_not_authorized"]
    doc["authentication"] = [f"{did}#k1"]
    assert check(vp, resolver=DidResolver(documents={did: doc})).verified


def test_holder_proof_by_a_key_of_someone_else(
    keys: dict[str, Ed25519Key], creds: dict[str, Any]
) -> None:
    vp = create_presentation([creds["di"]], holder=keys["learner"].did)
    signed = sign_presentation(
        vp, keys["other"], challenge=CHALLENGE, domain=DOMAIN, created=CREATED
    )
    result = check(signed)
    assert result.codes == ["vm_not_authorized"]
    assert result.credentials[0].verified


def test_presentation_structure_problems(
    keys: dict[str, Ed25519Key], creds: dict[str, Any]
) -> None:
    vp = create_presentation([creds["di"]], holder=keys["learner"].did)
    assert check(vp).codes == ["no_proof"]
    no_holder = {k: v for k, v in vp.items() if k != "holder"}
    signed = sign(
        no_holder,
        keys["learner"],
        proof_purpose="authentication",
        challenge=CHALLENGE,
        domain=DOMAIN,
    )
    # holder is optional (VC DM 2.0): without one, there is nothing to bind to ...
    result = check(signed)
    assert result.verified, result.codes
    assert result.holder is None and result.credentials[0].holder_bound is None
    # ... unless the verifier's policy requires a named holder
    codes = check(signed, policy=VerifierPolicy(holder_binding="required")).codes
    assert codes[0] == "missing_holder" and "holder_mismatch" in codes
    assert "not_a_presentation" in check(creds["di"]).codes
    assert check("not json").codes == ["malformed_document"]
    assert not check({"type": "VerifiablePresentation"}).verified


def test_embedded_credentials_need_their_own_context(
    keys: dict[str, Ed25519Key], creds: dict[str, Any]
) -> None:
    with pytest.raises(UsageError, match="@context"):
        create_presentation(
            [{k: v for k, v in creds["di"].items() if k != "@context"}], holder=keys["learner"].did
        )
    vp = create_presentation([creds["di"]], holder=keys["learner"].did)
    del vp["verifiableCredential"][0]["@context"]
    from mbo_vc.errors import SafeModeError

    with pytest.raises(SafeModeError):  # credentials/v2 resets the context inside the graph
        sign_presentation(vp, keys["learner"], challenge=CHALLENGE)


def test_challenge_is_required(keys: dict[str, Ed25519Key], creds: dict[str, Any]) -> None:
    vp = vp_of([creds["di"]], keys["learner"])
    with pytest.raises(UsageError):
        verify_presentation(vp, challenge="")
    with pytest.raises(UsageError):
        present([creds["di"]], keys["learner"], challenge="")


def test_policy_in_a_presentation(keys: dict[str, Ed25519Key], creds: dict[str, Any]) -> None:
    vp = vp_of([creds["di"], creds["second"]], keys["learner"])
    trusted = VerifierPolicy(trusted_issuers={keys["school"].did})
    result = check(vp, policy=trusted)
    assert result.codes == ["untrusted_issuer"]
    assert [c.verified for c in result.credentials] == [True, False]
    wants = VerifierPolicy(required_types={"OpenBadgeCredential"})
    assert check(vp, policy=wants).verified
    missing = check(vp, policy=VerifierPolicy(required_types={"BurgerschapsVerklaring"}))
    assert missing.codes == ["missing_type"]
    assert all(c.verified for c in missing.credentials)


def test_unsupported_envelope_is_reported_on_its_own(
    keys: dict[str, Ed25519Key], creds: dict[str, Any]
) -> None:
    cose = {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "id": "data:application/vc+cose;base64,2NKEQ6EBJqBAWEA",
        "type": "EnvelopedVerifiableCredential",
    }
    result = check(vp_of([cose, creds["di"]], keys["learner"]))
    assert result.codes == ["invalid_envelope"]
    assert [c.verified for c in result.credentials] == [False, True]
    # (a vc+sd-jwt envelope is read since VC-JOSE-COSE §3.2 is: this one has no typ)
    sd = {**cose, "id": "data:application/vc+sd-jwt,eyJhbGciOiJFUzI1NiJ9.e30.c2ln~"}
    result = check(vp_of([sd, creds["di"]], keys["learner"]))
    assert result.codes == ["jwt_bad_type"]


def test_vp_jwt_round_trip_and_replay(keys: dict[str, Ed25519Key], creds: dict[str, Any]) -> None:
    token = present(
        [creds["di"], creds["jwt"]],
        keys["learner"],
        challenge=CHALLENGE,
        domain=DOMAIN,
        format="vp+jwt",
    )
    assert isinstance(token, str)
    header, payload = decode_jwt(token)
    assert header["typ"] == "vp+jwt" and payload["nonce"] == CHALLENGE and payload["aud"] == DOMAIN
    assert is_presentation(token) and is_presentation(
        json.dumps(envelope(token, presentation=True))
    )
    result = check(token)
    assert result.verified and result.format == "vp+jwt", result.codes
    assert check(envelope(token, presentation=True)).verified
    assert check(token, challenge="other").codes == ["challenge_mismatch"]
    assert check(token, domain="other.example").codes == ["domain_mismatch"]


def test_vc11_jwt_credential_inside_a_presentation(
    keys: dict[str, Ed25519Key], creds: dict[str, Any]
) -> None:
    """A VC 1.1 JWT inside a (VC 2.0) Data Integrity presentation: as a bare string JSON-LD
    drops it from the RDF, so the holder's proof would not cover it: refused. Enveloped (the VC
    2.0 way) it is covered, verified, and reported as a VC 1.1 JWT."""
    from tests.test_jose import ed25519_jws

    school, learner = keys["school"], keys["learner"]
    vc = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {},  # (a JWT payload is read as JSON-LD too: no undefined terms)
    }
    payload = {"iss": school.did, "sub": learner.did, "nbf": 1_767_225_600, "vc": vc}
    token = ed25519_jws(
        {"alg": "EdDSA", "typ": "JWT", "kid": school.verification_method}, payload, school
    )
    vp = create_presentation([creds["di"]], holder=learner.did)
    vp["verifiableCredential"].append(token)
    with pytest.raises(MboVcError) as exc:
        sign_presentation(vp, learner, challenge=CHALLENGE, domain=DOMAIN)
    assert exc.value.code == "invalid_value"
    vp["verifiableCredential"][1] = envelope(token)
    signed = sign_presentation(vp, learner, challenge=CHALLENGE, domain=DOMAIN)
    result = check(signed)
    assert result.verified, result.codes
    assert result.credentials[1].format == "jwt-vc-1.1"


def test_new_codes_are_documented() -> None:
    for code in (
        "holder_mismatch",
        "missing_holder",
        "not_a_presentation",
        "untrusted_issuer",
        "missing_type",
        "invalid_envelope",
    ):
        assert code in PROBLEM_CODES


def test_wallet_demo_leaves_its_files(tmp_path: Path, keys: dict[str, Ed25519Key]) -> None:
    assert wallet_demo(tmp_path, keys["school"]) is True
    recorded = json.loads((tmp_path / "presentation.challenge.json").read_text())
    vp = json.loads((tmp_path / "presentation.json").read_text())
    assert verify_presentation(vp, challenge=recorded["challenge"], domain=recorded["domain"])
    token = (tmp_path / "mbo-diploma.vc-jwt.txt").read_text().strip()
    from mbo_vc import verify_jwt

    assert verify_jwt(token).verified
    assert (tmp_path / "holder-key.secret.json").stat().st_mode & 0o077 == 0


def test_cli_present_and_verify(
    tmp_path: Path, keys: dict[str, Ed25519Key], creds: dict[str, Any], capsys: Any
) -> None:
    holder = tmp_path / "holder.json"
    keys["learner"].save(holder)
    (tmp_path / "cred.json").write_text(json.dumps(creds["di"]))
    (tmp_path / "cred.jwt").write_text(creds["jwt"] + "\n")
    out = tmp_path / "vp.json"
    argv = [
        "present",
        "--key",
        str(holder),
        "--challenge",
        CHALLENGE,
        "--domain",
        DOMAIN,
        str(tmp_path / "cred.json"),
        str(tmp_path / "cred.jwt"),
        "-o",
        str(out),
    ]
    assert main(argv) == 0
    base = ["verify", str(out), "--domain", DOMAIN]
    assert main([*base, "--challenge", CHALLENGE]) == 0
    assert main([*base, "--challenge", "replayed"]) == 1
    assert "challenge_mismatch" in capsys.readouterr().out
    assert main([*base]) == 2  # a presentation needs --challenge
    assert main(["verify", str(tmp_path / "cred.jwt")]) == 0
    assert main(["verify", str(tmp_path / "cred.json")]) == 0
    capsys.readouterr()
    assert main(["jwt", "verify", str(tmp_path / "cred.jwt"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["proofs"][0]["cryptosuite"] == "EdDSA"
    assert main([*base, "--challenge", CHALLENGE, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [c["format"] for c in report["credentials"]] == ["data-integrity", "vc+jwt"]
    unsigned = tmp_path / "unsigned.json"
    unsigned.write_text(json.dumps(creds["unsigned"]))
    school = tmp_path / "school.json"
    keys["school"].save(school)
    assert (
        main(["jwt", "sign", "--key", str(school), str(unsigned), "-o", str(tmp_path / "new.jwt")])
        == 0
    )
    assert decode_jwt((tmp_path / "new.jwt").read_text())[1] == creds["unsigned"]


def test_presentation_members_are_read_as_signed(
    keys: dict[str, Ed25519Key], creds: dict[str, Any]
) -> None:
    """The holder spelled as its full IRI is the same RDF (the proof holds) and a JSON reader no
    longer finds `holder`; the verifier reads the signed holder all the same."""
    vp = vp_of([creds["di"]], keys["learner"])
    assert check(vp).verified
    respelled = dict(vp)
    respelled["https://www.w3.org/2018/credentials#holder"] = {"id": respelled.pop("holder")}
    result = check(respelled)
    assert result.verified, result.codes
    assert result.holder == keys["learner"].did
    included = {**vp, "@included": [{"id": "did:example:x", "name": "x"}]}
    assert "invalid_signature" in check(included).codes
