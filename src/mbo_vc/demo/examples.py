"""Example documents for the demo (a fictional school, student and diploma)."""

from __future__ import annotations

import uuid
from typing import Any

__all__ = ["OB_V3", "STATUS_BASE_URL", "VC_V2", "example_diploma"]

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
STATUS_BASE_URL = "https://roc-voorbeeld.example/status"


def example_diploma(issuer_did: str, *, valid_from: str = "2026-07-01T00:00:00Z") -> dict[str, Any]:
    """An unsigned OBv3 credential for a fictional mbo-diploma (Verzorgende-IG, niveau 3)."""
    return {
        "@context": [VC_V2, OB_V3],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "mbo-diploma Verzorgende-IG",
        "issuer": {
            "id": issuer_did,
            "type": ["Profile"],
            "name": "ROC Voorbeeld (bevoegd gezag)",
        },
        "validFrom": valid_from,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "demo-student-0001",
                    "identityType": "studentId",
                    "hashed": False,
                }
            ],
            "achievement": {
                "id": "https://example.org/kwalificaties/25491",
                "type": ["Achievement"],
                "achievementType": "Diploma",
                "name": "Verzorgende-IG (crebo 25491)",
                "description": "mbo-diploma niveau 3, beroepsopleidende leerweg (BOL).",
                "criteria": {"narrative": "Alle kerntaken en keuzedelen met goed gevolg afgelegd."},
            },
        },
    }
