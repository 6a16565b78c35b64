"""The ``eddsa-jcs-2022`` cryptosuite (vc-di-eddsa §3.4): JSON Canonicalization Scheme, Ed25519."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import rfc8785

from mbo_vc.errors import CanonicalizationError
from mbo_vc.proofs.core import Canonicalizer, Ed25519Mixin, register_suite

__all__ = ["EddsaJcs2022", "jcs", "jcs_checked"]


def jcs(document: Any) -> str:
    """RFC 8785 canonical JSON text of ``document``."""
    try:
        return rfc8785.dumps(document).decode("utf-8")
    except Exception as exc:  # rfc8785 raises its own error types for unrepresentable values
        raise CanonicalizationError(
            f"JSON canonicalisation (RFC 8785) failed: {type(exc).__name__}"
        ) from None


def jcs_checked(document: Mapping[str, Any], canon: Canonicalizer) -> str:
    """The JCS text the jcs suites sign; a document with an ``@context`` must also pass JSON-LD
    safe mode (and its expansion is the one the verified view reads)."""
    if "@context" in document:
        canon.expanded(document)
    return jcs(document)


class EddsaJcs2022(Ed25519Mixin):
    """Data Integrity proof over the JCS form of the JSON document, with Ed25519.

    JCS signs the JSON bytes, not the RDF, so undefined terms would still be signed; we run the
    same JSON-LD safe-mode check anyway, so that what a JSON-LD consumer reads is what was signed
    (and the verified view reads the same expansion).
    """

    proof_type = "DataIntegrityProof"
    name: str | None = "eddsa-jcs-2022"
    proof_carries_context = True

    def canonicalize(
        self, document: Mapping[str, Any], canon: Canonicalizer, key: Any = None
    ) -> str:
        """JCS text; documents with an ``@context`` must also pass JSON-LD safe mode."""
        return jcs_checked(document, canon)


SUITE = register_suite(EddsaJcs2022())
