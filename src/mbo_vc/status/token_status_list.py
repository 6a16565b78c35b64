"""IETF Token Status List (draft-ietf-oauth-status-list): the status list, the
``statuslist+jwt`` Status List Token and the ``status.status_list`` reference.

The list is a byte array in which each Referenced Token has ``bits`` (1, 2, 4 or 8) bits,
packed from the *least* significant bit of each byte (the opposite of Bitstring Status List),
compressed with DEFLATE in the ZLIB format (RFC 1950, level 9) and base64url-encoded as ``lst``.
Decompression is bounded (``max_bytes``), so a zip bomb is refused after at most that much
output. Status values: 0x00 VALID, 0x01 INVALID, 0x02 SUSPENDED; 0x03 and 0x0C-0x0F are
application-specific, the rest reserved.

:func:`sign_status_list_token` issues a token; :func:`verify_status_list_token` checks one
(``typ``, ``alg``, the key named by ``kid``, ``sub``, ``iat``/``exp``/``ttl`` against the
caller's clock) and never returns an unverified list.
"""

from __future__ import annotations

import base64
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from mbo_vc.did import DidResolver, default_resolver
from mbo_vc.errors import (
    DidError,
    KeyFormatError,
    MboVcError,
    StatusEncodingError,
    StatusEntryError,
    StatusIndexError,
    StatusListError,
    StatusListTokenError,
    StatusListTooLargeError,
    StatusListTooShortError,
    UsageError,
)
from mbo_vc.jws import DEFAULT_JWT_ALGORITHMS, KEY_FIT, decode_jwt, sign_compact, verify_signature
from mbo_vc.keys import Signer, public_jwk_of
from mbo_vc.limits import DEFAULT_LIMITS, Limits
from mbo_vc.status.codec import DEFAULT_MAX_LIST_BYTES, inflate_bounded
from mbo_vc.verification.jwt import verify_with_did_kid

__all__ = [
    "ALLOWED_BITS",
    "INVALID",
    "MEDIA_TYPE",
    "SUSPENDED",
    "TYP",
    "VALID",
    "StatusListReference",
    "TokenStatusList",
    "VerifiedStatusListToken",
    "decode_lst",
    "encode_lst",
    "parse_status_list",
    "parse_status_reference",
    "sign_status_list_token",
    "status_list_token_payload",
    "verify_status_list_token",
]

VALID, INVALID, SUSPENDED = 0x00, 0x01, 0x02
STATUS_NAMES = {VALID: "VALID", INVALID: "INVALID", SUSPENDED: "SUSPENDED"}
ALLOWED_BITS = (1, 2, 4, 8)
TYP = "statuslist+jwt"
MEDIA_TYPE = "application/statuslist+jwt"
_TYPS = frozenset({TYP, MEDIA_TYPE})
_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")
MAX_INDEX = 2**53 - 1
MAX_URI = 2048


def _bits(bits: object) -> int:
    if not isinstance(bits, int) or isinstance(bits, bool) or bits not in ALLOWED_BITS:
        raise StatusListTokenError("status_list bits must be 1, 2, 4 or 8")
    return bits


class TokenStatusList:
    """A Token Status List: ``size`` statuses of ``bits`` bits each, LSB first in each byte."""

    __slots__ = ("_data", "bits")

    def __init__(self, size: int, bits: int = 1) -> None:
        self.bits = _bits(bits)
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
            raise UsageError("a status list needs at least one entry")
        per_byte = 8 // self.bits
        self._data = bytearray(-(-size // per_byte))

    @classmethod
    def from_bytes(cls, data: bytes | bytearray, bits: int = 1) -> TokenStatusList:
        """A list over a copy of the (uncompressed) byte array."""
        if not data:
            raise StatusListTooShortError("the status list is empty")
        out = cls.__new__(cls)
        out.bits = _bits(bits)
        out._data = bytearray(data)
        return out

    @property
    def size(self) -> int:
        """How many statuses the byte array holds."""
        return len(self._data) * 8 // self.bits

    def _position(self, index: int) -> tuple[int, int]:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < self.size:
            raise StatusIndexError(
                f"status index {index} is outside the list of {self.size} entries "
                f"({self.bits} bit(s) each)"
            )
        per_byte = 8 // self.bits
        return index // per_byte, (index % per_byte) * self.bits

    def get(self, index: int) -> int:
        """The status value at ``index``."""
        byte, shift = self._position(index)
        return (self._data[byte] >> shift) & ((1 << self.bits) - 1)

    def set(self, index: int, value: int) -> None:
        """Set the status value at ``index``."""
        if not isinstance(value, int) or not 0 <= value < (1 << self.bits):
            raise UsageError(f"status value {value!r} does not fit in {self.bits} bit(s)")
        byte, shift = self._position(index)
        mask = ((1 << self.bits) - 1) << shift
        self._data[byte] = (self._data[byte] & ~mask & 0xFF) | (value << shift)

    def to_bytes(self) -> bytes:
        """The uncompressed byte array."""
        return bytes(self._data)

    def encode(self) -> str:
        """The ``lst`` form: base64url (no padding) of the ZLIB-compressed byte array."""
        return encode_lst(self._data)

    def to_json(self, aggregation_uri: str | None = None) -> dict[str, Any]:
        """The ``status_list`` claim: ``{"bits", "lst"}`` (and ``aggregation_uri``)."""
        out: dict[str, Any] = {"bits": self.bits, "lst": self.encode()}
        if aggregation_uri is not None:
            out["aggregation_uri"] = aggregation_uri
        return out

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, TokenStatusList)
            and other.bits == self.bits
            and other._data == self._data
        )

    def __hash__(self) -> int:
        return hash((self.bits, bytes(self._data)))

    def __repr__(self) -> str:
        return f"TokenStatusList(size={self.size}, bits={self.bits})"


def encode_lst(data: bytes | bytearray) -> str:
    """base64url (no padding) of ``zlib.compress(data, 9)`` (DEFLATE in ZLIB, RFC 1950)."""
    packed = zlib.compress(bytes(data), 9)
    return base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def decode_lst(lst: object, *, max_bytes: int = DEFAULT_MAX_LIST_BYTES) -> bytes:
    """The byte array of an ``lst`` value, never using more than ``max_bytes`` of output.

    Only the ZLIB format is accepted (no raw DEFLATE, no GZIP); trailing data is refused.
    Raises a :class:`~mbo_vc.errors.StatusListError` subclass.
    """
    if not isinstance(lst, str):
        raise StatusEncodingError("status_list lst must be a string")
    # DEFLATE never expands by more than ~0.03 %: a longer text cannot fit in max_bytes.
    if len(lst) > (max_bytes + max_bytes // 100 + 1024) * 4 // 3 + 4:
        raise StatusListTooLargeError(f"lst is longer than a {max_bytes}-byte list needs")
    if not _B64URL.match(lst) or len(lst) % 4 == 1:
        raise StatusEncodingError("status_list lst is not base64url without padding")
    packed = base64.urlsafe_b64decode(lst + "=" * (-len(lst) % 4))
    return inflate_bounded(
        packed, wbits=zlib.MAX_WBITS, max_bytes=max_bytes, member="lst",
        invalid="lst is not valid ZLIB (RFC 1950) data", form="ZLIB",
    )  # fmt: skip


def parse_status_list(
    claim: object, *, max_bytes: int = DEFAULT_MAX_LIST_BYTES
) -> tuple[TokenStatusList, str | None]:
    """The list and ``aggregation_uri`` of a ``status_list`` claim ``{"bits", "lst"}``."""
    if not isinstance(claim, Mapping):
        raise StatusListTokenError("the status_list claim must be a JSON object")
    bits = _bits(claim.get("bits"))
    aggregation = claim.get("aggregation_uri")
    if aggregation is not None and (not isinstance(aggregation, str) or ":" not in aggregation):
        raise StatusListTokenError("status_list aggregation_uri must be a URI")
    raw = decode_lst(claim.get("lst"), max_bytes=max_bytes)
    return TokenStatusList.from_bytes(raw, bits), aggregation


@dataclass(frozen=True)
class StatusListReference:
    """A Referenced Token's ``status.status_list``: the index and the Status List Token's URI."""

    idx: int
    uri: str

    def to_json(self) -> dict[str, Any]:
        """``{"idx": …, "uri": …}`` (goes under ``status.status_list``)."""
        return {"idx": self.idx, "uri": self.uri}

    def status_claim(self) -> dict[str, Any]:
        """The whole ``status`` claim: ``{"status_list": {"idx", "uri"}}``."""
        return {"status_list": self.to_json()}


def parse_status_reference(value: object) -> StatusListReference:
    """Read ``{"idx", "uri"}`` (or the ``status`` claim around it, ``{"status_list": …}``).

    Raises :class:`~mbo_vc.errors.StatusEntryError` (``malformed_status_entry``).
    """
    if isinstance(value, Mapping) and "status_list" in value and "idx" not in value:
        value = value["status_list"]
    if not isinstance(value, Mapping):
        raise StatusEntryError("status.status_list must be a JSON object with idx and uri")
    idx = value.get("idx")
    if not isinstance(idx, int) or isinstance(idx, bool) or not 0 <= idx <= MAX_INDEX:
        raise StatusEntryError("status.status_list idx must be a non-negative integer")
    uri = value.get("uri")
    if (
        not isinstance(uri, str)
        or ":" not in uri
        or len(uri) > MAX_URI
        or uri != uri.strip()
        or any(c.isspace() for c in uri)
    ):
        raise StatusEntryError("status.status_list uri must be a URI")
    return StatusListReference(idx, uri)


# --- the Status List Token ---------------------------------------------------------------


def _numeric(value: datetime) -> int:
    return int(value.timestamp())


def status_list_token_payload(
    status_list: TokenStatusList,
    uri: str,
    *,
    issuer: str | None = None,
    now: datetime | None = None,
    valid_for: timedelta | None = timedelta(days=7),
    ttl: timedelta | None = timedelta(hours=12),
    aggregation_uri: str | None = None,
) -> dict[str, Any]:
    """The claims of a Status List Token: ``sub``, ``iat``, ``exp``, ``ttl``, ``status_list``."""
    if not isinstance(uri, str) or ":" not in uri:
        raise UsageError("the Status List Token's uri (sub) must be a URI")
    start = (now or datetime.now(UTC)).astimezone(UTC)
    payload: dict[str, Any] = {"sub": uri, "iat": _numeric(start)}
    if issuer is not None:
        payload["iss"] = issuer
    if valid_for is not None:
        payload["exp"] = _numeric(start + valid_for)
    if ttl is not None:
        seconds = int(ttl.total_seconds())
        if seconds <= 0:
            raise UsageError("ttl must be at least one second")
        payload["ttl"] = seconds
    payload["status_list"] = status_list.to_json(aggregation_uri)
    return payload


def sign_status_list_token(
    status_list: TokenStatusList,
    uri: str,
    key: Signer,
    *,
    kid: str | None = None,
    **options: Any,
) -> str:
    """A ``statuslist+jwt`` for ``status_list`` published at ``uri``, signed by ``key``
    (ES256 for P-256, EdDSA for Ed25519); ``kid`` defaults to the key's verification method
    and ``iss`` to its controller. ``options`` go to :func:`status_list_token_payload`.
    """
    options.setdefault("issuer", key.controller)
    payload = status_list_token_payload(status_list, uri, **options)
    header = {"alg": key.jws_alg, "kid": kid or key.verification_method, "typ": TYP}
    return sign_compact(header, payload, key)


@dataclass(frozen=True)
class VerifiedStatusListToken:
    """A Status List Token whose signature, type, subject and times were checked."""

    uri: str
    issuer: str
    """Who signed it: the DID of the ``kid`` (or the ``iss`` of a caller-trusted key)."""
    status_list: TokenStatusList
    issued_at: datetime
    expires_at: datetime | None
    ttl: int | None
    """Seconds the list may be cached (``ttl``), when it has one."""
    aggregation_uri: str | None
    kid: str | None
    header: Mapping[str, Any]
    payload: Mapping[str, Any]

    @property
    def stale_at(self) -> datetime | None:
        """``iat + ttl``: when a newer list should be available."""
        return self.issued_at + timedelta(seconds=self.ttl) if self.ttl is not None else None


def _date(payload: Mapping[str, Any], name: str) -> datetime | None:
    value = payload.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise StatusListTokenError(f"the Status List Token's {name} must be a NumericDate")
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise StatusListTokenError(f"the Status List Token's {name} is out of range") from None


def _aware(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


def _key_for(
    token: str,
    header: Mapping[str, Any],
    payload: Mapping[str, Any],
    resolver: DidResolver,
    keys: Mapping[str, Mapping[str, Any]],
) -> str:
    """Verify the signature; return who signed (a DID, or the iss of a trusted key)."""
    alg = str(header["alg"])
    kid = header.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise StatusListTokenError("the JOSE header kid must be a string")
    if "jwk" in header or "jku" in header or "x5u" in header:
        raise StatusListTokenError(
            "the Status List Token carries or points to its own key (jwk/jku/x5u): refused, "
            "a key must come from the issuer's DID or the caller's trusted keys"
        )
    if isinstance(kid, str) and kid.startswith("did:"):
        try:
            _resolved, ok = verify_with_did_kid(token, header, resolver)
        except (DidError, KeyFormatError) as exc:
            raise StatusListTokenError(
                f"the kid cannot be used: {exc.message} ({exc.code})"
            ) from None
        except MboVcError as exc:
            raise StatusListTokenError(f"{exc.message} ({exc.code})") from None
        if not ok:
            raise StatusListTokenError("the Status List Token's signature does not verify")
        signer = kid.split("#", 1)[0]
        iss = payload.get("iss")
        if iss is not None and iss != signer:
            raise StatusListTokenError(
                f"the Status List Token's iss {str(iss)[:100]!r} is not the DID of its kid"
            )
        return signer
    iss = payload.get("iss")
    if isinstance(iss, str) and iss in keys:
        jwk = dict(keys[iss])
        if kid is not None and jwk.get("kid") not in (None, kid):
            raise StatusListTokenError(f"kid {kid[:60]!r} is not the trusted key of {iss[:100]}")
        try:
            public = public_jwk_of({"type": "JsonWebKey", "publicKeyJwk": jwk})
            ok = verify_signature(token, public, alg)
        except MboVcError as exc:
            raise StatusListTokenError(f"the trusted key cannot be used: {exc.message}") from None
        if not ok:
            raise StatusListTokenError("the Status List Token's signature does not verify")
        return iss
    if "x5c" in header:
        raise StatusListTokenError(
            "x5c-signed Status List Tokens need X.509 trust anchors, which mbo_vc does not take "
            "yet; sign with a DID kid (did:jwk, did:key, did:web) or pass the issuer's key"
        )
    raise StatusListTokenError(
        "the Status List Token's key is unknown: its kid is not a DID URL and its iss is not "
        "among the caller's trusted keys"
    )


def verify_status_list_token(
    token: object,
    uri: str,
    *,
    now: datetime | None = None,
    resolver: DidResolver | None = None,
    keys: Mapping[str, Mapping[str, Any]] | None = None,
    algorithms: frozenset[str] = DEFAULT_JWT_ALGORITHMS,
    max_list_bytes: int = DEFAULT_MAX_LIST_BYTES,
    skew: timedelta = timedelta(minutes=5),
    limits: Limits = DEFAULT_LIMITS,
) -> VerifiedStatusListToken:
    """Verify a ``statuslist+jwt`` expected at ``uri`` (draft-ietf-oauth-status-list §8.3).

    The ``typ`` must be ``statuslist+jwt``; ``alg`` asymmetric and accepted; the key is the
    DID URL in ``kid`` (did:key, did:jwk, did:web through ``resolver``, listed under
    ``assertionMethod``), or ``keys[iss]`` (a public JWK the caller trusts for that issuer);
    ``sub`` must equal ``uri``; ``iat`` is required and not in the future, ``exp`` not passed
    (both with ``skew``); ``ttl`` a positive number. Raises a
    :class:`~mbo_vc.errors.StatusListError` subclass (``status_list_token_invalid`` …).
    """
    if isinstance(token, bytes):
        try:
            token = token.decode("ascii")
        except UnicodeDecodeError:
            raise StatusListTokenError("a Status List Token must be ASCII text") from None
    if not isinstance(token, str):
        raise StatusListTokenError("a Status List Token must be a compact JWS string")
    token = token.strip()
    try:
        header, payload = decode_jwt(token, limits=limits)
    except MboVcError as exc:
        raise StatusListTokenError(f"not a compact JWS: {exc.message} ({exc.code})") from None
    if header.get("typ") not in _TYPS:
        raise StatusListTokenError(
            f"the JOSE typ must be statuslist+jwt, got {str(header.get('typ'))[:40]!r}"
        )
    alg = header.get("alg")
    if not isinstance(alg, str) or alg.lower() == "none" or alg not in algorithms:
        raise StatusListTokenError(f"JWS alg {str(alg)[:20]!r} is not allowed")
    if alg not in KEY_FIT:
        raise StatusListTokenError(f"JWS alg {alg!r} is not supported")
    signer = _key_for(token, header, payload, resolver or default_resolver(), keys or {})
    clock = _aware(now)
    sub = payload.get("sub")
    if sub != uri:
        raise StatusListTokenError(
            f"the Status List Token's sub {str(sub)[:100]!r} is not the uri it was fetched "
            f"for ({uri[:100]})"
        )
    issued = _date(payload, "iat")
    if issued is None:
        raise StatusListTokenError("the Status List Token has no iat")
    if issued > clock + skew:
        raise StatusListTokenError(f"the Status List Token is issued in the future (iat {issued})")
    expires = _date(payload, "exp")
    if expires is not None and clock >= expires + skew:
        raise StatusListTokenError(f"the Status List Token expired (exp {expires})")
    ttl = payload.get("ttl")
    if ttl is not None:
        if isinstance(ttl, bool) or not isinstance(ttl, int | float) or not 0 < ttl < 2**40:
            raise StatusListTokenError("the Status List Token's ttl must be a positive number")
        ttl = int(ttl)
    try:
        status_list, aggregation = parse_status_list(
            payload.get("status_list"), max_bytes=max_list_bytes
        )
    except StatusListTokenError:
        raise
    except StatusListError:
        raise
    return VerifiedStatusListToken(
        uri,
        signer,
        status_list,
        issued,
        expires,
        ttl,
        aggregation,
        header.get("kid") if isinstance(header.get("kid"), str) else None,
        header,
        payload,
    )
