"""The demo behind ``mbo-vc demo --out DIR``: issue, verify and tamper, using only embedded
defaults (a fresh local key, bundled contexts, no network). Every signed document it makes is
left in DIR as a ``.json`` file.
"""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

from mbo_vc.did.key import did_key_document
from mbo_vc.keys import Ed25519Key
from mbo_vc.signing import sign
from mbo_vc.verify import verify

__all__ = ["example_diploma", "run_demo"]

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


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


def _write(out: Path, name: str, doc: Any) -> Path:
    path = out / name
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def run_demo(out: Path) -> int:
    """Run the demo; returns 0 when every step behaved as expected, 1 otherwise."""
    out.mkdir(parents=True, exist_ok=True)
    issuer = Ed25519Key.generate()
    issuer.save(out / "issuer-key.secret.json", overwrite=True)
    _write(out, "issuer-did-document.json", did_key_document(issuer))
    print(f"issuer key: {issuer.did}  (saved 0600 in {out / 'issuer-key.secret.json'})")

    ok = True
    unsigned = example_diploma(issuer.did)
    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        signed = sign(unsigned, issuer, cryptosuite=suite)
        path = _write(out, f"mbo-diploma.{suite}.json", signed)
        result = verify(signed)
        print(f"signed with {suite}: {path.name}: verified={result.verified}")
        ok &= result.verified

        tampered = copy.deepcopy(signed)
        tampered["credentialSubject"]["achievement"]["name"] = "Verpleegkundige (crebo 25655)"
        tpath = _write(out, f"mbo-diploma.{suite}.tampered.json", tampered)
        bad = verify(tampered)
        print(f"  tampered copy {tpath.name}: verified={bad.verified} {bad.codes}")
        ok &= not bad.verified and "invalid_signature" in bad.codes
    print("demo: all steps behaved as expected" if ok else "demo: UNEXPECTED RESULT")
    return 0 if ok else 1
