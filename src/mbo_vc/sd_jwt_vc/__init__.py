"""SD-JWT VC (IETF draft-ietf-oauth-sd-jwt-vc): ``dc+sd-jwt`` credentials on RFC 9901.

* :func:`issue_sd_jwt_vc` issues one: ``vct``, ``iss``, ``iat`` (and ``nbf``/``exp``,
  ``status``, ``cnf`` for the holder key) always disclosed, as the spec requires, the rest as the
  disclosure frame says;
* :func:`resolve_issuer_key` finds the issuer's public key the three ways SD-JWT VC allows:
  an ``x5c`` chain to a trust anchor the caller gives, a DID URL ``kid`` (through the
  :class:`~mbo_vc.did.DidResolver`, with its did:web guards), or the issuer's
  ``/.well-known/jwt-vc-issuer`` metadata (pinned by the caller, or fetched over the guarded
  HTTPS client only when the caller passes one);
* :func:`check_type_metadata` holds a type metadata document to the profile mbo_vc follows
  (the NL Wallet's: ``claims`` for every leaf with Dutch and English display, ``display``,
  an embedded ``schema``, images only as ``data:`` URIs);
* :func:`jwt_vc_issuer_metadata` writes the issuer's ``/.well-known/jwt-vc-issuer`` document
  (its keys, each with its RFC 7638 thumbprint as ``kid``: :func:`issuer_kid`), and
  :func:`integrity` / :func:`check_integrity` are the W3C Subresource Integrity strings of
  ``vct#integrity`` (SD-JWT VC §"Document Integrity": over the document's bytes as served).

Verification is one road with the other formats: :func:`mbo_vc.verify` recognises a compact
SD-JWT and takes :class:`SdJwtVcOptions` (``sd_jwt=``) besides ``aud``/``nonce``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509 import verification as x509v

from mbo_vc.did import DidResolver
from mbo_vc.errors import (
    IssuerKeyError,
    IssuerMetadataError,
    MboVcError,
    SdJwtVcError,
    TypeMetadataError,
    TypeMetadataIntegrityError,
    UsageError,
    X5cError,
)
from mbo_vc.json_input import parse_json
from mbo_vc.jws import b64url, thumbprint
from mbo_vc.keys import PRIVATE_JWK_MEMBERS, Signer, public_jwk_of
from mbo_vc.limits import DEFAULT_LIMITS, Limits
from mbo_vc.sd_jwt import KB_MAX_AGE, SdJwt, issue

if TYPE_CHECKING:
    from mbo_vc.net import HttpsClient

__all__ = [
    "NON_DISCLOSABLE",
    "SD_JWT_VC_MEDIA_TYPE",
    "SD_JWT_VC_TYP",
    "WELL_KNOWN",
    "IssuerKey",
    "PublishedMetadata",
    "SdJwtVcOptions",
    "check_integrity",
    "check_type_metadata",
    "integrity",
    "issue_sd_jwt_vc",
    "issuer_kid",
    "jwt_vc_issuer_metadata",
    "metadata_url",
    "parse_integrity",
    "read_metadata",
    "resolve_issuer_key",
]

SD_JWT_VC_TYP = "dc+sd-jwt"
SD_JWT_VC_MEDIA_TYPE = "application/dc+sd-jwt"
LEGACY_TYP = "vc+sd-jwt"
"""The ``typ`` of drafts before 06; read (as ``dc+sd-jwt``), never written."""

NON_DISCLOSABLE = frozenset({"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"})
"""Claims SD-JWT VC forbids to be selectively disclosable (§3.2.2.2)."""

WELL_KNOWN = "/.well-known/jwt-vc-issuer"


@dataclass(frozen=True)
class SdJwtVcOptions:
    """How a verifier finds SD-JWT VC issuer keys and judges key binding.

    ``trust_anchors``: root certificates (``x509.Certificate`` or PEM/DER bytes) an ``x5c``
    chain must lead to. ``issuer_metadata``: pinned ``jwt-vc-issuer`` metadata documents by
    issuer URL (offline). ``https``: a :class:`~mbo_vc.net.HttpsClient` to fetch that metadata
    (network opt-in; no client, no fetch). ``type_metadata``: type metadata documents by
    ``vct``, each the document's bytes as served (then a ``vct#integrity`` in the credential is
    checked against them) or parsed JSON (then it cannot be: a warning); a credential of a known
    ``vct`` is checked against its embedded schema.
    ``kb_max_age``: how old a KB-JWT may be. ``require_key_binding``: require a KB-JWT even when
    no ``aud``/``nonce`` is given (then it cannot be checked, so it fails).
    """

    trust_anchors: Sequence[x509.Certificate | bytes] = ()
    issuer_metadata: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    https: HttpsClient | None = None
    type_metadata: Mapping[str, Mapping[str, Any] | bytes] = field(default_factory=dict)
    kb_max_age: timedelta = KB_MAX_AGE
    require_key_binding: bool = False

    def anchors(self) -> list[x509.Certificate]:
        """The trust anchors as certificates."""
        out = []
        for a in self.trust_anchors:
            if isinstance(a, x509.Certificate):
                out.append(a)
            elif isinstance(a, bytes):
                try:
                    out.append(
                        x509.load_pem_x509_certificate(a)
                        if a.lstrip().startswith(b"-----")
                        else x509.load_der_x509_certificate(a)
                    )
                except ValueError:
                    raise UsageError("a trust anchor is not an X.509 certificate") from None
            else:
                raise UsageError("trust anchors are x509.Certificate objects or PEM/DER bytes")
        return out


def issue_sd_jwt_vc(
    claims: Mapping[str, Any],
    frame: Mapping[str, Any] | None,
    key: Signer,
    *,
    vct: str,
    issuer: str,
    holder: Mapping[str, Any] | Signer | None = None,
    iat: datetime | int | None = None,
    exp: datetime | int | None = None,
    nbf: datetime | int | None = None,
    status: Mapping[str, Any] | None = None,
    kid: str | None = None,
    x5c: Sequence[x509.Certificate] | None = None,
    vct_integrity: str | None = None,
    salt: Any = None,
    limits: Limits = DEFAULT_LIMITS,
) -> SdJwt:
    """Issue an SD-JWT VC (``typ: dc+sd-jwt``). ``kid`` defaults to the key's verification
    method when ``issuer`` is a DID; ``x5c`` puts a certificate chain (leaf first) in the
    header instead. ``vct_integrity``: the ``vct#integrity`` claim (:func:`integrity` of the
    type metadata document as it is served). The registered claims are never selectively
    disclosable."""
    if not isinstance(vct, str) or not vct:
        raise UsageError("an SD-JWT VC needs a vct (its type)")
    if not isinstance(issuer, str) or not issuer:
        raise UsageError("an SD-JWT VC needs an issuer (iss)")
    for name in NON_DISCLOSABLE | {"iat"}:
        if name in claims:
            raise UsageError(f"pass {name} as its own argument, not among the claims")
    if frame is not None and any(
        n in NON_DISCLOSABLE for n in [*frame.get("_sd", []), *(k for k in frame if k != "_sd")]
    ):
        # (a frame key names a claim the frame reaches into: a status index or a cnf member
        # made disclosable would let the holder withhold part of the claim)
        raise UsageError(f"SD-JWT VC forbids selective disclosure of {sorted(NON_DISCLOSABLE)}")
    registered: dict[str, Any] = {
        "iss": issuer,
        "vct": vct,
        "iat": _seconds(iat or datetime.now(UTC)),
    }
    if nbf is not None:
        registered["nbf"] = _seconds(nbf)
    if exp is not None:
        registered["exp"] = _seconds(exp)
    if status is not None:
        registered["status"] = dict(status)
    if vct_integrity is not None:
        try:
            parse_integrity(vct_integrity)  # a string a verifier can check
        except SdJwtVcError as exc:
            raise UsageError(exc.message) from None
        registered["vct#integrity"] = vct_integrity
    header: dict[str, Any] = {}
    if x5c:
        header["x5c"] = [_b64(c.public_bytes(serialization.Encoding.DER)) for c in x5c]
    elif kid is not None:
        header["kid"] = kid
    elif issuer.startswith("did:"):
        header["kid"] = key.verification_method if key.controller == issuer else None
        if header["kid"] is None:
            raise UsageError("the key is not the issuer DID's: pass kid= (its DID URL)")
    return issue(
        {**registered, **dict(claims)}, frame, key, typ=SD_JWT_VC_TYP, header=header,
        holder=holder, salt=salt, limits=limits,
    )  # fmt: skip


def _seconds(when: datetime | int) -> int:
    if isinstance(when, datetime):
        if when.tzinfo is None:
            raise UsageError("times must be timezone-aware")
        return int(when.timestamp())
    if isinstance(when, bool) or not isinstance(when, int):
        raise UsageError("a time is a datetime or seconds since the epoch")
    return when


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode("ascii")


# --- issuer keys -----------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuerKey:
    """The issuer's public key for an SD-JWT VC and how it was found."""

    jwk: dict[str, Any]
    source: str
    """``x5c``, ``did`` or ``jwt-vc-issuer``."""
    reference: str
    """The DID URL, the leaf certificate's subject, or the metadata URL (and kid)."""


def metadata_url(issuer: str) -> str:
    """The ``/.well-known/jwt-vc-issuer`` URL of an https issuer (SD-JWT VC §5)."""
    parts = urlsplit(issuer)
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
        raise IssuerMetadataError(f"{issuer[:100]} is not an https issuer identifier")
    path = parts.path.rstrip("/")
    return f"https://{parts.netloc}{WELL_KNOWN}{path}"


def resolve_issuer_key(
    header: Mapping[str, Any],
    issuer: str | None,
    *,
    resolver: DidResolver,
    options: SdJwtVcOptions,
    now: datetime,
    limits: Limits = DEFAULT_LIMITS,
) -> IssuerKey:
    """The issuer key of an SD-JWT VC: ``x5c`` (to a trust anchor), a DID ``kid``, or
    jwt-vc-issuer metadata. Raises :class:`~mbo_vc.errors.IssuerKeyError` subclasses."""
    if not isinstance(issuer, str) or not issuer:
        raise SdJwtVcError("the SD-JWT VC has no iss")
    if "x5c" in header:
        return _from_x5c(header["x5c"], issuer, options, now)
    kid = header.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise IssuerKeyError("the JOSE kid must be a string")
    if issuer.startswith("did:"):
        if kid is None:
            raise IssuerKeyError("a DID issuer's SD-JWT VC needs a kid (a DID URL)")
        url = issuer + kid if kid.startswith("#") else kid
        if url.split("#", 1)[0] != issuer:
            raise IssuerKeyError(f"kid {kid[:100]} is not a key of the issuer {issuer[:100]}")
        try:
            method = resolver.dereference(url)
        except MboVcError as exc:
            raise IssuerKeyError(
                f"the issuer's kid does not resolve: {exc.message[:160]}"
            ) from None
        if not method.authorized_for("assertionMethod"):
            raise IssuerKeyError(f"{url[:120]} is not an assertionMethod of {issuer[:100]}")
        return IssuerKey(public_jwk_of(method.method), "did", url)
    if issuer.startswith("https://"):
        return _from_metadata(issuer, kid, options, limits)
    raise IssuerKeyError(
        f"no way to find the key of issuer {issuer[:100]}: give x5c, a DID issuer, or an "
        f"https issuer with jwt-vc-issuer metadata"
    )


def _from_metadata(
    issuer: str, kid: str | None, options: SdJwtVcOptions, limits: Limits
) -> IssuerKey:
    url = metadata_url(issuer)
    doc = options.issuer_metadata.get(issuer)
    if doc is None:
        if options.https is None:
            pinned = ", ".join(sorted(options.issuer_metadata))[:160]
            raise IssuerKeyError(
                f"the key of {issuer[:100]} is in its jwt-vc-issuer metadata ({url[:160]}): "
                f"pin it (SdJwtVcOptions(issuer_metadata=…), mbo-vc verify --issuer-metadata "
                f"FILE) or allow fetching it (SdJwtVcOptions(https=HttpsClient()), mbo-vc "
                f"verify --online)" + (f"; the pinned metadata are for {pinned}" if pinned else "")
            )
        try:
            doc = parse_json(options.https.get(url).body, limits=limits)
        except MboVcError as exc:
            raise IssuerMetadataError(f"{url[:160]}: {exc.message[:200]}") from None
    if not isinstance(doc, Mapping) or doc.get("issuer") != issuer:
        raise IssuerMetadataError(f"the metadata at {url[:160]} is for another issuer")
    if "jwks" in doc and "jwks_uri" in doc:  # SD-JWT VC §"JWT VC Issuer Metadata Response"
        raise IssuerMetadataError(f"the metadata at {url[:160]} has both jwks and jwks_uri")
    jwks = doc.get("jwks")
    if jwks is None and isinstance(doc.get("jwks_uri"), str):
        if options.https is None:
            raise IssuerKeyError(f"the metadata names jwks_uri {doc['jwks_uri'][:120]}: no https")
        try:
            jwks = parse_json(options.https.get(doc["jwks_uri"]).body, limits=limits)
        except MboVcError as exc:
            raise IssuerMetadataError(f"jwks_uri: {exc.message[:200]}") from None
    keys = jwks.get("keys") if isinstance(jwks, Mapping) else None
    if not isinstance(keys, list) or not keys:
        raise IssuerMetadataError(f"the metadata at {url[:160]} has no jwks keys")
    candidates = [
        k for k in keys if isinstance(k, Mapping) and (kid is None or k.get("kid") == kid)
    ]
    if len(candidates) != 1:
        raise IssuerKeyError(
            f"{len(candidates)} keys of the issuer metadata fit kid {str(kid)[:60]!r} (need one)"
        )
    jwk = {k: v for k, v in candidates[0].items() if k not in PRIVATE_JWK_MEMBERS}
    if thumbprint(jwk) is None:
        raise IssuerMetadataError("the issuer metadata's key is not a usable JWK")
    return IssuerKey(dict(jwk), "jwt-vc-issuer", f"{url} kid={kid}")


def _from_x5c(chain: Any, issuer: str, options: SdJwtVcOptions, now: datetime) -> IssuerKey:
    import base64
    import binascii

    if not isinstance(chain, list) or not chain or len(chain) > 8:
        raise X5cError("x5c must be an array of 1 to 8 base64 certificates")
    certs = []
    for entry in chain:
        try:
            certs.append(x509.load_der_x509_certificate(base64.b64decode(entry, validate=True)))
        except (TypeError, ValueError, binascii.Error):
            raise X5cError("an x5c entry is not a base64 DER certificate") from None
    anchors = options.anchors()
    if not anchors:
        raise IssuerKeyError(
            "the SD-JWT VC carries an x5c chain, but no trust anchor was given to check it "
            "against (SdJwtVcOptions(trust_anchors=[…]), mbo-vc verify --trust-anchor PEM)"
        )
    builder = (
        x509v.PolicyBuilder()
        .store(x509v.Store(anchors))
        .time(now.astimezone(UTC).replace(tzinfo=None))
        .extension_policies(
            ca_policy=x509v.ExtensionPolicy.webpki_defaults_ca(),
            ee_policy=x509v.ExtensionPolicy.permit_all(),
        )
    )
    try:
        verified = builder.build_client_verifier().verify(certs[0], certs[1:])
    except (x509v.VerificationError, ValueError) as exc:
        raise X5cError(
            f"the x5c chain does not verify to a trust anchor: {str(exc)[:200]}"
        ) from None
    leaf = verified.chain[0]
    if not _names_issuer(leaf, issuer):
        raise X5cError(f"the x5c leaf certificate does not name the issuer {issuer[:100]}")
    public = leaf.public_key()
    if isinstance(public, ec.EllipticCurvePublicKey):
        numbers = public.public_numbers()
        size = (public.curve.key_size + 7) // 8
        crv = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}.get(
            public.curve.name
        )
        if crv is None:
            raise X5cError(f"the x5c leaf key's curve {public.curve.name} is not supported")
        jwk = {"kty": "EC", "crv": crv, "x": b64url(numbers.x.to_bytes(size, "big")),
               "y": b64url(numbers.y.to_bytes(size, "big"))}  # fmt: skip
    elif isinstance(public, ed25519.Ed25519PublicKey):
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}
    else:
        raise X5cError("the x5c leaf key is neither EC nor Ed25519")
    return IssuerKey(jwk, "x5c", leaf.subject.rfc4514_string()[:200])


def _names_issuer(cert: x509.Certificate, issuer: str) -> bool:
    """SD-JWT VC §3.5: an https ``iss`` must match a URI SAN, or its host a DNS SAN."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    uris = san.get_values_for_type(x509.UniformResourceIdentifier)
    if issuer in uris:
        return True
    host = urlsplit(issuer).hostname if issuer.startswith("https://") else None
    return host is not None and host in san.get_values_for_type(x509.DNSName)


# --- publishing: jwt-vc-issuer metadata and document integrity -----------------------------


def issuer_kid(jwk: Mapping[str, Any]) -> str:
    """The ``kid`` mbo_vc gives an issuer key in its jwt-vc-issuer metadata (and in the header
    of what it signs): the RFC 7638 thumbprint of the public JWK, so it is stable and unique."""
    public = {k: v for k, v in jwk.items() if k not in PRIVATE_JWK_MEMBERS and k != "kid"}
    kid = thumbprint(public)
    if kid is None:
        raise UsageError("not a usable public JWK")
    return kid


def jwt_vc_issuer_metadata(
    issuer: str, keys: Sequence[Signer | Mapping[str, Any]]
) -> dict[str, Any]:
    """The JWT VC Issuer Metadata of an https ``issuer`` (SD-JWT VC §"JWT VC Issuer Metadata"):
    ``issuer`` and ``jwks`` with each key's public JWK, its ``kid`` (:func:`issuer_kid`),
    ``use: sig`` and its ``alg``. Served at :func:`metadata_url` of ``issuer``."""
    try:
        metadata_url(issuer)
    except IssuerMetadataError as exc:
        raise UsageError(exc.message) from None
    if not keys:
        raise UsageError("the issuer metadata need at least one key")
    out: list[dict[str, Any]] = []
    for key in keys:
        if isinstance(key, Signer):
            jwk: dict[str, Any] = {**key.to_jwk(), "alg": key.jws_alg}
        elif isinstance(key, Mapping):
            jwk = {k: v for k, v in key.items() if k != "kid"}
            if any(k in PRIVATE_JWK_MEMBERS for k in jwk):
                raise UsageError("an issuer metadata key must be public (it has private members)")
        else:
            raise UsageError(
                "issuer keys are keys (Signer: a key file's or an HSM's) or public JWKs"
            )
        kid = issuer_kid(jwk)
        if any(k["kid"] == kid for k in out):
            raise UsageError("the same key is given twice")
        out.append({**jwk, "kid": kid, "use": "sig"})
    return {"issuer": issuer, "jwks": {"keys": out}}


_SRI_ALGS = {"sha256": 32, "sha384": 48, "sha512": 64}
"""W3C SRI §3.2: the hash functions a conforming user agent supports, with their sizes; the
strongest of those present is the one compared (§3.3.4)."""
_SRI_ORDER = ("sha256", "sha384", "sha512")


def integrity(data: bytes, alg: str = "sha256") -> str:
    """The W3C Subresource Integrity string (``sha256-<base64>``) of ``data``, the bytes of a
    document exactly as served: what ``vct#integrity`` / ``extends#integrity`` carry."""
    import base64
    import hashlib

    if alg not in _SRI_ALGS:
        raise UsageError(f"integrity uses sha256, sha384 or sha512, not {alg[:20]!r}")
    return f"{alg}-{base64.b64encode(hashlib.new(alg, data).digest()).decode('ascii')}"


def parse_integrity(value: Any) -> list[tuple[str, bytes]]:
    """The (algorithm, digest) pairs of an SRI integrity string (§3.3.3: whitespace-separated
    ``alg-base64[?options]``; unknown algorithms are skipped). A value with none mbo_vc can
    check is refused (SD-JWT VC: it MUST be an integrity metadata string; a verifier that
    ignored it would not check the document at all)."""
    import base64
    import binascii

    if not isinstance(value, str) or not value.strip() or len(value) > 2048:
        raise SdJwtVcError("vct#integrity must be an integrity metadata string (W3C SRI)")
    out = []
    for token in value.split():
        alg, sep, rest = token.partition("-")
        if not sep or alg not in _SRI_ALGS:
            continue
        digest = rest.split("?", 1)[0]
        try:
            raw = base64.b64decode(
                digest.replace("-", "+").replace("_", "/") + "=" * (-len(digest) % 4),
                validate=True,
            )
        except (binascii.Error, ValueError):
            continue
        if len(raw) == _SRI_ALGS[alg]:
            out.append((alg, raw))
    if not out:
        raise SdJwtVcError(
            f"vct#integrity {value[:80]!r} has no sha256/sha384/sha512 digest mbo_vc can check"
        )
    return out


def check_integrity(data: bytes, value: str) -> None:
    """Hold ``data`` (a document's bytes as served) to the SRI integrity string ``value``
    (W3C SRI §3.3.5: the digests of the strongest algorithm present; one must match). Raises
    :class:`~mbo_vc.errors.TypeMetadataIntegrityError` on a mismatch, and
    :class:`~mbo_vc.errors.SdJwtVcError` when ``value`` is not an integrity string."""
    import hashlib
    import hmac

    pairs = parse_integrity(value)
    strongest = max((a for a, _ in pairs), key=_SRI_ORDER.index)
    actual = hashlib.new(strongest, data).digest()
    if not any(a == strongest and hmac.compare_digest(d, actual) for a, d in pairs):
        raise TypeMetadataIntegrityError(
            f"the type metadata document does not match vct#integrity ({strongest} is "
            f"{integrity(data, strongest)[:100]}, the credential says {value[:100]})"
        )


@dataclass(frozen=True)
class PublishedMetadata:
    """Metadata documents read from files (:func:`read_metadata`), ready to pin in
    :class:`SdJwtVcOptions`: ``issuer_metadata`` (jwt-vc-issuer documents by ``issuer``) and
    ``type_metadata`` (each type metadata document's bytes, by its ``vct``)."""

    issuer_metadata: dict[str, dict[str, Any]] = field(default_factory=dict)
    type_metadata: dict[str, bytes] = field(default_factory=dict)


_MAX_METADATA_FILES = 256


def read_metadata(
    paths: Sequence[str | Path], *, limits: Limits = DEFAULT_LIMITS
) -> PublishedMetadata:
    """Read jwt-vc-issuer and type metadata documents from files, or from every file under a
    folder (such as the one ``mbo-vc issuer metadata`` writes), offline. A document with
    ``issuer`` and ``jwks``/``jwks_uri`` is issuer metadata, one with ``vct`` type metadata
    (kept as its bytes, so ``vct#integrity`` can be checked); other files in a folder are
    skipped, a named file of neither kind, two documents for one issuer or ``vct`` that differ,
    and unreadable files are a :class:`~mbo_vc.errors.UsageError`."""
    out = PublishedMetadata()
    for given in paths:
        root = Path(given)
        if root.is_dir():
            files = sorted(p for p in root.rglob("*") if p.is_file())
            if len(files) > _MAX_METADATA_FILES:
                raise UsageError(f"{given}: more than {_MAX_METADATA_FILES} files")
        elif root.is_file():
            files = [root]
        else:
            raise UsageError(f"cannot read {given}: no such file or folder")
        for path in files:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise UsageError(f"cannot read {path}: {exc.strerror}") from None
            try:
                doc: Any = parse_json(data, limits=limits)
            except MboVcError:
                doc = None
            kind = _metadata_kind(doc)
            if kind is None:
                if path == root:
                    raise UsageError(f"{path} is neither jwt-vc-issuer nor type metadata")
                continue
            name = doc["issuer"] if kind == "issuer" else doc["vct"]
            table: dict[str, Any] = out.issuer_metadata if kind == "issuer" else out.type_metadata
            value = doc if kind == "issuer" else data
            if name in table and table[name] != value:
                raise UsageError(f"two different {kind} metadata documents for {name[:100]}")
            table[name] = value
    return out


def _metadata_kind(doc: Any) -> str | None:
    if not isinstance(doc, dict):
        return None
    if isinstance(doc.get("issuer"), str) and ("jwks" in doc or "jwks_uri" in doc):
        return "issuer"
    if isinstance(doc.get("vct"), str) and doc["vct"]:
        return "type"
    return None


# --- type metadata ---------------------------------------------------------------------------

_SD_VALUES = frozenset({"always", "allowed", "never"})
REQUIRED_LOCALES = ("nl", "en")


def _locales(entries: Any, what: str, label: str) -> None:
    if not isinstance(entries, list) or not entries:
        raise TypeMetadataError(f"{what}: display must be a non-empty array")
    found = set()
    for e in entries:
        if not isinstance(e, Mapping) or not isinstance(e.get("locale"), str):
            raise TypeMetadataError(f"{what}: every display entry needs a locale")
        if not isinstance(e.get(label), str) or not e[label]:
            raise TypeMetadataError(f"{what}: display entry {e.get('locale')} needs a {label}")
        found.add(e["locale"].split("-")[0])
    missing = [loc for loc in REQUIRED_LOCALES if loc not in found]
    if missing:
        raise TypeMetadataError(f"{what}: no display in {', '.join(missing)}")


def _external_uris(value: Any, where: str) -> list[str]:
    out = []
    if isinstance(value, Mapping):
        for k, v in value.items():
            if k in ("uri", "logo_uri", "background_image") and isinstance(v, str):
                if not v.startswith("data:"):
                    out.append(f"{where}.{k}")
            out += _external_uris(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _external_uris(v, f"{where}[{i}]")
    return out


def leaf_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The claim paths of every leaf of ``value`` (array elements as ``None``, as type metadata
    claim paths spell them)."""
    if isinstance(value, Mapping):
        out: list[tuple[Any, ...]] = []
        for k, v in value.items():
            out += leaf_paths(v, (*prefix, k))
        return out
    if isinstance(value, list):
        out = []
        for v in value:
            for p in leaf_paths(v, (*prefix, None)):
                if p not in out:
                    out.append(p)
        return out or [(*prefix, None)]
    return [prefix]


def check_type_metadata(
    doc: Mapping[str, Any], *, example_claims: Mapping[str, Any] | None = None
) -> None:
    """Hold a type metadata document to the profile: ``vct``, ``display`` (nl, en), ``claims``
    (each a path with nl/en labels and an ``sd`` rule), an embedded JSON ``schema`` (valid
    2020-12), only ``data:`` URIs; with ``example_claims``, every leaf of them is described and
    they validate against the schema. Raises :class:`~mbo_vc.errors.TypeMetadataError`."""
    import jsonschema_rs

    if not isinstance(doc.get("vct"), str) or not doc["vct"]:
        raise TypeMetadataError("type metadata needs a vct")
    _locales(doc.get("display"), "type display", "name")
    claims = doc.get("claims")
    if not isinstance(claims, list) or not claims:
        raise TypeMetadataError("type metadata needs claims (every leaf claim described)")
    described = set()
    for i, c in enumerate(claims):
        path = c.get("path") if isinstance(c, Mapping) else None
        if (
            not isinstance(path, list)
            or not path
            or not all(
                p is None or isinstance(p, str) or (isinstance(p, int) and not isinstance(p, bool))
                for p in path
            )
        ):
            raise TypeMetadataError(f"claims[{i}] needs a path (strings, indices or null)")
        _locales(c.get("display"), f"claims[{i}] {path}", "label")
        if c.get("sd", "allowed") not in _SD_VALUES:
            raise TypeMetadataError(f"claims[{i}]: sd must be always, allowed or never")
        if path[0] in NON_DISCLOSABLE and c.get("sd") != "never":
            raise TypeMetadataError(f"claims[{i}]: {path[0]} is never selectively disclosable")
        described.add(tuple(path))
    schema = doc.get("schema")
    if not isinstance(schema, Mapping):
        raise TypeMetadataError("type metadata needs an embedded schema (no schema_uri)")
    if "schema_uri" in doc or "extends" in doc:
        raise TypeMetadataError("no external resources: schema_uri and extends are not allowed")
    try:
        jsonschema_rs.meta.validate(dict(schema))
        validator = jsonschema_rs.validator_for(dict(schema))
    except Exception as exc:
        raise TypeMetadataError(f"the embedded schema is not a valid JSON Schema: {exc}") from None
    external = _external_uris(doc, "")
    if external:
        raise TypeMetadataError(f"only data: URIs are allowed, not at {', '.join(external)[:200]}")
    if example_claims is not None:
        missing = [p for p in leaf_paths(example_claims) if p not in described]
        if missing:
            raise TypeMetadataError(f"leaf claims without a description: {missing[:5]}")
        errors = [e.message for e in validator.iter_errors(dict(example_claims))]
        if errors:
            raise TypeMetadataError(f"the claims do not fit the schema: {errors[0][:200]}")
