"""The ``ecdsa-rdfc-2019`` cryptosuite (vc-di-ecdsa §3.2): RDFC-1.0 canonicalisation, ECDSA on
P-256 (SHA-256) or P-384 (SHA-384)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mbo_vc.proofs.core import Canonicalizer, EcdsaMixin, register_suite

__all__ = ["EcdsaRdfc2019"]


class EcdsaRdfc2019(EcdsaMixin):
    """Data Integrity proof with RDF Dataset Canonicalization and ECDSA."""

    proof_type = "DataIntegrityProof"
    name: str | None = "ecdsa-rdfc-2019"
    proof_carries_context = False

    def canonicalize(
        self, document: Mapping[str, Any], canon: Canonicalizer, key: Any = None
    ) -> str:
        """RDFC-1.0 N-Quads, in safe mode, with the hash of the key's curve as RDFC-1.0's hash
        (vc-di-ecdsa §3.2.3: SHA-384 for P-384, as the published P-384 vectors and the JS
        stack do)."""
        return canon.rdfc(document, self.rdfc_hash(key))


SUITE = register_suite(EcdsaRdfc2019())
