"""A school's issuer metadata as files to serve: what a wallet or verifier fetches from it.

:func:`issuer_metadata_documents` gives, by the path it is served at, the bytes of

* the JWT VC Issuer Metadata (SD-JWT VC §"JWT VC Issuer Metadata"): ``issuer`` and ``jwks``,
  at ``/.well-known/jwt-vc-issuer`` inserted between the host and the path of the issuer URL;
* the OID4VCI 1.0 Credential Issuer Metadata (§12.2) with a configuration for every
  waardepapier in every format mbo_vc issues (``dc+sd-jwt`` with its ``vct``, ``ldp_vc`` and
  ``jwt_vc_json`` with their ``credential_definition``), at
  ``/.well-known/openid-credential-issuer`` (same construction, §12.2.2);
* the four published type metadata documents, each at the host and path of its ``vct`` URL
  (``w3id.org/mbo-vc/vct/<kind>/v1``: a mirror of what the vct URL serves; the bytes
  ``vct#integrity`` commits to).

The bytes are deterministic (the same inputs give the same files), so a republished folder
changes only what changed. :func:`write_documents` writes them atomically.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mbo_vc.errors import UsageError
from mbo_vc.keys import Signer
from mbo_vc.mbo.model import WAARDEPAPIEREN
from mbo_vc.mbo.sd_jwt_vc import VCT, published_type_metadata
from mbo_vc.models import OpenBadgeCredential
from mbo_vc.oid4vc.issuance import (
    FORMAT_SD_JWT_VC,
    credential_configuration,
    credential_issuer_metadata,
)
from mbo_vc.sd_jwt_vc import jwt_vc_issuer_metadata

__all__ = [
    "CREDENTIAL_ISSUER_WELL_KNOWN",
    "JWT_VC_ISSUER_WELL_KNOWN",
    "issuer_metadata_documents",
    "waardepapier_configurations",
    "well_known_path",
    "write_documents",
]

JWT_VC_ISSUER_WELL_KNOWN = "jwt-vc-issuer"
CREDENTIAL_ISSUER_WELL_KNOWN = "openid-credential-issuer"
DATA_INTEGRITY_SUITES = ("eddsa-rdfc-2022", "ecdsa-rdfc-2019")
"""The cryptosuites mbo_vc signs waardepapieren with (``ldp_vc``)."""
JOSE_ALGS = ("ES256", "EdDSA")
"""The JWS algorithms of mbo_vc's SD-JWT VCs and vc+jwt credentials."""
_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")


def _segments(url: str, what: str) -> tuple[str, list[str]]:
    """The host and the path segments of an https URL, each safe as a file name."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
        raise UsageError(f"{what} {url[:100]} must be an https URL without query or fragment")
    segments = [s for s in parts.path.rstrip("/").split("/")[1:]]
    host = parts.netloc
    for s in [host, *segments]:
        if not _SEGMENT.fullmatch(s.replace(":", "")) or s in (".", ".."):
            raise UsageError(f"{what} {url[:100]}: {s[:40]!r} cannot be a published path "
                             "(letters, digits, . _ ~ - only)")  # fmt: skip
    return host, segments


def well_known_path(issuer: str, name: str) -> str:
    """Where ``/.well-known/<name>`` metadata of ``issuer`` are served, relative to its host's
    web root: the well-known string inserted between the host and the path of the issuer URL,
    the path's final ``/`` removed (``https://roc.example/tenant`` →
    ``.well-known/jwt-vc-issuer/tenant``)."""
    _, segments = _segments(issuer, "the issuer")
    return "/".join([".well-known", name, *segments])


def _display(kind: str) -> list[dict[str, Any]]:
    """OID4VCI ``credential_metadata.display`` from the published type metadata's display."""
    doc = json.loads(published_type_metadata(kind))
    out = []
    for d in doc["display"]:
        simple = d.get("rendering", {}).get("simple", {})
        entry = {"name": d["name"], "locale": d["locale"], "description": d.get("description")}
        if simple.get("logo"):
            entry["logo"] = dict(simple["logo"])
        for name in ("background_color", "text_color"):
            if simple.get(name):
                entry[name] = simple[name]
        out.append({k: v for k, v in entry.items() if v is not None})
    return out


def waardepapier_configurations() -> dict[str, dict[str, Any]]:
    """``credential_configurations_supported`` for every waardepapier in every format:
    ``<kind>-sd-jwt`` (``dc+sd-jwt``, its ``vct``), ``<kind>-ldp`` (``ldp_vc``: Data Integrity,
    its ``@context`` and ``type``) and ``<kind>-jwt`` (``jwt_vc_json``: the vc+jwt form). Each is
    bound to the holder's key (proofs of ``jwt`` type) and carries the type's display."""
    out: dict[str, dict[str, Any]] = {}
    for kind, cls in WAARDEPAPIEREN.items():
        display = _display(kind)
        shape = _credential_shape(cls)
        out[f"{kind}-sd-jwt"] = credential_configuration(
            format=FORMAT_SD_JWT_VC, vct=VCT[kind], signing_algs=JOSE_ALGS, display=display
        )
        out[f"{kind}-ldp"] = credential_configuration(
            format="ldp_vc", signing_algs=DATA_INTEGRITY_SUITES, display=display,
            credential_definition=shape,
        )  # fmt: skip
        out[f"{kind}-jwt"] = credential_configuration(
            format="jwt_vc_json", signing_algs=JOSE_ALGS, display=display,
            credential_definition={"type": shape["type"]},
        )  # fmt: skip
    return out


def _credential_shape(cls: Any) -> dict[str, list[str]]:
    """The ``@context`` and ``type`` a waardepapier of this model class is issued with (the
    model's own, read from an empty instance: neither depends on the field values)."""
    blank = cls.model_construct()
    return {"@context": list(blank._contexts()),
            "type": list(OpenBadgeCredential.model_fields["type"].get_default(
                call_default_factory=True))}  # fmt: skip


def issuer_metadata_documents(
    issuer: str,
    keys: Sequence[Signer | Mapping[str, Any]],
    *,
    credential_endpoint: str | None = None,
    nonce_endpoint: str | None = None,
    display: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, bytes]:
    """The issuer's metadata files by the path they are served at (relative: the issuer host's
    web root for the ``.well-known`` documents, ``<host>/<path>`` of each ``vct`` for the type
    metadata). ``credential_endpoint`` defaults to ``<issuer>/credential``, ``nonce_endpoint``
    to ``<issuer>/nonce``; ``display`` is the issuer's own (name, locale, logo)."""
    base = issuer.rstrip("/")
    files = {
        well_known_path(issuer, JWT_VC_ISSUER_WELL_KNOWN): _json(
            jwt_vc_issuer_metadata(issuer, keys)
        ),
        well_known_path(issuer, CREDENTIAL_ISSUER_WELL_KNOWN): _json(
            credential_issuer_metadata(
                issuer,
                credential_endpoint or f"{base}/credential",
                waardepapier_configurations(),
                nonce_endpoint=nonce_endpoint or f"{base}/nonce",
                display=display,
            )
        ),
    }
    for kind, vct in VCT.items():
        host, segments = _segments(vct, "the vct")
        files["/".join([host, *segments])] = published_type_metadata(kind)
    return files


def _json(doc: Mapping[str, Any]) -> bytes:
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_documents(out: str | Path, documents: Mapping[str, bytes]) -> list[Path]:
    """Write ``documents`` (path → bytes, from :func:`issuer_metadata_documents`) under
    ``out``, each atomically (a reader sees the old file or the new one); the paths written."""
    from mbo_vc.status.registry import write_atomic

    root = Path(out)
    written = []
    for rel, data in sorted(documents.items()):
        path = root.joinpath(*rel.split("/"))
        if root.resolve() not in path.resolve().parents:
            raise UsageError(f"{rel[:100]} is not inside {out}")  # pragma: no cover
        try:
            if path.is_dir():
                raise UsageError(f"{path} is a folder: cannot write a document there")
            write_atomic(path, data)
        except OSError as exc:
            raise UsageError(f"cannot write {path}: {exc.strerror}") from None
        written.append(path)
    return written
