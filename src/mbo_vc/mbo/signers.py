"""Who signs: the examencommissie decides, the bevoegd gezag issues.

A waardepapier can carry two Data Integrity proofs as a proof chain: first the examencommissie's
(its decision on the result), then the bevoegd gezag's, whose ``previousProof`` names the first,
so the issuing signature covers the decision's signature too. :func:`check_signers` is the
verifier policy that requires both to be present, valid, made by the expected keys, and chained.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mbo_vc.jsonld import DocumentLoader
from mbo_vc.keys import Ed25519Key
from mbo_vc.mbo.model import Waardepapier
from mbo_vc.models import as_list
from mbo_vc.result import Problem, ProofResult, VerificationResult
from mbo_vc.signing import sign
from mbo_vc.verify import verify

__all__ = [
    "BEVOEGD_GEZAG",
    "EXAMENCOMMISSIE",
    "Signer",
    "check_signers",
    "issue",
    "verify_waardepapier",
]  # fmt: skip

EXAMENCOMMISSIE = "examencommissie"
BEVOEGD_GEZAG = "bevoegd gezag"


@dataclass(frozen=True)
class Signer:
    """An expected signer: its role and its DID or verification-method URL."""

    role: str
    id: str

    def made(self, proof: ProofResult) -> bool:
        """True when ``proof`` was made by this signer's key (by DID or by method URL)."""
        vm = proof.verification_method or ""
        return proof.controller == self.id or vm == self.id or vm.split("#")[0] == self.id


def issue(
    waardepapier: Waardepapier | Mapping[str, Any],
    bevoegd_gezag: Ed25519Key,
    *,
    examencommissie: Ed25519Key | None = None,
    created: datetime | str | None = None,
    loader: DocumentLoader | None = None,
) -> dict[str, Any]:
    """Sign a waardepapier: with ``examencommissie`` first (when given), then the bevoegd gezag's
    proof chained to it. ``proof`` is always an array (the OBv3 JSON Schema requires one).
    """
    doc = waardepapier.to_json() if isinstance(waardepapier, Waardepapier) else dict(waardepapier)
    previous = None
    if examencommissie is not None:
        previous = f"urn:uuid:{uuid.uuid4()}"
        doc = sign(doc, examencommissie, created=created, proof_id=previous, loader=loader)
    doc = sign(
        doc,
        bevoegd_gezag,
        created=created,
        proof_id=f"urn:uuid:{uuid.uuid4()}" if previous else None,
        previous_proof=previous,
        loader=loader,
    )
    doc["proof"] = as_list(doc["proof"])
    return doc


def check_signers(
    result: VerificationResult,
    *,
    examencommissie: str,
    bevoegd_gezag: str | None = None,
    require_chain: bool = True,
) -> VerificationResult:
    """Require a valid proof by the examencommissie and one by the bevoegd gezag (default: the
    credential's issuer), the latter chained to the former (``previousProof``) unless
    ``require_chain`` is False. Failures are added to ``result`` (codes ``missing_signer``,
    ``proof_chain_broken``), so ``result.verified`` turns False; ``result`` is returned.
    """
    doc = result.document or {}
    if bevoegd_gezag is None:
        issuer = doc.get("issuer")
        issuer = issuer.get("id") if isinstance(issuer, Mapping) else issuer
        bevoegd_gezag = issuer if isinstance(issuer, str) else ""
    raw = as_list(doc.get("proof"))
    signers = [Signer(EXAMENCOMMISSIE, examencommissie), Signer(BEVOEGD_GEZAG, bevoegd_gezag)]
    found: dict[str, list[ProofResult]] = {}
    for signer in signers:
        found[signer.role] = [p for p in result.proofs if p.verified and signer.made(p)]
        if not found[signer.role]:
            result.add(
                "missing_signer",
                f"no valid proof by the {signer.role} ({signer.id or 'unknown'})",
                "proof",
            )
    if require_chain and all(found.values()):
        ec_ids = {
            raw[p.index].get("id")
            for p in found[EXAMENCOMMISSIE]
            if p.index < len(raw) and isinstance(raw[p.index], Mapping)
        }
        chained = False
        for p in found[BEVOEGD_GEZAG]:
            proof = raw[p.index] if p.index < len(raw) else {}
            prev = proof.get("previousProof") if isinstance(proof, Mapping) else None
            if set(as_list(prev)) & (ec_ids - {None}):
                chained = True
        if not chained:
            result.add(
                "proof_chain_broken",
                "the bevoegd gezag's proof does not name the examencommissie's proof in "
                "previousProof (the issuance must cover the decision)",
                "proof",
            )
    result.checks.append("mbo_signers")
    return result


def verify_waardepapier(
    document: Mapping[str, Any] | str | bytes,
    *,
    examencommissie: str,
    bevoegd_gezag: str | None = None,
    require_chain: bool = True,
    **verify_options: Any,
) -> VerificationResult:
    """:func:`mbo_vc.verify` plus :func:`check_signers` (both signers present and authorized)."""
    result = verify(document, **verify_options)
    if result.document is None:
        return result
    return check_signers(
        result,
        examencommissie=examencommissie,
        bevoegd_gezag=bevoegd_gezag,
        require_chain=require_chain,
    )


def problems_of(result: VerificationResult, code: str) -> list[Problem]:
    """The problems of ``result`` with ``code`` (a small helper for callers and tests)."""
    return [p for p in result.problems if p.code == code]
