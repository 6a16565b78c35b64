"""Issuing: add a Data Integrity proof to a credential or presentation."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from mbo_vc.json_input import check_structure
from mbo_vc.jsonld import DocumentLoader, default_loader
from mbo_vc.keys import Ed25519Key
from mbo_vc.limits import DEFAULT_LIMITS, Limits
from mbo_vc.proofs import Canonicalizer, create_proof, suite_named, suites

__all__ = ["sign", "signing_suites"]


def signing_suites() -> list[str]:
    """The names ``sign(cryptosuite=…)`` accepts."""
    return sorted(suites())


def sign(
    document: Mapping[str, Any],
    key: Ed25519Key,
    *,
    cryptosuite: str = "eddsa-rdfc-2022",
    proof_purpose: str = "assertionMethod",
    created: datetime | str | None = None,
    expires: datetime | str | None = None,
    challenge: str | None = None,
    domain: str | list[str] | None = None,
    proof_id: str | None = None,
    previous_proof: str | list[str] | None = None,
    loader: DocumentLoader | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, Any]:
    """Return a copy of ``document`` secured with one more Data Integrity proof by ``key``.

    ``created`` defaults to now (UTC, seconds precision, ``Z``). A document that already has
    proofs gets a proof set; pass ``previous_proof`` (proof ids) to make a proof chain. Documents
    that JSON-LD would silently change are refused (:class:`~mbo_vc.errors.SafeModeError`).
    """
    suite = suite_named(cryptosuite)
    check_structure(document, limits=limits)
    return create_proof(
        document,
        key,
        suite,
        canon=Canonicalizer(loader or default_loader(), limits),
        proof_purpose=proof_purpose,
        created=created,
        expires=expires,
        challenge=challenge,
        domain=domain,
        proof_id=proof_id,
        previous_proof=previous_proof,
    )
