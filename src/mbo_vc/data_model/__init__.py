"""The VC Data Model: a document read as its signature covers it (:mod:`.view`) and the rules
it must keep (:mod:`.rules`), shared by signing and verification."""

from mbo_vc.data_model.rules import (
    Violation,
    credential_violations,
    json_violations,
    presentation_violations,
    raise_first,
    violations_of,
)
from mbo_vc.data_model.view import CredentialView, PresentationView, project

__all__ = [
    "CredentialView",
    "PresentationView",
    "Violation",
    "credential_violations",
    "json_violations",
    "presentation_violations",
    "project",
    "raise_first",
    "violations_of",
]
