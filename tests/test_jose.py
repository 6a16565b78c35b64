"""VC-JOSE-COSE (JOSE part): vc+jwt / vp+jwt, the WG test suite, VC 1.1 JWTs, kid resolution."""

from __future__ import annotations

import base64
import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from jwcrypto import jwk, jws

from mbo_vc import (
    DidResolver,
    Ed25519Key,
    VerifierPolicy,
    sign,
    verify,
    verify_jwt,
    verify_presentation,
)
from mbo_vc.errors import KeyFormatError, MboVcError, UsageError
from mbo_vc.jose import (
    decode_jwt,
    envelope,
    is_compact_jws,
    secure_jwt,
    unenvelope,
)
from mbo_vc.result import PROBLEM_CODES
from tests.helpers import load_vector

VC2 = "https://www.w3.org/ns/credentials/v2"
VC1 = "https://www.w3.org/2018/credentials/v1"
NOW = "2026-11-01T12:00:00Z"
SCHOOL = "did:web:roc-voorbeeld.example"

SUITE = load_vector("vc-jose-cose/test-suite-jose.json")
SUITE_NOW = "2024-12-15T12:00:00Z"  # within the suite's presentations' iat..exp (Dec 2024)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def raw_jws(header: dict[str, Any], payload: dict[str, Any], key: jwk.JWK | None) -> str:
    """A compact JWS made with jwcrypto directly (for VC 1.1 and deliberately bad tokens)."""
    body = json.dumps(payload).encode()
    if key is None:  # alg none: empty signature
        return f"{b64(json.dumps(header).encode())}.{b64(body)}."
    token = jws.JWS(body)
    token.add_signature(key, alg=header["alg"], protected=json.dumps(header))
    return str(token.serialize(compact=True))


def ed25519_jws(header: dict[str, Any], payload: dict[str, Any], key: Ed25519Key) -> str:
    """A compact EdDSA JWS built by hand (jwcrypto refuses to sign some deliberately bad ones)."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    return f"{signing_input}.{b64(key.sign(signing_input.encode()))}"


def credential(issuer: str, subject: str = "did:example:learner") -> dict[str, Any]:
    return {
        "@context": [VC2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:0b9a3c48-1a1e-4c3b-9f43-7a3b1f2f0001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "ROC Voorbeeld"},
        "validFrom": "2026-07-01T00:00:00Z",
        "name": "mbo-diploma Verzorgende-IG",
        "credentialSubject": {
            "id": subject,
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.org/kwalificaties/25491",
                "type": ["Achievement"],
                "name": "Verzorgende-IG (crebo 25491)",
                "criteria": {"narrative": "Alle kerntaken behaald."},
            },
        },
    }


def school_resolver(
    assertion: list[tuple[str, dict[str, Any]]],
    other: list[tuple[str, dict[str, Any]]] = (),  # type: ignore[assignment]
) -> DidResolver:
    """A pinned did:web school document: ``assertion`` keys are listed under assertionMethod,
    ``other`` keys only under authentication. Keys are (fragment, JsonWebKey publicKeyJwk)."""
    vms = [
        {"id": f"{SCHOOL}#{frag}", "type": "JsonWebKey", "controller": SCHOOL, "publicKeyJwk": pub}
        for frag, pub in [*assertion, *other]
    ]
    doc = {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": SCHOOL,
        "verificationMethod": vms,
        "assertionMethod": [f"{SCHOOL}#{f}" for f, _ in assertion],
        "authentication": [f"{SCHOOL}#{f}" for f, _ in other],
    }
    return DidResolver(documents={SCHOOL: doc})


# --- the W3C VC-JOSE-COSE test suite (JOSE verify cases) --------------------------------------


def suite_resolver(key_file: str) -> DidResolver:
    vm = SUITE["keys"][key_file]
    doc = {
        "id": vm["controller"],
        "verificationMethod": [vm],
        "assertionMethod": [vm["id"]],
        "authentication": [vm["id"]],
    }
    return DidResolver(documents={doc["id"]: doc})


@pytest.mark.parametrize("case", SUITE["verify_cases"], ids=lambda c: str(c["number"]))
def test_vc_jose_cose_suite_outcome(case: dict[str, Any], vector_loader: Any) -> None:
    """Each verify case has the suite's outcome, and fails with the code we expect.

    (The suite's payloads use the W3C examples context: the test registers it.)"""
    data = case["input"] if isinstance(case["input"], str) else json.dumps(case["input"])
    resolver = suite_resolver(case["key_file"])
    if case["feature"] == "presentation_jose" and case["number"] == 16:
        result: Any = verify_presentation(
            data, challenge="x", resolver=resolver, now=SUITE_NOW, loader=vector_loader
        )
        # the suite's presentations carry no nonce: our verifier insists on a challenge
        codes = [c for c in result.codes if c != "challenge_mismatch"]
    else:
        expected = "presentation" if case["feature"] == "presentation_jose" else "credential"
        result = verify_jwt(
            data, expected=expected, resolver=resolver, now=SUITE_NOW, loader=vector_loader
        )
        codes = result.codes
    assert codes == case["mbo_vc_codes"], result.to_json()
    assert (codes == []) == (case["expected_result"] == "success")


def test_suite_iat_is_an_iso_string_and_is_not_interpreted(vector_loader: Any) -> None:
    case = next(c for c in SUITE["verify_cases"] if c["number"] == 8)
    _, payload = decode_jwt(case["input"])
    assert payload["iat"] == "2010-01-01T19:23:24Z"
    resolver = suite_resolver(case["key_file"])
    assert verify_jwt(case["input"], resolver=resolver, loader=vector_loader).verified


def test_suite_multiple_presentation_reports_each_envelope(vector_loader: Any) -> None:
    case = next(c for c in SUITE["verify_cases"] if c["number"] == 7)
    docs = {}
    for name in ("vm-p256.json", "vm-p384.json"):
        vm = SUITE["keys"][name]
        docs.setdefault(vm["controller"], []).append(vm)
    ctl, vms = next(iter(docs.items()))
    doc = {
        "id": ctl,
        "verificationMethod": vms,
        "assertionMethod": [v["id"] for v in vms],
        "authentication": [v["id"] for v in vms],
    }
    result = verify_presentation(
        case["input"],
        challenge="x",
        resolver=DidResolver(documents={ctl: doc}),
        now=SUITE_NOW,
        policy=VerifierPolicy(holder_binding="none"),
        loader=vector_loader,
    )
    formats = [c.format for c in result.credentials]
    assert formats == ["vc+jwt", "vc+sd-jwt", "application/vc+cose"]
    assert result.credentials[0].verified  # the ES256 vc+jwt of case 6
    assert result.credentials[1].verified  # the ES384 vc+sd-jwt (VC-JOSE-COSE §3.2.1)
    assert result.credentials[2].codes == ["invalid_envelope"]  # COSE: not implemented


# --- securing and verifying our own ------------------------------------------------------------


def test_jwt_twin_carries_the_same_claims_as_the_data_integrity_credential() -> None:
    key = Ed25519Key.from_seed(bytes(range(32)))
    unsigned = credential(key.did)
    di = sign(unsigned, key)
    token = secure_jwt(unsigned, key)
    header, payload = decode_jwt(token)
    assert header == {"alg": "EdDSA", "kid": key.verification_method, "typ": "vc+jwt", "cty": "vc"}
    assert payload == {k: v for k, v in di.items() if k != "proof"} == unsigned
    jwt_result = verify_jwt(token, now=NOW)
    di_result = verify(di, now=NOW)
    assert jwt_result.verified and di_result.verified, (jwt_result.codes, di_result.codes)
    assert jwt_result.document == {k: v for k, v in di_result.document.items() if k != "proof"}  # type: ignore[union-attr]
    assert jwt_result.proofs[0].controller == di_result.proofs[0].controller == key.did


def test_alg_none_is_refused() -> None:
    key = Ed25519Key.generate()
    token = raw_jws(
        {"alg": "none", "typ": "vc+jwt", "kid": key.verification_method}, credential(key.did), None
    )
    assert verify_jwt(token, now=NOW).codes == ["jwt_alg_not_allowed"]
    upper = raw_jws(
        {"alg": "None", "typ": "vc+jwt", "kid": key.verification_method}, credential(key.did), None
    )
    assert verify_jwt(upper, now=NOW).codes == ["jwt_alg_not_allowed"]


def test_hmac_is_refused_even_with_a_matching_secret() -> None:
    key = Ed25519Key.generate()
    secret = jwk.JWK(kty="oct", k=b64(b"0" * 32))
    token = raw_jws(
        {"alg": "HS256", "typ": "vc+jwt", "kid": key.verification_method},
        credential(key.did),
        secret,
    )
    assert verify_jwt(token, now=NOW).codes == ["jwt_alg_not_allowed"]


def test_kid_of_another_did_is_a_mismatch() -> None:
    issuer, other = Ed25519Key.generate(), Ed25519Key.generate()
    token = secure_jwt(credential(issuer.did), other)  # signed by other, kid = other's VM
    assert verify_jwt(token, now=NOW).codes == ["jwt_kid_mismatch"]


def test_kid_naming_the_issuer_key_but_signed_by_another_key_fails_the_signature() -> None:
    issuer, other = Ed25519Key.generate(), Ed25519Key.generate()
    token = secure_jwt(credential(issuer.did), other, kid=issuer.verification_method)
    result = verify_jwt(token, now=NOW)
    assert result.codes == ["invalid_signature"]
    assert result.proofs[0].verification_method == issuer.verification_method


def test_jwt_signed_by_a_key_not_authorized_by_the_issuer() -> None:
    good, rogue = Ed25519Key.generate(), Ed25519Key.generate()
    resolver = school_resolver([("k1", good.to_jwk())], [("k2", rogue.to_jwk())])
    ok = secure_jwt(credential(SCHOOL), good, kid=f"{SCHOOL}#k1")
    assert verify_jwt(ok, resolver=resolver, now=NOW).verified
    bad = secure_jwt(credential(SCHOOL), rogue, kid=f"{SCHOOL}#k2")
    result = verify_jwt(bad, resolver=resolver, now=NOW)
    assert result.codes == ["vm_not_authorized"]
    assert result.proofs[0].signature_valid  # the signature itself is fine: authorization is not


def test_relative_and_bare_kids_resolve_against_the_issuer() -> None:
    key = Ed25519Key.generate()
    pub = {**key.to_jwk(), "kid": "sleutel-2026"}
    resolver = school_resolver([("k1", pub)])
    for kid in ("#k1", "k1", "sleutel-2026", str(jwk.JWK(**key.to_jwk()).thumbprint())):
        token = secure_jwt(credential(SCHOOL), key, kid=kid)
        result = verify_jwt(token, resolver=resolver, now=NOW)
        assert result.verified, (kid, result.codes)
        assert result.proofs[0].verification_method == f"{SCHOOL}#k1"
    token = secure_jwt(credential(SCHOOL), key, kid="onbekend")
    assert verify_jwt(token, resolver=resolver, now=NOW).codes == ["jwt_kid_mismatch"]


@pytest.mark.parametrize(
    ("alg", "params"),
    [
        ("ES256", {"kty": "EC", "crv": "P-256"}),
        ("RS256", {"kty": "RSA", "size": 2048}),
        ("ES384", {"kty": "EC", "crv": "P-384"}),
    ],
)
def test_es256_and_rs256_verify(alg: str, params: dict[str, Any]) -> None:
    private = jwk.JWK.generate(**params)
    resolver = school_resolver([("k1", private.export_public(as_dict=True))])
    token = secure_jwt(credential(SCHOOL), private, alg=alg, kid=f"{SCHOOL}#k1")
    assert decode_jwt(token)[0]["alg"] == alg
    assert verify_jwt(token, resolver=resolver, now=NOW).verified
    policy = VerifierPolicy(jwt_algorithms={"EdDSA"})
    assert verify_jwt(token, resolver=resolver, now=NOW, policy=policy).codes == [
        "jwt_alg_not_allowed"
    ]


def test_alg_that_does_not_fit_the_key_is_refused() -> None:
    key = Ed25519Key.generate()
    ec = jwk.JWK.generate(kty="EC", crv="P-256")
    resolver = school_resolver([("k1", key.to_jwk())])
    token = secure_jwt(credential(SCHOOL), ec, alg="ES256", kid=f"{SCHOOL}#k1")
    assert verify_jwt(token, resolver=resolver, now=NOW).codes == ["jwt_alg_not_allowed"]


def test_embedded_jwk_without_kid_must_be_a_key_of_the_issuer() -> None:
    key = Ed25519Key.generate()
    private = jwk.JWK(**key.to_jwk(private=True))
    resolver = school_resolver([("k1", key.to_jwk())])
    header = {"alg": "EdDSA", "typ": "vc+jwt", "jwk": key.to_jwk()}
    assert verify_jwt(
        raw_jws(header, credential(SCHOOL), private), resolver=resolver, now=NOW
    ).verified
    stranger = Ed25519Key.generate()
    header = {"alg": "EdDSA", "typ": "vc+jwt", "jwk": stranger.to_jwk()}
    token = raw_jws(header, credential(SCHOOL), jwk.JWK(**stranger.to_jwk(private=True)))
    assert verify_jwt(token, resolver=resolver, now=NOW).codes == ["jwt_kid_mismatch"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"typ": "JWT"}, "jwt_bad_type"),
        ({"typ": "vc+ld+jwt"}, "jwt_bad_type"),
        ({"cty": "vp"}, "jwt_bad_type"),
        ({"crit": ["exp"]}, "jwt_malformed"),
        ({"kid": 7}, "jwt_malformed"),
    ],
)
def test_bad_headers(change: dict[str, Any], code: str) -> None:
    key = Ed25519Key.generate()
    header = {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": key.verification_method}
    token = ed25519_jws({**header, **change}, credential(key.did), key)
    assert verify_jwt(token, now=NOW).codes == [code]
    assert verify_jwt(ed25519_jws(header, credential(key.did), key), now=NOW).verified


def test_presentation_typ_where_a_credential_is_expected() -> None:
    key = Ed25519Key.generate()
    vp = {"@context": [VC2], "type": ["VerifiablePresentation"], "holder": key.did}
    token = secure_jwt(vp, key, challenge="c")
    assert verify_jwt(token, expected="credential", now=NOW).codes == ["jwt_bad_type"]
    assert verify_jwt(token, expected="presentation", now=NOW, challenge="c").verified


def test_jwt_claims_must_agree_with_the_credential() -> None:
    key = Ed25519Key.generate()
    token = secure_jwt(credential(key.did), key, claims={"iss": "did:example:someone-else"})
    assert verify_jwt(token, now=NOW).codes == ["jwt_claim_mismatch"]
    token = secure_jwt(credential(key.did), key, claims={"jti": "urn:uuid:other"})
    assert verify_jwt(token, now=NOW).codes == ["jwt_claim_mismatch"]


def test_exp_and_nbf_with_clock_skew() -> None:
    key = Ed25519Key.generate()
    exp = 1_790_000_000  # 2026-09-21T…Z
    token = secure_jwt(credential(key.did), key, claims={"exp": exp})
    assert verify_jwt(token, now=NOW).codes == ["expired"]
    just_after = datetime.fromtimestamp(exp + 30, UTC)
    assert verify_jwt(token, now=just_after).codes == ["expired"]
    lenient = VerifierPolicy(clock_skew=timedelta(minutes=1))
    assert verify_jwt(token, now=just_after, policy=lenient).verified
    token = secure_jwt(credential(key.did), key, claims={"nbf": "tomorrow"})
    assert verify_jwt(token, now=NOW).codes == ["invalid_date"]


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "a.b",
        "a.b.c.d",
        "e30.e30.!!",
        "W10.e30.",
        "eyJhbGciOiJFZERTQSJ9.bm90IGpzb24.",
        "eyJhIjoxLCJhIjoyfQ.e30.",
    ],
)
def test_malformed_tokens_never_raise(token: str) -> None:
    result = verify_jwt(token, now=NOW)
    assert not result.verified
    assert result.codes[0] in {"jwt_malformed", "duplicate_key"}, result.codes


def test_every_new_code_is_documented() -> None:
    for code in (
        "jwt_malformed",
        "jwt_alg_not_allowed",
        "jwt_bad_type",
        "jwt_kid_mismatch",
        "jwt_claim_mismatch",
        "jwt_forbidden_claim",
        "invalid_envelope",
    ):
        assert code in PROBLEM_CODES


# --- VC 1.1 JWT encoding (OBv3 1.x-era issuers) ------------------------------------------------


def vc11_token(private: jwk.JWK, alg: str, kid: str, **claims: Any) -> str:
    vc = {
        "@context": [VC1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"type": ["Profile"], "name": "ROC Voorbeeld"},
        "credentialSubject": {"type": ["AchievementSubject"], "achievement": {"name": "x"}},
    }
    payload = {
        "iss": SCHOOL,
        "nbf": 1_767_225_600,
        "jti": "urn:uuid:1234",
        "sub": "did:example:learner",
        "vc": vc,
        **claims,
    }
    return raw_jws({"alg": alg, "typ": "JWT", "kid": kid}, payload, private)


def test_vc11_jwt_rs256_is_read_and_mapped() -> None:
    private = jwk.JWK.generate(kty="RSA", size=2048)
    resolver = school_resolver([("k1", private.export_public(as_dict=True))])
    token = vc11_token(private, "RS256", f"{SCHOOL}#k1", exp=1_893_456_000)
    result = verify_jwt(token, resolver=resolver, now=NOW)
    assert result.verified, result.codes
    doc = result.document
    assert doc is not None
    assert doc["issuer"]["id"] == SCHOOL and doc["id"] == "urn:uuid:1234"
    assert doc["issuanceDate"] == "2026-01-01T00:00:00Z"
    assert doc["expirationDate"] == "2030-01-01T00:00:00Z"
    assert doc["credentialSubject"]["id"] == "did:example:learner"
    late = verify_jwt(token, resolver=resolver, now="2031-01-01T00:00:00Z")
    assert [(p.code, p.where) for p in late.problems] == [("expired", "expirationDate")]
    early = verify_jwt(token, resolver=resolver, now="2025-12-31T23:59:00Z")
    assert early.codes == ["not_yet_valid"]
    lenient = VerifierPolicy(clock_skew=timedelta(minutes=5))
    assert verify_jwt(token, resolver=resolver, now="2025-12-31T23:59:00Z", policy=lenient).verified


def test_vc11_jwt_claim_conflict_and_wrong_issuer_key() -> None:
    private = jwk.JWK.generate(kty="EC", crv="P-256")
    resolver = school_resolver([("k1", private.export_public(as_dict=True))])
    token = vc11_token(private, "ES256", f"{SCHOOL}#k1", jti="urn:uuid:1234")
    assert verify_jwt(token, resolver=resolver, now=NOW).verified
    payload = decode_jwt(token)[1]
    payload["vc"]["id"] = "urn:uuid:other"
    conflict = raw_jws({"alg": "ES256", "typ": "JWT", "kid": f"{SCHOOL}#k1"}, payload, private)
    assert verify_jwt(conflict, resolver=resolver, now=NOW).codes == ["jwt_claim_mismatch"]
    both = copy.deepcopy(payload)
    both["vc"].pop("id")
    both["vp"] = {}
    token = raw_jws({"alg": "ES256", "typ": "JWT", "kid": f"{SCHOOL}#k1"}, both, private)
    assert verify_jwt(token, resolver=resolver, now=NOW).codes == ["jwt_bad_type"]


# --- helpers, signing errors ---------------------------------------------------------------------


def test_envelope_round_trip_and_refusals() -> None:
    key = Ed25519Key.generate()
    token = secure_jwt(credential(key.did), key)
    env = envelope(token)
    assert env["type"] == "EnvelopedVerifiableCredential"
    assert unenvelope(env) == ("application/vc+jwt", token)
    assert unenvelope({"id": "data:application/vc+cose;base64,0oRY"}) == (
        "application/vc+cose",
        "0oRY",
    )
    for bad in ({"id": "https://x"}, {"id": "data:application/vc+jwt;base64,eyJ9"}, []):
        with pytest.raises(MboVcError) as err:
            unenvelope(bad)
        assert err.value.code == "invalid_envelope"
    assert is_compact_jws(token) and not is_compact_jws("{}")


def test_signing_refusals() -> None:
    key = Ed25519Key.generate()
    cred = credential(key.did)
    with pytest.raises(UsageError):
        secure_jwt({**cred, "@context": [VC1]}, key)
    with pytest.raises(UsageError):
        secure_jwt({**cred, "vc": {}}, key)
    with pytest.raises(UsageError):
        secure_jwt(sign(cred, key), key)
    with pytest.raises(UsageError):
        secure_jwt(cred, key, challenge="c")
    with pytest.raises(UsageError):
        secure_jwt({**cred, "type": ["Diploma"]}, key)
    with pytest.raises(KeyFormatError):
        secure_jwt(cred, key.public_only())
    assert "secret" not in repr(key)
