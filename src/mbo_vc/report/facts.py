"""The facts a waardepapier shows, from the mbo model, labelled in Dutch and English."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from mbo_vc.data_model.view import CredentialView

if TYPE_CHECKING:
    from mbo_vc.mbo import Onderdeel, Waardepapier
from mbo_vc.report.texts import Text

__all__ = ["Fact", "Facts", "ResultLine", "facts_of", "image_of"]

_DATA_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp);base64,([A-Za-z0-9+/]+={0,2})")
_MAX_IMAGE_URI = 512 * 1024
_KINDS = {
    "mbo-diploma": Text("Mbo-diploma", "Mbo diploma"),
    "mbo-certificaat": Text("Mbo-certificaat", "Mbo certificate"),
    "mbo-verklaring": Text("Mbo-verklaring", "Mbo statement of achievements"),
    "microcredential": Text("Microcredential", "Microcredential"),
}
_NIVEAU = {1: "1 (entree)", 2: "2", 3: "3", 4: "4"}
_LABELS: dict[str, Text] = {
    "naam": Text("Naam", "Name"),
    "geboortedatum": Text("Geboortedatum", "Date of birth"),
    "geboorteplaats": Text("Geboorteplaats", "Place of birth"),
    "holder": Text("Houder (DID)", "Holder (DID)"),
    "soort": Text("Soort waardepapier", "Kind of document"),
    "opleiding": Text("Opleiding", "Qualification"),
    "crebo": Text("Crebo", "Crebo code"),
    "niveau": Text("Niveau", "Level"),
    "kwalificatiedossier": Text("Kwalificatiedossier", "Qualification file"),
    "leerweg": Text("Leerweg", "Learning pathway"),
    "cohort": Text("Cohort", "Cohort"),
    "onderdeel": Text("Onderdeel", "Component"),
    "keuzedeel": Text("Keuzedeel", "Elective"),
    "kwalificatie_crebo": Text("Crebo van de kwalificatie", "Crebo of the qualification"),
    "leerbedrijf": Text("Leerbedrijf", "Training company"),
    "praktijkopleider": Text("Praktijkopleider", "Workplace trainer"),
    "bpv_periode": Text("BPV-periode", "Work placement period"),
    "oordeel": Text("Oordeel", "Judgement"),
    "titel": Text("Titel", "Title"),
    "beschrijving": Text("Beschrijving", "Description"),
    "criteria": Text("Criteria", "Criteria"),
    "studielast": Text("Studielast", "Study load"),
    "ects": Text("ECTS", "ECTS"),
    "eqf": Text("EQF-niveau", "EQF level"),
    "nlqf": Text("NLQF-niveau", "NLQF level"),
    "taal": Text("Taal", "Language"),
    "toetsvorm": Text("Toetsvorm", "Assessment"),
    "leeruitkomsten": Text("Leeruitkomsten", "Learning outcomes"),
    "kwaliteitskader": Text("Kwaliteitskader", "Quality framework"),
    "school": Text("School (zoals het document haar noemt)", "School (as the document names it)"),
    "brin": Text("BRIN", "BRIN"),
    "oin": Text("OIN", "OIN"),
    "uitreikdatum": Text("Datum van uitreiking", "Date of issue"),
    "uitslagdatum": Text("Datum van de uitslag", "Date of the result"),
    "startdatum": Text("Begonnen op", "Started on"),
    "einddatum": Text("Afgerond op", "Finished on"),
    "validFrom": Text("Ingangsdatum", "In effect from"),
    "validUntil": Text("Vervaldatum", "Expires on"),
    "issuanceDate": Text("Uitgegeven op", "Issued on"),
    "expirationDate": Text("Verloopt op", "Expires on"),
}


@dataclass(frozen=True)
class Fact:
    """One labelled value (``key`` is stable for programs; ``label`` is for people). A value
    of our own words (the kind of paper, yes/no) also has ``text``, one per language."""

    key: str
    label: Text
    value: str
    text: Text | None = None

    def get(self, lang: str) -> str:
        """The value as shown in ``lang``: its ``text`` when it has one, else the value."""
        return self.text.get(lang) if self.text is not None else self.value

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        out = {"key": self.key, "label": self.label.to_json(), "value": self.value}
        return out if self.text is None else {**out, "text": self.text.to_json()}


@dataclass(frozen=True)
class ResultLine:
    """One result on the waardepapier: a kerntaak, werkproces, keuzedeel or generic subject."""

    soort: str
    code: str
    naam: str
    waarde: str | None
    behaald: bool

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {"soort": self.soort, "code": self.code, "naam": self.naam,
                "waarde": self.waarde, "behaald": self.behaald}  # fmt: skip


@dataclass
class Facts:
    """What the report shows about the paper itself."""

    kind: str | None = None
    title: str | None = None
    subject: list[Fact] = field(default_factory=list)
    certifies: list[Fact] = field(default_factory=list)
    results: list[ResultLine] = field(default_factory=list)
    dates: list[Fact] = field(default_factory=list)


def _text(value: Any) -> str | None:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, datetime):
        return (
            value.date().isoformat()
            if value.time() == datetime.min.time()
            else (value.isoformat().replace("+00:00", "Z"))
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "ja / yes" if value else "nee / no"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _facts(pairs: list[tuple[str, Any]]) -> list[Fact]:
    out = []
    for key, value in pairs:
        if isinstance(value, Text):
            out.append(Fact(key, _LABELS.get(key, Text(key, key)), f"{value.nl} / {value.en}",
                            value))  # fmt: skip
            continue
        text = _text(value)
        if text is not None:
            words = _YES_NO.get(value) if isinstance(value, bool) else None
            out.append(Fact(key, _LABELS.get(key, Text(key, key)), text, words))
    return out


_YES_NO = {True: Text("ja", "yes"), False: Text("nee", "no")}


def _results(onderdelen: list[Onderdeel]) -> list[ResultLine]:
    return [ResultLine(o.soort, o.code, o.naam, o.waarde, o.behaald) for o in onderdelen]


def facts_of(
    paper: Waardepapier | None, certified: dict[str, Any] | None, view: CredentialView | None
) -> Facts:
    """The facts of ``paper`` (the mbo model read from the verified view); for a credential
    that is not a waardepapier, only its signed name and subject ids."""
    out = Facts()
    if view is not None:
        out.dates = _facts([(k, v) for k, v in view.date_members().items()])
    if paper is None:
        name = (certified or {}).get("name")
        out.title = name if isinstance(name, str) else None
        if view is not None:
            out.subject = _facts([("holder", view.subject_ids)])
        return out
    # (a paper exists only when the mbo models were loaded to read it)
    from mbo_vc.mbo import MboCertificaat, MboDiploma, MboVerklaring, Microcredential

    out.kind = paper.kind
    student = paper.student
    out.subject = _facts([
        ("naam", student.naam), ("geboortedatum", student.geboortedatum),
        ("geboorteplaats", student.geboorteplaats), ("holder", student.id),
    ])  # fmt: skip
    kind = _KINDS.get(paper.kind)
    common: list[tuple[str, Any]] = [("soort", kind or paper.kind)]
    school = paper.instelling
    tail: list[tuple[str, Any]] = [
        ("school", school.naam if school.naam != school.id else None),
        ("brin", school.brin), ("oin", school.oin),
    ]  # fmt: skip
    dates: list[tuple[str, Any]] = [("uitreikdatum", paper.uitreikdatum)]
    if isinstance(paper, MboDiploma | MboVerklaring):
        o = paper.opleiding
        out.title = f"{kind.nl if kind else paper.kind} {o.naam}"
        common += [
            ("opleiding", o.naam), ("crebo", o.crebo), ("niveau", f"mbo {_NIVEAU[o.niveau]}"),
            ("kwalificatiedossier", o.kwalificatiedossier), ("leerweg", paper.leerweg),
            ("cohort", paper.cohort),
        ]  # fmt: skip
    if isinstance(paper, MboVerklaring) and paper.praktijkverklaring is not None:
        pv = paper.praktijkverklaring
        common += [
            ("leerbedrijf", pv.leerbedrijf), ("praktijkopleider", pv.praktijkopleider),
            ("bpv_periode", pv.bpv_periode), ("oordeel", pv.oordeel),
        ]  # fmt: skip
    if isinstance(paper, MboCertificaat):
        out.title = f"{kind.nl if kind else paper.kind} {paper.onderdeel_naam}"
        common += [
            ("onderdeel", paper.onderdeel_naam), ("keuzedeel", paper.keuzedeel_code),
            ("crebo", paper.crebo), ("kwalificatie_crebo", paper.kwalificatie_crebo),
            ("niveau", f"mbo {_NIVEAU.get(paper.niveau or 0, paper.niveau)}"
             if paper.niveau else None),
            ("leerweg", paper.leerweg),
        ]  # fmt: skip
    if isinstance(paper, MboDiploma | MboVerklaring | MboCertificaat):
        out.results = _results(
            paper._all_onderdelen() if isinstance(paper, MboVerklaring) else paper.resultaten
        )
        dates += [("uitslagdatum", paper.uitslagdatum), ("startdatum", paper.startdatum),
                  ("einddatum", paper.einddatum)]  # fmt: skip
    if isinstance(paper, Microcredential):
        out.title = paper.titel
        common += [
            ("titel", paper.titel), ("beschrijving", paper.beschrijving),
            ("criteria", paper.criteria),
            ("studielast", Text(f"{paper.studielast_uren} uur", f"{paper.studielast_uren} hours")
             if paper.studielast_uren else None),
            ("ects", paper.ects), ("eqf", paper.eqf), ("nlqf", paper.nlqf),
            ("taal", paper.taal), ("toetsvorm", paper.toetsvorm),
            ("leeruitkomsten", paper.leeruitkomsten),
            ("kwaliteitskader", paper.kwaliteitskader.naam if paper.kwaliteitskader else None),
        ]  # fmt: skip
    out.certifies = _facts(common + tail)
    out.dates = _facts(dates) + out.dates
    return out


def image_of(paper: Waardepapier | None) -> str | None:
    """The achievement image when it is a ``data:`` URI of a raster image type (PNG, JPEG,
    GIF, WebP; not SVG, which can hold script) whose bytes are that type's, small enough; else
    None. Never fetched."""
    uri = getattr(paper, "afbeelding", None)
    if not isinstance(uri, str) or len(uri) > _MAX_IMAGE_URI:
        return None
    found = _DATA_IMAGE.fullmatch(uri)
    if found is None:
        return None
    try:
        head = base64.b64decode(found.group(2)[:64], validate=True)
    except ValueError:
        return None
    return uri if _MAGIC[found.group(1)](head) else None


_MAGIC = {
    "png": lambda b: b.startswith(b"\x89PNG\r\n\x1a\n"),
    "jpeg": lambda b: b.startswith(b"\xff\xd8\xff"),
    "gif": lambda b: b.startswith((b"GIF87a", b"GIF89a")),
    "webp": lambda b: b.startswith(b"RIFF") and b[8:12] == b"WEBP",
}
"""The first bytes each image type starts with (the type the URI names must be its bytes')."""
