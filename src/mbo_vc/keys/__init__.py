"""Keys: Ed25519 and NIST P-256/P-384, their Multikey, JWK and did:key forms, and key files.

A key object may hold only the public half (for verification) or both halves. Private material is
never part of ``repr``/``str``, never logged and never put in an error message; it leaves the
object only through ``secret_key_multibase()``, ``to_jwk(private=True)`` and ``save()``, each of
which has to be asked for by name. :func:`load_key`, :func:`key_from_multibase` and
:func:`key_from_jwk` pick the key type from the data; :class:`Key` is what both types offer.

Every signing path takes a :class:`Signer`: a key object, or a key held in an HSM
(:mod:`mbo_vc.keys.pkcs11`) or in AWS KMS (:mod:`mbo_vc.keys.kms`); :func:`open_signer` reads a
``--key`` argument (a key file, a ``pkcs11:`` URI or an ``aws-kms:`` reference).
"""

from mbo_vc.keys._codec import (
    MAX_KEY_FILE_BYTES,
    MULTIKEY_CONTEXT,
    decode_multibase,
    encode_multibase_base58btc,
)
from mbo_vc.keys.ec import CURVES, EcKey, is_high_s, low_s
from mbo_vc.keys.ed25519 import ED25519_PRIV_HEADER, ED25519_PUB_HEADER, Ed25519Key
from mbo_vc.keys.methods import (
    KEY_TYPES,
    PRIVATE_JWK_MEMBERS,
    VERIFICATION_METHOD_TYPES,
    Key,
    generate_key,
    key_from_did_key,
    key_from_jwk,
    key_from_multibase,
    load_key,
    private_jwk_members,
    public_jwk_of,
)
from mbo_vc.keys.references import is_signer_reference, open_signer
from mbo_vc.keys.signer import ExternalSigner, Signer

__all__ = [
    "CURVES",
    "ED25519_PRIV_HEADER",
    "ED25519_PUB_HEADER",
    "KEY_TYPES",
    "MAX_KEY_FILE_BYTES",
    "MULTIKEY_CONTEXT",
    "PRIVATE_JWK_MEMBERS",
    "VERIFICATION_METHOD_TYPES",
    "EcKey",
    "Ed25519Key",
    "ExternalSigner",
    "Key",
    "Signer",
    "decode_multibase",
    "encode_multibase_base58btc",
    "generate_key",
    "is_high_s",
    "is_signer_reference",
    "key_from_did_key",
    "key_from_jwk",
    "key_from_multibase",
    "load_key",
    "low_s",
    "open_signer",
    "private_jwk_members",
    "public_jwk_of",
]
