"""Test fixtures: example documents built for the tests (kept apart from the demo's own).

``example_diploma`` is a plain OBv3 credential; ``example_waardepapieren`` the four mbo
waardepapieren of one fictional student as unsigned models.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from mbo_vc.mbo.model import (
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
)

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


_HOLDER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


def example_waardepapieren(issuer_did: str) -> dict[str, Waardepapier]:
    """The four waardepapieren of the fictional student Jan Pieter de Vries (unsigned models)."""
    instelling = Instelling.create(
        id=issuer_did, naam="ROC Voorbeeld (bevoegd gezag)", brin="99XX", url="https://roc.example"
    )
    student = Student.create(
        naam="Jan Pieter de Vries", studentnummer="500123", salt="demo-salt-0001",
        geboortedatum="2005-03-14", geboorteplaats="Utrecht", id=_HOLDER,
    )  # fmt: skip
    opleiding = Opleiding.create(
        naam="Verzorgende-IG", crebo="25491", niveau=3, kwalificatiedossier="Verzorgende-IG"
    )
    kerntaken = [
        Onderdeel.create(soort="kerntaak", code="B1-K1", naam="Biedt zorg en ondersteuning",
                         waarde="goed"),
        Onderdeel.create(soort="kerntaak", code="B1-K2", naam="Stemt zorg af", waarde="voldoende"),
        Onderdeel.create(soort="generiek", code="NE", naam="Nederlands", waarde="7"),
        Onderdeel.create(soort="generiek", code="RE", naam="Rekenen", waarde="6"),
        Onderdeel.create(soort="keuzedeel", code="K0125", naam="Ondernemerschap mbo"),
    ]  # fmt: skip
    when = datetime(2026, 7, 1, tzinfo=UTC)
    mbo: dict[str, Any] = {"leerweg": "BBL", "cohort": "2023", "startdatum": "2023-09-01"}
    return {
        "mbo-diploma": MboDiploma.create(
            instelling=instelling, student=student, opleiding=opleiding, einddatum="2026-06-30",
            uitslagdatum="2026-06-20", uitreikdatum=when, resultaten=kerntaken, **mbo,
        ),
        "mbo-certificaat": MboCertificaat.create(
            instelling=instelling, student=student, onderdeel_naam="Ondernemerschap mbo",
            keuzedeel_code="K0125", kwalificatie_crebo="25491", niveau=3,
            uitslagdatum="2026-06-20", uitreikdatum=when, resultaten=[kerntaken[-1]], **mbo,
        ),
        "mbo-verklaring": MboVerklaring.create(
            instelling=instelling, student=student, opleiding=opleiding,
            uitreikdatum=when, resultaten=kerntaken[:1],
            praktijkverklaring=Praktijkverklaring.create(
                leerbedrijf="Zorghuis De Linde BV", praktijkopleider="A. Jansen",
                bpv_periode="2025-09 t/m 2026-06", oordeel="Voert de werkprocessen zelfstandig uit",
                werkprocessen=[Onderdeel.create(soort="werkproces", code="B1-K1-W2",
                                                naam="Voert verpleegtechnische handelingen uit",
                                                waarde="kan uitvoeren")],
            ),
            **mbo,
        ),
        "microcredential": Microcredential.create(
            instelling=instelling, student=student, achievement_id="https://roc.example/mc/tillen",
            titel="Veilig tillen en transfers", beschrijving="Ergonomisch werken in de zorg.",
            criteria="Praktijktoets onder toezicht, met identiteitscontrole.",
            studielast_uren=28, taal="nl-NL",
            leeruitkomsten=["Past veilige tiltechnieken toe", "Kent de arbo-regels voor tillen"],
            toetsvorm="application of a skill", identiteit_gecontroleerd=True,
            supervisie="onsite with identity verification", deelname="onsite or blended",
            kwaliteitskader=Kwaliteitskader.create(
                naam="Kwaliteitskader microcredentials (voorbeeld)", url="https://roc.example/kader"
            ),
            programma_id=1001, eqf=3, nlqf=3, uitreikdatum=when,
        ),
    }  # fmt: skip
