"""Typed models: the VC 2.0 envelope and the Open Badges 3.0 classes.

Parse with ``OpenBadgeCredential.from_json(doc)`` (or :func:`parse_credential`), write back with
``.to_json()``; what was given comes back member for member (see :mod:`mbo_vc.models.base`).
The four mbo waardepapieren are built on these in :mod:`mbo_vc.mbo`.
"""

from mbo_vc.models.base import OBModel, as_list
from mbo_vc.models.obv3 import (
    OB_CONTEXT,
    OB_EXTENSIONS_CONTEXT,
    Achievement,
    AchievementCredential,
    AchievementSubject,
    Address,
    Alignment,
    Criteria,
    EndorsementCredential,
    EndorsementSubject,
    Evidence,
    GeoCoordinates,
    IdentifierEntry,
    IdentityObject,
    Image,
    OpenBadgeCredential,
    Profile,
    Related,
    Result,
    ResultDescription,
    RubricCriterionLevel,
    parse_credential,
)
from mbo_vc.models.vc import (
    VC_V1,
    VC_V2,
    CredentialSchema,
    CredentialStatus,
    Proof,
    RefreshService,
    TermsOfUse,
    VerifiableCredential,
)

__all__ = [
    "OB_CONTEXT",
    "OB_EXTENSIONS_CONTEXT",
    "VC_V1",
    "VC_V2",
    "Achievement",
    "AchievementCredential",
    "AchievementSubject",
    "Address",
    "Alignment",
    "CredentialSchema",
    "CredentialStatus",
    "Criteria",
    "EndorsementCredential",
    "EndorsementSubject",
    "Evidence",
    "GeoCoordinates",
    "IdentifierEntry",
    "IdentityObject",
    "Image",
    "OBModel",
    "OpenBadgeCredential",
    "Profile",
    "Proof",
    "RefreshService",
    "Related",
    "Result",
    "ResultDescription",
    "RubricCriterionLevel",
    "TermsOfUse",
    "VerifiableCredential",
    "as_list",
    "parse_credential",
]
