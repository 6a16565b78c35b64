"""Signing with a key in AWS KMS (boto3), named by an ``aws-kms:`` reference.

``aws-kms:arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab`` (a key
or alias ARN, which names its region) or ``aws-kms:alias/roc-issuing?region=eu-west-1`` (an alias
name or key id, with its region) names an asymmetric ``SIGN_VERIFY`` key of spec
``ECC_NIST_P256`` or ``ECC_NIST_P384``. :meth:`KmsSigner.open` reads its public key once
(``GetPublicKey``, a DER SubjectPublicKeyInfo); each signature is one ``Sign`` call with
``MessageType=DIGEST`` (``ECDSA_SHA_256`` / ``ECDSA_SHA_384``) over the digest
:class:`~mbo_vc.keys.signer.ExternalSigner` computed, whose DER answer is turned into low-S
``r ‖ s`` and checked against the public key. The private key never leaves KMS.

Credentials come from boto3's own chain (environment, shared config and credentials files, SSO,
container or instance role); the reference has no place for them (any parameter but ``region``
is refused) and no message or ``repr`` carries them. boto3 is the optional extra
``mbo-vc[kms]``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from mbo_vc.errors import KeyUriError, SignerError, SignerUnavailableError
from mbo_vc.keys.ec import CURVES, EcKey
from mbo_vc.keys.ed25519 import Ed25519Key
from mbo_vc.keys.signer import ExternalSigner

__all__ = ["SCHEME", "KmsKeyRef", "KmsSigner", "is_kms_reference", "parse_kms_key_ref"]

SCHEME = "aws-kms:"
"""The prefix of a ``--key`` argument that names a key in AWS KMS."""

_MAX_REF = 2048  # KMS's own limit on a KeyId
_REGION = r"[a-z]{2,5}(?:-[a-z]{2,10}){1,3}-[0-9]{1,2}"
_PARTITION = r"aws(?:-cn|-us-gov|-iso|-iso-[a-z]|-eusc)?"
_KEY_ID = r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})"
_ALIAS = r"alias/[A-Za-z0-9/_-]{1,250}"
_ARN_RE = re.compile(
    rf"arn:(?P<partition>{_PARTITION}):kms:(?P<region>{_REGION}):(?P<account>[0-9]{{12}}):"
    rf"(?P<resource>key/{_KEY_ID}|{_ALIAS})"
)
_KEY_ARN_RE = re.compile(rf"arn:{_PARTITION}:kms:{_REGION}:[0-9]{{12}}:key/{_KEY_ID}")
_NAME_RE = re.compile(rf"{_KEY_ID}|{_ALIAS}")
_REGION_RE = re.compile(_REGION)
_ERROR_CODE_RE = re.compile(r"[A-Za-z0-9_.]{1,80}")

# KMS key spec -> (curve, signing algorithm)
_SPECS = {
    "ECC_NIST_P256": ("P-256", "ECDSA_SHA_256"),
    "ECC_NIST_P384": ("P-384", "ECDSA_SHA_384"),
}
_TIMEOUTS = {"connect_timeout": 5, "read_timeout": 15}
_RETRIES = {"mode": "standard", "max_attempts": 5}


def is_kms_reference(ref: Any) -> bool:
    """True when ``ref`` is a string that starts with ``aws-kms:`` (any case)."""
    return isinstance(ref, str) and ref[: len(SCHEME)].lower() == SCHEME


@dataclass(frozen=True)
class KmsKeyRef:
    """What an ``aws-kms:`` reference names: a KMS key (``key_id``: a key or alias ARN, an
    alias name or a key id) in a region. It holds no credentials."""

    key_id: str
    region: str

    def __str__(self) -> str:
        if self.key_id.startswith("arn:"):
            return SCHEME + self.key_id
        return f"{SCHEME}{self.key_id}?region={self.region}"


def parse_kms_key_ref(ref: str) -> KmsKeyRef:
    """Parse an ``aws-kms:`` reference: ``aws-kms:ARN`` (a key or alias ARN, its region in it)
    or ``aws-kms:alias/NAME?region=R`` / ``aws-kms:KEY-ID?region=R``.

    Anything else (another parameter, a repeated ``region``, ``region`` next to an ARN, an alias
    or key id without a region, a malformed ARN, region or name) is refused with
    :class:`~mbo_vc.errors.KeyUriError` (``invalid_key_uri``), whose message never quotes a
    parameter's value: credentials have no place in a reference.
    """
    if not is_kms_reference(ref):
        raise KeyUriError("an AWS KMS key reference starts with aws-kms:")
    if len(ref) > _MAX_REF:
        raise KeyUriError(f"the aws-kms reference is longer than {_MAX_REF} characters")
    name, sep, query = ref[len(SCHEME) :].partition("?")
    region: str | None = None
    if sep:
        for item in query.split("&"):
            param, eq, value = item.partition("=")
            if param != "region":
                raise KeyUriError(
                    f"aws-kms reference parameter {param[:40]!r} is not supported: only region= "
                    "(credentials come from the AWS SDK's environment, never from the reference)"
                )
            if region is not None:
                raise KeyUriError("aws-kms reference parameter 'region' appears twice")
            if not eq or not _REGION_RE.fullmatch(value):
                raise KeyUriError("aws-kms reference region= is not an AWS region (eu-west-1 …)")
            region = value
    arn = _ARN_RE.fullmatch(name)
    if arn is not None:
        if region is not None:
            raise KeyUriError("an aws-kms ARN names its region: drop region=")
        return KmsKeyRef(name, arn.group("region"))
    if name.startswith("arn:"):
        raise KeyUriError(
            "the aws-kms ARN is not a KMS key or alias ARN "
            "(arn:aws:kms:REGION:ACCOUNT:key/ID or …:alias/NAME)"
        )
    if not _NAME_RE.fullmatch(name):
        raise KeyUriError(
            "an aws-kms reference names a key ARN, an alias ARN, alias/NAME or a key id"
        )
    if region is None:
        raise KeyUriError(
            "an aws-kms alias or key id needs ?region=… (or give the key's ARN): "
            "the same alias can name another key in another region"
        )
    return KmsKeyRef(name, region)


def _botocore() -> Any:
    try:
        import boto3  # noqa: F401
        import botocore.exceptions
    except ImportError:
        raise SignerUnavailableError(
            "signing with an aws-kms: key needs the optional extra mbo-vc[kms] "
            "(pip install 'mbo-vc[kms]', which brings boto3)"
        ) from None
    return botocore.exceptions


def _new_client(region: str) -> Any:
    """A KMS client for ``region`` from boto3's credential chain (its own session: boto3's
    default session is not thread-safe), with timeouts and the standard retry mode
    (throttling is retried with backoff)."""
    import boto3
    from botocore.config import Config

    config = Config(retries=_RETRIES, **_TIMEOUTS)
    return boto3.session.Session().client("kms", region_name=region, config=config)


def _reason(exc: BaseException, exceptions: Any) -> str:
    """The AWS error code (``AccessDeniedException``, ``ThrottlingException`` …) or the SDK
    error's class name: never the message, which can name principals and resources."""
    if isinstance(exc, exceptions.ClientError):
        code = exc.response.get("Error", {}).get("Code", "")
        return code if isinstance(code, str) and _ERROR_CODE_RE.fullmatch(code) else "error"
    return type(exc).__name__


def _reopen(ref: KmsKeyRef, controller: str, method: str) -> KmsSigner:
    signer = KmsSigner.open(ref)
    if (signer.controller, signer.verification_method) != (controller, method):
        signer = signer.with_controller(controller, method)
    return signer


@dataclass
class _Client:
    """The KMS client and the key it signs with, shared by every re-bound copy."""

    client: Any
    key_arn: str
    algorithm: str
    owned: bool = False
    """True when the signer made the client (then :meth:`KmsSigner.close` closes it)."""
    closed: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)  # (boto3 clients are thread-safe)


class KmsSigner(ExternalSigner):
    """A private key in AWS KMS (ECC_NIST_P256 or ECC_NIST_P384) as a :class:`Signer`.

    Open it with :meth:`open` (an ``aws-kms:`` reference). Each signature is one ``Sign``
    request (``MessageType=DIGEST``); the client is boto3's, so signing is thread-safe.
    """

    __slots__ = ("_kms", "_ref")
    device = "AWS KMS key"

    def __init__(self, public: Ed25519Key | EcKey, kms: _Client, ref: KmsKeyRef) -> None:
        super().__init__(public)
        self._kms, self._ref = kms, ref

    @classmethod
    def open(
        cls,
        ref: str | KmsKeyRef,
        *,
        client: Any = None,
        controller: str | None = None,
        key_id: str | None = None,
    ) -> KmsSigner:
        """Read the public key of the KMS key ``ref`` names (``GetPublicKey``): an
        ``aws-kms:`` reference, a bare key or alias ARN, or a :class:`KmsKeyRef`.

        ``client`` is a boto3 KMS client to use (default: a new one for the reference's region,
        with boto3's credentials); ``controller`` and ``key_id`` bind the key to a DID (as
        :meth:`with_controller`). Raises :class:`~mbo_vc.errors.KeyUriError` for a bad
        reference, :class:`~mbo_vc.errors.SignerUnavailableError` without boto3, and
        :class:`~mbo_vc.errors.SignerError` when KMS refuses (the AWS error code, never a
        credential) or the key is not an ECC_NIST_P256/P384 signing key.
        """
        if isinstance(ref, str):
            parsed = parse_kms_key_ref(SCHEME + ref if ref.startswith("arn:") else ref)
        else:
            parsed = ref
        if not isinstance(parsed, KmsKeyRef):
            raise KeyUriError("an AWS KMS key reference is an aws-kms: string or a KmsKeyRef")
        exceptions = _botocore()
        owned = client is None
        try:
            if client is None:
                client = _new_client(parsed.region)
            answer = client.get_public_key(KeyId=parsed.key_id)
        except (exceptions.ClientError, exceptions.BotoCoreError) as exc:
            raise SignerError(
                f"AWS KMS did not give the public key of {parsed} ({_reason(exc, exceptions)})"
            ) from None
        public, key_arn, algorithm = _public_key(answer, parsed)
        if controller is not None:
            public = public.with_controller(controller, key_id)
        return cls(public, _Client(client, key_arn, algorithm, owned), parsed)

    @property
    def ref(self) -> KmsKeyRef:
        """The reference this signer was opened with."""
        return self._ref

    @property
    def key_arn(self) -> str:
        """The ARN of the KMS key (from ``GetPublicKey``); every ``Sign`` names it."""
        return self._kms.key_arn

    def _rebound(self, public: Ed25519Key | EcKey) -> KmsSigner:
        return KmsSigner(public, self._kms, self._ref)

    def reopener(self) -> Callable[[], KmsSigner]:
        """A picklable callable that opens the same key (same binding) in another process, with
        that process's own client."""
        return partial(_reopen, self._ref, self.controller, self.verification_method)

    def _sign_ecdsa_digest(self, digest: bytes) -> bytes:
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

        exceptions = _botocore()
        kms = self._kms
        if kms.closed:
            raise SignerError(f"the AWS KMS signer ({self._ref}) is closed")
        try:
            answer = kms.client.sign(
                KeyId=kms.key_arn,
                Message=digest,
                MessageType="DIGEST",
                SigningAlgorithm=kms.algorithm,
            )
        except (exceptions.ClientError, exceptions.BotoCoreError) as exc:
            raise SignerError(
                f"AWS KMS did not sign with {self._ref} ({_reason(exc, exceptions)})"
            ) from None
        if not isinstance(answer, dict):
            raise SignerError(f"AWS KMS gave no signature for {self._ref}")
        signature = answer.get("Signature")
        if answer.get("SigningAlgorithm", kms.algorithm) != kms.algorithm:
            raise SignerError(f"AWS KMS signed with another algorithm than {kms.algorithm}")
        curve = CURVES[self.key_type]
        try:
            if not isinstance(signature, bytes | bytearray):
                raise ValueError
            r, s = decode_dss_signature(bytes(signature))
            return r.to_bytes(curve.size, "big") + s.to_bytes(curve.size, "big")
        except (ValueError, OverflowError):
            raise SignerError(
                f"AWS KMS returned a malformed {curve.name} signature (not DER ECDSA)"
            ) from None

    def close(self) -> None:
        """Stop signing (for every re-bound copy too), and close the client's connections when
        the signer made the client (one passed to :meth:`open` stays the caller's)."""
        with self._kms.lock:
            was_closed, self._kms.closed = self._kms.closed, True
        closer = getattr(self._kms.client, "close", None)
        if self._kms.owned and not was_closed and callable(closer):
            closer()

    def __enter__(self) -> KmsSigner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"KmsSigner({self.verification_method!r}, {self.key_type}, {self._ref})"

    __str__ = __repr__


def _public_key(answer: Any, ref: KmsKeyRef) -> tuple[EcKey, str, str]:
    """The public key, key ARN and signing algorithm of a ``GetPublicKey`` answer, refusing a
    key mbo_vc cannot sign with."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    if not isinstance(answer, dict):
        raise SignerError(f"AWS KMS gave no public key for {ref}")
    usage, spec = answer.get("KeyUsage"), answer.get("KeySpec")
    if usage != "SIGN_VERIFY":
        raise SignerError(f"the KMS key {ref} is not a signing key (KeyUsage {str(usage)[:40]})")
    if spec not in _SPECS:
        raise SignerError(
            f"the KMS key {ref} has key spec {str(spec)[:40]}: mbo_vc signs with ECC_NIST_P256 "
            "or ECC_NIST_P384 keys"
        )
    curve, algorithm = _SPECS[spec]
    offered = answer.get("SigningAlgorithms")
    if not isinstance(offered, list) or algorithm not in offered:
        raise SignerError(f"the KMS key {ref} does not offer {algorithm}")
    key_arn = answer.get("KeyId")
    if not isinstance(key_arn, str) or not _KEY_ARN_RE.fullmatch(key_arn):
        raise SignerError(f"AWS KMS named no key ARN for {ref}")
    der = answer.get("PublicKey")
    try:
        if not isinstance(der, bytes | bytearray):
            raise ValueError
        public = load_der_public_key(bytes(der))
    except (ValueError, TypeError):
        raise SignerError(f"the public key AWS KMS gave for {ref} is not DER SPKI") from None
    if (
        not isinstance(public, ec.EllipticCurvePublicKey)
        or public.curve.name != CURVES[curve].curve.name
    ):
        raise SignerError(f"the public key AWS KMS gave for {ref} is not a {curve} key")
    return EcKey(public), key_arn, algorithm
