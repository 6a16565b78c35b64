"""The legacy ``Ed25519Signature2020`` suite (verify; signing kept for interop tests).

Same hashing as eddsa-rdfc-2022 (URDNA2015 = RDFC-1.0), but the proof ``type`` names the suite and
has no ``cryptosuite``; the document must carry the suite's context.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mbo_vc.errors import ProofError
from mbo_vc.jsonld import DocumentLoader, canonicalize_rdfc
from mbo_vc.limits import Limits
from mbo_vc.proofs.core import register_suite

__all__ = ["ED25519_2020_CONTEXT", "Ed25519Signature2020"]

ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"


class Ed25519Signature2020:
    """Linked Data Signature with URDNA2015 and Ed25519 (W3C CCG, 2020)."""

    proof_type = "Ed25519Signature2020"
    name: str | None = None
    proof_carries_context = False

    def canonicalize(
        self, document: Mapping[str, Any], loader: DocumentLoader, limits: Limits
    ) -> str:
        """URDNA2015 N-Quads, in safe mode."""
        return canonicalize_rdfc(document, loader, limits=limits)

    def check_document(self, document: Mapping[str, Any]) -> None:
        """The document's @context must include the Ed25519Signature2020 context."""
        ctx = document.get("@context")
        ctxs = ctx if isinstance(ctx, list) else [ctx]
        if ED25519_2020_CONTEXT not in ctxs:
            raise ProofError(
                f"an Ed25519Signature2020 proof needs the {ED25519_2020_CONTEXT} context",
                code="context_mismatch",
            )


SUITE = register_suite(Ed25519Signature2020())
