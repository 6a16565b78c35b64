"""The VC Data Model rules the pipeline checks on the verified view (the structure step).

The credential must be a ``VerifiableCredential`` with exactly one issuer (an absolute IRI), a
presentation a ``VerifiablePresentation`` with at most one holder; the first ``@context`` must be
VC 2.0 (or 1.1 where that encoding is allowed).
"""

from __future__ import annotations

from mbo_vc import vocab
from mbo_vc.result import PresentationResult, VerificationResult
from mbo_vc.verification.view import CredentialView, PresentationView

__all__ = ["check_credential", "check_presentation"]


def check_credential(
    view: CredentialView, result: VerificationResult, *, allow_v1: bool = True
) -> None:
    """Type, first context and issuer of a credential (as signed)."""
    wanted = (vocab.VC_V2, vocab.VC_V1) if allow_v1 else (vocab.VC_V2,)
    if view.first_context not in wanted:
        result.add("not_a_credential", f"the first @context must be {' or '.join(wanted)}")
    if not view.has_type(vocab.VERIFIABLE_CREDENTIAL):
        result.add("not_a_credential", "type does not include VerifiableCredential", "type")
    if view.issuer is None:
        count = view.issuer_count
        detail = (
            "has no issuer"
            if count == 0
            else (
                f"has {count} issuers" if count > 1 else "has an issuer that is not an absolute IRI"
            )
        )
        result.add(
            "missing_issuer",
            f"the credential {detail} (exactly one issuer: a URL or an object with id)",
            "issuer",
        )
    result.check("structure")


def check_presentation(
    view: PresentationView, result: PresentationResult, *, allow_v1: bool = True
) -> None:
    """Type, first context and holder of a presentation (as signed)."""
    wanted = (vocab.VC_V2, vocab.VC_V1) if allow_v1 else (vocab.VC_V2,)
    if view.first_context not in wanted:
        result.add("not_a_presentation", f"the first @context must be {' or '.join(wanted)}")
    if not view.has_type(vocab.VERIFIABLE_PRESENTATION):
        result.add("not_a_presentation", "type does not include VerifiablePresentation", "type")
    if view.holder_count > 1:
        result.add("not_a_presentation", "a presentation has at most one holder", "holder")
    elif view.holder_count == 1 and view.holder is None:
        result.add("not_a_presentation", "the holder must be a URL (or an object with id)",
                   "holder")  # fmt: skip
    result.check("structure")
