"""Reading student-information-system (SIS) exports: CSV and JSON lines, one waardepapier per row.

The column names, and the Osiris/Eduarte export names they map to, are in docs/sis-import.md.
:func:`read_rows` yields ``(line number, row)``; :func:`build` turns one row into a waardepapier,
raising :class:`~mbo_vc.errors.ModelValidationError` with the field and line on bad input.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from mbo_vc.errors import InputError, ModelValidationError
from mbo_vc.mbo.model import (
    WAARDEPAPIEREN,
    Instelling,
    Kwaliteitskader,
    Onderdeel,
    Opleiding,
    Praktijkverklaring,
    Student,
    Waardepapier,
)

__all__ = [
    "COLUMNS",
    "NEEDS",
    "ONE_OF",
    "REQUIRED",
    "build",
    "column_problem",
    "parse_onderdelen",
    "read_rows",
    "unknown_columns",
]

_MAX_ROW_BYTES = 1 << 20

_COMMON = (
    "instelling_id", "instelling_naam", "brin", "oin", "instelling_url", "studentnummer", "naam",
    "geboortedatum", "geboorteplaats", "student_did", "email", "uitreikdatum", "geldig_tot",
    "credential_id",
)  # fmt: skip
_MBO_COLUMNS = ("leerweg", "cohort", "startdatum", "einddatum", "uitslagdatum", "resultaten")
_OPLEIDING = ("opleiding", "crebo", "niveau", "kwalificatiedossier", "eqf", "opleiding_id")
_CERTIFICAAT = ("onderdeel", "keuzedeelcode", "crebo", "kwalificatie_crebo", "niveau",
                "onderdeel_id")  # fmt: skip
_VERKLARING = ("ook_niet_behaald", "leerbedrijf", "praktijkopleider", "bpv_periode",
               "praktijkoordeel", "werkprocessen")  # fmt: skip
_MICRO = (
    "achievement_id", "titel", "beschrijving", "criteria", "afbeelding", "sbu", "ects", "taal",
    "leeruitkomsten", "toetsvorm", "identiteit_gecontroleerd", "supervisie", "deelname",
    "kwaliteitskader_naam", "kwaliteitskader_url", "kwaliteitskader_beschrijving",
    "programma_id", "eqf", "nlqf",
)  # fmt: skip
COLUMNS: dict[str, frozenset[str]] = {
    "mbo-diploma": frozenset((*_COMMON, *_MBO_COLUMNS, *_OPLEIDING)),
    "mbo-certificaat": frozenset((*_COMMON, *_MBO_COLUMNS, *_CERTIFICAAT)),
    "mbo-verklaring": frozenset((*_COMMON, *_MBO_COLUMNS, *_OPLEIDING, *_VERKLARING)),
    "microcredential": frozenset((*_COMMON, *_MICRO)),
}
"""The columns :func:`build` reads for each waardepapier (docs/sis-import.md)."""

_MBO_REQUIRED = ("naam", "instelling_naam", "uitreikdatum")
REQUIRED: dict[str, tuple[str, ...]] = {
    "mbo-diploma": (*_MBO_REQUIRED, "opleiding", "crebo", "niveau"),
    "mbo-certificaat": (*_MBO_REQUIRED, "onderdeel"),
    "mbo-verklaring": (*_MBO_REQUIRED, "opleiding", "crebo", "niveau"),
    "microcredential": (
        "instelling_naam", "uitreikdatum", "achievement_id", "titel", "beschrijving", "criteria",
    ),
}  # fmt: skip
"""The columns each row must fill, per waardepapier (the model refuses a row without them);
every other column of :data:`COLUMNS` is optional. docs/sis-import.md shows this table, and a
test holds the two equal."""

ONE_OF: dict[str, tuple[tuple[str, ...], ...]] = {
    "mbo-certificaat": (("keuzedeelcode", "crebo"),),  # a keuzedeel or a certificeerbare eenheid
    "microcredential": (("naam", "email", "studentnummer", "student_did"),),  # who the learner is
}
"""Groups of columns of which a row must fill at least one. (The microcredential model also
takes a birth date or place as the learner's only identifier; an import does not.)"""

_PRAKTIJK = ("praktijkopleider", "bpv_periode", "praktijkoordeel", "werkprocessen")
NEEDS: dict[str, dict[str, str]] = {
    "mbo-verklaring": dict.fromkeys(_PRAKTIJK, "leerbedrijf"),
    "microcredential": {
        "kwaliteitskader_naam": "kwaliteitskader_url",
        "kwaliteitskader_url": "kwaliteitskader_naam",
        "kwaliteitskader_beschrijving": "kwaliteitskader_naam",
    },
}
"""Optional columns that only mean something with another one (the praktijkverklaring's fields
with its ``leerbedrijf``, a kwaliteitskader's with its name and URL): a row that fills the
first without the second is refused rather than losing the value."""


def column_problem(kind: str, row: Mapping[str, Any]) -> tuple[str, str] | None:
    """The first (column, message) of ``row`` that breaks :data:`REQUIRED`, :data:`ONE_OF` or
    :data:`NEEDS` for ``kind``; None when the row has the columns it needs."""

    def filled(name: str) -> bool:
        return row.get(name) not in (None, "")

    for name in REQUIRED.get(kind, ()):
        if not filled(name):
            return name, f"the column {name!r} is required for {kind} (missing or empty)"
    for group in ONE_OF.get(kind, ()):
        if not any(filled(name) for name in group):
            names = " or ".join(repr(n) for n in group)
            return group[0], f"{kind} needs the column {names} (both missing or empty)"
    for name, needed in NEEDS.get(kind, {}).items():
        if filled(name) and not filled(needed):
            return needed, f"the column {name!r} needs {needed!r} as well (missing or empty)"
    return None


def unknown_columns(kind: str, rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """The column names in ``rows`` that :func:`build` does not read for ``kind`` (sorted)."""
    known = COLUMNS.get(kind, frozenset())
    found: set[str] = set()
    for row in rows:
        found.update(k for k in row if isinstance(k, str) and k != "__error__")
    return sorted(found - known)


def read_rows(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line, row)`` from a ``.csv`` (header row, ``,`` or ``;``) or ``.jsonl`` file
    (``path`` a ``str`` or a ``Path``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        yield from _jsonl(text)
    else:
        yield from _csv(text)


def _jsonl(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if len(line) > _MAX_ROW_BYTES:
            yield number, {"__error__": "row is larger than 1 MiB"}
            continue
        try:
            row = json.loads(line)
        except (ValueError, RecursionError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else type(exc).__name__
            yield number, {"__error__": f"not JSON: {reason}"}
            continue
        yield number, row if isinstance(row, dict) else {"__error__": "a row must be an object"}


def _csv(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    start = 2
    for row in reader:
        line = start
        start = reader.line_num + 1
        if None in row:
            yield line, {"__error__": "more values than columns in the header"}
            continue
        cleaned = {k.strip(): (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
        if not any(cleaned.values()):
            continue
        yield line, {k: v for k, v in cleaned.items() if v not in ("", None)}


def parse_onderdelen(value: Any) -> list[dict[str, Any]]:
    """Components from a JSON list, or from the CSV mini-format
    ``soort|code|naam|waarde[|niet behaald]`` separated by ``;``."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    out = []
    for item in str(value).split(";"):
        if not item.strip():
            continue
        parts = [p.strip() for p in item.split("|")]
        if len(parts) < 3:
            raise ValueError(f"component {item.strip()!r} needs soort|code|naam[|waarde]")
        entry: dict[str, Any] = {"soort": parts[0], "code": parts[1], "naam": parts[2]}
        if len(parts) > 3 and parts[3]:
            entry["waarde"] = parts[3]
        if len(parts) > 4 and parts[4].lower() in ("niet behaald", "nb", "false", "0"):
            entry["behaald"] = False
        out.append(entry)
    return out


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [v.strip() for v in str(value).split(";") if v.strip()]


def _bool(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("ja", "j", "yes", "true", "1", "waar"):
        return True
    if text in ("nee", "n", "no", "false", "0", "onwaar"):
        return False
    raise ValueError(f"{value!r} is not ja/nee")


def _int(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return value


def _num(value: Any) -> Any:
    if isinstance(value, str):
        try:
            f = float(value.replace(",", "."))
        except ValueError:
            return value
        return int(f) if f.is_integer() and "." not in value and "," not in value else f
    return value


def _g(row: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        if row.get(name) not in (None, ""):
            return row[name]
    return None


def _student(row: Mapping[str, Any]) -> Student:
    identifiers = []
    email = _g(row, "email")
    if email is not None:
        import secrets

        from mbo_vc.mbo.model import hash_identifier
        from mbo_vc.models import IdentityObject

        salt = secrets.token_hex(8)
        identifiers.append(
            IdentityObject(
                hashed=True,
                identity_hash=hash_identifier(str(email).strip().lower(), salt),
                identity_type="emailAddress",
                salt=salt,
            )
        )
    return Student.create(
        naam=_g(row, "naam"),
        studentnummer=_g(row, "studentnummer"),
        geboortedatum=_g(row, "geboortedatum"),
        geboorteplaats=_g(row, "geboorteplaats"),
        id=_g(row, "student_did"),
        identifiers=identifiers,
    )


def _instelling(row: Mapping[str, Any], default_id: str | None) -> Instelling:
    return Instelling.create(
        id=_g(row, "instelling_id") or default_id,
        naam=_g(row, "instelling_naam"),
        brin=_g(row, "brin"),
        oin=_g(row, "oin"),
        url=_g(row, "instelling_url"),
    )


def _common(row: Mapping[str, Any], default_issuer: str | None) -> dict[str, Any]:
    data = {
        "instelling": _instelling(row, default_issuer),
        "student": _student(row),
        "uitreikdatum": _g(row, "uitreikdatum"),
        "geldig_tot": _g(row, "geldig_tot"),
    }
    if _g(row, "credential_id"):
        data["credential_id"] = row["credential_id"]
    return data


def _mbo(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "leerweg": _g(row, "leerweg"),
        "cohort": None if _g(row, "cohort") is None else str(row["cohort"]),
        "startdatum": _g(row, "startdatum"),
        "einddatum": _g(row, "einddatum"),
        "uitslagdatum": _g(row, "uitslagdatum"),
        "resultaten": [Onderdeel.create(**o) for o in parse_onderdelen(_g(row, "resultaten"))],
    }


def _opleiding(row: Mapping[str, Any]) -> Opleiding:
    return Opleiding.create(
        naam=_g(row, "opleiding"),
        crebo=None if _g(row, "crebo") is None else str(row["crebo"]),
        niveau=_int(_g(row, "niveau")),
        kwalificatiedossier=_g(row, "kwalificatiedossier"),
        eqf=_int(_g(row, "eqf")),
        achievement_id=_g(row, "opleiding_id"),
    )


def build(kind: str, row: Mapping[str, Any], *, default_issuer: str | None = None) -> Waardepapier:
    """Build one waardepapier of ``kind`` (mbo-diploma, mbo-certificaat, mbo-verklaring,
    microcredential) from a SIS row; ``default_issuer`` fills a missing ``instelling_id``."""
    if "__error__" in row:
        raise ModelValidationError(str(row["__error__"]), field="row")
    cls = WAARDEPAPIEREN.get(kind)
    if cls is None:
        raise ModelValidationError(
            f"unknown type {kind!r}; choose one of {', '.join(WAARDEPAPIEREN)}", field="type"
        )
    problem = column_problem(kind, row)
    if problem is not None:
        raise ModelValidationError(problem[1], field=problem[0])
    return _model(kind, cls, row, default_issuer)


def _model(
    kind: str, cls: type[Waardepapier], row: Mapping[str, Any], default_issuer: str | None
) -> Waardepapier:
    """The waardepapier of a row (the model's own checks; the column rules are done)."""
    try:
        data = _common(row, default_issuer)
        if kind == "mbo-diploma":
            data |= {"opleiding": _opleiding(row), **_mbo(row)}
        elif kind == "mbo-certificaat":
            data |= {
                "onderdeel_naam": _g(row, "onderdeel"),
                "keuzedeel_code": _g(row, "keuzedeelcode"),
                "crebo": None if _g(row, "crebo") is None else str(row["crebo"]),
                "kwalificatie_crebo": _g(row, "kwalificatie_crebo"),
                "niveau": _int(_g(row, "niveau")),
                "achievement_id": _g(row, "onderdeel_id"),
                **_mbo(row),
            }
        elif kind == "mbo-verklaring":
            data |= {"opleiding": _opleiding(row), **_mbo(row)}
            data["ook_niet_behaald"] = bool(_bool(_g(row, "ook_niet_behaald")))
            if _g(row, "leerbedrijf") is not None:
                data["praktijkverklaring"] = Praktijkverklaring.create(
                    leerbedrijf=row["leerbedrijf"],
                    praktijkopleider=_g(row, "praktijkopleider"),
                    bpv_periode=_g(row, "bpv_periode"),
                    oordeel=_g(row, "praktijkoordeel"),
                    werkprocessen=[
                        Onderdeel.create(**o) for o in parse_onderdelen(_g(row, "werkprocessen"))
                    ],
                )
        else:
            qa = None
            if _g(row, "kwaliteitskader_naam") is not None:
                qa = Kwaliteitskader.create(
                    naam=row["kwaliteitskader_naam"],
                    url=_g(row, "kwaliteitskader_url"),
                    beschrijving=_g(row, "kwaliteitskader_beschrijving"),
                )
            data |= {
                "achievement_id": _g(row, "achievement_id"),
                "titel": _g(row, "titel"),
                "beschrijving": _g(row, "beschrijving"),
                "criteria": _g(row, "criteria"),
                "afbeelding": _g(row, "afbeelding"),
                "studielast_uren": _int(_g(row, "sbu")),
                "ects": _num(_g(row, "ects")),
                "taal": _g(row, "taal") or "nl-NL",
                "leeruitkomsten": _list(_g(row, "leeruitkomsten")),
                "toetsvorm": _g(row, "toetsvorm"),
                "identiteit_gecontroleerd": _bool(_g(row, "identiteit_gecontroleerd")),
                "supervisie": _g(row, "supervisie"),
                "deelname": _g(row, "deelname"),
                "kwaliteitskader": qa,
                "programma_id": _int(_g(row, "programma_id")),
                "eqf": _int(_g(row, "eqf")),
                "nlqf": _int(_g(row, "nlqf")),
            }
        return cls.create(**{k: v for k, v in data.items() if v is not None})
    except ValueError as exc:  # our parsing helpers (ja/nee, component format)
        raise ModelValidationError(str(exc), field="row") from None
