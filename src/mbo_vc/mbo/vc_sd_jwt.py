"""The waardepapieren as VC DM 2.0 credentials secured with SD-JWT (``vc+sd-jwt``, VC-JOSE-COSE
§3.2): the OBv3 JSON of :meth:`Waardepapier.to_json`, with the student's personal data made
selectively disclosable.

DECISION (the same split as the ``dc+sd-jwt`` form, docs/sd-jwt-vc.md): always disclosed are the
school (``issuer``), the qualification (``credentialSubject.achievement``), the type, the dates of
issue and validity, the schemas and the status entries (VC-JOSE-COSE §3.2.1: what a verifier needs
to validate). Selectively disclosable, each on its own: the holder DID (``credentialSubject.id``),
each identifier (name, hashed student number with its salt, date and place of birth), each result,
leerweg, cohort, start and end dates, uitslagdatum, a praktijkverklaring as a whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mbo_vc.errors import UsageError
from mbo_vc.jose import secure_sd_jwt
from mbo_vc.keys import Signer
from mbo_vc.mbo.model import Waardepapier
from mbo_vc.sd_jwt import SdJwt

__all__ = ["SELECTIVELY_DISCLOSABLE", "disclosable_paths", "issue_vc_sd_jwt"]

SELECTIVELY_DISCLOSABLE = (
    "credentialSubject.id",
    "credentialSubject.identifier[]",
    "credentialSubject.result[]",
    "credentialSubject.leerweg",
    "credentialSubject.cohort",
    "credentialSubject.activityStartDate",
    "credentialSubject.activityEndDate",
    "credentialSubject.uitslagdatum",
    "credentialSubject.praktijkverklaring",
)
"""The members of a waardepapier's credential that its ``vc+sd-jwt`` makes selectively
disclosable (``[]``: each element of that array)."""


def disclosable_paths(document: Mapping[str, Any]) -> list[str]:
    """The claim paths of ``document`` (a waardepapier's OBv3 JSON) that
    :data:`SELECTIVELY_DISCLOSABLE` names, for :func:`mbo_vc.jose.secure_sd_jwt`."""
    subject = document.get("credentialSubject")
    if not isinstance(subject, Mapping):
        raise UsageError("a waardepapier has one credentialSubject object")
    out: list[str] = []
    for entry in SELECTIVELY_DISCLOSABLE:
        name = entry.removeprefix("credentialSubject.")
        if name.endswith("[]"):
            values = subject.get(name[:-2])
            if isinstance(values, list):
                out += [f"credentialSubject.{name[:-2]}[{i}]" for i in range(len(values))]
        elif name in subject:
            out.append(entry)
    return out


def issue_vc_sd_jwt(
    paper: Waardepapier | Mapping[str, Any],
    key: Signer,
    *,
    holder: Mapping[str, Any] | Signer | None = None,
    kid: str | None = None,
    decoys: int = 2,
) -> SdJwt:
    """Issue a waardepapier (the model, or its OBv3 JSON with e.g. a ``credentialStatus``
    entry attached) as a ``vc+sd-jwt`` signed by ``key`` (the bevoegd gezag's; one signature,
    so a diploma's two signers cannot be shown), ``holder`` its ``cnf`` key."""
    document = paper.to_json() if isinstance(paper, Waardepapier) else dict(paper)
    return secure_sd_jwt(document, key, disclosable=disclosable_paths(document), holder=holder,
                         kid=kid, decoys=decoys)  # fmt: skip
