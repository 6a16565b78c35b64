"""The mbo layer: the four waardepapieren (mbo-diploma, mbo-certificaat, mbo-verklaring with an
optional praktijkverklaring, microcredential) as typed models on top of Open Badges 3.0, who signs
them (examencommissie and bevoegd gezag as a proof chain), and issuing them from SIS exports.
"""

from mbo_vc.mbo.model import (
    MBO_CONTEXT,
    WAARDEPAPIEREN,
    Instelling,
    Kwaliteitskader,
    MboCertificaat,
    MboDiploma,
    MboVerklaring,
    Microcredential,
    Onderdeel,
    Opleiding,
    Praktijkverklaring,
    Student,
    Waardepapier,
    hash_identifier,
    waardepapier_from_credential,
)
from mbo_vc.mbo.signers import Signer, check_signers, issue, verify_waardepapier

__all__ = [
    "MBO_CONTEXT",
    "WAARDEPAPIEREN",
    "Instelling",
    "Kwaliteitskader",
    "MboCertificaat",
    "MboDiploma",
    "MboVerklaring",
    "Microcredential",
    "Onderdeel",
    "Opleiding",
    "Praktijkverklaring",
    "Signer",
    "Student",
    "Waardepapier",
    "check_signers",
    "hash_identifier",
    "issue",
    "verify_waardepapier",
    "waardepapier_from_credential",
]
