"""Demo step: the four waardepapieren for one fictional student, signed and left in a folder.

``issue_all(out_dir)`` makes fresh did:key keys for the bevoegd gezag (issuer) and the
examencommissie, issues an mbo-diploma (signed by both, as a proof chain), an mbo-certificaat,
an mbo-verklaring with praktijkverklaring and a microcredential, and writes them as JSON.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mbo_vc.keys import Ed25519Key, Key
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
from mbo_vc.mbo.rules import TWO_SIGNERS
from mbo_vc.mbo.signers import issue

__all__ = ["example_waardepapieren", "issue_all"]

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


def issue_all(
    out_dir: Path,
    *,
    bevoegd_gezag: Key | None = None,
    examencommissie: Key | None = None,
) -> dict[str, Path]:
    """Issue the four waardepapieren into ``out_dir``; returns ``{kind: path}``.

    The diploma and the certificaat carry the examencommissie's proof and the bevoegd gezag's
    proof chained to it.
    Keys are generated when not given; their DIDs are written to ``signers.json``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    bg = bevoegd_gezag or Ed25519Key.generate()
    ec = examencommissie or Ed25519Key.generate()
    paths: dict[str, Path] = {}
    for kind, paper in example_waardepapieren(bg.did).items():
        signed = issue(paper, bg, examencommissie=ec if kind in TWO_SIGNERS else None)
        path = out_dir / f"{kind}.json"
        path.write_text(json.dumps(signed, indent=2, ensure_ascii=False) + "\n", "utf-8")
        paths[kind] = path
    signers = {"bevoegd_gezag": bg.did, "examencommissie": ec.did}
    (out_dir / "signers.json").write_text(json.dumps(signers, indent=2) + "\n", "utf-8")
    return paths
