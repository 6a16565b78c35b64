"""The Data Integrity securing step: every proof of a proof set or chain, and the verified view.

The proofs are checked by the one proof core (:func:`mbo_vc.proofs.verify_proofs`); the view is
the node map of the unsecured document's expansion, the same expansion its canonical form (and so
every signature) was computed from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mbo_vc import vocab
from mbo_vc.errors import LimitExceededError, ProofError
from mbo_vc.jsonld import NodeMap
from mbo_vc.limits import Limits
from mbo_vc.proofs import Canonicalizer, ProofCheck, as_proof_list, verify_proofs
from mbo_vc.result import ProofResult

__all__ = ["secure", "unsecured_nodes"]


def unsecured_nodes(document: Mapping[str, Any], canon: Canonicalizer) -> NodeMap:
    """The node map of the document without its proofs (what every proof covers)."""
    return canon.nodes({k: v for k, v in document.items() if k != "proof"})


def secure(
    document: Mapping[str, Any], canon: Canonicalizer, check: ProofCheck, limits: Limits
) -> tuple[list[ProofResult], NodeMap]:
    """Verify every proof and return the proof results and the verified node map.

    The node map is built first: a document that JSON-LD refuses fails before any key is
    resolved. Raises :class:`~mbo_vc.errors.MboVcError` for a document that cannot be read.
    """
    proofs = as_proof_list(document.get("proof"))
    if len(proofs) > limits.max_proofs:
        raise LimitExceededError(f"more than {limits.max_proofs} proofs")
    nodes = unsecured_nodes(document, canon)
    if nodes.root.has(vocab.PROOF):
        # a proof spelled under another name sits in the data the proofs sign; it is refused
        # rather than silently ignored or counted
        raise ProofError("the document has a proof that is not under its proof member")
    if not proofs:
        return [], nodes
    return verify_proofs(document, canon, check), nodes
