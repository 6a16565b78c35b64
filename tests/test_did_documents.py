"""A school's did.json, pinned DID documents (offline), and verification-method dereferencing."""

from __future__ import annotations

import copy
import functools
import json
import socket
import stat
from pathlib import Path
from typing import Any

import pytest

from mbo_vc import DidResolver, Ed25519Key, sign, verify
from mbo_vc.cli import main
from mbo_vc.did.documents import (
    bind_key,
    did_web_document,
    did_web_for,
    load_pinned_dir,
    write_did_web_site,
)
from mbo_vc.did.key import resolve_did_key
from mbo_vc.errors import (
    DidError,
    InvalidDidDocumentError,
    InvalidDidError,
    UsageError,
    VerificationMethodNotFoundError,
)
from tests.fixtures import example_diploma
from tests.helpers import load_vector

SCHOOL = "did:web:roc-mondriaan.nl"
KEY = Ed25519Key.from_seed(bytes.fromhex("c3" * 32))
KEY2 = Ed25519Key.from_seed(bytes.fromhex("d4" * 32))
NOW = "2030-01-01T00:00:00Z"


def _issue(key: Ed25519Key, purpose: str = "assertionMethod") -> dict[str, Any]:
    return sign(example_diploma(key.controller), key, created="2026-07-01T12:00:00Z",
                proof_purpose=purpose)  # fmt: skip


def _verify(doc: dict[str, Any], credential: dict[str, Any], **kw: Any) -> Any:
    return verify(credential, now=NOW, resolver=DidResolver(documents={doc["id"]: doc}), **kw)


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("no network expected")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)


# --- the school's document --------------------------------------------------------------------
def test_did_web_for() -> None:
    assert did_web_for("ROC-Mondriaan.nl") == SCHOOL
    assert did_web_for("localhost:8443", "mbo/diplomas") == "did:web:localhost%3A8443:mbo:diplomas"
    for bad in ("", "roc mondriaan.nl", "school.nl:http", "school.nl:0"):
        with pytest.raises(InvalidDidError):
            did_web_for(bad)
    with pytest.raises(InvalidDidError):
        did_web_for("school.nl", "a/../b")


def test_document_lists_every_key_and_no_secret() -> None:
    bound = bind_key(KEY, SCHOOL, "key-1")
    doc = did_web_document(SCHOOL, [bound, KEY2])
    ids = [f"{SCHOOL}#key-1", f"{SCHOOL}#{KEY2.public_key_multibase}"]
    assert [vm["id"] for vm in doc["verificationMethod"]] == ids
    assert doc["assertionMethod"] == ids and doc["authentication"] == ids
    assert all(vm["controller"] == SCHOOL for vm in doc["verificationMethod"])
    text = json.dumps(doc)
    assert KEY.secret_key_multibase() not in text and "secretKey" not in text
    with pytest.raises(UsageError):
        did_web_document(SCHOOL, [KEY, bound])  # same public key twice
    with pytest.raises(UsageError):
        did_web_document(SCHOOL, [])


def test_school_credential_verifies_with_pinned_document(offline: None) -> None:
    signer = bind_key(KEY, SCHOOL)
    doc = did_web_document(SCHOOL, [signer])
    result = _verify(doc, _issue(signer))
    assert result.verified, result.problems
    assert result.proofs[0].controller == SCHOOL


def test_pinned_dir_from_site_layout(tmp_path: Path, offline: None) -> None:
    nested = "did:web:roc-mondriaan.nl:mbo"
    written = [
        write_did_web_site(tmp_path, SCHOOL, [KEY]),
        write_did_web_site(tmp_path, nested, [KEY2]),
    ]
    assert written == [tmp_path / ".well-known" / "did.json", tmp_path / "mbo" / "did.json"]
    pinned = load_pinned_dir(tmp_path)
    assert set(pinned) == {SCHOOL, nested}
    resolver = DidResolver(documents=pinned)
    for key, did in ((KEY, SCHOOL), (KEY2, nested)):
        result = verify(_issue(bind_key(key, did)), now=NOW, resolver=resolver)
        assert result.verified, result.problems


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("{not json", "not JSON"),
        (json.dumps({"id": "https://school.nl/"}), "id is not a DID"),
        (json.dumps([1]), "not an object"),
        ('{"id": "did:web:a.nl", "id": "did:web:b.nl"}', "duplicate member"),
        (json.dumps({"id": "did:web:a.nl", "x": "y" * 300_000}), "too large"),
    ],
)
def test_pinned_dir_refuses_bad_files(tmp_path: Path, content: str, why: str) -> None:
    (tmp_path / "doc.json").write_text(content)
    with pytest.raises(InvalidDidDocumentError, match=r"doc\.json"):
        load_pinned_dir(tmp_path)


def test_resolution_metadata_says_where_a_document_came_from() -> None:
    resolver = DidResolver(documents={SCHOOL: did_web_document(SCHOOL, [KEY])})
    pinned = resolver.resolve_with_metadata(SCHOOL)
    assert pinned.metadata == {"source": "pinned", "method": "web"}
    assert pinned.document["id"] == SCHOOL
    computed = resolver.resolve_with_metadata(KEY.did)
    assert computed.metadata == {"source": "computed", "method": "key"}


def test_pinned_dir_refuses_two_versions_of_one_did(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(did_web_document(SCHOOL, [KEY])))
    (tmp_path / "b.json").write_text(json.dumps(did_web_document(SCHOOL, [KEY2])))
    with pytest.raises(InvalidDidDocumentError, match="pinned twice"):
        load_pinned_dir(tmp_path)
    with pytest.raises(UsageError):
        load_pinned_dir(tmp_path / "missing")


# --- dereferencing ----------------------------------------------------------------------------
def _doc(vm: dict[str, Any], **relationships: Any) -> dict[str, Any]:
    return {"id": SCHOOL, "verificationMethod": [vm], **relationships}


def _vm(fragment: str = "key-1", **extra: Any) -> dict[str, Any]:
    vm = {
        "id": f"#{fragment}",
        "type": "Multikey",
        "controller": SCHOOL,
        "publicKeyMultibase": KEY.public_key_multibase,
    }
    vm.update(extra)
    return vm


SIGNER = KEY.with_controller(SCHOOL, f"{SCHOOL}#key-1")


def test_relative_fragments() -> None:
    result = _verify(_doc(_vm(), assertionMethod=["#key-1"]), _issue(SIGNER))
    assert result.verified, result.problems


def test_embedded_method() -> None:
    vm = {**_vm(), "id": f"{SCHOOL}#key-1"}
    doc = {"id": SCHOOL, "assertionMethod": [vm]}
    result = _verify(doc, _issue(SIGNER))
    assert result.verified, result.problems
    resolved = DidResolver(documents={SCHOOL: doc}).dereference(f"{SCHOOL}#key-1")
    assert resolved.authorized_for("assertionMethod")
    assert not resolved.authorized_for("authentication")


def test_method_not_under_the_relationship() -> None:
    doc = _doc(_vm(), authentication=["#key-1"])
    result = _verify(doc, _issue(SIGNER))
    assert not result.verified and "vm_not_authorized" in result.codes
    auth = _verify(doc, _issue(SIGNER, "authentication"), expected_proof_purpose="authentication")
    assert auth.verified, auth.problems


def test_controller_must_be_the_did() -> None:
    doc = _doc(_vm(controller="did:web:evil.example"), assertionMethod=["#key-1"])
    result = _verify(doc, _issue(SIGNER))
    assert not result.verified and "vm_not_authorized" in result.codes
    relative = _doc(_vm(controller="#not-a-did"), assertionMethod=["#key-1"])
    assert "vm_not_authorized" in _verify(relative, _issue(SIGNER)).codes


def test_conflicting_duplicate_methods_are_refused() -> None:
    twin = {**_vm(), "publicKeyMultibase": KEY2.public_key_multibase}
    doc = {"id": SCHOOL, "verificationMethod": [_vm(), twin], "assertionMethod": ["#key-1"]}
    with pytest.raises(DidError, match="defined twice"):
        DidResolver(documents={SCHOOL: doc}).dereference(f"{SCHOOL}#key-1")
    same = {"id": SCHOOL, "verificationMethod": [_vm(), _vm()], "assertionMethod": ["#key-1"]}
    assert _verify(same, _issue(SIGNER)).verified


def test_missing_method_has_its_own_code() -> None:
    with pytest.raises(VerificationMethodNotFoundError) as err:
        DidResolver(documents={SCHOOL: _doc(_vm())}).dereference(f"{SCHOOL}#key-9")
    assert err.value.code == "vm_not_found"


@pytest.mark.parametrize(
    "vm",
    [
        _vm(),
        _vm(type="Ed25519VerificationKey2020"),
        {**_vm(type="JsonWebKey"), "publicKeyJwk": KEY.to_jwk(), "publicKeyMultibase": None},
        {**_vm(type="JsonWebKey2020"), "publicKeyJwk": KEY.to_jwk(), "publicKeyMultibase": None},
    ],
    ids=["Multikey", "Ed25519VerificationKey2020", "JsonWebKey", "JsonWebKey2020"],
)
def test_key_types(vm: dict[str, Any]) -> None:
    vm = {k: v for k, v in vm.items() if v is not None}
    result = _verify(_doc(vm, assertionMethod=["#key-1"]), _issue(SIGNER))
    assert result.verified, result.problems


def test_unsupported_key_type_and_private_jwk() -> None:
    odd = _verify(_doc(_vm(type="EcdsaSecp256k1VerificationKey2019"), assertionMethod=["#key-1"]),
                  _issue(SIGNER))  # fmt: skip
    assert "invalid_key" in odd.codes
    leaky = {**_vm(type="JsonWebKey"), "publicKeyJwk": KEY.to_jwk(private=True)}
    del leaky["publicKeyMultibase"]
    assert "invalid_key" in _verify(_doc(leaky, assertionMethod=["#key-1"]), _issue(SIGNER)).codes


def test_did_web_spec_example_document() -> None:
    doc = load_vector("did-web/did-to-url.json")["spec_example_did_document"]
    resolver = DidResolver(documents={doc["id"]: copy.deepcopy(doc)})
    ed, x, p256 = (resolver.dereference(f"{doc['id']}#key-{i}") for i in range(3))
    assert ed.method["publicKeyJwk"]["crv"] == "Ed25519" and ed.authorized_for("assertionMethod")
    assert x.authorized_for("keyAgreement") and not x.authorized_for("assertionMethod")
    assert p256.authorized_for("authentication") and p256.authorized_for("keyAgreement")


def test_legacy_did_key_resolver_verifies() -> None:
    legacy = DidResolver(methods={"key": functools.partial(resolve_did_key, legacy=True)})
    resolved = legacy.dereference(KEY.verification_method)
    assert resolved.method["type"] == "Ed25519VerificationKey2020"
    result = verify(_issue(KEY), now=NOW, resolver=legacy)
    assert result.verified, result.problems


# --- command line ---------------------------------------------------------------------------
def test_cli_web_and_bind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    KEY.save(tmp_path / "k1.json")
    KEY2.save(tmp_path / "k2.json")
    assert main(["did", "bind", "--did", SCHOOL, "--key", str(tmp_path / "k1.json"),
                 "--out", str(tmp_path / "school.json"), "--fragment", "key-1"]) == 0  # fmt: skip
    assert capsys.readouterr().out.strip() == f"{SCHOOL}#key-1"
    assert stat.S_IMODE((tmp_path / "school.json").stat().st_mode) == 0o600
    school_key = Ed25519Key.load(tmp_path / "school.json")
    assert school_key.verification_method == f"{SCHOOL}#key-1"

    args = ["did", "web", "--domain", "roc-mondriaan.nl"]
    assert main([*args, "--key", str(tmp_path / "school.json"), "--key",
                 str(tmp_path / "k2.json")]) == 0  # fmt: skip
    printed = json.loads(capsys.readouterr().out)
    assert printed == did_web_document(SCHOOL, [school_key, KEY2])
    result = _verify(printed, _issue(school_key))
    assert result.verified, result.problems

    assert main([*args, "--key", str(tmp_path / "nope.json")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("mbo-vc: invalid_key:")


def test_cli_resolve_offline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_did_web_site(tmp_path, SCHOOL, [SIGNER])
    assert main(["did", "resolve", f"{SCHOOL}#key-1", "--pinned-dir", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out)["publicKeyMultibase"] == KEY.public_key_multibase
    assert main(["did", "resolve", KEY.did]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == KEY.did
    assert main(["did", "resolve", "did:web:bad..name"]) == 2
    assert capsys.readouterr().err.startswith("mbo-vc: invalid_did: did:web:bad..name")


def test_demo_step(tmp_path: Path, offline: None, capsys: pytest.CaptureFixture[str]) -> None:
    from mbo_vc.demo.did_web import run_did_web_demo

    assert run_did_web_demo(tmp_path, old_key=KEY)
    doc = json.loads((tmp_path / "did-web" / ".well-known" / "did.json").read_text())
    assert doc["id"] == "did:web:roc-voorbeeld.nl" and len(doc["assertionMethod"]) == 2
    assert "after rotation" in capsys.readouterr().out
