"""P-256 (and P-384) next to Ed25519: keys, hostile keys and signatures, Data Integrity, JOSE,
DIDs, the command line and a waardepapier signed by both signers with P-256 keys."""

from __future__ import annotations

import base64
import copy
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from mbo_vc import DidResolver, Ed25519Key, sign, verify, verify_jwt, verify_presentation
from mbo_vc.cli import main
from mbo_vc.did import resolve_did_key
from mbo_vc.did.documents import did_web_document
from mbo_vc.did.jwk import did_jwk_from_jwk, resolve_did_jwk
from mbo_vc.errors import (
    DidError,
    InvalidDidError,
    JwtAlgorithmError,
    KeyFormatError,
    KeySuiteMismatchError,
    SignatureEncodingError,
)
from mbo_vc.jose import decode_jwt, secure_jwt
from mbo_vc.jws import verify_signature
from mbo_vc.keys import (
    CURVES,
    EcKey,
    decode_multibase,
    encode_multibase_base58btc,
    is_high_s,
    key_from_jwk,
    key_from_multibase,
    load_key,
)
from mbo_vc.mbo import verify_waardepapier
from mbo_vc.mbo.signers import issue
from mbo_vc.presentation import present
from tests.fixtures import example_diploma

NOW = "2026-11-01T12:00:00Z"
P256 = CURVES["P-256"]
KEY = EcKey.from_secret_bytes("P-256", bytes.fromhex("1f" * 32))
KEY384 = EcKey.from_secret_bytes("P-384", bytes.fromhex("2e" * 48))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _signed(key: EcKey = KEY, **options: Any) -> dict[str, Any]:
    return sign(example_diploma(key.did), key, created="2026-09-01T00:00:00Z", **options)


def _with_signature(doc: dict[str, Any], signature: bytes) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    out["proof"]["proofValue"] = encode_multibase_base58btc(signature)
    return out


def _signature(doc: dict[str, Any]) -> bytes:
    return decode_multibase(doc["proof"]["proofValue"])


# --- keys ------------------------------------------------------------------------------------


@pytest.mark.parametrize("curve, prefix, size", [("P-256", "zDn", 33), ("P-384", "z82", 49)])
def test_generate_and_forms(curve: str, prefix: str, size: int) -> None:
    key = EcKey.generate(curve)
    assert key.public_key_multibase.startswith(prefix) and len(key.public_bytes) == size
    assert key.did == "did:key:" + key.public_key_multibase
    assert key_from_multibase(key.secret_key_multibase()) == key
    assert key_from_jwk(key.to_jwk(private=True)) == key
    assert key_from_jwk(key.to_jwk()) == key.public_only()
    assert key.jws_alg == {"P-256": "ES256", "P-384": "ES384"}[curve]
    signature = key.sign(b"data")
    assert len(signature) == 2 * CURVES[curve].size and key.verify(signature, b"data")
    assert not key.verify(signature, b"other")


def test_private_material_never_in_repr_or_errors(tmp_path: Path) -> None:
    secret = KEY.secret_key_multibase()
    d = KEY.to_jwk(private=True)["d"]
    for text in (repr(KEY), str(KEY), repr(KEY.with_controller("did:web:x.nl", "did:web:x.nl#k"))):
        assert secret not in text and d not in text
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(KEY)
    with pytest.raises(KeyFormatError) as info:
        EcKey.from_jwk({**KEY.to_jwk(private=True), "x": KEY384.to_jwk()["x"][:43]})
    assert d not in info.value.message
    for key in (KEY, KEY384):  # an error message that quotes a secret is redacted
        for leaked in (key.secret_key_multibase(), json.dumps(key.to_jwk(private=True))):
            message = KeyFormatError(f"cannot use {leaked}").message
            assert key.secret_key_multibase() not in message
            assert key.to_jwk(private=True)["d"] not in message


def test_key_files_round_trip_and_dispatch(tmp_path: Path) -> None:
    path = KEY.save(tmp_path / "p256.json")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_key(path) == KEY
    Ed25519Key.generate().save(tmp_path / "ed.json")
    assert isinstance(load_key(tmp_path / "ed.json"), Ed25519Key)
    with pytest.raises(KeyFormatError):
        Ed25519Key.load(path)  # Ed25519Key keeps its behaviour: Ed25519 only
    (tmp_path / "jwk.json").write_text(json.dumps(KEY384.to_jwk(private=True)))
    assert load_key(tmp_path / "jwk.json") == KEY384
    bound = KEY.with_controller("did:web:school.nl", "did:web:school.nl#k1")
    bound.save(tmp_path / "bound.json")
    again = load_key(tmp_path / "bound.json")
    assert again.verification_method == "did:web:school.nl#k1" and again == KEY
    (tmp_path / "big.json").write_text(" " * 70_000 + "{}")
    with pytest.raises(KeyFormatError):
        load_key(tmp_path / "big.json")
    with pytest.raises(Exception):  # noqa: B017 - refusing to overwrite is a usage error
        KEY.save(path)


def _off_curve_x() -> bytes:
    for x in range(1, 100):
        candidate = b"\x02" + x.to_bytes(32, "big")
        try:
            EcKey.from_public_bytes("P-256", candidate)
        except KeyFormatError:
            return candidate
    raise AssertionError("no off-curve x found")


@pytest.mark.parametrize(
    "raw, why",
    [
        (_off_curve_x(), "x not on the curve"),
        (b"\x00", "the point at infinity"),
        (b"\x04" + bytes(64), "uncompressed form"),
        (KEY.public_bytes[:-1], "too short"),
        (KEY.public_bytes + b"\x00", "too long"),
        (b"\x05" + KEY.public_bytes[1:], "bad prefix byte"),
        (b"\x02" + (2**256 - 1).to_bytes(32, "big"), "x above the field prime"),
    ],
)
def test_hostile_public_keys_are_invalid_key(raw: bytes, why: str) -> None:
    with pytest.raises(KeyFormatError):
        EcKey.from_multibase(encode_multibase_base58btc(P256.pub_header + raw))
    did = "did:key:" + encode_multibase_base58btc(P256.pub_header + raw)
    with pytest.raises(DidError):
        resolve_did_key(did)


def test_hostile_jwks_and_secrets() -> None:
    jwk = KEY.to_jwk()
    y = int.from_bytes(base64.urlsafe_b64decode(jwk["y"] + "="), "big")
    off = {**jwk, "y": _b64(((y + 1) % 2**256).to_bytes(32, "big"))}
    bad = [
        off,
        {**jwk, "x": jwk["x"][:-2]},  # 31 bytes
        {**jwk, "crv": "P-384"},  # coordinates of the wrong size for the curve
        {**jwk, "crv": "P-521"},
        {**jwk, "x": jwk["x"] + "="},  # padded base64url
        {**KEY.to_jwk(private=True), "x": KEY384.to_jwk()["x"][:43]},
        {**jwk, "d": KEY384.to_jwk(private=True)["d"]},  # private key of another size
        {**jwk, "d": _b64(bytes(32))},  # d = 0
        {**jwk, "d": _b64(P256.order.to_bytes(32, "big"))},  # d = n
        {**jwk, "d": EcKey.generate().to_jwk(private=True)["d"]},  # not this public key
    ]
    for value in bad:
        with pytest.raises(KeyFormatError):
            EcKey.from_jwk(value)
    with pytest.raises(InvalidDidError):
        resolve_did_jwk("did:jwk:" + _b64(json.dumps(off).encode()))


# --- Data Integrity --------------------------------------------------------------------------


@pytest.mark.parametrize("suite", ["ecdsa-rdfc-2019", "ecdsa-jcs-2019"])
@pytest.mark.parametrize("key", [KEY, KEY384], ids=["P-256", "P-384"])
def test_sign_verify_round_trip(suite: str, key: EcKey) -> None:
    signed = _signed(key, cryptosuite=suite)
    assert signed["proof"]["cryptosuite"] == suite
    result = verify(signed, now=NOW)
    assert result.verified, result.problems
    assert result.warnings == [] and not is_high_s(_signature(signed), key.curve)
    tampered = copy.deepcopy(signed)
    tampered["name"] += "!"
    assert verify(tampered, now=NOW).codes == ["invalid_signature"]


def test_default_cryptosuite_follows_the_key() -> None:
    assert _signed()["proof"]["cryptosuite"] == "ecdsa-rdfc-2019"
    ed = Ed25519Key.generate()
    assert sign(example_diploma(ed.did), ed)["proof"]["cryptosuite"] == "eddsa-rdfc-2022"


def test_high_s_verifies_with_a_warning() -> None:
    """ECDSA is malleable: (r, n - s) is valid too. We accept it, as the spec and the JS stack
    do (the W3C vectors hold high-S signatures), and say so; we never sign high-S."""
    signed = _signed()
    sig = _signature(signed)
    s = int.from_bytes(sig[32:], "big")
    twin = _with_signature(signed, sig[:32] + (P256.order - s).to_bytes(32, "big"))
    result = verify(twin, now=NOW)
    assert result.verified
    assert [w.code for w in result.proofs[0].warnings] == ["high_s_signature"]


def test_hostile_signature_encodings() -> None:
    signed = _signed()
    sig = _signature(signed)
    r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
    cases = {
        "DER instead of P1363": encode_dss_signature(r, s),
        "63 bytes": sig[:-1],
        "65 bytes": sig + b"\x00",
        "P-384 length for a P-256 key": sig + bytes(32),
        "r = 0": bytes(32) + sig[32:],
        "s = 0": sig[:32] + bytes(32),
        "s = n": sig[:32] + P256.order.to_bytes(32, "big"),
        "r = n": P256.order.to_bytes(32, "big") + sig[32:],
    }
    for why, bad in cases.items():
        result = verify(_with_signature(signed, bad), now=NOW)
        assert not result.verified
        assert result.proofs[0].problems[0].code == "invalid_signature_encoding", why
    with pytest.raises(SignatureEncodingError):
        KEY.verify(encode_dss_signature(r, s), b"x")


def test_curve_and_suite_must_fit() -> None:
    ed = Ed25519Key.generate()
    with pytest.raises(KeySuiteMismatchError):
        sign(example_diploma(ed.did), ed, cryptosuite="ecdsa-rdfc-2019")
    with pytest.raises(KeySuiteMismatchError):
        sign(example_diploma(KEY.did), KEY, cryptosuite="eddsa-rdfc-2022")
    # an eddsa proof whose verification method is a P-256 key, and the other way round
    signed = _signed()
    relabelled = copy.deepcopy(signed)
    relabelled["proof"]["cryptosuite"] = "eddsa-rdfc-2022"
    assert "key_suite_mismatch" in verify(relabelled, now=NOW).codes
    ed_signed = sign(example_diploma(ed.did), ed)
    ed_signed["proof"]["cryptosuite"] = "ecdsa-rdfc-2019"
    assert "key_suite_mismatch" in verify(ed_signed, now=NOW).codes
    # a P-521 key (did:jwk) is not a key the ECDSA suites accept
    numbers = ec.generate_private_key(ec.SECP521R1()).public_key().public_numbers()
    p521 = {
        "kty": "EC",
        "crv": "P-521",
        "x": _b64(numbers.x.to_bytes(66, "big")),
        "y": _b64(numbers.y.to_bytes(66, "big")),
    }
    did = did_jwk_from_jwk(p521)
    forged = copy.deepcopy(signed)
    forged["issuer"] = did
    forged["proof"]["verificationMethod"] = f"{did}#0"
    assert "key_suite_mismatch" in verify(forged, now=NOW).codes


# --- JOSE ------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [KEY, KEY384], ids=["ES256", "ES384"])
def test_secure_jwt_with_ecdsa(key: EcKey) -> None:
    doc = example_diploma(key.did)
    token = secure_jwt(doc, key)
    header, payload = decode_jwt(token)
    assert header["alg"] == key.jws_alg and header["kid"] == key.verification_method
    assert payload == doc
    assert verify_jwt(token, now=NOW).verified
    sig = base64.urlsafe_b64decode(token.rsplit(".", 1)[1] + "==")
    assert len(sig) == 2 * key._curve.size and not is_high_s(sig, key.curve)


def test_key_type_must_fit_the_jws_alg() -> None:
    doc = example_diploma(KEY.did)
    with pytest.raises(JwtAlgorithmError):
        secure_jwt(doc, KEY, alg="EdDSA")
    with pytest.raises(JwtAlgorithmError):
        secure_jwt(doc, KEY, alg="ES384")
    ed = Ed25519Key.generate()
    with pytest.raises(JwtAlgorithmError):
        secure_jwt(example_diploma(ed.did), ed, alg="ES256")
    token = secure_jwt(doc, KEY)
    with pytest.raises(JwtAlgorithmError):
        verify_signature(token, KEY384.to_jwk(), "ES256")  # a P-384 key for ES256
    assert not verify_signature(token, KEY384.to_jwk(), "ES384")  # fits, but not this token
    with pytest.raises(JwtAlgorithmError):
        verify_signature(token, ed.to_jwk(), "ES256")
    # a token whose header says EdDSA, signed by the P-256 key its kid names
    header = {"alg": "EdDSA", "kid": KEY.verification_method, "typ": "vc+jwt", "cty": "vc"}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(doc).encode())}"
    forged = f"{signing_input}.{_b64(KEY.sign(signing_input.encode()))}"
    assert "jwt_alg_not_allowed" in verify_jwt(forged, now=NOW).codes


# --- DIDs ------------------------------------------------------------------------------------


def test_did_key_and_did_jwk_for_p256() -> None:
    doc = resolve_did_key(KEY.did)
    assert doc["verificationMethod"][0]["publicKeyMultibase"] == KEY.public_key_multibase
    assert doc["assertionMethod"] == [KEY.verification_method]
    assert decode_multibase(KEY.public_key_multibase)[:2] == b"\x80\x24"  # p256-pub 0x1200
    did = did_jwk_from_jwk(KEY)
    jwk_doc = resolve_did_jwk(did)
    assert jwk_doc["verificationMethod"][0]["publicKeyJwk"] == KEY.to_jwk()
    bound = KEY.with_controller(did, f"{did}#0")
    signed = sign(example_diploma(did), bound)
    assert verify(signed, now=NOW).verified


@pytest.mark.parametrize("form", ["Multikey", "JsonWebKey"])
def test_did_web_publishes_p256_keys(form: str) -> None:
    did = "did:web:roc-voorbeeld.nl"
    ed, ec = Ed25519Key.generate(), EcKey.generate()
    document = did_web_document(did, [ed, ec], form=form)
    methods = document["verificationMethod"]
    assert [m["type"] for m in methods] == [form, form]
    if form == "JsonWebKey":
        assert methods[1]["publicKeyJwk"] == ec.to_jwk() and "d" not in methods[1]["publicKeyJwk"]
    resolver = DidResolver(documents={did: document})
    for key in (ed, ec):
        bound = key.with_controller(did, f"{did}#{key.public_key_multibase}")
        result = verify(sign(example_diploma(did), bound), now=NOW, resolver=resolver)
        assert result.verified, result.problems


# --- command line ----------------------------------------------------------------------------


def test_cli_p256_key_sign_verify_did_web(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    key = tmp_path / "p256.json"
    assert main(["key", "generate", "--type", "p-256", "--out", str(key)]) == 0
    did = capsys.readouterr().out.strip()
    assert did.startswith("did:key:zDn") and stat.S_IMODE(os.stat(key).st_mode) == 0o600
    unsigned = tmp_path / "unsigned.json"
    unsigned.write_text(json.dumps(example_diploma(did)))
    for suite in ("ecdsa-rdfc-2019", "ecdsa-jcs-2019", None):
        out = tmp_path / f"signed-{suite}.json"
        args = ["sign", "--key", str(key), str(unsigned), "-o", str(out)]
        assert main(args + (["--cryptosuite", suite] if suite else [])) == 0
        assert json.loads(out.read_text())["proof"]["cryptosuite"] == (suite or "ecdsa-rdfc-2019")
        assert main(["verify", str(out), "--now", NOW]) == 0
    capsys.readouterr()
    assert (
        main(["did", "web", "--domain", "school.nl", "--key", str(key), "--form", "JsonWebKey"])
        == 0
    )
    published = json.loads(capsys.readouterr().out)
    assert published["verificationMethod"][0]["publicKeyJwk"]["crv"] == "P-256"
    assert main(["sign", "--key", str(key), str(unsigned), "--cryptosuite", "eddsa-rdfc-2022"]) != 0


# --- a waardepapier signed with P-256 keys ---------------------------------------------------


def test_waardepapier_signed_by_both_signers_with_p256_keys() -> None:
    bevoegd_gezag, examencommissie = EcKey.generate(), EcKey.generate()
    doc = issue(example_diploma(bevoegd_gezag.did), bevoegd_gezag, examencommissie=examencommissie)
    assert [p["cryptosuite"] for p in doc["proof"]] == ["ecdsa-rdfc-2019"] * 2
    result = verify_waardepapier(doc, examencommissie=examencommissie.did, now=NOW)
    assert result.verified, result.problems
    other = verify_waardepapier(doc, examencommissie=EcKey.generate().did, now=NOW)
    assert "missing_signer" in other.codes


def test_waardepapier_with_mixed_key_types() -> None:
    bevoegd_gezag, examencommissie = Ed25519Key.generate(), EcKey.generate()
    doc = issue(example_diploma(bevoegd_gezag.did), bevoegd_gezag, examencommissie=examencommissie)
    assert [p["cryptosuite"] for p in doc["proof"]] == ["ecdsa-rdfc-2019", "eddsa-rdfc-2022"]
    assert verify_waardepapier(doc, examencommissie=examencommissie.did, now=NOW).verified


@pytest.mark.parametrize("format", ["data-integrity", "vp+jwt"])
def test_p256_holder_presents(format: str) -> None:
    holder = EcKey.generate()
    doc = example_diploma(KEY.did)
    doc["credentialSubject"]["id"] = holder.did  # holder binding: the subject presents
    credential = sign(doc, KEY)
    vp = present([credential], holder, challenge="c-1", domain="werkgever.example", format=format)
    result = verify_presentation(vp, challenge="c-1", domain="werkgever.example", now=NOW)
    assert result.verified, result.problems


def test_cli_jwt_sign_with_p256(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    key = KEY.save(tmp_path / "k.json")
    unsigned = tmp_path / "unsigned.json"
    unsigned.write_text(json.dumps(example_diploma(KEY.did)))
    out = tmp_path / "diploma.jwt"
    assert main(["jwt", "sign", "--key", str(key), str(unsigned), "-o", str(out)]) == 0
    assert decode_jwt(out.read_text().strip())[0]["alg"] == "ES256"
    assert main(["jwt", "verify", str(out), "--now", NOW]) == 0
