"""The legacy ``Ed25519Signature2020`` suite (verify; signing kept for interop tests).

Same hashing as eddsa-rdfc-2022 (URDNA2015 = RDFC-1.0), but the proof ``type`` names the suite and
has no ``cryptosuite``; the document must carry the suite's context.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mbo_vc.errors import ContextMismatchError
from mbo_vc.proofs.core import Canonicalizer, Ed25519Mixin, register_suite

__all__ = ["ED25519_2020_CONTEXT", "Ed25519Signature2020"]

ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"


class Ed25519Signature2020(Ed25519Mixin):
    """Linked Data Signature with URDNA2015 and Ed25519 (W3C CCG, 2020)."""

    proof_type = "Ed25519Signature2020"
    name: str | None = None
    proof_carries_context = False

    def canonicalize(
        self, document: Mapping[str, Any], canon: Canonicalizer, key: Any = None
    ) -> str:
        """URDNA2015 N-Quads, in safe mode."""
        return canon.rdfc(document)

    def check_document(self, document: Mapping[str, Any]) -> None:
        """The document's @context must include the Ed25519Signature2020 context."""
        ctx = document.get("@context")
        ctxs = ctx if isinstance(ctx, list) else [ctx]
        if ED25519_2020_CONTEXT not in ctxs:
            raise ContextMismatchError(
                f"an Ed25519Signature2020 proof needs the {ED25519_2020_CONTEXT} context"
            )


SUITE = register_suite(Ed25519Signature2020())
