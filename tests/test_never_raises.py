"""Never raises, on every entry point; bounded key files; no secret in any message; weak keys and
critical JOSE headers refused (issue: "One verification road", item 6)."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mbo_vc import (
    DidResolver,
    Ed25519Key,
    StatusChecker,
    present,
    sign,
    verify,
    verify_jwt,
    verify_presentation,
)
from mbo_vc.errors import KeyFormatError, MboVcError
from mbo_vc.jose import secure_jwt
from mbo_vc.keys import MAX_KEY_FILE_BYTES
from mbo_vc.status import MappingFetcher
from mbo_vc.verification import is_presentation
from tests.fixtures import example_diploma
from tests.test_jose import b64, ed25519_jws

ISSUER = Ed25519Key.from_seed(bytes([7]) * 32)
HOLDER = Ed25519Key.from_seed(bytes([8]) * 32)
NOW = "2026-11-01T00:00:00Z"
CHALLENGE = "c-1"
WRONG_TYPES: list[Any] = [None, True, 0, -1, 1.5, "", "x", [], ["x"], [[]], {}, {"id": 1}]


def _walk(doc: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield (*path, k), v
            yield from _walk(v, (*path, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield (*path, i), v
            yield from _walk(v, (*path, i))


def _retyped(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The document with one member (anywhere) replaced by a value of another JSON type."""
    for path, value in list(_walk(doc)):
        for new in WRONG_TYPES:
            if type(new) is type(value):
                continue
            m = copy.deepcopy(doc)
            target: Any = m
            for p in path[:-1]:
                target = target[p]
            target[path[-1]] = new
            yield m


def _credential() -> dict[str, Any]:
    doc = example_diploma(ISSUER.did)
    doc["credentialSubject"]["id"] = HOLDER.did
    doc["credentialStatus"] = {
        "id": "https://roc.example/status/1#5",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "5",
        "statusListCredential": "https://roc.example/status/1",
    }
    return doc


def _no_crash(results: list[Any]) -> None:
    for r in results:
        assert "internal_error" not in r.codes, r.problems


def test_verify_never_raises_for_any_member_of_the_wrong_type() -> None:
    signed = sign(_credential(), ISSUER, created=NOW)
    checker = StatusChecker(MappingFetcher())
    results = [verify(m, now=NOW, status=checker) for m in _retyped(signed)]
    assert len(results) > 300
    _no_crash(results)
    assert not any(r.verified for r in results)


def test_verify_presentation_never_raises_for_any_member_of_the_wrong_type() -> None:
    vp = present([sign(_credential(), ISSUER, created=NOW)], HOLDER, challenge=CHALLENGE)
    assert isinstance(vp, dict)
    results = [
        verify_presentation(m, challenge=CHALLENGE, now=NOW, check_status=False)
        for m in _retyped(vp)
    ]
    assert len(results) > 400
    _no_crash(results)
    assert not any(r.verified for r in results)


def test_verify_jwt_never_raises_for_header_or_claims_of_the_wrong_type() -> None:
    """Every header member retyped (the token re-signed, so the signature holds), every
    payload member retyped (signed by the issuer: such a credential may well verify, but its
    status is never skipped), crit and jwk of every shape."""
    payload = _credential()
    header = {"alg": "EdDSA", "kid": ISSUER.verification_method, "typ": "vc+jwt", "cty": "vc"}
    headers = [h for h in _retyped(header) if h != {**header, "cty": None}]  # null = absent
    headers += [
        {**header, "crit": c}
        for c in (None, "b64", [], [1], ["b64"], ["alg"], ["x"], {"b64": True})
    ]
    headers += [{**header, "jwk": j, "kid": None} for j in WRONG_TYPES]
    by_header = [ed25519_jws(h, payload, ISSUER) for h in headers]
    by_payload = [ed25519_jws(header, p, ISSUER) for p in _retyped(payload)]
    assert len(by_header) > 50 and len(by_payload) > 250
    results = [verify_jwt(t, now=NOW, check_status=False) for t in by_header]
    results += [verify(t, now=NOW, check_status=False) for t in by_header]
    _no_crash(results)
    assert not any(r.verified for r in results)
    signed_by_issuer = [verify_jwt(t, now=NOW) for t in by_payload]
    _no_crash(signed_by_issuer)
    for r in signed_by_issuer:
        if r.verified:  # then no status entry was left unchecked
            assert r.view is not None and not r.view.status_entries
    for token in by_header[:60]:
        assert isinstance(is_presentation(token), bool)


def test_status_checker_never_raises_for_entries_of_the_wrong_type() -> None:
    checker = StatusChecker(MappingFetcher())
    entry = _credential()["credentialStatus"]
    for bad in [*_retyped(entry), *(w for w in WRONG_TYPES if w not in (None, []))]:
        for credential in (
            {"issuer": ISSUER.did, "credentialStatus": bad},
            {"credentialStatus": [bad]},
        ):
            outcomes = checker.check(credential)
            assert outcomes and all(o.problem is not None for o in outcomes), outcomes
    assert checker.check_entries([("x", b) for b in WRONG_TYPES], issuer=None, now=None)  # type: ignore[arg-type]
    with_a_broken_fetcher = StatusChecker(lambda url: 1 / 0)  # type: ignore[arg-type,return-value]
    [outcome] = with_a_broken_fetcher.check({"issuer": ISSUER.did, "credentialStatus": entry})
    assert outcome.problem is not None and outcome.problem.code == "status_unavailable"


def test_callers_passing_the_wrong_types_get_typed_errors_or_problems() -> None:
    for value in [None, 1, 1.5, [], ["a"], object(), b"\xff\xfe", "\ud800"]:
        assert "internal_error" not in verify(value).codes  # type: ignore[arg-type]
        assert not verify(value).verified  # type: ignore[arg-type]
        assert "internal_error" not in verify_jwt(value).codes  # type: ignore[arg-type]
        result = verify_presentation(value, challenge="c")  # type: ignore[arg-type]
        assert "internal_error" not in result.codes
    assert verify(sign(example_diploma(ISSUER.did), ISSUER), now="not a date").codes == [
        "invalid_date"
    ]
    assert verify({}, status=object()).codes == ["bad_usage"]  # type: ignore[arg-type]


# --- key files ----------------------------------------------------------------------------------


def test_key_files_are_read_bounded_and_decoded_as_bytes(tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as fh:
        fh.truncate(2 * 1024**3)  # a sparse 2 GiB file: reading it whole would take seconds
    start = time.monotonic()
    with pytest.raises(KeyFormatError, match=f"larger than {MAX_KEY_FILE_BYTES}"):
        Ed25519Key.load(huge)
    assert time.monotonic() - start < 1.0
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes(b'{"name": "Fran\xe7ois"}')
    with pytest.raises(KeyFormatError, match="UTF-8"):
        Ed25519Key.load(latin1)
    with pytest.raises(KeyFormatError, match="cannot read"):
        Ed25519Key.load(tmp_path / "missing.json")
    secret = ISSUER.secret_key_multibase()
    broken = tmp_path / "broken.json"
    broken.write_text('{"secretKeyMultibase": "' + secret + '", ')
    with pytest.raises(KeyFormatError) as exc:
        Ed25519Key.load(broken)
    assert secret not in exc.value.message


# --- no secret in any message -------------------------------------------------------------------


def _secrets() -> tuple[Ed25519Key, list[str]]:
    key = Ed25519Key.from_seed(bytes([99]) * 32)
    secret_mb = key.secret_key_multibase()
    d = key.to_jwk(private=True)["d"]
    return key, [secret_mb, d]


def _planted(doc: dict[str, Any], where: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    target: Any = out
    parts = where.split("/")
    for p in parts[:-1]:
        target = target[int(p)] if isinstance(target, list) else target[p]
    target[parts[-1]] = value
    return out


def test_no_secret_appears_in_any_message() -> None:
    key, secrets = _secrets()
    secret_mb, d = secrets
    jwk = key.to_jwk(private=True)
    values: list[Any] = [
        secret_mb,
        f"did:key:{secret_mb}",
        f"did:key:{secret_mb}#{secret_mb}",
        jwk,
        json.dumps(jwk),
        {"id": f"did:key:{secret_mb}", "publicKeyJwk": jwk},
        f"https://x.example/{secret_mb}",
    ]
    signed = sign(_credential(), ISSUER, created=NOW)
    places = [
        "issuer", "type", "validUntil", "credentialStatus/type",
        "credentialStatus/statusListCredential", "credentialStatus/statusListIndex",
        "proof/verificationMethod", "proof/type", "proof/cryptosuite", "proof/proofValue",
        "proof/created", "proof/proofPurpose", "@context",
    ]  # fmt: skip
    texts: list[str] = []
    checker = StatusChecker(MappingFetcher())
    for place in places:
        for value in values:
            result = verify(_planted(signed, place, value), now=NOW, status=checker)
            texts.append(json.dumps(result.to_json()))
    header = {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc"}
    for value in values:
        for h in ({**header, "kid": value}, {**header, "jwk": value}, {**header, "alg": value}):
            texts.append(json.dumps(verify_jwt(ed25519_jws(h, _credential(), ISSUER)).to_json()))
    resolver = DidResolver(documents={"did:example:leak": {"id": "did:example:leak",
        "verificationMethod": [{"id": "did:example:leak#k", "type": "JsonWebKey",
                                "controller": "did:example:leak", "publicKeyJwk": jwk}],
        "assertionMethod": ["did:example:leak#k"]}})  # fmt: skip
    leak = _planted(signed, "proof/verificationMethod", "did:example:leak#k")
    texts.append(json.dumps(verify(leak, resolver=resolver, now=NOW).to_json()))
    assert len(texts) > 100
    for text in texts:
        for secret in secrets:
            assert secret not in text
        assert d[:20] not in text


def test_no_secret_in_exception_messages() -> None:
    _, (secret_mb, d) = _secrets()
    for message in (f"bad key {secret_mb}", f"did:key:{secret_mb}#x", f"{{'d': '{d}'}}",
                    f'{{"kty": "OKP", "d": "{d}"}}'):  # fmt: skip
        err = KeyFormatError(message)
        assert secret_mb not in str(err) and d not in str(err)
        assert "[redacted secret]" in err.message
    public = ISSUER.public_key_multibase
    assert public in KeyFormatError(f"key {public}").message  # public keys are kept


def test_cli_never_echoes_a_secret(tmp_path: Path) -> None:
    _, (secret_mb, _) = _secrets()
    doc = _planted(sign(_credential(), ISSUER, created=NOW), "issuer", f"did:key:{secret_mb}")
    path = tmp_path / "leak.json"
    path.write_text(json.dumps(doc))
    proc = subprocess.run(
        [sys.executable, "-m", "mbo_vc.cli", "verify", str(path), "--json"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 1
    assert secret_mb not in proc.stdout + proc.stderr


# --- weak Ed25519 keys --------------------------------------------------------------------------

SMALL_ORDER = [
    bytes(32),  # 0 (order 4)
    bytes([1]) + bytes(31),  # the identity (order 1)
    bytes.fromhex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),  # order 8
    bytes.fromhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),  # order 8
    bytes.fromhex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),  # order 2
    bytes.fromhex(
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"
    ),  # p: not canonical
]


@pytest.mark.parametrize("point", SMALL_ORDER, ids=lambda p: p.hex()[:8])
def test_small_order_and_non_canonical_ed25519_keys_are_refused(point: bytes) -> None:
    with pytest.raises(KeyFormatError, match=r"small order|canonical"):
        Ed25519Key.from_public_bytes(point)
    from mbo_vc.keys import ED25519_PUB_HEADER, encode_multibase_base58btc

    mb = encode_multibase_base58btc(ED25519_PUB_HEADER + point)
    doc = example_diploma(f"did:key:{mb}")
    signed = sign(doc, ISSUER, created=NOW)
    signed["proof"]["verificationMethod"] = f"did:key:{mb}#{mb}"
    # a small-order key with the all-zero "signature" (R = identity, S = 0) is the classic forgery
    signed["proof"]["proofValue"] = "z" + "1" * 64
    result = verify(signed, now=NOW)
    assert not result.verified
    assert {"vm_unresolvable", "invalid_key", "malformed_proof"} & set(result.codes), result.codes


# --- JWS critical headers -----------------------------------------------------------------------


def _jwt(header_extra: dict[str, Any]) -> str:
    header = {"alg": "EdDSA", "kid": ISSUER.verification_method, "typ": "vc+jwt", "cty": "vc"}
    return ed25519_jws({**header, **header_extra}, example_diploma(ISSUER.did), ISSUER)


@pytest.mark.parametrize(
    ("extra", "verified"),
    [
        ({}, True),
        ({"crit": ["b64"], "b64": True}, True),  # RFC 7797: b64 true is the default encoding
        ({"crit": ["exp"], "exp": 1}, False),  # a critical header we do not understand
        ({"crit": ["alg"]}, False),  # crit must not list registered headers (RFC 7515)
        ({"crit": ["b64"]}, False),  # listed but absent
        ({"crit": []}, False),  # empty
        ({"crit": ["b64", "b64"], "b64": True}, False),  # twice
        ({"b64": True}, False),  # RFC 7797 §6: b64 must be listed in crit
        ({"crit": ["b64"], "b64": False}, False),  # unencoded payloads are not supported
        ({"x-unknown": 1}, True),  # a non-critical unknown header is ignored (RFC 7515)
    ],
)
def test_jws_crit_and_b64(extra: dict[str, Any], verified: bool) -> None:
    result = verify_jwt(_jwt(extra), now=NOW)
    assert result.verified is verified, result.codes
    if not verified:
        assert result.codes == ["jwt_malformed"]


def test_a_jwt_signed_by_jwcrypto_with_crit_b64_true_verifies() -> None:
    token = secure_jwt(example_diploma(ISSUER.did), ISSUER)
    assert verify_jwt(token, now=NOW).verified
    head, body, sig = token.split(".")
    header = json.loads(__import__("base64").urlsafe_b64decode(head + "=="))
    header["crit"] = ["unknown"]
    header["unknown"] = 1
    forged = f"{b64(json.dumps(header).encode())}.{body}.{sig}"
    assert verify_jwt(forged, now=NOW).codes == ["jwt_malformed"]


# --- helpers --------------------------------------------------------------------------------------


def _every_entry_point() -> list[Callable[[Any], Any]]:
    return [
        lambda d: verify(d),
        lambda d: verify_jwt(d),
        lambda d: verify_presentation(d, challenge="c"),
        lambda d: is_presentation(d),
    ]


def test_deep_and_huge_input_on_every_entry_point() -> None:
    deep = '{"a": ' + "[" * 5000 + "]" * 5000 + "}"
    big = b'{"x": "' + b"a" * (3 * 1024 * 1024) + b'"}'
    nested_dict: Any = {}
    cur = nested_dict
    for _ in range(3000):
        cur["a"] = {}
        cur = cur["a"]
    for call in _every_entry_point():
        for value in (deep, big, nested_dict, "e30." * 1000, "a" * (5 * 1024 * 1024)):
            out = call(value)
            if not isinstance(out, bool):
                assert not out.verified and "internal_error" not in out.codes, out.codes


def test_no_mbo_vc_error_escapes_from_os_level_failures(tmp_path: Path) -> None:
    """A key file that is a directory, or unreadable, is a typed error."""
    folder = tmp_path / "dir.json"
    folder.mkdir()
    with pytest.raises(MboVcError):
        Ed25519Key.load(folder)
    if os.geteuid() != 0:  # root reads everything
        locked = tmp_path / "locked.json"
        locked.write_text("{}")
        locked.chmod(0)
        with pytest.raises(KeyFormatError):
            Ed25519Key.load(locked)
