"""Ed25519 keys: Multikey/JWK forms, key files, and that private material never leaks."""

from __future__ import annotations

import json
import logging
import os
import stat

import pytest

from mbo_vc import Ed25519Key
from mbo_vc.errors import KeyFormatError, MboVcError, UsageError
from tests.helpers import load_vector

OBV3 = load_vector("obv3/ldp-eddsa-rdfc-2022.json")["key"]


def test_multikey_round_trip() -> None:
    key = Ed25519Key.generate()
    assert key.public_key_multibase.startswith("z6Mk")
    again = Ed25519Key.from_multibase(key.secret_key_multibase())
    assert again == key and again.did == key.did
    public = Ed25519Key.from_multibase(key.public_key_multibase)
    assert not public.has_private and public.public_bytes == key.public_bytes


def test_legacy_66_byte_secret_is_refused_with_a_clear_error() -> None:
    with pytest.raises(KeyFormatError, match="0x8026 \\+ 32-byte seed"):
        Ed25519Key.from_multibase(OBV3["secretKeyMultibase_legacy"])
    # … and its seed, converted explicitly, is the same key as the 34-byte Multikey form.
    assert Ed25519Key.from_seed(bytes.fromhex(OBV3["seed_hex"])) == Ed25519Key.from_multibase(
        OBV3["secretKeyMultibase"]
    )


@pytest.mark.parametrize(
    "bad", ["", "z", "u6Mk", "z6Mk!!", "zQmYwAPJzv5CZsnAzt8auVZRn", 123, None, "z" + "1" * 5000]
)
def test_bad_multibase_is_typed(bad: object) -> None:
    with pytest.raises(KeyFormatError):
        Ed25519Key.from_multibase(bad)  # type: ignore[arg-type]


def test_jwk_round_trip_with_jwcrypto() -> None:
    key = Ed25519Key.generate()
    pub = key.to_jwk()
    assert set(pub) == {"kty", "crv", "x"}
    assert Ed25519Key.from_jwk(pub).public_bytes == key.public_bytes
    priv = Ed25519Key.from_jwk(key.to_jwk(private=True))
    assert priv.has_private and priv.sign(b"x") == key.sign(b"x")


def test_non_ed25519_jwk_is_refused() -> None:
    with pytest.raises(KeyFormatError):
        Ed25519Key.from_jwk({"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"})


def test_sign_and_verify_bytes() -> None:
    key = Ed25519Key.from_seed(bytes(range(32)))
    sig = key.sign(b"hello")
    assert key.verify(sig, b"hello")
    assert not key.verify(sig, b"hellO")
    assert not key.public_only().has_private
    with pytest.raises(UsageError):
        key.public_only().sign(b"x")


def test_key_file_is_0600_and_loads(tmp_path) -> None:
    key = Ed25519Key.generate()
    path = key.save(tmp_path / "k.json")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert Ed25519Key.load(path) == key
    with pytest.raises(UsageError):
        key.save(path)  # no silent overwrite
    data = json.loads(path.read_text())
    assert data["type"] == "Multikey" and data["controller"] == key.did


def test_private_material_never_in_repr_str_logs_or_errors(tmp_path, caplog) -> None:
    key = Ed25519Key.generate()
    secret = key.secret_key_multibase()
    seed_jwk = key.to_jwk(private=True)["d"]
    logging.getLogger("test").warning("key is %s / %r", key, key)
    texts = [repr(key), str(key), f"{key}", caplog.text]
    # An error about a broken key file must not echo its content.
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"secretKeyMultibase": secret + "0"}))
    with pytest.raises(MboVcError) as exc:
        Ed25519Key.load(broken)
    texts.append(str(exc.value))
    for text in texts:
        assert secret not in text and seed_jwk not in text and secret[5:20] not in text
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(key)


def test_from_seed_wrong_length() -> None:
    with pytest.raises(KeyFormatError):
        Ed25519Key.from_seed(b"short")


@pytest.mark.parametrize("bad", ["z11 ", "z11\n", "z 11", "z0OIl"])
def test_base58_is_strict(bad: str) -> None:
    """The base58 package strips whitespace; a signature must not be malleable that way."""
    from mbo_vc.keys import decode_multibase

    with pytest.raises(KeyFormatError):
        decode_multibase(bad)
