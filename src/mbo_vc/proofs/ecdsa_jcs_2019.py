"""The ``ecdsa-jcs-2019`` cryptosuite (vc-di-ecdsa §3.4): JSON Canonicalization Scheme, ECDSA on
P-256 (SHA-256) or P-384 (SHA-384)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mbo_vc.proofs.core import Canonicalizer, EcdsaMixin, register_suite
from mbo_vc.proofs.eddsa_jcs_2022 import jcs_checked

__all__ = ["EcdsaJcs2019"]


class EcdsaJcs2019(EcdsaMixin):
    """Data Integrity proof over the JCS form of the JSON document, with ECDSA.

    As for eddsa-jcs-2022, documents with an ``@context`` also pass JSON-LD safe mode, so that
    what a JSON-LD consumer reads is what was signed.
    """

    proof_type = "DataIntegrityProof"
    name: str | None = "ecdsa-jcs-2019"
    proof_carries_context = True

    def canonicalize(
        self, document: Mapping[str, Any], canon: Canonicalizer, key: Any = None
    ) -> str:
        """JCS text; documents with an ``@context`` must also pass JSON-LD safe mode."""
        return jcs_checked(document, canon)


SUITE = register_suite(EcdsaJcs2019())
