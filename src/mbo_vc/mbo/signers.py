"""Who signs: the examencommissie decides, the bevoegd gezag issues.

A waardepapier can carry two Data Integrity proofs as a proof chain: first the examencommissie's
(its decision on the result), then the bevoegd gezag's, whose ``previousProof`` names the first,
so the issuing signature covers the decision's signature too. :func:`signers_policy` is the
verifier policy that requires both to be present, valid, made by the expected keys, and chained
(it runs as the pipeline's policy step, on the proofs as signed).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from mbo_vc.jsonld import DocumentLoader
from mbo_vc.keys import Signer as KeySigner
from mbo_vc.mbo.kinds import BEVOEGD_GEZAG, EXAMENCOMMISSIE
from mbo_vc.mbo.model import Waardepapier
from mbo_vc.mbo.rules import MboRules
from mbo_vc.models import as_list
from mbo_vc.result import Problem, VerificationResult
from mbo_vc.signing import sign
from mbo_vc.verification import RequiredSigner, VerifierPolicy, verify
from mbo_vc.verification.policy import apply_signers

__all__ = [
    "BEVOEGD_GEZAG",
    "EXAMENCOMMISSIE",
    "Signer",
    "check_signers",
    "issue",
    "signers_policy",
    "verify_waardepapier",
]  # fmt: skip


Signer = RequiredSigner
"""An expected signer: its role and its DID or verification-method URL."""


def issue(
    waardepapier: Waardepapier | Mapping[str, Any],
    bevoegd_gezag: KeySigner,
    *,
    examencommissie: KeySigner | None = None,
    created: datetime | str | None = None,
    loader: DocumentLoader | None = None,
) -> dict[str, Any]:
    """Sign a waardepapier: with ``examencommissie`` first (when given), then the bevoegd gezag's
    proof chained to it. ``proof`` is always an array (the OBv3 JSON Schema requires one).
    Either signer may be a key object or a key in an HSM or KMS (:class:`mbo_vc.keys.Signer`).
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


def signers_policy(
    examencommissie: str, bevoegd_gezag: str | None = None, *, require_chain: bool = True
) -> VerifierPolicy:
    """The verifier policy of a waardepapier signed by both: a valid proof by the
    examencommissie and one by the bevoegd gezag (default: the credential's issuer), the latter
    chained to the former (``previousProof``) unless ``require_chain`` is False."""
    return VerifierPolicy(
        required_signers=(
            RequiredSigner(EXAMENCOMMISSIE, examencommissie),
            RequiredSigner(BEVOEGD_GEZAG, bevoegd_gezag),
        ),
        chain_signers=require_chain,
    )


def check_signers(
    result: VerificationResult,
    *,
    examencommissie: str,
    bevoegd_gezag: str | None = None,
    require_chain: bool = True,
) -> VerificationResult:
    """Apply :func:`signers_policy` to a verification result (codes ``missing_signer``,
    ``proof_chain_broken``), reading the proofs as signed; ``result`` is returned."""
    policy = signers_policy(examencommissie, bevoegd_gezag, require_chain=require_chain)
    issuer = result.view.issuer if result.view is not None else None
    apply_signers(result, policy.required_signers, issuer, chain=policy.chain_signers)
    return result


def verify_waardepapier(
    document: Mapping[str, Any] | str | bytes,
    *,
    examencommissie: str,
    bevoegd_gezag: str | None = None,
    require_chain: bool = True,
    policy: VerifierPolicy | None = None,
    **verify_options: Any,
) -> VerificationResult:
    """:func:`mbo_vc.verify` (the mbo rules included) with the signers' policy (both signers
    present, valid, chained), added to ``policy`` when one is given."""
    signers = signers_policy(examencommissie, bevoegd_gezag, require_chain=require_chain)
    if policy is not None:
        signers = dataclasses.replace(
            policy,
            required_signers=policy.required_signers + signers.required_signers,
            chain_signers=signers.chain_signers,
        )
    rules = MboRules(require_chain=require_chain)
    return verify(document, policy=signers, rules=rules, **verify_options)


def problems_of(result: VerificationResult, code: str) -> list[Problem]:
    """The problems of ``result`` with ``code`` (a small helper for callers and tests)."""
    return [p for p in result.problems if p.code == code]
