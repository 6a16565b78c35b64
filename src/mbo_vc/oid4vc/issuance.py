"""OpenID for Verifiable Credential Issuance 1.0 as message helpers.

Builds Credential Issuer Metadata (§12.2) and Credential Offers for the pre-authorized code
flow (§4.1), and validates what a wallet sends: the Credential Offer it scanned (the wallet
side), the Credential Request (§8.2) and each ``jwt`` key proof in it (Appendix F.1, F.4):
``typ`` ``openid4vci-proof+jwt``, an asymmetric ``alg`` the issuer lists, exactly one of
``kid``/``jwk`` (no private key in it), the signature, ``aud`` = the Credential Issuer
Identifier, ``iat`` within a window, and the single-use ``c_nonce``. Problem codes are
OID4VCI's own error codes (``invalid_credential_request``, ``unknown_credential_configuration``,
``invalid_proof``, ``invalid_nonce``), so a service can return them as they are.
"""

from __future__ import annotations

import json
import secrets
import threading
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from mbo_vc.did import DidResolver, default_resolver
from mbo_vc.errors import (
    CredentialIssuerMetadataError,
    CredentialOfferError,
    CredentialRequestError,
    KeyProofError,
    KeyProofNonceError,
    MboVcError,
    UnknownCredentialConfigurationError,
    UsageError,
)
from mbo_vc.jws import KEY_FIT, decode_jwt, thumbprint, verify_signature
from mbo_vc.keys import private_jwk_members, public_jwk_of
from mbo_vc.mbo.sd_jwt_vc import VCT
from mbo_vc.result import Problem
from mbo_vc.verification.jwt import verify_with_did_kid

__all__ = [
    "FORMAT_SD_JWT_VC",
    "PRE_AUTHORIZED_CODE_GRANT",
    "PROOF_TYP",
    "W3C_FORMATS",
    "CredentialRequestResult",
    "MemoryNonceStore",
    "NonceStore",
    "credential_configuration",
    "credential_issuer_metadata",
    "credential_offer",
    "credential_offer_uri",
    "parse_credential_offer",
    "validate_credential_request",
    "validate_issuer_metadata",
    "vct_for",
]

PRE_AUTHORIZED_CODE_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
PROOF_TYP = "openid4vci-proof+jwt"
FORMAT_SD_JWT_VC = "dc+sd-jwt"
W3C_FORMATS = ("ldp_vc", "jwt_vc_json")
"""The W3C VC formats of OID4VCI Appendix A.1 mbo_vc issues: Data Integrity (``ldp_vc``) and
the JOSE-secured credential (``jwt_vc_json``; mbo_vc's is the VC DM 2.0 ``vc+jwt``, as on its
OID4VP side)."""
WAARDEPAPIEREN = tuple(VCT)
_ASYMMETRIC = frozenset(KEY_FIT)
_MAX_PROOFS = 100


def vct_for(kind: str) -> str:
    """The ``vct`` of a waardepapier kind, the one the SD-JWT VC issuer writes
    (:data:`mbo_vc.mbo.sd_jwt_vc.VCT`: ``https://w3id.org/mbo-vc/vct/<kind>/v1``)."""
    if kind not in VCT:
        raise UsageError(f"unknown waardepapier {kind!r} (one of {', '.join(WAARDEPAPIEREN)})")
    return VCT[kind]


def _https(value: object, what: str, error: type[MboVcError]) -> str:
    parsed = urllib.parse.urlsplit(value) if isinstance(value, str) else None
    if parsed is None or parsed.scheme != "https" or not parsed.netloc or parsed.fragment:
        raise error(f"{what} must be an https URL without a fragment")
    return str(value)


def _strings(value: object, what: str, error: type[MboVcError]) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise error(f"{what} must be a non-empty array of strings")
    if len(set(value)) != len(value):
        raise error(f"{what} lists a value twice")
    return list(value)


# --- metadata --------------------------------------------------------------------------------


def credential_configuration(
    *,
    format: str = FORMAT_SD_JWT_VC,
    vct: str | None = None,
    scope: str | None = None,
    signing_algs: Sequence[str] = ("ES256",),
    proof_algs: Sequence[str] | None = ("ES256", "EdDSA"),
    binding_methods: Sequence[str] = ("jwk", "did:jwk", "did:key", "did:web"),
    display: Sequence[Mapping[str, Any]] | None = None,
    credential_definition: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One ``credential_configurations_supported`` entry (§12.2.4; ``vct`` for ``dc+sd-jwt``,
    ``credential_definition`` for ``ldp_vc`` (``@context`` and ``type``) and ``jwt_vc_json``
    (``type``), Appendix A.1).

    ``proof_algs=None`` configures a credential without key binding (no proofs asked for).
    """
    out: dict[str, Any] = {"format": format}
    if scope is not None:
        out["scope"] = scope
    if format == FORMAT_SD_JWT_VC:
        if vct is None:
            raise UsageError("a dc+sd-jwt configuration needs its vct")
        out["vct"] = vct
    if format in W3C_FORMATS:
        if credential_definition is None:
            raise UsageError(f"a {format} configuration needs its credential_definition")
        out["credential_definition"] = json.loads(json.dumps(credential_definition))
    out["credential_signing_alg_values_supported"] = list(signing_algs)
    if proof_algs is not None:
        out["cryptographic_binding_methods_supported"] = list(binding_methods)
        out["proof_types_supported"] = {
            "jwt": {"proof_signing_alg_values_supported": list(proof_algs)}
        }
    if display:
        out["credential_metadata"] = {"display": [dict(d) for d in display]}
    return out


def credential_issuer_metadata(
    credential_issuer: str,
    credential_endpoint: str,
    configurations: Mapping[str, Mapping[str, Any]],
    *,
    nonce_endpoint: str | None = None,
    authorization_servers: Sequence[str] | None = None,
    batch_size: int | None = None,
    display: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """Credential Issuer Metadata (§12.2.4), served at
    ``/.well-known/openid-credential-issuer``; checked by :func:`validate_issuer_metadata`."""
    doc: dict[str, Any] = {
        "credential_issuer": credential_issuer,
        "credential_endpoint": credential_endpoint,
    }
    if authorization_servers is not None:
        doc["authorization_servers"] = list(authorization_servers)
    if nonce_endpoint is not None:
        doc["nonce_endpoint"] = nonce_endpoint
    if batch_size is not None:
        doc["batch_credential_issuance"] = {"batch_size": batch_size}
    if display:
        doc["display"] = [dict(d) for d in display]
    doc["credential_configurations_supported"] = {k: dict(v) for k, v in configurations.items()}
    try:
        return validate_issuer_metadata(doc)
    except CredentialIssuerMetadataError as exc:
        raise UsageError(exc.message) from None


def validate_issuer_metadata(doc: object, *, expected_issuer: str | None = None) -> dict[str, Any]:
    """Check Credential Issuer Metadata's required members and shapes (§12.2.4).

    ``expected_issuer``: the identifier the metadata were fetched for (must match exactly).
    Returns the document; raises :class:`~mbo_vc.errors.CredentialIssuerMetadataError`.
    """
    err = CredentialIssuerMetadataError
    if not isinstance(doc, Mapping):
        raise err("Credential Issuer Metadata must be a JSON object")
    issuer = _https(doc.get("credential_issuer"), "credential_issuer", err)
    if expected_issuer is not None and issuer != expected_issuer:
        raise err(f"credential_issuer {issuer[:100]!r} is not {expected_issuer[:100]!r}")
    _https(doc.get("credential_endpoint"), "credential_endpoint", err)
    for name in ("nonce_endpoint", "deferred_credential_endpoint", "notification_endpoint"):
        if name in doc:
            _https(doc[name], name, err)
    if "authorization_servers" in doc:
        _strings(doc["authorization_servers"], "authorization_servers", err)
    batch = doc.get("batch_credential_issuance")
    if batch is not None:
        size = batch.get("batch_size") if isinstance(batch, Mapping) else None
        if not isinstance(size, int) or isinstance(size, bool) or size < 2:
            raise err("batch_credential_issuance.batch_size must be an integer of 2 or more")
    configs = doc.get("credential_configurations_supported")
    if not isinstance(configs, Mapping) or not configs:
        raise err("credential_configurations_supported must be a non-empty object")
    for cid, config in configs.items():
        if not isinstance(config, Mapping) or not isinstance(config.get("format"), str):
            raise err(f"credential configuration {str(cid)[:60]!r} needs a format")
        if config["format"] == FORMAT_SD_JWT_VC and not isinstance(config.get("vct"), str):
            raise err(f"the dc+sd-jwt configuration {str(cid)[:60]!r} needs a vct")
        if config["format"] in W3C_FORMATS:
            definition = config.get("credential_definition")
            members = ("@context", "type") if config["format"] == "ldp_vc" else ("type",)
            if not isinstance(definition, Mapping):
                raise err(f"the {config['format']} configuration {str(cid)[:60]!r} needs a "
                          "credential_definition")  # fmt: skip
            for name in members:
                _strings(definition.get(name), f"{str(cid)[:60]}: credential_definition.{name}",
                         err)  # fmt: skip
        binding = "cryptographic_binding_methods_supported" in config
        proofs = config.get("proof_types_supported")
        if binding != (proofs is not None):
            raise err(
                f"{str(cid)[:60]!r}: proof_types_supported must be present exactly when "
                "cryptographic_binding_methods_supported is"
            )
        if binding:
            _strings(
                config["cryptographic_binding_methods_supported"],
                "cryptographic_binding_methods_supported",
                err,
            )
            if not isinstance(proofs, Mapping) or not proofs:
                raise err(f"{str(cid)[:60]!r}: proof_types_supported must be a non-empty object")
            for ptype, spec in proofs.items():
                algs = (
                    spec.get("proof_signing_alg_values_supported")
                    if isinstance(spec, Mapping)
                    else None
                )
                _strings(
                    algs,
                    f"proof_types_supported.{str(ptype)[:20]}.proof_signing_alg_values_supported",
                    err,
                )
        for name in ("credential_signing_alg_values_supported",):
            if name in config:
                if not isinstance(config[name], list) or not config[name]:
                    raise err(f"{str(cid)[:60]!r}: {name} must be a non-empty array")
    return dict(doc)


# --- credential offer ------------------------------------------------------------------------


def credential_offer(
    credential_issuer: str,
    configuration_ids: Sequence[str],
    *,
    pre_authorized_code: str,
    tx_code: Mapping[str, Any] | None = None,
    authorization_server: str | None = None,
) -> dict[str, Any]:
    """A Credential Offer for the pre-authorized code flow (§4.1.1).

    ``pre_authorized_code`` must be short-lived and single-use (the caller's store);
    ``tx_code`` (``{"input_mode": "numeric", "length": 6, "description": …}``, may be ``{}``)
    asks the wallet for a transaction code sent over another channel.
    """
    grant: dict[str, Any] = {"pre-authorized_code": pre_authorized_code}
    if tx_code is not None:
        grant["tx_code"] = dict(tx_code)
    if authorization_server is not None:
        grant["authorization_server"] = authorization_server
    offer = {
        "credential_issuer": credential_issuer,
        "credential_configuration_ids": list(configuration_ids),
        "grants": {PRE_AUTHORIZED_CODE_GRANT: grant},
    }
    try:
        return parse_credential_offer(offer)
    except CredentialOfferError as exc:
        raise UsageError(exc.message) from None


def credential_offer_uri(
    offer: Mapping[str, Any], *, scheme: str = "openid-credential-offer://"
) -> str:
    """The offer by value, as a link / QR code: ``openid-credential-offer://?credential_offer=…``."""
    text = json.dumps(dict(offer), separators=(",", ":"), ensure_ascii=False)
    return f"{scheme}?credential_offer={urllib.parse.quote(text, safe='')}"


def parse_credential_offer(
    offer: object, *, metadata: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Check a Credential Offer (a JSON object, its JSON text, or an offer URI by value).

    With the issuer's ``metadata``, every offered configuration id must be one it lists.
    Returns the offer; raises :class:`~mbo_vc.errors.CredentialOfferError`.
    """
    err = CredentialOfferError
    if isinstance(offer, str) and "credential_offer=" in offer and "://" in offer:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(offer).query)
        if "credential_offer_uri" in query or len(query.get("credential_offer", [])) != 1:
            raise err("an offer URI must carry exactly one credential_offer (by value)")
        offer = query["credential_offer"][0]
    if isinstance(offer, str | bytes):
        try:
            offer = json.loads(offer)
        except (ValueError, RecursionError):
            raise err("the Credential Offer is not JSON") from None
    if not isinstance(offer, Mapping):
        raise err("a Credential Offer must be a JSON object")
    issuer = _https(offer.get("credential_issuer"), "credential_issuer", err)
    ids = _strings(offer.get("credential_configuration_ids"), "credential_configuration_ids", err)
    if metadata is not None:
        if metadata.get("credential_issuer") != issuer:
            raise err("the offer's credential_issuer is not the metadata's")
        known = metadata.get("credential_configurations_supported") or {}
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise err(f"the issuer does not offer {unknown[0][:60]!r}")
    grants = offer.get("grants")
    if grants is not None:
        if not isinstance(grants, Mapping):
            raise err("grants must be an object")
        pre = grants.get(PRE_AUTHORIZED_CODE_GRANT)
        if pre is not None:
            if (
                not isinstance(pre, Mapping)
                or not isinstance(pre.get("pre-authorized_code"), str)
                or not pre["pre-authorized_code"]
            ):
                raise err("the pre-authorized_code grant needs a pre-authorized_code string")
            tx = pre.get("tx_code")
            if tx is not None:
                if not isinstance(tx, Mapping):
                    raise err("tx_code must be an object")
                if tx.get("input_mode", "numeric") not in ("numeric", "text"):
                    raise err("tx_code input_mode must be numeric or text")
                length = tx.get("length")
                if length is not None and (
                    not isinstance(length, int) or isinstance(length, bool) or length < 1
                ):
                    raise err("tx_code length must be a positive integer")
                desc = tx.get("description")
                if desc is not None and (not isinstance(desc, str) or len(desc) > 300):
                    raise err("tx_code description must be a string of at most 300 characters")
        auth = grants.get("authorization_code")
        if auth is not None and not isinstance(auth, Mapping):
            raise err("the authorization_code grant must be an object")
    return dict(offer)


# --- nonces ----------------------------------------------------------------------------------


@runtime_checkable
class NonceStore(Protocol):
    """The issuer's ``c_nonce`` values: each accepted once, within its lifetime."""

    def consume(self, nonce: str, now: datetime) -> bool:
        """True (once) when ``nonce`` was issued and is still valid; it is used up."""
        ...


class MemoryNonceStore:
    """An in-process :class:`NonceStore` (a service with several workers puts the same
    interface on its shared database: ``consume`` must be atomic)."""

    def __init__(
        self, lifetime: timedelta = timedelta(minutes=5), max_nonces: int = 100_000
    ) -> None:
        self.lifetime = lifetime
        self.max_nonces = max_nonces
        self._nonces: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def issue(self, now: datetime | None = None) -> str:
        """A fresh, unpredictable ``c_nonce`` (for the Nonce Endpoint's response)."""
        clock = now or datetime.now(UTC)
        nonce = secrets.token_urlsafe(24)
        with self._lock:
            if len(self._nonces) >= self.max_nonces:
                for key, exp in list(self._nonces.items()):
                    if exp <= clock:
                        del self._nonces[key]
                if len(self._nonces) >= self.max_nonces:
                    self._nonces.pop(next(iter(self._nonces)))
            self._nonces[nonce] = clock + self.lifetime
        return nonce

    def consume(self, nonce: str, now: datetime) -> bool:
        """True once for a nonce issued here and not yet expired."""
        with self._lock:
            expires = self._nonces.pop(nonce, None) if isinstance(nonce, str) else None
        return expires is not None and now < expires


# --- credential request ----------------------------------------------------------------------


@dataclass
class CredentialRequestResult:
    """What :func:`validate_credential_request` found.

    ``ok`` when the request may be served: then ``configuration_id`` (or
    ``credential_identifier``) names what to issue and ``holder_keys`` holds one public JWK per
    key proof (bind each issued credential to one: ``cnf.jwk``), ``holder_kids`` the DID URL
    each proof named (None for a ``jwk`` proof).
    """

    problems: list[Problem] = field(default_factory=list)
    configuration_id: str | None = None
    credential_identifier: str | None = None
    holder_keys: list[dict[str, Any]] = field(default_factory=list)
    holder_kids: list[str | None] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no check failed."""
        return not self.problems

    def error_response(self) -> dict[str, str] | None:
        """The OID4VCI Credential Error Response body (§8.3.1.2), or None when ok."""
        if not self.problems:
            return None
        first = self.problems[0]
        text = "".join(c for c in first.message if 0x20 <= ord(c) <= 0x7E and c not in '"\\')
        return {"error": first.code, "error_description": text[:300]}


def _aware(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


def _check_proof(
    token: object,
    *,
    issuer: str,
    algs: Sequence[str],
    resolver: DidResolver,
    clock: datetime,
    max_age: timedelta,
    skew: timedelta,
) -> tuple[dict[str, Any], str | None, Any]:
    """One jwt key proof: (the public JWK, the kid if a DID URL named it, the nonce claim)."""
    if not isinstance(token, str):
        raise KeyProofError("a jwt key proof must be a compact JWS string")
    try:
        header, payload = decode_jwt(token)
    except MboVcError as exc:
        raise KeyProofError(f"the key proof is not a compact JWS: {exc.message}") from None
    if header.get("typ") != PROOF_TYP:
        raise KeyProofError(
            f"the key proof's typ must be {PROOF_TYP}, got {str(header.get('typ'))[:40]!r}"
        )
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in _ASYMMETRIC or alg not in algs:
        raise KeyProofError(
            f"the key proof's alg {str(alg)[:20]!r} is not allowed ({', '.join(algs)})"
        )
    present = [name for name in ("kid", "jwk", "x5c") if name in header]
    if len(present) != 1:
        raise KeyProofError(
            "the key proof must name its key by exactly one of kid, jwk, x5c "
            f"(has {present or 'none'})"
        )
    if "trust_chain" in header or "key_attestation" in header:
        raise KeyProofError("trust_chain and key_attestation key proofs are not supported")
    kid: str | None = None
    if "jwk" in header:
        jwk = header["jwk"]
        if not isinstance(jwk, Mapping):
            raise KeyProofError("the key proof's jwk must be a JSON object")
        if private_jwk_members(jwk):
            raise KeyProofError("the key proof's jwk header holds a private key: refused")
        try:
            public = public_jwk_of({"type": "JsonWebKey", "publicKeyJwk": jwk})
            ok = verify_signature(token, public, alg)
        except MboVcError as exc:
            raise KeyProofError(f"the key proof's jwk cannot be used: {exc.message}") from None
    elif "kid" in header:
        try:
            resolved, ok = verify_with_did_kid(token, header, resolver, "authentication")
            public = public_jwk_of(resolved.method)
        except MboVcError as exc:
            raise KeyProofError(
                f"the key proof's kid cannot be used: {exc.message} ({exc.code})"
            ) from None
        kid = str(header["kid"])
    else:
        raise KeyProofError(
            "x5c key proofs need X.509 trust anchors, which mbo_vc does not take yet"
        )
    if not ok:
        raise KeyProofError("the key proof's signature does not verify")
    aud = payload.get("aud")
    if aud != issuer:
        raise KeyProofError(f"the key proof's aud must be the Credential Issuer {issuer[:100]}")
    iat = payload.get("iat")
    if isinstance(iat, bool) or not isinstance(iat, int | float):
        raise KeyProofError("the key proof needs an iat (NumericDate)")
    try:
        issued = datetime.fromtimestamp(iat, UTC)
    except (OverflowError, OSError, ValueError):
        raise KeyProofError("the key proof's iat is out of range") from None
    if issued > clock + skew:
        raise KeyProofError("the key proof's iat lies in the future")
    if issued < clock - max_age:
        raise KeyProofError(f"the key proof is older than {int(max_age.total_seconds())} s (iat)")
    for name in ("exp", "nbf"):
        value = payload.get(name)
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise KeyProofError(f"the key proof's {name} must be a NumericDate")
            when = datetime.fromtimestamp(min(max(value, 0), 2**33), UTC)
            if (name == "exp" and when < clock - skew) or (name == "nbf" and when > clock + skew):
                raise KeyProofError(f"the key proof is not valid now ({name})")
    return public, kid, payload.get("nonce")


def validate_credential_request(
    request: object,
    *,
    metadata: Mapping[str, Any],
    nonces: NonceStore | None = None,
    now: datetime | None = None,
    resolver: DidResolver | None = None,
    max_age: timedelta = timedelta(minutes=5),
    skew: timedelta = timedelta(seconds=60),
) -> CredentialRequestResult:
    """Validate a Credential Request (§8.2) against the issuer's ``metadata``. Never raises.

    When the metadata have a ``nonce_endpoint``, every key proof must carry the same
    ``c_nonce`` and ``nonces`` (the issuer's :class:`NonceStore`) must accept it; it is
    consumed only after every other check passed. Batch requests may carry at most
    ``batch_size`` proofs, no two for the same key.
    """
    result = CredentialRequestResult()
    try:
        _validate(
            request,
            metadata,
            nonces,
            _aware(now),
            resolver or default_resolver(),
            max_age,
            skew,
            result,
        )
    except UsageError:
        raise
    except MboVcError as exc:
        result.problems.append(Problem(exc.code, exc.message))
    except Exception as exc:  # never raise for a wallet's bytes
        result.problems.append(
            Problem(
                "invalid_credential_request",
                f"the request could not be read ({type(exc).__name__})",
            )
        )
    if result.problems:  # nothing to bind to when the request is refused
        result.holder_keys.clear()
        result.holder_kids.clear()
    return result


def _validate(
    request: object,
    metadata: Mapping[str, Any],
    nonces: NonceStore | None,
    clock: datetime,
    resolver: DidResolver,
    max_age: timedelta,
    skew: timedelta,
    result: CredentialRequestResult,
) -> None:
    if isinstance(request, str | bytes):
        try:
            request = json.loads(request)
        except (ValueError, RecursionError):
            raise CredentialRequestError("the Credential Request is not JSON") from None
    if not isinstance(request, Mapping):
        raise CredentialRequestError("the Credential Request must be a JSON object")
    issuer = metadata.get("credential_issuer")
    configs = metadata.get("credential_configurations_supported")
    if not isinstance(issuer, str) or not isinstance(configs, Mapping):
        raise UsageError("metadata must be Credential Issuer Metadata")
    cid, ident = request.get("credential_configuration_id"), request.get("credential_identifier")
    if (cid is None) == (ident is None):
        raise CredentialRequestError(
            "the Credential Request needs exactly one of credential_configuration_id and "
            "credential_identifier"
        )
    if "proof" in request:
        raise CredentialRequestError(
            "proof (singular) is not OID4VCI 1.0: send proofs {jwt: [...]}"
        )
    if ident is not None:
        if not isinstance(ident, str) or not ident:
            raise CredentialRequestError("credential_identifier must be a non-empty string")
        result.credential_identifier = ident
        config: Mapping[str, Any] | None = None
    else:
        if not isinstance(cid, str) or cid not in configs:
            raise UnknownCredentialConfigurationError(
                f"credential configuration {str(cid)[:60]!r} is not offered by {issuer[:100]}"
            )
        config = configs[cid]
        result.configuration_id = cid
    supported = (config or {}).get("proof_types_supported")
    proofs = request.get("proofs")
    if supported is None and config is not None:
        if proofs is not None:
            raise CredentialRequestError("this credential is not key-bound: send no proofs")
        return
    if not isinstance(proofs, Mapping) or len(proofs) != 1:
        raise KeyProofError("proofs must be an object with exactly one proof type")
    ((ptype, items),) = proofs.items()
    if ptype != "jwt" or (isinstance(supported, Mapping) and ptype not in supported):
        raise KeyProofError(f"proof type {str(ptype)[:20]!r} is not supported (jwt)")
    if not isinstance(items, list) or not items:
        raise KeyProofError("proofs.jwt must be a non-empty array")
    batch = metadata.get("batch_credential_issuance")
    limit = batch.get("batch_size", 1) if isinstance(batch, Mapping) else 1
    if len(items) > min(limit, _MAX_PROOFS):
        raise KeyProofError(f"at most {limit} key proof(s) per request")
    algs = ["ES256", "EdDSA"]
    if isinstance(supported, Mapping):
        spec = supported.get("jwt")
        if isinstance(spec, Mapping) and isinstance(
            spec.get("proof_signing_alg_values_supported"), list
        ):
            algs = [a for a in spec["proof_signing_alg_values_supported"] if isinstance(a, str)]
    found_nonces = []
    prints = set()
    for index, item in enumerate(items):
        try:
            public, kid, nonce = _check_proof(
                item,
                issuer=issuer,
                algs=algs,
                resolver=resolver,
                clock=clock,
                max_age=max_age,
                skew=skew,
            )
        except KeyProofError as exc:
            raise type(exc)(f"proofs.jwt[{index}]: {exc.message}") from None
        tp = thumbprint(public)
        if tp in prints:
            raise KeyProofError(f"proofs.jwt[{index}] proves a key another proof already proves")
        prints.add(tp)
        result.holder_keys.append(public)
        result.holder_kids.append(kid)
        found_nonces.append(nonce)
    if metadata.get("nonce_endpoint") is not None:
        if nonces is None:
            raise UsageError("the issuer has a nonce_endpoint: pass its NonceStore (nonces=)")
        first = found_nonces[0]
        if not isinstance(first, str) or not first:
            raise KeyProofError("the key proof carries no nonce (fetch a c_nonce first)")
        if any(n != first for n in found_nonces):
            raise KeyProofNonceError("the key proofs of one request must share one c_nonce")
        if not nonces.consume(first, clock):
            raise KeyProofNonceError("the key proof's nonce is unknown, expired or already used")
