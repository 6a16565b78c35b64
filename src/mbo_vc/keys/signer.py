"""One signing interface for every signing path: :class:`Signer`.

``sign``, ``issue`` (both signers of the mbo chain), ``status publish``, VC-JOSE, SD-JWT (VC)
issuing and ``jwt sign`` take a :class:`Signer`: something that names its key (type, JWS ``alg``,
public key, did:key, controller, verification method) and signs bytes, returning the raw
signature the suites use (Ed25519: 64 bytes; ECDSA P-256/P-384: IEEE P1363 ``r ‖ s``, low-S,
over the curve's hash of the data). A key file's :class:`~mbo_vc.keys.Ed25519Key` and
:class:`~mbo_vc.keys.EcKey` are signers; so are :class:`~mbo_vc.keys.pkcs11.Pkcs11Signer` (an HSM
over PKCS#11), whose private key never enters this process, and any other
:class:`ExternalSigner` (:class:`~mbo_vc.keys.kms.KmsSigner`, a key in AWS KMS; another device:
two methods to write). :func:`mbo_vc.keys.open_signer` turns a ``--key`` argument (a key file, a
``pkcs11:`` URI or an ``aws-kms:`` reference) into a signer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from mbo_vc.errors import SignatureEncodingError, SignerError, UsageError
from mbo_vc.keys.ec import CURVES, EcKey, low_s
from mbo_vc.keys.ed25519 import Ed25519Key

__all__ = ["ExternalSigner", "Signer"]


@runtime_checkable
class Signer(Protocol):
    """What every signing path needs of a key: its identity and ``sign``.

    :class:`~mbo_vc.keys.Ed25519Key`, :class:`~mbo_vc.keys.EcKey` (key files) and the
    :class:`ExternalSigner` subclasses (HSM, KMS) implement it.
    """

    @property
    def key_type(self) -> str:
        """``Ed25519``, ``P-256`` or ``P-384`` (JWK ``crv`` spelling)."""
        ...

    @property
    def jws_alg(self) -> str:
        """The JWS ``alg`` of its signatures (``EdDSA``, ``ES256``, ``ES384``)."""
        ...

    @property
    def public_bytes(self) -> bytes:
        """The public key (raw Ed25519, or a compressed point)."""
        ...

    @property
    def public_key_multibase(self) -> str:
        """The Multikey ``publicKeyMultibase`` of the public key."""
        ...

    @property
    def has_private(self) -> bool:
        """True when it can sign."""
        ...

    @property
    def did(self) -> str:
        """The ``did:key`` of the public key."""
        ...

    @property
    def controller(self) -> str:
        """The controller of its verification method (default: the did:key)."""
        ...

    @property
    def verification_method(self) -> str:
        """The verification method id that proofs name (the JWS ``kid``)."""
        ...

    def multikey(self) -> dict[str, Any]:
        """The public Multikey verification method."""
        ...

    def to_jwk(self) -> dict[str, str]:
        """The public key as a JWK."""
        ...

    def sign(self, data: bytes) -> bytes:
        """The raw signature of ``data`` (Ed25519: 64 bytes; ECDSA: P1363 ``r ‖ s``, low-S)."""
        ...

    def verify(self, signature: bytes, data: bytes) -> bool:
        """True when ``signature`` is valid for ``data`` under the public key."""
        ...

    def with_controller(self, controller: str, key_id: str | None = None) -> Any:
        """The same signer bound to another controller (e.g. a did:web) and method id."""
        ...

    def public_only(self) -> Ed25519Key | EcKey:
        """The public key alone (for DID documents and verification)."""
        ...


class ExternalSigner:
    """A signer whose private key lives elsewhere (an HSM, a KMS): everything but the signature
    comes from its public key, read from the device once.

    A subclass implements :meth:`_sign_eddsa` (pure Ed25519 over the data) and
    :meth:`_sign_ecdsa_digest` (ECDSA over a digest, P1363), and :meth:`_rebound`. This class
    hashes for ECDSA (SHA-256 for P-256, SHA-384 for P-384), normalises to low-S and checks
    every signature against the public key before handing it out, so a device that signs with
    another key than the one it named fails loudly, never silently.
    """

    __slots__ = ("_public",)
    device = "external signer"
    """What the device is called in error messages (``PKCS#11 token``, ``AWS KMS``)."""

    def __init__(self, public: Ed25519Key | EcKey) -> None:
        if not isinstance(public, Ed25519Key | EcKey):
            raise UsageError("an external signer's public key is an Ed25519Key or an EcKey")
        self._public = public.public_only() if public.has_private else public

    # --- identity, from the public key --------------------------------------------------------
    @property
    def key_type(self) -> str:
        """``Ed25519``, ``P-256`` or ``P-384``."""
        return self._public.key_type

    @property
    def jws_alg(self) -> str:
        """``EdDSA``, ``ES256`` or ``ES384``."""
        return self._public.jws_alg

    @property
    def curve(self) -> str:
        """The curve (``Ed25519``, ``P-256``, ``P-384``), as :attr:`EcKey.curve` names it."""
        return self._public.key_type

    @property
    def public_bytes(self) -> bytes:
        """The public key bytes."""
        return self._public.public_bytes

    @property
    def public_key_multibase(self) -> str:
        """The Multikey ``publicKeyMultibase``."""
        return self._public.public_key_multibase

    @property
    def has_private(self) -> bool:
        """True: the device holds the private key."""
        return True

    @property
    def did(self) -> str:
        """The did:key of the public key."""
        return self._public.did

    @property
    def controller(self) -> str:
        """The controller of the verification method."""
        return self._public.controller

    @property
    def verification_method(self) -> str:
        """The verification method id that proofs name."""
        return self._public.verification_method

    def multikey(self) -> dict[str, Any]:
        """The public Multikey verification method."""
        return self._public.multikey()

    def to_jwk(self, *, private: bool = False) -> dict[str, str]:
        """The public key as a JWK (the private key cannot leave the device)."""
        if private:
            raise UsageError(f"the private key stays in the {self.device}: it has no JWK")
        return self._public.to_jwk()

    def public_only(self) -> Ed25519Key | EcKey:
        """The public key alone."""
        return self._public

    def verify(self, signature: bytes, data: bytes) -> bool:
        """True when ``signature`` is valid for ``data`` under the public key."""
        return self._public.verify(signature, data)

    def with_controller(self, controller: str, key_id: str | None = None) -> Any:
        """The same signer (same device session) bound to another controller and method id."""
        return self._rebound(self._public.with_controller(controller, key_id))

    # --- signing ------------------------------------------------------------------------------
    def sign(self, data: bytes) -> bytes:
        """The raw signature of ``data``, made by the device and checked here."""
        data = bytes(data)
        if self.key_type == "Ed25519":
            signature = self._sign_eddsa(data)
        else:
            curve = CURVES[self.key_type]
            digest = hashlib.new(curve.hash().name, data).digest()
            try:
                signature = low_s(self._sign_ecdsa_digest(digest), curve.name)
            except SignatureEncodingError:
                raise SignerError(
                    f"the {self.device} returned a malformed {curve.name} signature"
                ) from None
        if not self._public.verify(signature, data):
            raise SignerError(
                f"the {self.device} returned a signature that does not verify under the "
                f"public key it names ({self.verification_method[:120]})"
            )
        return signature

    def _sign_eddsa(self, data: bytes) -> bytes:
        """Pure Ed25519 over ``data`` (64 bytes)."""
        raise SignerError(f"this {self.device} does not sign with Ed25519")

    def _sign_ecdsa_digest(self, digest: bytes) -> bytes:
        """ECDSA over ``digest`` (already hashed), as P1363 ``r ‖ s`` (any S)."""
        raise SignerError(f"this {self.device} does not sign with ECDSA")

    def _rebound(self, public: Ed25519Key | EcKey) -> Any:
        """A copy of this signer with another (re-bound) public key."""
        raise NotImplementedError

    def reopener(self) -> Callable[[], Signer] | None:
        """A picklable callable that opens this signer again in another process (a batch
        worker opens its own session), or None when it cannot be."""
        return None

    def __reduce__(self) -> Any:
        raise TypeError(f"{type(self).__name__} objects are not picklable (they hold a session)")
