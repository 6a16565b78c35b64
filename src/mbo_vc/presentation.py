"""Verifiable presentations (VC DM 2.0 §4.13): the wallet side.

A learner's wallet wraps one or more credentials (Data Integrity ones embedded as they are,
JWT-secured ones as ``EnvelopedVerifiableCredential`` with a ``data:application/vc+jwt,…`` id)
into a ``VerifiablePresentation`` and signs it as the holder: ``authentication`` proof purpose,
the verifier's ``challenge`` (freshness, no replay) and ``domain`` (audience).

Verifying a presentation is the verifier's side: :func:`mbo_vc.verify_presentation` (the one
verification road with the mbo rules, :mod:`mbo_vc.verifier`; it is not re-exported here, so
that no second name verifies without them).

Note: credentials/v2 makes ``verifiableCredential`` a ``@graph`` container with
``"@context": null``, so every embedded credential must carry its own ``@context``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from mbo_vc import vocab
from mbo_vc.errors import UsageError
from mbo_vc.jose import secure_jwt
from mbo_vc.jsonld import DocumentLoader
from mbo_vc.jws import envelope, is_compact_jws
from mbo_vc.keys import Signer
from mbo_vc.result import CredentialReport, PresentationResult
from mbo_vc.signing import sign
from mbo_vc.timestamps import parse_timestamp
from mbo_vc.verification import MAX_CREDENTIALS, is_presentation

__all__ = [
    "MAX_CREDENTIALS",
    "CredentialReport",
    "PresentationResult",
    "create_presentation",
    "is_presentation",
    "present",
    "sign_presentation",
]


def _embed(credential: Mapping[str, Any] | str, index: int) -> dict[str, Any]:
    if isinstance(credential, str):
        if not is_compact_jws(credential):
            raise UsageError(f"credential {index} is a string but not a compact JWS (vc+jwt)")
        return envelope(credential)
    if not isinstance(credential, Mapping):
        raise UsageError(f"credential {index} must be a JSON object or a vc+jwt string")
    if "@context" not in credential:
        raise UsageError(
            f"credential {index} has no @context; inside a presentation every credential needs "
            "its own (credentials/v2 resets the context for verifiableCredential)"
        )
    return json.loads(json.dumps(credential))


def create_presentation(
    credentials: Sequence[Mapping[str, Any] | str],
    *,
    holder: str | None,
    id: str | None = None,
) -> dict[str, Any]:
    """An unsigned VC DM 2.0 presentation of ``credentials`` by ``holder`` (None: no holder
    member, as VC DM 2.0 allows).

    Data Integrity credentials (dicts) are embedded as they are; a ``vc+jwt`` (compact JWS
    string) becomes an ``EnvelopedVerifiableCredential`` with a ``data:`` URL id.
    """
    if isinstance(credentials, str | Mapping):
        raise UsageError("credentials must be a list (of credentials or vc+jwt strings)")
    if len(credentials) > MAX_CREDENTIALS:
        raise UsageError(f"a presentation holds at most {MAX_CREDENTIALS} credentials")
    if holder is not None and (not isinstance(holder, str) or not holder):
        raise UsageError("holder must be a DID (or URL), or None")
    vp: dict[str, Any] = {"@context": [vocab.VC_V2]}
    if id is not None:
        vp["id"] = id
    vp["type"] = ["VerifiablePresentation"]
    if holder is not None:
        vp["holder"] = holder
    embedded = [_embed(c, i) for i, c in enumerate(credentials)]
    if embedded:
        vp["verifiableCredential"] = embedded
    return vp


def sign_presentation(
    presentation: Mapping[str, Any],
    key: Signer,
    *,
    challenge: str,
    domain: str | None = None,
    created: datetime | str | None = None,
    expires: datetime | str | None = None,
    cryptosuite: str | None = None,
    loader: DocumentLoader | None = None,
) -> dict[str, Any]:
    """Sign ``presentation`` as its holder (``authentication`` purpose, challenge, domain)."""
    if not isinstance(challenge, str) or not challenge:
        raise UsageError("a presentation proof needs the verifier's challenge")
    return sign(
        presentation, key, cryptosuite=cryptosuite, proof_purpose="authentication",
        created=created, expires=expires, challenge=challenge, domain=domain, loader=loader,
    )  # fmt: skip


def present(
    credentials: Sequence[Mapping[str, Any] | str],
    key: Signer,
    *,
    challenge: str,
    domain: str | None = None,
    created: datetime | str | None = None,
    expires: datetime | str | None = None,
    format: str = "data-integrity",
    id: str | None = None,
    loader: DocumentLoader | None = None,
    include_holder: bool = True,
) -> dict[str, Any] | str:
    """Build and sign a presentation of ``credentials`` whose holder is ``key.controller``
    (``include_holder=False`` leaves the optional ``holder`` member out).

    ``format="data-integrity"`` (default) returns the signed JSON; ``format="vp+jwt"`` returns a
    compact JWS (challenge and domain in its ``nonce`` / ``aud`` claims; ``expires`` as ``exp``).
    """
    vp = create_presentation(credentials, holder=key.controller if include_holder else None, id=id)
    if format == "data-integrity":
        return sign_presentation(
            vp, key, challenge=challenge, domain=domain, created=created, expires=expires,
            loader=loader,
        )  # fmt: skip
    if format == "vp+jwt":
        claims: dict[str, Any] = {}
        if expires is not None:
            when = parse_timestamp(expires, "expires") if isinstance(expires, str) else expires
            claims["exp"] = int(when.timestamp())
        if not isinstance(challenge, str) or not challenge:
            raise UsageError("a presentation needs the verifier's challenge")
        return secure_jwt(vp, key, challenge=challenge, domain=domain, claims=claims)
    raise UsageError("format must be 'data-integrity' or 'vp+jwt'")
