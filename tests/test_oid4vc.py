"""OID4VCI 1.0 and OID4VP 1.0 message helpers: shapes, key proofs, DCQL, response validation.

The ``dc+sd-jwt`` cases use real SD-JWT VC presentations (issued by mbo_vc, presented with a
KB-JWT) and the real verifier, :func:`mbo_vc.oid4vc.mbo_vc_sd_jwt_verifier`; ``ldp_vc`` /
``jwt_vc_json`` cases use mbo_vc's own verifier on real signed presentations.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mbo_vc import Ed25519Key, present, sign
from mbo_vc.demo.mbo import example_waardepapieren
from mbo_vc.errors import (
    AuthorizationRequestError,
    CredentialIssuerMetadataError,
    CredentialOfferError,
    DcqlQueryError,
    UsageError,
)
from mbo_vc.jws import b64url, sign_compact
from mbo_vc.keys import EcKey
from mbo_vc.mbo.sd_jwt_vc import issue_sd_jwt
from mbo_vc.oid4vc import (
    PRE_AUTHORIZED_CODE_GRANT,
    PROOF_TYP,
    MemoryNonceStore,
    PresentationCheck,
    PresentationContext,
    authorization_request,
    credential_configuration,
    credential_issuer_metadata,
    credential_offer,
    credential_offer_uri,
    mbo_vc_presentation_verifier,
    mbo_vc_sd_jwt_verifier,
    parse_credential_offer,
    select_claims,
    validate_authorization_response,
    validate_credential_request,
    validate_dcql_query,
    validate_issuer_metadata,
    vct_for,
    waardepapier_query,
)
from mbo_vc.sd_jwt import present as present_sd_jwt
from mbo_vc.status import DirectoryFetcher, StatusRegistry
from mbo_vc.status.token_checker import TokenStatusListChecker
from tests.fixtures import example_diploma

ISSUER = "https://roc-voorbeeld.example"
NOW = datetime(2026, 7, 2, 12, 0, tzinfo=UTC)
WALLET = EcKey.from_secret_bytes("P-256", bytes.fromhex("71" * 32))
WALLET_ED = Ed25519Key.from_seed(bytes.fromhex("72" * 32))
SCHOOL = Ed25519Key.from_seed(bytes.fromhex("73" * 32))


def _metadata(**options: Any) -> dict[str, Any]:
    return credential_issuer_metadata(
        ISSUER,
        f"{ISSUER}/credential",
        {
            "mbo_diploma_sd_jwt": credential_configuration(
                vct=vct_for("mbo-diploma"), scope="mbo_diploma"
            ),
            "unbound": credential_configuration(vct=vct_for("mbo-verklaring"), proof_algs=None),
        },
        nonce_endpoint=f"{ISSUER}/nonce",
        **options,
    )


# --- OID4VCI metadata and offers -------------------------------------------------------------


def test_issuer_metadata_shape() -> None:
    meta = _metadata(display=[{"name": "ROC Voorbeeld", "locale": "nl-NL"}], batch_size=3)
    config = meta["credential_configurations_supported"]["mbo_diploma_sd_jwt"]
    assert config == {
        "format": "dc+sd-jwt",
        "scope": "mbo_diploma",
        "vct": "https://w3id.org/mbo-vc/vct/mbo-diploma/v1",
        "credential_signing_alg_values_supported": ["ES256"],
        "cryptographic_binding_methods_supported": ["jwk", "did:jwk", "did:key", "did:web"],
        "proof_types_supported": {
            "jwt": {"proof_signing_alg_values_supported": ["ES256", "EdDSA"]}
        },
    }
    assert meta["credential_issuer"] == ISSUER and meta["nonce_endpoint"] == f"{ISSUER}/nonce"
    assert validate_issuer_metadata(json.loads(json.dumps(meta)), expected_issuer=ISSUER) == meta
    with pytest.raises(CredentialIssuerMetadataError):
        validate_issuer_metadata(meta, expected_issuer="https://other.example")
    with pytest.raises(UsageError):
        vct_for("havo-diploma")


@pytest.mark.parametrize(
    "change",
    [
        {"credential_issuer": "http://roc-voorbeeld.example"},
        {"credential_issuer": None},
        {"credential_endpoint": "ftp://x"},
        {"nonce_endpoint": "not a url"},
        {"credential_configurations_supported": {}},
        {"credential_configurations_supported": {"x": {"format": "dc+sd-jwt"}}},  # no vct
        {
            "credential_configurations_supported": {
                "x": {
                    "format": "dc+sd-jwt",
                    "vct": "v",
                    "cryptographic_binding_methods_supported": ["jwk"],
                }
            }
        },  # binding without proof types
        {
            "credential_configurations_supported": {
                "x": {
                    "format": "dc+sd-jwt",
                    "vct": "v",
                    "cryptographic_binding_methods_supported": ["jwk"],
                    "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": []}},
                }
            }
        },
        {"batch_credential_issuance": {"batch_size": 1}},
        {"authorization_servers": []},
    ],
)
def test_metadata_missing_or_malformed_members_are_refused(change: dict[str, Any]) -> None:
    meta = {**_metadata(), **change}
    meta = {k: v for k, v in meta.items() if v is not None}
    with pytest.raises(CredentialIssuerMetadataError):
        validate_issuer_metadata(meta)


def test_credential_offer_pre_authorized_code() -> None:
    offer = credential_offer(
        ISSUER,
        ["mbo_diploma_sd_jwt"],
        pre_authorized_code="c0de",
        tx_code={"input_mode": "numeric", "length": 6},
    )
    assert offer == {
        "credential_issuer": ISSUER,
        "credential_configuration_ids": ["mbo_diploma_sd_jwt"],
        "grants": {
            PRE_AUTHORIZED_CODE_GRANT: {
                "pre-authorized_code": "c0de",
                "tx_code": {"input_mode": "numeric", "length": 6},
            }
        },
    }
    uri = credential_offer_uri(offer)
    assert uri.startswith("openid-credential-offer://?credential_offer=%7B")
    assert parse_credential_offer(uri, metadata=_metadata()) == offer
    assert json.loads(urllib.parse.unquote(uri.split("=", 1)[1])) == offer


@pytest.mark.parametrize(
    "offer",
    [
        None,
        "not json",
        [],
        {"credential_configuration_ids": ["x"]},
        {"credential_issuer": ISSUER, "credential_configuration_ids": []},
        {"credential_issuer": ISSUER, "credential_configuration_ids": ["a", "a"]},
        {"credential_issuer": ISSUER, "credential_configuration_ids": ["nope"]},  # not offered
        {
            "credential_issuer": ISSUER,
            "credential_configuration_ids": ["unbound"],
            "grants": {PRE_AUTHORIZED_CODE_GRANT: {}},
        },
        {
            "credential_issuer": ISSUER,
            "credential_configuration_ids": ["unbound"],
            "grants": {
                PRE_AUTHORIZED_CODE_GRANT: {
                    "pre-authorized_code": "c",
                    "tx_code": {"input_mode": "emoji"},
                }
            },
        },
        {
            "credential_issuer": ISSUER,
            "credential_configuration_ids": ["unbound"],
            "grants": {
                PRE_AUTHORIZED_CODE_GRANT: {
                    "pre-authorized_code": "c",
                    "tx_code": {"description": "x" * 301},
                }
            },
        },
        "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fevil.example",
    ],
)
def test_hostile_offers_are_refused(offer: Any) -> None:
    with pytest.raises(CredentialOfferError):
        parse_credential_offer(offer, metadata=_metadata())


# --- OID4VCI credential requests and key proofs ----------------------------------------------


def _proof(key: Any = WALLET, *, header: dict[str, Any] | None = None, **claims: Any) -> str:
    head = {"typ": PROOF_TYP, "alg": key.jws_alg, "jwk": key.to_jwk()}
    head.update(header or {})
    body = {"aud": ISSUER, "iat": int(NOW.timestamp())}
    body.update(claims)
    return sign_compact(
        {k: v for k, v in head.items() if v is not None},
        {k: v for k, v in body.items() if v is not None},
        key,
    )


def _request(*proofs: str, config: str = "mbo_diploma_sd_jwt") -> dict[str, Any]:
    return {"credential_configuration_id": config, "proofs": {"jwt": list(proofs)}}


def test_credential_request_with_jwk_and_kid_proofs() -> None:
    store = MemoryNonceStore()
    nonce = store.issue(NOW)
    result = validate_credential_request(
        _request(_proof(nonce=nonce)), metadata=_metadata(), nonces=store, now=NOW
    )
    assert result.ok, result.problems
    assert result.configuration_id == "mbo_diploma_sd_jwt"
    assert result.holder_keys == [WALLET.to_jwk()] and result.holder_kids == [None]
    # kid = a DID URL (did:key, EdDSA); the nonce was used, a new one is needed
    nonce2 = store.issue(NOW)
    kid_proof = _proof(
        WALLET_ED, header={"jwk": None, "kid": WALLET_ED.verification_method}, nonce=nonce2
    )
    result = validate_credential_request(
        _request(kid_proof), metadata=_metadata(), nonces=store, now=NOW
    )
    assert result.ok, result.problems
    assert result.holder_kids == [WALLET_ED.verification_method]
    assert result.holder_keys == [WALLET_ED.to_jwk()]
    # a credential configuration without key binding takes no proofs
    assert validate_credential_request(
        {"credential_configuration_id": "unbound"}, metadata=_metadata(), nonces=store, now=NOW
    ).ok


def _codes(request: Any, store: MemoryNonceStore | None = None, **options: Any) -> list[str]:
    result = validate_credential_request(
        request,
        metadata=options.pop("metadata", _metadata()),
        nonces=store or MemoryNonceStore(),
        now=NOW,
        **options,
    )
    assert not result.ok and not result.holder_keys
    assert result.error_response() is not None
    return [p.code for p in result.problems]


def test_replayed_nonce_is_invalid_nonce() -> None:
    store = MemoryNonceStore()
    nonce = store.issue(NOW)
    request = _request(_proof(nonce=nonce))
    assert validate_credential_request(request, metadata=_metadata(), nonces=store, now=NOW).ok
    assert _codes(request, store) == ["invalid_nonce"]  # the same proof again
    assert _codes(_request(_proof(nonce="never-issued")), store) == ["invalid_nonce"]
    expired = MemoryNonceStore(lifetime=timedelta(seconds=30))
    old = expired.issue(NOW - timedelta(minutes=1))
    assert _codes(_request(_proof(nonce=old)), expired) == ["invalid_nonce"]
    assert _codes(_request(_proof()), store) == ["invalid_proof"]  # no nonce at all


def _none_alg_proof() -> str:
    head = b64url(json.dumps({"typ": PROOF_TYP, "alg": "none", "jwk": WALLET.to_jwk()}).encode())
    body = b64url(json.dumps({"aud": ISSUER, "iat": int(NOW.timestamp()), "nonce": "n"}).encode())
    return f"{head}.{body}."


@pytest.mark.parametrize(
    ("proof", "fragment"),
    [
        (lambda: _proof(header={"typ": "JWT"}, nonce="n"), "typ"),
        (lambda: _proof(header={"typ": None}, nonce="n"), "typ"),
        (_none_alg_proof, "alg"),
        (lambda: _proof(header={"jwk": WALLET.to_jwk(private=True)}, nonce="n"), "private key"),
        (lambda: _proof(header={"kid": WALLET_ED.verification_method}, nonce="n"), "exactly one"),
        (lambda: _proof(header={"jwk": None}, nonce="n"), "exactly one"),
        (lambda: _proof(header={"jwk": WALLET_ED.to_jwk()}, nonce="n"), "signature|alg"),
        (lambda: _proof(aud="https://other.example", nonce="n"), "aud"),
        (lambda: _proof(aud=[ISSUER], nonce="n"), "aud"),
        (lambda: _proof(iat=None, nonce="n"), "iat"),
        (lambda: _proof(iat=int((NOW - timedelta(hours=1)).timestamp()), nonce="n"), "older"),
        (lambda: _proof(iat=int((NOW + timedelta(hours=1)).timestamp()), nonce="n"), "future"),
        (lambda: _proof(header={"crit": ["x"], "x": 1}, nonce="n"), "crit"),
        (lambda: _proof(header={"jwk": None, "kid": "did:key:z6MkUnknownKey#1"}, nonce="n"), "kid"),
        (lambda: "eyJhbGciOi.garbage", "compact JWS"),
        (lambda: 17, "compact JWS"),
    ],
)
def test_hostile_key_proofs_are_invalid_proof(proof: Any, fragment: str) -> None:
    store = MemoryNonceStore()
    result = validate_credential_request(
        _request(proof()), metadata=_metadata(), nonces=store, now=NOW
    )
    assert [p.code for p in result.problems] == ["invalid_proof"], result.problems
    assert re.search(fragment, result.problems[0].message), result.problems
    assert 'd":' not in result.problems[0].message  # no private key echoed


@pytest.mark.parametrize(
    ("request_", "code"),
    [
        ("not json", "invalid_credential_request"),
        ([], "invalid_credential_request"),
        ({"proofs": {"jwt": ["x"]}}, "invalid_credential_request"),
        (
            {"credential_configuration_id": "x", "credential_identifier": "y"},
            "invalid_credential_request",
        ),
        (
            {"credential_configuration_id": "nope", "proofs": {"jwt": ["x"]}},
            "unknown_credential_configuration",
        ),
        (
            {"credential_configuration_id": "mbo_diploma_sd_jwt", "proof": {"jwt": "x"}},
            "invalid_credential_request",
        ),
        ({"credential_configuration_id": "mbo_diploma_sd_jwt"}, "invalid_proof"),
        (
            {"credential_configuration_id": "mbo_diploma_sd_jwt", "proofs": {"di_vp": [{}]}},
            "invalid_proof",
        ),
        (
            {
                "credential_configuration_id": "mbo_diploma_sd_jwt",
                "proofs": {"jwt": [], "di_vp": []},
            },
            "invalid_proof",
        ),
        (
            {"credential_configuration_id": "mbo_diploma_sd_jwt", "proofs": {"jwt": []}},
            "invalid_proof",
        ),
        (
            {"credential_configuration_id": "unbound", "proofs": {"jwt": ["x"]}},
            "invalid_credential_request",
        ),
    ],
)
def test_malformed_requests(request_: Any, code: str) -> None:
    assert _codes(request_) == [code]


def test_batch_limits_and_duplicate_keys() -> None:
    store = MemoryNonceStore()
    nonce = store.issue(NOW)
    two = _request(_proof(nonce=nonce), _proof(WALLET_ED, nonce=nonce))
    assert _codes(two, store) == ["invalid_proof"]  # no batch issuance offered
    meta = _metadata(batch_size=2)
    assert validate_credential_request(two, metadata=meta, nonces=store, now=NOW).ok
    nonce = store.issue(NOW)
    same_key = _request(_proof(nonce=nonce), _proof(nonce=nonce))
    assert _codes(same_key, store, metadata=meta) == ["invalid_proof"]
    mixed = _request(_proof(nonce=store.issue(NOW)), _proof(WALLET_ED, nonce=store.issue(NOW)))
    assert _codes(mixed, store, metadata=meta) == ["invalid_nonce"]


# --- DCQL ------------------------------------------------------------------------------------

DIPLOMA_CLAIMS = (["opleiding", "naam"], ["opleiding", "crebo"], ["instelling", "naam"])


def test_waardepapier_query_shape() -> None:
    query = waardepapier_query("mbo-diploma", DIPLOMA_CLAIMS, credential_id="diploma")
    assert query == {
        "credentials": [
            {
                "id": "diploma",
                "format": "dc+sd-jwt",
                "meta": {"vct_values": ["https://w3id.org/mbo-vc/vct/mbo-diploma/v1"]},
                "claims": [{"path": list(p)} for p in DIPLOMA_CLAIMS],
            }
        ]
    }


@pytest.mark.parametrize(
    "query",
    [
        None,
        {},
        {"credentials": []},
        {"credentials": [{"id": "a b", "format": "dc+sd-jwt", "meta": {"vct_values": ["v"]}}]},
        {"credentials": [{"id": "a", "format": "dc+sd-jwt"}]},
        {"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": []}}]},
        {"credentials": [{"id": "a", "format": "ldp_vc", "meta": {}}]},
        {
            "credentials": [
                {"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["v"]}},
                {"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["v"]}},
            ]
        },
        {
            "credentials": [
                {
                    "id": "a",
                    "format": "dc+sd-jwt",
                    "meta": {"vct_values": ["v"]},
                    "claims": [{"path": []}],
                }
            ]
        },
        {
            "credentials": [
                {
                    "id": "a",
                    "format": "dc+sd-jwt",
                    "meta": {"vct_values": ["v"]},
                    "claims": [{"path": ["x", -1]}],
                }
            ]
        },
        {
            "credentials": [
                {
                    "id": "a",
                    "format": "dc+sd-jwt",
                    "meta": {"vct_values": ["v"]},
                    "claims": [{"path": ["x"], "values": [1.5]}],
                }
            ]
        },
        {
            "credentials": [
                {
                    "id": "a",
                    "format": "dc+sd-jwt",
                    "meta": {"vct_values": ["v"]},
                    "claim_sets": [["x"]],
                }
            ]
        },
        {
            "credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["v"]}}],
            "credential_sets": [{"options": [["b"]]}],
        },
        {
            "credentials": [
                {"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["v"]}, "multiple": "yes"}
            ]
        },
    ],
)
def test_hostile_dcql_queries(query: Any) -> None:
    with pytest.raises(DcqlQueryError):
        validate_dcql_query(query)


def test_claims_path_pointer() -> None:
    doc = {"a": {"b": [1, {"c": 2}, {"c": 3}]}, "s": "x"}
    assert select_claims(doc, ["a", "b", None, "c"]) is None  # 1 is not an object: abort
    assert select_claims(doc, ["a", "b", 1, "c"]) == [2]
    assert select_claims({"l": [{"c": 2}, {"c": 3}]}, ["l", None, "c"]) == [2, 3]
    assert select_claims(doc, ["missing"]) is None
    assert select_claims(doc, ["s", 0]) is None


# --- OID4VP authorization request and response -----------------------------------------------

CLIENT = "x509_san_dns:werkgever.example"


def _auth_request(query: dict[str, Any] | None = None, **options: Any) -> dict[str, Any]:
    return authorization_request(
        client_id=CLIENT,
        dcql_query=query
        or waardepapier_query("mbo-diploma", DIPLOMA_CLAIMS, credential_id="diploma"),
        response_uri="https://werkgever.example/oid4vp/response",
        **options,
    )


def test_authorization_request_shape() -> None:
    request = _auth_request()
    assert set(request) == {
        "response_type",
        "response_mode",
        "client_id",
        "nonce",
        "state",
        "dcql_query",
        "response_uri",
    }
    assert request["response_type"] == "vp_token" and request["response_mode"] == "direct_post"
    assert len(request["nonce"]) >= 22 and request["nonce"] != _auth_request()["nonce"]
    with pytest.raises(AuthorizationRequestError):
        _auth_request(nonce="not url safe!")
    with pytest.raises(AuthorizationRequestError):
        authorization_request(client_id=CLIENT, dcql_query={}, response_uri="https://x.example/r")
    with pytest.raises(AuthorizationRequestError):
        authorization_request(client_id=CLIENT, dcql_query=_auth_request()["dcql_query"])


# The dc+sd-jwt presentations are real: the school issues the waardepapier as SD-JWT VC (ES256,
# bound to the wallet key), the wallet presents it with a KB-JWT for the request's nonce and
# client_id, and mbo_vc_sd_jwt_verifier() verifies it (signature, disclosures, KB-JWT, status).
SCHOOL_EC = EcKey.from_secret_bytes("P-256", bytes.fromhex("75" * 32))
PAPERS = example_waardepapieren(SCHOOL_EC.did)
ISSUED = {
    kind: issue_sd_jwt(PAPERS[kind], SCHOOL_EC, holder=WALLET.public_only()).serialize()
    for kind in ("mbo-diploma", "mbo-certificaat")
}
VERIFIERS = {"dc+sd-jwt": mbo_vc_sd_jwt_verifier()}


def _wallet(
    request: dict[str, Any],
    disclose: tuple[str, ...] = ("opleiding", "instelling"),
    *,
    kind: str = "mbo-diploma",
    token: str | None = None,
    nonce: str | None = None,
    aud: str | None = None,
    bind: bool = True,
) -> str:
    """What the wallet puts in the vp_token: the SD-JWT VC with the chosen disclosures and a
    KB-JWT for the request (or for another ``nonce``/``aud``, to make a replay)."""
    token = token or ISSUED[kind]
    if not bind:
        return present_sd_jwt(token, disclose).serialize()
    return present_sd_jwt(
        token, disclose, holder_key=WALLET, aud=aud or request["client_id"],
        nonce=nonce or request["nonce"], iat=int(NOW.timestamp()),
    ).serialize()  # fmt: skip


def _validate(
    request: dict[str, Any], vp_token: Any, state: Any = "same", **extra: Any
) -> list[str]:
    response: dict[str, Any] = {"vp_token": vp_token, **extra}
    response["state"] = request["state"] if state == "same" else state
    result = validate_authorization_response(response, request, VERIFIERS, now=NOW)
    return result.codes


def test_sd_jwt_response_with_the_real_verifier() -> None:
    request = _auth_request()
    good = {"diploma": [_wallet(request)]}
    result = validate_authorization_response(
        {"vp_token": good, "state": request["state"]}, request, VERIFIERS, now=NOW
    )
    assert result.verified and result.codes == [], result.problems
    check = result.presentations["diploma"][0]
    assert check.vct == vct_for("mbo-diploma") == "https://w3id.org/mbo-vc/vct/mbo-diploma/v1"
    assert check.nonce == request["nonce"] and check.audience == CLIENT
    assert check.issuer == SCHOOL_EC.did
    assert check.claims is not None and check.claims["opleiding"]["crebo"] == "25491"
    assert check.claims["student"] == {} and "leerweg" not in check.claims
    # vp_token as the JSON text a form-encoded direct_post carries
    assert _validate(request, json.dumps(good)) == []
    assert _validate(request, good, state="other") == ["state_mismatch"]
    assert _validate(request, good, state=None) == ["state_mismatch"]
    # a KB-JWT for another nonce (a replay) or another verifier, or none: refused by the
    # verifier itself, so the presentation is discarded with its reason
    old = {"diploma": [_wallet(request, nonce="an-old-nonce")]}
    assert _validate(request, old) == ["presentation_invalid", "kb_jwt_nonce_mismatch"]
    other = {"diploma": [_wallet(request, aud="x509_san_dns:other.example")]}
    assert _validate(request, other) == ["presentation_invalid", "kb_jwt_aud_mismatch"]
    unbound = {"diploma": [_wallet(request, bind=False)]}
    assert _validate(request, unbound) == ["presentation_invalid", "kb_jwt_missing"]
    # another type than the query's vct_values (and a certificaat has no opleiding to match)
    cert = {"diploma": [_wallet(request, ("instelling",), kind="mbo-certificaat")]}
    assert _validate(request, cert) == ["credential_query_mismatch"] * 2
    # a requested claim the wallet withheld (the student's name is selectively disclosable)
    named = _auth_request(waardepapier_query("mbo-diploma", [["student", "naam"]],
                                             credential_id="diploma"))  # fmt: skip
    assert _validate(named, {"diploma": [_wallet(named)]}) == ["credential_query_mismatch"]
    assert _validate(named, {"diploma": [_wallet(named, ("student.naam",))]}) == []
    # a disclosure the issuer did not sign
    forged = good["diploma"][0].replace("~", "~WyJzYWx0IiwibGVlcndlZyIsIkJPTCJd~", 1)
    assert _validate(request, {"diploma": [forged]}) == [
        "presentation_invalid",
        "disclosure_unreferenced",
    ]
    # not an SD-JWT at all, for a dc+sd-jwt query (a JSON credential, a plain JWT)
    assert _validate(request, {"diploma": [{"vct": vct_for("mbo-diploma")}]}) == [
        "presentation_invalid",
        "invalid_vp_token",
    ]
    plain_jwt = ISSUED["mbo-diploma"].split("~")[0]
    assert _validate(request, {"diploma": [plain_jwt]}) == [
        "presentation_invalid",
        "invalid_vp_token",
    ]
    assert _validate(request, {}) == ["invalid_vp_token"]
    assert _validate(request, {"other": good["diploma"]}) == [
        "credential_missing",
        "credential_unexpected",
    ]
    assert _validate(request, {**good, "extra": good["diploma"]}) == ["credential_unexpected"]
    assert _validate(request, {"diploma": good["diploma"] * 2}) == ["credential_unexpected"]
    assert _validate(request, {"diploma": []}) == ["invalid_vp_token"]
    assert _validate(request, "[1") == ["invalid_vp_token"]
    no_verifier = validate_authorization_response(
        {"vp_token": good, "state": request["state"]}, request, {}, now=NOW
    )
    assert no_verifier.codes == ["format_not_supported"]
    wallet_error = validate_authorization_response({"error": "access_denied"}, request, VERIFIERS)
    assert wallet_error.codes == ["invalid_vp_token"] and not wallet_error.verified
    with pytest.raises(UsageError):
        mbo_vc_sd_jwt_verifier(nonce="fixed")


def test_holder_binding_not_required() -> None:
    """``require_cryptographic_holder_binding: false``: a presentation without KB-JWT is
    accepted (nonce and audience None); one with a KB-JWT is still checked."""
    query = waardepapier_query("mbo-diploma", credential_id="diploma")
    query["credentials"][0]["require_cryptographic_holder_binding"] = False
    request = _auth_request(query)
    assert _validate(request, {"diploma": [_wallet(request, bind=False)]}) == []
    replayed = {"diploma": [_wallet(request, nonce="an-old-nonce")]}
    assert _validate(request, replayed) == ["presentation_invalid", "kb_jwt_nonce_mismatch"]


def test_a_failing_or_broken_verifier_is_a_failed_presentation() -> None:
    """The interface itself: a caller's verifier that raises or returns no
    :class:`PresentationCheck` fails the presentation, never the validation."""

    def raising(presentation: Any, ctx: PresentationContext) -> PresentationCheck:
        raise ValueError("boom")

    def silent(presentation: Any, ctx: PresentationContext) -> Any:
        return None

    request = _auth_request()
    response = {"vp_token": {"diploma": ["x"]}, "state": request["state"]}
    for verifier in (raising, silent):
        result = validate_authorization_response(response, request, {"dc+sd-jwt": verifier})
        assert result.codes == ["presentation_invalid"] and not result.verified


def test_credential_sets_and_claim_sets() -> None:
    diploma = {
        "id": "diploma",
        "format": "dc+sd-jwt",
        "meta": {"vct_values": [vct_for("mbo-diploma")]},
        "claims": [
            {"id": "naam", "path": ["opleiding", "naam"]},
            {"id": "niveau4", "path": ["opleiding", "niveau"], "values": [4]},
            {"id": "crebo", "path": ["opleiding", "crebo"]},
        ],
        "claim_sets": [["naam", "niveau4"], ["naam", "crebo"]],
    }
    query = {
        "credentials": [
            diploma,
            {
                "id": "certificaat",
                "format": "dc+sd-jwt",
                "meta": {"vct_values": [vct_for("mbo-certificaat")]},
            },
        ],
        "credential_sets": [{"options": [["diploma"], ["certificaat"]]}],
    }
    request = _auth_request(query)
    # the diploma is niveau 3: the second claim set is satisfied
    assert _validate(request, {"diploma": [_wallet(request)]}) == []
    cert = {"certificaat": [_wallet(request, ("instelling",), kind="mbo-certificaat")]}
    assert _validate(request, cert) == []
    only_niveau4 = _auth_request(
        {"credentials": [{**diploma, "claim_sets": [["naam", "niveau4"]]}]}
    )
    assert _validate(only_niveau4, {"diploma": [_wallet(only_niveau4)]}) == [
        "credential_query_mismatch"
    ]
    as_text = {**diploma, "claims": [{"path": ["opleiding", "niveau"], "values": ["3"]}]}
    as_text.pop("claim_sets")
    text_request = _auth_request({"credentials": [as_text]})
    assert _validate(text_request, {"diploma": [_wallet(text_request)]}) == [
        "credential_query_mismatch"
    ]  # "3" is not 3


def test_oid4vp_end_to_end_with_a_token_status_list(tmp_path: Path) -> None:
    """The employer asks (DCQL) for an mbo-diploma's qualification and school; the wallet
    presents the SD-JWT VC with only those; the response verifies (Token Status List checked).
    The same vp_token against a later request (another nonce) is refused; once the school
    revokes the diploma and republishes the list, the presentation is refused as revoked."""
    lists = tmp_path / "lists"
    lists.mkdir()
    with StatusRegistry(tmp_path / "registry.db") as registry:
        registry.create_list("https://roc-voorbeeld.example/status/tsl-1", list_id="tsl-1")
        ref = registry.allocate_reference("tsl-1")
        token = issue_sd_jwt(PAPERS["mbo-diploma"], SCHOOL_EC, holder=WALLET.public_only(),
                             status=ref.status_claim()).serialize()  # fmt: skip
        registry.publish_token("tsl-1", SCHOOL_EC, lists, now=NOW)

    def employer(request: dict[str, Any], response: dict[str, Any]) -> Any:
        status = TokenStatusListChecker(DirectoryFetcher(lists))
        verifiers = {"dc+sd-jwt": mbo_vc_sd_jwt_verifier(status=status)}
        return validate_authorization_response(response, request, verifiers, now=NOW)

    wanted = [["opleiding", "naam"], ["opleiding", "crebo"], ["instelling", "naam"]]
    request = _auth_request(waardepapier_query("mbo-diploma", wanted, credential_id="diploma"))
    # the wallet reads the query, discloses what it asks for, binds to nonce + client_id
    cq = request["dcql_query"]["credentials"][0]
    disclose = tuple(dict.fromkeys(str(claim["path"][0]) for claim in cq["claims"]))
    shown = _wallet(request, disclose, token=token)
    response = {"vp_token": json.dumps({"diploma": [shown]}), "state": request["state"]}
    result = employer(request, response)
    assert result.verified, result.problems
    check = result.presentations["diploma"][0]
    assert check.claims is not None
    assert check.claims["opleiding"]["naam"] == "Verzorgende-IG"
    assert check.claims["instelling"]["naam"].startswith("ROC")
    assert check.claims["student"] == {} and check.claims["resultaten"] == []
    assert "status" in check.detail.checks
    # replayed: the captured vp_token posted against a new request (another nonce)
    later = _auth_request(waardepapier_query("mbo-diploma", wanted, credential_id="diploma"))
    replay = employer(later, {"vp_token": response["vp_token"], "state": later["state"]})
    assert replay.codes == ["presentation_invalid", "kb_jwt_nonce_mismatch"]
    assert not replay.verified
    # revoked and republished
    with StatusRegistry(tmp_path / "registry.db") as registry:
        registry.revoke("tsl-1", ref.idx, reason="withdrawn")
        registry.publish_token("tsl-1", SCHOOL_EC, lists, now=NOW)
    revoked = employer(request, response)
    assert revoked.codes == ["presentation_invalid", "revoked"] and not revoked.verified


def test_data_integrity_and_vp_jwt_presentations_with_mbo_vc() -> None:
    holder = Ed25519Key.from_seed(bytes.fromhex("74" * 32))
    unsigned = example_diploma(SCHOOL.did)
    unsigned["credentialSubject"]["id"] = holder.did
    diploma = sign(unsigned, SCHOOL, created="2026-07-01T00:00:00Z")
    types = [
        "https://www.w3.org/2018/credentials#VerifiableCredential",
        "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential",
    ]
    query = {
        "credentials": [
            {
                "id": "diploma",
                "format": "ldp_vc",
                "meta": {"type_values": [types]},
                "claims": [{"path": ["credentialSubject", "achievement", "name"]}],
            }
        ]
    }
    request = _auth_request(query)
    verifiers = {
        "ldp_vc": mbo_vc_presentation_verifier(),
        "jwt_vc_json": mbo_vc_presentation_verifier(),
    }

    def run(vp: Any, fmt: str = "ldp_vc") -> Any:
        req = (
            request
            if fmt == "ldp_vc"
            else _auth_request({"credentials": [{**query["credentials"][0], "format": fmt}]})
        )
        return validate_authorization_response(
            {"vp_token": {"diploma": [vp]}, "state": req["state"]}, req, verifiers, now=NOW
        ), req

    vp = present([diploma], holder, challenge=request["nonce"], domain=CLIENT, created=NOW)
    result, _ = run(vp)
    assert result.verified, result.problems
    assert [w.code for w in result.warnings] == ["claims_not_checked"]
    replay = present([diploma], holder, challenge="an-old-nonce", domain=CLIENT, created=NOW)
    assert "challenge_mismatch" in run(replay)[0].codes
    elsewhere = present([diploma], holder, challenge=request["nonce"], domain="other", created=NOW)
    assert "domain_mismatch" in run(elsewhere)[0].codes
    tampered = json.loads(json.dumps(vp))
    tampered["verifiableCredential"][0]["name"] = "mbo-diploma Anders"
    assert "presentation_invalid" in run(tampered)[0].codes
    wrong_type = _auth_request(
        {"credentials": [{**query["credentials"][0], "meta": {"type_values": [["urn:x:Other"]]}}]}
    )
    vp2 = present([diploma], holder, challenge=wrong_type["nonce"], domain=CLIENT, created=NOW)
    res = validate_authorization_response(
        {"vp_token": {"diploma": [vp2]}, "state": wrong_type["state"]},
        wrong_type,
        verifiers,
        now=NOW,
    )
    assert res.codes == ["credential_query_mismatch"]
    # the same as a vp+jwt under jwt_vc_json
    _, jwt_request = run(vp, "jwt_vc_json")
    token = present(
        [diploma], holder, challenge=jwt_request["nonce"], domain=CLIENT, format="vp+jwt"
    )
    res = validate_authorization_response(
        {"vp_token": {"diploma": [token]}, "state": jwt_request["state"]},
        jwt_request,
        verifiers,
        now=NOW,
    )
    assert res.verified, res.problems
