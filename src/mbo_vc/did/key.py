"""The did:key method (W3C CCG did:key v0.9): Ed25519 (``z6Mk…``), P-256 (``zDn…``, p256-pub 0x1200,
compressed point) and P-384 (``z82…``) keys, as a Multikey verification method."""

from __future__ import annotations

import functools
from typing import Any

from mbo_vc.errors import DidError, KeyFormatError
from mbo_vc.json_input import json_copy
from mbo_vc.keys import Key, key_from_did_key

__all__ = ["did_key_document", "resolve_did_key"]

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"


def did_key_document(key: Key, *, legacy: bool = False) -> dict[str, Any]:
    """The DID document of ``key``'s did:key.

    The default uses a ``Multikey`` verification method; ``legacy=True`` gives the older
    ``Ed25519VerificationKey2020`` form with the same key bytes (Ed25519 keys only).
    """
    if legacy and key.key_type != "Ed25519":
        raise DidError("the legacy Ed25519VerificationKey2020 form is for Ed25519 keys only")
    did = key.did
    vm_id = f"{did}#{key.public_key_multibase}"
    vm = {
        "id": vm_id,
        "type": "Ed25519VerificationKey2020" if legacy else "Multikey",
        "controller": did,
        "publicKeyMultibase": key.public_key_multibase,
    }
    return {
        "@context": [DID_CONTEXT, ED25519_2020_CONTEXT if legacy else MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": [vm],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
        "capabilityDelegation": [vm_id],
        "capabilityInvocation": [vm_id],
    }


def resolve_did_key(did: str, *, legacy: bool = False) -> dict[str, Any]:
    """Resolve a ``did:key`` (Ed25519, P-256, P-384) to its DID document (offline, computed).

    ``legacy=True`` gives the ``Ed25519VerificationKey2020`` form (register it with
    ``DidResolver(methods={"key": functools.partial(resolve_did_key, legacy=True)})``).
    """
    if not isinstance(did, str) or len(did) > 4096:
        raise DidError("malformed did:key")
    if not did.startswith("did:key:z") or "#" in did or "/" in did or "?" in did:
        raise DidError(f"malformed did:key: {did[:100]!r}")
    return json_copy(_document(did, legacy))


@functools.lru_cache(maxsize=1024)
def _document(did: str, legacy: bool) -> dict[str, Any]:
    # a did:key document is a pure function of the DID: computed once (the point check included)
    try:
        key = key_from_did_key(did)
    except KeyFormatError as exc:
        raise DidError(f"{did[:100]}: {exc.message}") from None
    return did_key_document(key, legacy=legacy)
