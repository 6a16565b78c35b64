"""Signing with a key in AWS KMS (``KmsSigner``, ``--key aws-kms:…``), without a network.

The KMS client is botocore's real one (its service model validates and serialises every request),
answered in the process: :class:`FakeKms` hooks the client's ``before-call`` event and answers
``GetPublicKey`` and ``Sign`` with a P-256 or P-384 key generated here, signing the digest it
receives (a real DER ECDSA signature, so the verification is real); botocore's ``Stubber``
answers the refusals (AccessDenied, throttling) and asserts the request parameters. The command
line is run in the same process with ``mbo_vc.keys.kms._new_client`` monkeypatched.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import pickle
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    Prehashed,
    decode_dss_signature,
    encode_dss_signature,
)

from mbo_vc import verify
from mbo_vc.cli import main
from mbo_vc.errors import KeyUriError, SignerError, SignerUnavailableError
from mbo_vc.keys import CURVES, Signer, is_signer_reference, open_signer
from mbo_vc.keys.kms import KmsKeyRef, KmsSigner, parse_kms_key_ref
from mbo_vc.mbo.signers import issue, verify_waardepapier
from mbo_vc.signing import sign
from mbo_vc.status.registry import StatusRegistry
from tests.fixtures import example_diploma

try:
    import botocore.session
    from botocore.awsrequest import AWSResponse
    from botocore.stub import Stubber
except ImportError:  # pragma: no cover (the dev extra brings boto3; CI must run these)
    if os.environ.get("CI"):
        raise
    pytest.skip("boto3 is not installed (pip install 'mbo-vc[kms]')", allow_module_level=True)

REGION = "eu-west-1"
ACCOUNT = "111122223333"
KEY_UUID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_UUID}"
# credentials the client is made with: none of them may appear in a message or a repr
ACCESS_KEY = "AKIAMBOVCTESTACCESS1"
SECRET_KEY = "mbo-vc-test-secret/K7MDENG+bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = "mbo-vc-test-session-token-FwoGZXIvYXdzE"
SPECS = {"P-256": ("ECC_NIST_P256", "ECDSA_SHA_256"), "P-384": ("ECC_NIST_P384", "ECDSA_SHA_384")}


_SESSION = botocore.session.get_session()  # (one session: its loader caches the service model)


def kms_client(region: str = REGION) -> Any:
    """botocore's real KMS client, with test credentials (it never reaches the network here:
    every call is answered by a before-call handler)."""
    return _SESSION.create_client("kms", region_name=region, aws_access_key_id=ACCESS_KEY,
                                 aws_secret_access_key=SECRET_KEY,
                                 aws_session_token=SESSION_TOKEN)  # fmt: skip


class FakeKms:
    """Answers GetPublicKey and Sign for one key, on a real botocore KMS client, and records
    every request (the API parameters, as botocore validated and serialised them)."""

    def __init__(self, curve: str = "P-256", client: Any = None, arn: str = KEY_ARN) -> None:
        self.curve = curve
        self.private = ec.generate_private_key(CURVES[curve].curve)
        self.signing_key = self.private  # a test can make KMS sign with another key
        self.arn = arn
        self.client = client or kms_client()
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.wire: list[dict[str, Any]] = []
        self.spec, self.algorithm = SPECS[curve]
        self.public_answer: dict[str, Any] = {
            "KeyId": arn,
            "PublicKey": self.private.public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            ),
            "KeySpec": self.spec,
            "CustomerMasterKeySpec": self.spec,
            "KeyUsage": "SIGN_VERIFY",
            "SigningAlgorithms": [self.algorithm],
        }
        self.tamper: str | None = None
        self.attach(self.client)

    def attach(self, client: Any) -> Any:
        """Answer ``client``'s KMS calls with this key (a command opens its own client)."""
        client.meta.events.register("before-parameter-build.kms", self._record)
        client.meta.events.register("before-call.kms", self._answer)
        return client

    def _record(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.calls.append((model.name, dict(params)))

    def _answer(self, model: Any, params: dict[str, Any], **_: Any) -> tuple[Any, dict[str, Any]]:
        self.wire.append({"target": params["headers"].get("X-Amz-Target"),
                          "body": json.loads(params["body"])})  # fmt: skip
        if model.name == "GetPublicKey":
            return AWSResponse(None, 200, {}, None), dict(self.public_answer)
        assert model.name == "Sign", model.name
        request = self.calls[-1][1]
        digest = request["Message"]
        hash_algorithm = CURVES[self.curve].hash()
        assert len(digest) == hash_algorithm.digest_size
        der = self.signing_key.sign(digest, ec.ECDSA(Prehashed(hash_algorithm)))
        if self.tamper == "high-s":
            r, s = decode_dss_signature(der)
            order = CURVES[self.curve].order
            der = encode_dss_signature(r, s if s > order // 2 else order - s)
        elif self.tamper == "raw":
            r, s = decode_dss_signature(der)
            der = r.to_bytes(CURVES[self.curve].size, "big") + s.to_bytes(
                CURVES[self.curve].size, "big"
            )
        answer = {"KeyId": self.arn, "Signature": der, "SigningAlgorithm": self.algorithm}
        return AWSResponse(None, 200, {}, None), answer

    def signs(self) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == "Sign"]

    def did(self) -> str:
        return KmsSigner.open(KEY_ARN, client=self.client).did


@pytest.fixture(params=["P-256", "P-384"])
def fake(request: pytest.FixtureRequest) -> FakeKms:
    return FakeKms(request.param)


def _no_credentials(text: str) -> None:
    for secret in (ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, "K7MDENG"):
        assert secret not in text


# --- the signer -------------------------------------------------------------------------------


def test_open_reads_the_public_key_and_signs_a_digest(fake: FakeKms) -> None:
    signer = KmsSigner.open(f"aws-kms:alias/roc-issuing?region={REGION}", client=fake.client)
    assert isinstance(signer, Signer)
    assert fake.calls == [("GetPublicKey", {"KeyId": "alias/roc-issuing"})]
    assert signer.key_type == fake.curve and signer.jws_alg == {"P-256": "ES256"}.get(
        fake.curve, "ES384"
    )
    expected = fake.private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
    )
    assert signer.public_bytes == expected and signer.key_arn == KEY_ARN
    signature = signer.sign(b"the signing input")
    hash_algorithm = CURVES[fake.curve].hash()
    digest = hashlib.new(hash_algorithm.name, b"the signing input").digest()
    # the request KMS gets: the key's ARN (not the alias), the digest, DIGEST, the algorithm
    assert fake.signs() == [
        {"KeyId": KEY_ARN, "Message": digest, "MessageType": "DIGEST",
         "SigningAlgorithm": fake.algorithm}
    ]  # fmt: skip
    assert fake.wire[-1]["target"] == "TrentService.Sign"
    assert base64.b64decode(fake.wire[-1]["body"]["Message"]) == digest
    # P1363 r||s, verifiable with the KMS key's public key (cryptography, not mbo_vc)
    size = CURVES[fake.curve].size
    assert len(signature) == 2 * size
    r, s = int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
    fake.private.public_key().verify(
        encode_dss_signature(r, s), digest, ec.ECDSA(Prehashed(hash_algorithm))
    )


def test_sign_a_credential_with_a_kms_key_and_verify_it(fake: FakeKms) -> None:
    signer = KmsSigner.open(KEY_ARN, client=fake.client)
    signed = sign(example_diploma(signer.did), signer, created="2026-07-01T00:00:00Z")
    assert signed["proof"]["cryptosuite"] == "ecdsa-rdfc-2019"
    assert signed["proof"]["verificationMethod"] == signer.verification_method
    result = verify(signed)
    assert result.verified, result.codes
    assert len(fake.signs()) == 1
    # a changed credential does not verify: the signature is over this credential
    signed["credentialSubject"]["id"] = "did:example:someone-else"
    assert not verify(signed).verified


def test_the_mbo_chain_and_a_status_list_with_a_kms_key(tmp_path: Path) -> None:
    from mbo_vc.keys import Ed25519Key

    fake = FakeKms("P-256")
    bg = KmsSigner.open(KEY_ARN, client=fake.client)
    ec_key = Ed25519Key.generate()
    signed = issue(example_diploma(bg.did), bg, examencommissie=ec_key)
    result = verify_waardepapier(signed, examencommissie=ec_key.did)
    assert result.verified, result.codes
    with StatusRegistry(tmp_path / "r.db") as reg:
        info = reg.create_list("https://roc.example/status/1", purpose="revocation")
        listed = json.loads(reg.publish(info.list_id, bg, tmp_path / "out").read_text())
    assert verify(listed).verified


def test_a_high_s_signature_from_kms_is_normalised_to_low_s() -> None:
    fake = FakeKms("P-256")
    fake.tamper = "high-s"
    signer = KmsSigner.open(KEY_ARN, client=fake.client)
    order = CURVES["P-256"].order
    for i in range(6):
        sig = signer.sign(b"data %d" % i)
        assert int.from_bytes(sig[32:], "big") <= order // 2 and signer.verify(sig, b"data %d" % i)


def test_a_signature_that_is_not_der_is_refused() -> None:
    fake = FakeKms("P-256")
    fake.tamper = "raw"
    signer = KmsSigner.open(KEY_ARN, client=fake.client)
    with pytest.raises(SignerError, match="malformed") as err:
        signer.sign(b"data")
    assert err.value.code == "signer_failed"


def test_kms_signing_with_another_key_than_it_names_fails_loudly() -> None:
    fake = FakeKms("P-256")
    fake.signing_key = ec.generate_private_key(ec.SECP256R1())
    signer = KmsSigner.open(KEY_ARN, client=fake.client)
    with pytest.raises(SignerError, match="does not verify"):
        sign(example_diploma(signer.did), signer)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"KeySpec": "ECC_SECG_P256K1"}, "ECC_NIST_P256 or ECC_NIST_P384"),
        ({"KeySpec": "ECC_NIST_P521"}, "ECC_NIST_P256 or ECC_NIST_P384"),
        ({"KeySpec": "RSA_2048"}, "ECC_NIST_P256 or ECC_NIST_P384"),
        ({"KeySpec": "ECC_NIST_EDWARDS25519"}, "ECC_NIST_P256 or ECC_NIST_P384"),
        ({"KeyUsage": "ENCRYPT_DECRYPT"}, "not a signing key"),
        ({"SigningAlgorithms": ["ECDSA_SHA_512"]}, "does not offer ECDSA_SHA_256"),
        ({"KeySpec": "ECC_NIST_P384"}, "not a P-384 key"),  # the DER is a P-256 key
        ({"PublicKey": b"\x30\x03\x02\x01\x01"}, "not DER SPKI"),
        ({"KeyId": "alias/roc-issuing"}, "no key ARN"),
    ],
)
def test_a_key_mbo_vc_cannot_sign_with_is_refused_at_open(change: dict[str, Any], why: str) -> None:
    fake = FakeKms("P-256")
    fake.public_answer.update(change)
    if change.get("KeySpec") == "ECC_NIST_P384":
        fake.public_answer["SigningAlgorithms"] = ["ECDSA_SHA_384"]
    with pytest.raises(SignerError, match=why) as err:
        KmsSigner.open(KEY_ARN, client=fake.client)
    assert err.value.code == "signer_failed"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("AccessDeniedException",
         f"User: arn:aws:sts::{ACCOUNT}:assumed-role/x is not authorized to perform kms:Sign "
         f"(access key {ACCESS_KEY}, {SECRET_KEY})"),
        ("ThrottlingException", f"Rate exceeded for {ACCESS_KEY}"),
        ("DisabledException", "the key is disabled"),
    ],
)  # fmt: skip
def test_a_kms_refusal_is_signer_failed_without_credentials(code: str, message: str) -> None:
    client = kms_client()
    public = FakeKms("P-256", client=kms_client()).public_answer
    with Stubber(client) as stub:
        stub.add_response("get_public_key", public, {"KeyId": "alias/bg"})
        stub.add_client_error("sign", code, message, 400,
                              expected_params={"KeyId": KEY_ARN, "Message": b"\x00" * 32,
                                               "MessageType": "DIGEST",
                                               "SigningAlgorithm": "ECDSA_SHA_256"})  # fmt: skip
        signer = KmsSigner.open(f"aws-kms:alias/bg?region={REGION}", client=client)
        with pytest.raises(SignerError) as err:
            signer._sign_ecdsa_digest(b"\x00" * 32)
        stub.assert_no_pending_responses()
    assert err.value.code == "signer_failed" and code in err.value.message
    _no_credentials(err.value.message + repr(signer) + str(signer))
    assert ACCOUNT not in err.value.message.replace(KEY_ARN, "")  # not the principal either


def test_a_refused_get_public_key_is_signer_failed_without_credentials(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    client = kms_client()
    stub = Stubber(client)
    stub.add_client_error("get_public_key", "AccessDeniedException", f"denied {SECRET_KEY}", 400,
                          expected_params={"KeyId": KEY_ARN})  # fmt: skip
    stub.activate()
    monkeypatch.setattr("mbo_vc.keys.kms._new_client", lambda region: client)
    unsigned = tmp_path / "u.json"
    unsigned.write_text(json.dumps(example_diploma("did:example:x")))
    assert main(["sign", "--key", f"aws-kms:{KEY_ARN}", str(unsigned)]) == 2
    err = capsys.readouterr().err
    assert "signer_failed" in err and "AccessDeniedException" in err
    _no_credentials(err)
    stub.assert_no_pending_responses()


def test_an_sdk_error_is_signer_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.exceptions import EndpointConnectionError, NoCredentialsError

    class Client:
        def __init__(self, exc: Exception) -> None:
            self.exc = exc

        def get_public_key(self, **_: Any) -> Any:
            raise self.exc

    for exc in (NoCredentialsError(), EndpointConnectionError(endpoint_url="https://kms")):
        with pytest.raises(SignerError, match=type(exc).__name__) as err:
            KmsSigner.open(KEY_ARN, client=Client(exc))
        assert err.value.code == "signer_failed"


def test_repr_names_the_key_never_a_credential(fake: FakeKms) -> None:
    signer = KmsSigner.open(KEY_ARN, client=fake.client)
    assert repr(signer) == (
        f"KmsSigner({signer.verification_method!r}, {fake.curve}, aws-kms:{KEY_ARN})"
    )
    _no_credentials(repr(signer) + str(signer) + repr(signer.ref))
    with pytest.raises(TypeError):
        pickle.dumps(signer)  # (it holds a client)


def test_with_controller_keeps_the_kms_key(fake: FakeKms) -> None:
    signer = KmsSigner.open(KEY_ARN, client=fake.client)
    bound = signer.with_controller("did:web:roc.example", "did:web:roc.example#bg")
    assert isinstance(bound, KmsSigner) and bound.key_arn == KEY_ARN
    signed = sign(example_diploma("did:web:roc.example"), bound)
    assert signed["proof"]["verificationMethod"] == "did:web:roc.example#bg"
    assert len(fake.signs()) == 1


def test_a_closed_signer_does_not_sign(fake: FakeKms) -> None:
    with KmsSigner.open(KEY_ARN, client=fake.client) as signer:
        twin = signer.with_controller("did:web:roc.example")
    with pytest.raises(SignerError, match="closed"):
        twin.sign(b"data")
    assert fake.signs() == []


def test_the_reopener_pickles_and_opens_the_same_binding(
    fake: FakeKms, monkeypatch: pytest.MonkeyPatch
) -> None:
    regions: list[str] = []

    def factory(region: str) -> Any:
        regions.append(region)
        return fake.client

    monkeypatch.setattr("mbo_vc.keys.kms._new_client", factory)
    signer = open_signer(f"aws-kms:alias/roc-bg?region={REGION}")
    bound = signer.with_controller("did:web:roc.example", "did:web:roc.example#bg")
    reopen = pickle.loads(pickle.dumps(bound.reopener()))
    again = reopen()
    assert again.verification_method == "did:web:roc.example#bg"
    assert again.public_bytes == signer.public_bytes and regions == [REGION, REGION]
    _no_credentials(repr(pickle.dumps(bound.reopener())))


def test_the_default_client_uses_boto3_with_the_reference_region(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mbo_vc.keys import kms

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    client = kms._new_client("eu-central-1")  # (making a client needs no network)
    assert client.meta.region_name == "eu-central-1"
    assert client.meta.service_model.service_name == "kms"
    assert client.meta.config.retries["mode"] == "standard"
    assert client.meta.config.connect_timeout == 5 and client.meta.config.read_timeout == 15


def test_without_boto3_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # import boto3 -> ImportError
    with pytest.raises(SignerUnavailableError, match=r"mbo-vc\[kms\]") as err:
        open_signer(f"aws-kms:{KEY_ARN}")
    assert err.value.code == "signer_unavailable"


# --- the command line ---------------------------------------------------------------------------


@pytest.mark.parametrize("ref", [f"aws-kms:{KEY_ARN}", f"aws-kms:alias/roc-bg?region={REGION}"])
def test_cli_signs_with_a_kms_key(
    ref: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from mbo_vc.keys import kms

    fake = FakeKms("P-256")
    real_factory = kms._new_client
    opened: list[str] = []

    def factory(region: str) -> Any:  # boto3's own client, answered in this process
        opened.append(region)
        return fake.attach(real_factory(region))

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setattr("mbo_vc.keys.kms._new_client", factory)
    unsigned, signed = tmp_path / "u.json", tmp_path / "s.json"
    assert main(["did", "web", "--domain", "roc.example", "--key", ref]) == 0
    did_doc = json.loads(capsys.readouterr().out)
    multibase = did_doc["verificationMethod"][0]["publicKeyMultibase"]
    unsigned.write_text(json.dumps(example_diploma(fake.did())))
    assert main(["sign", "--key", ref, str(unsigned), "-o", str(signed)]) == 0
    doc = json.loads(signed.read_text())
    assert doc["proof"]["cryptosuite"] == "ecdsa-rdfc-2019"
    result = verify(doc)
    assert result.verified, result.codes
    assert fake.signs()[0]["KeyId"] == KEY_ARN and fake.signs()[0]["MessageType"] == "DIGEST"
    assert opened == [REGION, REGION]  # did web, sign: each command its own boto3 client
    assert KmsSigner.open(KEY_ARN, client=fake.client).public_key_multibase == multibase
    capsys.readouterr()
    assert main(["verify", str(signed)]) == 0
    _no_credentials(capsys.readouterr().out + signed.read_text())


def test_cli_status_publish_and_a_batch_with_a_kms_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    from mbo_vc.batch import sign_many
    from mbo_vc.keys import kms

    fake = FakeKms("P-384")
    real_factory, closed = kms._new_client, []

    def factory(region: str) -> Any:
        client = fake.attach(real_factory(region))
        client.close = lambda: closed.append(region)  # the signer closes the client it made
        return client

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setattr("mbo_vc.keys.kms._new_client", factory)
    ref = f"aws-kms:alias/roc-bg?region={REGION}"
    db, lists = tmp_path / "status.db", tmp_path / "lists"
    assert main(["status", "init", "--db", str(db), "--base-url", "https://roc.example/st"]) == 0
    assert main(["status", "publish", "--db", str(db), "--key", ref, "--out", str(lists)]) == 0
    published = sorted(lists.glob("*.json"))
    assert published and all(verify(json.loads(p.read_text())).verified for p in published)
    assert {c["SigningAlgorithm"] for c in fake.signs()} == {"ECDSA_SHA_384"}
    # a batch on worker processes: the signer travels as "open it again" (its reference and
    # binding), and each worker makes its own client (forked workers: they keep this
    # process's monkeypatched client factory, so the in-process KMS answers them too)
    did = KmsSigner.open(KEY_ARN, client=fake.client).did
    docs = [example_diploma(did) for _ in range(4)]
    signer = KmsSigner.open(ref)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        results = list(sign_many(docs, signer, executor=pool, chunk_size=1))
    assert all(r.ok and verify(r.unwrap()).verified for r in results), [r.problem for r in results]
    here = len(fake.signs())  # (the workers' requests were answered in the workers)
    with ThreadPoolExecutor(2) as pool:  # threads share the signer (boto3 clients are)
        results = list(sign_many(docs, signer, executor=pool, chunk_size=1))
    assert all(r.ok and verify(r.unwrap()).verified for r in results), [r.problem for r in results]
    assert len(fake.signs()) == here + 4
    before = len(closed)
    signer.close()
    signer.close()
    assert len(closed) == before + 1  # the client it made, once
    mine = KmsSigner.open(KEY_ARN, client=fake.client)
    before = len(closed)
    mine.close()  # a client the caller passed in stays open
    assert len(closed) == before


def test_cli_refuses_a_bad_reference_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unsigned = tmp_path / "u.json"
    unsigned.write_text(json.dumps(example_diploma("did:example:x")))
    ref = f"aws-kms:alias/bg?region={REGION}&aws_secret_access_key={SECRET_KEY}"
    assert main(["sign", "--key", ref, str(unsigned)]) == 2
    err = capsys.readouterr().err
    assert "invalid_key_uri" in err and "aws_secret_access_key" in err
    _no_credentials(err)


# --- aws-kms: references ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "key_id", "region"),
    [
        (f"aws-kms:{KEY_ARN}", KEY_ARN, REGION),
        (f"AWS-KMS:{KEY_ARN}", KEY_ARN, REGION),
        (f"aws-kms:arn:aws:kms:{REGION}:{ACCOUNT}:alias/roc/bg_1-x",
         f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/roc/bg_1-x", REGION),
        ("aws-kms:arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/mrk-"
         "0123456789abcdef0123456789abcdef",
         "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef",
         "us-gov-west-1"),
        ("aws-kms:alias/roc-issuing?region=eu-central-1", "alias/roc-issuing", "eu-central-1"),
        (f"aws-kms:{KEY_UUID}?region=ap-southeast-5", KEY_UUID, "ap-southeast-5"),
    ],
)  # fmt: skip
def test_good_references_parse(ref: str, key_id: str, region: str) -> None:
    parsed = parse_kms_key_ref(ref)
    assert parsed == KmsKeyRef(key_id, region)
    assert is_signer_reference(ref)
    assert parse_kms_key_ref(str(parsed)) == parsed


@pytest.mark.parametrize(
    ("ref", "why"),
    [
        ("aws-kms:alias/roc-issuing", "needs \\?region="),
        (f"aws-kms:{KEY_UUID}", "needs \\?region="),
        (f"aws-kms:{KEY_ARN}?region={REGION}", "names its region"),
        ("aws-kms:alias/a?region=eu-west-1&region=eu-west-1", "twice"),
        ("aws-kms:alias/a?region=", "not an AWS region"),
        ("aws-kms:alias/a?region", "not an AWS region"),
        ("aws-kms:alias/a?region=EU-WEST-1", "not an AWS region"),
        ("aws-kms:alias/a?region=eu-west-1&profile=prod", "'profile' is not supported"),
        (f"aws-kms:alias/a?aws_access_key_id={ACCESS_KEY}", "'aws_access_key_id' is not supp"),
        ("aws-kms:alias/a?", "'' is not supported"),
        (f"aws-kms:arn:aws:kms:{REGION}:{ACCOUNT}:key/not-a-key-id", "not a KMS key or alias"),
        (f"aws-kms:arn:aws:kms:{REGION}:1234:key/{KEY_UUID}", "not a KMS key or alias"),
        (f"aws-kms:arn:aws:s3:{REGION}:{ACCOUNT}:key/{KEY_UUID}", "not a KMS key or alias"),
        (f"aws-kms:arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_UUID.upper()}", "not a KMS key"),
        (f"aws-kms:arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_UUID} ", "not a KMS key"),
        ("aws-kms:alias/", "names a key ARN"),
        ("aws-kms:alias/a b?region=eu-west-1", "names a key ARN"),
        ("aws-kms:alias/a%2Fb?region=eu-west-1", "names a key ARN"),
        ("aws-kms:roc-issuing?region=eu-west-1", "names a key ARN"),
        ("aws-kms:", "names a key ARN"),
        ("aws-kms:alias/" + "a" * 3000, "longer"),
        ("kms:alias/a?region=eu-west-1", "starts with aws-kms:"),
        ("pkcs11:object=a", "starts with aws-kms:"),
    ],
)
def test_bad_references_are_refused(ref: str, why: str) -> None:
    with pytest.raises(KeyUriError, match=why) as err:
        parse_kms_key_ref(ref)
    assert err.value.code == "invalid_key_uri"
    _no_credentials(err.value.message)


def test_a_bad_reference_is_refused_before_boto3_is_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)
    with pytest.raises(KeyUriError):
        open_signer("aws-kms:alias/no-region")


def test_the_hash_and_algorithm_match_the_curve() -> None:
    # SHA-256 for P-256 and SHA-384 for P-384 (ecdsa-rdfc-2019, RFC 7518 ES256/ES384)
    assert isinstance(CURVES["P-256"].hash(), hashes.SHA256)
    assert isinstance(CURVES["P-384"].hash(), hashes.SHA384)
    fake = FakeKms("P-384")
    signer = KmsSigner.open(KEY_ARN, client=fake.client)
    signer.sign(b"x")
    assert fake.signs()[0]["SigningAlgorithm"] == "ECDSA_SHA_384"
    assert fake.signs()[0]["Message"] == hashlib.sha384(b"x").digest()
