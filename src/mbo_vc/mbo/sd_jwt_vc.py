"""The four waardepapieren as SD-JWT VC (``dc+sd-jwt``): the same model objects, another securing.

The claims are the waardepapier model itself (its fields, as the model serialises them), not a
second model: :func:`claims_of` reads them from a :class:`~mbo_vc.mbo.Waardepapier`,
:func:`waardepapier_from_claims` turns fully disclosed claims back into the model. Each type has
one ``vct`` and one type metadata document (:func:`type_metadata`: Dutch and English display
names for every claim, ``display``, an embedded JSON Schema, the logo as a ``data:`` URI, as the
NL Wallet profile requires).

What is always disclosed and what the holder may withhold (DECISION, docs/sd-jwt-vc.md): the
issuing school (``instelling``), the qualification (``opleiding``; for a certificaat the
onderdeel and its crebo; for a microcredential its title, description, criteria, load and
quality framework) and the date of issue are always disclosed: they are what the credential
*is*. Everything personal or incidental is selectively disclosable, each on its own: the
student's name, date and place of birth, hashed student number and other identifiers (a hashed
e-mail address and its salt: never in clear), the holder DID (``sub``),
leerweg, cohort and the enrolment dates, the uitslagdatum, each result (kerntaak, generiek
onderdeel, keuzedeel) as its own array element, and a praktijkverklaring as a whole.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from mbo_vc.errors import UsageError
from mbo_vc.keys import EcKey, Ed25519Key
from mbo_vc.mbo.model import WAARDEPAPIEREN, Waardepapier
from mbo_vc.sd_jwt import SdJwt
from mbo_vc.sd_jwt_vc import issue_sd_jwt_vc

__all__ = [
    "ALWAYS_DISCLOSED",
    "SELECTIVELY_DISCLOSABLE",
    "VCT",
    "claims_of",
    "disclosable_paths",
    "frame_of",
    "issue_sd_jwt",
    "type_metadata",
    "waardepapier_from_claims",
]

VCT = {kind: f"https://w3id.org/mbo-vc/vct/{kind}/v1" for kind in WAARDEPAPIEREN}
"""The ``vct`` of each waardepapier type."""

_STUDENT = [
    "naam",
    "geboortedatum",
    "geboorteplaats",
    "studentnummer_hash",
    # other identifiers (a hashed e-mail address with its salt): a stable handle to track the
    # holder by, so withheld unless chosen, as a whole and each one on its own
    "identifiers",
    "identifiers[]",
]
_MBO = ["sub", "leerweg", "cohort", "startdatum", "einddatum", "uitslagdatum"]

SELECTIVELY_DISCLOSABLE: dict[str, list[str]] = {
    "mbo-diploma": [*_MBO, "resultaten[]", *(f"student.{n}" for n in _STUDENT)],
    "mbo-certificaat": [*_MBO, "resultaten[]", *(f"student.{n}" for n in _STUDENT)],
    "mbo-verklaring": [
        *_MBO,
        "resultaten[]",
        "praktijkverklaring",
        *(f"student.{n}" for n in _STUDENT),
    ],
    "microcredential": ["sub", *(f"student.{n}" for n in _STUDENT)],
}
"""Per type, the claims the issuer makes selectively disclosable (dotted paths; ``name[]``:
every element on its own); :func:`frame_of` turns them into the disclosure frame and
:func:`type_metadata` marks exactly these ``sd: always``, everything else ``never``."""

ALWAYS_DISCLOSED: dict[str, list[str]] = {
    "mbo-diploma": ["instelling", "opleiding", "uitreikdatum", "geldig_tot"],
    "mbo-certificaat": [
        "instelling",
        "onderdeel_naam",
        "keuzedeel_code",
        "crebo",
        "kwalificatie_crebo",
        "niveau",
        "uitreikdatum",
        "geldig_tot",
    ],
    "mbo-verklaring": [
        "instelling",
        "opleiding",
        "ook_niet_behaald",
        "uitreikdatum",
        "geldig_tot",
    ],
    "microcredential": [
        "instelling",
        "achievement_id",
        "titel",
        "beschrijving",
        "criteria",
        "afbeelding",
        "studielast_uren",
        "ects",
        "tijdsinvestering_uren",
        "taal",
        "leeruitkomsten",
        "toetsvorm",
        "identiteit_gecontroleerd",
        "supervisie",
        "deelname",
        "kwaliteitskader",
        "programma_id",
        "eqf",
        "nlqf",
        "uitreikdatum",
        "geldig_tot",
    ],
}
"""Per type, the claims that are always disclosed (besides ``iss``, ``vct``, ``iat``, ``cnf``)."""

_JWT_CLAIMS = frozenset(
    {"iss", "vct", "iat", "exp", "nbf", "cnf", "status", "jti", "sub", "_sd_alg"}
)
_EXCLUDE = {"credential_id", "credential_status", "result_descriptions", "results",
            "extra_alignments"}  # fmt: skip


def claims_of(w: Waardepapier) -> dict[str, Any]:
    """The SD-JWT VC claims of a waardepapier: its model fields (the student's salt, the
    OBv3-only members and the Bitstring status entry left out; the holder DID as ``sub``)."""
    data = w.model_dump(mode="json", exclude_none=True, exclude=_EXCLUDE)
    student = data.get("student", {})
    holder = student.pop("id", None)
    student.pop("salt", None)
    if not student.get("identifiers"):
        student.pop("identifiers", None)
    out = {k: v for k, v in data.items() if v != [] or k == "resultaten"}
    out["jti"] = w.credential_id
    if holder:
        out["sub"] = holder
    return out


def frame_of(kind: str, claims: Mapping[str, Any]) -> dict[str, Any]:
    """The disclosure frame of a waardepapier type (see :data:`SELECTIVELY_DISCLOSABLE`) for
    these claims: two decoy digests at the top, one in each nested object, none in arrays."""
    frame: dict[str, Any] = {"_sd": [], "_sd_decoy": 2}
    for entry in SELECTIVELY_DISCLOSABLE[kind]:
        elements = entry.endswith("[]")
        *parents, name = (entry[:-2] if elements else entry).split(".")
        node: dict[str, Any] = frame
        value: Any = claims
        for parent in parents:
            value = value.get(parent) if isinstance(value, Mapping) else None
            if not isinstance(value, Mapping):
                break
            node = node.setdefault(parent, {"_sd": [], "_sd_decoy": 1})
        else:
            if not isinstance(value, Mapping) or name not in value:
                continue
            if not elements:
                node["_sd"].append(name)
            elif isinstance(value[name], list) and value[name]:
                node.setdefault(name, {})["_sd"] = list(range(len(value[name])))
    return frame


def disclosable_paths(frame: Mapping[str, Any], claims: Any) -> set[tuple[Any, ...]]:
    """The claim paths (type metadata spelling: an array element is ``None``) that ``frame``
    makes selectively disclosable in ``claims``."""
    out: set[tuple[Any, ...]] = set()

    def walk(node: Mapping[str, Any], value: Any, prefix: tuple[Any, ...]) -> None:
        is_list = isinstance(value, list)
        for selected in node.get("_sd", []):
            out.add((*prefix, None if is_list else selected))
        for key, inner in node.items():
            if key in ("_sd", "_sd_decoy"):
                continue
            if is_list:
                walk(inner, value[int(key)], (*prefix, None))
            elif isinstance(value, Mapping):
                walk(inner, value[key], (*prefix, key))

    walk(frame, claims, ())
    return out


def issue_sd_jwt(
    w: Waardepapier,
    key: Ed25519Key | EcKey,
    *,
    holder: Mapping[str, Any] | Ed25519Key | EcKey | None,
    status: Mapping[str, Any] | None = None,
    iat: datetime | int | None = None,
    kid: str | None = None,
) -> SdJwt:
    """Issue a waardepapier as an SD-JWT VC signed by ``key`` (the instelling's), bound to the
    ``holder`` key (``cnf``). ``status`` is a Token Status List reference
    (``{"status_list": {"idx": …, "uri": …}}``)."""
    claims = claims_of(w)
    issuer = claims.pop("instelling")["id"]
    body = {"instelling": w.instelling.model_dump(mode="json", exclude_none=True), **claims}
    exp = w.geldig_tot
    return issue_sd_jwt_vc(
        body, frame_of(w.kind, body), key, vct=VCT[w.kind], issuer=issuer, holder=holder,
        iat=iat or w.uitreikdatum, exp=exp, status=status, kid=kid,
    )  # fmt: skip


def waardepapier_from_claims(claims: Mapping[str, Any]) -> Waardepapier:
    """The waardepapier model from SD-JWT VC claims (all disclosed): the inverse of
    :func:`claims_of`."""
    kind = next((k for k, v in VCT.items() if v == claims.get("vct")), None)
    if kind is None:
        raise UsageError(f"vct {str(claims.get('vct'))[:80]} is not a waardepapier type")
    data = {k: v for k, v in claims.items() if k not in _JWT_CLAIMS}
    data["credential_id"] = claims.get("jti")
    student = dict(data.get("student", {}))
    if "sub" in claims:
        student["id"] = claims["sub"]
    data["student"] = student
    return WAARDEPAPIEREN[kind].create(**data)


# --- type metadata -------------------------------------------------------------------------

_LOGO = "data:image/svg+xml;base64," + base64.b64encode(
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" '
    b'rx="8" fill="#004c99"/><text x="32" y="40" font-size="20" text-anchor="middle" '
    b'fill="#fff" font-family="sans-serif">mbo</text></svg>'
).decode("ascii")

_TYPE_NAMES = {
    "mbo-diploma": ("mbo-diploma", "Diploma van een mbo-opleiding", "Vocational (mbo) diploma",
                    "Diploma of a Dutch vocational (mbo) qualification"),
    "mbo-certificaat": ("mbo-certificaat", "Certificaat van een keuzedeel of eenheid",
                        "Vocational (mbo) certificate",
                        "Certificate of a Dutch vocational elective or unit"),
    "mbo-verklaring": ("mbo-verklaring", "Verklaring van behaalde onderdelen",
                       "Vocational (mbo) statement",
                       "Statement of the parts of a Dutch vocational programme achieved"),
    "microcredential": ("Microcredential", "Microcredential van een mbo-school",
                        "Microcredential", "Microcredential issued by a Dutch mbo school"),
}  # fmt: skip

_LABELS: dict[str, tuple[str, str]] = {
    "instelling": ("Onderwijsinstelling", "School"),
    "instelling.id": ("Identificatie van de instelling", "School identifier"),
    "instelling.naam": ("Naam van de instelling", "School name"),
    "instelling.brin": ("BRIN-code", "BRIN code"),
    "instelling.oin": ("OIN", "Government organisation number (OIN)"),
    "instelling.url": ("Website van de instelling", "School website"),
    "student": ("Student", "Student"),
    "student.naam": ("Naam", "Name"),
    "student.geboortedatum": ("Geboortedatum", "Date of birth"),
    "student.geboorteplaats": ("Geboorteplaats", "Place of birth"),
    "student.studentnummer_hash": ("Studentnummer (gehasht)", "Student number (hashed)"),
    "student.identifiers": ("Andere kenmerken", "Other identifiers"),
    "student.identifiers[]": ("Kenmerk", "Identifier"),
    "student.identifiers[].type": ("Soort object", "Object type"),
    "student.identifiers[].hashed": ("Gehasht", "Hashed"),
    "student.identifiers[].identity_hash": ("Kenmerk (gehasht)", "Identifier (hashed)"),
    "student.identifiers[].identity_type": ("Soort kenmerk", "Kind of identifier"),
    "student.identifiers[].salt": ("Salt van de hash", "Salt of the hash"),
    "sub": ("Houder (DID)", "Holder (DID)"),
    "jti": ("Kenmerk van het waardepapier", "Credential identifier"),
    "uitreikdatum": ("Datum van uitreiking", "Date of issue"),
    "geldig_tot": ("Geldig tot", "Valid until"),
    "leerweg": ("Leerweg", "Learning pathway (BOL/BBL)"),
    "cohort": ("Cohort", "Cohort"),
    "startdatum": ("Startdatum", "Start date"),
    "einddatum": ("Einddatum", "End date"),
    "uitslagdatum": ("Datum van de uitslag", "Date of the examination result"),
    "opleiding": ("Opleiding", "Qualification"),
    "opleiding.naam": ("Naam van de opleiding", "Qualification name"),
    "opleiding.crebo": ("Crebo-code", "Crebo code"),
    "opleiding.niveau": ("Niveau", "Level"),
    "opleiding.kwalificatiedossier": ("Kwalificatiedossier", "Qualification file"),
    "opleiding.eqf": ("EQF-niveau", "EQF level"),
    "opleiding.achievement_id": ("Identificatie van de kwalificatie", "Qualification identifier"),
    "resultaten": ("Resultaten", "Results"),
    "resultaten[].soort": ("Soort onderdeel", "Kind of component"),
    "resultaten[].code": ("Code", "Code"),
    "resultaten[].naam": ("Onderdeel", "Component"),
    "resultaten[].waarde": ("Resultaat", "Result"),
    "resultaten[].behaald": ("Behaald", "Achieved"),
    "onderdeel_naam": ("Onderdeel", "Component"),
    "keuzedeel_code": ("Keuzedeelcode", "Elective code"),
    "crebo": ("Crebo-code", "Crebo code"),
    "kwalificatie_crebo": ("Crebo van de kwalificatie", "Crebo of the qualification"),
    "niveau": ("Niveau", "Level"),
    "ook_niet_behaald": ("Ook niet-behaalde onderdelen", "Includes components not achieved"),
    "praktijkverklaring": ("Praktijkverklaring", "Work placement statement"),
    "praktijkverklaring.leerbedrijf": ("Leerbedrijf", "Work placement company"),
    "praktijkverklaring.praktijkopleider": ("Praktijkopleider", "Workplace supervisor"),
    "praktijkverklaring.bpv_periode": ("BPV-periode", "Work placement period"),
    "praktijkverklaring.oordeel": ("Oordeel", "Assessment"),
    "praktijkverklaring.werkprocessen": ("Werkprocessen", "Work processes"),
    "praktijkverklaring.werkprocessen[].soort": ("Soort onderdeel", "Kind of component"),
    "praktijkverklaring.werkprocessen[].code": ("Code", "Code"),
    "praktijkverklaring.werkprocessen[].naam": ("Werkproces", "Work process"),
    "praktijkverklaring.werkprocessen[].waarde": ("Oordeel", "Assessment"),
    "praktijkverklaring.werkprocessen[].behaald": ("Behaald", "Achieved"),
    "achievement_id": ("Identificatie van de microcredential", "Microcredential identifier"),
    "titel": ("Titel", "Title"),
    "beschrijving": ("Beschrijving", "Description"),
    "criteria": ("Criteria", "Criteria"),
    "afbeelding": ("Afbeelding", "Image"),
    "studielast_uren": ("Studielast (uren)", "Study load (hours)"),
    "ects": ("ECTS", "ECTS"),
    "tijdsinvestering_uren": ("Tijdsinvestering (uren)", "Time investment (hours)"),
    "taal": ("Taal", "Language"),
    "leeruitkomsten": ("Leeruitkomsten", "Learning outcomes"),
    "leeruitkomsten[]": ("Leeruitkomst", "Learning outcome"),
    "toetsvorm": ("Toetsvorm", "Assessment type"),
    "identiteit_gecontroleerd": ("Identiteit gecontroleerd", "Identity checked"),
    "supervisie": ("Supervisie", "Supervision"),
    "deelname": ("Deelname", "Participation"),
    "kwaliteitskader": ("Kwaliteitskader", "Quality framework"),
    "kwaliteitskader.naam": ("Naam van het kwaliteitskader", "Quality framework name"),
    "kwaliteitskader.url": ("Website van het kwaliteitskader", "Quality framework website"),
    "kwaliteitskader.beschrijving": ("Beschrijving van het kader", "Framework description"),
    "programma_id": ("Opleidingsprogramma", "Education programme"),
    "eqf": ("EQF-niveau", "EQF level"),
    "nlqf": ("NLQF-niveau", "NLQF level"),
}

_TYPES = {str: "string", bool: "boolean", int: "integer", float: "number"}


def _schema_of(value: Any) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return {"type": "object", "properties": {k: _schema_of(v) for k, v in value.items()}}
    if isinstance(value, list):
        merged: dict[str, Any] = {}
        for v in value:
            s = _schema_of(v)
            if "properties" in s and "properties" in merged:
                merged["properties"].update(s["properties"])
            else:
                merged = s
        return {"type": "array", "items": merged}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"type": "number"}
    return {"type": _TYPES.get(type(value), "string")}


def _label_key(path: tuple[Any, ...]) -> str:
    out = ""
    for p in path:
        out += "[]" if p is None else (("." if out else "") + str(p))
    return out


def _paths(value: Any, prefix: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(value, Mapping):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for v in value:
            for p in _paths(v, (*prefix, None)):
                if p not in out:
                    out.append(p)
    return out


def type_metadata(kind: str, example: Mapping[str, Any]) -> dict[str, Any]:
    """The type metadata document of a waardepapier type, describing every claim of
    ``example`` (fully disclosed claims of that type): ``sd`` is ``always`` for each claim the
    issuer makes selectively disclosable (:func:`frame_of`), ``never`` for the others."""
    short, nl_desc, en_name, en_desc = _TYPE_NAMES[kind]
    claims = []
    body = {k: v for k, v in example.items() if k not in ("iss", "vct", "iat", "cnf", "_sd_alg")}
    # SD-JWT VC, claim metadata, "Claim Selective Disclosure Metadata" (draft-ietf-oauth-sd-jwt-vc
    # -13 §9.4): "always: The Issuer MUST make the claim selectively disclosable. allowed: The
    # Issuer MAY make the claim selectively disclosable. never: The Issuer MUST NOT make the claim
    # selectively disclosable." mbo_vc's issuer makes exactly the frame's claims disclosable,
    # every time, and no other: those are always, the rest (in clear, or in clear inside a
    # disclosed value) never.
    sd = disclosable_paths(frame_of(kind, body), body)
    for path in _paths(body, ()):
        key = _label_key(path)
        nl, en = _LABELS.get(key, (key, key))
        claims.append({
            "path": list(path),
            "display": [{"locale": "nl-NL", "label": nl}, {"locale": "en-US", "label": en}],
            "sd": "always" if path in sd else "never",
        })  # fmt: skip
    required = [k for k in ALWAYS_DISCLOSED[kind] if k in body]
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": _schema_of(body)["properties"],
        "required": required,
    }
    rendering = {"simple": {"logo": {"uri": _LOGO, "alt_text": "mbo"},
                            "background_color": "#004c99", "text_color": "#ffffff"}}  # fmt: skip
    return {
        "vct": VCT[kind],
        "name": short,
        "description": en_desc,
        "display": [
            {"locale": "nl-NL", "name": short, "description": nl_desc, "rendering": rendering},
            {"locale": "en-US", "name": en_name, "description": en_desc, "rendering": rendering},
        ],
        "claims": claims,
        "schema": schema,
    }
