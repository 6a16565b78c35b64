"""Which waardepapier a credential is, read from its verified view (what the signature covers).

The same rule as :func:`mbo_vc.mbo.model.waardepapier_from_credential`, but by IRI on the signed
RDF, never on the JSON: an OBv3 credential (``OpenBadgeCredential``/``AchievementCredential``)
with one subject and one achievement; its ``achievementType`` ``Diploma`` is an mbo-diploma,
``Certificate`` an mbo-certificaat, ``ext:MboVerklaring`` an mbo-verklaring, anything else
(``MicroCredential``, or none, as Edubadges issues) a microcredential.
"""

from __future__ import annotations

from mbo_vc.data_model.view import CredentialView
from mbo_vc.mbo.model import WAARDEPAPIEREN

__all__ = ["BEVOEGD_GEZAG", "EXAMENCOMMISSIE", "OB_VOCAB", "waardepapier_kind"]

EXAMENCOMMISSIE = "examencommissie"
"""The signer that decides on the result: its proof comes first in a diploma's proof chain."""
BEVOEGD_GEZAG = "bevoegd gezag"
"""The signer that issues (the credential's issuer): its proof names the examencommissie's."""

OB_VOCAB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
_OB_CREDENTIAL = OB_VOCAB + "OpenBadgeCredential"
_ACHIEVEMENT = OB_VOCAB + "achievement"
_ACHIEVEMENT_TYPE = OB_VOCAB + "achievementType"
_BY_ACHIEVEMENT_TYPE = {cls.achievement_type: kind for kind, cls in WAARDEPAPIEREN.items()}


def waardepapier_kind(view: CredentialView) -> str | None:
    """``mbo-diploma``, ``mbo-certificaat``, ``mbo-verklaring`` or ``microcredential``; None
    when the signed credential is not a single-achievement OBv3 credential, or its
    achievementType is not one plain string."""
    if not view.has_type(_OB_CREDENTIAL) or view.subject_count != 1 or len(view.subjects) != 1:
        return None
    refs = view.subjects[0].refs(_ACHIEVEMENT)
    if len(refs) != 1 or refs[0] is None:
        return None
    achievement = view.subjects[0].node(refs[0])
    values = achievement.literals(_ACHIEVEMENT_TYPE)
    if not values:
        return "microcredential"
    if len(values) != 1 or values[0] is None or not isinstance(values[0].value, str):
        return None
    return _BY_ACHIEVEMENT_TYPE.get(values[0].value, "microcredential")
