"""The ``eddsa-rdfc-2022`` cryptosuite (vc-di-eddsa §3.3): RDFC-1.0 canonicalisation, Ed25519."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mbo_vc.proofs.core import Canonicalizer, Ed25519Mixin, register_suite

__all__ = ["EddsaRdfc2022"]


class EddsaRdfc2022(Ed25519Mixin):
    """Data Integrity proof with RDF Dataset Canonicalization and Ed25519."""

    proof_type = "DataIntegrityProof"
    name: str | None = "eddsa-rdfc-2022"
    proof_carries_context = False

    def canonicalize(
        self, document: Mapping[str, Any], canon: Canonicalizer, key: Any = None
    ) -> str:
        """RDFC-1.0 N-Quads, in safe mode."""
        return canon.rdfc(document)


SUITE = register_suite(EddsaRdfc2022(), "eddsa-2022")
