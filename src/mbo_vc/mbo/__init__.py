"""The mbo layer: the four waardepapieren (mbo-diploma, mbo-certificaat, mbo-verklaring with an
optional praktijkverklaring, microcredential) as typed models on top of Open Badges 3.0, who signs
them (examencommissie and bevoegd gezag as a proof chain), and issuing them from SIS exports.
"""

from mbo_vc.mbo.kinds import waardepapier_kind
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
from mbo_vc.mbo.rules import MboRules, apply_mbo_rules
from mbo_vc.mbo.signers import Signer, check_signers, issue, verify_waardepapier
from mbo_vc.mbo.trust_list import TrustedIssuer, TrustList, build_trust_list, read_trust_csv

__all__ = [
    "MBO_CONTEXT",
    "WAARDEPAPIEREN",
    "Instelling",
    "Kwaliteitskader",
    "MboCertificaat",
    "MboDiploma",
    "MboRules",
    "MboVerklaring",
    "Microcredential",
    "Onderdeel",
    "Opleiding",
    "Praktijkverklaring",
    "Signer",
    "Student",
    "TrustList",
    "TrustedIssuer",
    "Waardepapier",
    "apply_mbo_rules",
    "build_trust_list",
    "check_signers",
    "hash_identifier",
    "issue",
    "read_trust_csv",
    "verify_waardepapier",
    "waardepapier_from_credential",
    "waardepapier_kind",
]
