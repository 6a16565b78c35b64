"""What a ``--key`` argument names: a key file, a key in an HSM (an RFC 7512 ``pkcs11:`` URI) or
a key in AWS KMS (an ``aws-kms:`` reference)."""

from __future__ import annotations

import os
from typing import Any

from mbo_vc.keys.methods import load_key
from mbo_vc.keys.signer import Signer

__all__ = ["is_signer_reference", "open_signer"]

_SCHEMES = ("pkcs11:", "aws-kms:")


def is_signer_reference(ref: Any) -> bool:
    """True when ``ref`` names a key in a device (``pkcs11:…``, ``aws-kms:…``), not a key
    file."""
    return isinstance(ref, str) and ref[:8].lower().startswith(_SCHEMES)


def open_signer(ref: str | os.PathLike[str]) -> Signer:
    """The signer a ``--key`` argument names: a ``pkcs11:`` URI (RFC 7512; an HSM or SoftHSM
    over PKCS#11, :class:`~mbo_vc.keys.pkcs11.Pkcs11Signer`), an ``aws-kms:`` reference (a
    key in AWS KMS, :class:`~mbo_vc.keys.kms.KmsSigner`), or else the path of a key file
    (Multikey or JWK)."""
    if is_signer_reference(ref):
        text = str(ref)
        if text[:7].lower() == "pkcs11:":
            from mbo_vc.keys.pkcs11 import Pkcs11Signer

            return Pkcs11Signer.open(text)
        from mbo_vc.keys.kms import KmsSigner

        return KmsSigner.open(text)
    return load_key(ref)
