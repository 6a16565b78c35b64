"""Entity statements (OpenID Federation 1.0 §3): signed JWTs of ``typ`` ``entity-statement+jwt``.

An entity configuration is the statement an entity makes about itself (``iss`` = ``sub``,
published at ``/.well-known/openid-federation``); a subordinate statement is the one a superior
makes about an entity below it (served by the superior's ``federation_fetch_endpoint``). Both are
decoded strictly here: the JOSE header (``typ``, an asymmetric ``alg``, a ``kid``, ``crit``), the
claims the chain needs with their JSON types, entity identifiers that are ``https`` URLs without
query or fragment, and a ``crit`` claim that names only what this implementation understands.
Signatures are checked with :func:`verify_statement` against a JWK Set; nothing here trusts a key
by itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from mbo_vc.errors import FederationError, MboVcError, TrustMarkInvalidError
from mbo_vc.jws import (
    DEFAULT_JWT_ALGORITHMS,
    KEY_FIT,
    decode_jwt,
    numeric_date,
    sign_compact,
    verify_signature,
)
from mbo_vc.jws import thumbprint as jwk_thumbprint
from mbo_vc.keys import Signer
from mbo_vc.keys.methods import private_jwk_members

__all__ = [
    "ENTITY_STATEMENT_TYP",
    "TRUST_MARK_TYP",
    "EntityStatement",
    "TrustMark",
    "check_entity_id",
    "decode_statement",
    "decode_trust_mark",
    "public_jwks",
    "sign_entity_statement",
    "sign_trust_mark",
    "verify_with_jwks",
]

ENTITY_STATEMENT_TYP = "entity-statement+jwt"
"""The JOSE ``typ`` of an entity statement (OpenID Federation 1.0 §3)."""
TRUST_MARK_TYP = "trust-mark+jwt"
"""The JOSE ``typ`` of a trust mark (OpenID Federation 1.0 §7)."""
MAX_KEYS = 20
"""At most this many keys in one statement's ``jwks`` (a safety limit)."""
MAX_HINTS = 10
"""At most this many ``authority_hints`` in one entity configuration (a safety limit)."""
UNDERSTOOD_CRIT: frozenset[str] = frozenset()
"""Extension claims this implementation understands; a ``crit`` naming any other fails."""
_STANDARD_CLAIMS = frozenset(
    {"iss", "sub", "iat", "exp", "jwks", "authority_hints", "metadata", "metadata_policy",
     "metadata_policy_crit", "constraints", "crit", "trust_marks", "trust_mark_issuers",
     "trust_mark_owners", "source_endpoint", "trust_anchor_hints"}
)  # fmt: skip


def check_entity_id(value: Any, what: str) -> str:
    """``value`` when it is an entity identifier (an ``https`` URL with a host and no query or
    fragment, §1.2), else :class:`~mbo_vc.errors.FederationError`."""
    if not isinstance(value, str) or not value or len(value) > 2048:
        raise FederationError(f"{what} is not an entity identifier (a string URL)")
    parts = urlsplit(value)
    if (
        parts.scheme != "https"
        or not parts.hostname
        or parts.query
        or parts.fragment
        or "#" in value
        or parts.username is not None
        or not value.isprintable()
        or " " in value
    ):
        raise FederationError(
            f"{what} {value[:120]!r} is not an entity identifier (an https URL with a host, no "
            "query, fragment or user info)"
        )
    return value


def _jwks_of(claims: Mapping[str, Any], where: str) -> tuple[dict[str, Any], ...]:
    jwks = claims.get("jwks")
    if not isinstance(jwks, Mapping) or not isinstance(jwks.get("keys"), list):
        raise FederationError(f"{where} has no jwks with a keys array")
    keys = jwks["keys"]
    if not keys or len(keys) > MAX_KEYS:
        raise FederationError(f"{where}: jwks must hold 1 to {MAX_KEYS} keys")
    out = []
    for key in keys:
        if not isinstance(key, Mapping) or not isinstance(key.get("kid"), str):
            raise FederationError(f"{where}: every key in jwks must be a JWK with a kid")
        if private_jwk_members(key):
            raise FederationError(f"{where}: jwks holds a private key")
        out.append(dict(key))
    kids = [k["kid"] for k in out]
    if len(set(kids)) != len(kids):
        # a kid must say which key signed (RFC 7517 §4.5): with two, which one is meant depends
        # on the order a verifier tries them in
        raise FederationError(f"{where}: jwks names one kid for two keys")
    return tuple(out)


def _object(claims: Mapping[str, Any], name: str, where: str) -> dict[str, Any] | None:
    value = claims.get(name)
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise FederationError(f"{where}: {name} must be a JSON object")
    return dict(value)


@dataclass(frozen=True)
class EntityStatement:
    """One decoded (not yet verified) entity statement: its token, header and claims."""

    token: str
    header: dict[str, Any]
    claims: dict[str, Any]
    iss: str
    sub: str
    iat: datetime
    exp: datetime
    jwks: tuple[dict[str, Any], ...]
    authority_hints: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)
    metadata_policy: dict[str, Any] | None = None
    metadata_policy_crit: tuple[str, ...] = ()
    constraints: dict[str, Any] | None = None
    trust_marks: tuple[dict[str, Any], ...] = ()
    trust_mark_issuers: dict[str, Any] | None = None
    trust_mark_owners: dict[str, Any] | None = None

    @property
    def is_configuration(self) -> bool:
        """True for an entity configuration (the entity's statement about itself)."""
        return self.iss == self.sub

    def describe(self) -> str:
        """Short text naming the statement, for messages."""
        if self.is_configuration:
            return f"the entity configuration of {self.sub[:120]}"
        return f"the statement of {self.iss[:120]} about {self.sub[:120]}"

    def check_time(self, now: datetime, skew: timedelta = timedelta(0)) -> None:
        """§10.2: ``iat`` not in the future, ``exp`` not past, at ``now``."""
        if self.iat > now + skew:
            raise FederationError(f"{self.describe()} is issued in the future (iat)")
        if self.exp <= now - skew:
            raise FederationError(f"{self.describe()} has expired (exp)")

    def verify(self, jwks: Sequence[Mapping[str, Any]], whose: str) -> None:
        """The statement's signature must verify with a key of ``jwks`` (by ``kid``)."""
        verify_with_jwks(self.token, self.header, jwks, f"{self.describe()}", whose)


def verify_with_jwks(
    token: str,
    header: Mapping[str, Any],
    jwks: Sequence[Mapping[str, Any]],
    what: str,
    whose: str,
    error: type[FederationError] = FederationError,
) -> None:
    """Verify a compact JWS with the key of ``jwks`` its ``kid`` names, or raise ``error``."""
    kid = header.get("kid")
    key = next((k for k in jwks if k.get("kid") == kid), None)
    if key is None:
        raise error(f"{what} is signed with kid {str(kid)[:60]!r}, which is not in {whose} jwks")
    alg = str(header.get("alg"))
    try:
        good = verify_signature(token, key, alg)
    except MboVcError as exc:
        raise error(
            f"{what}: the key {str(kid)[:60]} of {whose} does not fit: {exc.message}"
        ) from None
    if not good:
        raise error(f"the signature of {what} does not verify with {whose} key {str(kid)[:60]}")


def _header(header: Mapping[str, Any], typ: str, what: str, error: type[FederationError]) -> None:
    if header.get("typ") != typ:
        raise error(f"{what} has typ {str(header.get('typ'))[:40]!r}, not {typ}")
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in DEFAULT_JWT_ALGORITHMS or alg not in KEY_FIT:
        raise error(f"{what} has alg {str(alg)[:20]!r}, which is not accepted")
    if not isinstance(header.get("kid"), str) or not header["kid"]:
        raise error(f"{what} has no kid header")


def decode_statement(token: Any, where: str = "an entity statement") -> EntityStatement:
    """Decode an entity statement JWT strictly (header and claim types), without verifying its
    signature or dates. Raises :class:`~mbo_vc.errors.FederationError`."""
    if isinstance(token, bytes | bytearray):
        try:
            token = bytes(token).decode("ascii").strip()
        except UnicodeDecodeError:
            raise FederationError(f"{where} is not a compact JWS") from None
    if not isinstance(token, str):
        raise FederationError(f"{where} is not a compact JWS")
    token = token.strip()
    try:
        header, claims = decode_jwt(token)
    except MboVcError as exc:
        raise FederationError(f"{where} is not a well-formed JWS: {exc.message}") from None
    _header(header, ENTITY_STATEMENT_TYP, where, FederationError)
    iss = check_entity_id(claims.get("iss"), f"{where}: iss")
    sub = check_entity_id(claims.get("sub"), f"{where}: sub")
    where = f"the statement of {iss[:100]} about {sub[:100]}" if iss != sub else (
        f"the entity configuration of {sub[:100]}"
    )  # fmt: skip
    try:
        iat = numeric_date(claims.get("iat"), "iat")
        exp = numeric_date(claims.get("exp"), "exp")
    except MboVcError as exc:
        raise FederationError(f"{where}: {exc.message}") from None
    if exp <= iat:
        raise FederationError(f"{where}: exp is not after iat")
    crit = claims.get("crit")
    if crit is not None:
        if not isinstance(crit, list) or not crit or not all(isinstance(c, str) for c in crit):
            raise FederationError(f"{where}: crit must be a non-empty array of claim names")
        for name in crit:
            if name in _STANDARD_CLAIMS or name not in claims:
                raise FederationError(f"{where}: crit names {name[:40]!r}, which it must not")
            if name not in UNDERSTOOD_CRIT:
                raise FederationError(
                    f"{where}: the critical claim {name[:40]!r} is not understood"
                )
    hints = claims.get("authority_hints", [])
    if not isinstance(hints, list) or len(hints) > MAX_HINTS:
        raise FederationError(f"{where}: authority_hints must be an array of <= {MAX_HINTS} ids")
    if hints and iss != sub:
        raise FederationError(f"{where}: only an entity configuration carries authority_hints")
    for hint in hints:
        check_entity_id(hint, f"{where}: an authority hint")
    metadata = _object(claims, "metadata", where) or {}
    for kind, value in metadata.items():
        if not isinstance(value, Mapping):
            raise FederationError(f"{where}: metadata.{kind[:40]} must be a JSON object")
    policy = _object(claims, "metadata_policy", where)
    if policy is not None and iss == sub:
        raise FederationError(f"{where}: an entity configuration must not carry metadata_policy")
    policy_crit = claims.get("metadata_policy_crit", [])
    if not isinstance(policy_crit, list) or not all(isinstance(c, str) for c in policy_crit):
        raise FederationError(f"{where}: metadata_policy_crit must be an array of strings")
    marks = claims.get("trust_marks", [])
    if not isinstance(marks, list) or not all(isinstance(m, Mapping) for m in marks):
        raise FederationError(f"{where}: trust_marks must be an array of objects")
    return EntityStatement(
        token=token,
        header=dict(header),
        claims=dict(claims),
        iss=iss,
        sub=sub,
        iat=iat,
        exp=exp,
        jwks=_jwks_of(claims, where),
        authority_hints=tuple(hints),
        metadata={k: dict(v) for k, v in metadata.items()},
        metadata_policy=policy,
        metadata_policy_crit=tuple(policy_crit),
        constraints=_object(claims, "constraints", where),
        trust_marks=tuple(dict(m) for m in marks),
        trust_mark_issuers=_object(claims, "trust_mark_issuers", where),
        trust_mark_owners=_object(claims, "trust_mark_owners", where),
    )


@dataclass(frozen=True)
class TrustMark:
    """A decoded (not yet verified) trust mark (§7.1)."""

    token: str
    header: dict[str, Any]
    claims: dict[str, Any]
    iss: str
    sub: str
    trust_mark_type: str
    iat: datetime
    exp: datetime | None


def decode_trust_mark(token: Any) -> TrustMark:
    """Decode a trust mark JWT strictly (``typ`` ``trust-mark+jwt``, ``iss``, ``sub``,
    ``trust_mark_type``, ``iat``, optional ``exp``). Raises
    :class:`~mbo_vc.errors.TrustMarkInvalidError`."""
    if not isinstance(token, str):
        raise TrustMarkInvalidError("a trust mark is not a compact JWS string")
    try:
        header, claims = decode_jwt(token.strip())
    except MboVcError as exc:
        raise TrustMarkInvalidError(
            f"a trust mark is not a well-formed JWS: {exc.message}"
        ) from None
    _header(header, TRUST_MARK_TYP, "a trust mark", TrustMarkInvalidError)
    try:
        iss = check_entity_id(claims.get("iss"), "the trust mark's iss")
        sub = check_entity_id(claims.get("sub"), "the trust mark's sub")
        iat = numeric_date(claims.get("iat"), "iat")
        exp = numeric_date(claims["exp"], "exp") if "exp" in claims else None
    except MboVcError as exc:
        raise TrustMarkInvalidError(exc.message) from None
    if exp is not None and exp <= iat:
        raise TrustMarkInvalidError("the trust mark's exp is not after its iat")
    kind = claims.get("trust_mark_type")
    if not isinstance(kind, str) or not kind:
        raise TrustMarkInvalidError("the trust mark has no trust_mark_type")
    return TrustMark(token.strip(), dict(header), dict(claims), iss, sub, kind, iat, exp)


# --- making statements (issuers, tests, docs) -------------------------------------------------


def public_jwks(*keys: Signer) -> dict[str, Any]:
    """A JWK Set of the public keys, each with its RFC 7638 thumbprint as ``kid``."""
    out = []
    for key in keys:
        jwk: dict[str, Any] = dict(key.to_jwk())
        jwk["kid"] = jwk_thumbprint(jwk)
        jwk.setdefault("alg", key.jws_alg)
        out.append(jwk)
    return {"keys": out}


def _sign(claims: Mapping[str, Any], key: Signer, typ: str) -> str:
    kid = jwk_thumbprint(key.to_jwk())
    return sign_compact({"alg": key.jws_alg, "kid": kid, "typ": typ}, claims, key)


def sign_entity_statement(claims: Mapping[str, Any], key: Signer) -> str:
    """An entity statement JWT of ``claims`` signed by ``key`` (``kid``: its thumbprint)."""
    return _sign(claims, key, ENTITY_STATEMENT_TYP)


def sign_trust_mark(claims: Mapping[str, Any], key: Signer) -> str:
    """A trust mark JWT of ``claims`` signed by ``key`` (``kid``: its thumbprint)."""
    return _sign(claims, key, TRUST_MARK_TYP)
