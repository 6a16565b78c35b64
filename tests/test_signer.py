"""The one signing interface (``mbo_vc.keys.Signer``): every signing path takes a signer whose
private key is not a key object (an HSM, a KMS), ``ExternalSigner``'s checks, and the RFC 7512
``pkcs11:`` URI parser. The SoftHSM2 end-to-end tests are in tests/test_signer_softhsm.py."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from mbo_vc import verify
from mbo_vc.errors import (
    KeySuiteMismatchError,
    Pkcs11UriError,
    SignerError,
    SignerUnavailableError,
    UsageError,
    redact,
)
from mbo_vc.jose import secure_jwt
from mbo_vc.keys import CURVES, EcKey, Ed25519Key, ExternalSigner, Signer, open_signer
from mbo_vc.keys.pkcs11 import Pkcs11Signer, parse_pkcs11_uri
from mbo_vc.mbo.signers import issue, verify_waardepapier
from mbo_vc.presentation import present
from mbo_vc.sd_jwt_vc import issue_sd_jwt_vc
from mbo_vc.signing import sign
from mbo_vc.status.registry import StatusRegistry
from mbo_vc.status.token_status_list import verify_status_list_token
from tests.fixtures import example_diploma

NOW = datetime(2026, 12, 1, tzinfo=UTC)


class FakeDevice(ExternalSigner):
    """A stand-in for an HSM: the private key sits behind ``_sign_*`` only, and the signer
    object is neither an Ed25519Key nor an EcKey (as a Pkcs11Signer or KmsSigner is not)."""

    __slots__ = ("_hidden", "calls", "tamper")
    device = "fake device"

    def __init__(self, hidden: Ed25519Key | EcKey, public: Ed25519Key | EcKey | None = None):
        super().__init__(public or hidden.public_only())
        self._hidden, self.calls, self.tamper = hidden, 0, None

    def _sign_eddsa(self, data: bytes) -> bytes:
        self.calls += 1
        return self._hidden.sign(data)

    def _sign_ecdsa_digest(self, digest: bytes) -> bytes:
        # what CKM_ECDSA does: sign a digest (prehashed); here via cryptography's Prehashed
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

        self.calls += 1
        assert isinstance(self._hidden, EcKey)
        curve = CURVES[self._hidden.curve]
        private = self._hidden._require_private()
        der = private.sign(digest, ec.ECDSA(Prehashed(curve.hash())))
        r, s = decode_dss_signature(der)
        if self.tamper == "high-s" and s <= curve.order // 2:
            s = curve.order - s
        return r.to_bytes(curve.size, "big") + s.to_bytes(curve.size, "big")

    def _rebound(self, public: Ed25519Key | EcKey) -> FakeDevice:
        twin = FakeDevice(self._hidden, public)
        twin.tamper = self.tamper
        return twin


@pytest.fixture(params=["Ed25519", "P-256", "P-384"])
def device(request: pytest.FixtureRequest) -> FakeDevice:
    kind = request.param
    return FakeDevice(Ed25519Key.generate() if kind == "Ed25519" else EcKey.generate(kind))


def test_key_objects_and_external_signers_are_signers(device: FakeDevice) -> None:
    assert isinstance(Ed25519Key.generate(), Signer)
    assert isinstance(EcKey.generate("P-256"), Signer)
    assert isinstance(device, Signer) and not isinstance(device, Ed25519Key | EcKey)


def test_sign_with_an_external_signer_verifies(device: FakeDevice) -> None:
    signed = sign(example_diploma(device.did), device, created="2026-07-01T00:00:00Z")
    expected = "eddsa-rdfc-2022" if device.key_type == "Ed25519" else "ecdsa-rdfc-2019"
    assert signed["proof"]["cryptosuite"] == expected
    assert signed["proof"]["verificationMethod"] == device.verification_method
    result = verify(signed)
    assert result.verified, result.codes
    assert device.calls == 1


def test_a_suite_that_does_not_fit_the_external_key_is_refused() -> None:
    p256 = FakeDevice(EcKey.generate("P-256"))
    with pytest.raises(KeySuiteMismatchError):
        sign(example_diploma(p256.did), p256, cryptosuite="eddsa-rdfc-2022")
    ed = FakeDevice(Ed25519Key.generate())
    with pytest.raises(KeySuiteMismatchError):
        sign(example_diploma(ed.did), ed, cryptosuite="ecdsa-rdfc-2019")


def test_the_mbo_two_signer_chain_with_external_signers() -> None:
    ec = FakeDevice(Ed25519Key.generate())
    bg = FakeDevice(EcKey.generate("P-256"))
    signed = issue(example_diploma(bg.did), bg, examencommissie=ec)
    assert len(signed["proof"]) == 2
    result = verify_waardepapier(signed, examencommissie=ec.did)
    assert result.verified, result.codes


def test_status_publish_both_formats_with_an_external_signer(tmp_path: Path) -> None:
    key = FakeDevice(EcKey.generate("P-256"))
    with StatusRegistry(tmp_path / "r.db") as reg:
        info = reg.create_list("https://roc.example/status/1", purpose="revocation")
        path = reg.publish(info.list_id, key, tmp_path / "out")
        listed = json.loads(path.read_text())
        assert verify(listed).verified
        token = reg.publish_token(info.list_id, key, tmp_path / "out", now=NOW)
        checked = verify_status_list_token(token.read_text().strip(), info.url, now=NOW)
        assert checked.issuer == key.controller


def test_vc_jose_and_sd_jwt_vc_with_an_external_signer(device: FakeDevice) -> None:
    doc = example_diploma(device.did)
    doc["@context"] = doc["@context"][:1] + doc["@context"][1:]
    token = secure_jwt(doc, device)
    assert verify(token).verified
    holder = EcKey.generate("P-256")
    sd = issue_sd_jwt_vc({"naam": "Jan"}, {"_sd": ["naam"]}, device, vct="https://x.example/t",
                         issuer=device.did, holder=holder.public_only())  # fmt: skip
    header = json.loads(_b64(sd.serialize().split(".", 1)[0]))
    assert header["alg"] == device.jws_alg and header["kid"] == device.verification_method


def test_a_presentation_signed_by_an_external_holder_key(device: FakeDevice) -> None:
    issuer = Ed25519Key.generate()
    credential = sign(example_diploma(issuer.did), issuer)
    vp = present([credential], device, challenge="c-1", domain="werkgever.example")
    assert isinstance(vp, dict)
    assert vp["proof"]["verificationMethod"] == device.verification_method


def _b64(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- what ExternalSigner guarantees ----------------------------------------------------------


def test_a_high_s_signature_from_the_device_is_normalised_to_low_s() -> None:
    dev = FakeDevice(EcKey.generate("P-256"))
    dev.tamper = "high-s"
    order = CURVES["P-256"].order
    for _ in range(8):
        sig = dev.sign(b"data")
        assert int.from_bytes(sig[32:], "big") <= order // 2
        assert dev.verify(sig, b"data")


def test_a_device_that_signs_with_another_key_fails_loudly() -> None:
    named = EcKey.generate("P-256")
    liar = FakeDevice(EcKey.generate("P-256"), public=named.public_only())
    with pytest.raises(SignerError, match="does not verify"):
        liar.sign(b"data")
    with pytest.raises(SignerError):
        sign(example_diploma(liar.did), liar)


def test_external_signers_never_give_out_a_private_key_and_do_not_pickle() -> None:
    import pickle

    dev = FakeDevice(Ed25519Key.generate())
    with pytest.raises(UsageError):
        dev.to_jwk(private=True)
    assert "d" not in dev.to_jwk()
    with pytest.raises(TypeError):
        pickle.dumps(dev)


def test_with_controller_keeps_the_device_and_rebinds_the_method() -> None:
    dev = FakeDevice(EcKey.generate("P-256"))
    bound = dev.with_controller("did:web:roc.example", "did:web:roc.example#key-1")
    assert bound.verification_method == "did:web:roc.example#key-1"
    assert bound.controller == "did:web:roc.example" and bound.public_bytes == dev.public_bytes
    signed = sign(example_diploma("did:web:roc.example"), bound)
    assert signed["proof"]["verificationMethod"] == "did:web:roc.example#key-1"


def test_open_signer_reads_key_files_as_before(tmp_path: Path) -> None:
    key = EcKey.generate("P-256")
    key.save(tmp_path / "k.json")
    opened = open_signer(tmp_path / "k.json")
    assert isinstance(opened, EcKey) and opened.public_bytes == key.public_bytes


# --- RFC 7512 pkcs11: URIs -------------------------------------------------------------------


def test_rfc7512_examples_parse() -> None:
    # RFC 7512 §3 examples (the ones that name one object for signing).
    uri = parse_pkcs11_uri(
        "pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;manufacturer=Snake%20Oil,%20Inc.;"
        "model=1.0;object=my-certificate;type=private;serial=;id=%69%95%3E%5C%F4%BD%EC%91"
        "?pin-value=the-pin"
    )
    assert uri.token == "The Software PKCS#11 Softtoken"
    assert uri.manufacturer == "Snake Oil, Inc." and uri.model == "1.0" and uri.serial == ""
    assert uri.object == "my-certificate" and uri.type == "private"
    assert uri.id == bytes.fromhex("69953e5cf4bdec91") and uri.pin_value == "the-pin"
    uri = parse_pkcs11_uri(
        "pkcs11:object=my-sign-key;type=private?module-path=/mnt/libmypkcs11.so.1"
        "&pin-source=file:/etc/token_pin"
    )
    assert uri.module_path == "/mnt/libmypkcs11.so.1" and uri.pin_source == "file:/etc/token_pin"
    assert parse_pkcs11_uri("PKCS11:id=%01;slot-id=7").slot_id == 7


@pytest.mark.parametrize(
    ("uri", "why"),
    [
        ("pkcs11:object=a;object=b", "twice"),
        ("pkcs11:object=a;colour=red", "not supported"),
        ("pkcs11:object=a;library-description=x", "not supported"),
        ("pkcs11:object=a%2", "percent"),
        ("pkcs11:object=a%zz", "percent"),
        ("pkcs11:object=a b", "forbids"),
        ("pkcs11:object=a;type=public", "private key"),
        ("pkcs11:token=t", "names no key"),
        ("pkcs11:object=a?module-name=softhsm2", "module-path"),
        ("pkcs11:object=a?pin-value=1&pin-source=/p", "both"),
        ("pkcs11:object=a;slot-id=x", "decimal"),
        ("pkcs11:object=%ff", "UTF-8"),
        ("pkcs11:object", "name=value"),
        ("pkcs11:object=a;" + "x" * 5000, "longer"),
        ("file:key.json", "starts with pkcs11"),
    ],
)
def test_bad_pkcs11_uris_are_refused(uri: str, why: str) -> None:
    with pytest.raises(Pkcs11UriError, match=why) as err:
        parse_pkcs11_uri(uri)
    assert err.value.code == "invalid_key_uri"


def test_the_pin_is_never_shown() -> None:
    uri = parse_pkcs11_uri("pkcs11:token=t;object=k?pin-value=s3cr3t-1234&module-path=/m.so")
    assert "s3cr3t" not in repr(uri) and "s3cr3t" not in str(uri)
    assert str(uri) == "pkcs11:token=t;object=k?pin-value=[redacted secret]&module-path=/m.so"
    # any message that quotes a URI loses its PIN (errors.redact)
    assert "s3cr3t" not in redact("cannot open pkcs11:object=k?pin-value=s3cr3t-1234&x=1")
    assert "s3cr3t" not in str(UsageError("pkcs11:object=k?PIN-VALUE=s3cr3t-1234"))


def test_a_missing_module_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MBO_VC_PKCS11_MODULE", raising=False)
    with pytest.raises(Pkcs11UriError, match="module-path"):
        Pkcs11Signer.open("pkcs11:object=k?pin-value=1")


def test_without_python_pkcs11_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pkcs11", None)  # import pkcs11 -> ImportError
    with pytest.raises(SignerUnavailableError, match=r"mbo-vc\[pkcs11\]") as err:
        open_signer("pkcs11:object=k?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=1")
    assert err.value.code == "signer_unavailable"
    assert "pin-value=1" not in err.value.message


def test_pkcs11_open_refuses_a_module_that_does_not_exist(tmp_path: Path) -> None:
    pytest.importorskip("pkcs11")
    with pytest.raises(SignerError, match="does not exist") as err:
        Pkcs11Signer.open(f"pkcs11:object=k?module-path={tmp_path}/nope.so&pin-value=9876")
    assert "9876" not in err.value.message
